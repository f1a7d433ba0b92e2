/* Mutation tests: seeded random damage to valid programs must never crash
 * the decoder, verifier, disassembler or assembler; whatever still
 * verifies must survive the text round trip and run within the ABI's
 * invariants.  Deterministic: a fixed xorshift seed, never rand(). */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "bc.h"
#include "emit.h"

enum { MUTANTS = 200000, RANDOM_PAGES = 20000, IMAGE_MAX = BC_HDR_SIZE + BC_CODE_MAX };

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned below(unsigned n)
{
	return rnd() % n;
}

static unsigned get16(const uint8_t *b)
{
	return b[0] | (unsigned)b[1] << 8;
}

static unsigned min(unsigned a, unsigned b)
{
	return a < b ? a : b;
}

static int failed(long ret)
{
	return ret >= -4095 && ret <= -1;
}

static void patch(struct bc_page *p, unsigned pc, unsigned target)
{
	cr_assert_eq(bc_patch_jump(p, pc, target), 0, "patch pc %u -> %u", pc, target);
}

static void data(struct bc_page *p, const void *b, size_t n)
{
	cr_assert(bc_emit_data(p, b, n) >= 0);
}

/* Seeds take the code-area offset of their data, which is known only once
 * the code is emitted: they are built twice. */

/* open, read, write, close with error tests and a window reset where
 * paths with different windows meet. */
static void seed_io(struct bc_page *p, unsigned at)
{
	static const uint8_t buf[64];
	unsigned open_failed, read_failed, close;

	bc_page_init(p);
	emit3(p, BC_OP_li, 1, (uint64_t)-100, 0); /* AT_FDCWD */
	emit3(p, BC_OP_la, 2, at, 0);
	emit3(p, BC_OP_li, 3, 0, 0);
	emit3(p, BC_OP_openat, 0, 0, 0);
	open_failed = emit3(p, BC_OP_jneg, 0, 0, 0);
	emit3(p, BC_OP_mov, 9, 0, 0);
	emit3(p, BC_OP_la, 10, at + 16, 0);
	emit3(p, BC_OP_li, 11, sizeof buf, 0);
	emit3(p, BC_OP_read, 0, 0, 0);
	read_failed = emit3(p, BC_OP_jneg, 8, 0, 0);
	emit3(p, BC_OP_li, 17, 1, 0);
	emit3(p, BC_OP_la, 18, at + 16, 0);
	emit3(p, BC_OP_mov, 19, 8, 0);
	emit3(p, BC_OP_write, 0, 0, 0);
	close = emit3(p, BC_OP_win, 24, 0, 0);
	patch(p, read_failed, close);
	emit3(p, BC_OP_mov, 25, 0, 0);
	emit3(p, BC_OP_close, 0, 0, 0);
	patch(p, open_failed, p->code_len);
	data(p, "/etc/hostname\0\0", 16);
	data(p, buf, sizeof buf);
}

/* A full window run, a reset, generic calls and every compare, each
 * skipping an add. */
static void seed_windows(struct bc_page *p, unsigned at)
{
	static const enum bc_op cmp[] = { BC_OP_jeq, BC_OP_jne, BC_OP_jlt, BC_OP_jge };

	(void)at;
	bc_page_init(p);
	for (int i = 0; i < 31; i++)
		emit3(p, BC_OP_getppid, 0, 0, 0);
	emit3(p, BC_OP_getpid, 0, 0, 0);
	emit3(p, BC_OP_win, 0, 0, 0);
	emit3(p, BC_OP_sys, SYS_getpid, 0, 0);
	emit3(p, BC_OP_sys, SYS_getppid, 0, 0);
	for (int i = 0; i < 4; i++) {
		unsigned j = emit3(p, cmp[i], i & 1 ? 8 : 0, i & 1 ? 0 : 8, 0);
		emit3(p, BC_OP_add, i & 2 ? 8 : 0, i & 1 ? 8 : 0, 0);
		patch(p, j, p->code_len);
	}
	emit3(p, BC_OP_stop, 0, 0, 0);
	emit3(p, BC_OP_li, 1, 1, 0);
}

