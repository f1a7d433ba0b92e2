/* Every call opcode, run for real with the direct executor (bc_run(p,
 * NULL)) against files in a scratch directory; each test checks the result
 * registers and, with libc, what the calls did. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "bc.h"
#include "emit.h"

/* Scratch directory, fresh for each test */

static char dir[64];
static int dfd = -1;

static void mkscratch(void)
{
	strcpy(dir, "/tmp/bc-calls-XXXXXX");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(dfd, 0);
	umask(0); /* modes given to the kernel are the modes we check */
}

static int rm1(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

static void rmscratch(void)
{
	if (dfd >= 0)
		close(dfd);
	if (dir[0])
		nftw(dir, rm1, 16, FTW_DEPTH | FTW_PHYS);
}

/* The timeout only turns a hang into a failure: a call given the wrong
 * arguments could block, e.g. reading fd 0. */
TestSuite(calls, .init = mkscratch, .fini = rmscratch, .timeout = 60);

static const char *path(const char *name)
{
	static char buf[4][128];
	static unsigned next;
	char *b = buf[next++ % 4];

	snprintf(b, sizeof buf[0], "%s/%s", dir, name);
	return b;
}

/* A file in the scratch directory with the given contents, open O_RDWR. */
static int mkfile(const char *name, const char *text)
{
	int fd = openat(dfd, name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	cr_assert_geq(fd, 0, "create %s: %s", name, strerror(errno));
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* The whole file, NUL-terminated, from a static buffer. */
static const char *slurp(const char *name)
{
	static char buf[256];
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	cr_assert_geq(fd, 0, "open %s: %s", name, strerror(errno));
	n = read(fd, buf, sizeof buf - 1);
	cr_assert_geq(n, 0);
	buf[n] = 0;
	close(fd);
	return buf;
}

static struct stat stat_of(const char *name)
{
	struct stat st;

	cr_assert_eq(fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW), 0, "stat %s: %s", name,
		     strerror(errno));
	return st;
}

static int exists(const char *name)
{
	struct stat st;

	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static int fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* Program builder: calls use windows r0.., r8.., ... in turn; W is the
 * window base of the next call. */

static struct bc_page P;
static unsigned W;
static struct {
	int pc;
	const void *data;
	size_t n;
} pending[8];                       /* la operands to point at data */
static unsigned npending;

static void prog(void)
{
	bc_page_init(&P);
	W = 0;
	npending = 0;
}

/* Argument i (1..6) of the next call. */
static void arg(unsigned i, uint64_t v)
{
	emit3(&P, BC_OP_li, W + i, v, 0);
}

static void arg_ptr(unsigned i, const void *ptr)
{
	arg(i, (uintptr_t)ptr);
}

/* Argument i is the result in register r, passed with mov. */
static void arg_reg(unsigned i, unsigned r)
{
	emit3(&P, BC_OP_mov, W + i, r, 0);
}

/* Argument i points at a copy of data in the page, passed with la. */
static void arg_data(unsigned i, const void *data, size_t n)
{
	cr_assert_lt(npending, 8);
	pending[npending].pc = emit3(&P, BC_OP_la, W + i, 0, 0);
	pending[npending].data = data;
	pending[npending++].n = n;
}

/* Emit a call; its result register. */
static unsigned call(unsigned op)
{
	emit3(&P, op, 0, 0, 0);
	W += 8;
	return W - 8;
}

static unsigned sys(unsigned nr)
{
	emit3(&P, BC_OP_sys, nr, 0, 0);
	W += 8;
	return W - 8;
}

/* Test the result in r right after its call, so an error does not stop. */
static void tested(unsigned r)
{
	emit3(&P, BC_OP_jneg, r, P.code_len + 4, 0);
}

static int run(void)
{
	for (unsigned i = 0; i < npending; i++) {
		int off = bc_emit_data(&P, pending[i].data, pending[i].n);
		cr_assert_geq(off, 0);
		P.code[pending[i].pc + 2] = off & 0xff;
		P.code[pending[i].pc + 3] = off >> 8;
	}
	npending = 0;
	return bc_run(&P, NULL);
}

static void run_done(void)
{
	int st = run();

	cr_assert_eq(st, BC_ST_DONE, "status %s: error %lld at pc %u after %u calls",
		     bc_status_name(st), (long long)P.error, P.stop_pc, P.calls);
	cr_assert_eq(P.stop_pc, P.code_len);
}

static int64_t R(unsigned r)
{
	return (int64_t)P.reg[r];
}

/* openat, write (buffer passed with la), close */
Test(calls, openat_write_close)
{
	static const char name[] = "out.txt";
	const char *p = path(name);
	unsigned fd, wr, cl;
	int64_t f;

	prog();
	arg(1, (uint64_t)AT_FDCWD);
	arg_data(2, p, strlen(p) + 1);
	arg(3, O_WRONLY | O_CREAT | O_TRUNC);
	arg(4, 0640);
	fd = call(BC_OP_openat);
	arg_reg(1, fd);
	arg_data(2, "hello, bc\n", 10);
	arg(3, 10);
	wr = call(BC_OP_write);
	arg_reg(1, fd);
	cl = call(BC_OP_close);
	run_done();
	f = R(fd);
	cr_assert_geq(f, 0, "openat: %lld", (long long)f);
	cr_assert_eq(R(wr), 10);
	cr_assert_eq(R(cl), 0);
	cr_assert_eq(P.calls, 3);
	cr_assert_not(fd_open(f), "fd %lld still open after close", (long long)f);
	cr_assert_str_eq(slurp(name), "hello, bc\n");
	cr_assert_eq(stat_of(name).st_mode, S_IFREG | 0640);
}

Test(calls, read)
{
	int fd = mkfile("in", "abcdefgh");
	char buf[16] = { 0 };
	unsigned r;

	prog();
	arg(1, fd);
	arg_ptr(2, buf);
	arg(3, 5);
	r = call(BC_OP_read);
	run_done();
	cr_assert_eq(R(r), 5);
	cr_assert_str_eq(buf, "abcde");
	cr_assert_eq(lseek(fd, 0, SEEK_CUR), 5);
}

/* openat O_RDWR, writev, lseek back, readv, close */
Test(calls, writev_lseek_readv)
{
	static const char name[] = "vec";
	char a[4] = { 0 }, b[10] = { 0 };
	struct iovec out[2] = { { "foo", 3 }, { "barbaz", 6 } };
	struct iovec in[2] = { { a, 4 }, { b, 10 } };
	unsigned fd, wv, sk, rv, cl;

	prog();
	arg(1, (uint64_t)dfd);
	arg_data(2, name, sizeof name);
	arg(3, O_RDWR | O_CREAT | O_EXCL);
	arg(4, 0600);
	fd = call(BC_OP_openat);
	arg_reg(1, fd);
	arg_ptr(2, out);
	arg(3, 2);
	wv = call(BC_OP_writev);
	arg_reg(1, fd);
	arg(2, 0);
	arg(3, SEEK_SET);
	sk = call(BC_OP_lseek);
	arg_reg(1, fd);
	arg_ptr(2, in);
	arg(3, 2);
	rv = call(BC_OP_readv);
	arg_reg(1, fd);
	cl = call(BC_OP_close);
	run_done();
	cr_assert_geq(R(fd), 0);
	cr_assert_eq(R(wv), 9);
	cr_assert_eq(R(sk), 0);
	cr_assert_eq(R(rv), 9);
	cr_assert_eq(R(cl), 0);
	cr_assert_arr_eq(a, "foob", 4);
	cr_assert_arr_eq(b, "arbaz\0\0\0\0", 10);
	cr_assert_str_eq(slurp(name), "foobarbaz");
	cr_assert_eq(stat_of(name).st_mode, S_IFREG | 0600);
}

Test(calls, lseek)
{
	int fd = mkfile("seek", "0123456789");
	unsigned end, cur;

	prog();
	arg(1, fd);
	arg(2, (uint64_t)-3);
	arg(3, SEEK_END);
	end = call(BC_OP_lseek);
	arg(1, fd);
	arg(2, 1);
	arg(3, SEEK_CUR);
	cur = call(BC_OP_lseek);
	run_done();
	cr_assert_eq(R(end), 7);
	cr_assert_eq(R(cur), 8);
	cr_assert_eq(lseek(fd, 0, SEEK_CUR), 8);
}

Test(calls, pread64_pwrite64)
{
	int fd = mkfile("p", "0123456789");
	char buf[8] = { 0 };
	unsigned w, r;

	prog();
	arg(1, fd);
	arg_ptr(2, "AB");
	arg(3, 2);
	arg(4, 4);
	w = call(BC_OP_pwrite64);
	arg(1, fd);
	arg_ptr(2, buf);
	arg(3, 3);
	arg(4, 3);
	r = call(BC_OP_pread64);
	run_done();
	cr_assert_eq(R(w), 2);
	cr_assert_eq(R(r), 3);
	cr_assert_str_eq(buf, "3AB");
	cr_assert_str_eq(slurp("p"), "0123AB6789");
	cr_assert_eq(lseek(fd, 0, SEEK_CUR), 0, "positional I/O moved the offset");
}

Test(calls, preadv_pwritev)
{
	int fd = mkfile("pv", "0123456789");
	char a[2], b[4] = { 0 };
	struct iovec out[2] = { { "xy", 2 }, { "z", 1 } };
	struct iovec in[2] = { { a, 2 }, { b, 3 } };
	unsigned w, r;

	prog();
	arg(1, fd);
	arg_ptr(2, out);
	arg(3, 2);
	arg(4, 7);                             /* offset, low half */
	arg(5, 0);                             /* offset, high half */
	w = call(BC_OP_pwritev);
	arg(1, fd);
	arg_ptr(2, in);
	arg(3, 2);
	arg(4, 5);
	arg(5, 0);
	r = call(BC_OP_preadv);
	run_done();
	cr_assert_eq(R(w), 3);
	cr_assert_eq(R(r), 5);
	cr_assert_arr_eq(a, "56", 2);
	cr_assert_str_eq(b, "xyz");
	cr_assert_str_eq(slurp("pv"), "0123456xyz");
	cr_assert_eq(lseek(fd, 0, SEEK_CUR), 0);
}

Test(calls, fstat_newfstatat_statx)
{
	int fd = mkfile("st", "twelve bytes");
	struct stat a, b, want;
	struct statx x;
	unsigned r1, r2, r3;

	cr_assert_eq(fchmod(fd, 0614), 0);
	cr_assert_eq(fstat(fd, &want), 0);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	memset(&x, 0, sizeof x);
	prog();
	arg(1, fd);
	arg_ptr(2, &a);
	r1 = call(BC_OP_fstat);
	arg(1, dfd);
	arg_data(2, "st", 3);
	arg_ptr(3, &b);
	arg(4, 0);
	r2 = call(BC_OP_newfstatat);
	arg(1, dfd);
	arg_data(2, "st", 3);
	arg(3, 0);
	arg(4, STATX_SIZE | STATX_MODE | STATX_INO);
	arg_ptr(5, &x);
	r3 = call(BC_OP_statx);
	run_done();
	cr_assert_eq(R(r1), 0);
	cr_assert_eq(R(r2), 0);
	cr_assert_eq(R(r3), 0);
	cr_assert_eq(a.st_size, 12);
	cr_assert_eq(a.st_ino, want.st_ino);
	cr_assert_eq(a.st_mode, S_IFREG | 0614);
	cr_assert_eq(b.st_size, 12);
	cr_assert_eq(b.st_ino, want.st_ino);
	cr_assert_eq(b.st_dev, want.st_dev);
	cr_assert_eq(x.stx_mask & (STATX_SIZE | STATX_MODE | STATX_INO),
		     STATX_SIZE | STATX_MODE | STATX_INO);
	cr_assert_eq(x.stx_size, 12);
	cr_assert_eq(x.stx_ino, want.st_ino);
	cr_assert_eq(x.stx_mode, S_IFREG | 0614);
}

/* Nothing to observe but the result; a bad fd shows the kernel saw it. */
Test(calls, fsync_fdatasync)
{
	int fd = mkfile("sync", "data");
	unsigned s1, s2, bad1, bad2;

	prog();
	arg(1, fd);
	s1 = call(BC_OP_fsync);
	arg(1, fd);
	s2 = call(BC_OP_fdatasync);
	arg(1, (uint64_t)-1);
	bad1 = call(BC_OP_fsync);
	tested(bad1);
	arg(1, (uint64_t)-1);
	bad2 = call(BC_OP_fdatasync);
	tested(bad2);
	run_done();
	cr_assert_eq(R(s1), 0);
	cr_assert_eq(R(s2), 0);
	cr_assert_eq(R(bad1), -EBADF);
	cr_assert_eq(R(bad2), -EBADF);
	cr_assert_eq(P.calls, 4);
}

Test(calls, ftruncate_fallocate)
{
	int fd = mkfile("size", "0123456789");
	unsigned t, a, k;
	struct stat st;

	prog();
	arg(1, fd);
	arg(2, 3);
	t = call(BC_OP_ftruncate);
	arg(1, fd);
	arg(2, 0);                             /* mode: extend the size */
	arg(3, 0);
	arg(4, 8192);
	a = call(BC_OP_fallocate);
	arg(1, fd);
	arg(2, FALLOC_FL_KEEP_SIZE);
	arg(3, 8192);
	arg(4, 8192);
	k = call(BC_OP_fallocate);
	run_done();
	cr_assert_eq(R(t), 0);
	cr_assert_eq(R(a), 0);
	cr_assert_eq(R(k), 0);
	st = stat_of("size");
	cr_assert_eq(st.st_size, 8192);
	cr_assert_geq(st.st_blocks * 512, 16384, "blocks %lld", (long long)st.st_blocks);
	cr_assert_str_eq(slurp("size"), "012", "ftruncate cut the file and zero-filled it");
}

/* A chown clears the set-user-ID bit, so chown to ourselves is visible. */
Test(calls, fchmod_fchown)
{
	int fd = mkfile("own", "x");
	unsigned m1, m2, o;

	prog();
	arg(1, fd);
	arg(2, 0604);
	m1 = call(BC_OP_fchmod);
	run_done();
	cr_assert_eq(R(m1), 0);
	cr_assert_eq(stat_of("own").st_mode, S_IFREG | 0604);

	prog();
	arg(1, fd);
	arg(2, 04750);
	m2 = call(BC_OP_fchmod);
	arg(1, fd);
	arg(2, getuid());
	arg(3, getgid());
	o = call(BC_OP_fchown);
	run_done();
	cr_assert_eq(R(m2), 0);
	cr_assert_eq(R(o), 0);
	cr_assert_eq(stat_of("own").st_uid, getuid());
	cr_assert_eq(stat_of("own").st_gid, getgid());
	cr_assert_eq(stat_of("own").st_mode, S_IFREG | 0750, "mode %o",
		     (unsigned)stat_of("own").st_mode);
}

Test(calls, utimensat)
{
	struct timespec ts[2] = { { 1000000000, 5 }, { 1234567890, 123456789 } };
	struct stat st;
	unsigned r;

	close(mkfile("times", ""));
	prog();
	arg(1, dfd);
	arg_data(2, "times", 6);
	arg_ptr(3, ts);
	arg(4, 0);
	r = call(BC_OP_utimensat);
	run_done();
	cr_assert_eq(R(r), 0);
	st = stat_of("times");
	cr_assert_eq(st.st_atim.tv_sec, 1000000000);
	cr_assert_eq(st.st_atim.tv_nsec, 5);
	cr_assert_eq(st.st_mtim.tv_sec, 1234567890);
	cr_assert_eq(st.st_mtim.tv_nsec, 123456789);
}

Test(calls, mkdirat_unlinkat)
{
	unsigned mk, rmdir_, rmfile;
	struct stat st;

	close(mkfile("victim", "x"));
	prog();
	arg(1, dfd);
	arg_data(2, "sub", 4);
	arg(3, 0751);
	mk = call(BC_OP_mkdirat);
	run_done();
	cr_assert_eq(R(mk), 0);
	st = stat_of("sub");
	cr_assert(S_ISDIR(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0751);

	prog();
	arg(1, dfd);
	arg_data(2, "sub", 4);
	arg(3, AT_REMOVEDIR);
	rmdir_ = call(BC_OP_unlinkat);
	arg(1, dfd);
	arg_data(2, "victim", 7);
	arg(3, 0);
	rmfile = call(BC_OP_unlinkat);
	run_done();
	cr_assert_eq(R(rmdir_), 0);
	cr_assert_eq(R(rmfile), 0);
	cr_assert_not(exists("sub"));
	cr_assert_not(exists("victim"));
}

Test(calls, renameat2)
{
	unsigned ok, clash;

	close(mkfile("a", "from a"));
	close(mkfile("c", "from c"));
	prog();
	arg(1, dfd);
	arg_data(2, "a", 2);
	arg(3, dfd);
	arg_data(4, "b", 2);
	arg(5, RENAME_NOREPLACE);
	ok = call(BC_OP_renameat2);
	arg(1, dfd);
	arg_data(2, "b", 2);
	arg(3, dfd);
	arg_data(4, "c", 2);
	arg(5, RENAME_NOREPLACE);
	clash = call(BC_OP_renameat2);
	tested(clash);
	run_done();
	cr_assert_eq(R(ok), 0);
	cr_assert_eq(R(clash), -EEXIST, "flags reached the kernel");
	cr_assert_not(exists("a"));
	cr_assert_str_eq(slurp("b"), "from a");
	cr_assert_str_eq(slurp("c"), "from c");
}

/* Datagrams over a socketpair: sendto, recvfrom, sendmsg, sendmmsg. */
Test(calls, sockets)
{
	int sv[2];
	char got[16] = { 0 }, buf[16];
	struct iovec iov[2] = { { "ab", 2 }, { "cd", 2 } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	struct iovec one = { "one", 3 }, two = { "two!", 4 };
	struct mmsghdr mm[2] = {
		{ .msg_hdr = { .msg_iov = &one, .msg_iovlen = 1 } },
		{ .msg_hdr = { .msg_iov = &two, .msg_iovlen = 1 } },
	};
	unsigned st, rf, sm, smm;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv), 0);
	cr_assert_eq(send(sv[1], "pong", 4, 0), 4);
	prog();
	arg(1, sv[0]);
	arg_data(2, "ping", 4);
	arg(3, 4);
	arg(4, MSG_DONTWAIT);
	arg(5, 0);
	arg(6, 0);
	st = call(BC_OP_sendto);
	arg(1, sv[0]);
	arg_ptr(2, got);
	arg(3, sizeof got);
	arg(4, MSG_DONTWAIT);
	arg(5, 0);
	arg(6, 0);
	rf = call(BC_OP_recvfrom);
	arg(1, sv[0]);
	arg_ptr(2, &mh);
	arg(3, MSG_DONTWAIT);
	sm = call(BC_OP_sendmsg);
	arg(1, sv[0]);
	arg_ptr(2, mm);
	arg(3, 2);
	arg(4, MSG_DONTWAIT);
	smm = call(BC_OP_sendmmsg);
	run_done();
	cr_assert_eq(R(st), 4);
	cr_assert_eq(R(rf), 4);
	cr_assert_str_eq(got, "pong");
	cr_assert_eq(R(sm), 4);
	cr_assert_eq(R(smm), 2);
	cr_assert_eq(mm[0].msg_len, 3);
	cr_assert_eq(mm[1].msg_len, 4);
	/* what arrived, one datagram per send */
	cr_assert_eq(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), 4);
	cr_assert_arr_eq(buf, "ping", 4);
	cr_assert_eq(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), 4);
	cr_assert_arr_eq(buf, "abcd", 4);
	cr_assert_eq(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), 3);
	cr_assert_arr_eq(buf, "one", 3);
	cr_assert_eq(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), 4);
	cr_assert_arr_eq(buf, "two!", 4);
	cr_assert_eq(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), -1);
	cr_assert_eq(errno, EAGAIN);
	close(sv[0]);
	close(sv[1]);
}

