/* bcshim-calibrate: time the deferral engine on this machine per operation
 * class under each executor, and write the profile that picks one per
 * class (bcshim-calibrate(1)).  A run is a whole child process, timed from
 * spawn to exit, so the engine's start and its exit-time flush count. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VERSION "1"     /* of the JSON table and the profile's comment */
#ifndef BCSHIM_VERSION
#define BCSHIM_VERSION "unknown"
#endif
#define MARGIN 0.97  /* another executor must beat direct by 3%: a profile
			never makes things slower */

enum { EXIT_OK, EXIT_FAIL, EXIT_USAGE };
enum { C_WRITE, C_PWRITE, C_SEND, C_META, C_CLOSE, C_ADVISE, NCLASS };
/* The columns: native (no engine), then the executors. */
enum { X_NATIVE, X_DIRECT, X_URING, X_ASYNC, NX };
enum { MAX_ROUNDS = 99, REC = 64 };

static const char *const cls[NCLASS] = { "write", "pwrite", "send", "meta", "close", "advise" };
static const char *const xname[NX] = { "native", "direct", "uring", "async" };
/* Calls per run, full and --quick: native runs of some 50 ms and 5 ms on
 * a 2-core VM on tmpfs. */
static const long calls[2][NCLASS] = {
	{ 100000, 100000, 25000, 50000, 512, 100000 },
	{ 10000, 10000, 2500, 5000, 64, 10000 },
};

extern char **environ;

static const char usage_text[] =
	"Usage: bcshim-calibrate [OPTION]...\n"
	"Time the deferral engine on this machine for each operation class (write,\n"
	"pwrite, send, meta, close, advise) under each executor (direct, uring,\n"
	"async), print a table, and write the profile the engine reads.\n"
	"\n"
	"  --lib PATH      the engine (default: ../lib/libbcshim.so from this program)\n"
	"  --dir DIR       measure in DIR (default: $TMPDIR, else /tmp)\n"
	"  --rounds N      timed runs of each executor per class (default 7; 3 with --quick)\n"
	"  --quick         fewer rounds and calls: a rough profile in seconds\n"
	"  --classes A,B   measure only these classes (the others stay direct)\n"
	"  --json          print the table as JSON\n"
	"  --dry-run       measure and print, write no profile\n"
	"  -o FILE         the profile (default: $BC_PROFILE, else\n"
	"                  $XDG_CONFIG_HOME/bcshim/profile, else ~/.config/bcshim/profile)\n"
	"  --help          print this and exit\n"
	"  --version       print the version and exit\n"
	"\n"
	"Exit status: 0 done, 1 a measurement failed, 2 usage or setup error.\n";

/* ---- The workloads: a child under test, run as --workload CLASS N DIR. */

/* A workload call gave the wrong result: the engine's misprediction or a
 * broken setup; either way the run does not count. */
static int bad(const char *what, long got)
{
	if (got < 0)
		fprintf(stderr, "bcshim-calibrate: workload: %s: %s\n", what, strerror(errno));
	else
		fprintf(stderr, "bcshim-calibrate: workload: %s returned %ld\n", what, got);
	return EXIT_FAIL;
}

/* N x write(64 B) to one file. */
static int wl_write(long n, const char *rec)
{
	int fd = open("write.out", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	long r;

	if (fd < 0)
		return bad("open", fd);
	for (long i = 0; i < n; i++)
		if ((r = write(fd, rec, REC)) != REC)
			return bad("write", r);
	return close(fd) ? bad("close", -1) : EXIT_OK;
}

/* N x pwrite(64 B) at increasing offsets. */
static int wl_pwrite(long n, const char *rec)
{
	int fd = open("pwrite.out", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	long r;

	if (fd < 0)
		return bad("open", fd);
	for (long i = 0; i < n; i++)
		if ((r = pwrite(fd, rec, REC, i * REC)) != REC)
			return bad("pwrite", r);
	return close(fd) ? bad("close", -1) : EXIT_OK;
}

/* N x sendto(64 B) over loopback UDP to the socket itself; what its
 * receive buffer cannot hold the kernel drops after the send succeeded. */
static int wl_send(long n, const char *rec)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), big = 1 << 26;
	long r;

	if (s < 0)
		return bad("socket", s);
	if (bind(s, (struct sockaddr *)&a, len) || getsockname(s, (struct sockaddr *)&a, &len))
		return bad("bind", -1);
	if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big))
		setsockopt(s, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	for (long i = 0; i < n; i++)
		if ((r = sendto(s, rec, REC, 0, (struct sockaddr *)&a, len)) != REC)
			return bad("sendto", r);
	return close(s) ? bad("close", -1) : EXIT_OK;
}

