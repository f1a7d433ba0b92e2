/* bcshim: run a program under the deferral engine (bcshim(1)).  It finds
 * libbcshim.so next to itself, sets LD_PRELOAD and the BC_* knobs from its
 * options, refuses what the loader would not preload into, and execs the
 * program; with --stats it stays as the program's parent and prints a
 * summary of the BC_STATS report on stderr when the program ends. */
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef BCSHIM_VERSION
#define BCSHIM_VERSION "unknown"
#endif
#ifndef BC_MULTIARCH
#define BC_MULTIARCH "x86_64-linux-gnu"
#endif

/* Exit statuses, as env(1) and timeout(1) have them. */
enum { EXIT_USAGE = 125, EXIT_CANNOT = 126, EXIT_NOTFOUND = 127 };

static const char usage_text[] =
	"Usage: bcshim [OPTION]... [--] PROGRAM [ARG]...\n"
	"Run PROGRAM with bcshim's deferral engine preloaded (libbcshim.so): calls\n"
	"whose results can be predicted wait and run together, merged.  The same\n"
	"as LD_PRELOAD=.../libbcshim.so PROGRAM [ARG]... with the options' BC_*\n"
	"variables set.\n"
	"\n"
	"  -l, --level=LEVEL      strict (default) or relaxed (closes may finish\n"
	"                         after later opens: fds above 2 may differ)  [BC_LEVEL]\n"
	"  -x, --executor=EXEC    direct, uring or async (default: the profile's\n"
	"                         choice per class, else direct)  [BC_EXECUTOR]\n"
	"      --max-delay=US     how long a call may wait, 0 to 10000000\n"
	"                         microseconds; 0 defers nothing  [BC_MAX_DELAY_US]\n"
	"      --max-bytes=N      bytes that may wait, 0 to 16777216  [BC_MAX_BYTES]\n"
	"      --profile=FILE     the executor profile (bcshim-calibrate)  [BC_PROFILE]\n"
	"  -s, --stats            print a summary on stderr when PROGRAM ends: per\n"
	"                         system call, calls seen, deferred, not deferred\n"
	"                         and why; kernel entries saved\n"
	"      --stats-file=FILE  append the JSON report lines to FILE  [BC_STATS]\n"
	"      --lib=PATH         the engine to preload (default: found next to bcshim)\n"
	"  -h, --help             print this and exit\n"
	"  -V, --version          print the version and exit\n"
	"\n"
	"Set-uid, set-gid and file-capability programs, whose loader ignores\n"
	"LD_PRELOAD, and statically linked programs, which have no loader, are\n"
	"refused (build those with bc-musl-gcc --bc=batch).  See bcshim(1), bcshim(7).\n"
	"\n"
	"Exit status: PROGRAM's; 125 a usage error or bcshim's own failure, 126\n"
	"PROGRAM cannot be run (or is refused), 127 PROGRAM not found.\n";

static const char *me = "bcshim";

static void vsay(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", me);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'bcshim --help'.\n");
	exit(EXIT_USAGE);
}

/* ---- Finding the engine. */

/* libbcshim.so beside this program: ../lib/MULTIARCH/ (installed) or
 * ../lib/ (the build tree's out/bin). */
static char *find_lib(void)
{
	static const char *const rel[] = { "/../lib/" BC_MULTIARCH "/libbcshim.so",
					   "/../lib/libbcshim.so" };
	char self[PATH_MAX], *slash, *path;
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n < 0) {
		say("cannot find myself (/proc/self/exe: %s); use --lib", strerror(errno));
		exit(EXIT_USAGE);
	}
	self[n] = 0;
	if ((slash = strrchr(self, '/')))
		*slash = 0;
	for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
		char buf[PATH_MAX + 64];
		snprintf(buf, sizeof buf, "%s%s", self, rel[i]);
		if (access(buf, R_OK) == 0 && (path = realpath(buf, NULL)))
			return path;
	}
	say("no libbcshim.so in %s/../lib/%s or %s/../lib; use --lib", self, BC_MULTIARCH, self);
	exit(EXIT_USAGE);
}