/* Branches around calls, joined by win; a failing call tested by jneg. */
static void seed_branches(struct bc_page *p, unsigned at)
{
	unsigned less, join, skip, end;

	bc_page_init(p);
	emit3(p, BC_OP_li, 1, 5, 0);
	emit3(p, BC_OP_li, 2, 7, 0);
	less = emit3(p, BC_OP_jlt, 1, 2, 0);
	emit3(p, BC_OP_getpid, 0, 0, 0);
	join = emit3(p, BC_OP_jmp, 0, 0, 0);
	patch(p, less, emit3(p, BC_OP_win, 8, 0, 0));
	patch(p, join, emit3(p, BC_OP_getppid, 0, 0, 0));
	skip = emit3(p, BC_OP_jneg, 8, 0, 0);
	emit3(p, BC_OP_li, 17, 1, 0);
	emit3(p, BC_OP_la, 18, at, 0);
	emit3(p, BC_OP_li, 19, 6, 0);
	emit3(p, BC_OP_write, 0, 0, 0);
	patch(p, skip, emit3(p, BC_OP_win, 32, 0, 0));
	emit3(p, BC_OP_sys, SYS_getpid, 0, 0);
	end = emit3(p, BC_OP_jge, 32, 1, 0);
	emit3(p, BC_OP_stop, 0, 0, 0);
	patch(p, end, p->code_len);
	data(p, "hello\n", 6);
}

/* Immediates at the edges of their text forms, and data of every kind
 * the disassembler distinguishes, addressed at its start, middle and end. */
static void seed_data(struct bc_page *p, unsigned at)
{
	static const char text[] = "say \"hi\"\t\\ ; not a comment\n"
		"a line longer than sixty-four bytes, which the disassembler splits up";
	static const uint8_t bin[] = { 0, 0, 0, 0, 0, 1, 2, 0xff, 0x80, 0x7f, 0, 'a', 0, 0, '\r' };
	static const int64_t imm[] = { 0, -1, 65535, 65536, -4096, -4097, INT64_MIN, INT64_MAX };

	bc_page_init(p);
	emit3(p, BC_OP_la, 1, at, 0);
	emit3(p, BC_OP_la, 2, at + 5, 0);
	emit3(p, BC_OP_la, 3, at + sizeof text - 1 + sizeof bin, 0);
	for (unsigned i = 0; i < sizeof imm / sizeof *imm; i++)
		emit3(p, BC_OP_li, 4 + i, imm[i], 0);
	emit3(p, BC_OP_stop, 0, 0, 0);
	data(p, text, sizeof text - 1);
	data(p, bin, sizeof bin);
}

/* Small: a last call that may fail, with nothing after it to test it. */
static void seed_tiny(struct bc_page *p, unsigned at)
{
	(void)at;
	bc_page_init(p);
	emit3(p, BC_OP_getppid, 0, 0, 0);
	emit3(p, BC_OP_mov, 9, 0, 0);
	emit3(p, BC_OP_close, 0, 0, 0);
}

static void (*const seed_fn[])(struct bc_page *, unsigned) = {
	seed_io, seed_windows, seed_branches, seed_data, seed_tiny,
};
enum { NSEEDS = sizeof seed_fn / sizeof *seed_fn };

static struct bc_page seed[NSEEDS];

static void build_seeds(void)
{
	struct bc_diag d;

	for (unsigned i = 0; i < NSEEDS; i++) {
		seed_fn[i](&seed[i], 0);
		seed_fn[i](&seed[i], seed[i].code_len);
		cr_assert_eq(bc_verify(&seed[i], &d), 0, "seed %u: %s", i, d.msg);
	}
}

/* The page under test, with a guard where a stray register would land. */
static struct {
	struct bc_page p;
	uint64_t guard[8];
} box;

static const uint64_t GUARD = 0x5aa5c33cf00f6996u;

/* A recording executor with a model of the ABI beside it: before each
 * instruction, and after the run, the page must be where the model says
 * the previous instruction took it, registers (call results included)
 * and window alike.  Calls are answered with PRNG-chosen results, errors
 * included, and never enter the kernel. */
