/* The executor thread: a raw thread (no libc, all signals blocked, no
 * TLS of its own) that runs the batches flushed to it, in order, on the
 * second core while the program goes on (flush.c has its loop).  It
 * never takes the engine's lock, so a thread holding it may wait for it.
 * Like the timer thread it does not follow credential changes: it is
 * retired at each one and a new one starts with the next batch. */
#define FUTEX_WAKE_PRIVATE 129
#include <sys/syscall.h>

#include "engine.h"
#include "raw.h"
#include "thread.h"

#define E __bc_e

static long exec_pid;        /* the process whose executor thread runs */
static uint32_t exec_gen;    /* bumped to make the running thread end */
static uint32_t running_gen; /* the generation the running thread serves */
static struct bc_raw_thread executor;

hidden int __bc_executor_retired(void)
{
	return __atomic_load_n(&exec_gen, __ATOMIC_ACQUIRE) != running_gen;
}

hidden int __bc_executor_kick(void)
{
	long tid;

	if (exec_pid == E.owner)
		return 0;
	running_gen = __atomic_load_n(&exec_gen, __ATOMIC_ACQUIRE);
	tid = __bc_raw_thread(&executor, __bc_executor_main);
	if (tid < 0)
		return tid;
	exec_pid = E.owner;
	return 0;
}

hidden void __bc_executor_forget(void)
{
	if (!exec_pid)
		return;
	exec_pid = 0;
	__bc_raw_thread_forget(&executor);
}

hidden void __bc_executor_retire(void)
{
	if (!exec_pid)
		return;
	/* Woken to see it must end, and waited for until it is off its
	 * stack: two must never run batches at once, and the next one
	 * reuses the stack.  It never waits for the lock the caller holds. */
	__atomic_fetch_add(&exec_gen, 1, __ATOMIC_RELEASE);
	__atomic_fetch_add(&E.x.kick, 1, __ATOMIC_SEQ_CST);
	__bc_raw6(SYS_futex, (long)&E.x.kick, FUTEX_WAKE_PRIVATE, 0x7fffffff, 0, 0, 0);
	__bc_raw_thread_join(&executor);
	exec_pid = 0;
}
