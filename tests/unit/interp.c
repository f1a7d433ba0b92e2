/* Interpreter semantics through a fake executor: calls return scripted
 * results and are recorded, so no real syscall is made. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "bc.h"
#include "emit.h"

enum { MAX_CALLS = 64, MAX_STEPS = 256 };

struct fake {
	unsigned ncalls, nret;
	long nr[MAX_CALLS];
	uint64_t arg[MAX_CALLS][6];
	long ret[MAX_CALLS];           /* scripted results, 0 past nret */
	unsigned nsteps;
	unsigned step_pc[MAX_STEPS], step_win[MAX_STEPS];
	uint64_t step_r0[MAX_STEPS];       /* r0 as the hook saw it */
	const struct bc_page *step_page;
};

static long fake_call(void *ctx, long nr, const uint64_t arg[6])
{
	struct fake *f = ctx;
	unsigned i = f->ncalls++;

	cr_assert_lt(i, MAX_CALLS, "too many calls");
	f->nr[i] = nr;
	memcpy(f->arg[i], arg, sizeof f->arg[i]);
	return i < f->nret ? f->ret[i] : 0;
}

static void fake_step(void *ctx, const struct bc_page *p, unsigned pc, unsigned win)
{
	struct fake *f = ctx;
	unsigned i = f->nsteps++;

	cr_assert_lt(i, MAX_STEPS, "too many steps");
	f->step_pc[i] = pc;
	f->step_win[i] = win;
	f->step_r0[i] = p->reg[0];
	f->step_page = p;
}

static struct fake F;
static const struct bc_executor EX = { fake_call, NULL, &F };
static const struct bc_executor EX_STEP = { fake_call, fake_step, &F };

/* Script the results of the next calls. */
static void script(unsigned n, const long *ret)
{
	memset(&F, 0, sizeof F);
	F.nret = n;
	if (n)
		memcpy(F.ret, ret, n * sizeof *ret);
}

static int li(struct bc_page *p, unsigned r, uint64_t v)
{
	return emit3(p, BC_OP_li, r, v, 0);
}

static int run(struct bc_page *p, const struct bc_executor *ex)
{
	struct bc_diag d = { 0 };

	cr_assert_eq(bc_verify(p, &d), 0, "test program does not verify: %s", d.msg);
	return bc_run(p, ex);
}

static void assert_done(const struct bc_page *p, int st, unsigned stop_pc, unsigned calls)
{
	cr_assert_eq(st, BC_ST_DONE, "status %s (error %lld at %u)", bc_status_name(st),
		     (long long)p->error, p->stop_pc);
	cr_assert_eq(p->status, BC_ST_DONE);
	cr_assert_eq(p->stop_pc, stop_pc);
	cr_assert_eq(p->error, 0);
	cr_assert_eq(p->calls, calls);
	cr_assert_eq(F.ncalls, calls);
}

static void assert_fault(const struct bc_page *p, int st, unsigned stop_pc, long error,
			 unsigned win, unsigned calls)
{
	cr_assert_eq(st, BC_ST_FAULT, "status %s", bc_status_name(st));
	cr_assert_eq(p->status, BC_ST_FAULT);
	cr_assert_eq(p->stop_pc, stop_pc);
	cr_assert_eq(p->error, error);
	cr_assert_eq(p->win, win);
	cr_assert_eq(p->calls, calls);
	cr_assert_eq(F.ncalls, calls);
}

/* Calls */

Test(interp, window_args_result_and_advance)
{
	static const long ret[] = { 111, 222 };
	struct bc_page p;

	script(2, ret);
	bc_page_init(&p);
	for (unsigned r = 0; r < 16; r++)
		li(&p, r, 1000 + r);
	emit0(&p, BC_OP_read);                 /* 160: window r0..r7 */
	emit0(&p, BC_OP_sendto);               /* 161: window r8..r15 */
	assert_done(&p, run(&p, &EX), 162, 2);
	cr_assert_eq(F.nr[0], 0);
	cr_assert_eq(F.nr[1], 44);
	for (unsigned a = 0; a < 6; a++) {
		cr_assert_eq(F.arg[0][a], 1001 + a, "call 0 arg %u", a);
		cr_assert_eq(F.arg[1][a], 1009 + a, "call 1 arg %u", a);
	}
	cr_assert_eq(p.reg[0], 111);
	cr_assert_eq(p.reg[8], 222);
	/* the spare register and the arguments are left alone */
	cr_assert_eq(p.reg[7], 1007);
	cr_assert_eq(p.reg[15], 1015);
	for (unsigned r = 1; r < 7; r++)
		cr_assert_eq(p.reg[r], 1000 + r);
	cr_assert_eq(p.win, 16);
	cr_assert_eq(p.reg[16], 0);
}

