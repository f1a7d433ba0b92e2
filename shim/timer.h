/* The timer thread (timer.c), which keeps the time bound. */
#ifndef BC_TIMER_H
#define BC_TIMER_H

#include "hidden.h"

/* A call on fd (-1: none) was queued: the timer thread runs for it,
 * started if this process has none, and one with a table of its own that
 * cannot be lent fd gives way to one that shares.  Lock held. */
hidden void __bc_timer_need(int fd);
/* The timer thread is gone (in a fork child). */
hidden void __bc_timer_forget(void);
/* The timer thread must share the fd table: another thread may come
 * (which may end the one it borrows from), or the fd limit changed (for
 * good: for the rest of the process).  A thread with a table of its own
 * ends; one that shares starts for a queue that is not empty.  Lock
 * held. */
hidden void __bc_timer_share(int for_good);
/* The timer thread must end: the process's credentials changed, which a
 * raw thread does not follow; the next batch starts a new one. */
hidden void __bc_timer_retire(void);
/* The same, and wait until it has ended; the lock not held. */
hidden void __bc_timer_end(void);

#endif