/* ---- Checking the program. */

/* The file execvp would run for name, or NULL (errno set). */
static char *resolve(const char *name)
{
	const char *path = getenv("PATH");
	int err = ENOENT;

	if (strchr(name, '/'))
		return access(name, F_OK) == 0 ? strdup(name) : NULL;
	if (!path)
		path = "/usr/local/bin:/bin:/usr/bin";
	for (const char *p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char buf[PATH_MAX];
		struct stat st;

		snprintf(buf, sizeof buf, "%.*s%s%s", (int)len, p, len ? "/" : "", name);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(buf, X_OK) == 0)
				return strdup(buf);
			err = EACCES;
		}
		if (!end)
			break;
		p = end;
	}
	errno = err;
	return NULL;
}

/* Why the loader would not preload the engine into file, or NULL.  depth:
 * interpreters followed (#! lines). */
static const char *refusal(const char *file, char *interp, size_t isize, int depth)
{
	unsigned char buf[256];
	struct stat st;
	ssize_t n;
	int fd;

	interp[0] = 0;
	if (stat(file, &st) < 0)
		return NULL;   /* exec will say */
	if (S_ISREG(st.st_mode) && (st.st_mode & S_ISUID) && (st.st_mode & 0111))
		return "it is set-uid: the loader ignores LD_PRELOAD in it";
	if (S_ISREG(st.st_mode) && (st.st_mode & S_ISGID) && (st.st_mode & 0111))
		return "it is set-gid: the loader ignores LD_PRELOAD in it";
	if (getxattr(file, "security.capability", NULL, 0) >= 0)
		return "it has file capabilities: the loader ignores LD_PRELOAD in it";
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	n = read(fd, buf, sizeof buf);
	if (n >= 4 && !memcmp(buf, ELFMAG, SELFMAG) && n >= (ssize_t)sizeof(Elf64_Ehdr) &&
	    buf[EI_CLASS] == ELFCLASS64) {
		Elf64_Ehdr eh;
		int interp_seen = 0;
		memcpy(&eh, buf, sizeof eh);
		for (unsigned i = 0; i < eh.e_phnum; i++) {
			Elf64_Phdr ph;
			if (pread(fd, &ph, sizeof ph, eh.e_phoff + (off_t)i * eh.e_phentsize) !=
			    (ssize_t)sizeof ph)
				break;
			if (ph.p_type == PT_INTERP)
				interp_seen = 1;
		}
		close(fd);
		if (!interp_seen)
			return "it is statically linked: there is no loader to preload into "
			       "(build it with bc-musl-gcc --bc=batch)";
		return NULL;
	}
	close(fd);
	/* A script: the interpreter is what gets preloaded. */
	if (n > 2 && buf[0] == '#' && buf[1] == '!' && depth < 4) {
		size_t i = 2, j = 0;
		while (i < (size_t)n && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		while (i < (size_t)n && !isspace(buf[i]) && j < isize - 1)
			interp[j++] = buf[i++];
		interp[j] = 0;
		if (j) {
			char inner[PATH_MAX];
			const char *why = refusal(interp, inner, sizeof inner, depth + 1);
			if (why)
				return why;
		}
	}
	return NULL;
}

/* ---- The environment. */

static void set(const char *name, const char *value)
{
	if (setenv(name, value, 1) < 0) {
		say("cannot set %s: %s", name, strerror(errno));
		exit(EXIT_USAGE);
	}
}

/* A decimal option from lo to hi, checked here so that a mistake is a
 * usage error rather than the engine's warning. */
static const char *number(const char *opt, const char *v, long lo, long hi)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < lo || n > hi || !isdigit((unsigned char)*v))
		usage_error("%s: '%s' is not a whole number from %ld to %ld", opt, v, lo, hi);
	return v;
}

