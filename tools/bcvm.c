/* bcvm: assemble, disassemble, verify and run bc programs. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bc.h"

enum { EXIT_DONE = 0, EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_FAULT = 3 };
enum { MAX_TEXT = 1 << 24 };

#ifndef BCSHIM_VERSION
#define BCSHIM_VERSION "unknown"
#endif

static const char usage_text[] =
	"Usage: bcvm asm SOURCE.bcs [-o OUT.bc]   assemble text into a binary program\n"
	"       bcvm dis PROGRAM.bc               print its canonical assembly text\n"
	"       bcvm verify PROGRAM.bc            check it; exit 0 valid, 1 invalid\n"
	"       bcvm run [OPTION]... PROGRAM      run a text or binary program\n"
	"       bcvm --version                    print the version\n"
	"\n"
	"run options:\n"
	"  --trace          print each instruction on stderr before it runs\n"
	"  --reg rN=VALUE   preset register N to a number\n"
	"  --str rN=TEXT    preset register N to the address of TEXT\n"
	"\n"
	"run reports the registers the program wrote and how it stopped on stderr;\n"
	"stdout belongs to the program.  Exit status: 0 done, 1 invalid program,\n"
	"2 usage or I/O error, 3 the program stopped on a failed call.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "bcvm: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'bcvm --help'.\n");
	return EXIT_USAGE;
}

/* Read a whole file (or stdin for "-"); NULL after printing why. */
static char *slurp(const char *path, size_t *n)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf;

	if (!f) {
		fprintf(stderr, "bcvm: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = malloc(MAX_TEXT + 1);
	*n = buf ? fread(buf, 1, MAX_TEXT + 1, f) : 0;
	if (!buf || ferror(f) || *n > MAX_TEXT) {
		fprintf(stderr, "bcvm: %s: %s\n", path,
			!buf ? strerror(ENOMEM) : ferror(f) ? strerror(errno) : "file too large");
		free(buf);
		buf = NULL;
	} else {
		buf[*n] = 0;
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

/* Text programs never hold a NUL byte; binary ones always do. */
static int is_binary(const char *buf, size_t n)
{
	return memchr(buf, 0, n) != NULL;
}

/* Print a diagnostic as FILE:LINE: or FILE: offset ... */
static void report(const char *path, const struct bc_diag *d)
{
	const char *msg = d->msg;

	if (d->line) {
		msg = strchr(msg, ':');
		msg = msg ? msg + 2 : d->msg;
		fprintf(stderr, "%s:%u: %s\n", path, d->line, msg);
	} else {
		fprintf(stderr, "%s: %s\n", path, msg);
	}
}

/* Load a program from a file: text is assembled, binary is framed and
 * verified.  Returns an exit status. */
static int load(const char *path, struct bc_page *p, int binary_only)
{
	struct bc_diag d;
	size_t n;
	char *buf = slurp(path, &n);
	int r;

	if (!buf)
		return EXIT_USAGE;
	if (binary_only || is_binary(buf, n)) {
		r = bc_image_load(buf, n, p, &d);
		if (!r)
			r = bc_verify(p, &d);
	} else {
		r = bc_assemble(buf, n, p, &d);
	}
	free(buf);
	if (r == -ENOMEM) {
		fprintf(stderr, "bcvm: %s: %s\n", path, strerror(ENOMEM));
		return EXIT_USAGE;
	}
	if (r) {
		report(path, &d);
		return EXIT_INVALID;
	}
	return EXIT_DONE;
}

static int write_all(FILE *f, const void *buf, size_t n, const char *path)
{
	if (fwrite(buf, 1, n, f) != n || fflush(f)) {
		fprintf(stderr, "bcvm: %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	return EXIT_DONE;
}

static int cmd_asm(int argc, char **argv)
{
	static struct bc_page p;
	const char *src = NULL, *out = NULL;
	char *def = NULL;
	FILE *f;
	int r;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			return usage_error("asm: unknown option '%s'", argv[i]);
		else if (src)
			return usage_error("asm: more than one source ('%s')", argv[i]);
		else
			src = argv[i];
	}
	if (!src)
		return usage_error("asm: no SOURCE given%s", "");
	if ((r = load(src, &p, 0)))
		return r;
	if (!out && !strcmp(src, "-"))
		out = "-";
	if (!out) {
		size_t k = strlen(src);
		def = malloc(k + 4);
		if (!def)
			return EXIT_USAGE;
		memcpy(def, src, k + 1);
		if (k > 4 && !strcmp(def + k - 4, ".bcs"))
			def[k - 1] = 0;
		else
			strcat(def, ".bc");
		out = def;
	}
	f = strcmp(out, "-") ? fopen(out, "wb") : stdout;
	if (!f) {
		fprintf(stderr, "bcvm: %s: %s\n", out, strerror(errno));
		r = EXIT_USAGE;
	} else {
		r = write_all(f, &p, bc_image_size(&p), out);
		if (f != stdout && fclose(f) && !r) {
			fprintf(stderr, "bcvm: %s: %s\n", out, strerror(errno));
			r = EXIT_USAGE;
		}
	}
	free(def);
	return r;
}

static int one_file(int argc, char **argv, const char *cmd)
{
	if (argc != 1 || (argv[0][0] == '-' && argv[0][1])) {
		fprintf(stderr, "bcvm: %s takes exactly one PROGRAM\nTry 'bcvm --help'.\n", cmd);
		return -1;
	}
	return 0;
}

static int cmd_dis(int argc, char **argv)
{
	static struct bc_page p;
	char *text;
	long n;
	int r;

	if (one_file(argc, argv, "dis"))
		return EXIT_USAGE;
	if ((r = load(argv[0], &p, 1)))
		return r;
	n = bc_disassemble(&p, NULL, 0);
	text = malloc(n + 1);
	if (!text)
		return EXIT_USAGE;
	bc_disassemble(&p, text, n + 1);
	r = write_all(stdout, text, n, "stdout");
	free(text);
	return r;
}

static int cmd_verify(int argc, char **argv)
{
	static struct bc_page p;
	int r;

	if (one_file(argc, argv, "verify"))
		return EXIT_USAGE;
	if ((r = load(argv[0], &p, 1)))
		return r;
	printf("%s: valid (%u bytes of code, %u bytes of data)\n", argv[0], p.code_len,
	       p.data_len);
	return EXIT_DONE;
}

enum { WROTE_VALUE = 1, WROTE_RESULT = 2 };

struct tracer {
	int trace;
	uint8_t written[BC_NREGS];  /* WROTE_* */
	int last_reg;               /* the register the last step marked, or -1 */
	uint8_t last_was;           /* and what it held before */
};

/* Note the register the instruction at pc writes; print it if tracing. */
static void step(void *ctx, const struct bc_page *p, unsigned pc, unsigned win)
{
	struct tracer *t = ctx;
	const struct bc_opinfo *info;
	struct bc_insn in;

	/* A program that rewrote its own code may not decode: the
	 * interpreter stops it as invalid right after this. */
	t->last_reg = -1;
	if (bc_decode(p->code, p->code_len, pc, &in) < 0)
		return;
	info = bc_op_info(in.op);
	if ((info->nr >= 0 || in.op == BC_OP_sys) && win < BC_NREGS)
		t->last_reg = win;
	else if (info->shape == BC_SHAPE_RI || info->shape == BC_SHAPE_RA ||
		 info->shape == BC_SHAPE_RR)
		t->last_reg = in.operand[0];
	if (t->last_reg >= 0) {
		t->last_was = t->written[t->last_reg];
		t->written[t->last_reg] = info->nr >= 0 || in.op == BC_OP_sys ? WROTE_RESULT
									   : WROTE_VALUE;
	}
	if (t->trace) {
		char text[64];
		bc_format_insn(&in, text, sizeof text);
		fprintf(stderr, "bcvm: pc %4u  w %3u  %s\n", pc, win, text);
	}
}

/* A call's error result gets its errno name; other values are numbers. */
static void print_value(uint64_t v, int result)
{
	int64_t s = (int64_t)v;

	if (result && s >= -4095 && s < 0) {
		const char *name = strerrorname_np(-s);
		fprintf(stderr, "%" PRId64 " (%s)\n", s, name ? name : "unknown errno");
	} else if (s >= -4096 && s <= 65535) {
		fprintf(stderr, "%" PRId64 "\n", s);
	} else {
		fprintf(stderr, "0x%" PRIx64 "\n", v);
	}
}

/* Parse rN=VALUE for --reg and --str into reg[N]; set[N] notes it. */
static int preset(const char *arg, int is_str, uint64_t *reg, uint8_t *set)
{
	char *eq, *end;
	unsigned long n;

	if (arg[0] != 'r' || !(eq = strchr(arg, '=')))
		return usage_error("run: expected rN=VALUE, not '%s'", arg);
	errno = 0;
	n = strtoul(arg + 1, &end, 10);
	if (end != eq || end == arg + 1 || n >= BC_NREGS)
		return usage_error("run: no register r0..r255 in '%s'", arg);
	set[n] = 1;
	if (is_str) {
		reg[n] = (uintptr_t)(eq + 1);
		return 0;
	}
	reg[n] = eq[1] == '-' ? (uint64_t)strtoll(eq + 1, &end, 0) : strtoull(eq + 1, &end, 0);
	if (errno || end == eq + 1 || *end)
		return usage_error("run: bad number in '%s'", arg);
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	static struct bc_page p;
	static struct tracer t;
	struct bc_executor ex = { bc_direct_call, step, &t };
	uint64_t reg[BC_NREGS] = { 0 };
	uint8_t set[BC_NREGS] = { 0 };
	const char *path = NULL;
	int r;

	for (int i = 0; i < argc; i++) {
		int is_str = !strcmp(argv[i], "--str");
		if (!strcmp(argv[i], "--trace")) {
			t.trace = 1;
		} else if ((is_str || !strcmp(argv[i], "--reg")) && i + 1 < argc) {
			if ((r = preset(argv[++i], is_str, reg, set)))
				return r;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_error("run: unknown option '%s'", argv[i]);
		} else if (path) {
			return usage_error("run: more than one PROGRAM ('%s')", argv[i]);
		} else {
			path = argv[i];
		}
	}
	if (!path)
		return usage_error("run: no PROGRAM given%s", "");
	if ((r = load(path, &p, 0)))
		return r;
	for (unsigned i = 0; i < BC_NREGS; i++)
		if (set[i])
			p.reg[i] = reg[i];
	fflush(stdout);
	t.last_reg = -1;
	r = bc_run(&p, &ex);
	/* Stopped before it executed: the last instruction wrote nothing. */
	if (r == BC_ST_INVALID && t.last_reg >= 0)
		t.written[t.last_reg] = t.last_was;
	for (unsigned i = 0; i < BC_NREGS; i++) {
		if (t.written[i]) {
			fprintf(stderr, "r%u = ", i);
			print_value(p.reg[i], t.written[i] == WROTE_RESULT);
		}
	}
	if (r == BC_ST_INVALID) {
		fprintf(stderr, "status: invalid at pc %u: the program changed its own code, %u call%s\n",
			p.stop_pc, p.calls, p.calls == 1 ? "" : "s");
		return EXIT_INVALID;
	}
	if (r == BC_ST_FAULT) {
		const char *name = strerrorname_np(-p.error);
		fprintf(stderr, "status: fault at pc %u (%s): %" PRId64 " %s (%s), %u call%s\n",
			p.stop_pc, bc_op_info(p.code[p.stop_pc])->name, p.error,
			name ? name : "?", strerror(-p.error), p.calls, p.calls == 1 ? "" : "s");
		return EXIT_FAULT;
	}
	fprintf(stderr, "status: done at pc %u, %u call%s\n", p.stop_pc, p.calls,
		p.calls == 1 ? "" : "s");
	return EXIT_DONE;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd)
		return usage_error("no command given%s", "");
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		return EXIT_DONE;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("bcvm %s\n", BCSHIM_VERSION);
		return EXIT_DONE;
	}
	if (!strcmp(cmd, "asm"))
		return cmd_asm(argc - 2, argv + 2);
	if (!strcmp(cmd, "dis"))
		return cmd_dis(argc - 2, argv + 2);
	if (!strcmp(cmd, "verify"))
		return cmd_verify(argc - 2, argv + 2);
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 2, argv + 2);
	return usage_error("unknown command '%s'", cmd);
}
