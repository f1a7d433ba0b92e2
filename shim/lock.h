/* The engine's one process-wide lock (lock.c): a futex word, not
 * recursive, held by whoever touches the queue, the fd table or the
 * batches.  Its free case is inline: taken on every merged write. */
#ifndef BC_LOCK_H
#define BC_LOCK_H

#include "hidden.h"

/* 0 free, 1 held, 2 held and waited for.  Written only here and in
 * lock.c. */
extern hidden int __bc_lock_word;

/* The lock's ways when waited for or waited on; *blocked is raised while
 * the caller waits (NULL: a raw thread of the engine, which has no TLS). */
hidden void __bc_lock_wait(int *blocked);
hidden void __bc_unlock_wake(void);

/* Take the lock (bc_tls.blocked is the program's threads' blocked). */
static inline void __bc_lock_as(int *blocked)
{
	int c = 0;

	if (!__atomic_compare_exchange_n(&__bc_lock_word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		__bc_lock_wait(blocked);
}
static inline void __bc_unlock(void)
{
	if (__atomic_exchange_n(&__bc_lock_word, 0, __ATOMIC_RELEASE) == 2)
		__bc_unlock_wake();
}
/* The lock if it is free now; nonzero if taken. */
hidden int __bc_trylock(void);
/* The lock, waiting at most about 50 ms: an exit or a fatal signal must
 * not wait for a flush blocked on a full pipe.  Nonzero if taken. */
hidden int __bc_lock_briefly(void);
/* In a fork child: the lock is free (its holder was another thread);
 * nonzero if it was held at the fork. */
hidden int __bc_lock_child(void);

#endif
