/* The io_uring executor against bc_exec: the same page run both ways, on
 * twin files in a scratch directory, must give the same registers, the
 * same header and the same file contents.  Tests that need a ring skip
 * where the machine has no io_uring. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bc.h"
#include "emit.h"
#include "uring.h"

static char dir[64];
static int dfd = -1;
static struct bc_uring ring;
static unsigned char use_all[512];

static void mkscratch(void)
{
	strcpy(dir, "/tmp/bc-uring-XXXXXX");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(dfd, 0);
	memset(use_all, 1, sizeof use_all);
	ring = (struct bc_uring){ 0 };
}

static int rm1(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

static void rmscratch(void)
{
	__bc_uring_free(&ring);
	if (dfd >= 0)
		close(dfd);
	if (dir[0])
		nftw(dir, rm1, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(uring, .init = mkscratch, .fini = rmscratch, .timeout = 60);

/* Set the ring up, or skip the test naming why there is none. */
static void need_ring(void)
{
	int err = __bc_uring_setup(&ring);

	if (err == -ENOSYS || err == -EPERM)
		cr_skip_test("io_uring unavailable: %s", strerror(-err));
	cr_assert_eq(err, 0, "__bc_uring_setup: %s", strerror(-err));
}

static int mkfile(const char *name, int flags)
{
	int fd = openat(dfd, name, flags | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	cr_assert_geq(fd, 0, "create %s: %s", name, strerror(errno));
	return fd;
}

/* The whole file, NUL-terminated, from one of two static buffers. */
static const char *slurp(const char *name)
{
	static char buf[2][4096];
	static unsigned next;
	char *b = buf[next++ % 2];
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	cr_assert_geq(fd, 0, "open %s: %s", name, strerror(errno));
	n = read(fd, b, sizeof buf[0] - 1);
	cr_assert_geq(n, 0);
	b[n] = 0;
	close(fd);
	return b;
}

/* A page in the engine's shape: each call, then a jneg on its window to
 * the next instruction. */
struct call {
	long nr;
	uint64_t a[6];
};

static unsigned opcode_of(long nr)
{
	for (unsigned op = 0; op < 256; op++)
		if (bc_op_info(op) && bc_op_info(op)->shape == BC_SHAPE_CALL && bc_op_info(op)->nr == nr)
			return op;
	cr_assert_fail("no call opcode for syscall %ld", nr);
	return 0;
}

static void build(struct bc_page *p, const struct call *c, unsigned n)
{
	bc_page_init(p);
	for (unsigned i = 0; i < n; i++) {
		unsigned w = i * BC_WIN_SIZE;
		memcpy(&p->reg[w + 1], c[i].a, sizeof c[i].a);
		emit0(p, opcode_of(c[i].nr));
		emit3(p, BC_OP_jneg, w, p->code_len + 4, 0);
	}
}

/* Run the calls by bc_exec into *d and through the ring into *u; the
 * header and every result must agree. */
static void both(const struct call *cd, const struct call *cu, unsigned n,
		 const unsigned char *use, struct bc_page *d, struct bc_page *u)
{
	build(d, cd, n);
	build(u, cu, n);
	cr_assert_eq(bc_exec(d, NULL), BC_ST_DONE);
	cr_assert_eq(__bc_uring_exec(&ring, u, use), BC_ST_DONE);
	cr_assert_eq(u->status, d->status);
	cr_assert_eq(u->stop_pc, d->stop_pc);
	cr_assert_eq(u->win, d->win);
	cr_assert_eq(u->error, d->error);
	cr_assert_eq(u->calls, d->calls);
	for (unsigned i = 0; i < n; i++)
		cr_assert_eq((int64_t)u->reg[i * BC_WIN_SIZE], (int64_t)d->reg[i * BC_WIN_SIZE],
			     "call %u (syscall %ld): ring %lld, bc_exec %lld", i, cu[i].nr,
			     (long long)u->reg[i * BC_WIN_SIZE], (long long)d->reg[i * BC_WIN_SIZE]);
}

static struct bc_page pd, pu;

#define CALL(nr_, ...) { nr_, { __VA_ARGS__ } }
#define PTR(x) (uint64_t)(uintptr_t)(x)

/* A bound UDP socket on loopback and its address. */
static int udp_sink(struct sockaddr_in *sa)
{
	socklen_t len = sizeof *sa;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	cr_assert_geq(fd, 0);
	*sa = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	cr_assert_eq(bind(fd, (struct sockaddr *)sa, sizeof *sa), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)sa, &len), 0);
	return fd;
}

