/* Batches: the queue (whose writes merged as they came, engine.c),
 * merged further (datagram sends on one fd into sendmmsg, runs of closes
 * into close_range) into a batch, handed to an executor (executor.c),
 * waited for in order, and its results (checked against what the
 * program was told) applied to the engine's state when it is reaped. */
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "executor.h"
#include "fdstate.h"
#include "flush.h"
#include "queue.h"
#include "raw.h"
#include "state.h"
#include "sud.h"

/* From linux/futex.h, which musl builds cannot include. */
#define FUTEX_WAIT_PRIVATE 128

#define E __bc_e

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

/* Apply the results of the batches that have run, in order. */
static void reap(void)
{
	while (E.reaped != E.submitted && ran(E.reaped + 1)) {
		apply(&E.batches[(E.reaped + 1) % BC_NBATCH]);
		E.reaped++;
	}
	__bc_busy_update();
}

hidden void __bc_wait(uint32_t seq)
{
	if (!ran(seq)) {
		/* A batch of file writes ends: a signal waits for it, and a
		 * handler's calls go after it.  One that may wait for good
		 * lets a handler run meanwhile (signals.c), as a blocked
		 * flush does. */
		E.n.inflight_waits++;
		if (may_block(seq)) {
			__bc_holder_blocks(helper_holds, 1);
			await(seq, 0);
			__bc_holder_blocks(helper_holds, -1);
		} else {
			await(seq, 0);
		}
	}
	reap();
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
		b->target[b->ntarget++] = (struct bc_target){ E.target[i], f->known_id, f->dev, f->ino };
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

hidden void __bc_flush(int reason, long nr)
{
	struct bc_batch *b;
	uint32_t seq = E.submitted + 1;
	int async = 1;

	if (!E.npend)
		return;
	helper_holds = reason == FL_TIME;
	/* Its batch must be free: the one BC_NBATCH before reaped. */
	if (seq - E.reaped > BC_NBATCH)
		__bc_wait(seq - BC_NBATCH);
	b = &E.batches[seq % BC_NBATCH];
	b->seq = seq;
	b->issued = 0;
	b->nops = merge(b, &async);
	stamp(b);
	async = async && may_go_async(reason) && __bc_executor_kick() == 0;
	E.n.issued += b->nops;
	E.n.deferred += E.ncalls;
	backoff(E.ncalls, async ? E.ncalls : E.ncalls - b->nops);
	E.n.flushes[reason]++;
	if (reason == FL_DEP)
		E.n.flush_by[(unsigned long)nr < BC_NR_LIMIT ? nr : BC_NR_LIMIT]++;
	if (async) {
		/* The queue's data goes with the batch; the batch's spare
		 * arena takes its place. */
		char *spare = b->arena;
		b->arena = E.arena;
		E.arena = spare;
		E.submitted = seq;
		E.n.async_batches++;
		__bc_executor_hand(b);
	} else {
		/* In order: after every batch before it. */
		__bc_wait(E.submitted);
		__bc_executor_run(b, helper_holds);
		E.submitted = seq;
		__atomic_store_n(&E.x.done, seq, __ATOMIC_SEQ_CST);
	}
	__bc_queue_drop();
	reap();  /* and the busy hint */
	helper_holds = 0;
}

hidden void __bc_settle(int reason, long nr, int brief)
{
	/* Dying, only a batch that may wait for another party is given up
	 * on: blocked, what is queued after it cannot go. */
	if (brief && E.submitted != E.reaped && may_block(E.submitted) && !await(E.submitted, 50)) {
		E.n.deferred += E.ncalls;
		__bc_queue_drop();
		__bc_busy_update();
		return;
	}
	__bc_flush(reason, nr);
	__bc_wait(E.submitted);
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
	__bc_executor_child();
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