/* Advice has no visible effect; the kernel's checks of each argument do. */
Test(calls, fadvise64)
{
	int fd = mkfile("adv", "advice"), pfd[2];
	unsigned ok, bad, pipe_;

	cr_assert_eq(pipe2(pfd, O_CLOEXEC), 0);
	prog();
	arg(1, fd);
	arg(2, 0);
	arg(3, 0);
	arg(4, POSIX_FADV_SEQUENTIAL);
	ok = call(BC_OP_fadvise64);
	arg(1, fd);
	arg(2, 0);
	arg(3, 0);
	arg(4, 12345);
	bad = call(BC_OP_fadvise64);
	tested(bad);
	arg(1, pfd[0]);
	arg(2, 0);
	arg(3, 0);
	arg(4, POSIX_FADV_NORMAL);
	pipe_ = call(BC_OP_fadvise64);
	tested(pipe_);
	run_done();
	cr_assert_eq(R(ok), 0);
	cr_assert_eq(R(bad), -EINVAL);
	cr_assert_eq(R(pipe_), -ESPIPE);
}

Test(calls, madvise)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint8_t *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned normal, unaligned, dontneed;

	cr_assert_neq(m, MAP_FAILED);
	memset(m, 0xaa, 2 * pg);
	prog();
	arg_ptr(1, m);
	arg(2, pg);
	arg(3, MADV_NORMAL);
	normal = call(BC_OP_madvise);
	arg_ptr(1, m + 1);
	arg(2, pg);
	arg(3, MADV_NORMAL);
	unaligned = call(BC_OP_madvise);
	tested(unaligned);
	arg_ptr(1, m + pg);
	arg(2, pg);
	arg(3, MADV_DONTNEED);
	dontneed = call(BC_OP_madvise);
	run_done();
	cr_assert_eq(R(normal), 0);
	cr_assert_eq(R(unaligned), -EINVAL);
	cr_assert_eq(R(dontneed), 0);
	cr_assert_eq(m[0], 0xaa, "MADV_NORMAL kept the page");
	cr_assert_eq(m[pg], 0, "MADV_DONTNEED gave a fresh zero page");
	cr_assert_eq(m[2 * pg - 1], 0);
	munmap(m, 2 * pg);
}

