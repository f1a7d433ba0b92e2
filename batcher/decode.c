/* Decoding one instruction. */
#include <errno.h>

#include "internal.h"

int bc_decode(const uint8_t *code, unsigned len, unsigned pc, struct bc_insn *in)
{
	const struct bc_opinfo *info;
	unsigned at = pc + 1;

	if (pc >= len || !(info = bc_op_info(code[pc])) || info->len > len - pc)
		return -EINVAL;
	in->op = code[pc];
	in->len = info->len;
	in->pc = pc;
	for (unsigned i = 0; i < 3; i++) {
		unsigned size = __bc_kind_size(info->kind[i]);
		uint64_t v = 0;
		if (size == 1)
			v = code[at];
		else if (size == 2)
			v = __bc_get16(code + at);
		else if (size == 8)
			memcpy(&v, code + at, 8);
		in->operand[i] = v;
		at += size;
	}
	return info->len;
}