/* LD_PRELOAD with the engine first, keeping what was there. */
static void preload(const char *lib)
{
	const char *old = getenv("LD_PRELOAD");
	char *v;

	if (!old || !*old) {
		set("LD_PRELOAD", lib);
		return;
	}
	if (asprintf(&v, "%s:%s", lib, old) < 0) {
		say("out of memory");
		exit(EXIT_USAGE);
	}
	set("LD_PRELOAD", v);
	free(v);
}

/* ---- The summary: the BC_STATS lines, read back with a small JSON parser
 * (the report's own format: objects, strings, numbers, null). */

struct jv {
	enum { J_NULL, J_NUM, J_STR, J_OBJ, J_ARR, J_BOOL } t;
	double num;
	char *str;
	size_t n;          /* members (objects, arrays) */
	char **keys;
	struct jv *vals;
};

struct parser {
	const char *s;
	int bad;
};

static void skip(struct parser *p)
{
	while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')
		p->s++;
}

static char *jstring(struct parser *p)
{
	size_t cap = 16, len = 0;
	char *out = malloc(cap);

	if (!out || *p->s != '"') {
		p->bad = 1;
		free(out);
		return NULL;
	}
	for (p->s++; *p->s && *p->s != '"'; p->s++) {
		char c = *p->s;
		if (c == '\\') {
			c = *++p->s;
			if (c == 'u') {
				unsigned v = 0;
				for (int i = 0; i < 4 && isxdigit((unsigned char)p->s[1]); i++)
					v = v * 16 + (isdigit((unsigned char)*++p->s) ?
						      (unsigned)(*p->s - '0') :
						      (unsigned)(tolower((unsigned char)*p->s) - 'a' + 10));
				c = v < 0x80 ? (char)v : '?';
			} else if (c == 'n') {
				c = '\n';
			} else if (c == 't') {
				c = '\t';
			} else if (!c) {
				break;
			}
		}
		if (len + 2 > cap) {
			char *m = realloc(out, cap *= 2);
			if (!m) {
				p->bad = 1;
				free(out);
				return NULL;
			}
			out = m;
		}
		out[len++] = c;
	}
	if (*p->s != '"')
		p->bad = 1;
	else
		p->s++;
	out[len] = 0;
	return out;
}

static void jparse(struct parser *p, struct jv *v, int depth);

static void jmembers(struct parser *p, struct jv *v, int obj, int depth)
{
	char close = obj ? '}' : ']';

	p->s++;
	skip(p);
	if (*p->s == close) {
		p->s++;
		return;
	}
	for (;;) {
		v->keys = realloc(v->keys, (v->n + 1) * sizeof *v->keys);
		v->vals = realloc(v->vals, (v->n + 1) * sizeof *v->vals);
		if (!v->keys || !v->vals) {
			p->bad = 1;
			return;
		}
		v->keys[v->n] = NULL;
		skip(p);
		if (obj) {
			v->keys[v->n] = jstring(p);
			skip(p);
			if (p->bad || *p->s != ':') {
				p->bad = 1;
				return;
			}
			p->s++;
		}
		jparse(p, &v->vals[v->n++], depth + 1);
		if (p->bad)
			return;
		skip(p);
		if (*p->s == ',') {
			p->s++;
			continue;
		}
		if (*p->s == close) {
			p->s++;
			return;
		}
		p->bad = 1;
		return;
	}
}

static void jparse(struct parser *p, struct jv *v, int depth)
{
	memset(v, 0, sizeof *v);
	skip(p);
	if (depth > 16) {
		p->bad = 1;
	} else if (*p->s == '{' || *p->s == '[') {
		v->t = *p->s == '{' ? J_OBJ : J_ARR;
		jmembers(p, v, v->t == J_OBJ, depth);
	} else if (*p->s == '"') {
		v->t = J_STR;
		v->str = jstring(p);
	} else if (!strncmp(p->s, "null", 4)) {
		p->s += 4;
	} else if (!strncmp(p->s, "true", 4) || !strncmp(p->s, "false", 5)) {
		v->t = J_BOOL;
		v->num = *p->s == 't';
		p->s += *p->s == 't' ? 4 : 5;
	} else {
		char *end;
		v->t = J_NUM;
		v->num = strtod(p->s, &end);
		if (end == p->s)
			p->bad = 1;
		p->s = end;
	}
}

