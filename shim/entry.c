/* The patched musl's entry, armed with the engine: every C-level call of
 * the program arrives here, so nothing is out of sight. */
#include <bc_entry.h>
#include <sys/syscall.h>

#include "engine.h"
#include "life.h"
#include "raw.h"
#include "signals.h"
#include "state.h"
#include "stats.h"

/* Weak: libbcshim.so finds it in the patched libc.so, when there is one. */
extern long __bc_syscall(long, const long[6], unsigned) __attribute__((__weak__));


/* Everything but a call the engine only counts. */
__attribute__((__noinline__)) static long call(long nr, const long *arg, unsigned flags)
{
	long a[6], r;

	for (int i = 0; i < 6; i++)
		a[i] = arg[i];
	if (__bc_before(nr, a, &r))
		return r;
	if (nr == SYS_rt_sigaction)
		r = __bc_sigaction(a[0], (const void *)a[1], (void *)a[2], a[3], 0);
	else if (flags & BC_CALL_CP)
		r = __bc_syscall(nr, a, flags);
	else
		r = __bc_raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	__bc_after(nr, a, r);
	return r;
}

/* Kept small: most calls take the first branch, which calls nothing and
 * so needs no frame (a thread's first call, which makes its counters,
 * goes the long way). */
hidden long __bc_entry_call(long nr, const long *arg, unsigned flags)
{
	struct bc_thread *t = __bc_self;

	/* A thread that bypasses the entry (a vfork or posix_spawn child
	 * among them) sees the program's dispositions, and nothing else of
	 * the engine runs for it: no count, no flush. */
	if (flags & BC_CALL_BYPASSED)
		return __bc_sigaction(arg[0], (const void *)arg[1], (void *)arg[2], arg[3], 1);
	if (t && !(flags & BC_CALL_CP) && __bc_passes(nr, arg[0])) {
		__bc_count(t, nr);
		return __bc_raw6(nr, arg[0], arg[1], arg[2], arg[3], arg[4], arg[5]);
	}
	return call(nr, arg, flags);
}

hidden void __bc_entry_event(int ev)
{
	if (ev == BC_EV_FORK_CHILD)
		__bc_engine_child();
	else if (ev == BC_EV_THREAD_EXIT)
		__bc_thread_exit();
	else if (ev == BC_EV_EXIT)
		__bc_engine_end(FL_EXIT, SYS_exit_group, 1, 1);
	else if (ev == BC_EV_VFORK)
		__bc_engine_settle(FL_FORK);
	else if (ev == BC_EV_THREAD_START)
		__bc_engine_threaded();
	else if (ev == BC_EV_SYNCCALL_BEGIN || ev == BC_EV_SYNCCALL_END)
		__bc_engine_synccall(ev == BC_EV_SYNCCALL_BEGIN);
}
