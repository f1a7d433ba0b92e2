/* Emitting instructions in tests: a failed emit fails the test. */
#ifndef TESTS_EMIT_H
#define TESTS_EMIT_H

#include <criterion/criterion.h>
#include <stdint.h>

#include "bc.h"

/* Append op with up to three operands to p; returns its pc. */
static inline int emit3(struct bc_page *p, unsigned op, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t v[3] = { a, b, c };
	int pc = bc_emit(p, op, v);

	cr_assert_geq(pc, 0, "bc_emit(%s) = %d", bc_op_info(op) ? bc_op_info(op)->name : "?", pc);
	return pc;
}

/* Append an operandless op to p; returns its pc. */
static inline int emit0(struct bc_page *p, unsigned op)
{
	return emit3(p, op, 0, 0, 0);
}

#endif
