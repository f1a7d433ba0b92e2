/* randops.c: pseudo-random file and fd calls for tests/random.sh, which runs
 * it natively and under the deferral engine and compares the output.
 *
 *   randops SEED COUNT DIR          one sequence of COUNT calls in DIR
 *   randops SEED COUNT DIR NSEQ     sequences SEED..SEED+NSEQ-1, each in a
 *                                   fresh DIR/s<seed>
 *
 * DIR must exist and be empty.  Everything the program sees is logged to
 * stdout, one line per call (arguments that do not depend on addresses, the
 * result, the errno name, a hash of the bytes read), then the sequence's
 * final tree.  The log goes out through a 4 KiB buffer with write(2), so it
 * is itself written the way a program writes.  After the tree each sequence
 * leaves an appending write and an fchmod on an fd it never closes, so the
 * last sequence's are still pending when the process exits: the harness
 * compares the tree on disk after exit too.
 *
 * The process then ends by return from main or by _exit (the last seed
 * decides).
 *
 * The generator is our own (xorshift64*), so a seed means the same calls
 * with any libc (not always the same results: glibc's futimens refuses fd
 * -1 itself, musl's asks the kernel, which allows it when both times are
 * UTIME_OMIT; so each libc is compared only with itself).  fds 0..2 and
 * any fd open at start are never touched.
 *
 * An fd is chosen for what it names, never for its number: an owned fd by
 * its place in the order of opening, the fd closed last while no fd has been
 * taken since, or a number in HIGH..HIGH+NHIGH-1, which only dup2 takes.  So
 * the same seed makes the same calls on the same files when the engine's
 * relaxed level hands out other fd numbers than a native run, and the logs
 * compare after renaming fds (tests/random.sh). */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE /* pwritev */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define HIGH 900     /* invalid and dup2 targets: HIGH..HIGH+NHIGH-1, */
#define NHIGH 29     /* far above any number an open gets */
#define MAXOWN 16    /* more open fds than this and opens become closes */
#define BIG 70000    /* largest single transfer: above the 65536 bound */

static const char *const names[] = { "a", "b", "c", "d", "e", "f" };
#define NNAMES (int)(sizeof names / sizeof names[0])

static uint64_t rs;
static unsigned char foreign[NHIGH]; /* open at start: never touched */
static int own[MAXOWN];              /* opened by the sequence, oldest first */
static int nown;
static int last_closed = -1;         /* closed, and no fd taken since */
static unsigned char buf[BIG + 16];
static char logbuf[8192];
static size_t loglen;

/* ---- generator ------------------------------------------------------- */

static uint64_t next(void)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return rs * 2685821657736338717ULL;
}

/* Uniform enough in 0..n-1 for a test (n is small). */
static long below(long n)
{
	return (long)((next() >> 11) % (uint64_t)n);
}

static long range(long lo, long hi)
{
	return lo + below(hi - lo + 1);
}

static int chance(int percent)
{
	return below(100) < percent;
}

/* splitmix64, so that neighbouring seeds start far apart. */
static void seed(uint64_t s)
{
	uint64_t z = s + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	rs = (z ^ (z >> 31)) | 1;
}

static uint64_t fnv(const unsigned char *p, size_t n, uint64_t h)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}
#define FNV0 0xcbf29ce484222325ULL

/* ---- log ------------------------------------------------------------- */

static void flush_log(void)
{
	size_t off = 0;

	while (off < loglen) {
		ssize_t n = write(1, logbuf + off, loglen - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3);
		off += (size_t)n;
	}
	loglen = 0;
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void out(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(logbuf + loglen, sizeof logbuf - loglen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof logbuf - loglen)
		_exit(4); /* a line never comes near 4 KiB */
	loglen += (size_t)n;
	if (loglen >= 4096)
		flush_log();
}

/* Our own names: the same text whatever the libc. */
static const char *ename(int e)
{
	static char other[16];

	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case EMFILE: return "EMFILE";
	case EFBIG: return "EFBIG";
	case ENOSPC: return "ENOSPC";
	case ESPIPE: return "ESPIPE";
	case EROFS: return "EROFS";
	case EPIPE: return "EPIPE";
	case EOVERFLOW: return "EOVERFLOW";
	}
	snprintf(other, sizeof other, "E%d", e);
	return other;
}

/* " = R" or " = -1 ENAME": e is the call's errno, taken before any
 * logging could change it. */
