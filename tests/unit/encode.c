/* Encoding: bc_emit/bc_decode round trips for every opcode, the byte
 * layout of each shape, emit errors, jump patching, data, and the binary
 * image framing. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "bc.h"

/* The opcode list as data, so that a new opcode is covered by every loop. */
struct op {
	const char *name;
	unsigned code, shape;
	int nr;
	unsigned nargs;
};

static const struct op ops[] = {
#define OP(name, code, shape, nr, nargs) { #name, code, BC_SHAPE_##shape, nr, nargs },
	BC_OPCODES(OP)
#undef OP
};
#define NOPS (sizeof ops / sizeof *ops)

struct shape {
	unsigned len, kind[3];
};

static const struct shape shapes[] = {
#define SHAPE(shape, len, k0, k1, k2) [BC_SHAPE_##shape] = { len, { k0, k1, k2 } },
	BC_SHAPES(SHAPE)
#undef SHAPE
};

/* Field widths as the ABI documents them, independent of the library. */
static unsigned kind_size(unsigned k)
{
	switch (k) {
	case BC_K_REG:
	case BC_K_WIN:
		return 1;
	case BC_K_NR:
	case BC_K_ADDR:
	case BC_K_JUMP:
		return 2;
	case BC_K_IMM:
		return 8;
	default:
		return 0;
	}
}

/* Representative values of each kind, extremes included. */
static const uint64_t reg_vals[] = { 0, 1, 7, 128, 255 };
static const uint64_t nr_vals[] = { 0, 39, 0x1234, 0xfffe, 0xffff };
static const uint64_t imm_vals[] = {
	0, 1, (uint64_t)-1, (uint64_t)INT64_MIN, (uint64_t)INT64_MAX,
	0x0123456789abcdefull, 0x8000000000000001ull,
};

static uint64_t sample(unsigned kind, unsigned i)
{
	switch (kind) {
	case BC_K_REG:
	case BC_K_WIN:
		return reg_vals[i % 5];
	case BC_K_NR:
	case BC_K_ADDR:
	case BC_K_JUMP:
		return nr_vals[i % 5];
	case BC_K_IMM:
		return imm_vals[i % 7];
	default:
		return 0;
	}
}

static void put_le(uint8_t *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[i] = v >> 8 * i & 0xff;
}

static int emit3(struct bc_page *p, unsigned op, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t v[3] = { a, b, c };

	return bc_emit(p, op, v);
}

Test(encode, opinfo_matches_list)
{
	for (unsigned i = 0; i < NOPS; i++) {
		const struct bc_opinfo *info = bc_op_info(ops[i].code);
		cr_assert_not_null(info, "%s", ops[i].name);
		cr_assert_str_eq(info->name, ops[i].name);
		cr_assert_eq(info->shape, ops[i].shape, "%s", ops[i].name);
		cr_assert_eq(info->len, shapes[ops[i].shape].len, "%s", ops[i].name);
		cr_assert_eq(info->nr, ops[i].nr, "%s", ops[i].name);
		cr_assert_eq(info->nargs, ops[i].nargs, "%s", ops[i].name);
		cr_assert_eq(bc_op_lookup(ops[i].name, strlen(ops[i].name)), (int)ops[i].code,
			     "%s", ops[i].name);
	}
}

Test(encode, unknown_opcodes_have_no_info)
{
	int known[256] = { 0 };

	for (unsigned i = 0; i < NOPS; i++)
		known[ops[i].code] = 1;
	cr_assert_not(known[0], "opcode 0x00 must stay unknown");
	for (unsigned op = 0; op < 256; op++)
		cr_assert_eq(bc_op_info(op) != NULL, known[op], "opcode 0x%02x", op);
	cr_assert_null(bc_op_info(256));
	cr_assert_eq(bc_op_lookup("bogus", 5), -1);
	cr_assert_eq(bc_op_lookup("stopx", 5), -1);
	cr_assert_eq(bc_op_lookup("sto", 3), -1);
}

