/* The engine's decisions (shim/decide.h), with no engine: for each
 * prediction, a call that defers, calls that go direct for each reason,
 * the facts asked for, and what merges into the queue's last entry. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "decide.h"

enum { FD = 3 };

static char arena[1 << 16];
static char data[8192];
static struct bc_fd fd;
static struct bc_pend last;
static struct bc_file_id ids[2];
static long a[6];
static struct bc_view v;
static struct bc_plan o;

/* fd FD: a regular file open for writing, known, owned by uid 1000. */
static void file(void)
{
	fd = (struct bc_fd){ .type = FT_REG, .known_id = 1, .flags = O_WRONLY, .uid = 1000,
			     .dev = 8, .ino = 42 };
}

/* A call nr of class pred on FD, with its arguments a: the engine armed,
 * every fact known and favourable, the queue empty, the fd known. */
static void call(long nr, int pred, long a0, long a1, long a2, long a3)
{
	file();
	memset(a, 0, sizeof a);
	a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3;
	v = (struct bc_view){
		.nr = nr, .a = a, .pred = pred, .fdarg = pred == PRED_ADVISE ? -1 : 0,
		.f = &fd, .f_asked = 1, .arena = arena, .size = sizeof arena,
		.max_bytes = 1 << 16, .close_ok = 1, .mapped = ids,
		.ready = 1, .euid = 1000, .sigpipe_kills = 1, .fsize_limited = 0,
		.inflight = 0, .net = 1,
	};
}

static void write_(long len)
{
	call(SYS_write, PRED_WRITE, FD, (long)data, len, 0);
}

static void pwrite_(long len, long off)
{
	call(SYS_pwrite64, PRED_PWRITE, FD, (long)data, len, off);
}

/* A 64-byte write to FD, its type and flags those, the process threaded
 * or not: the verdict. */
static int write_to(int type, int flags, int threaded)
{
	write_(64);
	fd.type = type, fd.flags = flags, v.threaded = threaded;
	return __bc_decide(&v, &o);
}

static void close_(void)
{
	call(SYS_close, PRED_CLOSE, FD, 0, 0, 0);
}

static void fchmod_(void)
{
	call(SYS_fchmod, PRED_META, FD, 0600, 0, 0);
}

/* The queue's last entry: call nr's form, len bytes of data at the
 * arena's start (a pwrite's at off), all the arena's bytes in use. */
static void queued(int nr, int pred, long len, long off)
{
	last = (struct bc_pend){ .nr = nr, .pred = pred, .fd = FD,
				 .a = { FD, (long)arena, len, off }, .want = len };
	v.last = &last;
	v.used = len;
}

#define verdict(want) cr_assert_eq(__bc_decide(&v, &o), (want))

/* ---- the engine's switches ---- */

Test(decide, config)
{
	cr_assert_eq(__bc_decide_config(PRED_WRITE, 1000, 0, 0), V_DEFER);
	cr_assert_eq(__bc_decide_config(PRED_WRITE, 0, 1, 1), WHY_NO_DELAY);
	cr_assert_eq(__bc_decide_config(PRED_CLOSE, 1000, 0, 0), WHY_FDS_UNSEEN);
	cr_assert_eq(__bc_decide_config(PRED_CLOSE, 1000, 0, 1), V_DEFER);
	cr_assert_eq(__bc_decide_config(PRED_CLOSE, 1000, 1, 0), V_DEFER);
}

/* A write or a datagram may merge whatever runs it; another call pays
 * only off the program's core or in a ring entry shared with others. */
Test(decide, saves)
{
	cr_assert(__bc_saves(PRED_WRITE, 0, 0));
	cr_assert(__bc_saves(PRED_PWRITE, 0, 0));
	cr_assert(__bc_saves(PRED_SEND, 0, 0));
	for (int pred = PRED_META; pred <= PRED_CLOSE; pred++) {
		cr_assert(!__bc_saves(pred, 0, 0), "pred %d", pred);
		cr_assert(__bc_saves(pred, 1, 0), "pred %d", pred);
		cr_assert(__bc_saves(pred, 0, 1), "pred %d", pred);
	}
}