/* The datagrams waiting on fd, concatenated with '|' after each. */
static const char *drain(int fd)
{
	static char buf[2][256];
	static unsigned next;
	char *b = buf[next++ % 2];
	size_t at = 0;
	ssize_t n;

	while ((n = recv(fd, b + at, sizeof buf[0] - at - 2, 0)) >= 0) {
		at += n;
		b[at++] = '|';
	}
	b[at] = 0;
	return b;
}

Test(uring, mixed_calls_match_bc_exec)
{
	int f[2], c[2], p[2][2], s[2];
	struct sockaddr_in sa;
	int sink = udp_sink(&sa);
	struct call call[2][9];
	char got[2];

	need_ring();
	for (int k = 0; k < 2; k++) {
		f[k] = mkfile(k ? "u" : "d", O_RDWR);
		c[k] = mkfile(k ? "cu" : "cd", O_RDWR);
		cr_assert_eq(pipe2(p[k], O_CLOEXEC), 0);
		s[k] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		cr_assert_geq(s[k], 0);
		cr_assert_eq(connect(s[k], (struct sockaddr *)&sa, sizeof sa), 0);
		struct call each[9] = {
			CALL(SYS_write, f[k], PTR("hello world"), 11),
			CALL(SYS_pwrite64, f[k], PTR("XY"), 2, 1),
			CALL(SYS_fadvise64, f[k], 0, 0, POSIX_FADV_DONTNEED),
			CALL(SYS_sendto, s[k], PTR(k ? "U" : "D"), 1, 0, PTR(&sa), sizeof sa),
			CALL(SYS_sendto, s[k], PTR(k ? "u" : "d"), 1, 0, 0, 0),
			CALL(SYS_write, 999, PTR("x"), 1),
			CALL(SYS_write, p[k][1], PTR("x"), 1),
			CALL(SYS_close, c[k]),
			CALL(SYS_fsync, f[k]),
		};
		memcpy(call[k], each, sizeof each);
	}
	both(call[0], call[1], 9, use_all, &pd, &pu);
	cr_assert_str_eq(slurp("u"), slurp("d"));
	cr_assert_str_eq(slurp("u"), "hXYlo world");
	cr_assert_str_eq(drain(sink), "D|d|U|u|");
	cr_assert_eq(read(p[1][0], got, sizeof got), 1);
	cr_assert_eq(fcntl(c[0], F_GETFD), -1);
	cr_assert_eq(fcntl(c[1], F_GETFD), -1);
	cr_assert_geq(ring.enters, 1);
}

Test(uring, linked_writes_keep_their_order)
{
	int fd[2];
	static char byte[2][64];
	struct call call[2][32];

	need_ring();
	fd[0] = mkfile("d", O_WRONLY);
	fd[1] = mkfile("u", O_WRONLY);
	for (unsigned half = 0; half < 2; half++) {
		for (int k = 0; k < 2; k++)
			for (unsigned i = 0; i < 32; i++) {
				byte[k][half * 32 + i] = 'A' + (half * 32 + i) % 58;
				call[k][i] = (struct call)CALL(SYS_write, fd[k],
							       PTR(&byte[k][half * 32 + i]), 1);
			}
		both(call[0], call[1], 32, use_all, &pd, &pu);
	}
	cr_assert_eq(strlen(slurp("u")), 64);
	cr_assert_str_eq(slurp("u"), slurp("d"));
}

