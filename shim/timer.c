/* The timer thread that keeps the time bound: a raw thread (thread.c)
 * that flushes a batch once it has waited BC_MAX_DELAY_US.  While
 * deferral goes on it polls twice per bound; after a quiet spell it sleeps
 * on a futex until the queue fills again.  Where it runs what it flushes
 * itself (every class's executor direct) and no close can be queued (a
 * close must close the program's fd), it keeps an fd table of its own
 * and borrows the queue's fds for each flush: while it shared the
 * program's table, every fd call of the program cost ~40 ns more. */
/* From linux/futex.h, which musl builds cannot include. */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>

#include "flush.h"
#include "lock.h"
#include "onvalgrind.h"
#include "queue.h"
#include "raw.h"
#include "state.h"
#include "thread.h"
#include "timer.h"

#define E __bc_e
#define QUIET_POLLS 4     /* polls with no new batch before it sleeps */

static long timer_pid;    /* the process whose timer thread is running */
static uint32_t timer_gen; /* bumped to make the running thread end */
static int asleep;        /* futex word: 1 while the thread waits for work */
static struct bc_raw_thread timer;
/* What a thread is started with (its raw arg): the generation it serves
 * (a retirement before it runs must end it too: a thread that read
 * timer_gen itself would take the bumped one and never end), whether it
 * keeps a table of its own, and an fd of the program's it tries to
 * borrow first, plus one (0: none). */
#define START_ARG(gen, own, fd) ((uint64_t)(gen) | (uint64_t)(own) << 32 | (uint64_t)((fd) + 1) << 33)
/* Whether a table of its own serves in this process: 0 not known yet
 * (a futex word while the first thread tries), 1 yes; no: NO_UNSHARE
 * (the thread goes on sharing, or the fd limit changed), NO_BORROW (the
 * thread has ended). */
enum { NO_UNSHARE = -1, NO_BORROW = -2 };
static int own_works;
static int timer_own;     /* the running thread was started to keep one */

/* us microseconds, or until the thread is told to end (generation gen
 * no longer timer_gen): an exit waiting for it does not wait a period. */
static void nap(uint32_t gen, long us)
{
	struct timespec ts = { us / 1000000, us % 1000000 * 1000 };

	__bc_raw6(SYS_futex, (long)&timer_gen, FUTEX_WAIT_PRIVATE, gen, (long)&ts, 0, 0);
}

/* The new thread's table of its own, fd borrowed from the program to try
 * it (-1: known to serve).  1, or NO_UNSHARE, or NO_BORROW. */
static int own_table(int fd)
{
	if (__bc_raw_own_fds() < 0)
		return NO_UNSHARE;
	if (fd >= 0) {
		if (__bc_raw_borrow(E.owner, &fd, 1) < 0)
			return NO_BORROW;
		__bc_raw_return();
	}
	return 1;
}

/* May fd be lent to a table of the timer's own?  Closing the copy there
 * must run nothing (bc_fd.lend: a network file system writes back and
 * may consume an error at every close; a borrowed socket takes the
 * borrower's cgroup tags), and its number must be below the fd limit
 * (read once: the changes the engine sees end the table for good, and
 * another process's prlimit is a known limit, docs/engine.md). */
static int lendable(int fd)
{
	static unsigned long limit;

	if (!limit) {
		struct { unsigned long cur, max; } r;
		limit = __bc_raw6(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, (long)&r, 0, 0) ? 1 : r.cur;
	}
	return fd < 0 || (fd < BC_FD_MAX && E.fd[fd].lend && (unsigned long)fd < limit);
}

/* The fds the queue names, in fds, their count in *n: are all lendable? */
static int queue_lendable(int *fds, unsigned *n)
{
	*n = __bc_queue_fds(fds);
	for (unsigned i = 0; i < *n; i++)
		if (!lendable(fds[i]))
			return 0;
	return 1;
}

/* The queue flushed for the time bound, the thread's table (own) lent
 * the fds it needs: not if one may not be lent (the thread that shares,
 * started for it, flushes).  0, or -errno if they could not be lent.
 * Lock held. */
static long flush(int own)
{
	int fds[BC_FD_MAX];
	unsigned n;
	long r;

	if (own && !queue_lendable(fds, &n))
		return 0;
	if (own && (r = __bc_raw_borrow(E.owner, fds, n)) < 0)
		return r;
	__bc_flush(FL_TIME, -1);
	if (own)
		__bc_raw_return();
	return 0;
}

