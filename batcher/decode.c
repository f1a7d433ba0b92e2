/* Decoding one instruction. */
#include <errno.h>

#include "internal.h"

int bc_decode(const uint8_t *code, unsigned len, unsigned pc, struct bc_insn *in)
{
	const struct bc_opinfo *info;

	if (pc >= len || !(info = bc_op_info(code[pc])) || info->len > len - pc)
		return -EINVAL;
	in->op = code[pc];
	in->len = info->len;
	in->pc = pc;
	__bc_operands(info, code, pc, in->operand);
	return info->len;
}