Test(uring, failure_in_a_chain_reissues_the_rest)
{
	int fd[2], ro[2];
	struct call call[2][6];

	need_ring();
	for (int k = 0; k < 2; k++) {
		fd[k] = mkfile(k ? "u" : "d", O_WRONLY);
		ro[k] = openat(dfd, k ? "u" : "d", O_RDONLY | O_CLOEXEC);
		struct call each[6] = {
			CALL(SYS_write, fd[k], PTR("ab"), 2),
			CALL(SYS_write, fd[k], 1, 2),          /* EFAULT: breaks the chain */
			CALL(SYS_write, fd[k], PTR("cd"), 2),
			CALL(SYS_write, ro[k], PTR("no"), 2),  /* EBADF, reissued: again */
			CALL(SYS_pwrite64, fd[k], PTR("Z"), 1, 0),
			CALL(SYS_write, fd[k], PTR("ef"), 2),
		};
		memcpy(call[k], each, sizeof each);
	}
	both(call[0], call[1], 6, use_all, &pd, &pu);
	cr_assert_eq((int64_t)pu.reg[8], -EFAULT);
	cr_assert_eq((int64_t)pu.reg[24], -EBADF);
	cr_assert_str_eq(slurp("u"), slurp("d"));
	cr_assert_str_eq(slurp("u"), "Zbcdef");
}

/* Calls on different fds keep their order too: two fds of one file, each
 * pwrite overwriting the same byte (io_uring hands them to its worker
 * threads, which run independent requests at once), only the last one's
 * byte may remain, round after round. */
Test(uring, calls_on_different_fds_keep_their_order)
{
	static const char byte[] = "0123456789abcdefghijklmnopqrstuv";
	int fd[2][2];
	struct call call[2][32];

	need_ring();
	for (int k = 0; k < 2; k++) {
		fd[k][0] = mkfile(k ? "u" : "d", O_WRONLY);
		fd[k][1] = openat(dfd, k ? "u" : "d", O_WRONLY | O_CLOEXEC);
		cr_assert_geq(fd[k][1], 0);
	}
	for (int round = 0; round < 50; round++) {
		for (int k = 0; k < 2; k++)
			for (unsigned i = 0; i < 32; i++)
				call[k][i] = (struct call)CALL(SYS_pwrite64, fd[k][i % 2],
							       PTR(&byte[(i + round) % 32]), 1, 0);
		both(call[0], call[1], 32, use_all, &pd, &pu);
		cr_assert_eq(slurp("u")[0], byte[(31 + round) % 32], "round %d: '%c'", round,
			     slurp("u")[0]);
	}
}

Test(uring, direct_calls_run_in_program_order)
{
	int fd[2];
	struct call call[2][4];

	need_ring();
	for (int k = 0; k < 2; k++) {
		fd[k] = mkfile(k ? "u" : "d", O_WRONLY);
		struct call each[4] = {
			CALL(SYS_write, fd[k], PTR("abc"), 3),
			CALL(SYS_fchmod, fd[k], 0600),
			CALL(SYS_ftruncate, fd[k], 0),
			CALL(SYS_write, fd[k], PTR("d"), 1),
		};
		memcpy(call[k], each, sizeof each);
	}
	both(call[0], call[1], 4, use_all, &pd, &pu);
	cr_assert_eq(memcmp(slurp("u"), "\0\0\0d", 5), 0);
	cr_assert_eq(ring.enters, 2, "one enter per segment, got %lu", ring.enters);
}

/* "ab" written to twin files, which are then closed. */
static void write_then_close(struct call call[2][2])
{
	for (int k = 0; k < 2; k++) {
		int fd = mkfile(k ? "u" : "d", O_WRONLY);
		call[k][0] = (struct call)CALL(SYS_write, fd, PTR("ab"), 2);
		call[k][1] = (struct call)CALL(SYS_close, fd);
	}
}

