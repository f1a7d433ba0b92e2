/* The text form: assembler output bytes, canonical disassembly, round
 * trips, and the assembler's error messages. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bc.h"
#include "emit.h"

static void assemble_ok(const char *text, struct bc_page *p)
{
	struct bc_diag d = { 0 };
	int r = bc_assemble(text, strlen(text), p, &d);

	cr_assert_eq(r, 0, "assemble failed: %s\n%s", d.msg, text);
}

/* The disassembly of p in a malloc'd buffer. */
static char *disassemble(const struct bc_page *p)
{
	long n = bc_disassemble(p, NULL, 0);
	char *buf;

	cr_assert_gt(n, 0, "bc_disassemble: %ld", n);
	buf = malloc(n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(bc_disassemble(p, buf, n + 1), n);
	cr_assert_eq(strlen(buf), (size_t)n);
	return buf;
}

/* dis(p) assembles back to p's bytes, and disassembles the same again. */
static void round_trip(const struct bc_page *p)
{
	struct bc_page q;
	char *text = disassemble(p), *again;

	assemble_ok(text, &q);
	cr_assert_eq(q.code_len, p->code_len, "code_len\n%s", text);
	cr_assert_eq(q.data_len, p->data_len, "data_len\n%s", text);
	cr_assert_eq(memcmp(&q, p, BC_HDR_SIZE), 0, "header\n%s", text);
	cr_assert_eq(memcmp(q.code, p->code, p->code_len + p->data_len), 0, "bytes differ\n%s",
		     text);
	again = disassemble(&q);
	cr_assert_str_eq(again, text);
	free(again);
	free(text);
}

/* Assembler */

Test(text, assemble_labels_data_escapes)
{
	static const char src[] =
		"; a comment line\n"
		"start:\tli\tr1, 1\t\t; fd\n"
		"\tla r2,msg\n"
		"  li  r3 , -1\n"
		"\tjneg\tr3, end\n"
		"\twrite\n"
		"end:\n"
		"msg:\t.ascii\t\"a\\tb\\n\\0\\\\\\\"\\x41\"\n"
		"\t.asciz \"z\"\n"
		"\t.byte\t1, 0xff\n"
		"\t.zero\t3 ; trailing comment\n";
	static const uint8_t want[] = {
		0x03, 0x01, 1, 0, 0, 0, 0, 0, 0, 0,           /* li r1, 1 */
		0x04, 0x02, 29, 0,                            /* la r2, 29 */
		0x03, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* li r3, -1 */
		0x09, 0x03, 29, 0,                            /* jneg r3, 29 */
		0x11,                                         /* write */
		'a', '\t', 'b', '\n', 0, '\\', '"', 'A',      /* .ascii */
		'z', 0,                                       /* .asciz */
		1, 0xff,                                      /* .byte */
		0, 0, 0,                                      /* .zero */
	};
	struct bc_page p;

	memset(&p, 0xcc, sizeof p);
	assemble_ok(src, &p);
	cr_assert_eq(p.magic, BC_MAGIC);
	cr_assert_eq(p.version, BC_VERSION);
	cr_assert_eq(p.code_len, 29);
	cr_assert_eq(p.data_len, 15);
	cr_assert_arr_eq(p.code, want, sizeof want);
	cr_assert_eq(p.status, BC_ST_READY);
	cr_assert_eq(p.reg[3], 0, "registers zeroed");
}

Test(text, assemble_numbers_and_forms)
{
	static const char src[] =
		"\tli r0, 0x7fffffffffffffff\r\n"      /* CRLF */
		"\tli r255, -9223372036854775808\n"
		"\tli r7, 0xFFFFFFFFFFFFFFFF\n"
		"top: sys 0x27\n"                       /* a label before an instruction */
		"\twin 248\n"
		"\tjge r1, r2, 40 ; numeric absolute target = the end\n"
		"\n"
		"\t; only a comment\n";
	struct bc_page p;
	struct bc_insn in;

	assemble_ok(src, &p);
	cr_assert_eq(p.code_len, 40);
	cr_assert_eq(bc_decode(p.code, p.code_len, 0, &in), 10);
	cr_assert_eq(in.operand[1], (uint64_t)INT64_MAX);
	cr_assert_eq(bc_decode(p.code, p.code_len, 10, &in), 10);
	cr_assert_eq(in.operand[0], 255);
	cr_assert_eq(in.operand[1], (uint64_t)INT64_MIN);
	cr_assert_eq(bc_decode(p.code, p.code_len, 20, &in), 10);
	cr_assert_eq(in.operand[1], UINT64_MAX);
	cr_assert_arr_eq(p.code + 30, ((uint8_t[]){ 0x0f, 39, 0, 0x02, 248 }), 5);
	cr_assert_arr_eq(p.code + 35, ((uint8_t[]){ 0x0d, 1, 2, 40, 0 }), 5);
}

Test(text, assemble_empty)
{
	struct bc_page p;

	assemble_ok("", &p);
	cr_assert_eq(p.code_len, 0);
	cr_assert_eq(p.data_len, 0);
	assemble_ok("; nothing\n\n   \n", &p);
	cr_assert_eq(p.code_len, 0);
}

/* Assembler errors name the line; code errors found by the verifier too. */
Test(text, assemble_errors)
{
	static const struct {
		const char *src;
		unsigned line;
		const char *msg;       /* the message starts with this */
	} cases[] = {
		{ "li r1, 1\nli r2, 2\nbogus r1\n", 3, "line 3: unknown instruction 'bogus'" },
		{ "li r1, 0\njmp nowhere\nstop\n", 2, "line 2: undefined label 'nowhere'" },
		{ "stop\n.ascii \"abc\n", 2, "line 2: unterminated string" },
		{ "stop\n.ascii \"abc\\", 2, "line 2: unterminated string" },
		{ "mov r1, r256\n", 1, "line 1: expected a register r0..r255" },
		{ "mov r1, 5\n", 1, "line 1: expected a register r0..r255" },
		{ "stop\n.byte 1\nstop\n", 3, "line 3: instruction after data" },
		{ "li r1, 0\n\njmp 0\n", 3, "line 3: offset 74 (pc 10): backward jump" },
		{ "getpid\nsys 56\n", 2, "line 2: offset 65 (pc 1): syscall 56 cannot run" },
		{ "jmp 4\nli r1, 1\n", 1, "line 1: offset 64 (pc 0): jump into the middle" },
		{ "stop\nla r1, 0\n", 2, "line 2: offset 65 (pc 1): la offset 0 is outside the data" },
		{ "win 249\n", 1, "line 1: offset 64 (pc 0): register out of range" },
		{ "l:\nl: stop\n", 2, "line 2: label 'l' defined twice" },
		{ "stop\n.byte 256\n", 2, "line 2: .byte value 256" },
		{ "stop\n.ascii \"\\q\"\n", 2, "line 2: unknown escape" },
		{ "stop\n.word 1\n", 2, "line 2: unknown directive '.word'" },
		{ "li r1 5\n", 1, "line 1: expected ','" },
		{ "stop r1\n", 1, "line 1: unexpected" },
		{ "li r1, 12x\n", 1, "line 1: expected a number" },
		{ "sys 65536\n", 1, "line 1: operand of sys out of range" },
		{ "li r1, 18446744073709551616\n", 1, "line 1: number" },
	};

	for (unsigned i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct bc_page p;
		struct bc_diag d;
		int r;
		memset(&d, 0, sizeof d);
		r = bc_assemble(cases[i].src, strlen(cases[i].src), &p, &d);
		cr_assert_eq(r, -EINVAL, "case %u accepted: %s", i, cases[i].src);
		cr_assert_eq(strncmp(d.msg, cases[i].msg, strlen(cases[i].msg)), 0,
			     "case %u: '%s', want '%s...'", i, d.msg, cases[i].msg);
		cr_assert_eq(d.line, cases[i].line, "case %u: line %u", i, d.line);
	}
}

Test(text, assemble_error_exact_messages)
{
	struct bc_page p;
	struct bc_diag d;
	static const char bogus[] = "li r1, 1\nli r2, 2\nbogus r1\n";
	static const char back[] = "li r1, 0\njmp 0\n";

	cr_assert_eq(bc_assemble(bogus, strlen(bogus), &p, &d), -EINVAL);
	cr_assert_str_eq(d.msg, "line 3: unknown instruction 'bogus'");
	cr_assert_eq(bc_assemble(back, strlen(back), &p, &d), -EINVAL);
	cr_assert_str_eq(d.msg, "line 2: offset 74 (pc 10): backward jump to pc 0");
	cr_assert_eq(d.offset, 74);
	cr_assert_eq(d.line, 2);
	/* without a diag the result is the same */
	cr_assert_eq(bc_assemble(bogus, strlen(bogus), &p, NULL), -EINVAL);
	cr_assert_eq(bc_assemble(back, strlen(back), &p, NULL), -EINVAL);
}

/* Disassembler */

/* A program and its canonical text, written out by hand. */
static void sample(struct bc_page *p)
{
	bc_page_init(p);
	emit3(p, BC_OP_li, 1, (uint64_t)-5, 0);        /* 0 */
	emit3(p, BC_OP_li, 4, 65536, 0);               /* 10 */
	emit3(p, BC_OP_li, 5, (uint64_t)-4097, 0);     /* 20 */
	emit3(p, BC_OP_li, 6, (uint64_t)-4096, 0);     /* 30 */
	emit3(p, BC_OP_jeq, 1, 2, 51);                 /* 40 */
	emit3(p, BC_OP_sys, 39, 0, 0);                 /* 45 */
	emit3(p, BC_OP_win, 16, 0, 0);                 /* 48 */
	emit3(p, BC_OP_getpid, 0, 0, 0);               /* 50 */
	emit3(p, BC_OP_la, 3, 59, 0);                  /* 51 */
	emit3(p, BC_OP_la, 7, 64, 0);                  /* 55 */
	cr_assert_eq(bc_emit_data(p, "hi\"\\\n", 5), 59);
	cr_assert_eq(bc_emit_data(p, "\0\0\0\0\0\xff\x01\0x\ty", 11), 64);
}

static const char sample_text[] =
	"; bc program: 59 bytes of code, 16 bytes of data\n"
	"\tli\tr1, -5\n"
	"\tli\tr4, 0x10000\n"
	"\tli\tr5, 0xffffffffffffefff\n"
	"\tli\tr6, -4096\n"
	"\tjeq\tr1, r2, L51\n"
	"\tsys\t39\n"
	"\twin\t16\n"
	"\tgetpid\n"
	"L51:\n"
	"\tla\tr3, L59\n"
	"\tla\tr7, L64\n"
	"L59:\n"
	"\t.ascii\t\"hi\\\"\\\\\\n\"\n"
	"L64:\n"
	"\t.zero\t5\n"
	"\t.byte\t0xff, 0x01\n"
	"\t.byte\t0x00\n"
	"\t.ascii\t\"x\\ty\"\n";

Test(text, disassemble_exact)
{
	struct bc_page p;
	char buf[1024];

	sample(&p);
	memset(buf, 'Z', sizeof buf);
	cr_assert_eq(bc_disassemble(&p, buf, sizeof buf), (long)strlen(sample_text));
	cr_assert_str_eq(buf, sample_text);
}

Test(text, disassemble_small_programs)
{
	struct bc_page p;
	char buf[256];

	bc_page_init(&p);
	cr_assert_eq(bc_disassemble(&p, buf, sizeof buf),
		     (long)strlen("; bc program: 0 bytes of code, 0 bytes of data\n"));
	cr_assert_str_eq(buf, "; bc program: 0 bytes of code, 0 bytes of data\n");

	/* a label on its own line before the target; code after stop */
	emit3(&p, BC_OP_jneg, 0, 8, 0);
	emit3(&p, BC_OP_mov, 255, 0, 0);
	emit3(&p, BC_OP_stop, 0, 0, 0);
	emit3(&p, BC_OP_close, 0, 0, 0);
	bc_disassemble(&p, buf, sizeof buf);
	cr_assert_str_eq(buf, "; bc program: 9 bytes of code, 0 bytes of data\n"
			      "\tjneg\tr0, L8\n"
			      "\tmov\tr255, r0\n"
			      "\tstop\n"
			      "L8:\n"
			      "\tclose\n");
	/* a jump to the end labels the end */
	emit3(&p, BC_OP_add, 1, 2, 0);
	cr_assert_eq(bc_patch_jump(&p, 0, 12), 0);
	bc_disassemble(&p, buf, sizeof buf);
	cr_assert_str_eq(buf, "; bc program: 12 bytes of code, 0 bytes of data\n"
			      "\tjneg\tr0, L12\n"
			      "\tmov\tr255, r0\n"
			      "\tstop\n"
			      "\tclose\n"
			      "\tadd\tr1, r2\n"
			      "L12:\n");
}

/* Data lines: a newline ends an .ascii line, fewer than four zeros are
 * .byte, at most twelve bytes per .byte line. */
Test(text, disassemble_data_lines)
{
	static const uint8_t data[] = {
		'a', '\n', 'b', ';', 0, 0, 0,
		0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d,
		0, 0, 0, 0,
	};
	struct bc_page p;
	char buf[512];

	bc_page_init(&p);
	cr_assert_eq(bc_emit_data(&p, data, sizeof data), 0);
	bc_disassemble(&p, buf, sizeof buf);
	cr_assert_str_eq(buf, "; bc program: 0 bytes of code, 25 bytes of data\n"
			      "\t.ascii\t\"a\\n\"\n"
			      "\t.ascii\t\"b;\"\n"
			      "\t.byte\t0x00, 0x00, 0x00\n"
			      "\t.byte\t0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b\n"
			      "\t.byte\t0x8c, 0x8d\n"
			      "\t.zero\t4\n");
	round_trip(&p);
}

Test(text, disassemble_long_text_splits)
{
	struct bc_page p;
	char buf[512], line[80];
	char text[100];

	memset(text, 'a', sizeof text);
	bc_page_init(&p);
	bc_emit_data(&p, text, sizeof text);
	bc_disassemble(&p, buf, sizeof buf);
	snprintf(line, sizeof line, "\t.ascii\t\"%.64s\"\n", text);
	cr_assert(strstr(buf, line), "no 64-byte line:\n%s", buf);
	snprintf(line, sizeof line, "\t.ascii\t\"%.36s\"\n", text);
	cr_assert(strstr(buf, line), "no 36-byte rest:\n%s", buf);
}

/* snprintf semantics: the needed length whatever the buffer size. */
Test(text, disassemble_small_buffer)
{
	struct bc_page p;
	long need = (long)strlen(sample_text);
	char buf[1024];

	sample(&p);
	cr_assert_eq(bc_disassemble(&p, NULL, 0), need);
	memset(buf, 'Z', sizeof buf);
	cr_assert_eq(bc_disassemble(&p, buf, 0), need);
	cr_assert_eq(buf[0], 'Z', "wrote into a zero-size buffer");
	cr_assert_eq(bc_disassemble(&p, buf, 1), need);
	cr_assert_str_eq(buf, "");
	for (size_t n = 2; n <= (size_t)need + 1; n += 7) {
		memset(buf, 'Z', sizeof buf);
		cr_assert_eq(bc_disassemble(&p, buf, n), need, "n %zu", n);
		cr_assert_eq(strlen(buf), n - 1, "n %zu", n);
		cr_assert_eq(strncmp(buf, sample_text, n - 1), 0, "n %zu", n);
		cr_assert_eq(buf[n], 'Z', "n %zu: wrote past the buffer", n);
	}
	memset(buf, 'Z', sizeof buf);
	cr_assert_eq(bc_disassemble(&p, buf, need), need);
	cr_assert_eq(strlen(buf), (size_t)need - 1, "one byte short drops the last newline");
	cr_assert_eq(bc_disassemble(&p, buf, need + 1), need);
	cr_assert_str_eq(buf, sample_text);
}

Test(text, disassemble_invalid)
{
	struct bc_page p;
	char buf[64] = "untouched";

	sample(&p);
	p.code[0] = 0x00;
	cr_assert_eq(bc_disassemble(&p, buf, sizeof buf), -EINVAL);
	sample(&p);
	p.magic = 0;
	cr_assert_eq(bc_disassemble(&p, NULL, 0), -EINVAL);
}

/* Round trips */

Test(text, round_trip_sample)
{
	struct bc_page p, q;

	sample(&p);
	round_trip(&p);
	assemble_ok(sample_text, &q);
	cr_assert_eq(memcmp(&q, &p, BC_HDR_SIZE + 75), 0);
}

Test(text, round_trip_empty)
{
	struct bc_page p;

	bc_page_init(&p);
	round_trip(&p);
	bc_emit_data(&p, "only data", 9);
	round_trip(&p);
}

/* Every opcode, the jumps to the end, the la into the data. */
Test(text, round_trip_every_opcode)
{
	static const struct { unsigned code, shape; } ops[] = {
#define OP(name, code, shape, nr, nargs) { code, BC_SHAPE_##shape },
		BC_OPCODES(OP)
#undef OP
	};
	static const int64_t imm[] = { 0, -1, 65535, 65536, -4096, -4097, INT64_MIN, INT64_MAX };
	int jumps[64];
	unsigned njumps = 0;
	struct bc_page p;

	bc_page_init(&p);
	for (unsigned i = 0; i < sizeof ops / sizeof *ops; i++) {
		unsigned op = ops[i].code;
		switch (ops[i].shape) {
		case BC_SHAPE_NONE:
			break; /* stop goes last */
		case BC_SHAPE_CALL:
			emit3(&p, BC_OP_win, 8 * (i % 31), 0, 0);
			emit3(&p, op, 0, 0, 0);
			break;
		case BC_SHAPE_NR:
			emit3(&p, BC_OP_win, 248, 0, 0);
			emit3(&p, op, 511, 0, 0);
			break;
		case BC_SHAPE_WIN:
			emit3(&p, op, 248, 0, 0);
			break;
		case BC_SHAPE_RI:
			for (unsigned k = 0; k < sizeof imm / sizeof *imm; k++)
				emit3(&p, op, 255 - k, (uint64_t)imm[k], 0);
			break;
		case BC_SHAPE_RA:
			break; /* after the jumps, when the end is known */
		case BC_SHAPE_RR:
			emit3(&p, op, 0, 255, 0);
			break;
		default:
			cr_assert_lt(njumps, 64);
			jumps[njumps++] = emit3(&p, op, i, 254, 0);
		}
	}
	emit3(&p, BC_OP_stop, 0, 0, 0);
	{
		int la1 = emit3(&p, BC_OP_la, 9, 0, 0), la2 = emit3(&p, BC_OP_la, 10, 0, 0);
		uint8_t all[256];
		int at;
		for (unsigned b = 0; b < 256; b++)
			all[b] = b;
		at = bc_emit_data(&p, "text \"with\" \\ and\ttab\n", 22);
		p.code[la1 + 2] = at;
		p.code[la1 + 3] = at >> 8;
		at = bc_emit_data(&p, all, sizeof all);
		p.code[la2 + 2] = (at + 100) & 0xff;
		p.code[la2 + 3] = (at + 100) >> 8;
	}
	for (unsigned j = 0; j < njumps; j++)
		cr_assert_eq(bc_patch_jump(&p, jumps[j], p.code_len), 0);
	round_trip(&p);
}

Test(text, round_trip_data_shapes)
{
	static const uint8_t data[] = {
		0, 0, 0, 1,                            /* a short zero run */
		0, 0, 0, 0, '"', '\\',                 /* four zeros, then escapes */
		0x7f, 0x80, 0xfe, 0x1b, '\r', 0, 'A', '\n', '\n', '\t',
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct bc_page p;

	bc_page_init(&p);
	emit3(&p, BC_OP_la, 1, 12, 0);         /* the data starts at 12 */
	emit3(&p, BC_OP_la, 2, 12 + 5, 0);     /* splits the run of four zeros */
	emit3(&p, BC_OP_la, 3, 12 + sizeof data, 0);
	cr_assert_eq(bc_emit_data(&p, data, sizeof data), 12);
	round_trip(&p);
}

Test(text, round_trip_assembled_source)
{
	static const char src[] =
		"\tli\tr1, -100\n"
		"\tla\tr2, path\n"
		"\tli\tr3, 0x241\n"
		"\tli\tr4, 0644\n"
		"\topenat\n"
		"\tjneg\tr0, done\n"
		"\tmov\tr9, r0\n"
		"\tla\tr10, line\n"
		"\tli\tr11, 15\n"
		"\twrite\n"
		"\tjneg\tr8, close\n"
		"close:\tmov\tr17, r0\n"
		"\tclose\n"
		"done:\tstop\n"
		"path:\t.asciz\t\"/tmp/x\"\n"
		"line:\t.ascii\t\"written by bc.\\n\"\n";
	struct bc_page p;

	assemble_ok(src, &p);
	round_trip(&p);
}
