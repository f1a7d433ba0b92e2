/* The io_uring executor.  A page's calls are split into segments of
 * consecutive ring calls; each segment is one io_uring_enter that submits
 * it and waits for all of it, as one chain of linked requests: each runs
 * only once the one before it has completed, so that they run in program
 * order whatever their fds (another process may observe calls on two fds
 * and rely on their order: a record written to a file, then a datagram
 * announcing it).  Whatever io_uring would do differently from the
 * syscall runs directly, so that the results are bc_exec's:
 * - a write or send longer than MAX_RW_COUNT, a negative offset or length,
 *   an address length the msghdr path would treat otherwise, a call on
 *   the ring's own fd: issued directly, in program order;
 * - a linked call cancelled by an earlier failure or short result
 *   (-ECANCELED): reissued directly, in program order, after it;
 * - a send that failed -EPIPE without MSG_NOSIGNAL (io_uring always adds
 *   it): reissued directly, so the kernel raises SIGPIPE as it would;
 * - a close that failed -EBADF (io_uring refuses to close any ring fd):
 *   reissued directly.
 * One difference stays, which the caller must rule out: on a fd that
 * cannot seek (a pipe, a socket) pwrite64 and pwritev fail -ESPIPE, but
 * io_uring ignores the offset and writes.
 * A signal interrupts the wait, never the calls. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "internal.h"
#include "raw.h"
#include "uring.h"

/* The kernel ABI of include/uapi/linux/io_uring.h (5.6 and later). */
struct sq_offsets {
	uint32_t head, tail, ring_mask, ring_entries, flags, dropped, array, resv1;
	uint64_t user_addr;
};

struct cq_offsets {
	uint32_t head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1;
	uint64_t user_addr;
};

struct params {
	uint32_t sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle;
	uint32_t features, wq_fd, resv[3];
	struct sq_offsets sq_off;
	struct cq_offsets cq_off;
};

struct sqe {
	uint8_t opcode, flags;
	uint16_t ioprio;
	int32_t fd;
	uint64_t off, addr;
	uint32_t len, op_flags;   /* op_flags: rw_flags, msg_flags, fsync_flags... */
	uint64_t user_data;
	uint16_t buf_index, personality;
	int32_t splice_fd_in;
	uint64_t addr3, pad;
};

struct cqe {
	uint64_t user_data;
	int32_t res;
	uint32_t flags;
};

_Static_assert(sizeof(struct params) == 120, "io_uring_params");
_Static_assert(sizeof(struct sqe) == 64, "io_uring_sqe");

enum {
	OP_NOP = 0, OP_WRITEV = 2, OP_FSYNC = 3, OP_SENDMSG = 9, OP_CLOSE = 19,
	OP_WRITE = 23, OP_FADVISE = 24, OP_MADVISE = 25, OP_SEND = 26,
};
#define SQE_IO_LINK      (1u << 2)
#define FSYNC_DATASYNC   1u
#define ENTER_GETEVENTS  1u
#define FEAT_SINGLE_MMAP (1u << 0)
#define FEAT_RW_CUR_POS  (1u << 3)   /* offset -1: the file position (5.6) */
#define OFF_SQES         0x10000000L
#define NR_SETUP         425
#define NR_ENTER         426

/* Kernel limits the ring path must stay within to match the syscall. */
#define MAX_RW_COUNT 0x7ffff000L      /* INT_MAX rounded down to a page */
#define MAX_IOV      1024             /* UIO_MAXIOV */
#define SOCKADDR_MAX 128              /* sizeof(struct sockaddr_storage) */

/* Keep the ring out of the fds a program counts on: just below the
 * soft limit, at most this high (the kernel sizes the fd table to it). */
#define FD_CEILING 1024
#define FD_SPREAD  16
#define FD_LOWEST  64    /* the ring goes no lower */

#define MAX_CALLS (BC_NREGS / BC_WIN_SIZE)

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	return __bc_raw6(nr, a, b, c, d, e, f);
}

/* Move fd to a high number, out of the way of the lowest-fd rule; with
 * too low an fd limit to leave room, or if it cannot, close it:
 * -EMFILE (a ring on a low number would change the program's fds). */
static long move_high(long fd)
{
	struct rlimit lim;
	long lo, nfd;

	if (sys6(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, (long)&lim, 0, 0) < 0)
		lim.rlim_cur = 0;
	lo = (lim.rlim_cur < FD_CEILING ? (long)lim.rlim_cur : FD_CEILING) - FD_SPREAD;
	if (fd >= lo && lo >= FD_LOWEST)
		return fd;
	nfd = lo >= FD_LOWEST ? sys6(SYS_fcntl, fd, F_DUPFD_CLOEXEC, lo, 0, 0, 0) : -EMFILE;
	sys6(SYS_close, fd, 0, 0, 0, 0, 0);
	return nfd < 0 ? -EMFILE : nfd;
}