static struct rec {
	const struct bc_page *p;
	uint8_t start[BC_CODE_MAX]; /* instruction starts of the verified code */
	unsigned ninsns, ncallinsns, steps, ncalls;
	unsigned pc, win;           /* the instruction being run */
	unsigned next_pc, next_win; /* where the model says it leads */
	int called, end;            /* it made a call; it ends the program */
	unsigned fail_rate;         /* of calls, in 32nds */
	long ret;                   /* its call's result */
	uint64_t reg[BC_NREGS];
} rec;

/* Failures come at a rate set per run, so that long call chains also
 * run to their end; -4096 is the first result that is not one. */
static long pick_result(void)
{
	static const long error[] = { -EBADF, -ENOENT, -EAGAIN, -1, -4095 };
	static const long fine[] = { -4096, 0, 1 };
	unsigned k = below(8);

	if (below(32) < rec.fail_rate)
		return error[below(5)];
	return k < 3 ? fine[k] : k < 6 ? (long)below(16) : k < 7 ? (long)below(1 << 20) : (long)rnd();
}

/* Whether the instruction at pc is a conditional branch reading r[reg]. */
static int tests(const struct bc_page *p, unsigned pc, unsigned reg)
{
	struct bc_insn in;
	unsigned shape;

	if (pc >= p->code_len)
		return 0;
	bc_decode(p->code, p->code_len, pc, &in);
	shape = bc_op_info(in.op)->shape;
	return (shape == BC_SHAPE_RJ && in.operand[0] == reg) ||
	       (shape == BC_SHAPE_RRJ && (in.operand[0] == reg || in.operand[1] == reg));
}

/* Run the instruction at rec.pc on the model. */
static void model(void)
{
	const struct bc_page *p = rec.p;
	const struct bc_opinfo *info = bc_op_info(p->code[rec.pc]);
	uint64_t *r = rec.reg, a, b;
	struct bc_insn in;
	int jump;

	bc_decode(p->code, p->code_len, rec.pc, &in);
	a = r[in.operand[0] & 0xff];
	b = r[in.operand[1] & 0xff];
	rec.next_pc = rec.pc + in.len;
	rec.next_win = rec.win;
	cr_assert_eq(rec.called, info->shape == BC_SHAPE_CALL || info->shape == BC_SHAPE_NR,
		     "%s at pc %u: %d calls", info->name, rec.pc, rec.called);
	switch (in.op) {
	case BC_OP_stop:
		rec.end = 1;
		return;
	case BC_OP_win:
		rec.next_win = in.operand[0];
		return;
	case BC_OP_li:
		r[in.operand[0]] = in.operand[1];
		return;
	case BC_OP_la:
		r[in.operand[0]] = (uintptr_t)(p->code + in.operand[1]);
		return;
	case BC_OP_mov:
		r[in.operand[0]] = b;
		return;
	case BC_OP_add:
		r[in.operand[0]] = a + b;
		return;
	case BC_OP_jmp:
		rec.next_pc = in.operand[0];
		return;
	case BC_OP_jneg:
		if ((int64_t)a < 0)
			rec.next_pc = in.operand[1];
		return;
	case BC_OP_jeq:
	case BC_OP_jne:
	case BC_OP_jlt:
	case BC_OP_jge:
		jump = in.op == BC_OP_jeq ? a == b : in.op == BC_OP_jne ? a != b :
		       in.op == BC_OP_jlt ? (int64_t)a < (int64_t)b : (int64_t)a >= (int64_t)b;
		if (jump)
			rec.next_pc = in.operand[2];
		return;
	default:
		r[rec.win] = rec.ret;
		rec.next_win = rec.win + BC_WIN_SIZE;
		rec.end = failed(rec.ret) && !tests(p, rec.next_pc, rec.win);
	}
}

static void rec_step(void *ctx, const struct bc_page *p, unsigned pc, unsigned win)
{
	(void)ctx;
	if (rec.steps)
		model();
	cr_assert(p == rec.p && !rec.end, "step at pc %u after the end at pc %u", pc, rec.pc);
	cr_assert(pc == rec.next_pc && win == rec.next_win,
		  "at pc %u window %u, the model says pc %u window %u (after pc %u)",
		  pc, win, rec.next_pc, rec.next_win, rec.pc);
	cr_assert(pc < p->code_len && rec.start[pc], "step at pc %u, not an instruction", pc);
	cr_assert(rec.steps < rec.ninsns, "more steps than instructions: a loop");
	rec.steps++;
	cr_assert(!memcmp(p->reg, rec.reg, sizeof rec.reg), "registers differ from the model before pc %u", pc);
	rec.pc = pc;
	rec.win = win;
	rec.called = 0;
}