/* N calls alternating fchmod (0644, 0600, ...) and futimens (atime and
 * mtime 10^9 + the call's index) on a file of its own. */
static int wl_meta(long n)
{
	int fd = open("meta.out", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return bad("open", fd);
	for (long i = 0; i < n; i++) {
		struct timespec t[2] = { { 1000000000 + i, 0 }, { 1000000000 + i, 0 } };
		if (i % 2 == 0 ? fchmod(fd, i / 2 % 2 ? 0600 : 0644) : futimens(fd, t))
			return bad(i % 2 ? "futimens" : "fchmod", -1);
	}
	return close(fd) ? bad("close", -1) : EXIT_OK;
}

/* N closes: new files opened 64 at a time, then closed, so that the
 * closes can queue up behind each other. */
static int wl_close(long n)
{
	int fd[64], k;
	char name[48];

	for (long done = 0, b = 0; done < n; done += k, b++) {
		k = n - done < 64 ? (int)(n - done) : 64;
		for (int j = 0; j < k; j++) {
			snprintf(name, sizeof name, "c%ld.%d", b, j);
			if ((fd[j] = open(name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644)) < 0)
				return bad("open", -1);
		}
		for (int j = 0; j < k; j++)
			if (close(fd[j]))
				return bad("close", -1);
	}
	return EXIT_OK;
}

/* N x madvise(MADV_WILLNEED) on a page of an anonymous mapping. */
static int wl_advise(long n)
{
	long pg = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return bad("mmap", -1);
	for (long i = 0; i < n; i++)
		if (madvise(p, pg, MADV_WILLNEED))
			return bad("madvise", -1);
	return EXIT_OK;
}

static int class_of(const char *s, size_t len)
{
	for (int c = 0; c < NCLASS; c++)
		if (strlen(cls[c]) == len && !memcmp(cls[c], s, len))
			return c;
	return -1;
}

/* A whole decimal number in [1, max], or -1. */
static long number(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	return errno || end == s || *end || v < 1 || v > max ? -1 : v;
}

static int workload(int argc, char **argv)
{
	char rec[REC];
	int c;
	long n;

	if (argc != 5 || (c = class_of(argv[2], strlen(argv[2]))) < 0 ||
	    (n = number(argv[3], 1000000000)) < 0) {
		fprintf(stderr, "bcshim-calibrate: usage: --workload CLASS N DIR\n");
		return EXIT_USAGE;
	}
	if (chdir(argv[4])) {
		fprintf(stderr, "bcshim-calibrate: %s: %s\n", argv[4], strerror(errno));
		return EXIT_USAGE;
	}
	memset(rec, 'b', sizeof rec - 1);
	rec[REC - 1] = '\n';
	switch (c) {
	case C_WRITE: return wl_write(n, rec);
	case C_PWRITE: return wl_pwrite(n, rec);
	case C_SEND: return wl_send(n, rec);
	case C_META: return wl_meta(n);
	case C_CLOSE: return wl_close(n);
	default: return wl_advise(n);
	}
}

/* ---- The parent: runs the workloads, picks, writes the profile. */

static struct {
	char lib[PATH_MAX], dir[PATH_MAX], out[PATH_MAX];
	int rounds, quick, json, dry, tty;
	unsigned classes;  /* bit per class measured */
} o;

static char scratch[PATH_MAX + 32], work[PATH_MAX + 64], stats[PATH_MAX + 64];
static char **env;      /* the caller's environment without LD_PRELOAD and BC_* */
static size_t nenv;
static volatile sig_atomic_t stop;

/* Per class and column: medians (ms), the run failed, the engine reported
 * running the executor asked for. */
static double med[NCLASS][NX];
static int failed[NCLASS][NX], honoured[NCLASS][NX], chosen[NCLASS];
static char uring_why[200];  /* empty: io_uring works */

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "bcshim-calibrate: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'bcshim-calibrate --help'.\n");
	return EXIT_USAGE;
}