static void jfree(struct jv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		if (v->keys)
			free(v->keys[i]);
		jfree(&v->vals[i]);
	}
	free(v->keys);
	free(v->vals);
	free(v->str);
}

static const struct jv *jget(const struct jv *v, const char *key)
{
	if (!v || v->t != J_OBJ)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (v->keys[i] && !strcmp(v->keys[i], key))
			return &v->vals[i];
	return NULL;
}

static double jnum(const struct jv *v, const char *key)
{
	const struct jv *m = jget(v, key);
	return m && m->t == J_NUM ? m->num : 0;
}

/* The report's syscalls, summed over its processes. */
struct row {
	char name[32];
	double seen, deferred, why[24];
};

static struct row rows[600];
static size_t nrows;

static const char *const why_key[] = {
	"no_delay", "fds_unseen", "no_gain", "exec", "shared_memory", "seccomp", "backoff", "high_fd",
	"fd_unknown", "error_owed", "closing", "terminal", "file_kind", "threads", "mapped",
	"open_mode", "sigpipe", "fsize_limit", "size", "calls_pending", "identity", "arguments",
};
static const char *const why_text[] = {
	"BC_MAX_DELAY_US is 0",
	"a close, while the net did not catch libc's own uses of fds (glibc)",
	"its executor would issue it as the program does (it cannot merge)",
	"an exec was under way",
	"the process shares writable memory with another",
	"a seccomp filter may make any call fail",
	"backing off: deferring did not pay",
	"fd above 1023",
	"fd not known yet (an fd is probed at its second use)",
	"an error was owed to the fd",
	"the fd's close was pending",
	"a terminal",
	"a file of a kind never deferred (pseudo file system, TCP socket, ...)",
	"threads: only writes that cannot block wait",
	"the file is mapped",
	"not open for blocking writes (read-only, O_DIRECT, O_NONBLOCK)",
	"SIGPIPE ignored, caught or blocked: EPIPE would be seen",
	"RLIMIT_FSIZE is set",
	"over the size bounds (8192 bytes a call, BC_MAX_BYTES) or empty",
	"calls on its fd were pending",
	"not the file's owner, or not root",
	"its arguments (flags, address, offset, advice)",
};
#define NWHY (sizeof why_key / sizeof *why_key)

static struct row *row(const char *name)
{
	for (size_t i = 0; i < nrows; i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	if (nrows == sizeof rows / sizeof *rows)
		return NULL;
	snprintf(rows[nrows].name, sizeof rows[nrows].name, "%s", name);
	return &rows[nrows++];
}

static int by_seen(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	return x->seen < y->seen ? 1 : x->seen > y->seen ? -1 : strcmp(x->name, y->name);
}

/* /proc/self/io's syscr and syscw: a reaped child's counts are added to
 * its parent's, so bcshim's own after the wait cover the program's tree. */
static int io_counts(double *r, double *w)
{
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];
	int got = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, "syscr: ", 7))
			*r = strtod(line + 7, NULL), got |= 1;
		else if (!strncmp(line, "syscw: ", 7))
			*w = strtod(line + 7, NULL), got |= 2;
	}
	fclose(f);
	return got == 3 ? 0 : -1;
}

static double seen_of(const char *const *names)
{
	double n = 0;
	for (; *names; names++)
		for (size_t i = 0; i < nrows; i++)
			if (!strcmp(rows[i].name, *names))
				n += rows[i].seen;
	return n;
}

static void pct(char *buf, size_t size, double part, double whole)
{
	if (whole > 0)
		snprintf(buf, size, " (%.1f%%)", 100 * part / whole);
	else
		buf[0] = 0;
}

/* The width of the table's columns before "why not". */
#define INDENT 57

