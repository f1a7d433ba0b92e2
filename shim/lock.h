/* The engine's one process-wide lock (lock.c): a futex word, not
 * recursive, held by whoever touches the queue, the fd table or the
 * batches.  Its free case is inline; a merged write of the one program
 * thread goes in by the lane instead (below). */
#ifndef BC_LOCK_H
#define BC_LOCK_H

#include <stddef.h>

#include "hidden.h"

/* 0 free, 1 held, 2 held and waited for.  Written only here and in
 * lock.c. */
extern hidden int __bc_lock_word;
/* The holder is in a call that may block for good (a batch's write to
 * a full pipe, or a wait for one; or the async executor is): a thread
 * waiting for the lock may then never get it, and a signal acts on it at
 * once (signals.c; one postponed before is delivered by the wait,
 * __bc_lock_stuck).  Counted atomically (state.h's __bc_holder_blocks). */
extern hidden int __bc_lock_blocks;

/* The lock's ways when waited for or waited on; *blocked is raised while
 * the caller waits (NULL: a raw thread of the engine, which has no TLS). */
hidden void __bc_lock_wait(int *blocked);
/* Called by a program thread's wait once the holder may block for good:
 * what it postponed acts now (signals.c sets it when it arms). */
extern hidden void (*__bc_lock_stuck)(void);
hidden void __bc_unlock_wake(void);

/* The lane: while the engine knows one program thread (the owner), that
 * thread holds the lock for a merge without an atomic read-modify-write
 * (cmpxchg and xchg cost a fifth of a small write's time): it raises
 * lane_busy with a plain store and goes in if the word is free.  Every
 * other taker of the word then waits the lane out, after a membarrier
 * has made the owner's store seen (lock.c).  x86's ordering is assumed:
 * the owner's store and its load of the word are not fenced.  The owner
 * is marked by its own flag (bc_tls.lane, passed by pointer or value,
 * written by its thread only); lane_owner points to it, NULL while there
 * is no lane.  Written only here and in lock.c. */
extern hidden int __bc_lane_busy;
extern hidden int *__bc_lane_owner;
/* The lane, for the calling program thread (its bc_tls.lane, set), if
 * membarrier's expedited kind could be registered.  Lock held, one
 * program thread. */
hidden void __bc_lane_open(int *owner);
/* No more lane (another thread).  Lock held by the word, the lane waited
 * out (or the caller its owner). */
hidden void __bc_lane_close(void);
/* No more lane, from a thread that may not wait for the word (its first
 * call: the holder's flush may block on a pipe it drains): the next
 * taker of the word that waits the lane out closes it. */
hidden void __bc_lane_close_soon(void);
/* The word just taken by a thread other than the owner: wait until the
 * owner is out of the lane (a merge's moment: it never blocks there). */
hidden void __bc_lane_wait(void);

/* Enter the lane as a thread whose flag is *mine: 1 if in, 0 if not the
 * owner or the word is held (then take the word).  The lane is looked at
 * again after the word: a closer clears lane_owner before freeing the
 * word; an owner that finds it gone drops its flag. */
static inline int __bc_lane_enter(int *mine)
{
	if (!__atomic_load_n(mine, __ATOMIC_RELAXED))
		return 0;
	__atomic_store_n(&__bc_lane_busy, 1, __ATOMIC_RELAXED);
	/* Seen after the load below, perhaps: a taker's membarrier orders
	 * the two for it. */
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&__bc_lock_word, __ATOMIC_ACQUIRE) && __atomic_load_n(&__bc_lane_owner, __ATOMIC_RELAXED))
		return 1;
	__atomic_store_n(&__bc_lane_busy, 0, __ATOMIC_RELEASE);
	if (!__atomic_load_n(&__bc_lane_owner, __ATOMIC_RELAXED))
		__atomic_store_n(mine, 0, __ATOMIC_RELAXED);
	return 0;
}
static inline void __bc_lane_leave(void)
{
	__atomic_store_n(&__bc_lane_busy, 0, __ATOMIC_RELEASE);
}

/* Take the lock: blocked is the program thread's bc_tls.blocked (NULL: a
 * raw thread of the engine), owner its bc_tls.lane (0: not the lane's). */
static inline void __bc_lock_as(int *blocked, int owner)
{
	int c = 0;

	if (!__atomic_compare_exchange_n(&__bc_lock_word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		__bc_lock_wait(blocked);
	if (__builtin_expect(__atomic_load_n(&__bc_lane_owner, __ATOMIC_RELAXED) != NULL, 0) && !owner)
		__bc_lane_wait();
}
static inline void __bc_unlock(void)
{
	if (__atomic_exchange_n(&__bc_lock_word, 0, __ATOMIC_RELEASE) == 2)
		__bc_unlock_wake();
}
/* The lock for a program thread (owner as in __bc_lock_as), waiting at
 * most about 50 ms: an exit or a fatal signal must not wait for a flush
 * blocked on a full pipe.  Nonzero if taken. */
hidden int __bc_lock_briefly(int owner);
/* In a fork child, whose one thread's flag is mine (its bc_tls.lane): the
 * lock is free (its holder was another thread), the lane, if any, is that
 * thread's; nonzero if the word was held at the fork. */
hidden int __bc_lock_child(int *mine);

#endif