Test(decide, engine)
{
	cr_assert_eq(__bc_decide_engine(1, 0, 0), V_DEFER);
	cr_assert_eq(__bc_decide_engine(0, 0, 0), WHY_EXEC);
	cr_assert_eq(__bc_decide_engine(1, BC_OFF_SHARED, 0), WHY_SHARED);
	cr_assert_eq(__bc_decide_engine(1, BC_OFF_SECCOMP, 0), WHY_SECCOMP);
	cr_assert_eq(__bc_decide_engine(1, BC_OFF_NOMEM, 0), WHY_SECCOMP);
	cr_assert_eq(__bc_decide_engine(1, 0, 5), WHY_BACKOFF);
}

/* ---- write ---- */

Test(decide, write_defers)
{
	write_(64);
	verdict(V_DEFER);
	cr_assert_eq(o.p.nr, SYS_write);
	cr_assert_eq(o.p.pred, PRED_WRITE);
	cr_assert_eq(o.p.fd, FD);
	cr_assert_eq(o.p.sig, 0);
	cr_assert_eq(o.buf, data);
	cr_assert_eq(o.len, 64);
	cr_assert_eq(o.max, 1L << 20);
	/* A pipe's failure kills with SIGPIPE, and its entries stay small. */
	cr_assert_eq(write_to(FT_FIFO, O_WRONLY, 0), V_DEFER);
	cr_assert_eq(o.p.sig, SIGPIPE);
	cr_assert_eq(o.max, 4096);
	cr_assert_eq(write_to(FT_STREAM, O_RDWR, 0), V_DEFER);
	cr_assert_eq(o.max, 2048);
	cr_assert_eq(write_to(FT_CHR, O_WRONLY, 0), V_DEFER);
	cr_assert_eq(o.max, 0);
	/* Threads: a write that cannot block still waits; non-blocking, a
	 * regular file's (it cannot come back short). */
	cr_assert_eq(write_to(FT_REG, O_WRONLY, 1), V_DEFER);
	cr_assert_eq(write_to(FT_MEMDEV, O_WRONLY, 1), V_DEFER);
	cr_assert_eq(write_to(FT_REG, O_WRONLY | O_NONBLOCK, 1), V_DEFER);
}

Test(decide, writev_defers)
{
	struct iovec iov[2] = { { data, 10 }, { data + 10, 20 } };

	call(SYS_writev, PRED_WRITE, FD, (long)iov, 2, 0);
	verdict(V_DEFER);
	cr_assert_eq(o.p.nr, SYS_write);
	cr_assert_eq(o.iov, iov);
	cr_assert_eq(o.cnt, 2);
	cr_assert_eq(o.len, 30);
}