Test(calls, getpid_getppid)
{
	unsigned a, b;

	prog();
	a = call(BC_OP_getpid);
	b = call(BC_OP_getppid);
	run_done();
	cr_assert_eq(R(a), getpid());
	cr_assert_eq(R(b), getppid());
}

Test(calls, close_range)
{
	int fd = mkfile("cr", "x");
	unsigned r;

	cr_assert_eq(fcntl(fd, F_DUPFD, 600), 600);
	cr_assert_eq(fcntl(fd, F_DUPFD, 601), 601);
	cr_assert_eq(fcntl(fd, F_DUPFD, 602), 602);
	prog();
	arg(1, 600);
	arg(2, 601);
	arg(3, 0);
	r = call(BC_OP_close_range);
	run_done();
	cr_assert_eq(R(r), 0);
	cr_assert_not(fd_open(600));
	cr_assert_not(fd_open(601));
	cr_assert(fd_open(602), "past the range");
	cr_assert(fd_open(fd));
}

/* sys issues any allowed number with the window's arguments. */
Test(calls, sys)
{
	int pfd[2];
	char buf[8] = { 0 };
	unsigned pid, ppid, wr;

	cr_assert_eq(pipe2(pfd, O_CLOEXEC), 0);
	prog();
	pid = sys(39);
	ppid = sys(SYS_getppid);
	arg(1, pfd[1]);
	arg_data(2, "sys!", 4);
	arg(3, 4);
	wr = sys(SYS_write);
	run_done();
	cr_assert_eq(R(pid), getpid());
	cr_assert_eq(R(ppid), getppid());
	cr_assert_eq(R(wr), 4);
	cr_assert_eq(read(pfd[0], buf, sizeof buf), 4);
	cr_assert_str_eq(buf, "sys!");
	cr_assert_eq(P.calls, 3);
	cr_assert_eq(P.win, 24);
}