static int setup_error(const char *what, const char *why)
{
	fprintf(stderr, "bcshim-calibrate: %s: %s\n", what, why);
	return EXIT_USAGE;
}

static void on_signal(int sig)
{
	stop = sig;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Empty the workload directory (flat: the workloads make only files). */
static void clean(void)
{
	DIR *d = opendir(work);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

static void remove_scratch(void)
{
	clean();
	rmdir(work);
	unlink(stats);
	rmdir(scratch);
}

/* Run one workload child in column x, with a BC_STATS report if
 * with_stats; its wall time in ms, or -1 if it did not exit 0. */
static double run(int c, int x, long n, int with_stats)
{
	char num[24], pre[PATH_MAX + 16], ex[32], st[PATH_MAX + 80];
	char *argv[] = { "bcshim-calibrate", "--workload", (char *)cls[c], num, work, NULL };
	posix_spawn_file_actions_t fa;
	size_t k = nenv;
	int status, r;
	pid_t pid;
	double t0, t;

	snprintf(num, sizeof num, "%ld", n);
	if (x != X_NATIVE) {
		snprintf(pre, sizeof pre, "LD_PRELOAD=%s", o.lib);
		snprintf(ex, sizeof ex, "BC_EXECUTOR=%s", xname[x]);
		env[k++] = pre;
		env[k++] = ex;
		env[k++] = "BC_PROFILE=";
		env[k++] = "BC_LEVEL=strict";
		if (with_stats) {
			snprintf(st, sizeof st, "BC_STATS=%s", stats);
			env[k++] = st;
		}
	}
	env[k] = NULL;
	clean();
	unlink(stats);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	t0 = now_ms();
	r = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, env);
	while (!r && waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			r = errno;
	t = now_ms() - t0;
	posix_spawn_file_actions_destroy(&fa);
	if (r) {
		fprintf(stderr, "bcshim-calibrate: cannot run the workload: %s\n", strerror(r));
		return -1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t : -1;
}

/* The string value of key in the report's "config" object, into buf;
 * 0 if the report has none. */
static int config_field(const char *report, const char *key, char *buf, size_t size)
{
	char pat[40];
	const char *p = strstr(report, "\"config\":{");
	size_t i = 0;

	snprintf(pat, sizeof pat, "\"%s\":\"", key);
	if (!p || !(p = strstr(p, pat)))
		return 0;
	for (p += strlen(pat); *p && *p != '"' && i + 1 < size; p++)
		buf[i++] = *p;
	buf[i] = 0;
	return 1;
}

/* The untimed first run of each column (also a warm-up): whether it
 * works, and for the engine's columns what the engine says it ran. */
static void check(int c, long n)
{
	static char report[65536];
	char val[160];
	FILE *f;
	size_t len;

	for (int x = 0; x < NX; x++) {
		if (stop)
			return;
		if ((failed[c][x] = run(c, x, n, x != X_NATIVE) < 0)) {
			if (!stop)
				fprintf(stderr, "bcshim-calibrate: %s: the %s run failed\n", cls[c],
					xname[x]);
			continue;
		}
		if (x == X_NATIVE || !(f = fopen(stats, "r")))
			continue;
		len = fread(report, 1, sizeof report - 1, f);
		report[len] = 0;
		fclose(f);
		honoured[c][x] = config_field(report, "executor", val, sizeof val) &&
				 !strcmp(val, xname[x]);
		if (x == X_URING && !uring_why[0] && config_field(report, "uring", val, sizeof val) &&
		    !strncmp(val, "unavailable", 11))
			snprintf(uring_why, sizeof uring_why, "%s", val);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Measure class c: the check runs, then rounds of one timed run per
 * column, round-robin, starting one column later each round so that a
 * drift in the machine's speed hits every column alike. */
static void measure(int c)
{
	double t[NX][MAX_ROUNDS];
	long n = calls[o.quick][c];
	int x;

	check(c, n);
	for (int r = 0; r < o.rounds && !stop; r++)
		for (int j = 0; j < NX && !stop; j++) {
			if (failed[c][x = (r + j) % NX])
				continue;
			if (o.tty)
				fprintf(stderr, "\rcalibrating %s: %s %d/%d\033[K", cls[c], xname[x],
					r + 1, o.rounds);
			else
				fprintf(stderr, "calibrating %s: %s %d/%d\n", cls[c], xname[x], r + 1,
					o.rounds);
			if ((t[x][r] = run(c, x, n, 0)) < 0 && !stop) {
				failed[c][x] = 1;
				fprintf(stderr, "%sbcshim-calibrate: %s: a timed %s run failed\n",
					o.tty ? "\r\033[K" : "", cls[c], xname[x]);
			}
		}
	for (x = 0; x < NX; x++) {
		if (failed[c][x])
			continue;
		qsort(t[x], o.rounds, sizeof **t, cmp_double);
		med[c][x] = (t[x][(o.rounds - 1) / 2] + t[x][o.rounds / 2]) / 2;
	}
}

/* Whether column x of class c may be chosen. */
static int usable(int c, int x)
{
	return !failed[c][x] && honoured[c][x] && (x != X_URING || !uring_why[0]);
}

/* The fastest executor, but direct unless another is MARGIN faster. */
static int choose(int c)
{
	int best = X_DIRECT;

	for (int x = X_URING; x < NX; x++)
		if (usable(c, x) && med[c][x] < med[c][best])
			best = x;
	return med[c][best] <= MARGIN * med[c][X_DIRECT] ? best : X_DIRECT;
}

/* Whether the engine ignored BC_EXECUTOR=x in some class that ran. */
static int ignored(int x)
{
	for (int c = 0; c < NCLASS; c++)
		if ((o.classes >> c & 1) && !failed[c][x] && !honoured[c][x])
			return 1;
	return 0;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++)
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	putchar('"');
}

static void print_json(const char *profile)
{
	int first = 1;

	printf("{\"version\":\"" VERSION "\",\"rounds\":%d,\"quick\":%s,\"dir\":", o.rounds,
	       o.quick ? "true" : "false");
	json_str(o.dir);
	printf(",\"lib\":");
	json_str(o.lib);
	printf(",\"uring\":");
	json_str(uring_why[0] ? uring_why : "ok");
	printf(",\"ignored\":{\"uring\":%s,\"async\":%s},\"profile\":",
	       ignored(X_URING) ? "true" : "false", ignored(X_ASYNC) ? "true" : "false");
	if (profile)
		json_str(profile);
	else
		printf("null");
	printf(",\"classes\":[");
	for (int c = 0; c < NCLASS; c++) {
		if (!(o.classes >> c & 1))
			continue;
		printf("%s{\"class\":\"%s\",\"calls\":%ld", first ? "" : ",", cls[c],
		       calls[o.quick][c]);
		for (int x = 0; x < NX; x++)
			if (failed[c][x])
				printf(",\"%s_ms\":null", xname[x]);
			else
				printf(",\"%s_ms\":%.3f", xname[x], med[c][x]);
		printf(",\"chosen\":\"%s\",\"ratio\":%.3f}", xname[chosen[c]],
		       med[c][chosen[c]] / med[c][X_DIRECT]);
		first = 0;
	}
	printf("]}\n");
}

static void print_table(const char *profile)
{
	printf("%-7s %7s %10s %10s %10s %10s  %-7s %6s\n", "class", "calls", "native ms",
	       "direct ms", "uring ms", "async ms", "chosen", "ratio");
	for (int c = 0; c < NCLASS; c++) {
		if (!(o.classes >> c & 1))
			continue;
		printf("%-7s %7ld", cls[c], calls[o.quick][c]);
		for (int x = 0; x < NX; x++)
			if (failed[c][x])
				printf(" %10s", "failed");
			else
				printf(" %10.2f", med[c][x]);
		printf("  %-7s %6.2f\n", xname[chosen[c]], med[c][chosen[c]] / med[c][X_DIRECT]);
	}
	printf("(median wall time of %d whole runs; ratio: chosen / direct)\n", o.rounds);
	for (int x = X_URING; x < NX; x++)
		if (ignored(x))
			printf("%s: (engine ignores BC_EXECUTOR)\n", xname[x]);
	if (uring_why[0])
		printf("io_uring %s: uring not chosen\n", uring_why);
	printf("profile: %s\n", profile ? profile : "not written (--dry-run)");
}

/* mkdir -p of the directories in path. */
static int make_dirs(const char *path)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof dir, "%s", path);
	for (char *p = dir + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

/* Before measuring: the profile's path can be written, its directories
 * made; NULL, or why not. */
static const char *out_problem(void)
{
	char dir[PATH_MAX], *slash;
	struct stat st;

	if (!stat(o.out, &st) && S_ISDIR(st.st_mode))
		return "is a directory";
	snprintf(dir, sizeof dir, "%s", o.out);
	for (;;) {  /* up to the deepest directory that exists */
		if (!(slash = strrchr(dir, '/'))) {
			strcpy(dir, ".");
			break;
		}
		slash[slash == dir] = 0;  /* "/name": the root */
		if (!stat(dir, &st))
			break;
		if (errno != ENOENT)
			return strerror(errno);
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return "a directory in its path is not a directory";
	return access(dir, W_OK | X_OK) ? "not writable" : NULL;
}

/* Write the profile atomically: a temporary file beside it, renamed. */
static int write_profile(void)
{
	char tmp[PATH_MAX + 16], date[32];
	struct utsname u;
	time_t now = time(NULL);
	FILE *f;
	int fd;

	if (make_dirs(o.out))
		return setup_error(o.out, strerror(errno));
	snprintf(tmp, sizeof tmp, "%s.XXXXXX", o.out);
	if ((fd = mkstemp(tmp)) < 0)
		return setup_error(o.out, strerror(errno));
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		unlink(tmp);
		return setup_error(o.out, strerror(ENOMEM));
	}
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	fprintf(f, "bcshim-profile 1\n# written by bcshim-calibrate " VERSION " on %s\n", date);
	fprintf(f, "# cpus online: %ld; kernel: %s\n", sysconf(_SC_NPROCESSORS_ONLN),
		uname(&u) ? "unknown" : u.release);
	fprintf(f, "# measured in: %s (%s%d rounds, median wall time of whole runs)\n",
		o.dir, o.quick ? "--quick, " : "", o.rounds);
	for (int x = X_URING; x < NX; x++)
		if (ignored(x))
			fprintf(f, "# %s: the engine ignored BC_EXECUTOR=%s: not chosen\n", xname[x],
				xname[x]);
	if (uring_why[0])
		fprintf(f, "# io_uring %s: uring not chosen\n", uring_why);
	for (int c = 0; c < NCLASS; c++) {
		if (!(o.classes >> c & 1))
			continue;
		fprintf(f, "# %s ms:", cls[c]);
		for (int x = 0; x < NX; x++)
			if (failed[c][x])
				fprintf(f, " %s failed", xname[x]);
			else
				fprintf(f, " %s %.2f", xname[x], med[c][x]);
		fprintf(f, "\n%s %s\n", cls[c], xname[chosen[c]]);
	}
	if (fflush(f) || fsync(fd) || fchmod(fd, 0644) || fclose(f) || rename(tmp, o.out)) {
		int e = errno;
		unlink(tmp);
		return setup_error(o.out, strerror(e));
	}
	return EXIT_OK;
}

/* The default profile path, as the engine looks for it. */
static int default_out(void)
{
	const char *e;
	int n;

	if ((e = getenv("BC_PROFILE")) && *e)
		n = snprintf(o.out, sizeof o.out, "%s", e);
	else if ((e = getenv("XDG_CONFIG_HOME")) && *e)
		n = snprintf(o.out, sizeof o.out, "%s/bcshim/profile", e);
	else if ((e = getenv("HOME")) && *e)
		n = snprintf(o.out, sizeof o.out, "%s/.config/bcshim/profile", e);
	else
		return setup_error("no profile path", "set HOME or pass -o FILE");
	return n < (int)sizeof o.out ? EXIT_OK : setup_error(e, strerror(ENAMETOOLONG));
}

/* Whether io_uring can be set up here; else why not, in uring_why. */
static void probe_uring(void)
{
	struct io_uring_params p;
	long fd;

	memset(&p, 0, sizeof p);
	fd = syscall(SYS_io_uring_setup, 1, &p);
	if (fd < 0)
		snprintf(uring_why, sizeof uring_why, "unavailable: io_uring_setup: %s",
			 strerror(errno));
	else
		close(fd);
}

/* Option value: "--opt VALUE" or "--opt=VALUE"; NULL if missing. */
static const char *value(int argc, char **argv, int *i, const char *opt)
{
	size_t len = strlen(opt);

	if (argv[*i][len] == '=')
		return argv[*i] + len + 1;
	return *i + 1 < argc ? argv[++*i] : NULL;
}

static int parse(int argc, char **argv)
{
	static const char *const with_value[] = { "--lib", "--dir", "--rounds", "--classes", "-o" };
	const char *lib = NULL, *dir = NULL, *rounds = NULL, *classes = NULL, *out = NULL;
	const char **slot[] = { &lib, &dir, &rounds, &classes, &out };
	enum { NOPT = sizeof slot / sizeof *slot };
	const char *e;
	char self[PATH_MAX], path[PATH_MAX + 32];
	struct stat st;
	ssize_t len;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t k = 0, n;

		if (!strcmp(a, "--quick"))
			o.quick = 1;
		else if (!strcmp(a, "--json"))
			o.json = 1;
		else if (!strcmp(a, "--dry-run"))
			o.dry = 1;
		else {
			for (; k < NOPT; k++) {  /* "--opt=VALUE" too, not "-o=FILE" */
				n = strlen(with_value[k]);
				if (!strncmp(a, with_value[k], n) && (!a[n] || (a[n] == '=' && a[1] == '-')))
					break;
			}
			if (k == NOPT)
				return usage_error("unknown option '%s'", a);
			if (!(*slot[k] = value(argc, argv, &i, with_value[k])))
				return usage_error("option '%s' needs a value", with_value[k]);
		}
	}
	o.rounds = rounds ? (int)number(rounds, MAX_ROUNDS) : o.quick ? 3 : 7;
	if (o.rounds < 0)
		return usage_error("--rounds: '%s' is not a number from 1 to 99", rounds);
	o.classes = classes ? 0 : (1u << NCLASS) - 1;
	for (e = classes; e && *e; e += *e == ',') {
		size_t n = strcspn(e, ",");
		int c = class_of(e, n);
		if (c < 0)
			return usage_error("--classes: unknown class in '%s' "
					   "(write, pwrite, send, meta, close, advise)", classes);
		o.classes |= 1u << c;
		e += n;
	}
	if (!o.classes)
		return usage_error("--classes: '%s' names no class", classes);

	if (!lib) {
		if ((len = readlink("/proc/self/exe", self, sizeof self - 1)) < 0)
			return setup_error("/proc/self/exe", strerror(errno));
		self[len] = 0;
		*strrchr(self, '/') = 0;
		snprintf(path, sizeof path, "%s/../lib/libbcshim.so", self);
		lib = path;
	}
	if (!realpath(lib, o.lib) || access(o.lib, R_OK))
		return setup_error(lib, "no such library (build it with ninja, or pass --lib)");
	if (strpbrk(o.lib, " :"))
		return setup_error(o.lib, "a space or colon in the path: LD_PRELOAD cannot name it");

	if (!dir)
		dir = (e = getenv("TMPDIR")) && *e ? e : "/tmp";
	if (!realpath(dir, o.dir))
		return setup_error(dir, strerror(errno));
	if (stat(o.dir, &st) || !S_ISDIR(st.st_mode))
		return setup_error(dir, "not a directory");
	if (access(o.dir, W_OK | X_OK))
		return setup_error(dir, "not writable");

	if (o.dry)
		return EXIT_OK;
	if (out && !*out)
		return usage_error("option '%s' needs a value", "-o");
	if (out && snprintf(o.out, sizeof o.out, "%s", out) >= (int)sizeof o.out)
		return setup_error(out, strerror(ENAMETOOLONG));
	if (!out && default_out())
		return EXIT_USAGE;
	if ((e = out_problem()))
		return setup_error(o.out, e);
	return EXIT_OK;
}

/* The caller's environment less what would disturb the runs: any
 * LD_PRELOAD and BC_* setting; room for the ones a run adds. */
static int make_env(void)
{
	size_t n = 0;

	while (environ[n])
		n++;
	if (!(env = malloc((n + 6) * sizeof *env)))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) && strncmp(environ[i], "BC_", 3))
			env[nenv++] = environ[i];
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int r;

	if (argc > 1 && !strcmp(argv[1], "--workload"))
		return workload(argc, argv);
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			printf("bcshim-calibrate %s\n", BCSHIM_VERSION);
			return EXIT_OK;
		}
	if ((r = parse(argc, argv)))
		return r;
	if (make_env())
		return setup_error("environment", strerror(ENOMEM));
	snprintf(scratch, sizeof scratch, "%s/bcshim-calibrate.XXXXXX", o.dir);
	if (!mkdtemp(scratch))
		return setup_error(o.dir, strerror(errno));
	snprintf(work, sizeof work, "%s/w", scratch);
	snprintf(stats, sizeof stats, "%s/stats", scratch);
	if (mkdir(work, 0755)) {
		r = errno;
		rmdir(scratch);
		return setup_error(work, strerror(r));
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	o.tty = isatty(2);
	probe_uring();

	for (int c = 0; c < NCLASS && !stop; c++)
		if (o.classes >> c & 1)
			measure(c);
	if (o.tty)
		fprintf(stderr, "\r\033[K");
	remove_scratch();
	if (stop) {
		signal(stop, SIG_DFL);
		raise(stop);
		return EXIT_FAIL;
	}
	for (int c = 0; c < NCLASS; c++)
		if ((o.classes >> c & 1) && (failed[c][X_NATIVE] || failed[c][X_DIRECT])) {
			fprintf(stderr, "bcshim-calibrate: %s: cannot measure without working native "
					"and direct runs; no profile written\n", cls[c]);
			return EXIT_FAIL;
		}
	for (int c = 0; c < NCLASS; c++)
		chosen[c] = X_DIRECT;
	for (int c = 0; c < NCLASS; c++)
		if (o.classes >> c & 1)
			chosen[c] = choose(c);
	if (!o.dry && (r = write_profile()))
		return r;
	if (o.json)
		print_json(o.dry ? NULL : o.out);
	else
		print_table(o.dry ? NULL : o.out);
	return EXIT_OK;
}
