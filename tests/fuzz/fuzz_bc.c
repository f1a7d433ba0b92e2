/* libFuzzer harness: the input is tried as a binary program image and as
 * assembly text.  Nothing may crash or trip a sanitizer; a program that
 * verifies must come back from its text byte for byte and run to DONE or
 * FAULT on an executor that records calls and runs none. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "bc.h"

#define check(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "fuzz_bc.c:%d: check failed: %s\n", __LINE__, #c); \
			abort(); \
		} \
	} while (0)

/* The page, with a guard where a stray register would land. */
static struct {
	struct bc_page p;
	uint64_t guard[8];
} box;

static const uint64_t GUARD = 0x5aa5c33cf00f6996u;

/* Call results come from the input, so the fuzzer steers failures. */
static struct rec {
	const struct bc_page *p;
	const uint8_t *in;
	size_t n, at;
	unsigned steps, win, calls;
} rec;

static long rec_call(void *ctx, long nr, const uint64_t arg[6])
{
	static const long result[] = { 0, 1, 3, -4096, -4095, -1, -EBADF, -ENOENT };

	(void)ctx;
	check(nr >= 0 && nr < 512 && nr != SYS_rt_sigreturn && nr != SYS_clone &&
	      nr != SYS_vfork && nr != SYS_clone3);
	check(rec.win <= BC_WIN_MAX);
	for (int i = 0; i < 6; i++)
		check(arg[i] == rec.p->reg[rec.win + 1 + i]);
	rec.calls++;
	return result[rec.n ? rec.in[rec.at++ % rec.n] % 8 : 0];
}

static void rec_step(void *ctx, const struct bc_page *p, unsigned pc, unsigned win)
{
	(void)ctx;
	/* Forward jumps only: every instruction runs at most once. */
	check(p == rec.p && pc < p->code_len && rec.steps < p->code_len);
	rec.steps++;
	check(win <= BC_NREGS);
	rec.win = win;
}

static const struct bc_executor recorder = { rec_call, rec_step, NULL };

static unsigned call_insns(const struct bc_page *p)
{
	struct bc_insn in;
	unsigned n = 0;

	for (unsigned pc = 0; pc < p->code_len; pc += in.len) {
		unsigned shape;
		check(bc_decode(p->code, p->code_len, pc, &in) > 0);
		shape = bc_op_info(in.op)->shape;
		n += shape == BC_SHAPE_CALL || shape == BC_SHAPE_NR;
	}
	return n;
}

/* Disassemble a verified program, assemble the text, compare. */
static void round_trip(const struct bc_page *p)
{
	static char text[1 << 16];
	static struct bc_page q;
	struct bc_diag d;
	long n = bc_disassemble(p, text, sizeof text);
	int r;

	check(n > 0 && (size_t)n < sizeof text && strlen(text) == (size_t)n);
	r = bc_assemble(text, n, &q, &d);
	if (r)
		fprintf(stderr, "%s\n%s", d.msg, text);
	check(r == 0);
	check(q.code_len == p->code_len && q.data_len == p->data_len);
	check(!memcmp(q.code, p->code, p->code_len + p->data_len));
}

static void run(struct bc_page *p, const uint8_t *in, size_t n)
{
	unsigned ncalls = call_insns(p);
	int st;

	rec = (struct rec){ .p = p, .in = in, .n = n };
	for (int i = 0; i < 8; i++)
		box.guard[i] = GUARD;
	st = bc_run(p, &recorder);
	for (int i = 0; i < 8; i++)
		check(box.guard[i] == GUARD);
	check(st == BC_ST_DONE || st == BC_ST_FAULT);
	check(p->status == st && p->calls == rec.calls && rec.calls <= ncalls);
	check(p->stop_pc <= p->code_len && p->win <= BC_NREGS);
	check(st == BC_ST_FAULT ? p->error >= -4095 && p->error <= -1 &&
				  (int64_t)p->reg[p->win - BC_WIN_SIZE] == p->error
				: p->error == 0);
}

static void image(const uint8_t *data, size_t size)
{
	struct bc_page *p = &box.p;
	struct bc_diag d;
	struct bc_insn in;
	int v;

	if (bc_image_load(data, size, p, &d)) {
		check(!strncmp(d.msg, "offset ", 7));
		return;
	}
	check(bc_image_size(p) == size);
	for (unsigned pc = 0; pc <= p->code_len; pc++) {
		int n = bc_decode(p->code, p->code_len, pc, &in);
		check(n == -EINVAL || (n > 0 && (unsigned)n <= p->code_len - pc && in.pc == pc));
	}
	v = bc_verify(p, &d);
	check(v == 0 || v == -EINVAL);
	if (v) {
		check(d.offset < BC_HDR_SIZE + p->code_len && !strncmp(d.msg, "offset ", 7));
		check(bc_disassemble(p, NULL, 0) == -EINVAL);
		rec = (struct rec){ .p = p };
		check(bc_run(p, &recorder) == BC_ST_INVALID && p->stop_pc == d.offset && !rec.calls);
		return;
	}
	round_trip(p);
	run(p, data, size);
}

static void text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct bc_diag d;

	check(s);
	memcpy(s, data, size);
	s[size] = 0;
	if (bc_assemble(s, size, &box.p, &d)) {
		check(d.line >= 1 && !strncmp(d.msg, "line ", 5));
	} else {
		check(!bc_verify(&box.p, &d));
		round_trip(&box.p);
		run(&box.p, data, size);
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	image(data, size);
	text(data, size);
	return 0;
}