Test(calls, failing_openat_faults)
{
	unsigned fd;
	int at;

	prog();
	arg(1, dfd);
	arg_data(2, "missing", 8);
	arg(3, O_RDONLY);
	arg(4, 0);
	at = P.code_len;
	fd = call(BC_OP_openat);
	arg(1, (uint64_t)-1);                  /* not run */
	call(BC_OP_close);
	cr_assert_eq(run(), BC_ST_FAULT);
	cr_assert_eq(P.status, BC_ST_FAULT);
	cr_assert_eq(P.stop_pc, at);
	cr_assert_eq(P.error, -ENOENT);
	cr_assert_eq(R(fd), -ENOENT);
	cr_assert_eq(P.calls, 1);
	cr_assert_eq(P.win, 8);
	cr_assert_eq(R(9), 0, "the instruction after the failed call ran");
}

/* Each call opcode must appear in a test above: a new opcode fails here
 * until it gets one. */
Test(calls, every_call_op_is_exercised)
{
	static const unsigned exercised[] = {
		BC_OP_read, BC_OP_write, BC_OP_readv, BC_OP_writev, BC_OP_pread64,
		BC_OP_pwrite64, BC_OP_preadv, BC_OP_pwritev, BC_OP_openat, BC_OP_close,
		BC_OP_fstat, BC_OP_newfstatat, BC_OP_statx, BC_OP_lseek, BC_OP_fsync,
		BC_OP_fdatasync, BC_OP_ftruncate, BC_OP_fallocate, BC_OP_fchmod,
		BC_OP_fchown, BC_OP_utimensat, BC_OP_mkdirat, BC_OP_unlinkat,
		BC_OP_renameat2, BC_OP_sendto, BC_OP_sendmsg, BC_OP_recvfrom,
		BC_OP_fadvise64, BC_OP_madvise, BC_OP_getpid, BC_OP_getppid,
		BC_OP_close_range, BC_OP_sendmmsg, BC_OP_sys,
	};
	static const struct { const char *name; unsigned code, shape; } ops[] = {
#define OP(name, code, shape, nr, nargs) { #name, code, BC_SHAPE_##shape },
		BC_OPCODES(OP)
#undef OP
	};

	for (unsigned i = 0; i < sizeof ops / sizeof *ops; i++) {
		unsigned j = 0;
		if (ops[i].shape != BC_SHAPE_CALL && ops[i].shape != BC_SHAPE_NR)
			continue;
		while (j < sizeof exercised / sizeof *exercised && exercised[j] != ops[i].code)
			j++;
		cr_assert_lt(j, sizeof exercised / sizeof *exercised, "no test runs %s",
			     ops[i].name);
	}
}
