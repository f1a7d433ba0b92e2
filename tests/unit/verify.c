/* The verifier: one test per rejection reason (offset and message), and
 * the programs it must accept. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bc.h"
#include "emit.h"

static void accepts(const struct bc_page *p)
{
	struct bc_diag d = { 0 };
	int r = bc_verify(p, &d);

	cr_assert_eq(r, 0, "rejected: %s", d.msg);
}

/* The verifier rejects p at offset with a message naming the reason;
 * code errors also say "offset N (pc P): ". */
static void rejects(const struct bc_page *p, unsigned offset, const char *why)
{
	struct bc_diag d;
	char prefix[48];

	memset(&d, 0x5a, sizeof d);
	d.msg[sizeof d.msg - 1] = 0;
	cr_assert_eq(bc_verify(p, &d), -EINVAL, "accepted; wanted '%s'", why);
	cr_assert_eq(d.offset, offset, "offset %u, want %u: %s", d.offset, offset, d.msg);
	cr_assert(strstr(d.msg, why), "message '%s' lacks '%s'", d.msg, why);
	if (offset >= 64)
		snprintf(prefix, sizeof prefix, "offset %u (pc %u): ", offset, offset - 64);
	else
		snprintf(prefix, sizeof prefix, "offset %u", offset);
	cr_assert_eq(strncmp(d.msg, prefix, strlen(prefix)), 0, "'%s' does not start with '%s'",
		     d.msg, prefix);
	cr_assert(memchr(d.msg, 0, sizeof d.msg), "message not terminated");
	/* without a diag the answer is the same */
	cr_assert_eq(bc_verify(p, NULL), -EINVAL);
}

/* A small valid program to corrupt: li, getpid, stop. */
static void base(struct bc_page *p)
{
	bc_page_init(p);
	emit3(p, BC_OP_li, 1, 2, 0);
	emit0(p, BC_OP_getpid);
	emit0(p, BC_OP_stop);
	accepts(p);
}

/* Header */

Test(verify, bad_magic)
{
	struct bc_page p;

	base(&p);
	p.magic = 0x47504343;
	rejects(&p, 0, "magic");
	p.magic = 0;
	rejects(&p, 0, "magic");
}

Test(verify, unsupported_version)
{
	struct bc_page p;

	base(&p);
	p.version = 2;
	rejects(&p, 4, "version");
	p.version = 0;
	rejects(&p, 4, "version");
}

Test(verify, code_len_too_long)
{
	struct bc_page p;

	base(&p);
	p.code_len = BC_CODE_MAX + 1;
	rejects(&p, 6, "code area");
	p.code_len = 0xffff;
	rejects(&p, 6, "code area");
}

Test(verify, code_and_data_too_long)
{
	struct bc_page p;

	base(&p);
	p.data_len = BC_CODE_MAX - p.code_len + 1;
	rejects(&p, 8, "code area");
	p.data_len = 0xffff;
	rejects(&p, 8, "code area");
	p.data_len = BC_CODE_MAX - p.code_len;
	accepts(&p);
}

Test(verify, reserved_byte_nonzero)
{
	for (unsigned i = 28; i < 64; i++) {
		struct bc_page p;
		base(&p);
		((uint8_t *)&p)[i] = 0x80;
		rejects(&p, i, "reserved");
	}
}

Test(verify, output_fields_are_not_checked)
{
	struct bc_page p;

	base(&p);
	p.status = BC_ST_FAULT;
	p.stop_pc = 0xffff;
	p.win = 0xffff;
	p.error = -1;
	p.calls = 0xffffffff;
	accepts(&p);
}

/* Code */

Test(verify, unknown_opcode)
{
	static const uint8_t bad[] = { 0x00, 0x07, 0x0e, 0x31, 0xff };

	for (unsigned i = 0; i < sizeof bad; i++) {
		struct bc_page p;
		base(&p);
		p.code[10] = bad[i]; /* the getpid */
		rejects(&p, 64 + 10, "unknown opcode");
	}
}