Test(decide, write_waits_for_the_fd)
{
	write_(64);
	v.a = (long[6]){ -1, (long)data, 64 };
	verdict(WHY_HIGH_FD);
	write_(64);
	v.a = (long[6]){ BC_FD_MAX, (long)data, 64 };
	verdict(WHY_HIGH_FD);
	write_(64);
	v.f = NULL;
	verdict(WHY_FIRST_USE);
	write_(64);
	fd.closing = 1;
	verdict(WHY_CLOSING);
	cr_assert_eq(write_to(FT_TTY, O_WRONLY, 0), WHY_TTY);
	cr_assert_eq(write_to(FT_OTHER, O_WRONLY, 0), WHY_KIND);
	cr_assert_eq(write_to(FT_DIR, O_WRONLY, 0), WHY_KIND);
	cr_assert_eq(write_to(FT_FIFO, O_WRONLY, 1), WHY_THREADS);
	cr_assert_eq(write_to(FT_STREAM, O_RDWR, 1), WHY_THREADS);
	cr_assert_eq(write_to(FT_CHR, O_WRONLY, 1), WHY_THREADS);
	/* The file mapped (dev 8, ino 42), or too many files to tell. */
	write_(64);
	v.nmapped = 2;
	ids[0] = (struct bc_file_id){ 8, 41 }, ids[1] = (struct bc_file_id){ 8, 42 };
	verdict(WHY_MAPPED);
	ids[1].ino = 43;
	verdict(V_DEFER);
	v.many_mapped = 1;
	verdict(WHY_MAPPED);
	cr_assert_eq(write_to(FT_REG, O_RDONLY, 0), WHY_OPEN_MODE);
	cr_assert_eq(write_to(FT_REG, O_WRONLY | O_DIRECT, 0), WHY_OPEN_MODE);
	cr_assert_eq(write_to(FT_REG, O_PATH, 0), WHY_OPEN_MODE);
	cr_assert_eq(write_to(FT_FIFO, O_WRONLY | O_NONBLOCK, 0), WHY_OPEN_MODE);
	cr_assert_eq(write_to(FT_MEMDEV, O_WRONLY | O_NONBLOCK, 0), WHY_OPEN_MODE);
}

Test(decide, write_waits_for_the_process)
{
	/* SIGPIPE ignored, caught or blocked: EPIPE would be seen. */
	write_(64);
	v.sigpipe_kills = 0;
	verdict(V_DEFER);
	fd.type = FT_FIFO;
	verdict(WHY_SIGPIPE);
	fd.type = FT_STREAM;
	verdict(WHY_SIGPIPE);
	/* RLIMIT_FSIZE: a regular file's write may come back short. */
	write_(64);
	v.fsize_limited = 1;
	verdict(WHY_FSIZE);
	fd.type = FT_FIFO;
	verdict(V_DEFER);
	/* Arming found deferral off. */
	v.ready = 0;
	v.off = BC_OFF_SHARED;
	verdict(WHY_SHARED);
	v.off = BC_OFF_SECCOMP;
	verdict(WHY_SECCOMP);
}

Test(decide, write_waits_for_its_arguments)
{
	write_(0);
	verdict(WHY_SIZE);
	write_(-1);
	verdict(WHY_SIZE);
	write_(BC_SINGLE_MAX + 1);
	verdict(WHY_SIZE);
	write_(100);
	v.max_bytes = 99;
	verdict(WHY_SIZE);
	call(SYS_write, PRED_WRITE, FD, 0, 64, 0);
	verdict(WHY_ARGS);

	struct iovec big[2] = { { data, 8000 }, { data, 8000 } }, bad[1] = { { NULL, 5 } };
	call(SYS_writev, PRED_WRITE, FD, (long)big, 2, 0);
	verdict(WHY_SIZE);
	call(SYS_writev, PRED_WRITE, FD, (long)big, 0, 0);
	verdict(WHY_SIZE);
	call(SYS_writev, PRED_WRITE, FD, (long)bad, 1, 0);
	verdict(WHY_ARGS);
	call(SYS_writev, PRED_WRITE, FD, (long)big, 1025, 0);
	verdict(WHY_ARGS);
}

/* Facts cost probes: asked for only where the decision needs them, in
 * the order the engine learns them. */
Test(decide, write_asks)
{
	write_(64);
	v.f = NULL, v.f_asked = 0;
	verdict(V_ASK_FD);
	write_(64);
	v.ready = -1;
	verdict(V_ASK_READY);
	write_(64);
	v.ready = -1;
	v.fsize_limited = -1;
	verdict(V_ASK_READY);
	write_(64);
	v.fsize_limited = -1;
	verdict(V_ASK_FSIZE);
	write_(64);
	fd.type = FT_FIFO;
	v.sigpipe_kills = -1;
	v.fsize_limited = -1;
	verdict(V_ASK_SIGPIPE);
	/* Nothing to ask where an earlier check refuses. */
	write_(0);
	v.ready = v.sigpipe_kills = v.fsize_limited = -1;
	verdict(WHY_SIZE);
	write_(64);
	fd.type = FT_MEMDEV;
	v.sigpipe_kills = v.fsize_limited = -1;
	verdict(V_DEFER);
}

