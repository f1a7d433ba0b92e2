/* The engine's shared state (state.c defines it): one per process,
 * shared by its threads, so that the kernel sees every thread's calls in
 * one program order.  Each part writes its own fields (the comments say
 * whose), under the lock; the inline helpers here are the few changes
 * every part may make.  Built without libc: every call the engine makes
 * is raw, it never calls what it interposes. */
#ifndef BC_STATE_H
#define BC_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "bc.h"
#include "classes.h"
#include "hidden.h"
#include "known.h"
#include "lock.h"
#include "why.h"

#define BC_QUEUE_MAX  1024   /* pending calls */
#define BC_TARGETS_MAX 16    /* distinct fds with pending calls, tracked */
#define BC_MAPPED_MAX 64     /* files mapped, tracked (glibc maps a dozen locale files) */
#define BC_NBATCH     4      /* batches flushed and not yet reaped */
#define BC_CLOSES_MAX 64     /* relaxed: closes a queue holds before it goes */

enum bc_flush_reason {
	FL_DEP,      /* a dependency point */
	FL_FULL,     /* the queue is full */
	FL_BYTES,    /* BC_MAX_BYTES reached */
	FL_TIME,     /* BC_MAX_DELAY_US passed (the timer thread) */
	FL_EXIT,     /* exit, _exit, exit_group */
	FL_EXEC,     /* execve and friends */
	FL_FORK,     /* vfork (fork and clone are dependency points) */
	FL_SIGNAL,   /* a fatal signal with default disposition */
	FL_LIBC,     /* a libc function whose own calls the preload cannot see */
	FL_UNLOAD,   /* the library's destructor */
	FL_CLOSES,   /* relaxed: BC_CLOSES_MAX closes queued (fds held open) */
	FL_UNSEEN,   /* a call made past the engine, caught by the net (sud.c) */
	FL_NREASONS
};

/* Who runs a flushed call: the flushing thread through bc_exec, the
 * flushing thread through io_uring, or the executor thread (a second
 * core) through bc_exec while the program goes on. */
enum bc_exec_kind { EX_DIRECT, EX_URING, EX_ASYNC };

struct bc_config {
	int relaxed;        /* BC_LEVEL=relaxed: closes may complete after
			       later opens (fds above 2 may differ) */
	int forced;         /* BC_EXECUTOR set: -1, or the executor for all */
	const char *profile; /* the profile loaded, or NULL */
	const char *profile_later; /* the directory of the default profile
			       (XDG_CONFIG_HOME, or HOME), read when the
			       engine arms (or reports), or NULL */
	int profile_later_home; /* it is HOME: under .config */
	unsigned char exec[PRED_CLOSE + 1]; /* enum bc_exec_kind, by enum bc_pred */
	long max_delay_us;  /* BC_MAX_DELAY_US: the time bound; 0: no deferral */
	long max_bytes;     /* BC_MAX_BYTES: the byte bound; 0: no data deferred */
	unsigned long single_max; /* one data call's bytes at most: BC_SINGLE_MAX
			       within max_bytes */
	int abort;          /* BC_ON_MISPREDICT=abort */
	int close_ok;       /* every fd allocation is seen: closes may wait */
	int sud;            /* libc's calls are not all seen: arm the net */
};

struct bc_counters {
	uint64_t deferred;        /* calls queued, counted as their batch goes
				     (or is dropped, dying) */
	uint64_t answered;        /* calls answered with an owed error, not issued */
	uint64_t issued;          /* calls the flushes issued, merged */
	uint64_t probes;          /* the engine's own calls learning fds */
	uint64_t mispredictions;
	uint64_t timer_wakeups;   /* the timer thread's, not the program's */
	uint64_t backoffs;        /* spells of direct calls after useless flushes */
	uint64_t async_batches;   /* batches the executor thread ran */
	uint64_t uring_enters;    /* io_uring_enter calls of flushes */
	uint64_t inflight_waits;  /* dependency points that waited for batches */
	uint64_t unseen;          /* calls past the engine the net caught */
	uint64_t flushes[FL_NREASONS];
	uint64_t flush_by[BC_NR_LIMIT + 1];  /* dependency flushes, by syscall */
	struct bc_why_counts why;      /* deferred and why not, by syscall (why.c) */
};

struct bc_batch;