static void res(long r, int e)
{
	if (r < 0)
		out(" = %ld %s", r, ename(e));
	else
		out(" = %ld", r);
}
#define RES(call)                                                              \
	do {                                                                   \
		long r_ = (long)(call);                                        \
		res(r_, errno);                                                \
	} while (0)

/* ---- choices ------------------------------------------------------------ */

static int random_owned(void)
{
	return nown ? own[below(nown)] : -1;
}

/* Owned or not, but meaning the same in every run (see the top); -1 when
 * the choice is not available. */
static int random_number(void)
{
	long r = below(NHIGH + 4);

	if (r < NHIGH)
		return foreign[r] ? -1 : HIGH + (int)r;
	if (r == NHIGH)
		return last_closed;
	return random_owned();
}

/* Mostly a valid fd; sometimes a closed or never-opened one. */
static int pick_fd(void)
{
	int fd;

	if (!chance(12) && (fd = random_owned()) >= 0)
		return fd;
	switch (below(10)) {
	case 0: return -1;
	case 1: return 4000;
	}
	return random_number();
}

static long pick_len(void)
{
	long r = below(100);

	if (r < 4)
		return 0;
	if (r < 92)
		return range(1, 200);
	return range(200, BIG);
}

static long pick_off(void)
{
	long r = below(100);

	if (r < 4)
		return -range(1, 100);
	if (r < 75)
		return range(0, 4096);
	return range(0, 2 * BIG);
}

/* buf[from..from+n) from the generator (buf has slack past BIG). */
static void fill(size_t from, size_t n)
{
	for (size_t i = from; i < from + n; i += 8) {
		uint64_t v = next();

		memcpy(buf + i, &v, 8);
	}
}

static const char *pick_name(void)
{
	return names[below(NNAMES)];
}

static const mode_t modes[] = { 0644, 0600, 0444, 0755, 0640, 0400, 0666, 0700 };
#define NMODES (int)(sizeof modes / sizeof modes[0])

/* ---- the calls ---------------------------------------------------------- */

static void flagtext(int fl)
{
	int acc = fl & O_ACCMODE;

	out(" %s", acc == O_RDONLY ? "RDONLY" : acc == O_WRONLY ? "WRONLY" : "RDWR");
	if (fl & O_CREAT)
		out("|CREAT");
	if (fl & O_EXCL)
		out("|EXCL");
	if (fl & O_TRUNC)
		out("|TRUNC");
	if (fl & O_APPEND)
		out("|APPEND");
}

/* fd is no longer ours: closed, or replaced by dup2. */
static void lost(int fd)
{
	for (int i = 0; i < nown; i++)
		if (own[i] == fd) {
			memmove(own + i, own + i + 1, (size_t)(nown - i - 1) * sizeof *own);
			nown--;
			return;
		}
}

/* A new fd (dup2 onto an owned one too): the newest owned. */
static void gained(long fd)
{
	if (fd < 0)
		return;
	lost((int)fd);
	if (nown < MAXOWN)
		own[nown++] = (int)fd;
	last_closed = -1;
}

static void do_open(void)
{
	static const int acc[] = { O_RDONLY, O_WRONLY, O_WRONLY, O_RDWR, O_RDWR };
	const char *nm = pick_name();
	int fl = acc[below(5)];
	mode_t mode = modes[below(NMODES)];
	int at = chance(50);
	long r;
	int e;

	if (chance(70)) {
		fl |= O_CREAT;
		if (chance(10))
			fl |= O_EXCL;
	}
	if (chance(15))
		fl |= O_TRUNC;
	if (chance(25))
		fl |= O_APPEND;
	r = at ? openat(AT_FDCWD, nm, fl, mode) : open(nm, fl, mode);
	e = errno;
	out("%s \"%s\"", at ? "openat AT_FDCWD" : "open", nm);
	flagtext(fl);
	out(" 0%o", (unsigned)mode);
	res(r, e);
	gained(r);
}

/* A burst: a run of calls the engine may defer, with nothing between them
 * that needs their results, mostly on one fd and with
 * contiguous pwrites, which the engine may merge. */
static int burst_left, burst_fd;
static long burst_off;

static int target_fd(void)
{
	return burst_left > 0 && chance(85) ? burst_fd : pick_fd();
}