Test(decide, write_merges)
{
	write_(64);
	queued(SYS_write, PRED_WRITE, 64, 0);
	verdict(V_MERGE);
	cr_assert_eq(o.len, 64);
	/* Not: another fd's entry, data not at the arena's end, no room, an
	 * entry past the fd's most, another prediction or signal. */
	write_(64);
	queued(SYS_write, PRED_WRITE, 64, 0);
	last.fd = FD + 1;
	verdict(V_DEFER);
	write_(64);
	queued(SYS_write, PRED_WRITE, 64, 0);
	v.used = 128;
	verdict(V_DEFER);
	write_(64);
	queued(SYS_write, PRED_WRITE, 64, 0);
	v.size = 100;
	verdict(V_DEFER);
	write_(64);
	fd.type = FT_FIFO;
	queued(SYS_write, PRED_WRITE, 4090, 0);
	last.sig = SIGPIPE;
	verdict(V_DEFER);
	write_(6);
	fd.type = FT_FIFO;
	queued(SYS_write, PRED_WRITE, 4090, 0);
	last.sig = SIGPIPE;
	verdict(V_MERGE);
	write_(6);
	fd.type = FT_FIFO;
	queued(SYS_write, PRED_WRITE, 64, 0);
	verdict(V_DEFER);
	write_(64);
	fd.type = FT_CHR;
	queued(SYS_write, PRED_WRITE, 64, 0);
	verdict(V_DEFER);
	write_(64);
	queued(SYS_pwrite64, PRED_PWRITE, 64, 0);
	verdict(V_DEFER);
}

/* The last entry made by the same call on the same fd: its checks hold,
 * nothing is asked again. */
Test(decide, write_checked)
{
	write_(64);
	queued(SYS_write, PRED_WRITE, 64, 0);
	v.checked = 1;
	v.ready = v.sigpipe_kills = v.fsize_limited = -1;
	fd.type = FT_FIFO;
	last.sig = SIGPIPE;
	verdict(V_MERGE);
	write_(BC_SINGLE_MAX + 1);
	queued(SYS_write, PRED_WRITE, 64, 0);
	v.checked = 1;
	verdict(WHY_SIZE);
	write_(64);
	queued(SYS_write, PRED_WRITE, 1L << 20, 0);
	v.size = 2L << 20;
	v.checked = 1;
	v.ready = -1;
	verdict(V_DEFER);
	cr_assert_eq(o.p.sig, 0);
}

/* ---- pwrite ---- */

Test(decide, pwrite_defers)
{
	pwrite_(64, 4096);
	verdict(V_DEFER);
	cr_assert_eq(o.p.nr, SYS_pwrite64);
	cr_assert_eq(o.p.pred, PRED_PWRITE);
	cr_assert_eq(o.p.a[3], 4096);

	struct iovec iov[1] = { { data, 10 } };
	call(SYS_pwritev, PRED_PWRITE, FD, (long)iov, 1, 7);
	verdict(V_DEFER);
	cr_assert_eq(o.p.nr, SYS_pwrite64);
	cr_assert_eq(o.len, 10);
	cr_assert_eq(o.p.a[3], 7);
}

Test(decide, pwrite_waits)
{
	pwrite_(64, 0);
	fd.type = FT_FIFO;
	verdict(WHY_KIND);
	pwrite_(64, 0);
	fd.type = FT_TTY;
	verdict(WHY_TTY);
	pwrite_(64, 0);
	fd.flags = O_RDONLY;
	verdict(WHY_OPEN_MODE);
	pwrite_(64, 0);
	v.many_mapped = 1;
	verdict(WHY_MAPPED);
	pwrite_(64, -1);
	verdict(WHY_ARGS);
	pwrite_(64, PWRITE_MAX);
	verdict(WHY_ARGS);
	pwrite_(64, 0);
	v.fsize_limited = 1;
	verdict(WHY_FSIZE);
	pwrite_(0, 0);
	verdict(WHY_SIZE);
	/* Threads: a regular file's pwrite cannot block. */
	pwrite_(64, 0);
	v.threaded = 1;
	verdict(V_DEFER);
}

