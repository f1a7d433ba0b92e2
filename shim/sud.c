/* The net under the glibc way in: Syscall User Dispatch.  glibc makes
 * calls the preload cannot see (its internal ones, eventfd_write,
 * preadv2, a program's inline syscall...); while calls are pending, such
 * a call must not overtake them.  So, while the engine is busy, the
 * kernel sends SIGSYS for every call made from outside this library, and
 * the engine's handler settles the queue, lets calls through again and
 * has the call made afresh, with its own result (trap.c).  A process
 * pays nothing for it while nothing is pending: the switch is a byte the
 * engine stores, not a system call.
 *
 * The kernel forces SIGSYS: were it blocked or ignored, the process would
 * die of it.  So the switch blocks calls only on the thread that armed
 * it, only while that thread does not block SIGSYS and the kernel's
 * disposition is the engine's handler, both asked when a batch begins;
 * neither changes while calls are blocked without a call that traps (or
 * goes through the engine, which settles first).  The dispatch is per
 * thread and not inherited: a thread, a vfork child or a fork child makes
 * its calls unseen, as without it (a fork child arms its own). */
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "onvalgrind.h"
#include "raw.h"
#include "state.h"
#include "sud.h"

#define E __bc_e

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_ON 1
#endif
#define PR_SYS_DISPATCH_OFF 0
#define SELECT_ALLOW 0
#define SELECT_BLOCK 1

/* The library's own code, whose calls always go through: linker-made. */
extern const char __ehdr_start[] hidden, __etext[] hidden;

hidden char __bc_sud_selector;
/* The process whose arming thread this is (0: none), and the one that
 * could not arm it (asked once). */
static long armed_pid, failed_pid;
static __thread char arming_thread;
/* The arming thread's net is disarmed while the engine is idle. */
static __thread char resting;
static const char *state = "not armed";
/* The batch under way may block calls on the arming thread. */
static int batch_blocks;
/* A handler the engine does not wrap may block SIGSYS: never block. */
static int distrusted;
/* Does the kernel give sig to the engine's handler (__bc_sud_arm)? */
static int (*ours)(int sig);

/* For pid, the process that runs it now (a fork the engine did not see
 * leaves the engine's owner stale: the pid is asked, not assumed). */
static void arm(long pid)
{
	long r;

	if (pid == failed_pid)
		return;
	r = __bc_raw6(SYS_prctl, PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON,
		      (long)__ehdr_start, __etext - __ehdr_start, (long)&__bc_sud_selector, 0);
	if (r < 0) {
		state = r == -EINVAL ? "the kernel has no syscall user dispatch" : "refused";
		failed_pid = pid;
		return;
	}
	armed_pid = pid;
	arming_thread = 1;
	resting = 0;
	state = "on";
}

hidden int __bc_sud_wanted(void)
{
	/* Under valgrind every call is made by valgrind's own code, which
	 * a blocked call would stop; and a site rewritten after valgrind
	 * translated it would still run the old code. */
	if (RUNNING_ON_VALGRIND) {
		state = "off: running under valgrind";
		return 0;
	}
	return 1;
}

hidden void __bc_sud_arm(int (*signal_ours)(int sig))
{
	ours = signal_ours;
	if (E.cfg.sud)
		arm(E.owner);
}

hidden void __bc_sud_distrust(void)
{
	distrusted = 1;
	state = "off: a handler of libc's own signal blocks SIGSYS";
}

hidden const char *__bc_sud_state(void)
{
	return state;
}

hidden int __bc_sud_batch(void)
{
	uint64_t mask;
	long pid;

	batch_blocks = 0;
	if (!E.cfg.sud || E.threaded || distrusted)
		return 0;
	E.n.probes += 3;
	pid = __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
	if (armed_pid != pid || (resting && arming_thread))
		arm(pid);  /* a fork child, or the end of a rest */
	/* Not armed here, or the rest's end refused (arm left it resting). */
	if (armed_pid != pid || !arming_thread || resting)
		return 0;
	if (__bc_raw6(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)&mask, 8, 0, 0) ||
	    (mask >> (SIGSYS - 1) & 1) || !ours(SIGSYS))
		return 0;
	return batch_blocks = 1;
}

hidden void __bc_sud_rest(void)
{
	/* A fork child's thread was never armed (the kernel does not copy
	 * the dispatch); its owner pid is its own, armed_pid its parent's. */
	if (!arming_thread || resting || armed_pid != E.owner)
		return;
	/* Off only where nothing traps: the selector is ALLOW while idle. */
	E.n.probes++;
	if (__bc_raw6(SYS_prctl, PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0, 0) == 0)
		resting = 1;
}

hidden int __bc_sud_blocks(void)
{
	return batch_blocks;
}

hidden void __bc_sud_update(uint32_t busy)
{
	__atomic_store_n(&__bc_sud_selector, busy && batch_blocks ? SELECT_BLOCK : SELECT_ALLOW,
			 __ATOMIC_RELEASE);
}

hidden void __bc_sud_reblock(void)
{
	__bc_sud_update(__atomic_load_n(&E.busy, __ATOMIC_SEQ_CST));
	/* A flush on another thread (the timer's) may have emptied the
	 * engine since: its ALLOW must not be overwritten. */
	if (!__atomic_load_n(&E.busy, __ATOMIC_SEQ_CST))
		__atomic_store_n(&__bc_sud_selector, SELECT_ALLOW, __ATOMIC_SEQ_CST);
}

hidden void __bc_sud_caught(void)
{
	__atomic_store_n(&__bc_sud_selector, SELECT_ALLOW, __ATOMIC_SEQ_CST);
	batch_blocks = 0;
}
