/* The timer thread that keeps the time bound: a raw thread (thread.c)
 * that flushes a batch once it has waited BC_MAX_DELAY_US.  While
 * deferral goes on it polls twice per bound; after a quiet spell it sleeps
 * on a futex until the queue fills again. */
/* From linux/futex.h, which musl builds cannot include. */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#include <sys/syscall.h>
#include <time.h>

#include "flush.h"
#include "lock.h"
#include "raw.h"
#include "state.h"
#include "thread.h"
#include "timer.h"

#define E __bc_e
#define QUIET_POLLS 4     /* polls with no new batch before it sleeps */

static long timer_pid;    /* the process whose timer thread is running */
static uint32_t timer_gen; /* bumped to make the running thread end */
/* The generation the thread being started serves, read at its start: a
 * retirement before it runs must end it too (a thread that read
 * timer_gen itself would take the bumped one and never end). */
static uint32_t start_gen;
static int asleep;        /* futex word: 1 while the thread waits for work */
static struct bc_raw_thread timer;

static void nap(long us)
{
	struct timespec ts = { us / 1000000, us % 1000000 * 1000 };

	__bc_raw6(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (long)&ts, 0, 0, 0);
}

static void timer_main(void)
{
	uint32_t seen = 0, gen = __atomic_load_n(&start_gen, __ATOMIC_ACQUIRE);
	unsigned quiet = 0;

	while (__atomic_load_n(&timer_gen, __ATOMIC_ACQUIRE) == gen) {
		long period = E.cfg.max_delay_us / 2;
		nap(period > 0 ? period : 1);
		__atomic_fetch_add(&E.n.timer_wakeups, 1, __ATOMIC_RELAXED);
		uint32_t b = __atomic_load_n(&E.batch, __ATOMIC_ACQUIRE);
		if (__atomic_load_n(&E.npend, __ATOMIC_ACQUIRE)) {
			quiet = 0;
			/* The same batch as a poll ago: it has waited long enough. */
			if (b == seen) {
				__bc_lock_as(NULL);  /* no TLS */
				if (E.npend && E.batch == b)
					__bc_flush(FL_TIME, -1);
				__bc_unlock();
			}
		} else if (b != seen) {
			quiet = 0;
		} else if (++quiet >= QUIET_POLLS) {
			__atomic_store_n(&asleep, 1, __ATOMIC_SEQ_CST);
			while (__atomic_load_n(&asleep, __ATOMIC_SEQ_CST) &&
			       !__atomic_load_n(&E.npend, __ATOMIC_SEQ_CST) &&
			       __atomic_load_n(&timer_gen, __ATOMIC_ACQUIRE) == gen)
				__bc_raw6(SYS_futex, (long)&asleep, FUTEX_WAIT_PRIVATE, 1, 0, 0, 0);
			quiet = 0;
		}
		seen = b;
	}
}

hidden void __bc_timer_need(void)
{
	if (timer_pid == E.owner) {
		if (__atomic_load_n(&asleep, __ATOMIC_SEQ_CST)) {
			/* All: a retired thread may still be waiting here. */
			__atomic_store_n(&asleep, 0, __ATOMIC_SEQ_CST);
			__bc_raw6(SYS_futex, (long)&asleep, FUTEX_WAKE_PRIVATE, 0x7fffffff, 0, 0, 0);
		}
		return;
	}
	asleep = 0;
	__atomic_store_n(&start_gen, __atomic_load_n(&timer_gen, __ATOMIC_RELAXED), __ATOMIC_RELEASE);
	if (__bc_raw_thread(&timer, timer_main) > 0)
		timer_pid = E.owner;
}

hidden void __bc_timer_forget(void)
{
	if (!timer_pid)
		return;
	timer_pid = 0;
	__bc_raw_thread_forget(&timer);
}

/* The running thread is told to end, and woken if it sleeps; wait: until
 * it has ended (the caller does not hold the lock, which it may be
 * waiting for), else the next one runs on a mapping of its own. */
static void end(int wait)
{
	if (!timer_pid)
		return;
	__atomic_fetch_add(&timer_gen, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&asleep, 0, __ATOMIC_SEQ_CST);
	__bc_raw6(SYS_futex, (long)&asleep, FUTEX_WAKE_PRIVATE, 0x7fffffff, 0, 0, 0);
	if (wait)
		__bc_raw_thread_join(&timer);
	timer_pid = 0;
}

hidden void __bc_timer_retire(void)
{
	end(0);
}

hidden void __bc_timer_end(void)
{
	end(1);
}