/* Print the summary of the report lines in file from offset on. */
static void summary(const char *file, long offset, const double io0[2], const double io1[2],
		    int io_ok)
{
	double procs = 0, deferred = 0, kernel = 0, native = 0, issued = 0, probes = 0;
	double mispred = 0, answered = 0, bad = 0;
	char way[64] = "", level[16] = "", executor[16] = "", p[32];
	char *line = NULL;
	size_t cap = 0;
	FILE *f = fopen(file, "r");

	if (!f) {
		say("--stats: cannot read %s: %s", file, strerror(errno));
		return;
	}
	fseek(f, offset, SEEK_SET);
	while (getline(&line, &cap, f) > 0) {
		struct parser ps = { line, 0 };
		struct jv v;
		const struct jv *m;

		jparse(&ps, &v, 0);
		if (ps.bad || v.t != J_OBJ) {
			bad++;
			jfree(&v);
			continue;
		}
		procs++;
		deferred += jnum(&v, "deferred");
		kernel += jnum(&v, "kernel_entries");
		native += jnum(&v, "native_entries");
		issued += jnum(&v, "issued_by_flushes");
		probes += jnum(&v, "probes");
		mispred += jnum(&v, "mispredictions");
		answered += jnum(&v, "answered");
		if ((m = jget(jget(&v, "config"), "way")) && m->t == J_STR && !way[0])
			snprintf(way, sizeof way, "%s", m->str);
		if ((m = jget(jget(&v, "config"), "level")) && m->t == J_STR && !level[0])
			snprintf(level, sizeof level, "%s", m->str);
		if ((m = jget(jget(&v, "config"), "executor")) && m->t == J_STR && !executor[0])
			snprintf(executor, sizeof executor, "%s", m->str);
		m = jget(jget(&v, "calls"), "by_syscall");
		for (size_t i = 0; m && m->t == J_OBJ && i < m->n; i++) {
			struct row *r = row(m->keys[i]);
			if (r)
				r->seen += m->vals[i].num;
		}
		m = jget(&v, "deferred_by_syscall");
		for (size_t i = 0; m && m->t == J_OBJ && i < m->n; i++) {
			struct row *r = row(m->keys[i]);
			if (r)
				r->deferred += m->vals[i].num;
		}
		m = jget(&v, "not_deferred");
		for (size_t i = 0; m && m->t == J_OBJ && i < m->n; i++) {
			struct row *r = row(m->keys[i]);
			const struct jv *w = &m->vals[i];
			for (size_t k = 0; r && w->t == J_OBJ && k < w->n; k++)
				for (size_t j = 0; j < NWHY; j++)
					if (!strcmp(w->keys[k], why_key[j]))
						r->why[j] += w->vals[k].num;
		}
		jfree(&v);
	}
	free(line);
	fclose(f);

	fprintf(stderr, "bcshim: summary of %.0f process%s", procs, procs == 1 ? "" : "es");
	if (way[0])
		fprintf(stderr, " (%s, %s, executor %s)", way, level, executor);
	fputc('\n', stderr);
	if (!procs) {
		fprintf(stderr, "  no report: the program was not armed (BC_DISABLE=1?) or was\n"
				"  killed before it could write one (SIGKILL)\n");
		return;
	}
	pct(p, sizeof p, native - kernel, native);
	fprintf(stderr, "  kernel entries: %.0f instead of %.0f natively: %.0f %s%s\n", kernel,
		native, native >= kernel ? native - kernel : kernel - native,
		native >= kernel ? "saved" : "extra", p);
	fprintf(stderr, "  %.0f calls deferred, run as %.0f by flushes; %.0f probes", deferred,
		issued, probes);
	if (answered)
		fprintf(stderr, "; %.0f answered with an owed error", answered);
	fprintf(stderr, "; %.0f mispredictions\n", mispred);
	qsort(rows, nrows, sizeof *rows, by_seen);
	fprintf(stderr, "\n  %-18s %10s %10s %12s  %s\n", "syscall", "seen", "deferred",
		"not deferred", "why not");
	for (size_t i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		double why_sum = 0;
		int first = 1;

		for (size_t j = 0; j < NWHY; j++)
			why_sum += r->why[j];
		fprintf(stderr, "  %-18s %10.0f %10.0f %12.0f  ", r->name, r->seen, r->deferred,
			r->seen - r->deferred);
		if (!r->deferred && !why_sum) {
			fprintf(stderr, "never deferred (its class)\n");
			continue;
		}
		for (size_t j = 0; j < NWHY; j++) {
			if (!r->why[j])
				continue;
			fprintf(stderr, "%*s%.0f: %s\n", first ? 0 : INDENT, "", r->why[j],
				why_text[j]);
			first = 0;
		}
		if (r->seen - r->deferred - why_sum >= 1) {
			fprintf(stderr, "%*s%.0f: answered with an owed error, in a signal "
				"handler, or not classified\n", first ? 0 : INDENT, "",
				r->seen - r->deferred - why_sum);
			first = 0;
		}
		if (first)
			fputc('\n', stderr);
	}
	if (bad)
		fprintf(stderr, "  (%.0f report line%s not understood)\n", bad, bad == 1 ? "" : "s");
	/* Coverage: reads are never deferred, so the kernel's count of the
	 * tree's read calls is the native one. */
	if (io_ok) {
		static const char *const reads[] = { "read", "readv", "pread64", "preadv",
						     "preadv2", NULL };
		static const char *const writes[] = { "write", "writev", "pwrite64", "pwritev",
						      "pwritev2", NULL };
		double kr = io1[0] - io0[0], kw = io1[1] - io0[1];
		double sr = seen_of(reads), sw = seen_of(writes), wd = 0, unseen;

		for (size_t i = 0; i < nrows; i++)
			for (const char *const *w = writes; *w; w++)
				if (!strcmp(rows[i].name, *w))
					wd += rows[i].deferred;
		pct(p, sizeof p, sr, kr);
		fprintf(stderr, "\n  coverage: %.0f of the %.0f reads the kernel counted were seen%s\n",
			sr, kr, p);
		/* The kernel's writes: those not deferred, the flushes' (at most
		 * all they issued), and any the engine did not see. */
		unseen = kw - (sw - wd) - issued;
		if (unseen >= 1)
			fprintf(stderr, "  at least %.0f writes went past the engine unseen\n", unseen);
		if (!strcmp(way, "glibc-preload"))
			fprintf(stderr, "  (glibc: libc's own calls, stdio's writes among them, are seen only\n"
					"  when the net catches them, while calls are pending)\n");
	}
}