Test(verify, truncated_operand)
{
	struct bc_page p;

	base(&p);
	emit3(&p, BC_OP_li, 3, -1, 0); /* pc 12 */
	for (unsigned cut = 1; cut < 10; cut++) {
		p.code_len = 22 - cut;
		rejects(&p, 64 + 12, "truncated");
	}
	bc_page_init(&p);
	emit3(&p, BC_OP_jeq, 1, 2, 5);
	p.code_len = 4;
	rejects(&p, 64, "truncated");
}

Test(verify, win_out_of_range)
{
	struct bc_page p;

	base(&p);
	p.code_len = 11;
	emit3(&p, BC_OP_win, 249, 0, 0);
	rejects(&p, 64 + 11, "register out of range");
	p.code[12] = 255;
	rejects(&p, 64 + 11, "register out of range");
	p.code[12] = 248;
	accepts(&p);
}

/* 32 calls from w=0 use r0..r255; the 33rd has nowhere to go. */
Test(verify, calls_exhaust_the_window)
{
	struct bc_page p;

	for (unsigned n = 31; n <= 33; n++) {
		bc_page_init(&p);
		for (unsigned i = 0; i < n; i++)
			emit0(&p, BC_OP_getpid);
		if (n <= 32)
			accepts(&p);
		else
			rejects(&p, 64 + 32, "register out of range");
	}
}

Test(verify, call_after_win_248)
{
	struct bc_page p;

	bc_page_init(&p);
	emit3(&p, BC_OP_win, 248, 0, 0);
	emit0(&p, BC_OP_read);
	accepts(&p);
	emit3(&p, BC_OP_sys, 39, 0, 0); /* pc 3 */
	rejects(&p, 64 + 3, "register out of range");
	p.code_len = 3;
	emit3(&p, BC_OP_win, 0, 0, 0);
	emit3(&p, BC_OP_sys, 39, 0, 0);
	accepts(&p);
}

/* A branch skipping a call: the paths meet at L with w=0 and w=8. */
Test(verify, window_conflict)
{
	struct bc_page p;

	bc_page_init(&p);
	emit3(&p, BC_OP_li, 1, 0, 0);          /* 0 */
	emit3(&p, BC_OP_jneg, 1, 15, 0);       /* 10 */
	emit0(&p, BC_OP_getpid);               /* 14: w 0 -> 8 */
	emit0(&p, BC_OP_getppid);              /* 15 = L: w 0 or 8 */
	rejects(&p, 64 + 15, "window differs");

	/* the same with sys and a later meeting point */
	bc_page_init(&p);
	emit3(&p, BC_OP_jeq, 1, 2, 9);         /* 0 */
	emit3(&p, BC_OP_sys, 39, 0, 0);        /* 5 */
	emit0(&p, BC_OP_stop);                 /* 8: ends the fallthrough */
	emit3(&p, BC_OP_sys, 39, 0, 0);        /* 9: only the jump reaches it */
	accepts(&p);
	p.code[8] = BC_OP_getpid;              /* now w is 0 or 16 at 9 */
	rejects(&p, 64 + 9, "window differs");
}

Test(verify, window_conflict_resolved_by_win)
{
	struct bc_page p;

	bc_page_init(&p);
	emit3(&p, BC_OP_li, 1, 0, 0);          /* 0 */
	emit3(&p, BC_OP_jneg, 1, 15, 0);       /* 10 */
	emit0(&p, BC_OP_getpid);               /* 14 */
	emit3(&p, BC_OP_win, 40, 0, 0);        /* 15 = L */
	emit0(&p, BC_OP_getppid);              /* 17 */
	accepts(&p);
}

Test(verify, window_conflict_without_a_call_is_fine)
{
	struct bc_page p;

	bc_page_init(&p);
	emit3(&p, BC_OP_jneg, 1, 5, 0);        /* 0 */
	emit0(&p, BC_OP_getpid);               /* 4 */
	emit3(&p, BC_OP_mov, 1, 0, 0);         /* 5: paths meet, no call */
	accepts(&p);
}