/* Every call opcode issues its own syscall number, with all six window
 * registers as arguments whatever its argument count. */
Test(interp, every_call_op_issues_its_number)
{
	static const struct { const char *name; unsigned code, shape; int nr; } ops[] = {
#define OP(name, code, shape, nr, nargs) { #name, code, BC_SHAPE_##shape, nr },
		BC_OPCODES(OP)
#undef OP
	};
	unsigned n = 0;

	for (unsigned i = 0; i < sizeof ops / sizeof *ops; i++) {
		struct bc_page p;
		if (ops[i].shape != BC_SHAPE_CALL)
			continue;
		n++;
		script(0, NULL);
		bc_page_init(&p);
		emit3(&p, BC_OP_win, 16, 0, 0);
		for (unsigned a = 0; a < 6; a++)
			li(&p, 17 + a, (uint64_t)(-3 * (int64_t)(a + 1)));
		emit0(&p, ops[i].code);
		assert_done(&p, run(&p, &EX), p.code_len, 1);
		cr_assert_eq(F.nr[0], ops[i].nr, "%s issued %ld", ops[i].name, F.nr[0]);
		for (unsigned a = 0; a < 6; a++)
			cr_assert_eq(F.arg[0][a], (uint64_t)(-3 * (int64_t)(a + 1)), "%s arg %u",
				     ops[i].name, a);
		cr_assert_eq(p.win, 24);
	}
	cr_assert_geq(n, 33, "call ops: %u", n);
}

Test(interp, sys_issues_its_operand)
{
	static const long ret[] = { 5, 6, 7 };
	struct bc_page p;

	script(3, ret);
	bc_page_init(&p);
	emit3(&p, BC_OP_sys, 0, 0, 0);
	emit3(&p, BC_OP_sys, 39, 0, 0);
	emit3(&p, BC_OP_sys, 511, 0, 0);
	assert_done(&p, run(&p, &EX), 9, 3);
	cr_assert_eq(F.nr[0], 0);
	cr_assert_eq(F.nr[1], 39);
	cr_assert_eq(F.nr[2], 511);
	cr_assert_eq(p.reg[0], 5);
	cr_assert_eq(p.reg[8], 6);
	cr_assert_eq(p.reg[16], 7);
	cr_assert_eq(p.win, 24);
}

Test(interp, win_sets_the_window)
{
	static const long ret[] = { 77, 88, 99 };
	struct bc_page p;

	script(3, ret);
	bc_page_init(&p);
	li(&p, 41, 4141);
	li(&p, 249, 2490);
	li(&p, 254, 2540);
	li(&p, 255, 2550);
	emit3(&p, BC_OP_win, 40, 0, 0);
	emit0(&p, BC_OP_getpid);               /* r40 */
	emit0(&p, BC_OP_getpid);               /* r48 */
	emit3(&p, BC_OP_win, 248, 0, 0);
	emit0(&p, BC_OP_write);                /* r248, the last window */
	assert_done(&p, run(&p, &EX), p.code_len, 3);
	cr_assert_eq(p.reg[40], 77);
	cr_assert_eq(p.reg[48], 88);
	cr_assert_eq(p.reg[248], 99);
	cr_assert_eq(p.reg[0], 0);
	cr_assert_eq(F.arg[0][0], 4141);
	cr_assert_eq(F.arg[2][0], 2490);
	cr_assert_eq(F.arg[2][5], 2540);
	cr_assert_eq(p.reg[255], 2550, "r[w+7] untouched");
	cr_assert_eq(p.win, 256);
}