static void do_write(void)
{
	int fd = target_fd();
	long n = pick_len();

	fill(0, (size_t)n);
	out("write %d %ld", fd, n);
	RES(write(fd, buf, (size_t)n));
}

static void do_pwrite(void)
{
	int fd = target_fd();
	long n = pick_len(), off = pick_off();

	if (burst_left > 0 && chance(70)) {
		off = burst_off;
		burst_off += n;
	}
	fill(0, (size_t)n);
	out("pwrite %d %ld @%ld", fd, n, off);
	RES(pwrite(fd, buf, (size_t)n, (off_t)off));
}

static void do_writev(void)
{
	struct iovec iov[4];
	int fd = target_fd(), cnt = (int)range(1, 4);
	size_t at = 0;

	out("writev %d [", fd);
	for (int i = 0; i < cnt; i++) {
		size_t n = (size_t)(chance(5) ? range(200, BIG / 4) : range(0, 200));

		fill(at, n);
		iov[i].iov_base = buf + at;
		iov[i].iov_len = n;
		at += n;
		out("%s%zu", i ? "," : "", n);
	}
	out("]");
	RES(writev(fd, iov, cnt));
}

static void do_pwritev(void)
{
	struct iovec iov[4];
	int fd = target_fd(), cnt = (int)range(1, 4);
	long off = pick_off();
	size_t at = 0;

	out("pwritev %d [", fd);
	for (int i = 0; i < cnt; i++) {
		size_t n = (size_t)(chance(5) ? range(200, BIG / 4) : range(0, 200));

		fill(at, n);
		iov[i].iov_base = buf + at;
		iov[i].iov_len = n;
		at += n;
		out("%s%zu", i ? "," : "", n);
	}
	if (burst_left > 0 && chance(70)) {
		off = burst_off;
		burst_off += (long)at;
	}
	out("] @%ld", off);
	RES(pwritev(fd, iov, cnt, (off_t)off));
}

static void do_lseek(void)
{
	static const char *const wh[] = { "SET", "CUR", "END" };
	int fd = pick_fd(), w = (int)below(3);
	long off = w == 0 ? pick_off() : range(-300, 300);

	out("lseek %d %ld %s", fd, off, wh[w]);
	RES(lseek(fd, (off_t)off, w == 0 ? SEEK_SET : w == 1 ? SEEK_CUR : SEEK_END));
}

static void hashed(long r, int e)
{
	res(r, e);
	if (r > 0)
		out(" h=%016llx", (unsigned long long)fnv(buf, (size_t)r, FNV0));
}

static void do_read(void)
{
	int fd = pick_fd();
	long n = pick_len();

	long r;

	out("read %d %ld", fd, n);
	r = read(fd, buf, (size_t)n);
	hashed(r, errno);
}

static void do_pread(void)
{
	int fd = pick_fd();
	long n = pick_len(), off = pick_off();

	long r;

	out("pread %d %ld @%ld", fd, n, off);
	r = pread(fd, buf, (size_t)n, (off_t)off);
	hashed(r, errno);
}

static void do_fstat(void)
{
	struct stat st;
	int fd = pick_fd();
	long r = fstat(fd, &st);
	int e = errno;

	out("fstat %d", fd);
	res(r, e);
	if (r == 0)
		out(" size=%lld mode=0%o nlink=%lu", (long long)st.st_size,
		    (unsigned)st.st_mode, (unsigned long)st.st_nlink);
}

static void do_ftruncate(void)
{
	int fd = pick_fd();
	long r = below(100), len;

	len = r < 4 ? -range(1, 100) : r < 60 ? range(0, 300) : range(0, 2 * BIG);
	out("ftruncate %d %ld", fd, len);
	RES(ftruncate(fd, (off_t)len));
}

static void do_dup(void)
{
	int fd = pick_fd();
	long r;

	out("dup %d", fd);
	r = dup(fd);
	res(r, errno);
	gained(r);
}

/* Onto an fd we own (itself included) or onto a free number; never onto
 * 0..2 or an fd open at start. */
static void do_dup2(void)
{
	int fd = pick_fd(), to = -1;
	long r;

	if (chance(50))
		to = random_owned();
	if (to < 0)
		to = random_number();
	if (to < 0)
		return;
	out("dup2 %d %d", fd, to);
	r = dup2(fd, to);
	res(r, errno);
	gained(r);
}

