/* The assembler: the text form of docs/abi.md into a page.  One pass;
 * label operands are patched in when the text ends. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

enum { MAX_LABELS = 2048, MAX_FIXUPS = 1024, MAX_NAME = 64 };

struct label {
	char name[MAX_NAME];
	unsigned at;
};

struct fixup {
	char name[MAX_NAME];
	unsigned pos, line;
};

struct as {
	struct bc_page *p;
	struct bc_diag *d;
	const char *s, *end;   /* the rest of the current line */
	unsigned line;
	unsigned nlabels, nfixups;
	struct label label[MAX_LABELS];
	struct fixup fixup[MAX_FIXUPS];
	unsigned line_of[BC_CODE_MAX];  /* source line of each code byte */
};

static int fail(struct as *a, const char *fmt, ...)
	__attribute__((__format__(__printf__, 2, 3)));

static int fail(struct as *a, const char *fmt, ...)
{
	char msg[100];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	__bc_fail(a->d, BC_HDR_SIZE + a->p->code_len + a->p->data_len,
		  "line %u: %s", a->line, msg);
	if (a->d)
		a->d->line = a->line;
	return -EINVAL;
}

static void skip_space(struct as *a)
{
	while (a->s < a->end && (*a->s == ' ' || *a->s == '\t' || *a->s == '\r'))
		a->s++;
}

static int at_end(struct as *a)
{
	skip_space(a);
	return a->s == a->end || *a->s == ';';
}

static size_t word(struct as *a)
{
	const char *t = a->s;

	while (t < a->end && (isalnum((unsigned char)*t) || *t == '_' || *t == '.'))
		t++;
	return t - a->s;
}

static int expect_comma(struct as *a)
{
	skip_space(a);
	if (a->s == a->end || *a->s != ',')
		return fail(a, "expected ','");
	a->s++;
	skip_space(a);
	return 0;
}

static int number(struct as *a, uint64_t *v)
{
	char tmp[32], *e;
	size_t k = 0;

	skip_space(a);
	while (a->s + k < a->end && k < sizeof tmp - 1 &&
	       (isalnum((unsigned char)a->s[k]) || (k == 0 && a->s[k] == '-')))
		k++;
	memcpy(tmp, a->s, k);
	tmp[k] = 0;
	errno = 0;
	*v = tmp[0] == '-' ? (uint64_t)strtoll(tmp, &e, 0) : strtoull(tmp, &e, 0);
	if (!k || *e || (tmp[0] == '-' && !isdigit((unsigned char)tmp[1])))
		return fail(a, "expected a number, found '%.*s'", (int)(k ? k : 1), a->s);
	if (errno)
		return fail(a, "number %s is out of range", tmp);
	a->s += k;
	return 0;
}

static int operand(struct as *a, unsigned kind, uint64_t *v)
{
	size_t k;

	skip_space(a);
	switch (kind) {
	case BC_K_REG:
		if (a->s == a->end || *a->s != 'r')
			return fail(a, "expected a register r0..r255");
		a->s++;
		if (number(a, v) || *v > 255)
			return fail(a, "expected a register r0..r255");
		return 0;
	case BC_K_ADDR:
	case BC_K_JUMP:
		k = word(a);
		if (k && !isdigit((unsigned char)*a->s)) {
			struct fixup *f;
			if (k >= MAX_NAME)
				return fail(a, "label name is longer than %d bytes", MAX_NAME - 1);
			if (a->nfixups == MAX_FIXUPS)
				return fail(a, "more than %d label references", MAX_FIXUPS);
			f = &a->fixup[a->nfixups++];
			memcpy(f->name, a->s, k);
			f->name[k] = 0;
			f->line = a->line;
			f->pos = 0; /* set by the caller, which knows the byte */
			a->s += k;
			*v = 0;
			return 1;
		}
		return number(a, v); /* an absolute code offset */
	default:
		return number(a, v);
	}
}

static int instruction(struct as *a, int op)
{
	const struct bc_opinfo *info = bc_op_info(op);
	uint64_t v[3] = { 0 };
	int fix = -1, r;
	unsigned at = 1;

	if (a->p->data_len)
		return fail(a, "instruction after data: data goes at the end");
	for (unsigned i = 0; i < 3 && info->kind[i]; i++) {
		if (i && expect_comma(a))
			return -EINVAL;
		r = operand(a, info->kind[i], &v[i]);
		if (r < 0)
			return r;
		if (r == 1)
			fix = at;
		at += __bc_kind_size(info->kind[i]);
	}
	if (!at_end(a))
		return fail(a, "unexpected '%.*s' after %s", (int)(a->end - a->s), a->s,
			    info->name);
	r = bc_emit(a->p, op, v);
	if (r == -ERANGE)
		return fail(a, "operand of %s out of range", info->name);
	if (r < 0)
		return fail(a, "program is longer than the %d-byte code area", BC_CODE_MAX);
	if (fix >= 0)
		a->fixup[a->nfixups - 1].pos = r + fix;
	for (unsigned i = r; i < a->p->code_len; i++)
		a->line_of[i] = a->line;
	return 0;
}

static int data(struct as *a, const void *b, size_t n)
{
	if (bc_emit_data(a->p, b, n) < 0)
		return fail(a, "data overflows the %d-byte code area", BC_CODE_MAX);
	return 0;
}