Test(uring, nothing_used_means_no_enter)
{
	static const unsigned char none[512];
	struct call call[2][2];

	need_ring();
	write_then_close(call);
	both(call[0], call[1], 2, none, &pd, &pu);
	cr_assert_eq(ring.enters, 0);
	cr_assert_str_eq(slurp("u"), "ab");
}

Test(uring, other_pages_run_as_bc_exec)
{
	int fd = mkfile("u", O_WRONLY);
	struct bc_page d, u;

	need_ring();
	/* A failing call not tested, then one that must not run. */
	for (struct bc_page *p = &d; p; p = p == &d ? &u : NULL) {
		bc_page_init(p);
		emit3(p, BC_OP_li, 1, 999, 0);
		emit0(p, BC_OP_write);
		emit3(p, BC_OP_li, 9, fd, 0);
		emit3(p, BC_OP_li, 10, PTR("x"), 0);
		emit3(p, BC_OP_li, 11, 1, 0);
		emit0(p, BC_OP_write);
	}
	cr_assert_eq(bc_exec(&d, NULL), BC_ST_FAULT);
	cr_assert_eq(__bc_uring_exec(&ring, &u, use_all), BC_ST_FAULT);
	cr_assert_eq(u.stop_pc, d.stop_pc);
	cr_assert_eq(u.error, -EBADF);
	cr_assert_eq(u.calls, 1);
	cr_assert_eq(ring.enters, 0);
	cr_assert_str_eq(slurp("u"), "");
}

Test(uring, no_ring_runs_as_bc_exec)
{
	struct call call[2][2];

	/* Never set up, then failed. */
	for (int failed = 0; failed < 2; failed++) {
		ring = (struct bc_uring){ .err = failed ? -ENOSYS : 0 };
		write_then_close(call);
		both(call[0], call[1], 2, use_all, &pd, &pu);
		cr_assert_str_eq(slurp("u"), "ab");
		cr_assert_eq(ring.enters, 0);
	}
}

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

Test(uring, a_broken_stream_raises_sigpipe_once)
{
	int sp[2][2];
	struct call call[2][2];
	struct sigaction sa = { .sa_handler = on_sigpipe }, old;

	need_ring();
	cr_assert_eq(sigaction(SIGPIPE, &sa, &old), 0);
	for (int k = 0; k < 2; k++) {
		cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp[k]), 0);
		close(sp[k][1]);
		struct call each[2] = {
			CALL(SYS_sendto, sp[k][0], PTR("x"), 1, 0, 0, 0),
			CALL(SYS_sendto, sp[k][0], PTR("x"), 1, MSG_NOSIGNAL, 0, 0),
		};
		memcpy(call[k], each, sizeof each);
	}
	build(&pd, call[0], 2);
	bc_exec(&pd, NULL);
	cr_assert_eq(sigpipes, 1);
	build(&pu, call[1], 2);
	__bc_uring_exec(&ring, &pu, use_all);
	cr_assert_eq(sigpipes, 2);
	cr_assert_eq((int64_t)pu.reg[0], -EPIPE);
	cr_assert_eq((int64_t)pu.reg[8], -EPIPE);
	sigaction(SIGPIPE, &old, NULL);
}

Test(uring, closing_another_ring_works_as_close)
{
	struct bc_uring other[2] = { 0 };
	struct call call[2][1];

	need_ring();
	for (int k = 0; k < 2; k++) {
		cr_assert_eq(__bc_uring_setup(&other[k]), 0);
		call[k][0] = (struct call)CALL(SYS_close, other[k].fd);
	}
	both(call[0], call[1], 1, use_all, &pd, &pu);
	cr_assert_eq((int64_t)pu.reg[0], 0);
	for (int k = 0; k < 2; k++) {
		other[k].fd = -1;
		__bc_uring_free(&other[k]);
	}
}
