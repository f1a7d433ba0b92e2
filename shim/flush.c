/* The flush: the queue, merged (adjacent writes to one fd into one write,
 * contiguous pwrites into one pwrite64, datagram sends into sendmmsg,
 * runs of closes into close_range), compiled into bc pages and run by the
 * direct executor; each merged result is checked against what the program
 * was told. */
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "engine.h"
#include "internal.h"
#include "raw.h"

#define E __bc_e
#define PAGE_CALLS (BC_NREGS / BC_WIN_SIZE)

/* One call of the page: queue entries first..last merged. */
struct op {
	long nr, a[6], want;
	unsigned first, last;
};

static struct op ops[BC_QUEUE_MAX];
static struct mmsghdr msgs[BC_QUEUE_MAX];
static struct iovec msg_iov[BC_QUEUE_MAX];
static struct bc_page page;
static int on_timer;  /* the timer thread is flushing: it has no TLS */
static unsigned char opcode[BC_NR_MAX];
static long timer_tid;

hidden void __bc_flush_thread(long tid)
{
	timer_tid = tid;
}

/* Writes to a device keep their boundaries (a tun device, /dev/kmsg); a
 * memory device (/dev/null) has none. */
static int mergeable(const struct bc_pend *p)
{
	return p->fd < 0 || E.fd[p->fd].type != FT_CHR;
}

/* A pipe's writes of up to PIPE_BUF bytes are atomic against its other
 * writers: merged, they must stay within it.  A file opened by path may
 * be a FIFO: probed once its merges would pass that. */
static long merge_max(int fd, long want)
{
	if (want > 4096 && E.fd[fd].type == FT_FILE)
		__bc_fd_identify(fd);
	return E.fd[fd].type == FT_FIFO || E.fd[fd].type == FT_FILE ? 4096 : 1L << 20;
}

static unsigned merge(void)
{
	unsigned n = 0, i = 0, nmsg = 0;

	while (i < E.npend) {
		const struct bc_pend *p = &E.q[i], *q;
		struct op *o = &ops[n++];
		unsigned j = i + 1;

		o->nr = p->nr;
		for (int k = 0; k < 6; k++)
			o->a[k] = p->a[k];
		o->want = p->want;
		o->first = i;
		for (; j < E.npend && mergeable(p); j++) {
			q = &E.q[j];
			if (q->pred != p->pred || q->fd != p->fd ||
			    o->a[2] + q->a[2] > merge_max(p->fd, o->a[2] + q->a[2]))
				break;
			if (p->pred == PRED_WRITE && q->a[1] == o->a[1] + o->a[2]) {
				o->a[2] += q->a[2];
			} else if (p->pred == PRED_PWRITE && q->a[1] == o->a[1] + o->a[2] &&
				   q->a[3] == o->a[3] + o->a[2]) {
				o->a[2] += q->a[2];
			} else {
				break;
			}
			o->want += q->want;
		}
		if (p->pred == PRED_CLOSE) {
			for (j = i + 1; j < E.npend && E.q[j].pred == PRED_CLOSE &&
			     E.q[j].fd == E.q[j - 1].fd + 1; j++)
				;
			if (j - i > 1) {
				o->nr = SYS_close_range;
				o->a[1] = E.q[j - 1].fd;
				o->a[2] = 0;
			}
		}
		if (p->pred == PRED_SEND) {
			for (j = i + 1; j < E.npend && E.q[j].pred == PRED_SEND &&
			     E.q[j].fd == p->fd; j++)
				;
			if (j - i > 1) {
				o->nr = SYS_sendmmsg;
				o->a[1] = (long)&msgs[nmsg];
				o->a[2] = j - i;
				o->a[3] = 0;
				o->want = j - i;
				for (unsigned k = i; k < j; k++, nmsg++) {
					msg_iov[nmsg] = (struct iovec){ (void *)E.q[k].a[1], E.q[k].a[2] };
					msgs[nmsg] = (struct mmsghdr){ .msg_hdr = {
						.msg_name = (void *)E.q[k].a[4],
						.msg_namelen = E.q[k].a[5],
						.msg_iov = &msg_iov[nmsg], .msg_iovlen = 1 } };
				}
			}
		}
		o->last = j - 1;
		i = j;
	}
	return n;
}

static void die_abort(void)
{
	long dfl[4] = { 0 };
	unsigned long set = 1UL << (SIGABRT - 1);

	__bc_raw6(SYS_rt_sigaction, SIGABRT, (long)dfl, 0, 8, 0, 0);
	__bc_raw6(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&set, 0, 8, 0, 0);
	__bc_raw6(SYS_kill, __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0), SIGABRT, 0, 0, 0, 0);
}

/* A deferred call's real result differed from the one the program got. */
static void mispredicted(const struct bc_pend *p, long err)
{
	E.n.mispredictions++;
	if (E.cfg.abort) {
		__bc_say("misprediction: a deferred call failed after it was reported done (BC_ON_MISPREDICT=abort)");
		die_abort();
	}
	if ((err == -EPIPE || err == -EFBIG) && timer_tid &&
	    __bc_raw6(SYS_gettid, 0, 0, 0, 0, 0, 0) == timer_tid)
		/* The kernel signalled the timer thread, which blocks all
		 * signals: the program must see its SIGPIPE or SIGXFSZ. */
		__bc_raw6(SYS_kill, __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0),
			  err == -EPIPE ? SIGPIPE : SIGXFSZ, 0, 0, 0, 0);
	if (p->fd >= 0 && p->pred != PRED_CLOSE && err < 0) {
		E.fd[p->fd].err = -err;
		E.any_owed = 1;
	}
}

