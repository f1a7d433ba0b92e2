/* Batches (flush.c): the queue merged into a batch, handed to an
 * executor, waited for in order, its results reaped; and the backoff,
 * which flushes measure. */
#ifndef BC_FLUSH_H
#define BC_FLUSH_H

#include "state.h"

/* The flush verbs.  reason is an enum bc_flush_reason, nr the call that
 * depends on the queue or -1; all with the lock held.
 * __bc_flush: the queue becomes a batch, run here after the batches
 * before it, or (a page-full, byte, time or closes flush of calls whose
 * executor is async) handed to the executor thread. */
hidden void __bc_flush(int reason, long nr);
/* __bc_wait: batch seq has run (waited for), and every batch that has
 * is reaped: its results applied.  __bc_wait(E.reaped) only reaps. */
hidden void __bc_wait(uint32_t seq);
/* __bc_settle: flush and wait for every batch: after it the kernel has
 * seen every call made so far.  brief: a dying process's, which waits
 * for a blocked batch (a full pipe) about 50 ms only, then drops what is
 * queued.  (__bc_engine_settle is the same from outside the engine.) */
hidden void __bc_settle(int reason, long nr, int brief);
/* The newest batch flushed and not yet run that may touch fd's file
 * (identity dev/ino if known), or 0.  Lock held. */
hidden uint32_t __bc_inflight_for(int fd, const struct bc_fd *f);
/* Whether a batch flushed and not yet reaped holds a close.  Lock held. */
hidden int __bc_inflight_closes(void);
/* Recompute the busy hint.  Lock held. */
hidden void __bc_busy_update(void);

/* In a fork child: the parent's batches and threads are not the child's;
 * locked: another thread held the lock at the fork. */
hidden void __bc_batches_child(int locked);
/* Map the batches; 0 or -errno. */
hidden int __bc_batches_start(void);


/* Begin a spell of direct calls (deferral does not pay); lock held. */
hidden void __bc_backoff_begin(void);

#endif