/* ---- Running. */

static void run(char **argv)
{
	int e;

	execvp(argv[0], argv);
	e = errno;
	say("%s: %s", argv[0], strerror(e));
	_exit(e == ENOENT ? EXIT_NOTFOUND : EXIT_CANNOT);
}

int main(int argc, char **argv)
{
	const char *level = NULL, *executor = NULL, *delay = NULL, *bytes = NULL;
	const char *profile = NULL, *stats_file = NULL;
	/* Static: the path stays reachable until the exec or the exit. */
	static const char *lib;
	char *file, interp[PATH_MAX], tmp[PATH_MAX] = "";
	const char *why;
	int stats = 0, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
#define OPT(s, l) (!strcmp(a, s) || !strcmp(a, l) || \
		   (!strncmp(a, l "=", sizeof l) && (v = a + sizeof l)))
#define VAL() (v ? v : i + 1 < argc ? argv[++i] : \
	       (usage_error("option '%s' needs a value", a), ""))
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			return 0;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("bcshim %s\n", BCSHIM_VERSION);
			return 0;
		} else if (!strcmp(a, "-s") || !strcmp(a, "--stats")) {
			stats = 1;
		} else if (OPT("-l", "--level")) {
			level = VAL();
			if (strcmp(level, "strict") && strcmp(level, "relaxed"))
				usage_error("--level: '%s' is not strict or relaxed", level);
		} else if (OPT("-x", "--executor")) {
			executor = VAL();
			if (strcmp(executor, "direct") && strcmp(executor, "uring") &&
			    strcmp(executor, "async"))
				usage_error("--executor: '%s' is not direct, uring or async", executor);
		} else if (OPT("--max-delay", "--max-delay")) {
			delay = number("--max-delay", VAL(), 0, 10000000);
		} else if (OPT("--max-bytes", "--max-bytes")) {
			bytes = number("--max-bytes", VAL(), 0, 16777216);
		} else if (OPT("--profile", "--profile")) {
			profile = VAL();
		} else if (OPT("--stats-file", "--stats-file")) {
			stats_file = VAL();
			if (!*stats_file)
				usage_error("--stats-file: an empty name");
		} else if (OPT("--lib", "--lib")) {
			lib = VAL();
		} else {
			usage_error("unknown option '%s'", a);
		}