static void do_close(void)
{
	int fd = pick_fd();
	long r;

	out("close %d", fd);
	r = close(fd);
	res(r, errno);
	lost(fd); /* released whatever the result (Linux) */
	if (r == 0)
		last_closed = fd;
}

static void do_rename(void)
{
	const char *a = pick_name(), *b = pick_name();

	out("rename \"%s\" \"%s\"", a, b);
	RES(rename(a, b));
}

static void do_unlink(void)
{
	const char *a = pick_name();

	out("unlink \"%s\"", a);
	RES(unlink(a));
}

static void do_fchmod(void)
{
	int fd = target_fd();
	mode_t m = modes[below(NMODES)];

	out("fchmod %d 0%o", fd, (unsigned)m);
	RES(fchmod(fd, m));
}

/* To the owner we are (the uid is not logged: it is the machine's). */
static void do_fchown(void)
{
	int fd = target_fd(), self = chance(50);

	out("fchown %d %s", fd, self ? "self" : "-1 -1");
	RES(self ? fchown(fd, getuid(), getgid()) : fchown(fd, (uid_t)-1, (gid_t)-1));
}

/* Times are not logged (writes set them to the clock); the result is. */
static void do_futimens(void)
{
	static const long how[] = { UTIME_OMIT, UTIME_NOW, 0 };
	struct timespec ts[2];
	int fd = target_fd();

	for (int i = 0; i < 2; i++) {
		ts[i].tv_sec = 1000000000;
		ts[i].tv_nsec = how[below(3)];
	}
	out("futimens %d %ld %ld", fd, ts[0].tv_nsec, ts[1].tv_nsec);
	RES(futimens(fd, ts));
}

/* posix_fadvise returns the error number instead of setting errno. */
static void do_fadvise(void)
{
	static const int adv[] = { POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL,
				   POSIX_FADV_RANDOM, POSIX_FADV_WILLNEED,
				   POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE };
	int fd = target_fd(), a = (int)below(6), r;
	long off = pick_off(), len = chance(5) ? -1 : range(0, 8192);

	out("posix_fadvise %d @%ld %ld %d", fd, off, len, a);
	r = posix_fadvise(fd, (off_t)off, (off_t)len, adv[a]);
	if (r)
		out(" = %s", ename(r));
	else
		out(" = 0");
}

static void do_fsync(void)
{
	int fd = pick_fd();

	out("fsync %d", fd);
	RES(fsync(fd));
}

static void do_burst(void);

struct op {
	void (*fn)(void);
	int weight;
};
static const struct op ops[] = {
	{ do_open, 12 }, { do_write, 14 }, { do_pwrite, 7 }, { do_writev, 7 },
	{ do_lseek, 7 }, { do_read, 8 }, { do_pread, 5 }, { do_fstat, 5 },
	{ do_ftruncate, 4 }, { do_dup, 3 }, { do_dup2, 3 }, { do_close, 8 },
	{ do_rename, 3 }, { do_unlink, 2 }, { do_fchmod, 4 }, { do_fsync, 1 },
	{ do_pwritev, 3 }, { do_fchown, 1 }, { do_futimens, 1 }, { do_fadvise, 2 },
	{ do_burst, 5 },
};
static const struct op burst_ops[] = {
	{ do_write, 10 }, { do_pwrite, 6 }, { do_writev, 3 }, { do_pwritev, 2 },
	{ do_fchmod, 1 }, { do_fchown, 1 }, { do_futimens, 1 }, { do_fadvise, 1 },
};

static void one_of(const struct op *o, int k)
{
	int total = 0, r;

	for (int i = 0; i < k; i++)
		total += o[i].weight;
	r = (int)below(total);
	for (int i = 0; i < k; i++) {
		if (r < o[i].weight) {
			o[i].fn();
			return;
		}
		r -= o[i].weight;
	}
}

static void burst_call(void)
{
	one_of(burst_ops, (int)(sizeof burst_ops / sizeof burst_ops[0]));
	burst_left--;
}

static void do_burst(void)
{
	burst_left = (int)range(2, 32);
	burst_fd = random_owned();
	if (burst_fd < 0)
		burst_fd = pick_fd();
	burst_off = range(0, 4096);
	burst_call();
}

#define NOPS (int)(sizeof ops / sizeof ops[0])

