/* The process-wide lock: a futex word.  A program thread that waits for
 * it says so (bc_tls.blocked, passed by pointer): a signal then cannot
 * wait for it to leave the engine (signals.c).  The engine's raw threads
 * have no TLS and pass none. */
/* From linux/futex.h and linux/membarrier.h, which musl builds cannot
 * include. */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED 8
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED 16
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>

#include "lock.h"
#include "raw.h"

hidden int __bc_lock_word;
hidden int __bc_lock_blocks;
hidden int __bc_lane_busy;
hidden int *__bc_lane_owner;

hidden void __bc_lane_open(int *owner)
{
	if (__bc_raw6(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0, 0, 0, 0) == 0) {
		__atomic_store_n(owner, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&__bc_lane_owner, owner, __ATOMIC_RELAXED);
	}
}

static int closing;  /* __bc_lane_close_soon's request */

/* The owner's flag is its thread's to drop (its TLS may be gone): an
 * owner that tries the lane finds it closed. */
hidden void __bc_lane_close(void)
{
	__atomic_store_n(&__bc_lane_owner, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&closing, 0, __ATOMIC_RELAXED);
}

hidden void __bc_lane_close_soon(void)
{
	__atomic_store_n(&closing, 1, __ATOMIC_RELAXED);
}

/* The owner's raising of lane_busy may still sit in its processor's
 * store buffer while its load found the word free: the membarrier makes
 * every processor running this process pass a full barrier (a thread not
 * running has passed one), so that after it either the raising is seen
 * here, or the owner's load sees the word taken and it keeps out.  The
 * owner is then out within a merge (a flush takes the word): spin
 * briefly, then sleep in steps that grow to 1 ms (the owner preempted,
 * or stopped). */
hidden void __bc_lane_wait(void)
{
	struct timespec step = { 0, 20000 };

	if (__bc_raw6(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0, 0, 0, 0) < 0) {
		/* Refused though registered: a seccomp filter the engine did
		 * not see.  No more lane; this once, a pause far longer than
		 * any store takes to be seen stands in for the barrier. */
		__bc_lane_close();
		step.tv_nsec = 1000000;
		__bc_raw6(SYS_nanosleep, (long)&step, 0, 0, 0, 0, 0);
		step.tv_nsec = 20000;
	}
	for (int spins = 0; __atomic_load_n(&__bc_lane_busy, __ATOMIC_ACQUIRE); spins++) {
		if (spins < 64) {
			__builtin_ia32_pause();
			continue;
		}
		__bc_raw6(SYS_nanosleep, (long)&step, 0, 0, 0, 0, 0);
		if (step.tv_nsec < 1000000)
			step.tv_nsec *= 2;
	}
	if (__atomic_load_n(&closing, __ATOMIC_RELAXED))
		__bc_lane_close();
}

hidden void (*__bc_lock_stuck)(void);

/* A program thread's wait looks up now and then, at steps growing to a
 * second: a signal postponed while the holder could not block must act
 * once it may (signals.c). */
hidden void __bc_lock_wait(int *blocked)
{
	struct timespec step = { 0, 1000000 };
	int c = 0;

	if (__atomic_compare_exchange_n(&__bc_lock_word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	if (c != 2)
		c = __atomic_exchange_n(&__bc_lock_word, 2, __ATOMIC_ACQUIRE);
	if (blocked)
		++*blocked;
	while (c) {
		if (__bc_raw6(SYS_futex, (long)&__bc_lock_word, FUTEX_WAIT_PRIVATE, 2,
			      blocked ? (long)&step : 0, 0, 0) == -ETIMEDOUT) {
			if (__atomic_load_n(&__bc_lock_blocks, __ATOMIC_RELAXED) && __bc_lock_stuck)
				__bc_lock_stuck();
			if (step.tv_sec < 1 && (step.tv_nsec *= 2) >= 1000000000)
				step.tv_sec = 1, step.tv_nsec = 0;
		}
		c = __atomic_exchange_n(&__bc_lock_word, 2, __ATOMIC_ACQUIRE);
	}
	if (blocked)
		--*blocked;
}

hidden int __bc_lock_briefly(int owner)
{
	struct timespec pause = { 0, 1000000 };

	for (int i = 0; i < 50; i++) {
		int c = 0;
		if (__atomic_compare_exchange_n(&__bc_lock_word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
			/* Not the owner: the lane is out within a merge, but
			 * for a flush blocked on a pipe, as the word's holder. */
			if (__atomic_load_n(&__bc_lane_owner, __ATOMIC_RELAXED) && !owner)
				__bc_lane_wait();
			return 1;
		}
		__bc_raw6(SYS_nanosleep, (long)&pause, 0, 0, 0, 0, 0);
	}
	return 0;
}

hidden void __bc_unlock_wake(void)
{
	__bc_raw6(SYS_futex, (long)&__bc_lock_word, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
}

hidden int __bc_lock_child(int *mine)
{
	int held = __bc_lock_word;

	__bc_lock_word = 0;
	/* The registration is the memory's, which the child has copied; the
	 * parent's owner, or another thread, is the child's one thread now. */
	__bc_lane_busy = 0;
	if (__bc_lane_owner && !closing) {
		*mine = 1;
		__bc_lane_owner = mine;
	} else {
		__bc_lane_close();
	}
	return held;
}
