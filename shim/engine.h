/* The deferral engine: one per process, shared by its threads, so that the
 * kernel sees every thread's calls in one program order.  Built without
 * libc: every call it makes is raw, it never calls what it interposes. */
#ifndef BC_ENGINE_H
#define BC_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "bc.h"
#include "classes.h"
#include "env.h"
#include "stats.h"
#include "why.h"

#define hidden __attribute__((__visibility__("hidden")))

#define BC_FD_MAX     1024   /* fds tracked; calls on higher ones go direct */
#define BC_QUEUE_MAX  1024   /* pending calls */
#define BC_SINGLE_MAX 8192   /* a bigger write flushes and goes direct */
#define BC_NR_MAX     512    /* syscall numbers classified and counted */
#define BC_TARGETS_MAX 16    /* distinct fds with pending calls, tracked */
#define BC_MAPPED_MAX 64     /* files mapped, tracked (glibc maps a dozen locale files) */
#define BC_NBATCH     4      /* batches flushed and not yet reaped */
#define BC_CLOSES_MAX 64     /* relaxed: closes a queue holds before it goes */
#define PWRITE_MAX (1L << 31) /* pwrites below it: under every file system's
				largest file (ext2 with 1 KiB blocks: 16 GiB) */

/* Why a process defers nothing any more (bc_engine.off). */
enum {
	BC_OFF_SECCOMP = 1, /* a seccomp filter may make any call fail */
	BC_OFF_SHARED = 2,  /* it shares writable memory with another process:
			       a store there can say "done" with no call */
	BC_OFF_NOMEM = 4,   /* the queue's memory could not be mapped */
};

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

/* What the engine knows of an fd, learned once and kept until the fd
 * number can mean something else. */
enum bc_ftype {
	FT_UNKNOWN,
	FT_FILE,    /* opened by a path outside /dev and /proc, its flags
		       known, not probed: nothing waits on it until a probe
		       says what it is and on which file system */
	FT_REG,     /* a regular file on a file system that holds data */
	FT_DIR, FT_FIFO,
	FT_STREAM,  /* a unix stream socket (a TCP write may fail with ECONNRESET) */
	FT_DGRAM,
	FT_MEMDEV,  /* a memory device (/dev/null, /dev/zero...): never blocks */
	FT_CHR, FT_TTY,
	FT_OTHER    /* anything else, and every file of a pseudo file system
		       (proc, sysfs, cgroup...): a write there is a command */
};

struct bc_fd {
	uint32_t gen;       /* valid while equal to the engine's fdgen */
	uint8_t type;       /* enum bc_ftype */
	uint8_t known_id;   /* dev and ino are known */
	uint8_t closing;    /* a close of it is pending */
	uint8_t uses;       /* deferrable calls on it while not known */
	int32_t flags;      /* open flags, as F_GETFL reports them */
	int64_t uid;        /* owner, or -1 if not known */
	int domain;         /* a socket's address family (SO_DOMAIN) */
	uint64_t dev, ino;
	uint32_t npend;     /* entries on it in the queue */
	uint32_t last_seq;  /* the newest batch with calls on it */
	uint32_t close_seq; /* the batch with its pending close */
	uint32_t epoch;     /* bumped whenever the number may name another file */
	uint64_t clear;     /* the engine's obs_gen when nothing pending or in
			       flight touched its file: an observer passes */
	int err;            /* a misprediction's errno owed to its next call */
};

/* A deferred call: its arguments point into the engine's arena. */
struct bc_pend {
	uint16_t nr;
	uint8_t pred;       /* enum bc_pred */
	uint8_t sig;        /* the signal its failure kills with, or 0 */
	int fd;
	long a[6];
	long want;          /* the result the program was given */
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
	int abort;          /* BC_ON_MISPREDICT=abort */
	int close_ok;       /* every fd allocation is seen: closes may wait */
	int sud;            /* libc's calls are not all seen: arm the net */
};

struct bc_counters {
	uint64_t deferred;        /* calls queued */
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
	uint64_t flush_by[BC_NR_MAX + 1];  /* dependency flushes, by syscall */
	struct bc_why_counts why;      /* deferred and why not, by syscall (why.c) */
};