/* Logic */

Test(interp, li_mov_add)
{
	struct bc_page p;

	script(0, NULL);
	bc_page_init(&p);
	li(&p, 1, (uint64_t)INT64_MIN);
	li(&p, 2, (uint64_t)-1);
	li(&p, 255, 0x0123456789abcdefull);
	emit3(&p, BC_OP_mov, 3, 1, 0);         /* r3 = INT64_MIN */
	emit3(&p, BC_OP_add, 3, 2, 0);         /* r3 = INT64_MAX */
	emit3(&p, BC_OP_mov, 4, 2, 0);
	li(&p, 5, 2);
	emit3(&p, BC_OP_add, 4, 5, 0);         /* -1 + 2 wraps to 1 */
	emit3(&p, BC_OP_mov, 0, 255, 0);
	emit3(&p, BC_OP_add, 0, 0, 0);         /* doubling through the same register */
	emit3(&p, BC_OP_mov, 6, 6, 0);
	assert_done(&p, run(&p, &EX), p.code_len, 0);
	cr_assert_eq(p.reg[1], (uint64_t)INT64_MIN);
	cr_assert_eq(p.reg[2], UINT64_MAX);
	cr_assert_eq(p.reg[3], (uint64_t)INT64_MAX);
	cr_assert_eq(p.reg[4], 1);
	cr_assert_eq(p.reg[0], 0x02468acf13579bdeull);
	cr_assert_eq(p.reg[255], 0x0123456789abcdefull);
	cr_assert_eq(p.reg[6], 0);
	cr_assert_eq(p.win, 0);
}

Test(interp, la_gives_the_address_in_the_page)
{
	struct bc_page p;

	script(0, NULL);
	bc_page_init(&p);
	emit3(&p, BC_OP_la, 1, 12, 0);
	emit3(&p, BC_OP_la, 2, 15, 0);
	emit3(&p, BC_OP_la, 3, 17, 0);
	bc_emit_data(&p, "hello", 5);
	assert_done(&p, run(&p, &EX), 12, 0);
	cr_assert_eq(p.reg[1], (uintptr_t)&p.code[12]);
	cr_assert_eq(p.reg[2], (uintptr_t)&p.code[15]);
	cr_assert_eq(p.reg[3], (uintptr_t)&p.code[17]);
	cr_assert_str_eq((const char *)(uintptr_t)p.reg[1], "hello");
}

Test(interp, registers_not_written_survive)
{
	struct bc_page p;

	script(0, NULL);
	bc_page_init(&p);
	li(&p, 1, 5);
	p.reg[100] = 0xdead;
	p.reg[1] = 9;
	assert_done(&p, run(&p, &EX), 10, 0);
	cr_assert_eq(p.reg[100], 0xdead);
	cr_assert_eq(p.reg[1], 5);
}

Test(interp, jmp_skips)
{
	struct bc_page p;

	script(0, NULL);
	bc_page_init(&p);
	emit3(&p, BC_OP_jmp, 13, 0, 0);        /* 0 */
	li(&p, 1, 1);                          /* 3: skipped */
	li(&p, 2, 2);                          /* 13 */
	emit3(&p, BC_OP_jmp, 36, 0, 0);        /* 23: to the end */
	li(&p, 3, 3);                          /* 26: skipped */
	assert_done(&p, run(&p, &EX), 36, 0);
	cr_assert_eq(p.reg[1], 0);
	cr_assert_eq(p.reg[2], 2);
	cr_assert_eq(p.reg[3], 0);
}

/* Each branch, taken and not taken, with the signed comparisons that
 * an unsigned one would get wrong. */