/* Every opcode, several operand sets each: emit, check the bytes against
 * the documented layout, decode, compare operands. */
Test(encode, round_trip_every_opcode)
{
	for (unsigned i = 0; i < NOPS; i++) {
		const struct shape *sh = &shapes[ops[i].shape];
		for (unsigned set = 0; set < 7; set++) {
			struct bc_page p;
			struct bc_insn in;
			uint64_t v[3] = { 0 };
			uint8_t want[16] = { ops[i].code };
			unsigned at = 1;
			int pc;

			bc_page_init(&p);
			/* a leading stop puts the instruction at pc 1 */
			cr_assert_eq(bc_emit(&p, BC_OP_stop, NULL), 0);
			for (unsigned k = 0; k < 3 && sh->kind[k]; k++) {
				v[k] = sample(sh->kind[k], set + k);
				put_le(want + at, v[k], kind_size(sh->kind[k]));
				at += kind_size(sh->kind[k]);
			}
			cr_assert_eq(at, sh->len, "%s: layout length", ops[i].name);
			pc = bc_emit(&p, ops[i].code, v);
			cr_assert_eq(pc, 1, "%s set %u: bc_emit returned %d", ops[i].name, set, pc);
			cr_assert_eq(p.code_len, 1 + sh->len, "%s", ops[i].name);
			cr_assert_eq(p.data_len, 0);
			cr_assert_arr_eq(p.code + 1, want, sh->len, "%s set %u: bytes", ops[i].name, set);

			memset(&in, 0xa5, sizeof in);
			cr_assert_eq(bc_decode(p.code, p.code_len, 1, &in), (int)sh->len, "%s", ops[i].name);
			cr_assert_eq(in.op, ops[i].code);
			cr_assert_eq(in.len, sh->len);
			cr_assert_eq(in.pc, 1);
			for (unsigned k = 0; k < 3; k++)
				cr_assert_eq(in.operand[k], v[k], "%s set %u operand %u: %#llx != %#llx",
					     ops[i].name, set, k, (unsigned long long)in.operand[k],
					     (unsigned long long)v[k]);
		}
	}
}