static long rec_call(void *ctx, long nr, const uint64_t arg[6])
{
	const struct bc_opinfo *info = bc_op_info(rec.p->code[rec.pc]);

	(void)ctx;
	cr_assert(!rec.called, "two calls from pc %u", rec.pc);
	rec.called = 1;
	cr_assert(info->shape == BC_SHAPE_CALL || info->shape == BC_SHAPE_NR,
		  "call from %s at pc %u", info->name, rec.pc);
	cr_assert_eq(nr, info->shape == BC_SHAPE_NR ? (long)get16(rec.p->code + rec.pc + 1) : info->nr);
	cr_assert(nr < 512 && nr != SYS_rt_sigreturn && nr != SYS_clone && nr != SYS_vfork &&
		  nr != SYS_clone3, "forbidden syscall %ld issued", nr);
	cr_assert(rec.ncalls < rec.ncallinsns, "more calls than call instructions");
	rec.ncalls++;
	cr_assert(rec.win <= BC_WIN_MAX, "call with window %u", rec.win);
	for (int i = 0; i < 6; i++)
		cr_assert_eq(arg[i], rec.reg[rec.win + 1 + i], "call at pc %u: argument %d",
			     rec.pc, i + 1);
	return rec.ret = pick_result();
}

static const struct bc_executor recorder = { rec_call, rec_step, NULL };

/* Decode every offset; for verified code also walk it to find the
 * instruction starts the recorder checks against. */
static void decode_all(const struct bc_page *p, int valid)
{
	unsigned len = min(p->code_len, BC_CODE_MAX);
	struct bc_insn in;

	for (unsigned pc = 0; pc <= len; pc++) {
		int n = bc_decode(p->code, len, pc, &in);
		const struct bc_opinfo *info = bc_op_info(pc < len ? p->code[pc] : 0);
		if (n == -EINVAL) {
			cr_assert(pc == len || !info || info->len > len - pc, "pc %u: -EINVAL", pc);
			continue;
		}
		cr_assert(pc < len && info && n == info->len && n <= (int)(len - pc), "pc %u: %d", pc, n);
		cr_assert(in.op == p->code[pc] && in.len == n && in.pc == pc);
	}
	if (!valid)
		return;
	memset(rec.start, 0, sizeof rec.start);
	rec.ninsns = rec.ncallinsns = 0;
	for (unsigned pc = 0; pc < len; pc += in.len) {
		unsigned shape;
		cr_assert(bc_decode(p->code, len, pc, &in) > 0, "verified code: pc %u does not decode", pc);
		shape = bc_op_info(in.op)->shape;
		rec.start[pc] = 1;
		rec.ninsns++;
		rec.ncallinsns += shape == BC_SHAPE_CALL || shape == BC_SHAPE_NR;
	}
}

/* bc_run ends a verified program DONE or FAULT where the model does, and
 * refuses an invalid one before any call. */
static void check_run(struct bc_page *p, int valid, const struct bc_diag *d)
{
	int st;

	rec.p = p;
	rec.steps = rec.ncalls = rec.pc = rec.win = rec.next_pc = rec.next_win = 0;
	rec.called = rec.end = 0;
	rec.fail_rate = below(4) ? below(8) : 0;
	memcpy(rec.reg, p->reg, sizeof rec.reg);
	for (int i = 0; i < 8; i++)
		box.guard[i] = GUARD;
	st = bc_run(p, &recorder);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(box.guard[i], GUARD, "write past the registers");
	cr_assert_eq(p->status, st);
	cr_assert_eq(p->calls, rec.ncalls);
	if (!valid) {
		cr_assert(st == BC_ST_INVALID && rec.ncalls == 0 && rec.steps == 0);
		cr_assert(p->stop_pc == d->offset && p->error == -EINVAL);
		return;
	}
	if (rec.steps)
		model();
	cr_assert(!memcmp(p->reg, rec.reg, sizeof rec.reg), "registers differ from the model at the end");
	if (rec.end && rec.called) {
		cr_assert(st == BC_ST_FAULT, "call at pc %u failed untested: %s", rec.pc, bc_status_name(st));
		cr_assert(p->stop_pc == rec.pc && p->error == rec.ret && p->win == rec.next_win);
		return;
	}
	cr_assert(st == BC_ST_DONE, "status %s", bc_status_name(st));
	cr_assert_eq(p->error, 0);
	cr_assert_eq(p->stop_pc, rec.end ? rec.pc : p->code_len);
	cr_assert_eq(p->win, rec.end ? rec.win : rec.next_win);
	cr_assert(rec.end || rec.next_pc == p->code_len, "done, yet the model goes on at pc %u", rec.next_pc);
}