Test(interp, branches)
{
	static const struct {
		unsigned op;
		int64_t a, b;
		int taken;
	} cases[] = {
		{ BC_OP_jneg, -1, 0, 1 },
		{ BC_OP_jneg, INT64_MIN, 0, 1 },
		{ BC_OP_jneg, 0, 0, 0 },
		{ BC_OP_jneg, 1, 0, 0 },
		{ BC_OP_jneg, INT64_MAX, 0, 0 },
		{ BC_OP_jeq, 5, 5, 1 },
		{ BC_OP_jeq, -1, -1, 1 },
		{ BC_OP_jeq, 5, 6, 0 },
		{ BC_OP_jeq, INT64_MIN, INT64_MAX, 0 },
		{ BC_OP_jne, 5, 6, 1 },
		{ BC_OP_jne, 0, -1, 1 },
		{ BC_OP_jne, 7, 7, 0 },
		{ BC_OP_jlt, 1, 2, 1 },
		{ BC_OP_jlt, -1, 1, 1 },               /* unsigned: not less */
		{ BC_OP_jlt, INT64_MIN, INT64_MAX, 1 },
		{ BC_OP_jlt, 2, 2, 0 },
		{ BC_OP_jlt, 3, 2, 0 },
		{ BC_OP_jlt, 1, -1, 0 },               /* unsigned: less */
		{ BC_OP_jge, 2, 2, 1 },
		{ BC_OP_jge, 3, 2, 1 },
		{ BC_OP_jge, 1, -1, 1 },               /* unsigned: not >= */
		{ BC_OP_jge, INT64_MAX, INT64_MIN, 1 },
		{ BC_OP_jge, 1, 2, 0 },
		{ BC_OP_jge, -1, 1, 0 },               /* unsigned: >= */
	};

	for (unsigned i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct bc_page p;
		int br;
		script(0, NULL);
		bc_page_init(&p);
		li(&p, 1, (uint64_t)cases[i].a);       /* 0 */
		li(&p, 2, (uint64_t)cases[i].b);       /* 10 */
		br = cases[i].op == BC_OP_jneg ? emit3(&p, BC_OP_jneg, 1, 34, 0)
					       : emit3(&p, cases[i].op, 1, 2, 35);
		li(&p, 3, 1);                          /* the fall-through path */
		li(&p, 4, 1);                          /* the target: both paths */
		cr_assert_eq(br, 20);
		assert_done(&p, run(&p, &EX), p.code_len, 0);
		cr_assert_eq(p.reg[3], !cases[i].taken, "case %u: op %#x %lld, %lld", i,
			     cases[i].op, (long long)cases[i].a, (long long)cases[i].b);
		cr_assert_eq(p.reg[4], 1, "case %u", i);
	}
}

Test(interp, branch_to_the_end_is_done)
{
	struct bc_page p;

	script(0, NULL);
	bc_page_init(&p);
	li(&p, 1, 7);
	emit3(&p, BC_OP_jeq, 1, 1, 25);        /* 10 */
	li(&p, 2, 1);                          /* 15 */
	bc_emit_data(&p, "\x01\x01", 2);       /* stop bytes, never run */
	assert_done(&p, run(&p, &EX), 25, 0);
	cr_assert_eq(p.reg[2], 0);
}

Test(interp, stop_sets_stop_pc)
{
	struct bc_page p;

	script(0, NULL);
	bc_page_init(&p);
	li(&p, 1, 1);
	emit0(&p, BC_OP_getpid);               /* 10 */
	emit0(&p, BC_OP_stop);                 /* 11 */
	li(&p, 2, 2);                          /* 12: unreachable */
	emit0(&p, BC_OP_getpid);
	assert_done(&p, run(&p, &EX), 11, 1);
	cr_assert_eq(p.reg[2], 0);
	cr_assert_eq(p.win, 8);
}

Test(interp, run_resets_outputs)
{
	struct bc_page p;

	script(0, NULL);
	bc_page_init(&p);
	emit0(&p, BC_OP_getpid);
	p.status = BC_ST_FAULT;
	p.error = -99;
	p.calls = 50;
	p.stop_pc = 1234;
	p.win = 80;
	assert_done(&p, run(&p, &EX), 1, 1);
	cr_assert_eq(p.win, 8);
}

/* Errors */

