/* The verifier: a program runs only if every instruction decodes, every
 * jump goes forward to an instruction, and every call's window is known
 * and inside the register file.  Separate from the interpreter, which
 * trusts what passed here. */
#include <stddef.h>

#include "internal.h"

enum { UNREACHED = 0xffff, CONFLICT = 0xfffe, NO_JUMP = 0xffff };

#define CODE_FAIL(d, pc, fmt, ...) \
	__bc_fail(d, BC_HDR_SIZE + (pc), "offset %u (pc %u): " fmt, \
		  BC_HDR_SIZE + (pc), (pc), __VA_ARGS__)

/* Window state where two paths meet. */
static unsigned merge(unsigned a, unsigned b)
{
	if (a == UNREACHED)
		return b;
	return b == UNREACHED || a == b ? a : CONFLICT;
}

static int check_header(const struct bc_page *p, struct bc_diag *d)
{
	const uint8_t *h = (const uint8_t *)p;

	if (p->magic != BC_MAGIC)
		return __bc_fail(d, 0, "offset 0: bad magic 0x%08x (expected 0x%08x)",
				 p->magic, BC_MAGIC);
	if (p->version != BC_VERSION)
		return __bc_fail(d, 4, "offset 4: unsupported version %u (this is version %d)",
				 p->version, BC_VERSION);
	if (p->code_len > BC_CODE_MAX)
		return __bc_fail(d, 6, "offset 6: code length %u is longer than the %d-byte code area",
				 p->code_len, BC_CODE_MAX);
	if (p->code_len + p->data_len > BC_CODE_MAX)
		return __bc_fail(d, 8, "offset 8: code and data (%u bytes) are longer than the %d-byte code area",
				 p->code_len + p->data_len, BC_CODE_MAX);
	for (size_t i = offsetof(struct bc_page, reserved); i < BC_HDR_SIZE; i++)
		if (h[i])
			return __bc_fail(d, i, "offset %zu: reserved header byte is 0x%02x, not zero",
					 i, h[i]);
	return 0;
}

int bc_verify(const struct bc_page *p, struct bc_diag *d)
{
	/* in_win: the window jumps bring to a pc; from: the first jump
	 * there, reachable or not, so that every target is checked. */
	uint16_t in_win[BC_CODE_MAX + 1], from[BC_CODE_MAX + 1];
	unsigned end = p->code_len, w = 0, pc = 0;
	int r = check_header(p, d);

	if (r)
		return r;
	/* UNREACHED and NO_JUMP are all ones.  The header check bounds end;
	 * the clamp says so to the compiler. */
	memset(in_win, 0xff, (end < BC_CODE_MAX ? end + 1 : sizeof in_win / 2) * 2);
	memset(from, 0xff, (end < BC_CODE_MAX ? end + 1 : sizeof from / 2) * 2);
	while (pc < end) {
		const struct bc_opinfo *info = &__bc_opinfo[p->code[pc]];
		struct bc_insn in;
		unsigned cur = merge(w, in_win[pc]);

		if (!info->name)
			return CODE_FAIL(d, pc, "unknown opcode 0x%02x", p->code[pc]);
		if (info->len > end - pc)
			return CODE_FAIL(d, pc, "truncated operand: %s needs %u bytes, %u remain",
					 info->name, info->len, end - pc);
		for (unsigned i = pc + 1; i < pc + info->len; i++)
			if (from[i] != NO_JUMP)
				return CODE_FAIL(d, from[i], "jump into the middle of the instruction at pc %u",
						 pc);
		in.op = p->code[pc];
		__bc_operands(info, p->code, pc, in.operand);
		w = cur;
		switch (info->shape) {
		case BC_SHAPE_WIN:
			if (in.operand[0] > BC_WIN_MAX)
				return CODE_FAIL(d, pc, "register out of range: window r%u..r%u ends past r%d",
						 (unsigned)in.operand[0], (unsigned)in.operand[0] + BC_WIN_SIZE - 1,
						 BC_NREGS - 1);
			w = in.operand[0];
			break;
		case BC_SHAPE_NR:
			if (__bc_sys_forbidden(in.operand[0]))
				return CODE_FAIL(d, pc, "syscall %u cannot run inside a program",
						 (unsigned)in.operand[0]);
			/* fall through */
		case BC_SHAPE_CALL:
			if (cur == CONFLICT)
				return CODE_FAIL(d, pc, "%s: window differs between the paths that reach it (set it with win)",
						 info->name);
			if (cur != UNREACHED && cur > BC_WIN_MAX)
				return CODE_FAIL(d, pc, "register out of range: %s window r%u..r%u ends past r%d",
						 info->name, cur, cur + BC_WIN_SIZE - 1, BC_NREGS - 1);
			if (cur != UNREACHED)
				w = cur + BC_WIN_SIZE;
			break;
		case BC_SHAPE_RA:
			if (in.operand[1] < end || in.operand[1] > end + p->data_len)
				return CODE_FAIL(d, pc, "la offset %u is outside the data (%u..%u)",
						 (unsigned)in.operand[1], end, end + p->data_len);
			break;
		case BC_SHAPE_J:
		case BC_SHAPE_RJ:
		case BC_SHAPE_RRJ: {
			unsigned t = in.operand[info->shape == BC_SHAPE_J ? 0 :
					       info->shape == BC_SHAPE_RJ ? 1 : 2];
			if (t <= pc)
				return CODE_FAIL(d, pc, "backward jump to pc %u", t);
			if (t < pc + info->len)
				return CODE_FAIL(d, pc, "jump into the middle of the instruction at pc %u",
						 pc);
			if (t > end)
				return CODE_FAIL(d, pc, "jump to pc %u is past the end of the code (%u)",
						 t, end);
			if (from[t] == NO_JUMP)
				from[t] = pc;
			in_win[t] = merge(in_win[t], cur);
			break;
		}
		}
		if (in.op == BC_OP_jmp || in.op == BC_OP_stop)
			w = UNREACHED;
		pc += info->len;
	}
	return 0;
}