static unsigned long processed, verified, ran_calls;

/* Everything the library offers for a program, with its invariants. */
static void process(struct bc_page *p)
{
	static char text[1 << 16], part[1 << 16];
	static struct bc_page q;
	struct bc_diag d;
	char want[32];
	int v = bc_verify(p, &d);
	long n;

	cr_assert(v == 0 || v == -EINVAL, "bc_verify: %d", v);
	decode_all(p, !v);
	if (v) {
		int k = snprintf(want, sizeof want, "offset %u", d.offset);
		cr_assert(d.offset < BC_HDR_SIZE + min(p->code_len, BC_CODE_MAX),
			  "diag offset %u: %s", d.offset, d.msg);
		cr_assert(!strncmp(d.msg, want, k) && (d.msg[k] == ':' || d.msg[k] == ' '), "%s", d.msg);
		if (d.offset >= BC_HDR_SIZE) {
			snprintf(want, sizeof want, " (pc %u): ", d.offset - BC_HDR_SIZE);
			cr_assert(!strncmp(d.msg + k, want, strlen(want)), "%s", d.msg);
		}
	}
	n = bc_disassemble(p, text, sizeof text);
	if (v) {
		cr_assert_eq(n, -EINVAL);
	} else {
		unsigned total = p->code_len + p->data_len;
		size_t cut = below(n + 1);
		cr_assert(n > 0 && (size_t)n < sizeof text && strlen(text) == (size_t)n, "%ld", n);
		cr_assert_eq(bc_disassemble(p, part, cut), n);
		cr_assert(!cut || (strlen(part) == cut - 1 && !memcmp(part, text, cut - 1)),
			  "truncated disassembly at %zu", cut);
		cr_assert_eq(bc_assemble(text, n, &q, &d), 0, "%s\n%s", d.msg, text);
		cr_assert(q.code_len == p->code_len && q.data_len == p->data_len &&
			  !memcmp(q.code, p->code, total), "round trip differs:\n%s", text);
		verified++;
	}
	check_run(p, !v, &d);
	ran_calls += rec.ncalls;
	processed++;
}

/* Bytes of the image the header claims, as far as the page holds them. */
static unsigned image_len(const struct bc_page *p)
{
	return min(BC_HDR_SIZE + p->code_len + p->data_len, IMAGE_MAX);
}

/* Set an operand of a decodable instruction: jump and la targets near
 * the code and data, syscall numbers around the limit, registers and
 * window bases anywhere. */
static void retarget(struct bc_page *p)
{
	unsigned len = min(p->code_len, BC_CODE_MAX), pc = 0, at, n = 0, pick;
	struct bc_insn in;
	const struct bc_opinfo *info;

	for (; pc < len && bc_decode(p->code, len, pc, &in) > 0; pc += in.len)
		n += !!bc_op_info(in.op)->kind[0];
	if (!n)
		return;
	pick = below(n);
	for (pc = 0;; pc += in.len) {
		bc_decode(p->code, len, pc, &in);
		info = bc_op_info(in.op);
		if (info->kind[0] && !pick--)
			break;
	}
	at = pc + 1;
	for (unsigned i = 0; i < 3 && info->kind[i]; i++) {
		unsigned k = info->kind[i], v;
		if (k != BC_K_IMM && !below(2)) {
			v = k == BC_K_JUMP || k == BC_K_ADDR ? below(p->code_len + p->data_len + 3) :
			    k == BC_K_NR ? below(600) : below(256);
			p->code[at] = v;
			if (k == BC_K_JUMP || k == BC_K_ADDR || k == BC_K_NR)
				p->code[at + 1] = v >> 8;
		}
		at += k == BC_K_IMM ? 8 : k == BC_K_REG || k == BC_K_WIN ? 1 : 2;
	}
}