/* A 64-byte pwrite at off, after a pwrite of 64 bytes at 100 queued. */
static int pwrite_after(long off)
{
	pwrite_(64, off);
	queued(SYS_pwrite64, PRED_PWRITE, 64, 100);
	return __bc_decide(&v, &o);
}

Test(decide, pwrite_merges)
{
	cr_assert_eq(pwrite_after(164), V_MERGE);
	cr_assert_eq(pwrite_after(165), V_DEFER);
	cr_assert_eq(pwrite_after(100), V_DEFER);
	cr_assert_eq(pwrite_after(36), V_DEFER);
	/* Not after a write at the file position. */
	pwrite_(64, 64);
	queued(SYS_write, PRED_WRITE, 64, 0);
	verdict(V_DEFER);
}

/* ---- send ---- */

static struct sockaddr_in lo = { .sin_family = AF_INET, .sin_port = 0x3412 };

static void sendto_(const void *to, long tolen)
{
	call(SYS_sendto, PRED_WRITE, FD, (long)data, 64, 0);
	a[4] = (long)to, a[5] = tolen;
	fd.type = FT_DGRAM;
	fd.domain = AF_INET;
	fd.flags = O_RDWR;
}

Test(decide, send_defers)
{
	lo.sin_addr.s_addr = htonl(0x7f000001);
	sendto_(&lo, sizeof lo);
	verdict(V_DEFER);
	cr_assert_eq(o.p.nr, SYS_sendto);
	cr_assert_eq(o.p.pred, PRED_SEND);
	cr_assert_eq(o.name, &lo);
	cr_assert_eq(o.namelen, sizeof lo);
	/* A unix stream socket's send is a write. */
	call(SYS_sendto, PRED_WRITE, FD, (long)data, 64, 0);
	fd.type = FT_STREAM;
	fd.flags = O_RDWR;
	verdict(V_DEFER);
	cr_assert_eq(o.p.nr, SYS_write);
	cr_assert_eq(o.p.pred, PRED_WRITE);
	cr_assert_eq(o.namelen, 0);
	cr_assert_eq(o.p.sig, SIGPIPE);
}

Test(decide, send_waits)
{
	struct sockaddr_in far = lo;

	lo.sin_addr.s_addr = htonl(0x7f000001);
	far.sin_addr.s_addr = htonl(0x0a000001);
	sendto_(&far, sizeof far);
	verdict(WHY_ARGS);
	sendto_(NULL, 0);
	verdict(WHY_ARGS);
	sendto_(&lo, sizeof lo);
	fd.domain = AF_INET6;
	verdict(WHY_ARGS);
	sendto_(&lo, sizeof lo);
	a[3] = MSG_DONTWAIT;
	verdict(WHY_ARGS);
	sendto_(&lo, sizeof lo);
	fd.flags |= O_NONBLOCK;
	verdict(WHY_OPEN_MODE);
	sendto_(&lo, sizeof lo);
	v.threaded = 1;
	verdict(WHY_THREADS);
	/* A TCP socket is of another kind; a stream's send names no one. */
	call(SYS_sendto, PRED_WRITE, FD, (long)data, 64, 0);
	fd.type = FT_OTHER;
	verdict(WHY_KIND);
	call(SYS_sendto, PRED_WRITE, FD, (long)data, 64, 0);
	a[4] = (long)&lo;
	fd.type = FT_STREAM;
	fd.flags = O_RDWR;
	verdict(WHY_ARGS);
	call(SYS_sendto, PRED_WRITE, FD, (long)data, 64, 0);
	verdict(WHY_KIND);

	struct iovec iov[1] = { { data, 10 } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 1, .msg_controllen = 8 };
	call(SYS_sendmsg, PRED_WRITE, FD, (long)&m, 0, 0);
	fd.type = FT_STREAM;
	fd.flags = O_RDWR;
	verdict(WHY_ARGS);
	m.msg_controllen = 0;
	call(SYS_sendmsg, PRED_WRITE, FD, (long)&m, 0, 0);
	fd.type = FT_STREAM;
	fd.flags = O_RDWR;
	verdict(V_DEFER);
	cr_assert_eq(o.len, 10);
}