Test(interp, untested_error_faults)
{
	static const long ret[] = { 3, -ENOENT, 4 };
	struct bc_page p;

	script(3, ret);
	bc_page_init(&p);
	emit0(&p, BC_OP_getpid);               /* 0: fine */
	li(&p, 1, 1);                          /* 1 */
	emit0(&p, BC_OP_openat);               /* 11: fails */
	li(&p, 2, 2);                          /* 12: not run */
	emit0(&p, BC_OP_getpid);               /* 22: not run */
	assert_fault(&p, run(&p, &EX), 11, -ENOENT, 16, 2);
	cr_assert_eq(p.reg[0], 3);
	cr_assert_eq(p.reg[8], (uint64_t)-ENOENT, "the failed result stays in its register");
	cr_assert_eq(p.reg[2], 0);
	cr_assert_eq(p.reg[16], 0);
}

Test(interp, error_range)
{
	static const struct { long ret; int fault; } cases[] = {
		{ -1, 1 }, { -4095, 1 }, { -EAGAIN, 1 },
		{ -4096, 0 }, { -4097, 0 }, { LONG_MIN, 0 }, { 0, 0 }, { 1, 0 }, { LONG_MAX, 0 },
	};

	for (unsigned i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct bc_page p;
		int st;
		script(1, &cases[i].ret);
		bc_page_init(&p);
		emit3(&p, BC_OP_sys, 39, 0, 0);
		li(&p, 1, 1);
		st = run(&p, &EX);
		cr_assert_eq(p.reg[0], (uint64_t)cases[i].ret);
		if (cases[i].fault) {
			assert_fault(&p, st, 0, cases[i].ret, 8, 1);
			cr_assert_eq(p.reg[1], 0, "case %u", i);
		} else {
			assert_done(&p, st, 13, 1);
			cr_assert_eq(p.reg[1], 1, "case %u", i);
		}
	}
}

Test(interp, failing_last_call_faults)
{
	static const long ret[] = { 0, -EBADF };
	struct bc_page p;

	script(2, ret);
	bc_page_init(&p);
	emit0(&p, BC_OP_fsync);                /* 0 */
	emit0(&p, BC_OP_close);                /* 1: last */
	assert_fault(&p, run(&p, &EX), 1, -EBADF, 16, 2);
}

/* A branch right after the call that reads its result register tests the
 * error: the program goes on. */
Test(interp, error_tested_by_the_next_branch)
{
	static const struct {
		unsigned op;
		unsigned ra, rb;
		int taken;
	} cases[] = {
		{ BC_OP_jneg, 8, 0, 1 },
		{ BC_OP_jeq, 8, 1, 1 },                /* r1 = -EIO */
		{ BC_OP_jeq, 2, 8, 0 },                /* result as the second operand */
		{ BC_OP_jne, 8, 8, 0 },
		{ BC_OP_jlt, 8, 2, 1 },
		{ BC_OP_jge, 2, 8, 1 },
	};

	for (unsigned i = 0; i < sizeof cases / sizeof *cases; i++) {
		static const long ret[] = { 10, -EIO, 20 };
		struct bc_page p;
		int br, target;
		script(3, ret);
		bc_page_init(&p);
		li(&p, 1, (uint64_t)-EIO);             /* 0 */
		li(&p, 2, 0);                          /* 10 */
		emit0(&p, BC_OP_getpid);               /* 20: w 0 */
		emit0(&p, BC_OP_write);                /* 21: w 8, fails */
		br = cases[i].op == BC_OP_jneg ? emit3(&p, BC_OP_jneg, cases[i].ra, 0, 0)
					       : emit3(&p, cases[i].op, cases[i].ra, cases[i].rb, 0);
		li(&p, 3, 1);                          /* the fall-through marker */
		target = emit0(&p, BC_OP_getppid);
		cr_assert_eq(bc_patch_jump(&p, br, target), 0);
		assert_done(&p, run(&p, &EX), p.code_len, 3);
		cr_assert_eq(p.reg[8], (uint64_t)-EIO, "case %u", i);
		cr_assert_eq(p.reg[3], !cases[i].taken, "case %u", i);
		cr_assert_eq(p.reg[16], 20, "case %u: the call after the branch ran", i);
		cr_assert_eq(p.win, 24);
	}
}

