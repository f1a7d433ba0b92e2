/* The pass-through entry of bc-musl-gcc --bc=pass: every call the patched
 * musl hands over is stored as registers in the thread's page (window 0:
 * arguments r1..r6, result r0), counted, and issued at once. */
#include <bc_entry.h>
#include <sys/auxv.h>
#include <sys/syscall.h>

#include "env.h"
#include "raw.h"
#include "stats.h"

/* The report goes out before the process ends or becomes another
 * program; if exec fails, what it counted is already reported. */
__attribute__((__noinline__, __cold__))
static long ending(long nr, const long a[6], unsigned flags)
{
	long r;

	__bc_stats_report(-1);
	r = __bc_syscall(nr, a, flags);
	__bc_stats_forget(0, 0);
	return r;
}

static long pass_call(long nr, const long a[6], unsigned flags)
{
	struct bc_thread *t;
	long r;

	/* A bypassed thread's rt_sigaction: not this entry's to count (a
	 * vfork child would count in its parent's memory). */
	if (flags & BC_CALL_BYPASSED)
		return __bc_raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	t = __bc_thread();
	if (t) {
		__builtin_memcpy(&t->page.reg[1], a, 6 * sizeof *a);
		__bc_count(t, nr);
	}
	if (nr == SYS_exit_group || nr == SYS_execve || nr == SYS_execveat)
		r = ending(nr, a, flags);
	else if (flags & BC_CALL_CP)
		r = __bc_syscall(nr, a, flags);
	else
		r = __bc_raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (t)
		t->page.reg[0] = r;
	return r;
}

static void pass_event(int ev)
{
	if (ev == BC_EV_FORK_CHILD)
		__bc_stats_forget(1, __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0));
	else if (ev == BC_EV_THREAD_EXIT)
		__bc_thread_exit();
	else if (ev == BC_EV_EXIT)
		/* The exit_group that follows is the call the entry was told
		 * of: counted in the report, which must go out before it. */
		__bc_stats_report(SYS_exit_group);
}

/* musl (static, or the libc.so this is loaded into) reads the aux vector
 * before constructors run. */
hidden int __bc_secure(void)
{
	return getauxval(AT_SECURE) != 0;
}

static const struct bc_entry_ops pass_ops = { pass_call, pass_event };

/* Early, so that other constructors' calls are seen too. */
__attribute__((__constructor__(101))) static void arm(void)
{
	if (__bc_disabled())
		return;
	__bc_stats_start("pass", 0);
	__bc_set_entry(&pass_ops);
}