#undef OPT
#undef VAL
	}
	if (i >= argc)
		usage_error("no program to run");
	argv += i;

	if (!lib)
		lib = find_lib();
	else if (access(lib, R_OK) < 0)
		usage_error("--lib: %s: %s", lib, strerror(errno));
	if (lib[0] != '/') {
		char *abs = realpath(lib, NULL);
		if (abs)
			lib = abs;
	}
	if (!(file = resolve(argv[0]))) {
		int e = errno;
		say("%s: %s", argv[0], strerror(e));
		return e == ENOENT ? EXIT_NOTFOUND : EXIT_CANNOT;
	}
	why = refusal(file, interp, sizeof interp, 0);
	free(file);
	if (why) {
		if (interp[0])
			say("refusing %s: its interpreter %s: %s", argv[0], interp, why);
		else
			say("refusing %s: %s", argv[0], why);
		return EXIT_CANNOT;
	}

	preload(lib);
	if (level)
		set("BC_LEVEL", level);
	if (executor)
		set("BC_EXECUTOR", executor);
	if (delay)
		set("BC_MAX_DELAY_US", delay);
	if (bytes)
		set("BC_MAX_BYTES", bytes);
	if (profile)
		set("BC_PROFILE", profile);
	if (stats_file)
		set("BC_STATS", stats_file);
	if (!stats)
		run(argv);

	/* --stats: the report goes to BC_STATS (the one given, read from
	 * where it ended; else a file of our own), and bcshim waits. */
	const char *report = getenv("BC_STATS");
	long offset = 0;
	double io0[2] = { 0, 0 }, io1[2] = { 0, 0 };
	int io_ok, status;
	pid_t pid;

	if (report && *report) {
		struct stat st;
		if (stat(report, &st) == 0)
			offset = st.st_size;
	} else {
		const char *dir = getenv("TMPDIR");
		int fd;
		snprintf(tmp, sizeof tmp, "%s/bcshim-stats.XXXXXX", dir && *dir ? dir : "/tmp");
		if ((fd = mkstemp(tmp)) < 0) {
			say("--stats: cannot make a report file %s: %s", tmp, strerror(errno));
			return EXIT_USAGE;
		}
		close(fd);
		report = tmp;
		set("BC_STATS", tmp);
	}
	io_ok = io_counts(&io0[0], &io0[1]) == 0;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		say("fork: %s", strerror(errno));
		return EXIT_USAGE;
	}
	if (pid == 0)
		run(argv);
	/* As time(1): the terminal's signals are the program's to act on. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			say("waitpid: %s", strerror(errno));
			return EXIT_USAGE;
		}
	/* Before the summary's own reads and writes count. */
	io_ok = io_ok && io_counts(&io1[0], &io1[1]) == 0;
	summary(report, offset, io0, io1, io_ok);
	if (tmp[0])
		unlink(tmp);
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		fflush(NULL);
		/* Die of it too, without a core of bcshim's own. */
		setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
		signal(sig, SIG_DFL);
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
		return 128 + sig;
	}
	return WEXITSTATUS(status);
}