Test(interp, error_not_tested_by_the_next_branch)
{
	static const struct {
		unsigned op;
		unsigned ra, rb;
	} cases[] = {
		{ BC_OP_jneg, 0, 0 },                  /* an earlier result */
		{ BC_OP_jneg, 16, 0 },                 /* the new window's first register */
		{ BC_OP_jneg, 9, 0 },                  /* an argument of the call */
		{ BC_OP_jeq, 0, 1 },
		{ BC_OP_jlt, 9, 15, },
		{ BC_OP_jmp, 0, 0 },                   /* unconditional: tests nothing */
		{ BC_OP_mov, 1, 8 },                   /* reads it, but is no branch */
		{ BC_OP_stop, 0, 0 },
	};

	for (unsigned i = 0; i < sizeof cases / sizeof *cases; i++) {
		static const long ret[] = { 10, -EIO };
		struct bc_page p;
		script(2, ret);
		bc_page_init(&p);
		emit0(&p, BC_OP_getpid);               /* 0 */
		emit0(&p, BC_OP_write);                /* 1: w 8, fails */
		switch (cases[i].op) {
		case BC_OP_jneg:
			emit3(&p, BC_OP_jneg, cases[i].ra, 6, 0);
			break;
		case BC_OP_jmp:
			emit3(&p, BC_OP_jmp, 5, 0, 0);
			break;
		case BC_OP_stop:
			emit0(&p, BC_OP_stop);
			break;
		case BC_OP_mov:
			emit3(&p, BC_OP_mov, cases[i].ra, cases[i].rb, 0);
			break;
		default:
			emit3(&p, cases[i].op, cases[i].ra, cases[i].rb, 7);
		}
		emit0(&p, BC_OP_getppid);              /* not run */
		assert_fault(&p, run(&p, &EX), 1, -EIO, 16, 2);
		cr_assert_eq(p.reg[1], 0, "case %u", i);
	}
}

/* Only the instruction right after the call counts. */
Test(interp, error_tested_too_late_faults)
{
	static const long ret[] = { -EPERM };
	struct bc_page p;

	script(1, ret);
	bc_page_init(&p);
	emit0(&p, BC_OP_getpid);               /* 0 */
	emit3(&p, BC_OP_mov, 1, 1, 0);         /* 1 */
	emit3(&p, BC_OP_jneg, 0, 8, 0);        /* 4 */
	assert_fault(&p, run(&p, &EX), 0, -EPERM, 8, 1);
}

Test(interp, results_stay_after_done)
{
	static const long ret[] = { 1, -ENOENT, 3, 4 };
	struct bc_page p;

	script(4, ret);
	bc_page_init(&p);
	emit0(&p, BC_OP_getpid);               /* 0: r0 */
	emit0(&p, BC_OP_openat);               /* 1: r8, fails */
	emit3(&p, BC_OP_jneg, 8, 6, 0);        /* 2: tested */
	emit0(&p, BC_OP_close);                /* 6: r16 */
	emit3(&p, BC_OP_win, 200, 0, 0);       /* 7 */
	emit0(&p, BC_OP_fstat);                /* 9: r200 */
	assert_done(&p, run(&p, &EX), 10, 4);
	cr_assert_eq(p.reg[0], 1);
	cr_assert_eq(p.reg[8], (uint64_t)-ENOENT);
	cr_assert_eq(p.reg[16], 3);
	cr_assert_eq(p.reg[200], 4);
	cr_assert_eq(p.win, 208);
	cr_assert_eq(F.nr[3], 5);
}

/* Step hook */

