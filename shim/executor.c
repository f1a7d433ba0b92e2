/* The executor thread: a raw thread (no libc, all signals blocked, no
 * TLS of its own) that runs the batches flushed to it, in order, on the
 * second core while the program goes on (flush.c has its loop).  It
 * never takes the engine's lock, so a thread holding it may wait for it.
 * Like the timer thread it does not follow credential changes: it is
 * retired at each one and a new one starts with the next batch. */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#include <sys/syscall.h>

#include "engine.h"
#include "raw.h"

#define E __bc_e

static long exec_pid;        /* the process whose executor thread runs */
static uint32_t exec_gen;    /* bumped to make the running thread end */
static uint32_t running_gen; /* the generation the running thread serves */
static int alive;            /* futex word: the thread has not yet ended */
static char *stack;
static uint64_t tls_block[8] __attribute__((__aligned__(64)));

static void executor_main(void)
{
	__bc_executor_main();
	__atomic_store_n(&alive, 0, __ATOMIC_SEQ_CST);
	__bc_raw6(SYS_futex, (long)&alive, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
}

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
	alive = 1;
	tid = __bc_raw_thread(executor_main, &stack, tls_block);
	if (tid < 0) {
		alive = 0;
		return tid;
	}
	exec_pid = E.owner;
	return 0;
}

hidden void __bc_executor_forget(void)
{
	exec_pid = 0;
	alive = 0;
}

hidden void __bc_executor_retire(void)
{
	if (!exec_pid)
		return;
	/* Woken to see it must end, and waited for: two must never run
	 * batches at once.  Its stack is not reused: it may still be on it
	 * for its last instructions. */
	__atomic_fetch_add(&exec_gen, 1, __ATOMIC_RELEASE);
	__atomic_fetch_add(&E.x.kick, 1, __ATOMIC_SEQ_CST);
	__bc_raw6(SYS_futex, (long)&E.x.kick, FUTEX_WAKE_PRIVATE, 0x7fffffff, 0, 0, 0);
	while (__atomic_load_n(&alive, __ATOMIC_SEQ_CST))
		__bc_raw6(SYS_futex, (long)&alive, FUTEX_WAIT_PRIVATE, 1, 0, 0, 0);
	stack = NULL;
	exec_pid = 0;
}
