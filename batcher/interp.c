/* The interpreter.  The verifier explains what is wrong with a program;
 * the interpreter only defends itself, with checks off the call path:
 * a page changed after verification (or never verified) can at worst
 * stop as BC_ST_INVALID, never write outside its registers, read past
 * its code, loop, or make a call that would not return. */
#include <errno.h>
#include <stdint.h>

#include "internal.h"
#include "raw.h"

/* Whether the instruction at pc tests register res (a conditional jump
 * reading it), which lets a failed call's program go on. */
static int tests_result(const uint8_t *c, unsigned end, unsigned pc, unsigned res)
{
	const struct bc_opinfo *info;

	if (pc >= end)
		return 0;
	info = &__bc_opinfo[c[pc]];
	if (info->len > end - pc)
		return 0;
	return __bc_is_branch(info->shape) &&
	       (c[pc + 1] == res || (info->shape == BC_SHAPE_RRJ && c[pc + 2] == res));
}

long bc_direct_call(void *ctx, long nr, const uint64_t arg[6])
{
	(void)ctx;
	return __bc_raw6(nr, arg[0], arg[1], arg[2], arg[3], arg[4], arg[5]);
}

/* An instruction of n bytes must end within the code. */
#define NEED(n) if (end - pc < (n)) goto invalid

/* One body, two instances: with ex constant NULL the compiler drops the
 * executor indirection and the step hook from the direct path. */
static inline __attribute__((__always_inline__))
int interp(struct bc_page *p, const struct bc_executor *ex)
{
	const uint8_t *c = p->code;
	uint64_t *r = p->reg;
	unsigned end = p->code_len < BC_CODE_MAX ? p->code_len : BC_CODE_MAX;
	unsigned pc = 0, w = 0, call_pc, calls = 0, target;
	unsigned status = BC_ST_DONE;
	int64_t error = 0;
	long nr, ret;

	while (pc < end) {
		const uint8_t *i = c + pc;

		if (ex && ex->step)
			ex->step(ex->ctx, p, pc, w);
		switch (*i) {
#define DISPATCH_CALL(name, nr_) nr = nr_; call_pc = pc; pc += 1; goto call;
#define DISPATCH_LOGIC(name, nr_) goto op_##name;
#define DISPATCH_NONE DISPATCH_LOGIC
#define DISPATCH_WIN DISPATCH_LOGIC
#define DISPATCH_NR DISPATCH_LOGIC
#define DISPATCH_RI DISPATCH_LOGIC
#define DISPATCH_RA DISPATCH_LOGIC
#define DISPATCH_RR DISPATCH_LOGIC
#define DISPATCH_J DISPATCH_LOGIC
#define DISPATCH_RJ DISPATCH_LOGIC
#define DISPATCH_RRJ DISPATCH_LOGIC
#define DISPATCH(name, code, shape, nr_, nargs) \
		case code: DISPATCH_##shape(name, nr_)
		BC_OPCODES(DISPATCH)
		default:
			goto invalid;
		}
op_stop:
		goto out;
op_win:
		NEED(2);
		w = i[1];
		pc += 2;
		continue;
op_li:
		NEED(10);
		memcpy(&r[i[1]], i + 2, 8);
		pc += 10;
		continue;
op_la:
		NEED(4);
		r[i[1]] = (uintptr_t)(c + __bc_get16(i + 2));
		pc += 4;
		continue;
op_mov:
		NEED(3);
		r[i[1]] = r[i[2]];
		pc += 3;
		continue;
op_add:
		NEED(3);
		r[i[1]] += r[i[2]];
		pc += 3;
		continue;
op_jmp:
		NEED(3);
		target = __bc_get16(i + 1);
		goto jump;
op_jneg:
		NEED(4);
		target = (int64_t)r[i[1]] < 0 ? __bc_get16(i + 2) : pc + 4;
		goto jump;
op_jeq:
		NEED(5);
		target = r[i[1]] == r[i[2]] ? __bc_get16(i + 3) : pc + 5;
		goto jump;
op_jne:
		NEED(5);
		target = r[i[1]] != r[i[2]] ? __bc_get16(i + 3) : pc + 5;
		goto jump;
op_jlt:
		NEED(5);
		target = (int64_t)r[i[1]] < (int64_t)r[i[2]] ? __bc_get16(i + 3) : pc + 5;
		goto jump;
op_jge:
		NEED(5);
		target = (int64_t)r[i[1]] >= (int64_t)r[i[2]] ? __bc_get16(i + 3) : pc + 5;
jump:
		if (target <= pc || target > end)
			goto invalid;
		pc = target;
		continue;
op_sys:
		NEED(3);
		nr = __bc_get16(i + 1);
		if (__bc_sys_forbidden(nr))
			goto invalid;
		call_pc = pc;
		pc += 3;
call:
		if (w > BC_WIN_MAX)
			goto invalid;
		{
			uint64_t *a = r + w + 1;
			if (ex) {
				uint64_t arg[6] = { a[0], a[1], a[2], a[3], a[4], a[5] };
				ret = ex->call(ex->ctx, nr, arg);
			} else {
				ret = __bc_raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
			}
		}
		r[w] = ret;
		calls++;
		w += BC_WIN_SIZE;
		if ((unsigned long)ret > -4096UL &&
		    !tests_result(c, end, pc, w - BC_WIN_SIZE)) {
			status = BC_ST_FAULT;
			error = ret;
			pc = call_pc;
			goto out;
		}
	}
	goto out;
invalid:
	status = BC_ST_INVALID;
	error = -EINVAL;
out:
	p->status = status;
	p->stop_pc = pc;
	p->win = w;
	p->error = error;
	p->calls = calls;
	return status;
}

static int interp_direct(struct bc_page *p)
{
	return interp(p, NULL);
}

int bc_exec(struct bc_page *p, const struct bc_executor *ex)
{
	return ex ? interp(p, ex) : interp_direct(p);
}

int bc_run(struct bc_page *p, const struct bc_executor *ex)
{
	struct bc_diag d;

	if (bc_verify(p, &d)) {
		p->status = BC_ST_INVALID;
		p->stop_pc = d.offset;
		p->error = -EINVAL;
		p->calls = 0;
		return BC_ST_INVALID;
	}
	return bc_exec(p, ex);
}