static void *at(void *base, uint32_t off)
{
	return (char *)base + off;
}

int __bc_uring_setup(struct bc_uring *u)
{
	struct params pr = { 0 };
	size_t sq_len, cq_len;
	long fd, ring, sqes;
	uint32_t *array;

	fd = sys6(NR_SETUP, BC_URING_ENTRIES, (long)&pr, 0, 0, 0, 0);
	if (fd < 0)
		return u->err = fd;
	if ((pr.features & (FEAT_SINGLE_MMAP | FEAT_RW_CUR_POS)) !=
	    (FEAT_SINGLE_MMAP | FEAT_RW_CUR_POS)) {
		sys6(SYS_close, fd, 0, 0, 0, 0, 0);
		return u->err = -EOPNOTSUPP;
	}
	if ((fd = move_high(fd)) < 0)
		return u->err = fd;
	sq_len = pr.sq_off.array + pr.sq_entries * sizeof(uint32_t);
	cq_len = pr.cq_off.cqes + pr.cq_entries * sizeof(struct cqe);
	if (cq_len > sq_len)
		sq_len = cq_len;
	ring = sys6(SYS_mmap, 0, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if ((unsigned long)ring > -4096UL) {
		sys6(SYS_close, fd, 0, 0, 0, 0, 0);
		return u->err = ring;
	}
	sqes = sys6(SYS_mmap, 0, pr.sq_entries * sizeof(struct sqe), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, fd, OFF_SQES);
	if ((unsigned long)sqes > -4096UL) {
		sys6(SYS_munmap, ring, sq_len, 0, 0, 0, 0);
		sys6(SYS_close, fd, 0, 0, 0, 0, 0);
		return u->err = sqes;
	}
	u->fd = fd;
	u->ring = (void *)ring;
	u->ring_len = sq_len;
	u->sqes = (void *)sqes;
	u->sq_head = at(u->ring, pr.sq_off.head);
	u->sq_tail = at(u->ring, pr.sq_off.tail);
	u->sq_mask = at(u->ring, pr.sq_off.ring_mask);
	u->cq_head = at(u->ring, pr.cq_off.head);
	u->cq_tail = at(u->ring, pr.cq_off.tail);
	u->cq_mask = at(u->ring, pr.cq_off.ring_mask);
	u->cqes = at(u->ring, pr.cq_off.cqes);
	/* SQE slot i is always submitted from array slot i. */
	array = at(u->ring, pr.sq_off.array);
	for (uint32_t i = 0; i < pr.sq_entries; i++)
		array[i] = i;
	u->err = 0;
	u->ready = 1;
	return 0;
}

void __bc_uring_free(struct bc_uring *u)
{
	int err = u->err;

	if (u->sqes)
		sys6(SYS_munmap, (long)u->sqes, BC_URING_ENTRIES * sizeof(struct sqe), 0, 0, 0, 0);
	if (u->ring)
		sys6(SYS_munmap, (long)u->ring, u->ring_len, 0, 0, 0, 0);
	if (u->ring && u->fd >= 0)
		sys6(SYS_close, u->fd, 0, 0, 0, 0, 0);
	*u = (struct bc_uring){ .err = err };
}

int __bc_uring_capable(long nr)
{
	switch (nr) {
	case SYS_write: case SYS_writev: case SYS_pwrite64: case SYS_pwritev:
	case SYS_close: case SYS_sendto: case SYS_sendmsg:
	case SYS_fadvise64: case SYS_madvise: case SYS_fsync: case SYS_fdatasync:
		return 1;
	}
	return 0;
}

/* One call of the page. */
struct call {
	long nr;
	uint64_t *r;     /* its window: result, then six arguments */
	int res;         /* the ring's result */
	uint8_t state;   /* enum below */
};

enum { C_RING, C_SENT, C_DONE };  /* to submit, submitted, completed */

/* Whether io_uring does with these arguments exactly what the syscall
 * would; else the call runs directly. */
static int ring_args(const struct bc_uring *u, long nr, const uint64_t *a)
{
	long alen = (int)a[5];

	if (nr != SYS_madvise && (int)a[0] == u->fd)
		return 0;
	switch (nr) {
	case SYS_write:
		return a[2] <= MAX_RW_COUNT;
	case SYS_pwrite64:
		return a[2] <= MAX_RW_COUNT && (int64_t)a[3] >= 0;
	case SYS_writev:
		return a[2] <= MAX_IOV;
	case SYS_pwritev:
		return a[2] <= MAX_IOV && (int64_t)a[3] >= 0;
	case SYS_sendto:
		return a[2] <= MAX_RW_COUNT && (!a[4] || (alen > 0 && alen <= SOCKADDR_MAX));
	case SYS_fadvise64:
		return a[2] <= UINT32_MAX;
	case SYS_madvise:
		return a[1] <= UINT32_MAX;
	}
	return 1;
}

static void prep(struct bc_uring *u, struct sqe *s, unsigned i, const struct call *c)
{
	const uint64_t *a = c->r + 1;

	*s = (struct sqe){ .fd = (int)a[0], .user_data = i };
	switch (c->nr) {
	case SYS_write:
	case SYS_pwrite64:
		s->opcode = OP_WRITE;
		s->addr = a[1];
		s->len = a[2];
		s->off = c->nr == SYS_write ? (uint64_t)-1 : a[3];
		break;
	case SYS_writev:
	case SYS_pwritev:
		s->opcode = OP_WRITEV;
		s->addr = a[1];
		s->len = a[2];
		s->off = c->nr == SYS_writev ? (uint64_t)-1 : a[3];
		break;
	case SYS_close:
		s->opcode = OP_CLOSE;
		break;
	case SYS_sendto:
		s->op_flags = a[3];
		if (!a[4]) {
			s->opcode = OP_SEND;
			s->addr = a[1];
			s->len = a[2];
			break;
		}
		u->iov[i] = (struct iovec){ (void *)a[1], a[2] };
		u->msg[i] = (struct msghdr){ .msg_name = (void *)a[4], .msg_namelen = a[5],
					     .msg_iov = &u->iov[i], .msg_iovlen = 1 };
		s->opcode = OP_SENDMSG;
		s->addr = (uint64_t)&u->msg[i];
		break;
	case SYS_sendmsg:
		s->opcode = OP_SENDMSG;
		s->addr = a[1];
		s->op_flags = a[2];
		break;
	case SYS_fadvise64:
		s->opcode = OP_FADVISE;
		s->off = a[1];
		s->len = a[2];
		s->op_flags = a[3];
		break;
	case SYS_madvise:
		s->opcode = OP_MADVISE;
		s->fd = -1;
		s->addr = a[0];
		s->len = a[1];
		s->op_flags = a[2];
		break;
	case SYS_fsync:
	case SYS_fdatasync:
		s->opcode = OP_FSYNC;
		s->op_flags = c->nr == SYS_fdatasync ? FSYNC_DATASYNC : 0;
		break;
	}
}

/* Collect the completions there are. */
static unsigned reap(struct bc_uring *u, struct call *c)
{
	unsigned head = *u->cq_head, n = 0;
	const struct cqe *q = u->cqes;

	for (; head != __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE); head++, n++) {
		const struct cqe *e = &q[head & *u->cq_mask];
		c[e->user_data].res = e->res;
		c[e->user_data].state = C_DONE;
	}
	__atomic_store_n(u->cq_head, head, __ATOMIC_RELEASE);
	return n;
}