static void one_call(void)
{
	int total = 0, r;

	if (burst_left > 0) {
		burst_call();
		return;
	}
	for (int i = 0; i < NOPS; i++)
		total += ops[i].weight;
	r = (int)below(total);
	for (int i = 0; i < NOPS; i++) {
		if (r < ops[i].weight) {
			/* At the limit an open or dup would leak: close instead. */
			if (nown >= MAXOWN && (ops[i].fn == do_open ||
			    ops[i].fn == do_dup || ops[i].fn == do_dup2))
				do_close();
			else
				ops[i].fn();
			return;
		}
		r -= ops[i].weight;
	}
}

/* ---- the tree ----------------------------------------------------------- */

static char ent[64][256];

static int cmpstr(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The file's hash, or -1 with errno. */
static int content(const char *name, uint64_t *h)
{
	int fd = open(name, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	*h = FNV0;
	while ((n = read(fd, buf, BIG)) > 0)
		*h = fnv(buf, (size_t)n, *h);
	close(fd);
	return n < 0 ? -1 : 0;
}

/* The current directory's entries, sorted: name, size, mode, hash. */
static void tree(void)
{
	int k = 0;
	DIR *d = opendir(".");
	struct dirent *e;

	if (!d) {
		out("tree: opendir %s\n", ename(errno));
		return;
	}
	while ((e = readdir(d)) && k < 64)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			snprintf(ent[k++], sizeof ent[0], "%s", e->d_name);
	closedir(d);
	qsort(ent, (size_t)k, sizeof ent[0], cmpstr);
	for (int i = 0; i < k; i++) {
		struct stat st;
		uint64_t h;

		if (lstat(ent[i], &st) < 0) {
			out("tree %s lstat %s\n", ent[i], ename(errno));
			continue;
		}
		out("tree %s size=%lld mode=0%o", ent[i], (long long)st.st_size,
		    (unsigned)st.st_mode);
		if (!S_ISREG(st.st_mode))
			out("\n");
		else if (content(ent[i], &h) < 0)
			out(" %s\n", ename(errno));
		else
			out(" h=%016llx\n", (unsigned long long)h);
	}
}

/* ---- driver ------------------------------------------------------------- */

static int tail_fd = -1;

/* One sequence in the current directory. */
static void sequence(unsigned long s, long count)
{
	seed(s);
	nown = 0;
	last_closed = -1;
	burst_left = 0;
	out("== seed %lu\n", s);
	for (long i = 0; i < count; i++) {
		out("%ld ", i);
		one_call();
		out("\n");
	}
	for (int i = 0; i < nown; i++)
		close(own[i]);
	tree();
	/* Left pending: an append and an fchmod on an fd closed only by
	 * the next sequence or by the exit. */
	tail_fd = open(pick_name(), O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (tail_fd >= 0) {
		long n = range(1, 200);

		fill(0, (size_t)n);
		if (write(tail_fd, buf, (size_t)n) != n || fchmod(tail_fd, modes[below(NMODES)]))
			out("tail: %s\n", ename(errno));
	}
}

/* A message on stderr, which the harness compares too; status 2. */
static int die(const char *what, const char *why)
{
	char msg[256];
	int n = snprintf(msg, sizeof msg, "randops: %s: %s\n", what, why);

	if (n > 0 && write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1) < 0)
		_exit(2);
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long first, nseq = 1;
	long count;
	int exit_raw;

	if (argc != 4 && argc != 5)
		return die("usage", "randops SEED COUNT DIR [NSEQ]");
	first = strtoul(argv[1], NULL, 10);
	count = strtol(argv[2], NULL, 10);
	if (argc == 5)
		nseq = strtoul(argv[4], NULL, 10);
	for (int i = 0; i < NHIGH; i++)
		foreign[i] = fcntl(HIGH + i, F_GETFD) >= 0;
	umask(022);
	if (chdir(argv[3]) < 0)
		return die(argv[3], ename(errno));
	for (unsigned long s = first; s < first + nseq; s++) {
		char sub[32];

		if (tail_fd >= 0)
			close(tail_fd);
		if (argc == 5) {
			snprintf(sub, sizeof sub, "s%lu", s);
			if (mkdir(sub, 0755) < 0 || chdir(sub) < 0)
				return die(sub, ename(errno));
		}
		sequence(s, count);
		if (argc == 5 && chdir("..") < 0)
			return die("..", ename(errno));
	}
	/* The last sequence's generator decides how the process ends. */
	exit_raw = chance(50);
	flush_log();
	if (exit_raw)
		_exit(0);
	return 0;
}
