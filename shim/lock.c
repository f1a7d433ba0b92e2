/* The process-wide lock: a futex word.  A program thread that waits for
 * it says so (bc_tls.blocked, passed by pointer): a signal then cannot
 * wait for it to leave the engine (signals.c).  The engine's raw threads
 * have no TLS and pass none. */
/* From linux/futex.h, which musl builds cannot include. */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#include <sys/syscall.h>
#include <time.h>

#include "lock.h"
#include "raw.h"

hidden int __bc_lock_word;

hidden void __bc_lock_wait(int *blocked)
{
	int c = 0;

	if (__atomic_compare_exchange_n(&__bc_lock_word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	if (c != 2)
		c = __atomic_exchange_n(&__bc_lock_word, 2, __ATOMIC_ACQUIRE);
	if (blocked)
		++*blocked;
	while (c) {
		__bc_raw6(SYS_futex, (long)&__bc_lock_word, FUTEX_WAIT_PRIVATE, 2, 0, 0, 0);
		c = __atomic_exchange_n(&__bc_lock_word, 2, __ATOMIC_ACQUIRE);
	}
	if (blocked)
		--*blocked;
}

hidden int __bc_trylock(void)
{
	int c = 0;

	return __atomic_compare_exchange_n(&__bc_lock_word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

hidden int __bc_lock_briefly(void)
{
	struct timespec pause = { 0, 1000000 };

	for (int i = 0; i < 50; i++) {
		if (__bc_trylock())
			return 1;
		__bc_raw6(SYS_nanosleep, (long)&pause, 0, 0, 0, 0, 0);
	}
	return 0;
}

hidden void __bc_unlock_wake(void)
{
	__bc_raw6(SYS_futex, (long)&__bc_lock_word, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
}

hidden int __bc_lock_child(void)
{
	int held = __bc_lock_word;

	__bc_lock_word = 0;
	return held;
}