/* The ring stopped working: nothing more goes to it.  A fd that is not a
 * ring any more may have been reused: not ours to close. */
static void ring_failed(struct bc_uring *u, long err)
{
	u->ready = 0;
	u->err = err;
	if (err == -EBADF || err == -EOPNOTSUPP)
		u->fd = -1;
}

/* Submit the n requests queued, wait for all; if the ring fails, those
 * not submitted go back to C_RING. */
static void submit_wait(struct bc_uring *u, struct call *c, unsigned n)
{
	unsigned pending = n, head;
	long ret;

	while (pending) {
		head = __atomic_load_n(u->sq_head, __ATOMIC_ACQUIRE);
		ret = sys6(NR_ENTER, u->fd, *u->sq_tail - head, pending, ENTER_GETEVENTS, 0, 0);
		u->enters++;
		pending -= reap(u, c);
		if (ret >= 0 || ret == -EINTR)
			continue;
		/* Take back what was not submitted, wait for what was. */
		head = __atomic_load_n(u->sq_head, __ATOMIC_ACQUIRE);
		for (unsigned k = head; k != *u->sq_tail; k++) {
			const struct sqe *s = (const struct sqe *)u->sqes + (k & *u->sq_mask);
			c[s->user_data].state = C_RING;
			pending--;
		}
		__atomic_store_n(u->sq_tail, head, __ATOMIC_RELEASE);
		ring_failed(u, ret);
		/* Completions need no enter: task work runs on any return
		 * to user space. */
		while (pending) {
			sys6(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
			pending -= reap(u, c);
		}
	}
}

/* Whether a ring result must be replaced by the syscall's own. */
static int reissue(const struct call *c)
{
	const uint64_t *a = c->r + 1;

	if (c->state != C_DONE || c->res == -ECANCELED)
		return 1;
	if (c->res == -EPIPE)
		return (c->nr == SYS_sendto && !(a[3] & MSG_NOSIGNAL)) ||
		       (c->nr == SYS_sendmsg && !(a[2] & MSG_NOSIGNAL));
	return c->nr == SYS_close && c->res == -EBADF;
}

static void direct(struct call *c)
{
	uint64_t *r = c->r;

	r[0] = __bc_raw6(c->nr, r[1], r[2], r[3], r[4], r[5], r[6]);
}

/* Run calls c[0..n) through the ring, one chain in program order, then
 * fix up in the same order: a call the chain cancelled after a failure
 * runs directly once the failed one has. */
static void run_segment(struct bc_uring *u, struct call *c, unsigned n)
{
	unsigned tail = *u->sq_tail;
	struct sqe *q = u->sqes;

	for (unsigned i = 0; i < n; i++) {
		struct sqe *s = &q[tail++ & *u->sq_mask];
		prep(u, s, i, &c[i]);
		if (i + 1 < n)
			s->flags |= SQE_IO_LINK;
		c[i].state = C_SENT;
	}
	__atomic_store_n(u->sq_tail, tail, __ATOMIC_RELEASE);
	submit_wait(u, c, n);
	for (unsigned i = 0; i < n; i++) {
		if (reissue(&c[i]))
			direct(&c[i]);
		else
			c[i].r[0] = (uint64_t)(int64_t)c[i].res;
	}
}

/* The page's calls, if it is straight-line; else -1. */
static int parse(struct bc_page *p, struct call *c)
{
	unsigned pc = 0, n = 0, end = p->code_len;
	const uint8_t *code = p->code;

	if (end > BC_CODE_MAX)
		return -1;
	while (pc < end) {
		const struct bc_opinfo *info = &__bc_opinfo[code[pc]];
		if (!info->name || info->shape != BC_SHAPE_CALL || n == MAX_CALLS ||
		    end - pc < 5 || code[pc + 1] != BC_OP_jneg || code[pc + 2] != n * BC_WIN_SIZE ||
		    __bc_get16(code + pc + 3) != pc + 5)
			return -1;
		c[n].nr = info->nr;
		c[n].r = p->reg + n * BC_WIN_SIZE;
		n++;
		pc += 5;
	}
	return n;
}

int __bc_uring_exec(struct bc_uring *u, struct bc_page *p, const unsigned char *use)
{
	struct call c[MAX_CALLS];
	int n = u->ready ? parse(p, c) : -1;
	int i = 0, j;

	if (n < 0)
		return bc_exec(p, NULL);
	while (i < n) {
		for (j = i; j < n && u->ready; j++) {
			const uint64_t *a = c[j].r + 1;
			if (!use[c[j].nr] || !__bc_uring_capable(c[j].nr) || !ring_args(u, c[j].nr, a))
				break;
		}
		if (j == i) {
			direct(&c[i++]);
			continue;
		}
		run_segment(u, c + i, j - i);
		i = j;
	}
	p->status = BC_ST_DONE;
	p->stop_pc = p->code_len;
	p->win = n * BC_WIN_SIZE;
	p->error = 0;
	p->calls = n;
	return BC_ST_DONE;
}

int __bc_uring_nops(struct bc_uring *u, unsigned n, int one_chain)
{
	struct call c[BC_URING_ENTRIES];
	struct sqe *q = u->sqes;
	unsigned tail;

	if (!u->ready)
		return u->err ? u->err : -EBADF;
	if (n > BC_URING_ENTRIES)
		return -EINVAL;
	tail = *u->sq_tail;
	for (unsigned i = 0; i < n; i++) {
		struct sqe *s = &q[tail++ & *u->sq_mask];
		*s = (struct sqe){ .opcode = OP_NOP, .user_data = i,
				   .flags = one_chain && i + 1 < n ? SQE_IO_LINK : 0 };
		c[i].state = C_SENT;
	}
	__atomic_store_n(u->sq_tail, tail, __ATOMIC_RELEASE);
	submit_wait(u, c, n);
	return u->ready ? 0 : u->err;
}