/* ---- metadata ---- */

Test(decide, meta_defers)
{
	fchmod_();
	verdict(V_DEFER);
	cr_assert_eq(o.p.nr, SYS_fchmod);
	cr_assert_eq(o.p.a[1], 0600);
	call(SYS_fchown, PRED_META, FD, 0, 0, 0);
	v.euid = 0;
	verdict(V_DEFER);
	call(SYS_fadvise64, PRED_META, FD, 0, 0, 4);
	fd.flags = O_RDONLY;
	verdict(V_DEFER);

	/* Times given, only root's; the current time, the owner's too. */
	struct timespec t[2] = { { 1, 0 }, { 2, UTIME_OMIT } };
	call(SYS_utimensat, PRED_META, FD, 0, (long)t, 0);
	v.euid = 0;
	verdict(V_DEFER);
	cr_assert_eq(o.p.a[2], (long)t);
	call(SYS_utimensat, PRED_META, FD, 0, 0, 0);
	verdict(V_DEFER);
}

Test(decide, meta_waits)
{
	struct timespec bad[2] = { { 1, 1000000000 }, { 2, 0 } }, now[2] = { { 0, UTIME_NOW } };

	fchmod_();
	v.euid = 1001;
	verdict(WHY_IDENTITY);
	call(SYS_fchown, PRED_META, FD, 0, 0, 0);
	verdict(WHY_IDENTITY);
	fchmod_();
	fd.flags = O_RDONLY;
	verdict(WHY_OPEN_MODE);
	fchmod_();
	fd.type = FT_FIFO;
	verdict(WHY_KIND);
	fchmod_();
	fd.type = FT_TTY;
	verdict(WHY_TTY);
	call(SYS_fadvise64, PRED_META, FD, 0, 0, 6);
	verdict(WHY_ARGS);
	call(SYS_fadvise64, PRED_META, FD, 0, -1, 0);
	verdict(WHY_ARGS);
	call(SYS_utimensat, PRED_META, FD, 0, (long)bad, 0);
	verdict(WHY_ARGS);
	call(SYS_utimensat, PRED_META, FD, 0, (long)now, AT_SYMLINK_NOFOLLOW);
	verdict(WHY_ARGS);
	call(SYS_utimensat, PRED_META, FD, 0, (long)now, 0);
	v.euid = 1001;
	verdict(WHY_IDENTITY);
	call(SYS_utimensat, PRED_META, FD, 0, 0, 0);
	v.euid = 1001;
	verdict(WHY_IDENTITY);
}

Test(decide, meta_asks)
{
	fchmod_();
	v.euid = -1;
	v.ready = -1;
	verdict(V_ASK_EUID);
	fchmod_();
	v.ready = -1;
	verdict(V_ASK_READY);
	fchmod_();
	v.ready = 0;
	v.off = BC_OFF_SECCOMP;
	verdict(WHY_SECCOMP);
	/* fadvise64 needs no identity. */
	call(SYS_fadvise64, PRED_META, FD, 0, 0, 4);
	v.euid = -1;
	verdict(V_DEFER);
}

/* ---- madvise ---- */