static int escape(struct as *a, uint8_t *out)
{
	char c = *a->s++;
	const char *from = "nt0\\\"", *to = "\n\t\0\\\"";
	const char *hit = memchr(from, c, 5);

	if (hit) {
		*out = to[hit - from];
		return 0;
	}
	if (c == 'x' && a->end - a->s >= 2 && isxdigit((unsigned char)a->s[0]) &&
	    isxdigit((unsigned char)a->s[1])) {
		char hex[3] = { a->s[0], a->s[1], 0 };
		*out = strtoul(hex, NULL, 16);
		a->s += 2;
		return 0;
	}
	return fail(a, "unknown escape '\\%c' (use \\n \\t \\0 \\\\ \\\" \\xHH)", c);
}

static int string(struct as *a, int nul)
{
	skip_space(a);
	if (a->s == a->end || *a->s != '"')
		return fail(a, "expected a string in double quotes");
	for (a->s++; a->s < a->end && *a->s != '"';) {
		uint8_t b = *a->s++;
		if (b == '\\' && (a->s == a->end || escape(a, &b)))
			return a->s == a->end ? fail(a, "unterminated string") : -EINVAL;
		if (data(a, &b, 1))
			return -EINVAL;
	}
	if (a->s == a->end)
		return fail(a, "unterminated string");
	a->s++;
	return nul ? data(a, "", 1) : 0;
}

static int directive(struct as *a, const char *name, size_t k)
{
	uint64_t v;

	if (k == 6 && !memcmp(name, ".ascii", 6))
		return string(a, 0);
	if (k == 6 && !memcmp(name, ".asciz", 6))
		return string(a, 1);
	if (k == 5 && !memcmp(name, ".zero", 5)) {
		static const uint8_t zero[BC_CODE_MAX];
		if (number(a, &v))
			return -EINVAL;
		return v > BC_CODE_MAX ? fail(a, ".zero %llu is larger than the code area",
					      (unsigned long long)v)
				       : data(a, zero, v);
	}
	if (k == 5 && !memcmp(name, ".byte", 5)) {
		do {
			uint8_t b;
			if (number(a, &v))
				return -EINVAL;
			if (v > 0xff)
				return fail(a, ".byte value %llu is larger than 255",
					    (unsigned long long)v);
			b = v;
			if (data(a, &b, 1))
				return -EINVAL;
			skip_space(a);
		} while (a->s < a->end && *a->s == ',' && ++a->s);
		return 0;
	}
	return fail(a, "unknown directive '%.*s'", (int)k, name);
}

static int define_label(struct as *a, size_t k)
{
	struct label *l;

	if (k >= MAX_NAME)
		return fail(a, "label name is longer than %d bytes", MAX_NAME - 1);
	for (unsigned i = 0; i < a->nlabels; i++)
		if (strlen(a->label[i].name) == k && !memcmp(a->label[i].name, a->s, k))
			return fail(a, "label '%.*s' defined twice", (int)k, a->s);
	if (a->nlabels == MAX_LABELS)
		return fail(a, "more than %d labels", MAX_LABELS);
	l = &a->label[a->nlabels++];
	memcpy(l->name, a->s, k);
	l->name[k] = 0;
	l->at = a->p->code_len + a->p->data_len;
	a->s += k + 1;
	return 0;
}

static int line(struct as *a)
{
	size_t k;
	int op;

	skip_space(a);
	k = word(a);
	if (k && a->s + k < a->end && a->s[k] == ':') {
		if (isdigit((unsigned char)*a->s) || *a->s == '.')
			return fail(a, "label '%.*s' must start with a letter or '_'", (int)k, a->s);
		if (define_label(a, k))
			return -EINVAL;
		skip_space(a);
		k = word(a);
	}
	if (at_end(a))
		return 0;
	if (!k)
		return fail(a, "unexpected '%c'", *a->s);
	if (*a->s == '.') {
		const char *name = a->s;
		a->s += k;
		if (directive(a, name, k))
			return -EINVAL;
		return at_end(a) ? 0 : fail(a, "unexpected '%.*s'", (int)(a->end - a->s), a->s);
	}
	op = bc_op_lookup(a->s, k);
	if (op < 0)
		return fail(a, "unknown instruction '%.*s'", (int)k, a->s);
	a->s += k;
	return instruction(a, op);
}

static int resolve(struct as *a)
{
	for (unsigned i = 0; i < a->nfixups; i++) {
		struct fixup *f = &a->fixup[i];
		unsigned j;
		for (j = 0; j < a->nlabels && strcmp(a->label[j].name, f->name); j++)
			;
		if (j == a->nlabels) {
			a->line = f->line;
			return fail(a, "undefined label '%s'", f->name);
		}
		__bc_put16(a->p->code + f->pos, a->label[j].at);
	}
	return 0;
}

int bc_assemble(const char *text, size_t len, struct bc_page *p, struct bc_diag *d)
{
	const char *end = text + len;
	struct as *a = calloc(1, sizeof *a);
	int r = 0;

	if (!a)
		return -ENOMEM;
	bc_page_init(p);
	a->p = p;
	a->d = d;
	while (text < end && !r) {
		const char *nl = memchr(text, '\n', end - text);
		a->s = text;
		a->end = nl ? nl : end;
		a->line++;
		r = line(a);
		text = nl ? nl + 1 : end;
	}
	if (!r)
		r = resolve(a);
	if (!r && (r = bc_verify(p, d)) && d && d->offset >= BC_HDR_SIZE &&
	    d->offset < BC_HDR_SIZE + (unsigned)p->code_len) {
		char msg[sizeof d->msg];
		d->line = a->line_of[d->offset - BC_HDR_SIZE];
		memcpy(msg, d->msg, sizeof msg);
		snprintf(d->msg, sizeof d->msg, "line %u: %.100s", d->line, msg);
	}
	free(a);
	return r;
}