struct bc_engine {
	uint32_t busy;      /* queued calls plus batches not reaped; read
			       without the lock as a hint */
	uint32_t npend;     /* entries in the queue */
	uint32_t ncalls;    /* calls in them (writes merge as they come) */
	/* The merge verdict: the queue's last entry is write ok_nr's on fd
	 * ok_fd, and the next such call may extend it with none of the
	 * checks it passed (engine.c's merged); -1 when none.  Set under the
	 * lock when a write or pwrite is queued; forgotten (__bc_unverdict)
	 * by whatever changes what it summarises: another entry pushed, the
	 * queue flushed or dropped (a fork child's), an fd forgotten, copied
	 * onto or opened (__bc_fd_forget), every fd forgotten (__bc_fds_new:
	 * F_SETFL, FIONBIO, a call unseen, a __synccall, the end of a
	 * backoff, a fork child), an error owed to an fd (flush.c's apply),
	 * deferral off (__bc_off: seccomp, shared memory, no memory), a
	 * backoff begun, the maps or a filter made unknown, an exec under
	 * way (hold), another thread seen.  What it need not be forgotten
	 * for flushes first (close, dup2, mmap of a file, sigaction,
	 * sigprocmask, setrlimit, credentials, fork, exec).  Per thread, and
	 * so still tested by merged: a signal handler running, the engine
	 * re-entered, a vfork child; and another thread's start, which only
	 * a call of that thread may tell (threaded). */
	long ok_nr;
	int ok_fd;
	size_t ok_end;      /* the arena offset its data may grow to: what
			       its entry may hold (merge_max), within the
			       arena */
	uint64_t *ok_count; /* and the count of its deferrals (why.c) */
	uint32_t batch;     /* bumped when the queue goes from empty to not */
	uint32_t fdgen;     /* bumping it forgets every fd */
	uint64_t obs_gen;   /* bumped when an fd gets pending calls, or every
			       fd is forgotten: every fd's clear verdict is
			       forgotten (__bc_obs_new); 64 bits, so that
			       a stale verdict never comes round again */
	size_t used;        /* arena bytes in use */
	unsigned ntarget;   /* distinct fds with pending calls, in target[] */
	int many_targets;   /* more than BC_TARGETS_MAX of them */
	int target[BC_TARGETS_MAX];
	size_t arena_size;
	char *arena;
	char *arena0;       /* the queue's own arena (async swaps them) */
	long owner;         /* pid the pending calls and counters belong to;
			       0 until first needed (__bc_owner) */
	int armed;          /* what only deferral needs is set up (__bc_arm):
			       the fatal signals' stand-ins, the queue's
			       memory, the profile, the seccomp check */
	int quiet;          /* neither armed (no rewritten site, no net) nor
			       counting calls for a report: a wrapper's
			       call that passes goes to libc's function
			       with nothing to count or mark (preload.c) */
	int vm_child;       /* a child may share this memory without being a
			       thread (clone CLONE_VM without CLONE_THREAD) */
	int hold;           /* an exec is under way: defer nothing */
	int off;            /* BC_OFF_*: why nothing may wait any more */
	int shared_anon;    /* shared anonymous memory: shared once it forks */
	int maps_unknown;   /* it forked where not every mapping is seen (or
			       made a call unseen): read /proc/self/maps
			       before the next deferral; MAPS_ARMING: it
			       armed, a quick look (memshare.c) */
	int filter_unknown; /* a call unseen may have set a seccomp filter:
			       ask before the next deferral */
	int fsize_limited;  /* RLIMIT_FSIZE is finite (while calls are queued;
			       -1 not asked in this batch) */
	int sigpipe_kills;  /* a broken pipe kills the queuing thread (likewise) */
	int any_owed;       /* some fd has been owed a misprediction's error */
	unsigned nthreads;  /* program threads that have made a call */
	int threaded;       /* another thread may exist: only writes that cannot
			       block wait (a flush blocked on a pipe would hold
			       up the thread that drains it) */
	unsigned nmapped;   /* files mapped, in mapped[] (memshare.c): their data is
			       seen without a call, so writes to them go direct */
	int many_mapped;    /* more than BC_MAPPED_MAX, or one not identified */
	struct bc_file_id mapped[BC_MAPPED_MAX];
	unsigned win_flushes, win_deferred, win_saved; /* the backoff's window */
	unsigned win_tries; /* its window of calls that could wait: how many
			       in the low 16 bits, how many of them were
			       queued in the high 16 (one add counts both) */
	unsigned win_merged; /* and the writes merged in it, counted apart:
			       a merge is a call queued, never a reason to
			       close the window */
	unsigned backoff;   /* deferrable calls still to go direct */
	unsigned backoff_len; /* the current spell's length */
	int64_t euid;       /* -1: not known */
	/* Batches: seq s uses batches[s % BC_NBATCH]; they run in seq order. */
	struct bc_batch *batches;
	uint32_t submitted; /* the newest batch flushed */
	uint32_t reaped;    /* the newest batch whose results are applied */
	/* What the executor thread reads while it spins, on lines of their
	 * own: a write of the program's nearby would bounce them. */
	struct {
		uint32_t done;      /* futex word: the newest batch run */
		int waiting;        /* a thread sleeps on done */
		uint32_t kick;      /* futex word: bumped when a batch goes async */
		int exec_asleep;    /* the executor thread sleeps on kick */
	} __attribute__((__aligned__(128))) x;
	char after_x[128] __attribute__((__aligned__(128)));
	uint32_t closes_seq; /* the newest batch holding a close */
	unsigned queued_closes; /* closes in the queue */
	struct bc_config cfg;
	struct bc_counters n;
	struct bc_fd fd[BC_FD_MAX];
	struct bc_pend q[BC_QUEUE_MAX];
};

