/* Internal declarations shared by the batcher's files; never installed. */
#ifndef BC_INTERNAL_H
#define BC_INTERNAL_H

#include <string.h>

#include "bc.h"
#include "hidden.h"

/* Opcode metadata indexed by opcode byte; name is NULL for unknown ones. */
extern hidden const struct bc_opinfo __bc_opinfo[256];

/* Nonzero for the syscalls a program may never make (see docs/abi.md). */
hidden int __bc_sys_forbidden(unsigned nr);
/* Format a bc_diag message at an offset; always returns -EINVAL. */
hidden int __bc_fail(struct bc_diag *d, unsigned offset, const char *fmt, ...)
	__attribute__((__format__(__printf__, 3, 4)));

static inline unsigned __bc_get16(const uint8_t *b)
{
	return b[0] | (unsigned)b[1] << 8;
}

static inline void __bc_put16(uint8_t *b, unsigned v)
{
	b[0] = v & 0xff;
	b[1] = v >> 8 & 0xff;
}

/* Encoded size of an operand of kind k (enum bc_kind). */
static inline unsigned __bc_kind_size(unsigned k)
{
	return k == BC_K_IMM ? 8 : k == BC_K_REG || k == BC_K_WIN ? 1 : k ? 2 : 0;
}

/* Decode the operands of the instruction at code[pc], known to be complete. */
static inline void __bc_operands(const struct bc_opinfo *info, const uint8_t *code,
				 unsigned pc, uint64_t operand[3])
{
	unsigned at = pc + 1;

	for (unsigned i = 0; i < 3; i++) {
		unsigned size = __bc_kind_size(info->kind[i]);
		uint64_t v = 0;
		if (size == 1)
			v = code[at];
		else if (size == 2)
			v = __bc_get16(code + at);
		else if (size == 8)
			memcpy(&v, code + at, 8);
		operand[i] = v;
		at += size;
	}
}

/* Whether a jump instruction is conditional (it tests registers). */
static inline int __bc_is_branch(unsigned shape)
{
	return shape == BC_SHAPE_RJ || shape == BC_SHAPE_RRJ;
}

#endif
