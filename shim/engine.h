/* The engine's way in (engine.c): before each call, what it depends on
 * is flushed, or it is deferred; after it, what it taught is learned.
 * The ways in (preload.c, entry.c) call these; nothing below them does. */
#ifndef BC_ENGINE_H
#define BC_ENGINE_H

#include "classify.h"
#include "state.h"

/* A call that could be deferred, made while idle: 1 while the spell
 * lasts, 0 once it has ended (the engine then sees the call). */
hidden int __bc_idle_tick(void);

/* Whether call nr, its first argument a0, can go straight to the kernel,
 * the engine only counting it: the common case, kept cheap. */
static inline __attribute__((__always_inline__)) int __bc_passes(long nr, long a0)
{
	unsigned p;

	if ((unsigned long)nr >= BC_NR_LIMIT)
		return 0;
	/* Nothing is pending or owed while idle (the engine goes idle only
	 * with nothing, and queues nothing until it wakes): a wrapper's call
	 * that the idle engine ignores, and that may pass otherwise, passes
	 * below as it would here, with no look at idle. */
	if (!(__builtin_constant_p(nr) && __bc_pass_of(nr, 0) == IDLE_IGNORE && __bc_pass_of(nr, 1)) &&
	    __atomic_load_n(&__bc_idle, __ATOMIC_RELAXED) && (p = __bc_pass_of(nr, 0)) != IDLE_WATCH)
		return !__bc_aside() && (p == IDLE_IGNORE || __bc_idle_tick());
	if (!(p = __bc_pass_of(nr, 1)))
		return 0;
	if (p != PASS_ALWAYS && __atomic_load_n(&__bc_e.busy, __ATOMIC_RELAXED) &&
	    (p != PASS_IF_CLEAR || !__bc_clear(a0)))
		return 0;
	return !__bc_e.any_owed && !__bc_aside();
}

/* Whether call nr passes while the library is quiet (bc_engine.quiet):
 * never armed, so nothing is pending or owed, it passes whenever it may
 * pass at all; while idle, whatever the idle engine lets by (__bc_passes),
 * a call that could be deferred ticking the spell down. */
static inline __attribute__((__always_inline__)) int __bc_quiet_passes(long nr)
{
	unsigned idle;

	if ((unsigned long)nr >= BC_NR_LIMIT)
		return 0;
	if (__bc_pass_of(nr, 1) && __bc_pass_of(nr, 0) == IDLE_IGNORE)
		return 1;
	if (!(idle = __atomic_load_n(&__bc_idle, __ATOMIC_RELAXED)))
		return __bc_pass_of(nr, 1) != 0;
	return __bc_pass_of(nr, 0) != IDLE_WATCH && !__bc_aside() &&
	       (__bc_pass_of(nr, 0) == IDLE_IGNORE || __bc_idle_tick());
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
 * frame; rest's arguments come first, where rest takes them. */
hidden long __bc_merge(long fd, long buf, long len, long off, bc_rest_fn rest, long nr);
/* After the caller issued nr itself: learn what it changed about fds. */
hidden void __bc_after(long nr, const long a[6], long res);

#endif