extern hidden struct bc_engine __bc_e;
/* Nonzero once armed and until the end: calls go through the engine. */
extern hidden int __bc_on;
/* Nonzero during a backoff spell with nothing pending (bc_engine.backoff):
 * the engine is out of the way, as the pass-through entry is; only the
 * calls __bc_idle_pass does not let by still reach it. */
extern hidden int __bc_idle;
/* The engine's state per thread, in one block: one address to find on
 * each call. */
struct bc_tls {
	/* The engine is running on this thread's stack (a signal handler
	 * that interrupts it makes raw calls). */
	int depth;
	/* This thread called vfork; its child must not touch the engine. */
	int vforked;
	/* Waiting for the lock, or holding it in a call that may block (a
	 * flush's write to a full pipe): a signal then cannot wait for the
	 * thread to leave the engine (signals.c). */
	int blocked;
	/* Running a program's signal handler; its calls defer nothing. */
	int in_handler;
	/* This thread is the lane's owner (lock.h). */
	int lane;
	/* A wrapper of preload.c is calling libc's function (below). */
	int wrapped;
	/* Signals that arrived inside the engine, held blocked and pending
	 * in the kernel until __bc_leave unblocks them. */
	unsigned long postponed;
};
extern hidden __thread struct bc_tls __bc_tls;

/* Does the engine keep out of this thread's calls (depth or vforked)?
 * Two loads, not one of both: a load wider than the store just made to
 * depth (the last call's leave) waits for that store to reach the cache. */
static inline int __bc_aside(void)
{
	return __bc_tls.depth | __bc_tls.vforked;
}

/* The lock's holder, or the async executor, goes into (by 1) or out of
 * (by -1) a call that may block for good (lock.h's __bc_lock_blocks);
 * helper: an engine thread, which has no TLS. */
static inline void __bc_holder_blocks(int helper, int by)
{
	if (!helper)
		__bc_tls.blocked += by;
	__atomic_add_fetch(&__bc_lock_blocks, by, __ATOMIC_RELAXED);
}

/* Deliver the signals postponed while this thread was in the engine
 * (state.c). */
hidden void __bc_raise_postponed(void);

/* This thread leaves the engine (see bc_tls.depth). */
static inline void __bc_leave(void)
{
	if (!--__bc_tls.depth && __bc_tls.postponed)
		__bc_raise_postponed();
}

/* The merge verdict (bc_engine.ok_nr) no longer holds. */
static inline void __bc_unverdict(void)
{
	__atomic_store_n(&__bc_e.ok_nr, -1, __ATOMIC_RELAXED);
}

/* Every fd's clear verdict (bc_fd.clear) is forgotten. */
static inline void __bc_obs_new(void)
{
	/* Never 0 (a forgotten fd's clear): it starts at 1. */
	__atomic_store_n(&__bc_e.obs_gen, __bc_e.obs_gen + 1, __ATOMIC_RELAXED);
}

/* Every fd's state is forgotten: their numbers may name other files. */
static inline void __bc_fds_new(void)
{
	__bc_e.fdgen++;
	__bc_obs_new();
	__bc_unverdict();
}

/* Deferral is off, for reason why (BC_OFF_*). */
static inline void __bc_off(int why)
{
	__atomic_or_fetch(&__bc_e.off, why, __ATOMIC_RELEASE);
	__bc_unverdict();
}

/* Does an observer of fd find nothing pending or in flight on its file,
 * as observe() last found (engine.c)?  Its verdict is set only for an fd
 * known then, and forgotten with the fd (__bc_fd_forget) or every fd
 * (__bc_fds_new), so that it implies the fd is still known.  Not in a
 * handler: its calls go after everything pending. */
static inline int __bc_clear(long fd)
{
	return (unsigned long)fd < BC_FD_MAX && !__bc_tls.in_handler &&
	       __atomic_load_n(&__bc_e.fd[fd].clear, __ATOMIC_RELAXED) ==
	       __atomic_load_n(&__bc_e.obs_gen, __ATOMIC_RELAXED);
}

/* The process-wide lock (lock.h), taken by a program thread. */
static inline void __bc_lock(void)
{
	__bc_lock_as(&__bc_tls.blocked, __bc_tls.lane);
}

#endif
