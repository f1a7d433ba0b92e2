/* The flush: the queue (whose writes merged as they came, engine.c),
 * merged further (datagram sends on one fd into sendmmsg, runs of closes
 * into close_range) into a batch of bc pages, run by the
 * direct executor, through io_uring, or on the executor thread while the
 * program goes on; each merged result is checked against what the
 * program was told, and applied to the engine's state when the batch is
 * reaped, in order. */
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>

#include "engine.h"
#include "internal.h"
#include "raw.h"
#include "uring.h"

/* From linux/futex.h, which musl builds cannot include. */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

#define E __bc_e
#define PAGE_CALLS (BC_NREGS / BC_WIN_SIZE)

/* A batch: the queue merged, with everything its calls point to, so that
 * the queue can fill again while it runs. */
struct bc_batch {
	uint32_t ready;     /* its seq, once handed to the executor thread */
	uint32_t seq;
	unsigned nops;
	unsigned ntarget;   /* the fds it touches, with their files */
	int many_targets;
	struct target { int fd, known; uint64_t dev, ino; } target[BC_TARGETS_MAX];
	uint64_t issued;    /* calls issued finishing short writes */
	int may_block;      /* it writes to a pipe or socket: may wait for
			       another party for good */
	char *arena;        /* an async batch's data (the queue's, swapped) */
	struct bc_page page;
	struct flush_op {
		long nr, a[6], want;
		long err;       /* a misprediction's -errno, or 0 */
		unsigned nmiss; /* mispredictions: a sendmmsg has several */
		int fd;         /* the program's fd, or -1 */
		uint32_t epoch; /* the fd's epoch when deferred */
		unsigned char pred;
		unsigned char sig; /* the signal its failure kills with, or 0 */
	} ops[BC_QUEUE_MAX];
	struct mmsghdr msgs[BC_QUEUE_MAX];
	struct iovec msg_iov[BC_QUEUE_MAX];
};

static unsigned char opcode[BC_NR_MAX];

static unsigned char uring_use[BC_NR_MAX]; /* by merged call's nr */
static struct bc_uring ring;  /* used under the lock only */

static unsigned merge(struct bc_batch *b, int *async)
{
	unsigned n = 0, i = 0, nmsg = 0;

	while (i < E.npend) {
		const struct bc_pend *p = &E.q[i];
		struct flush_op *o = &b->ops[n++];
		unsigned j = i + 1;

		*o = (struct flush_op){ .nr = p->nr, .want = p->want, .fd = p->fd, .pred = p->pred,
				     .sig = p->sig, .epoch = p->fd >= 0 ? E.fd[p->fd].epoch : 0 };
		*async &= E.cfg.exec[p->pred] == EX_ASYNC;
		for (int k = 0; k < 6; k++)
			o->a[k] = p->a[k];
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
				o->a[1] = (long)&b->msgs[nmsg];
				o->a[2] = j - i;
				o->a[3] = 0;
				o->want = j - i;
				for (unsigned k = i; k < j; k++, nmsg++) {
					b->msg_iov[nmsg] = (struct iovec){ (void *)E.q[k].a[1], E.q[k].a[2] };
					b->msgs[nmsg] = (struct mmsghdr){ .msg_hdr = {
						.msg_name = (void *)E.q[k].a[4],
						.msg_namelen = E.q[k].a[5],
						.msg_iov = &b->msg_iov[nmsg], .msg_iovlen = 1 } };
				}
			}
		}
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

/* A deferred call's real result differed from the one the program got:
 * noted in the op, applied when the batch is reaped.  A call whose
 * failure kills natively (its EPIPE came with SIGPIPE) kills here, before
 * any later call is issued; helper: on a raw thread of the engine. */
static void missed(struct flush_op *o, long err, int helper)
{
	if (o->sig == SIGPIPE && err == -EPIPE)
		__bc_die_of(SIGPIPE, !helper);
	o->nmiss++;
	o->err = err;
	if (E.cfg.abort) {
		__bc_say("misprediction: a deferred call failed after it was reported done (BC_ON_MISPREDICT=abort)");
		die_abort();
	}
}