/* One literal encoding per shape, written out from the layout diagram. */
Test(encode, literal_layouts)
{
	static const struct {
		unsigned op;
		uint64_t v[3];
		unsigned len;
		uint8_t bytes[10];
	} cases[] = {
		{ BC_OP_stop, { 0 }, 1, { 0x01 } },
		{ BC_OP_getpid, { 0 }, 1, { 0x2d } },
		{ BC_OP_win, { 248 }, 2, { 0x02, 0xf8 } },
		{ BC_OP_sys, { 0x1a2 }, 3, { 0x0f, 0xa2, 0x01 } },
		{ BC_OP_li, { 255, 0x0102030405060708ull }, 10,
		  { 0x03, 0xff, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01 } },
		{ BC_OP_li, { 0, (uint64_t)INT64_MIN }, 10,
		  { 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x80 } },
		{ BC_OP_li, { 3, (uint64_t)INT64_MAX }, 10,
		  { 0x03, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f } },
		{ BC_OP_li, { 4, (uint64_t)-1 }, 10,
		  { 0x03, 0x04, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
		{ BC_OP_la, { 9, 0xbeef }, 4, { 0x04, 0x09, 0xef, 0xbe } },
		{ BC_OP_mov, { 1, 255 }, 3, { 0x05, 0x01, 0xff } },
		{ BC_OP_add, { 255, 2 }, 3, { 0x06, 0xff, 0x02 } },
		{ BC_OP_jmp, { 0xffff }, 3, { 0x08, 0xff, 0xff } },
		{ BC_OP_jneg, { 7, 0x0304 }, 4, { 0x09, 0x07, 0x04, 0x03 } },
		{ BC_OP_jeq, { 1, 2, 0x0506 }, 5, { 0x0a, 0x01, 0x02, 0x06, 0x05 } },
		{ BC_OP_jne, { 3, 4, 0x0100 }, 5, { 0x0b, 0x03, 0x04, 0x00, 0x01 } },
		{ BC_OP_jlt, { 5, 6, 0x00ff }, 5, { 0x0c, 0x05, 0x06, 0xff, 0x00 } },
		{ BC_OP_jge, { 255, 0, 0xffff }, 5, { 0x0d, 0xff, 0x00, 0xff, 0xff } },
	};

	for (unsigned i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct bc_page p;
		bc_page_init(&p);
		cr_assert_eq(bc_emit(&p, cases[i].op, cases[i].v), 0, "case %u", i);
		cr_assert_eq(p.code_len, cases[i].len, "case %u", i);
		cr_assert_arr_eq(p.code, cases[i].bytes, cases[i].len, "case %u", i);
	}
}

Test(encode, pcs_are_consecutive)
{
	struct bc_page p;

	bc_page_init(&p);
	cr_assert_eq(emit3(&p, BC_OP_li, 1, 2, 0), 0);
	cr_assert_eq(emit3(&p, BC_OP_mov, 1, 2, 0), 10);
	cr_assert_eq(bc_emit(&p, BC_OP_write, NULL), 13);
	cr_assert_eq(emit3(&p, BC_OP_jeq, 1, 2, 19), 14);
	cr_assert_eq(p.code_len, 19);
}

Test(encode, page_init)
{
	struct bc_page p;

	memset(&p, 0xff, sizeof p);
	bc_page_init(&p);
	cr_assert_eq(p.magic, BC_MAGIC);
	cr_assert_eq(p.version, BC_VERSION);
	cr_assert_eq(p.code_len, 0);
	cr_assert_eq(p.data_len, 0);
	cr_assert_eq(p.status, BC_ST_READY);
	cr_assert_eq(p.calls, 0);
	cr_assert_eq(p.error, 0);
	for (unsigned i = 0; i < sizeof p.reserved; i++)
		cr_assert_eq(p.reserved[i], 0);
	for (unsigned i = 0; i < BC_NREGS; i++)
		cr_assert_eq(p.reg[i], 0, "r%u", i);
	/* "BCPG" in memory order */
	cr_assert_arr_eq(&p, "BCPG", 4);
}

Test(encode, decode_rejects)
{
	struct bc_page p;
	struct bc_insn in;

	bc_page_init(&p);
	emit3(&p, BC_OP_li, 1, 2, 0);
	cr_assert_eq(bc_decode(p.code, 10, 0, &in), 10);
	for (unsigned len = 1; len < 10; len++)
		cr_assert_eq(bc_decode(p.code, len, 0, &in), -EINVAL, "truncated to %u", len);
	cr_assert_eq(bc_decode(p.code, 10, 10, &in), -EINVAL, "pc at the end");
	cr_assert_eq(bc_decode(p.code, 10, 11, &in), -EINVAL, "pc past the end");
	p.code[0] = 0x00;
	cr_assert_eq(bc_decode(p.code, 10, 0, &in), -EINVAL, "opcode 0");
	p.code[0] = 0x07;
	cr_assert_eq(bc_decode(p.code, 10, 0, &in), -EINVAL, "opcode 7");
	p.code[0] = 0xff;
	cr_assert_eq(bc_decode(p.code, 10, 0, &in), -EINVAL, "opcode 0xff");
}

/* Fill the code area to exactly `used` bytes with li and stop. */
static void fill(struct bc_page *p, unsigned used)
{
	bc_page_init(p);
	while (p->code_len + 10u <= used)
		cr_assert_geq(emit3(p, BC_OP_li, 1, 0x1111111111111111ull, 0), 0);
	while (p->code_len < used)
		cr_assert_geq(bc_emit(p, BC_OP_stop, NULL), 0);
	cr_assert_eq(p->code_len, used);
}

Test(encode, enospc_at_the_boundary)
{
	struct bc_page p;

	fill(&p, BC_CODE_MAX - 10);
	cr_assert_eq(emit3(&p, BC_OP_li, 2, 3, 0), BC_CODE_MAX - 10, "li that just fits");
	cr_assert_eq(p.code_len, BC_CODE_MAX);
	cr_assert_eq(bc_emit(&p, BC_OP_stop, NULL), -ENOSPC);
	cr_assert_eq(p.code_len, BC_CODE_MAX);

	fill(&p, BC_CODE_MAX - 3);
	cr_assert_eq(emit3(&p, BC_OP_la, 1, 5, 0), -ENOSPC, "4 bytes into 3");
	cr_assert_eq(emit3(&p, BC_OP_li, 1, 5, 0), -ENOSPC, "10 bytes into 3");
	cr_assert_eq(p.code_len, BC_CODE_MAX - 3);
	cr_assert_eq(emit3(&p, BC_OP_win, 8, 0, 0), BC_CODE_MAX - 3, "2 bytes into 3");
	cr_assert_eq(emit3(&p, BC_OP_win, 8, 0, 0), -ENOSPC, "2 bytes into 1");
	cr_assert_eq(bc_emit(&p, BC_OP_getpid, NULL), BC_CODE_MAX - 1, "1 byte into 1");
	cr_assert_eq(bc_emit(&p, BC_OP_getpid, NULL), -ENOSPC);
	cr_assert_eq(p.code_len, BC_CODE_MAX);
	cr_assert_eq(p.code[BC_CODE_MAX - 1], BC_OP_getpid);
}

Test(encode, erange_leaves_page_unchanged)
{
	static const struct {
		unsigned op;
		uint64_t v[3];
	} cases[] = {
		{ BC_OP_li, { 256, 0 } },
		{ BC_OP_mov, { 256, 1 } },
		{ BC_OP_mov, { 1, 256 } },
		{ BC_OP_add, { 1, UINT64_MAX } },
		{ BC_OP_win, { 256 } },
		{ BC_OP_sys, { 65536 } },
		{ BC_OP_la, { 1, 65536 } },
		{ BC_OP_la, { 256, 5 } },
		{ BC_OP_jmp, { 65536 } },
		{ BC_OP_jneg, { 1, 0x10000 } },
		{ BC_OP_jneg, { 0x100, 5 } },
		{ BC_OP_jeq, { 1, 2, 65536 } },
		{ BC_OP_jge, { 1, 256, 20 } },
	};

	for (unsigned i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct bc_page p, before;
		bc_page_init(&p);
		emit3(&p, BC_OP_li, 9, 9, 0);
		before = p;
		cr_assert_eq(bc_emit(&p, cases[i].op, cases[i].v), -ERANGE, "case %u", i);
		cr_assert_eq(memcmp(&p, &before, sizeof p), 0, "case %u changed the page", i);
	}
	/* the largest values that fit are accepted */
	{
		struct bc_page p;
		bc_page_init(&p);
		cr_assert_eq(emit3(&p, BC_OP_mov, 255, 255, 0), 0);
		cr_assert_eq(emit3(&p, BC_OP_sys, 65535, 0, 0), 3);
		cr_assert_eq(emit3(&p, BC_OP_jeq, 255, 255, 65535), 6);
	}
}

Test(encode, einval_unknown_opcode)
{
	static const unsigned bad[] = { 0x00, 0x07, 0x0e, 0x31, 0x80, 0xff, 0x100 };
	uint64_t v[3] = { 1, 2, 3 };

	for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct bc_page p;
		bc_page_init(&p);
		cr_assert_eq(bc_emit(&p, bad[i], v), -EINVAL, "opcode %#x", bad[i]);
		cr_assert_eq(p.code_len, 0);
	}
}

Test(encode, einval_null_operands)
{
	struct bc_page p;

	bc_page_init(&p);
	cr_assert_eq(bc_emit(&p, BC_OP_li, NULL), -EINVAL);
	cr_assert_eq(bc_emit(&p, BC_OP_win, NULL), -EINVAL);
	cr_assert_eq(bc_emit(&p, BC_OP_jmp, NULL), -EINVAL);
	cr_assert_eq(p.code_len, 0);
	/* ops without operands need none */
	for (unsigned i = 0; i < NOPS; i++)
		if (ops[i].shape == BC_SHAPE_NONE || ops[i].shape == BC_SHAPE_CALL)
			cr_assert_geq(bc_emit(&p, ops[i].code, NULL), 0, "%s", ops[i].name);
}

Test(encode, einval_after_data)
{
	struct bc_page p;

	bc_page_init(&p);
	cr_assert_eq(bc_emit(&p, BC_OP_stop, NULL), 0);
	cr_assert_eq(bc_emit_data(&p, "x", 1), 1);
	cr_assert_eq(bc_emit(&p, BC_OP_stop, NULL), -EINVAL);
	cr_assert_eq(emit3(&p, BC_OP_li, 1, 1, 0), -EINVAL);
	cr_assert_eq(p.code_len, 1);
	cr_assert_eq(p.data_len, 1);
	cr_assert_eq(p.code[1], 'x');

	/* even an empty-code program has no code after its data */
	bc_page_init(&p);
	cr_assert_eq(bc_emit_data(&p, "ab", 2), 0);
	cr_assert_eq(bc_emit(&p, BC_OP_getpid, NULL), -EINVAL);
	cr_assert_eq(p.code_len, 0);
}

Test(encode, patch_jump)
{
	struct bc_page p;
	int j, n, e, li;

	bc_page_init(&p);
	j = emit3(&p, BC_OP_jmp, 0, 0, 0);
	n = emit3(&p, BC_OP_jneg, 7, 0, 0);
	e = emit3(&p, BC_OP_jeq, 1, 2, 0);
	li = emit3(&p, BC_OP_li, 3, 0x4242, 0);
	cr_assert_eq(bc_patch_jump(&p, j, 0x1234), 0);
	cr_assert_eq(bc_patch_jump(&p, n, 0x0201), 0);
	cr_assert_eq(bc_patch_jump(&p, e, p.code_len), 0);
	cr_assert_arr_eq(p.code + j, ((uint8_t[]){ 0x08, 0x34, 0x12 }), 3);
	cr_assert_arr_eq(p.code + n, ((uint8_t[]){ 0x09, 0x07, 0x01, 0x02 }), 4);
	cr_assert_arr_eq(p.code + e, ((uint8_t[]){ 0x0a, 0x01, 0x02, p.code_len, 0 }), 5);

	{
		struct bc_page before = p;
		cr_assert_eq(bc_patch_jump(&p, e, e), -EINVAL, "target == pc");
		cr_assert_eq(bc_patch_jump(&p, e, 0), -EINVAL, "backward");
		cr_assert_eq(bc_patch_jump(&p, j, 0x10000), -EINVAL, "target past u16");
		cr_assert_eq(bc_patch_jump(&p, li, 100), -EINVAL, "not a jump");
		cr_assert_eq(bc_patch_jump(&p, p.code_len, 100), -EINVAL, "pc at the end");
		p.code[p.code_len] = BC_OP_jmp; /* a jump opcode just past code_len */
		before.code[before.code_len] = BC_OP_jmp;
		cr_assert_eq(bc_patch_jump(&p, p.code_len, 100), -EINVAL, "pc past the code");
		cr_assert_eq(memcmp(&p, &before, sizeof p), 0, "a failed patch changed the page");
	}
}

Test(encode, emit_data_offsets)
{
	struct bc_page p;
	static uint8_t big[BC_CODE_MAX];

	bc_page_init(&p);
	emit3(&p, BC_OP_li, 1, 2, 0);
	bc_emit(&p, BC_OP_stop, NULL);
	cr_assert_eq(bc_emit_data(&p, "hello", 5), 11);
	cr_assert_eq(bc_emit_data(&p, "", 0), 16, "empty data returns the next offset");
	cr_assert_eq(bc_emit_data(&p, "\0\1\2", 3), 16);
	cr_assert_eq(p.code_len, 11);
	cr_assert_eq(p.data_len, 8);
	cr_assert_arr_eq(p.code + 11, "hello\0\1\2", 8);

	/* exactly full succeeds; one more byte does not */
	memset(big, 0x5a, sizeof big);
	cr_assert_eq(bc_emit_data(&p, big, BC_CODE_MAX - 19), 19);
	cr_assert_eq(p.code_len + p.data_len, BC_CODE_MAX);
	cr_assert_eq(bc_emit_data(&p, "x", 1), -ENOSPC);
	cr_assert_eq(bc_emit_data(&p, "", 0), BC_CODE_MAX);
	cr_assert_eq(p.data_len, BC_CODE_MAX - 11);

	bc_page_init(&p);
	cr_assert_eq(bc_emit_data(&p, big, BC_CODE_MAX + 1), -ENOSPC);
	cr_assert_eq(p.data_len, 0);
}

/* A program with code, data and outputs from a run, as an image buffer. */
static size_t make_image(uint8_t *img)
{
	struct bc_page p;
	size_t n;

	bc_page_init(&p);
	emit3(&p, BC_OP_li, 1, (uint64_t)-7, 0);
	emit3(&p, BC_OP_la, 2, 17, 0);
	emit3(&p, BC_OP_mov, 3, 1, 0);
	cr_assert_eq(bc_emit_data(&p, "data!", 5), 17);
	n = bc_image_size(&p);
	cr_assert_eq(n, BC_HDR_SIZE + 17 + 5);
	memcpy(img, &p, n);
	return n;
}

Test(encode, image_round_trip)
{
	uint8_t img[BC_PAGE_SIZE];
	size_t n = make_image(img);
	struct bc_page p, q;
	struct bc_diag d;

	memset(&p, 0xee, sizeof p);
	cr_assert_eq(bc_image_load(img, n, &p, &d), 0);
	cr_assert_eq(p.magic, BC_MAGIC);
	cr_assert_eq(p.version, BC_VERSION);
	cr_assert_eq(p.code_len, 17);
	cr_assert_eq(p.data_len, 5);
	cr_assert_eq(p.status, BC_ST_READY);
	cr_assert_eq(p.stop_pc, 0);
	cr_assert_eq(p.win, 0);
	cr_assert_eq(p.error, 0);
	cr_assert_eq(p.calls, 0);
	cr_assert_arr_eq(p.code, img + BC_HDR_SIZE, 22);
	for (unsigned i = 0; i < BC_NREGS; i++)
		cr_assert_eq(p.reg[i], 0, "r%u not zeroed", i);
	cr_assert_eq(bc_image_size(&p), n);
	cr_assert_eq(bc_verify(&p, &d), 0, "%s", d.msg);

	/* run it, then its image loads back to the same program, outputs reset */
	cr_assert_eq(bc_run(&p, NULL), BC_ST_DONE);
	cr_assert_eq(p.reg[3], (uint64_t)-7);
	memset(&q, 0x77, sizeof q);
	cr_assert_eq(bc_image_load(&p, bc_image_size(&p), &q, &d), 0);
	cr_assert_eq(q.status, BC_ST_READY);
	cr_assert_eq(q.stop_pc, 0);
	cr_assert_eq(q.reg[3], 0);
	cr_assert_arr_eq(q.code, p.code, 22);
}

Test(encode, image_clears_output_fields)
{
	uint8_t img[BC_PAGE_SIZE];
	size_t n = make_image(img);
	struct bc_page p;
	struct bc_diag d;

	/* the output fields at their documented offsets */
	put_le(img + 10, BC_ST_FAULT, 2);      /* status */
	put_le(img + 12, 12, 2);               /* stop_pc */
	put_le(img + 14, 64, 2);               /* win */
	put_le(img + 16, (uint64_t)-5, 8);     /* error */
	put_le(img + 24, 99, 4);               /* calls */
	cr_assert_eq(bc_image_load(img, n, &p, &d), 0);
	cr_assert_eq(p.status, BC_ST_READY);
	cr_assert_eq(p.stop_pc, 0);
	cr_assert_eq(p.win, 0);
	cr_assert_eq(p.error, 0);
	cr_assert_eq(p.calls, 0);
}

Test(encode, image_empty_program)
{
	struct bc_page p, q;
	struct bc_diag d;

	bc_page_init(&p);
	cr_assert_eq(bc_image_size(&p), BC_HDR_SIZE);
	cr_assert_eq(bc_image_load(&p, BC_HDR_SIZE, &q, &d), 0);
	cr_assert_eq(q.code_len, 0);
	cr_assert_eq(q.data_len, 0);
}

Test(encode, image_short_header)
{
	uint8_t img[BC_PAGE_SIZE];
	struct bc_page p;
	struct bc_diag d;

	make_image(img);
	for (size_t n = 0; n < BC_HDR_SIZE; n += 21) {
		memset(&d, 0, sizeof d);
		cr_assert_eq(bc_image_load(img, n, &p, &d), -EINVAL, "n %zu", n);
		cr_assert_eq(d.offset, n);
		cr_assert(strstr(d.msg, "header"), "%s", d.msg);
	}
	cr_assert_eq(bc_image_load(img, BC_HDR_SIZE - 1, &p, &d), -EINVAL);
	cr_assert_eq(d.offset, BC_HDR_SIZE - 1);
}

Test(encode, image_bad_magic)
{
	uint8_t img[BC_PAGE_SIZE];
	size_t n = make_image(img);
	struct bc_page p;
	struct bc_diag d;

	img[3] ^= 0x20;
	cr_assert_eq(bc_image_load(img, n, &p, &d), -EINVAL);
	cr_assert_eq(d.offset, 0);
	cr_assert(strstr(d.msg, "magic"), "%s", d.msg);
}

Test(encode, image_too_long)
{
	static uint8_t img[BC_HDR_SIZE + BC_CODE_MAX + 1];
	struct bc_page p;
	struct bc_diag d;

	bc_page_init(&p);
	memcpy(img, &p, BC_HDR_SIZE);
	cr_assert_eq(bc_image_load(img, sizeof img, &p, &d), -EINVAL);
	cr_assert_eq(d.offset, BC_HDR_SIZE + BC_CODE_MAX);
	cr_assert(strstr(d.msg, "longer"), "%s", d.msg);

	/* exactly the code area is fine when the header says so */
	{
		put_le(img + 6, 0, 2);                     /* code_len */
		put_le(img + 8, BC_CODE_MAX, 2);           /* data_len */
		cr_assert_eq(bc_image_load(img, sizeof img - 1, &p, &d), 0, "%s", d.msg);
		cr_assert_eq(p.data_len, BC_CODE_MAX);
	}
}

Test(encode, image_length_mismatch)
{
	uint8_t img[BC_PAGE_SIZE];
	size_t n = make_image(img);
	struct bc_page p;
	struct bc_diag d;

	cr_assert_eq(bc_image_load(img, n - 1, &p, &d), -EINVAL, "file one byte short");
	cr_assert_eq(d.offset, 6);
	cr_assert(strstr(d.msg, "offset 6:"), "%s", d.msg);
	memset(&d, 0, sizeof d);
	cr_assert_eq(bc_image_load(img, n + 1, &p, &d), -EINVAL, "file one byte long");
	cr_assert_eq(d.offset, 6);
	put_le(img + 8, 6, 2);                 /* data_len */
	cr_assert_eq(bc_image_load(img, n, &p, &d), -EINVAL, "header one byte long");
	cr_assert_eq(d.offset, 6);
	cr_assert(strstr(d.msg, "offset 6"), "%s", d.msg);
}

/* A page whose lengths were corrupted is not written past. */
Test(encode, emit_data_on_a_corrupt_page)
{
	static struct bc_page p;

	bc_page_init(&p);
	p.code_len = 60000;
	cr_assert_eq(bc_emit_data(&p, "x", 1), -ENOSPC);
	cr_assert_eq(bc_patch_jump(&p, 0, 10), -EINVAL);
}
