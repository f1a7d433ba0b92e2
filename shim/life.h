/* The engine's life (life.c): its start, its end, its threads seen, a
 * fork child's fresh start, and the entries from outside that take the
 * lock (settle, unseen, synccall, forget). */
#ifndef BC_LIFE_H
#define BC_LIFE_H

#include "state.h"
#include "stats.h"

/* Read the settings and start watching the program's calls; what only
 * deferral needs waits for __bc_arm.  close_ok: every fd allocation will
 * be seen; way: how the program came in, for the report.  Makes no
 * system call unless a setting asks for one (BC_STATS, BC_PROFILE). */
hidden void __bc_engine_start(int close_ok, const char *way);
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
/* __bc_settle from outside the engine, taking the lock: unless this
 * thread is inside the engine or a vfork child, or nothing is busy. */
hidden void __bc_engine_settle(int reason);
/* A call nr made past the engine, caught while calls were pending (the
 * net, sud.c): counted, what is pending settled, and every fd's type
 * forgotten, since the call may have changed it. */
hidden void __bc_engine_unseen(long nr);

/* musl's __synccall begins (every other thread will be stopped, one
 * perhaps inside the engine): settle and keep the lock, every thread's
 * calls going raw, until it ends; then forget the fds (calls were not
 * seen) and retire the engine's threads (credentials may have changed). */
hidden void __bc_engine_synccall(int begin);
/* Nonzero while a __synccall holds the engine: calls go raw. */
extern hidden int __bc_synccall;
/* Forget every fd: something out of sight may have closed fds (glibc's
 * FORGET functions); creds: and changed the credentials (CREDS). */
hidden void __bc_engine_forget_fds(int creds);
/* A resource limit may change out of the engine's sight (glibc's
 * setrlimit, prlimit): the timer thread shares the fd table from now on. */
hidden void __bc_engine_limits(void);
/* The engine's raw threads are retired: they keep what they started with
 * (credentials, the fd table); the next batch starts new ones.  Lock
 * held. */
hidden void __bc_threads_retire(void);
/* The process's credentials may have changed (set*id, capset, a prctl or
 * seccomp call, a __synccall, a libc function out of sight): the cached
 * euid is forgotten, and the engine's raw threads, which keep the
 * credentials they started with, are retired; the next batch starts new
 * ones.  The one place that handles it.  Lock held. */
hidden void __bc_creds_changed(void);
/* In a fork child: pending calls belong to the parent; start afresh. */
hidden void __bc_engine_child(void);

/* Another thread is starting: see bc_engine.threaded. */
hidden void __bc_engine_threaded(void);
/* A clone with these flags is starting.  A child that shares the fd
 * table but not the memory (its own engine on the same fds), or a thread
 * with a table of its own (a number names another file there), turns
 * deferral off for good. */
hidden void __bc_engine_clones(long flags);

/* A thread's first call: past the first, the process is threaded even if
 * the engine missed the thread's start (a libc that starts threads
 * inside its own functions). */
hidden struct bc_thread *__bc_thread_first(void);

/* Count call nr for the report, as seen on the calling thread. */
static inline void __bc_seen(long nr)
{
	struct bc_thread *t = __bc_self;

	if (t == &__bc_sink)
		return;  /* nothing counted */
	if (t || (t = __bc_thread_first()))
		__bc_count(t, nr);
}

#endif