/* Two paths with the same window agree. */
Test(verify, equal_windows_merge)
{
	struct bc_page p;

	bc_page_init(&p);
	emit3(&p, BC_OP_jneg, 1, 9, 0);        /* 0 */
	emit0(&p, BC_OP_getpid);               /* 4 */
	emit3(&p, BC_OP_jmp, 10, 0, 0);        /* 5 */
	emit0(&p, BC_OP_getppid);              /* 8: unreachable, w unknown */
	emit0(&p, BC_OP_getpid);               /* 9: from 0 with w 0 */
	emit0(&p, BC_OP_getpid);               /* 10: w 8 from both */
	accepts(&p);
	/* the jump from pc 5 now skips the call at 9 */
	p.code[6] = 9;
	p.code[2] = 10;
	rejects(&p, 64 + 10, "window differs");
}

Test(verify, sys_forbidden)
{
	static const unsigned bad[] = { 15, 56, 58, 435, 512, 513, 0xffff };

	for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct bc_page p;
		base(&p);
		emit3(&p, BC_OP_sys, bad[i], 0, 0);
		rejects(&p, 64 + 12, "cannot run");
	}
}

Test(verify, sys_allowed_numbers)
{
	static const unsigned ok[] = { 0, 14, 16, 57, 59, 434, 436, 511 };
	struct bc_page p;

	bc_page_init(&p);
	for (unsigned i = 0; i < sizeof ok / sizeof *ok; i++)
		emit3(&p, BC_OP_sys, ok[i], 0, 0);
	accepts(&p);
}

Test(verify, la_outside_the_data)
{
	struct bc_page p;

	bc_page_init(&p);
	emit3(&p, BC_OP_la, 1, 8, 0);          /* 0 */
	emit3(&p, BC_OP_la, 2, 11, 0);         /* 4 */
	bc_emit_data(&p, "abc", 3);            /* data 8..11 */
	accepts(&p);                           /* both ends included */
	p.code[2] = 7;
	rejects(&p, 64, "outside the data");
	p.code[2] = 0;
	rejects(&p, 64, "outside the data");
	p.code[2] = 8;
	p.code[6] = 12;
	rejects(&p, 64 + 4, "outside the data");
	p.code[6] = 0xff;
	p.code[7] = 0xff;
	rejects(&p, 64 + 4, "outside the data");
}

Test(verify, la_without_data_points_at_the_end)
{
	struct bc_page p;

	bc_page_init(&p);
	emit3(&p, BC_OP_la, 1, 4, 0);
	accepts(&p);
	p.code[2] = 5;
	rejects(&p, 64, "outside the data");
}

Test(verify, backward_jump)
{
	struct bc_page p;

	base(&p);
	emit3(&p, BC_OP_jmp, 12, 0, 0);        /* 12: to itself */
	rejects(&p, 64 + 12, "backward jump");
	p.code_len = 12;
	emit3(&p, BC_OP_jneg, 1, 0, 0);        /* 12: to the start */
	rejects(&p, 64 + 12, "backward jump");
	p.code_len = 12;
	emit3(&p, BC_OP_jge, 1, 2, 10);        /* 12: to the getpid */
	rejects(&p, 64 + 12, "backward jump");
}

Test(verify, jump_past_the_end)
{
	struct bc_page p;

	base(&p);
	emit3(&p, BC_OP_jmp, 16, 0, 0);        /* 12, end is 15 */
	rejects(&p, 64 + 12, "past the end");
	p.code_len = 12;
	emit3(&p, BC_OP_jne, 1, 2, 0xffff);
	rejects(&p, 64 + 12, "past the end");
	/* data does not count as code */
	p.code_len = 12;
	emit3(&p, BC_OP_jlt, 1, 2, 18);        /* end is 17 */
	bc_emit_data(&p, "xyz", 3);
	rejects(&p, 64 + 12, "past the end");
}

