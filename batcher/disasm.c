/* The disassembler: canonical text that bc_assemble turns back into the
 * same bytes.  Jump and la targets print as labels L<offset>. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

struct out {
	char *buf;
	size_t n, len;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(o->len < o->n ? o->buf + o->len : NULL,
		      o->len < o->n ? o->n - o->len : 0, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->len += k;
}

static void put_operand(struct out *o, unsigned kind, uint64_t v)
{
	int64_t s = (int64_t)v;

	switch (kind) {
	case BC_K_REG:
		put(o, "r%u", (unsigned)v);
		break;
	case BC_K_IMM:
		if (s >= -4096 && s <= 65535)
			put(o, "%" PRId64, s);
		else
			put(o, "0x%" PRIx64, v);
		break;
	case BC_K_ADDR:
	case BC_K_JUMP:
		put(o, "L%u", (unsigned)v);
		break;
	default:
		put(o, "%u", (unsigned)v);
	}
}

static void format(struct out *o, const struct bc_insn *in)
{
	const struct bc_opinfo *info = bc_op_info(in->op);

	put(o, "%s", info->name);
	for (unsigned i = 0; i < 3 && info->kind[i]; i++) {
		put(o, i ? ", " : "\t");
		put_operand(o, info->kind[i], in->operand[i]);
	}
}

int bc_format_insn(const struct bc_insn *in, char *buf, size_t n)
{
	struct out o = { buf, n, 0 };

	if (n)
		buf[0] = 0;
	if (!bc_op_info(in->op))
		return -EINVAL;
	format(&o, in);
	return o.len;
}

static int printable(uint8_t b)
{
	return (b >= 0x20 && b < 0x7f) || b == '\n' || b == '\t';
}

static unsigned run_of(const uint8_t *b, unsigned n, int (*same)(uint8_t))
{
	unsigned k = 0;

	while (k < n && same(b[k]))
		k++;
	return k;
}

static int is_zero(uint8_t b)
{
	return b == 0;
}

static int is_other(uint8_t b)
{
	return b && !printable(b);
}

/* Data bytes: .zero for runs of four or more zeros, .ascii for text
 * (a line per newline or 64 bytes), .byte for the rest. */
static void put_data(struct out *o, const uint8_t *b, unsigned n)
{
	while (n) {
		unsigned k = run_of(b, n, is_zero);
		if (k >= 4) {
			put(o, "\t.zero\t%u\n", k);
		} else if ((k = run_of(b, n, printable))) {
			unsigned i;
			put(o, "\t.ascii\t\"");
			for (i = 0; i < k && i < 64; i++) {
				uint8_t c = b[i];
				if (c == '\n')
					put(o, "\\n");
				else if (c == '\t')
					put(o, "\\t");
				else if (c == '"' || c == '\\')
					put(o, "\\%c", c);
				else
					put(o, "%c", c);
				if (c == '\n') {
					i++;
					break;
				}
			}
			put(o, "\"\n");
			k = i;
		} else {
			k = run_of(b, n, is_other);
			if (!k)
				k = run_of(b, n, is_zero);
			if (k > 12)
				k = 12;
			put(o, "\t.byte\t");
			for (unsigned i = 0; i < k; i++)
				put(o, i ? ", 0x%02x" : "0x%02x", b[i]);
			put(o, "\n");
		}
		b += k;
		n -= k;
	}
}

long bc_disassemble(const struct bc_page *p, char *buf, size_t n)
{
	uint8_t label[BC_CODE_MAX + 1] = { 0 };
	unsigned end = p->code_len, total = end + p->data_len, pc, mark;
	struct out o = { buf, n, 0 };
	struct bc_insn in;

	if (bc_verify(p, NULL))
		return -EINVAL;
	for (pc = 0; pc < end; pc += in.len) {
		const struct bc_opinfo *info;
		bc_decode(p->code, end, pc, &in);
		info = bc_op_info(in.op);
		for (unsigned i = 0; i < 3; i++)
			if (info->kind[i] == BC_K_ADDR || info->kind[i] == BC_K_JUMP)
				label[in.operand[i]] = 1;
	}
	if (n)
		buf[0] = 0;
	put(&o, "; bc program: %u bytes of code, %u bytes of data\n", end, p->data_len);
	for (pc = 0; pc < end; pc += in.len) {
		if (label[pc])
			put(&o, "L%u:\n", pc);
		bc_decode(p->code, end, pc, &in);
		put(&o, "\t");
		format(&o, &in);
		put(&o, "\n");
	}
	for (mark = end; mark <= total; mark = pc) {
		if (label[mark])
			put(&o, "L%u:\n", mark);
		for (pc = mark + 1; pc < total && !label[pc]; pc++)
			;
		if (mark == total)
			break;
		put_data(&o, p->code + mark, pc - mark);
	}
	return o.len;
}