static void mutate(struct bc_page *p)
{
	uint8_t *b = (uint8_t *)p;
	unsigned size = image_len(p), at;
	uint16_t *len = below(2) ? &p->code_len : &p->data_len;

	switch (below(10)) {
	case 0:
		b[below(size)] ^= 1u << below(8);
		break;
	case 1:
		b[below(size)] = rnd();
		break;
	case 2: /* another opcode, usually a known one */
		at = below(min(p->code_len, BC_CODE_MAX - 1) + 1);
		p->code[at] = below(4) ? 1 + below(0x30) : rnd();
		break;
	case 3:
		if (size == IMAGE_MAX)
			break;
		at = BC_HDR_SIZE + below(size - BC_HDR_SIZE + 1);
		memmove(b + at + 1, b + at, size - at);
		b[at] = below(2) ? rnd() : 1 + below(0x30);
		if (below(4))
			++*(at - BC_HDR_SIZE < p->code_len ? &p->code_len : &p->data_len);
		break;
	case 4:
		if (size == BC_HDR_SIZE)
			break;
		at = BC_HDR_SIZE + below(size - BC_HDR_SIZE);
		memmove(b + at, b + at + 1, size - at - 1);
		if (below(4) && *len)
			--*len;
		break;
	case 5:
		*len = below(*len + 1);
		break;
	case 6:
		*len = below(4) ? *len + below(7) - 3 : rnd();
		break;
	case 7: /* any header byte, the reserved and output fields included */
		b[below(BC_HDR_SIZE)] = below(2) ? 0 : rnd();
		break;
	default:
		retarget(p);
	}
}

Test(mutate, programs)
{
	static struct bc_page last;
	unsigned long before = processed;
	int have_last = 0;

	build_seeds();
	for (unsigned i = 0; i < NSEEDS; i++) {
		box.p = seed[i];
		process(&box.p);
	}
	for (unsigned i = 0; i < MUTANTS; i++) {
		struct bc_diag d;
		/* Half the time damage the last verified mutant further. */
		box.p = have_last && below(2) ? last : seed[below(NSEEDS)];
		for (unsigned k = 1 + below(3); k--;)
			mutate(&box.p);
		if (!bc_verify(&box.p, &d)) {
			last = box.p;
			have_last = 1;
		}
		/* Small values, so that compares go both ways. */
		for (unsigned k = 0; k < BC_NREGS; k++)
			box.p.reg[k] = below(4) ? (uint64_t)below(16) - 8 : rnd();
		process(&box.p);
	}
	cr_log_info("mutate: %lu programs, %lu verified, %lu calls recorded",
		    processed, verified, ran_calls);
	cr_assert_geq(processed - before, 100000);
	/* Enough of them must stay valid to reach the round trip and the run. */
	cr_assert_geq(verified, MUTANTS / 10);
}

Test(mutate, random_pages)
{
	unsigned long before = processed;

	for (unsigned i = 0; i < RANDOM_PAGES; i++) {
		struct bc_page *p = &box.p;
		for (size_t k = 0; k < sizeof *p; k += 8) {
			uint64_t v = rnd();
			memcpy((uint8_t *)p + k, &v, 8);
		}
		p->magic = below(16) ? BC_MAGIC : (uint32_t)rnd();
		p->version = below(16) ? BC_VERSION : (uint16_t)rnd();
		p->code_len = below(2) ? below(16) : below(BC_CODE_MAX + 1);
		p->data_len = below(BC_CODE_MAX - p->code_len + 1);
		if (below(8))
			memset(p->reserved, 0, sizeof p->reserved);
		process(p);
	}
	cr_log_info("random pages: %lu, %lu verified", processed, verified);
	cr_assert_eq(processed - before, RANDOM_PAGES);
}