static void timer_main(void)
{
	uint64_t arg = __bc_raw_arg();
	uint32_t seen = 0, gen = (uint32_t)arg;
	unsigned quiet = 0;
	int own = arg >> 32 & 1, start_fd = (int)(arg >> 33) - 1;

	if (own) {
		int tried = !__atomic_load_n(&own_works, __ATOMIC_ACQUIRE);
		own = own_table(tried ? start_fd : -1);
		if (tried) {
			__atomic_store_n(&own_works, own, __ATOMIC_RELEASE);
			__bc_raw6(SYS_futex, (long)&own_works, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
		}
		if (own == NO_BORROW)
			return;
		own = own > 0;
	}
	while (__atomic_load_n(&timer_gen, __ATOMIC_ACQUIRE) == gen) {
		long period = E.cfg.max_delay_us / 2;
		nap(gen, period > 0 ? period : 1);
		__atomic_fetch_add(&E.n.timer_wakeups, 1, __ATOMIC_RELAXED);
		uint32_t b = __atomic_load_n(&E.batch, __ATOMIC_ACQUIRE);
		if (__atomic_load_n(&E.npend, __ATOMIC_ACQUIRE)) {
			quiet = 0;
			/* The same batch as a poll ago: it has waited long enough. */
			if (b == seen) {
				long r = 0;
				__bc_lock_as(NULL, 0);  /* no TLS */
				/* Not if told to end meanwhile (its table may no
				 * longer take the queue's fds: the next one's is). */
				if (E.npend && E.batch == b &&
				    __atomic_load_n(&timer_gen, __ATOMIC_ACQUIRE) == gen)
					r = flush(own);
				__bc_unlock();
				/* Not lent (a lowered RLIMIT_NOFILE, the first
				 * thread gone): the next batch starts a thread
				 * that shares the table. */
				if (r < 0) {
					__atomic_store_n(&own_works, NO_BORROW, __ATOMIC_RELEASE);
					return;
				}
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

/* The running thread is told to end, and woken if it sleeps; wait: until
 * it has ended (the caller does not hold the lock, which it may be
 * waiting for), else the next one runs on a mapping of its own. */
static void end(int wait)
{
	if (!timer_pid)
		return;
	__atomic_fetch_add(&timer_gen, 1, __ATOMIC_RELEASE);
	__bc_raw6(SYS_futex, (long)&timer_gen, FUTEX_WAKE_PRIVATE, 0x7fffffff, 0, 0, 0);
	__atomic_store_n(&asleep, 0, __ATOMIC_SEQ_CST);
	__bc_raw6(SYS_futex, (long)&asleep, FUTEX_WAKE_PRIVATE, 0x7fffffff, 0, 0, 0);
	if (wait)
		__bc_raw_thread_join(&timer);
	timer_pid = 0;
	timer_own = 0;
}

/* May the timer thread keep a table of its own?  Only if every flush it
 * makes runs on it, with no close, every queued fd lendable, in a process
 * with one thread (which a thread of its own may not end: the pidfd
 * names it), where a misprediction's message need not reach fd 2, and
 * where not known not to serve: tried first on the newest queued call's
 * fd.  Not under valgrind, whose own fds are in the table. */
static int may_own(int fd)
{
	int works = __atomic_load_n(&own_works, __ATOMIC_ACQUIRE);

	if (works < 0 || (!works && fd < 0) || E.threaded || E.queued_closes || E.cfg.profile_later ||
	    E.cfg.abort || RUNNING_ON_VALGRIND)
		return 0;
	for (unsigned pred = 0; pred < sizeof E.cfg.exec; pred++)
		if (E.cfg.exec[pred] != EX_DIRECT)
			return 0;
	int fds[BC_FD_MAX];
	unsigned n;

	return queue_lendable(fds, &n);
}

static void start(void)
{
	int fd = E.npend ? E.q[E.npend - 1].fd : -1, own = may_own(fd);

	asleep = 0;
	if (__bc_raw_thread(&timer, timer_main, START_ARG(__atomic_load_n(&timer_gen, __ATOMIC_RELAXED), own, fd)) <= 0)
		return;
	timer_pid = E.owner;
	timer_own = own;
	/* The first to try: its answer is waited for (once a process). */
	while (own && !__atomic_load_n(&own_works, __ATOMIC_ACQUIRE))
		__bc_raw6(SYS_futex, (long)&own_works, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0);
	if (own && own_works == NO_BORROW) {
		timer_pid = 0;
		start();
	}
}

hidden void __bc_timer_need(int fd)
{
	/* Its own table failed it, or cannot take fd: one that shares. */
	if (timer_pid == E.owner && timer_own && (own_works == NO_BORROW || !lendable(fd)))
		end(0);
	if (timer_pid == E.owner) {
		if (__atomic_load_n(&asleep, __ATOMIC_SEQ_CST)) {
			/* All: a retired thread may still be waiting here. */
			__atomic_store_n(&asleep, 0, __ATOMIC_SEQ_CST);
			__bc_raw6(SYS_futex, (long)&asleep, FUTEX_WAKE_PRIVATE, 0x7fffffff, 0, 0, 0);
		}
		return;
	}
	start();
}

hidden void __bc_timer_share(int for_good)
{
	if (for_good)
		__atomic_store_n(&own_works, NO_UNSHARE, __ATOMIC_RELEASE);
	if (timer_pid != E.owner || !timer_own)
		return;
	end(0);
	if (E.npend)
		start();
}

hidden void __bc_timer_forget(void)
{
	if (!timer_pid)
		return;
	timer_pid = 0;
	timer_own = 0;
	__bc_raw_thread_forget(&timer);
}

hidden void __bc_timer_retire(void)
{
	end(0);
}

hidden void __bc_timer_end(void)
{
	end(1);
}