Test(interp, step_hook_sees_each_instruction)
{
	static const unsigned want_pc[] = { 0, 10, 11, 13, 14, 18 };
	static const unsigned want_win[] = { 0, 0, 8, 32, 40, 40 };
	static const uint64_t want_r0[] = { 0, 0, 55, 55, 55, 55 };
	static const long ret[] = { 55, 66 };
	struct bc_page p;

	script(2, ret);
	bc_page_init(&p);
	li(&p, 1, 1);                          /* 0 */
	emit0(&p, BC_OP_getpid);               /* 10 */
	emit3(&p, BC_OP_win, 32, 0, 0);        /* 11 */
	emit0(&p, BC_OP_getpid);               /* 13 */
	emit3(&p, BC_OP_jneg, 1, 31, 0);       /* 14: not taken */
	emit3(&p, BC_OP_jmp, 31, 0, 0);        /* 18 */
	li(&p, 2, 2);                          /* 21: skipped */
	assert_done(&p, run(&p, &EX_STEP), 31, 2);
	cr_assert_eq(F.nsteps, 6, "steps: %u", F.nsteps);
	for (unsigned i = 0; i < 6; i++) {
		cr_assert_eq(F.step_pc[i], want_pc[i], "step %u pc %u", i, F.step_pc[i]);
		cr_assert_eq(F.step_win[i], want_win[i], "step %u win %u", i, F.step_win[i]);
		cr_assert_eq(F.step_r0[i], want_r0[i], "step %u saw r0 %llu", i,
			     (unsigned long long)F.step_r0[i]);
	}
	cr_assert_eq(F.step_page, &p);
	cr_assert_eq(p.reg[32], 66);
}

/* An invalid page never runs: no calls, no steps. */
Test(interp, invalid_page_is_not_run)
{
	struct bc_page p;

	script(0, NULL);
	bc_page_init(&p);
	emit0(&p, BC_OP_getpid);               /* 0 */
	li(&p, 1, 1);                          /* 1 */
	p.code[1] = 0x07;                      /* unknown opcode at pc 1 */
	p.status = BC_ST_DONE;
	p.calls = 7;
	p.error = 5;
	cr_assert_eq(bc_run(&p, &EX_STEP), BC_ST_INVALID);
	cr_assert_eq(p.status, BC_ST_INVALID);
	cr_assert_eq(p.stop_pc, 64 + 1);
	cr_assert_eq(p.error, -EINVAL);
	cr_assert_eq(p.calls, 0);
	cr_assert_eq(F.ncalls, 0);
	cr_assert_eq(F.nsteps, 0);
	cr_assert_eq(p.reg[0], 0);

	/* a header error reports its header offset */
	bc_page_init(&p);
	emit0(&p, BC_OP_getpid);
	p.version = 9;
	cr_assert_eq(bc_run(&p, NULL), BC_ST_INVALID);
	cr_assert_eq(p.stop_pc, 4);
	cr_assert_eq(p.reg[0], 0, "the direct executor ran a call");
}

/* A jump into its own operand bytes would run them as an instruction: here
 * "jeq r15, r56, 256" at pc 255 hides "sys 56" (clone) at pc 256. */
Test(interp, no_hidden_instruction_runs)
{
	struct bc_page p;

	script(0, NULL);
	bc_page_init(&p);
	for (unsigned i = 0; i < 25; i++)
		li(&p, 1, 1);                          /* 0..249 */
	emit3(&p, BC_OP_mov, 1, 1, 0);         /* 250 */
	emit3(&p, BC_OP_win, 0, 0, 0);         /* 253 */
	cr_assert_eq(emit3(&p, BC_OP_jeq, 15, 56, 256), 255);
	cr_assert_eq(p.code[256], BC_OP_sys);
	cr_assert_eq(bc_run(&p, &EX_STEP), BC_ST_INVALID);
	cr_assert_eq(p.stop_pc, 64 + 255);
	cr_assert_eq(F.ncalls, 0);
}

/* bc_exec trusts a verified page; on one that was never verified, or
 * changed since, the interpreter's own checks stop it. */
Test(interp, exec_stops_unverified_jump_past_the_end)
{
	static struct bc_page p;

	bc_page_init(&p);
	emit3(&p, BC_OP_jmp, 3, 0, 0);
	p.code[1] = 200; /* target 200, past the 3-byte code */
	cr_assert_eq(bc_exec(&p, NULL), BC_ST_INVALID);
	cr_assert_eq(p.error, -EINVAL);
	cr_assert_eq(p.stop_pc, 0);
}

Test(interp, exec_stops_unverified_forbidden_sys)
{
	static struct bc_page p;

	bc_page_init(&p);
	emit3(&p, BC_OP_sys, 39, 0, 0);
	p.code[1] = 15; /* rt_sigreturn */
	cr_assert_eq(bc_exec(&p, NULL), BC_ST_INVALID);
	cr_assert_eq(p.calls, 0);
}