/* Reported at the jump, not at the instruction it lands in. */
Test(verify, jump_into_the_middle)
{
	struct bc_page p;

	bc_page_init(&p);
	emit0(&p, BC_OP_getpid);               /* 0 */
	emit3(&p, BC_OP_jmp, 14, 0, 0);        /* 1 */
	emit3(&p, BC_OP_mov, 1, 2, 0);         /* 4 */
	emit3(&p, BC_OP_li, 1, 2, 0);          /* 7..16 */
	rejects(&p, 64 + 1, "middle of");
	p.code[2] = 8;
	rejects(&p, 64 + 1, "middle of");
	p.code[2] = 16;
	rejects(&p, 64 + 1, "middle of");
	p.code[2] = 7;
	accepts(&p);

	/* conditional jumps */
	bc_page_init(&p);
	emit3(&p, BC_OP_jneg, 1, 13, 0);       /* 0 */
	emit3(&p, BC_OP_jeq, 1, 2, 12);        /* 4 */
	emit3(&p, BC_OP_la, 3, 13, 0);         /* 9..12 */
	rejects(&p, 64 + 4, "middle of");
	p.code[7] = 13;
	p.code[2] = 11;
	rejects(&p, 64 + 0, "middle of");
	p.code[2] = 9;
	accepts(&p);
}

/* The bytes of a jump's own operands are the middle of an instruction too. */
Test(verify, jump_into_its_own_operands)
{
	struct bc_page p;

	bc_page_init(&p);
	emit3(&p, BC_OP_jmp, 1, 0, 0);         /* 0: lands on its target byte */
	emit0(&p, BC_OP_stop);
	rejects(&p, 64, "middle of");

	bc_page_init(&p);
	emit0(&p, BC_OP_getpid);               /* 0 */
	emit3(&p, BC_OP_jeq, 1, 2, 4);         /* 1..5: lands on its target byte */
	emit0(&p, BC_OP_stop);
	rejects(&p, 64 + 1, "middle of");
}

/* Unreachable code is still code: a jump there may not split an
 * instruction either (the disassembler could not label its target). */
Test(verify, unreachable_jump_into_the_middle)
{
	struct bc_page p;

	bc_page_init(&p);
	emit3(&p, BC_OP_jmp, 16, 0, 0);        /* 0: to the end */
	emit3(&p, BC_OP_jmp, 7, 0, 0);         /* 3: unreachable */
	emit3(&p, BC_OP_li, 1, 2, 0);          /* 6..15 */
	rejects(&p, 64 + 3, "middle of");
}

/* Accepted programs */

Test(verify, empty_program)
{
	struct bc_page p;

	bc_page_init(&p);
	accepts(&p);
	cr_assert_eq(bc_run(&p, NULL), BC_ST_DONE);
	cr_assert_eq(p.stop_pc, 0);
	cr_assert_eq(p.calls, 0);
}

Test(verify, data_only_program)
{
	struct bc_page p;

	bc_page_init(&p);
	bc_emit_data(&p, "\x00\x07\xff", 3); /* never decoded */
	accepts(&p);
}

Test(verify, jump_to_code_len)
{
	struct bc_page p;

	bc_page_init(&p);
	emit3(&p, BC_OP_jmp, 17, 0, 0);        /* 0 */
	emit3(&p, BC_OP_jneg, 1, 17, 0);       /* 3 */
	emit3(&p, BC_OP_jeq, 1, 2, 17);        /* 7 */
	emit3(&p, BC_OP_jge, 1, 2, 17);        /* 12 */
	bc_emit_data(&p, "after", 5);
	accepts(&p);
}

Test(verify, unreachable_code_after_jmp)
{
	struct bc_page p;

	bc_page_init(&p);
	emit0(&p, BC_OP_getpid);               /* 0: w 0 -> 8 */
	emit3(&p, BC_OP_jmp, 44, 0, 0);        /* 1 */
	for (unsigned i = 0; i < 40; i++)      /* 4..43: never reached */
		emit0(&p, BC_OP_getpid);
	emit0(&p, BC_OP_getppid);              /* 44: w 8, from the jump only */
	accepts(&p);
}

Test(verify, unreachable_code_after_stop)
{
	struct bc_page p;

	bc_page_init(&p);
	emit0(&p, BC_OP_stop);
	for (unsigned i = 0; i < 40; i++)
		emit0(&p, BC_OP_write);
	accepts(&p);
}