/* A merged write came back short: issue the rest as the program's later
 * calls would have been, until done or an error.  Interrupted by a
 * handler before it wrote anything (a full pipe, no SA_RESTART), it is
 * issued again: natively the signal could as well have come later. */
static void finish_write(struct bc_batch *b, struct flush_op *o, long r, int helper)
{
	long done = r > 0 ? r : 0;

	while ((r > 0 || r == -EINTR) && done < o->a[2]) {
		b->issued++;
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
		missed(o, r < 0 ? r : -EIO, helper);
}

static void check(struct bc_batch *b, struct flush_op *o, long r, int helper)
{
	if (r == o->want)
		return;
	switch (o->nr) {
	case SYS_write:
	case SYS_pwrite64:
		finish_write(b, o, r, helper);
		return;
	case SYS_sendmmsg:
		/* The messages not sent go one by one, for their error. */
		for (unsigned k = r > 0 ? r : 0; k < o->a[2]; k++) {
			const struct msghdr *m = &((struct mmsghdr *)o->a[1])[k].msg_hdr;
			long len = m->msg_iov->iov_len;
			b->issued++;
			r = __bc_raw6(SYS_sendto, o->a[0], (long)m->msg_iov->iov_base, len, 0,
				      (long)m->msg_name, m->msg_namelen);
			if (r != len)
				missed(o, r < 0 ? r : -EIO, helper);
		}
		return;
	}
	missed(o, r < 0 ? r : -EIO, helper);
}

/* The bc opcode of each call a flush makes, and which of them go
 * through io_uring (by their class's executor). */
static void compile_opcodes(void)
{
	static const struct { short nr; unsigned char pred; } class_of[] = {
		{ SYS_write, PRED_WRITE }, { SYS_pwrite64, PRED_PWRITE },
		{ SYS_sendto, PRED_SEND }, { SYS_sendmmsg, PRED_SEND },
		{ SYS_fchmod, PRED_META }, { SYS_fchown, PRED_META },
		{ SYS_utimensat, PRED_META }, { SYS_fadvise64, PRED_META },
		{ SYS_madvise, PRED_ADVISE }, { SYS_close, PRED_CLOSE },
		{ SYS_close_range, PRED_CLOSE },
	};

	for (unsigned op = 0; op < 256; op++)
		if (__bc_opinfo[op].name && __bc_opinfo[op].nr >= 0)
			opcode[__bc_opinfo[op].nr] = op;
	for (unsigned i = 0; i < sizeof class_of / sizeof *class_of; i++)
		uring_use[class_of[i].nr] = E.cfg.exec[class_of[i].pred] == EX_URING &&
					    __bc_uring_capable(class_of[i].nr);
	/* A write at the file position that comes back short from the ring
	 * leaves the position where it was (Linux 6.18, a write past
	 * RLIMIT_FSIZE: tests/edge fsize): its rest could not be finished.
	 * pwrites finish at explicit offsets. */
	uring_use[SYS_write] = 0;
}

/* Run ops[from..to) as one page.  Run here (bc_exec), each call is
 * followed by a jne of its result against the one the program was given
 * (its window's spare register) to the final stop: the page stops after
 * the first call that did not do what the program was told, which is
 * finished (a short write) or noted (check) before any later call is
 * issued, so that the kernel sees the program's order and a failure that
 * kills natively (SIGPIPE, SIGXFSZ: missed) kills there.  Through the
 * ring, which runs every call it is given (never one whose failure
 * kills), each is followed by a jneg to the next instruction.  Returns the
 * index after the last call issued. */
static unsigned run_page(struct bc_batch *b, unsigned from, unsigned to, int helper)
{
	struct bc_page *page = &b->page;
	uint64_t operand[3];
	unsigned ran, stop = (to - from) * (1 + 5);
	int uring = 0, fatal = 0;

	for (unsigned i = from; i < to; i++) {
		uring |= uring_use[b->ops[i].nr];
		fatal |= b->ops[i].sig;
	}
	uring = uring && !fatal && (ring.ready || (!ring.err && __bc_uring_setup(&ring) == 0));
	/* Only the code is new: the header stays valid, and every register
	 * the code reads is set below. */
	if (page->magic != BC_MAGIC)
		bc_page_init(page);
	page->code_len = 0;
	for (unsigned i = from; i < to; i++) {
		unsigned w = (i - from) * BC_WIN_SIZE;
		for (int k = 0; k < 6; k++)
			page->reg[w + 1 + k] = b->ops[i].a[k];
		page->reg[w + 7] = b->ops[i].want;
		bc_emit(page, opcode[b->ops[i].nr], NULL);
		operand[0] = w;
		if (uring) {
			operand[1] = page->code_len + 4;
			bc_emit(page, BC_OP_jneg, operand);
		} else {
			operand[1] = w + 7;
			operand[2] = stop;
			bc_emit(page, BC_OP_jne, operand);
		}
	}
	if (!uring)
		bc_emit(page, BC_OP_stop, NULL);
	/* A flush of file writes ends: a signal waits for it.  One that may
	 * wait for another party lets a handler run meanwhile (signals.c). */
	if (!helper && b->may_block)
		__bc_tls.blocked++;
	if (uring) {
		uint64_t before = ring.enters;
		__bc_uring_exec(&ring, page, uring_use);
		E.n.uring_enters += ring.enters - before;
	} else {
		bc_exec(page, NULL);
	}
	ran = page->win / BC_WIN_SIZE;
	for (unsigned i = from; i < from + ran; i++)
		check(b, &b->ops[i], (long)page->reg[(i - from) * BC_WIN_SIZE], helper);
	if (!helper && b->may_block)
		__bc_tls.blocked--;
	return from + ran;
}

static void run_batch(struct bc_batch *b, int helper)
{
	for (unsigned i = 0; i < b->nops; )
		i = run_page(b, i, i + PAGE_CALLS < b->nops ? i + PAGE_CALLS : b->nops, helper);
}

/* Deferral only pays when calls merge or leave the program's core: each
 * deferred call costs a copy and its share of a flush, each merged one
 * saves a kernel entry, and each one the executor thread runs saves the
 * program its whole cost.  Every WINDOW flushes, if fewer than one in
 * SAVE_SHARE of the calls deferred in them were saved (tar's write,
 * futimens, fchown, fchmod on each file, run here), the next calls that
 * could wait go direct (and so do those of a process whose calls seldom
 * can wait: engine.c's tried): BACKOFF_MIN of them, doubling each time it
 * happens again in a row, up to BACKOFF_MAX; between spells a shorter
 * window (RECHECK) looks again.  Once nothing is pending the engine is
 * idle for the rest of the spell (__bc_idle). */
#define WINDOW 8
#define RECHECK 2    /* the window after a spell: it only confirms */
#define SAVE_SHARE 4
#define BACKOFF_MIN 64
#define BACKOFF_MAX 65536

hidden void __bc_backoff_begin(void)
{
	E.backoff_len = E.backoff_len ? E.backoff_len * 2 : BACKOFF_MIN;
	if (E.backoff_len > BACKOFF_MAX)
		E.backoff_len = BACKOFF_MAX;
	E.backoff = E.backoff_len;
	E.n.backoffs++;
	__bc_unverdict();
}

static void backoff(unsigned deferred, unsigned saved)
{
	E.win_deferred += deferred;
	E.win_saved += saved;
	if (++E.win_flushes < (E.backoff_len ? RECHECK : WINDOW))
		return;
	if (E.win_saved * SAVE_SHARE >= E.win_deferred)
		E.backoff_len = 0;
	else
		__bc_backoff_begin();
	E.win_flushes = E.win_deferred = E.win_saved = 0;
}

hidden void __bc_busy_update(void)
{
	uint32_t busy = E.npend + (E.submitted - E.reaped);

	__atomic_store_n(&E.busy, busy, __ATOMIC_RELEASE);
	__bc_sud_update(busy);
}

/* Has batch seq run? */
/* Whoever holds the lock may be a raw thread (the timer): no TLS. */
static int helper_holds;

static int ran(uint32_t seq)
{
	return (int32_t)(__atomic_load_n(&E.x.done, __ATOMIC_ACQUIRE) - seq) >= 0;
}

/* Wait for batch seq to run: a short spin, then a futex sleep (at most
 * about limit_ms if nonzero).  1 if it ran. */
static int await(uint32_t seq, int limit_ms)
{
	struct timespec ms = { 0, 1000000 };

	for (int spin = 0; spin < 4000; spin++) {
		if (ran(seq))
			return 1;
		__builtin_ia32_pause();
	}
	for (int slept = 0; !limit_ms || slept < limit_ms; slept++) {
		uint32_t d;
		__atomic_store_n(&E.x.waiting, 1, __ATOMIC_SEQ_CST);
		d = __atomic_load_n(&E.x.done, __ATOMIC_SEQ_CST);
		if ((int32_t)(d - seq) >= 0)
			return 1;
		__bc_raw6(SYS_futex, (long)&E.x.done, FUTEX_WAIT_PRIVATE, d,
			  limit_ms ? (long)&ms : 0, 0, 0);
	}
	return ran(seq);
}


/* Does a batch up to seq still to run write to a pipe or socket? */
static int may_block(uint32_t seq)
{
	for (uint32_t s = seq; (int32_t)(s - E.x.done) > 0; s--)
		if (E.batches[s % BC_NBATCH].may_block)
			return 1;
	return 0;
}

hidden void __bc_wait_batch(uint32_t seq)
{
	if (!ran(seq)) {
		/* A batch of file writes ends: a signal waits for it, and a
		 * handler's calls go after it.  One that may wait for good
		 * lets a handler run meanwhile (signals.c), as a blocked
		 * flush does. */
		E.n.inflight_waits++;
		if (!helper_holds && may_block(seq)) {
			__bc_tls.blocked++;
			await(seq, 0);
			__bc_tls.blocked--;
		} else {
			await(seq, 0);  /* on the timer thread: no TLS */
		}
	}
	__bc_reap();
}

/* A batch's results, back in the engine's state: mispredictions owed to
 * their fd's next call (if the fd still names that file and no close of
 * it is pending: relaxed, a close waits for nothing), closed fds
 * forgotten unless their number was reused. */
static void apply(struct bc_batch *b)
{
	E.n.issued += b->issued;
	for (unsigned i = 0; i < b->nops; i++) {
		const struct flush_op *o = &b->ops[i];
		if (o->nmiss) {
			E.n.mispredictions += o->nmiss;
			if (o->fd >= 0 && o->pred != PRED_CLOSE &&
			    E.fd[o->fd].epoch == o->epoch && !E.fd[o->fd].closing) {
				E.fd[o->fd].err = -o->err;
				E.any_owed = 1;
				__bc_unverdict();
			}
		}
		if (o->pred == PRED_CLOSE)
			for (long fd = o->a[0]; fd <= (o->nr == SYS_close ? o->a[0] : o->a[1]); fd++)
				if (E.fd[fd].closing && E.fd[fd].close_seq == b->seq)
					__bc_fd_forget(fd);
	}
}

hidden void __bc_reap(void)
{
	while (E.reaped != E.submitted && ran(E.reaped + 1)) {
		apply(&E.batches[(E.reaped + 1) % BC_NBATCH]);
		E.reaped++;
	}
	__bc_busy_update();
}

hidden uint32_t __bc_inflight_for(int fd, const struct bc_fd *f)
{
	for (uint32_t s = E.submitted; s != E.reaped; s--) {
		const struct bc_batch *b = &E.batches[s % BC_NBATCH];
		if (ran(s))
			return 0;
		if (b->many_targets)
			return s;
		for (unsigned i = 0; i < b->ntarget; i++)
			if (b->target[i].fd == fd || !f || !f->known_id || !b->target[i].known ||
			    (b->target[i].dev == f->dev && b->target[i].ino == f->ino))
				return s;
	}
	return 0;
}

hidden int __bc_inflight_closes(void)
{
	return (int32_t)(E.closes_seq - E.reaped) > 0;
}

/* What the batch touches, for the dependency points while it is in
 * flight; and its closes' fds, to forget when it is reaped. */
static void stamp(struct bc_batch *b)
{
	b->ntarget = 0;
	b->many_targets = E.many_targets;
	b->may_block = 0;
	for (unsigned i = 0; i < E.ntarget && !E.many_targets; i++) {
		const struct bc_fd *f = &E.fd[E.target[i]];
		b->target[b->ntarget++] = (struct target){ E.target[i], f->known_id, f->dev, f->ino };
	}
	for (unsigned i = 0; i < E.npend; i++) {
		const struct bc_pend *p = &E.q[i];
		if (p->fd < 0)
			continue;
		E.fd[p->fd].last_seq = b->seq;
		if (E.fd[p->fd].type != FT_REG && E.fd[p->fd].type != FT_MEMDEV)
			b->may_block = 1;
		if (p->pred == PRED_CLOSE) {
			E.fd[p->fd].close_seq = b->seq;
			E.closes_seq = b->seq;
		}
	}
}

/* Flushes that no call is waiting for may run on the executor thread. */
static int may_go_async(int reason)
{
	return reason == FL_FULL || reason == FL_BYTES || reason == FL_TIME ||
	       reason == FL_CLOSES;
}

hidden void __bc_run_queue_for(int reason, long nr)
{
	struct bc_batch *b;
	uint32_t seq = E.submitted + 1;
	int async = 1;

	if (!E.npend)
		return;
	helper_holds = reason == FL_TIME;
	if (!opcode[SYS_write])
		compile_opcodes();
	/* Its batch must be free: the one BC_NBATCH before reaped. */
	if (seq - E.reaped > BC_NBATCH)
		__bc_wait_batch(seq - BC_NBATCH);
	b = &E.batches[seq % BC_NBATCH];
	b->seq = seq;
	b->issued = 0;
	b->nops = merge(b, &async);
	stamp(b);
	async = async && may_go_async(reason) && __bc_executor_kick() == 0;
	E.n.issued += b->nops;
	backoff(E.ncalls, async ? E.ncalls : E.ncalls - b->nops);
	E.n.flushes[reason]++;
	if (reason == FL_DEP)
		E.n.flush_by[(unsigned long)nr < BC_NR_MAX ? nr : BC_NR_MAX]++;
	if (async) {
		/* The queue's data goes with the batch; the batch's spare
		 * arena takes its place. */
		char *spare = b->arena;
		b->arena = E.arena;
		E.arena = spare;
		E.submitted = seq;
		E.n.async_batches++;
		__atomic_store_n(&b->ready, seq, __ATOMIC_SEQ_CST);
		__atomic_fetch_add(&E.x.kick, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&E.x.exec_asleep, __ATOMIC_SEQ_CST))
			__bc_raw6(SYS_futex, (long)&E.x.kick, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
	} else {
		/* In order: after every batch before it. */
		__bc_wait_batch(E.submitted);
		run_batch(b, helper_holds);
		E.submitted = seq;
		__atomic_store_n(&E.x.done, seq, __ATOMIC_SEQ_CST);
	}
	__bc_queue_drop();
	__bc_reap();
	helper_holds = 0;
}

hidden void __bc_settle_all(int reason, long nr)
{
	__bc_run_queue_for(reason, nr);
	__bc_wait_batch(E.submitted);
}

hidden void __bc_settle_briefly(int reason)
{
	/* Only a batch that may wait for another party is given up on. */
	if (E.submitted != E.reaped && may_block(E.submitted) && !await(E.submitted, 50)) {
		/* A batch is blocked: what is queued after it cannot go. */
		__bc_queue_drop();
		return;
	}
	__bc_settle_all(reason, -1);
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
	E.queued_closes = 0;
	E.ncalls = 0;
	__bc_unverdict();  /* no last entry */
	__atomic_store_n(&E.npend, 0, __ATOMIC_RELEASE);
	__bc_busy_update();
}

hidden int __bc_batches_start(void)
{
	size_t size = BC_NBATCH * (sizeof(struct bc_batch) + E.arena_size);
	long m = __bc_raw6(SYS_mmap, 0, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if ((unsigned long)m > -4096UL)
		return m;
	E.batches = (struct bc_batch *)m;
	for (int i = 0; i < BC_NBATCH; i++)
		E.batches[i].arena = (char *)m + BC_NBATCH * sizeof(struct bc_batch) +
				     i * E.arena_size;
	return 0;
}

hidden void __bc_batches_child(int locked)
{
	__bc_executor_forget();
	/* The ring is shared with the parent: the child sets up its own. */
	if (ring.ready) {
		__bc_uring_free(&ring);
		ring.err = 0;
	}
	/* Nothing in flight and no flush under way (a fork from another
	 * thread while one held the lock): nothing of the parent's to undo,
	 * and none of its pages to copy. */
	if (!locked && E.x.done == E.submitted && E.reaped == E.submitted)
		return;
	/* Whatever the parent had in flight is the parent's; a fork from
	 * another thread may have caught a flush between its arena swaps. */
	for (int i = 0; i < BC_NBATCH; i++) {
		E.batches[i].ready = 0;
		E.batches[i].arena = (char *)E.batches + BC_NBATCH * sizeof(struct bc_batch) +
				     i * E.arena_size;
	}
	E.arena = E.arena0;
	E.x.done = E.reaped = E.submitted;
	E.x.waiting = E.x.exec_asleep = 0;
}

hidden const char *__bc_uring_state(void)
{
	static char why[40] = "unavailable: errno ";
	char digits[12], *d = digits;
	long e = -ring.err;
	size_t at = 19;

	if (ring.ready)
		return "ok";
	if (!ring.err)
		return "unused";
	if (e == ENOSYS)
		return "unavailable: not in this kernel (ENOSYS)";
	if (e == EPERM)
		return "unavailable: disabled by sysctl or seccomp (EPERM)";
	do
		*d++ = '0' + e % 10;
	while ((e /= 10));
	while (d > digits)
		why[at++] = *--d;
	why[at] = 0;
	return why;
}

/* Bounded spin of the idle executor thread, in TSC cycles (~100 us). */
#define IDLE_SPIN 300000

hidden void __bc_executor_main(void)
{
	uint64_t idle_since = 0;

	for (;;) {
		uint32_t next = __atomic_load_n(&E.x.done, __ATOMIC_ACQUIRE) + 1;
		struct bc_batch *b = &E.batches[next % BC_NBATCH];
		uint32_t k;

		if (__atomic_load_n(&b->ready, __ATOMIC_ACQUIRE) == next) {
			run_batch(b, 1);
			__atomic_store_n(&E.x.done, next, __ATOMIC_SEQ_CST);
			if (__atomic_load_n(&E.x.waiting, __ATOMIC_SEQ_CST)) {
				__atomic_store_n(&E.x.waiting, 0, __ATOMIC_SEQ_CST);
				__bc_raw6(SYS_futex, (long)&E.x.done, FUTEX_WAKE_PRIVATE,
					  0x7fffffff, 0, 0, 0);
			}
			idle_since = 0;
			continue;
		}
		if (__bc_executor_retired())
			return;
		if (!idle_since)
			idle_since = __builtin_ia32_rdtsc();
		if (__builtin_ia32_rdtsc() - idle_since < IDLE_SPIN) {
			__builtin_ia32_pause();
			continue;
		}
		k = __atomic_load_n(&E.x.kick, __ATOMIC_SEQ_CST);
		__atomic_store_n(&E.x.exec_asleep, 1, __ATOMIC_SEQ_CST);
		/* The next batch afresh: while this thread spun, the program
		 * may have run one itself (done moved on) and handed over the
		 * one after, seeing this thread awake (no wake-up). */
		next = __atomic_load_n(&E.x.done, __ATOMIC_SEQ_CST) + 1;
		b = &E.batches[next % BC_NBATCH];
		if (__atomic_load_n(&b->ready, __ATOMIC_SEQ_CST) != next && !__bc_executor_retired())
			__bc_raw6(SYS_futex, (long)&E.x.kick, FUTEX_WAIT_PRIVATE, k, 0, 0, 0);
		__atomic_store_n(&E.x.exec_asleep, 0, __ATOMIC_SEQ_CST);
		idle_since = 0;
	}
}