struct bc_batch;

struct bc_engine {
	int lock;           /* futex word: 0 free, 1 held, 2 held and waited for */
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
	long ok_max;        /* the most bytes its entry may hold (merge_max) */
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
	int vm_child;       /* a child may share this memory without being a
			       thread (clone CLONE_VM without CLONE_THREAD) */
	int hold;           /* an exec is under way: defer nothing */
	int off;            /* BC_OFF_*: why nothing may wait any more */
	int shared_anon;    /* shared anonymous memory: shared once it forks */
	int maps_unknown;   /* it forked where not every mapping is seen (or
			       made a call unseen): read /proc/self/maps
			       before the next deferral */
	int filter_unknown; /* a call unseen may have set a seccomp filter:
			       ask before the next deferral */
	int fsize_limited;  /* RLIMIT_FSIZE is finite (while calls are queued) */
	int sigpipe_kills;  /* a broken pipe kills the queuing thread (likewise) */
	int any_owed;       /* some fd has been owed a misprediction's error */
	unsigned nthreads;  /* program threads that have made a call */
	int threaded;       /* another thread may exist: only writes that cannot
			       block wait (a flush blocked on a pipe would hold
			       up the thread that drains it) */
	unsigned nmapped;   /* files mapped shared, in mapped[]: their data is
			       seen without a call, so writes to them go direct */
	int many_mapped;    /* more than BC_MAPPED_MAX, or one not identified */
	struct { uint64_t dev, ino; } mapped[BC_MAPPED_MAX];
	unsigned win_flushes, win_deferred, win_saved; /* the backoff's window */
	unsigned win_tries; /* its window of calls that could wait: how many
			       in the low 16 bits, how many of them were
			       queued in the high 16 (one add counts both) */
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
/* The classification table, by syscall number (classes.h). */
extern hidden const struct bc_class __bc_class_table[BC_NR_MAX];
/* Nonzero once armed and until the end: calls go through the engine. */
extern hidden int __bc_on;
/* Nonzero during a backoff spell with nothing pending (bc_engine.backoff):
 * the engine is out of the way, as the pass-through entry is; only the
 * calls __bc_idle_pass does not let by still reach it. */
extern hidden int __bc_idle;
/* The engine's state per thread, in one block: one address to find on
 * each call, and one test for the two flags every call tests. */
struct bc_tls {
	union {
		struct {
			/* The engine is running on this thread's stack (a
			 * signal handler that interrupts it makes raw calls). */
			int depth;
			/* This thread called vfork; its child must not touch
			 * the engine. */
			int vforked;
		};
		uint64_t aside; /* either: the engine keeps out of its calls */
	};
	/* Waiting for the lock, or holding it in a call that may block (a
	 * flush's write to a full pipe): a signal then cannot wait for the
	 * thread to leave the engine (signals.c). */
	int blocked;
	/* Running a program's signal handler; its calls defer nothing. */
	int in_handler;
	/* A wrapper of preload.c is calling libc's function (below). */
	int wrapped;
	/* Signals that arrived inside the engine, held blocked and pending
	 * in the kernel until __bc_leave unblocks them. */
	unsigned long postponed;
};
extern hidden __thread struct bc_tls __bc_tls;

/* Deliver the signals postponed while this thread was in the engine. */
hidden void __bc_raise_postponed(void);

/* This thread leaves the engine (see bc_tls.depth). */
static inline void __bc_leave(void)
{
	if (!--__bc_tls.depth && __bc_tls.postponed)
		__bc_raise_postponed();
}

/* Per syscall: PASS_ALWAYS if it is never deferred, changes nothing the
 * engine knows and depends on nothing; PASS_IF_EMPTY if that holds while
 * nothing is pending; PASS_IF_CLEAR if it observes its first argument's
 * fd (DEP_OBS) and so also while nothing pending or in flight touches
 * that fd's file (bc_fd.clear); 0 otherwise. */
enum { PASS_NEVER, PASS_ALWAYS, PASS_IF_EMPTY, PASS_IF_CLEAR };
extern hidden const unsigned char __bc_pass[BC_NR_MAX];
#define PASS_OF(dep, pred, fdarg, flags) \
	(!(pred) && !((flags) & (CL_CHANGES | CL_REFINE)) ? \
	 /* A call on an fd waits for a pending close of it. */ \
	 ((dep) == DEP_NONE && (fdarg) < 0 ? PASS_ALWAYS : \
	  (dep) == DEP_OBS && (fdarg) == 0 ? PASS_IF_CLEAR : PASS_IF_EMPTY) : PASS_NEVER)
/* Per syscall, while idle: IDLE_WATCH if the engine must still see it
 * (signal dispositions, children, exec and exit, shared memory, seccomp,
 * credentials); IDLE_TICK for a call that could be deferred, which counts
 * the spell down; IDLE_IGNORE (0) for the rest, unlisted ones too (the fd
 * table is forgotten when the spell ends). */
enum { IDLE_IGNORE, IDLE_WATCH, IDLE_TICK };
extern hidden const unsigned char __bc_idle_pass[BC_NR_MAX];
/* What the engine must see even while idle: what changes the signal
 * dispositions it stands in for, makes children, ends or replaces the
 * program, shares memory, installs a filter or changes the credentials
 * its threads run with.  Any other call changes nothing it keeps while
 * idle (the fd table is forgotten when the spell ends). */
#define IDLE_OF(nr, pred) \
	((nr) == SYS_fork || (nr) == SYS_vfork || (nr) == SYS_clone || (nr) == SYS_clone3 || \
	 (nr) == SYS_execve || (nr) == SYS_execveat || (nr) == SYS_exit_group || \
	 (nr) == SYS_mmap || (nr) == SYS_shmat || (nr) == SYS_prctl || (nr) == SYS_seccomp || \
	 (nr) == SYS_setuid || (nr) == SYS_setreuid || (nr) == SYS_setresuid || \
	 (nr) == SYS_setfsuid || (nr) == SYS_setgid || (nr) == SYS_setregid || \
	 (nr) == SYS_setresgid || (nr) == SYS_setfsgid || (nr) == SYS_setgroups || \
	 (nr) == SYS_capset || (nr) == SYS_rt_sigaction ? IDLE_WATCH : (pred) ? IDLE_TICK : IDLE_IGNORE)

/* __bc_pass[nr] and __bc_idle_pass[nr] (pass: which), worked out at
 * compile time where nr is a constant (the preload's wrappers). */
static inline __attribute__((__always_inline__)) unsigned __bc_pass_of(long nr, int pass)
{
	if (!__builtin_constant_p(nr))
		return pass ? __bc_pass[nr] : __bc_idle_pass[nr];
	switch (nr) {
#define ROW(name, dep, pred, fdarg, flags) \
	case SYS_##name: return pass ? PASS_OF(dep, pred, fdarg, flags) : IDLE_OF(SYS_##name, pred);
	BC_CLASSES(ROW)
#undef ROW
	}
	return pass ? PASS_NEVER : IDLE_OF(nr, PRED_NO);
}
/* A call that could be deferred, made while idle: 1 while the spell
 * lasts, 0 once it has ended (the engine then sees the call). */
hidden int __bc_idle_tick(void);
/* Begin a spell of direct calls (deferral does not pay); lock held. */
hidden void __bc_backoff_begin(void);

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

/* Whether call nr, its first argument a0, can go straight to the kernel,
 * the engine only counting it: the common case, kept cheap. */
static inline __attribute__((__always_inline__)) int __bc_passes(long nr, long a0)
{
	unsigned p;

	if ((unsigned long)nr >= BC_NR_MAX)
		return 0;
	/* Nothing is pending or owed while idle (the engine goes idle only
	 * with nothing, and queues nothing until it wakes): a wrapper's call
	 * that the idle engine ignores, and that may pass otherwise, passes
	 * below as it would here, with no look at idle. */
	if (!(__builtin_constant_p(nr) && __bc_pass_of(nr, 0) == IDLE_IGNORE && __bc_pass_of(nr, 1)) &&
	    __atomic_load_n(&__bc_idle, __ATOMIC_RELAXED) && (p = __bc_pass_of(nr, 0)) != IDLE_WATCH)
		return !__bc_tls.aside && (p == IDLE_IGNORE || __bc_idle_tick());
	if (!(p = __bc_pass_of(nr, 1)))
		return 0;
	if (p != PASS_ALWAYS && __atomic_load_n(&__bc_e.busy, __ATOMIC_RELAXED) &&
	    (p != PASS_IF_CLEAR || !__bc_clear(a0)))
		return 0;
	return !__bc_e.any_owed && !__bc_tls.aside;
}

/* A thread's first call: past the first, the process is threaded even if
 * the engine missed the thread's start (a libc that starts threads
 * inside its own functions). */
hidden struct bc_thread *__bc_thread_first(void);

/* Count call nr for the report, as seen on the calling thread. */
static inline void __bc_seen(long nr)
{
	struct bc_thread *t = __bc_self ? __bc_self : __bc_thread_first();

	if (t)
		__bc_count(t, nr);
}

/* Before call nr: 1 if it was deferred or answered (*res: its result,
 * -errno), else 0 once what it depends on has been flushed: the caller
 * issues it, then reports its result to __bc_after. */
hidden int __bc_before(long nr, long a[6], long *res);
/* The way on for a write __bc_merge does not merge: the call not yet
 * seen, through __bc_before. */
typedef long (*bc_rest_fn)(long fd, long buf, long len, long off);
/* A write or pwrite64 nr (fd, buf, len, off) merged into the queue's last
 * entry, which the same call on the same fd made or last extended, as
 * __bc_before would merge it: its result; else rest's.  nr is E.ok_nr
 * as the caller read it.  A tail call of the wrapper's, which keeps no
 * frame. */
hidden long __bc_merge(long nr, long fd, long buf, long len, long off, bc_rest_fn rest);
/* After the caller issued nr itself: learn what it changed about fds. */
hidden void __bc_after(long nr, const long a[6], long res);
/* Read the settings and start watching the program's calls; what only
 * deferral needs waits for __bc_arm.  close_ok: every fd allocation will
 * be seen; way: how the program came in, for the report.  Makes no
 * system call unless a setting asks for one (BC_STATS, BC_PROFILE). */
hidden void __bc_engine_start(int close_ok, const char *way);
/* Before the first call is queued: stand in for the fatal signals left at
 * their default, map the queue's memory, load the default profile, look
 * for a seccomp filter.  0, or -1 if deferral is off (bc_engine.off).
 * Lock held, by the process that owns the engine. */
hidden int __bc_arm(void);
/* Arm before any deferral if the process has made at least writes
 * write calls (/proc/self/io's count, which an exec keeps) and arming
 * would rewrite libc's sites (the glibc way, not threaded): for a process
 * whose writes libc makes itself (stdio; preload.c).  The writes made; -1
 * if not now (a handler, the engine itself, a child sharing the memory);
 * -2 if never this way (or the count is unknown). */
hidden long __bc_engine_arm_early(long writes);
/* Is a seccomp filter on (deferral off for good)?  -1 if so, else 0.
 * Lock held. */
hidden int __bc_filtered(void);
/* Whether the caller is the process that owns the engine, not a child
 * sharing its memory (vfork, posix_spawn, clone without CLONE_THREAD);
 * bypassed: a musl thread whose calls bypass the entry.  Learns the
 * owner's pid where the caller cannot be such a child. */
hidden int __bc_owner(int bypassed);
/* The owner's pid, asked if not known yet; only where the caller is the
 * owner (before a child that shares the memory can exist). */
hidden long __bc_owner_pid(void);
/* The program is ending or leaving: flush, report, stop deferring
 * (final) or not (an exec that may fail).  bypassed: the caller may be a
 * child sharing the memory that bypasses the musl entry (its _Exit still
 * tells it), which only its pid tells from the owner. */
hidden void __bc_engine_end(int reason, long nr, int final, int bypassed);
/* Flush everything now, unless this thread is inside the engine. */
hidden void __bc_engine_settle(int reason);
/* A call nr made past the engine, caught while calls were pending (the
 * net, sud.c): counted, what is pending settled, and every fd's type
 * forgotten, since the call may have changed it. */
hidden void __bc_engine_unseen(long nr);

/* The net (sud.c): calls from outside the library trap while the engine
 * is busy.  Arm it for the calling thread (__bc_arm, a fork child). */
hidden void __bc_sud_arm(void);
/* May the net and the rewriter run in this process at all? */
hidden int __bc_sud_wanted(void);
/* What the net is doing, for the report. */
hidden const char *__bc_sud_state(void);
/* A batch begins (the engine was idle): may its calls block the net?
 * 1 if so.  Lock held. */
hidden int __bc_sud_batch(void);
/* Does the batch under way block calls past the engine? */
hidden int __bc_sud_blocks(void);
/* The engine's busy count changed: calls trap while it is not zero. */
hidden void __bc_sud_update(uint32_t busy);
/* The net's switch: calls from outside the library trap while it is
 * not 0 (sud.c). */
extern hidden char __bc_sud_selector;
/* Around a libc function the engine has already ordered (a wrapper's):
 * its calls go through; 1 if the net was blocking them. */
static inline int __bc_sud_open(void)
{
	if (!__atomic_load_n(&__bc_sud_selector, __ATOMIC_RELAXED))
		return 0;
	__atomic_store_n(&__bc_sud_selector, 0, __ATOMIC_RELAXED);
	return 1;
}
/* The net blocks again, if calls are still pending. */
hidden void __bc_sud_reblock(void);
static inline void __bc_sud_close(int opened)
{
	if (opened)
		__bc_sud_reblock();
}
/* SIGSYS from the net: handled (1), or another SIGSYS (0). */
hidden int __bc_sud_trap(const void *si, void *uc);
/* bc_tls.wrapped: a wrapper of preload.c is calling libc's function, its
 * call already through the engine: the rewritten sites it reaches go
 * straight (rewrite.c). */
/* A handler the engine does not wrap (libc's own signal's) blocks
 * SIGSYS: the net blocks no call from now on. */
hidden void __bc_sud_distrust(void);

/* The kernel's ucontext on x86_64, as far as the mask that a handler's
 * return restores (glibc's and musl's ucontext_t agree). */
struct kucontext {
	unsigned long flags;
	void *link;
	struct { void *sp; int flags; unsigned long size; } stack;
	unsigned long mcontext[32];
	unsigned long sigmask;
};
_Static_assert(offsetof(struct kucontext, sigmask) == 296, "uc_sigmask");
/* musl's __synccall begins (every other thread will be stopped, one
 * perhaps inside the engine): settle and keep the lock, every thread's
 * calls going raw, until it ends; then forget the fds (calls were not
 * seen) and retire the engine's threads (credentials may have changed). */
hidden void __bc_engine_synccall(int begin);
/* Nonzero while a __synccall holds the engine: calls go raw. */
extern hidden int __bc_synccall;
/* In a fork child: pending calls belong to the parent; start afresh. */
hidden void __bc_engine_child(void);
/* The class of a CL_REFINE call c, from its arguments. */
hidden struct bc_class __bc_refine(long nr, const long a[6], struct bc_class c);

/* Classify call nr with its arguments: the table, refined. */
static inline struct bc_class __bc_classify(long nr, const long a[6])
{
	static const struct bc_class unknown = { DEP_ALL, PRED_NO, -1, 0, 1 };
	struct bc_class c;

	if ((unsigned long)nr >= BC_NR_MAX || !__bc_class_table[nr].listed)
		return unknown;  /* unknown means flush */
	c = __bc_class_table[nr];
	return (c.flags & CL_REFINE) ? __bc_refine(nr, a, c) : c;
}

/* The fd's state with its identity, learned with raw probes if not yet
 * known; NULL if the fd is out of range or not open.  Lock held. */
hidden struct bc_fd *__bc_fd_get(int fd);
/* The fd's state for a call that would be deferred, its type and file
 * system probed; probe: whether a probe is worth it now (else only what
 * is known already).  NULL: do not defer.  Lock held. */
hidden struct bc_fd *__bc_fd_for_defer(int fd, int probe);
/* fd to is a duplicate of fd from: it shares what is known of it. */
hidden void __bc_fd_copy(int from, int to);
/* Learn fd's identity (dev, ino, owner) with a probe; 0 or -errno. */
hidden int __bc_fd_identify(int fd);
/* Forget every fd and the caller's identity: something out of sight may
 * have closed fds or changed credentials. */
hidden void __bc_engine_forget_fds(void);
/* Forget fd (its number may now mean another file). */
hidden void __bc_fd_forget(int fd);
/* Learn an fd from the open that returned it, without probing. */
hidden void __bc_fd_opened(int fd, const char *path, long flags);

/* Flush: the queue, merged, becomes a batch of bc pages, each result
 * checked against its prediction.  A page-full, byte or time flush of
 * calls whose executor is async goes to the executor thread; any other
 * runs here, after the batches before it, and waits for them.  reason
 * is an enum bc_flush_reason, nr the call that depends on the queue or
 * -1.  Lock held. */
hidden void __bc_run_queue_for(int reason, long nr);
/* Flush the queue if it holds anything and wait for every batch: after
 * it the kernel has seen every call made so far.  Lock held. */
hidden void __bc_settle_all(int reason, long nr);
/* The same for a dying process: a batch blocked (a full pipe) is waited
 * for about 50 ms only, and then what is queued is dropped.  Lock held. */
hidden void __bc_settle_briefly(int reason);
/* The newest batch flushed and not yet run that may touch fd's file
 * (identity dev/ino if known), or 0.  Lock held. */
hidden uint32_t __bc_inflight_for(int fd, const struct bc_fd *f);
/* Whether a batch flushed and not yet reaped holds a close.  Lock held. */
hidden int __bc_inflight_closes(void);
/* Wait until batch seq has run, then apply the results of every batch
 * that has.  Lock held. */
hidden void __bc_wait_batch(uint32_t seq);
/* Apply the results of the batches that have run.  Lock held. */
hidden void __bc_reap(void);
/* Recompute the busy hint.  Lock held. */
hidden void __bc_busy_update(void);

/* Empty the queue without running it (after a flush ran it, or in a fork
 * child, where it is the parent's). */
hidden void __bc_queue_drop(void);
/* In a fork child: the parent's batches and threads are not the child's;
 * locked: another thread held the lock at the fork. */
hidden void __bc_batches_child(int locked);
/* Map the batches; 0 or -errno. */
hidden int __bc_batches_start(void);

/* The executor thread: start it if this process has none.  Lock held.
 * 0, or -errno if it cannot run (the batch then runs where flushed). */
hidden int __bc_executor_kick(void);
/* Run the batches handed over, in order, until told to end (executor.c
 * calls it; flush.c defines it).  Returns when retired. */
hidden void __bc_executor_main(void);
/* The executor thread is gone (a fork child). */
hidden void __bc_executor_forget(void);
/* The executor thread must end (credentials changed): waited for, so
 * that no batch is left to a thread that is gone.  Lock held. */
hidden void __bc_executor_retire(void);
/* On the executor thread: it has been retired and must return. */
hidden int __bc_executor_retired(void);
/* A raw thread of the engine: two slots of a stack, a TLS block and the
 * word the kernel clears once the thread is off that stack
 * (CLONE_CHILD_CLEARTID), so that a retired thread's stack is reused
 * only once it is gone. */
struct bc_raw_slot {
	char *stack;
	int running;
	uint64_t tls[8] __attribute__((__aligned__(64)));
};
struct bc_raw_thread {
	struct bc_raw_slot slot[2];
	unsigned cur;
};
/* Start fn on raw thread t's current slot; its tid or -errno. */
hidden long __bc_raw_thread(struct bc_raw_thread *t, void (*fn)(void));
/* t's thread was told to end and is not waited for: the next one runs
 * on the other slot. */
hidden void __bc_raw_thread_retired(struct bc_raw_thread *t);
/* Wait until t's thread has ended. */
hidden void __bc_raw_thread_join(struct bc_raw_thread *t);

/* The executor settings: BC_LEVEL, BC_EXECUTOR, and BC_PROFILE's profile
 * loaded into cfg.exec (said on stderr if refused); the XDG default's
 * directory is only noted, into cfg.profile_later.  Called at start. */
hidden void __bc_profile_start(void);
/* Load the default profile found at start, silently (a refusal shows as
 * "profile":null in the report).  From __bc_arm, or the report. */
hidden void __bc_profile_later(void);
/* Name of an enum bc_exec_kind. */
hidden const char *__bc_executor_name(int ex);
/* Name of a deferrable class (enum bc_pred) in profiles and reports. */
hidden const char *__bc_class_name(int pred);
/* io_uring for the report: "unused", "ok" or "unavailable: why". */
hidden const char *__bc_uring_state(void);

/* The lock's ways when taken or waited for (timer.c). */
hidden void __bc_lock_wait(void);
hidden void __bc_unlock_wake(void);
/* The process-wide lock; not recursive.  Its free case inline: taken on
 * every merged write. */
static inline void __bc_lock(void)
{
	int c = 0;

	if (!__atomic_compare_exchange_n(&__bc_e.lock, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		__bc_lock_wait();
}
/* The lock if it is free now; nonzero if taken. */
hidden int __bc_trylock(void);
/* The lock, waiting at most about 50 ms: an exit or a fatal signal must
 * not wait for a flush blocked on a full pipe.  Nonzero if taken. */
hidden int __bc_lock_briefly(void);
static inline void __bc_unlock(void)
{
	if (__atomic_exchange_n(&__bc_e.lock, 0, __ATOMIC_RELEASE) == 2)
		__bc_unlock_wake();
}
/* Start the timer thread if this process has none; lock held. */
hidden void __bc_timer_need(void);
/* The timer thread is gone (in a fork child). */
hidden void __bc_timer_forget(void);
/* The timer thread must end: the process's credentials changed, which a
 * raw thread does not follow; the next batch starts a new one. */
hidden void __bc_timer_retire(void);
/* The same, and wait until it has ended; the lock not held. */
hidden void __bc_timer_end(void);
/* Another thread is starting: see bc_engine.threaded. */
hidden void __bc_engine_threaded(void);

/* A MAP_SHARED mapping (its mmap flags, prot and fd), or a System V
 * segment attached (flags -1): while the process shares writable memory
 * with another, nothing waits.  Lock held. */
hidden void __bc_mem_mapped(long flags, long prot, long fd);
/* The process forks: its shared mappings become shared with the child.
 * Lock held. */
hidden void __bc_mem_fork(void);
/* The same, taking the lock (a fork seen, or glibc's forkpty, daemon). */
hidden void __bc_engine_forks(void);
/* After a fork where not every mapping is seen: read them.  Lock held. */
hidden void __bc_mem_scan(void);
hidden void __bc_file_mapped(uint64_t dev, uint64_t ino);

/* Is sig at its default action, which kills: the engine's stand-in, in
 * the kernel too (asked with one raw call)?  Asked only once armed:
 * before, no stand-in is in place. */
hidden int __bc_signal_kills(int sig);
/* Does the kernel give sig to the engine's handler (asked with one raw
 * call)? */
hidden int __bc_signal_ours(int sig);
/* A deferred call failed where natively its signal (SIGPIPE at the
 * default action) killed the process before it made another call: die
 * of it now, issuing nothing more.  report: write BC_STATS first (not on
 * the engine's raw threads).  Returns only if the signal did not kill
 * within about a second (the caller counts a misprediction). */
hidden void __bc_die_of(int sig, int report);

/* Take over the fatal signals whose disposition is the default (__bc_arm). */
hidden void __bc_signals_arm(void);
/* Does the engine stand in for sig's handler (1 to 64 but libc's own)? */
hidden int __bc_signal_wrapped(int sig);
/* An rt_sigaction the program makes (the kernel's struct), filtered: the
 * engine's handler stands in for the program's, which keeps seeing its
 * own dispositions; bypassed: from a musl thread that bypasses the entry
 * (a vfork or posix_spawn child, or a handler inside it); returns the
 * syscall's result. */
hidden long __bc_sigaction(int sig, const void *act, void *oact, long size, int bypassed);

#endif