Test(decide, advise)
{
	call(SYS_madvise, PRED_ADVISE, 8192, 4096, MADV_WILLNEED, 0);
	verdict(V_DEFER);
	cr_assert_eq(o.p.fd, -1);
	cr_assert_eq(o.p.a[0], 8192);
	cr_assert_eq(o.p.a[2], MADV_WILLNEED);
	call(SYS_madvise, PRED_ADVISE, 8193, 4096, MADV_WILLNEED, 0);
	verdict(WHY_ARGS);
	call(SYS_madvise, PRED_ADVISE, 8192, -1, MADV_NORMAL, 0);
	verdict(WHY_ARGS);
	call(SYS_madvise, PRED_ADVISE, 8192, 4096, MADV_DONTNEED, 0);
	verdict(WHY_ARGS);
	call(SYS_madvise, PRED_ADVISE, 8192, 4096, MADV_NORMAL, 0);
	v.ready = -1;
	verdict(V_ASK_READY);
}

/* ---- close ---- */

/* A close of FD with npend calls pending on it; inflight: a batch in
 * flight on its file; close_ok: every fd allocation is seen; net: the
 * net catches fd uses unseen (-1: not asked yet).  The verdict. */
static int close_when(int npend, int inflight, int close_ok, int net)
{
	close_();
	fd.npend = npend, v.inflight = inflight, v.close_ok = close_ok, v.net = net;
	return __bc_decide(&v, &o);
}

Test(decide, close_defers)
{
	cr_assert_eq(close_when(0, 0, 1, 1), V_DEFER);
	cr_assert_eq(o.p.a[0], FD);
	/* On glibc, while the net catches fd uses unseen. */
	cr_assert_eq(close_when(0, 0, 0, 1), V_DEFER);
	/* Relaxed, a regular file's pending writes do not hold it. */
	close_();
	v.relaxed = 1;
	fd.npend = 2;
	v.inflight = -1;
	verdict(V_DEFER);
}

Test(decide, close_waits)
{
	cr_assert_eq(close_when(1, 0, 1, 1), WHY_PENDING);
	cr_assert_eq(close_when(0, 1, 1, 1), WHY_PENDING);
	cr_assert_eq(close_when(0, 0, 0, 0), WHY_FDS_UNSEEN);
	/* Relaxed, a pipe's still do: EPIPE is reported. */
	close_();
	v.relaxed = 1;
	fd.type = FT_FIFO;
	fd.npend = 1;
	verdict(WHY_PENDING);
	close_();
	fd.closing = 1;
	verdict(WHY_CLOSING);
	close_();
	v.f = NULL;
	verdict(WHY_FIRST_USE);
}

Test(decide, close_asks)
{
	cr_assert_eq(close_when(0, -1, 1, 1), V_ASK_INFLIGHT);
	cr_assert_eq(close_when(1, -1, 1, 1), WHY_PENDING);
	cr_assert_eq(close_when(0, 0, 0, -1), V_ASK_NET);
	/* Where every fd allocation is seen, the net is not asked. */
	cr_assert_eq(close_when(0, 0, 1, -1), V_DEFER);
	close_();
	v.ready = v.net = -1;
	v.close_ok = 0;
	verdict(V_ASK_READY);
}

/* A decision reads only what it is given: the same view, the same
 * verdict, and the view unchanged. */
Test(decide, pure)
{
	struct bc_view before;
	struct bc_fd f0;
	struct bc_pend l0;

	write_(64);
	queued(SYS_write, PRED_WRITE, 64, 0);
	memcpy(&before, &v, sizeof v);
	memcpy(&f0, &fd, sizeof fd);
	memcpy(&l0, &last, sizeof last);
	verdict(V_MERGE);
	verdict(V_MERGE);
	cr_assert_eq(memcmp(&before, &v, sizeof v), 0);
	cr_assert_eq(memcmp(&f0, &fd, sizeof fd), 0);
	cr_assert_eq(memcmp(&l0, &last, sizeof last), 0);
}
