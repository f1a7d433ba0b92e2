/* The process-wide lock, and the timer thread that keeps the time bound:
 * a raw thread (no libc, all signals blocked, its own stack and TLS
 * block) that flushes a batch once it has waited BC_MAX_DELAY_US.  While
 * deferral goes on it polls twice per bound; after a quiet spell it sleeps
 * on a futex until the queue fills again.  __bc_spawn and the signal
 * return are in thread.S. */
/* From linux/futex.h, which musl builds cannot include. */
#define FUTEX_WAIT 0
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "engine.h"
#include "raw.h"

#define E __bc_e
#define STACK_SIZE (64 * 1024)
#define QUIET_POLLS 4     /* polls with no new batch before it sleeps */

/* Start fn on a new thread of this process with the given stack and TLS
 * block, *ctid cleared when it ends; its tid or -errno (thread.S). */
hidden long __bc_spawn(void (*fn)(void), void *stack_top, void *tls, int *ctid);

static long timer_pid;    /* the process whose timer thread is running */
static uint32_t timer_gen; /* bumped to make the running thread end */
/* The generation the thread being started serves, read at its start: a
 * retirement before it runs must end it too (a thread that read
 * timer_gen itself would take the bumped one and never end). */
static uint32_t start_gen;
static int asleep;        /* futex word: 1 while the thread waits for work */
static struct bc_raw_thread timer;

/* Take the lock; *blocked is raised while waiting for it (NULL on the
 * timer thread, which has no TLS of its own). */
static void acquire(int *blocked)
{
	int c = 0;

	if (__atomic_compare_exchange_n(&E.lock, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	if (c != 2)
		c = __atomic_exchange_n(&E.lock, 2, __ATOMIC_ACQUIRE);
	if (blocked)
		++*blocked;
	while (c) {
		__bc_raw6(SYS_futex, (long)&E.lock, FUTEX_WAIT_PRIVATE, 2, 0, 0, 0);
		c = __atomic_exchange_n(&E.lock, 2, __ATOMIC_ACQUIRE);
	}
	if (blocked)
		--*blocked;
}

hidden void __bc_lock_wait(void)
{
	acquire(&__bc_tls.blocked);
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

hidden int __bc_trylock(void)
{
	int c = 0;

	return __atomic_compare_exchange_n(&E.lock, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

hidden void __bc_unlock_wake(void)
{
	__bc_raw6(SYS_futex, (long)&E.lock, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
}

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
				acquire(NULL);
				if (E.npend && E.batch == b)
					__bc_run_queue_for(FL_TIME, -1);
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

hidden long __bc_raw_thread(struct bc_raw_thread *t, void (*fn)(void))
{
	unsigned long all = ~0UL, old;
	struct bc_raw_slot *s = &t->slot[t->cur];
	long tid;

	if (__atomic_load_n(&s->running, __ATOMIC_ACQUIRE))
		s->stack = NULL;  /* a thread from two retirements ago: left be */
	if (!s->stack) {
		long m = __bc_raw6(SYS_mmap, 0, STACK_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if ((unsigned long)m > -4096UL)
			return m;
		s->stack = (char *)m;
	}
	s->tls[0] = (uint64_t)(uintptr_t)s->tls;  /* the TCB points to itself */
	s->running = 1;
	/* Born with every signal blocked: none is ever delivered to it. */
	__bc_raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&all, (long)&old, 8, 0, 0);
	/* A top inside the mapping: valgrind finds a new thread's stack by
	 * the byte its pointer points at. */
	tid = __bc_spawn(fn, s->stack + STACK_SIZE - 64, s->tls, &s->running);
	__bc_raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, 8, 0, 0);
	if (tid < 0)
		s->running = 0;
	return tid;
}

hidden void __bc_raw_thread_retired(struct bc_raw_thread *t)
{
	t->cur ^= 1;
}

hidden void __bc_raw_thread_join(struct bc_raw_thread *t)
{
	int *w = &t->slot[t->cur].running, v;

	/* The kernel's wake at thread exit is not a private futex's. */
	while ((v = __atomic_load_n(w, __ATOMIC_ACQUIRE)))
		__bc_raw6(SYS_futex, (long)w, FUTEX_WAIT, v, 0, 0, 0);
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
	timer.slot[timer.cur].running = 0;  /* the parent's thread */
}

/* The running thread is told to end, and woken if it sleeps; wait: until
 * it has ended (the caller does not hold the lock, which it may be
 * waiting for), else the next one runs on the other stack. */
static void end(int wait)
{
	if (!timer_pid)
		return;
	__atomic_fetch_add(&timer_gen, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&asleep, 0, __ATOMIC_SEQ_CST);
	__bc_raw6(SYS_futex, (long)&asleep, FUTEX_WAKE_PRIVATE, 0x7fffffff, 0, 0, 0);
	if (wait)
		__bc_raw_thread_join(&timer);
	else
		__bc_raw_thread_retired(&timer);
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