/* A merged write came back short: issue the rest as the program's later
 * calls would have been, until done or an error. */
static void finish_write(const struct op *o, long r)
{
	long done = r > 0 ? r : 0;

	while (r > 0 && done < o->a[2]) {
		E.n.issued++;
		if (o->nr == SYS_pwrite64)
			r = __bc_raw6(SYS_pwrite64, o->a[0], o->a[1] + done, o->a[2] - done,
				      o->a[3] + done, 0, 0);
		else
			r = __bc_raw6(SYS_write, o->a[0], o->a[1] + done, o->a[2] - done,
				      0, 0, 0);
		if (r > 0)
			done += r;
	}
	if (done < o->a[2])
		mispredicted(&E.q[o->last], r < 0 ? r : -EIO);
}

static void check(const struct op *o, long r)
{
	if (r == o->want)
		return;
	switch (o->nr) {
	case SYS_write:
	case SYS_pwrite64:
		finish_write(o, r);
		return;
	case SYS_sendmmsg:
		/* The messages not sent go one by one, for their error. */
		for (unsigned k = r > 0 ? r : 0; k < o->a[2]; k++) {
			const struct bc_pend *p = &E.q[o->first + k];
			E.n.issued++;
			r = __bc_raw6(SYS_sendto, p->a[0], p->a[1], p->a[2], 0, p->a[4], p->a[5]);
			if (r != p->want)
				mispredicted(p, r < 0 ? r : -EIO);
		}
		return;
	}
	mispredicted(&E.q[o->first], r < 0 ? r : -EIO);
}

static void compile_opcodes(void)
{
	for (unsigned op = 0; op < 256; op++)
		if (__bc_opinfo[op].name && __bc_opinfo[op].nr >= 0)
			opcode[__bc_opinfo[op].nr] = op;
}

/* Run ops[from..to) as one page: each call, then a jneg on its result
 * to the next instruction, so that a failed call does not stop the rest. */
static void run_page(unsigned from, unsigned to)
{
	uint64_t operand[2];

	/* Only the code is new: the header stays valid, and every register
	 * the code reads is set below. */
	if (page.magic != BC_MAGIC)
		bc_page_init(&page);
	page.code_len = 0;
	for (unsigned i = from; i < to; i++) {
		unsigned w = (i - from) * BC_WIN_SIZE;
		for (int k = 0; k < 6; k++)
			page.reg[w + 1 + k] = ops[i].a[k];
		bc_emit(&page, opcode[ops[i].nr], NULL);
		operand[0] = w;
		operand[1] = page.code_len + 4;
		bc_emit(&page, BC_OP_jneg, operand);
	}
	if (!on_timer)
		__bc_blocked++;
	bc_exec(&page, NULL);
	for (unsigned i = from; i < to; i++)
		check(&ops[i], (long)page.reg[(i - from) * BC_WIN_SIZE]);
	if (!on_timer)
		__bc_blocked--;
}

/* Deferral only pays when calls merge: each deferred call costs a copy
 * and its share of a flush, each merged one saves a kernel entry.  Every
 * WINDOW flushes, if fewer than one in SAVE_SHARE of the calls deferred
 * in them merged away (a shell's echo >> file; tar's write, futimens,
 * fchown, fchmod on each file), the next calls that could wait go direct:
 * BACKOFF_MIN of them, doubling each time it happens again in a row, up
 * to BACKOFF_MAX. */
#define WINDOW 8
#define SAVE_SHARE 4
#define BACKOFF_MIN 64
#define BACKOFF_MAX 65536

static void backoff(unsigned deferred, unsigned saved)
{
	E.win_deferred += deferred;
	E.win_saved += saved;
	if (++E.win_flushes < WINDOW)
		return;
	if (E.win_saved * SAVE_SHARE >= E.win_deferred) {
		E.backoff_len = 0;
	} else {
		E.backoff_len = E.backoff_len ? E.backoff_len * 2 : BACKOFF_MIN;
		if (E.backoff_len > BACKOFF_MAX)
			E.backoff_len = BACKOFF_MAX;
		E.backoff = E.backoff_len;
		E.n.backoffs++;
	}
	E.win_flushes = E.win_deferred = E.win_saved = 0;
}

hidden void __bc_run_queue_for(int reason, long nr)
{
	unsigned n;

	if (!E.npend)
		return;
	if (!opcode[SYS_write])
		compile_opcodes();
	on_timer = reason == FL_TIME;
	n = merge();
	E.n.issued += n;
	backoff(E.npend, E.npend - n);
	E.n.flushes[reason]++;
	if (reason == FL_DEP)
		E.n.flush_by[(unsigned long)nr < BC_NR_MAX ? nr : BC_NR_MAX]++;
	for (unsigned i = 0; i < n; i += PAGE_CALLS)
		run_page(i, i + PAGE_CALLS < n ? i + PAGE_CALLS : n);
	for (unsigned i = 0; i < E.npend; i++)
		if (E.q[i].pred == PRED_CLOSE)
			__bc_fd_forget(E.q[i].fd);
	__bc_queue_drop();
}

hidden void __bc_queue_drop(void)
{
	for (unsigned i = 0; i < E.ntarget; i++)
		E.fd[E.target[i]].npend = 0;
	if (E.many_targets)
		for (unsigned fd = 0; fd < BC_FD_MAX; fd++)
			E.fd[fd].npend = 0;
	E.ntarget = 0;
	E.many_targets = 0;
	E.used = 0;
	__atomic_store_n(&E.npend, 0, __ATOMIC_RELEASE);
}
