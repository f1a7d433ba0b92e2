/* The net under the glibc way in: Syscall User Dispatch.  glibc makes
 * calls the preload cannot see (its internal ones, eventfd_write,
 * preadv2, a program's inline syscall...); while calls are pending, such
 * a call must not overtake them.  So, while the engine is busy, the
 * kernel sends SIGSYS for every call made from outside this library, and
 * the engine's handler settles the queue, lets calls through again and
 * has the call made afresh, with its own result.  A process pays nothing
 * for it while nothing is pending: the switch is a byte the engine
 * stores, not a system call.
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

#include "engine.h"
#include "raw.h"

#define E __bc_e

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_ON 1
#endif
#define SELECT_ALLOW 0
#define SELECT_BLOCK 1
#define SYS_USER_DISPATCH 2        /* si_code of a dispatched call */
#define ARCH_X86_64 0xc000003eU    /* AUDIT_ARCH_X86_64 */

/* The library's own code, whose calls always go through: linker-made. */
extern const char __ehdr_start[] hidden, __etext[] hidden;

static char selector;
/* The process whose arming thread this is (0: none), and why not. */
static long armed_pid;
static __thread char arming_thread;
static const char *state = "not armed";
/* The batch under way may block calls on the arming thread. */
static int batch_blocks;

hidden void __bc_sud_arm(void)
{
	long r;

	if (!E.cfg.sud || armed_pid == E.owner)
		return;
	armed_pid = E.owner;
	r = __bc_raw6(SYS_prctl, PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON,
		      (long)__ehdr_start, __etext - __ehdr_start, (long)&selector, 0);
	if (r < 0) {
		state = r == -EINVAL ? "the kernel has no syscall user dispatch" : "refused";
		armed_pid = -1;
		return;
	}
	arming_thread = 1;
	state = "on";
}

hidden const char *__bc_sud_state(void)
{
	return state;
}

hidden int __bc_sud_batch(void)
{
	uint64_t mask;

	batch_blocks = 0;
	if (!E.cfg.sud || E.threaded)
		return 0;
	if (armed_pid != E.owner)
		__bc_sud_arm();  /* a fork child */
	if (armed_pid != E.owner || !arming_thread)
		return 0;
	E.n.probes += 2;
	if (__bc_raw6(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)&mask, 8, 0, 0) ||
	    (mask >> (SIGSYS - 1) & 1) || !__bc_signal_ours(SIGSYS))
		return 0;
	return batch_blocks = 1;
}

hidden int __bc_sud_blocks(void)
{
	return batch_blocks;
}

hidden void __bc_sud_update(uint32_t busy)
{
	__atomic_store_n(&selector, busy && batch_blocks ? SELECT_BLOCK : SELECT_ALLOW,
			 __ATOMIC_RELEASE);
}

hidden int __bc_sud_open(void)
{
	if (!__atomic_load_n(&selector, __ATOMIC_RELAXED))
		return 0;
	__atomic_store_n(&selector, SELECT_ALLOW, __ATOMIC_RELAXED);
	return 1;
}

hidden void __bc_sud_close(int opened)
{
	if (opened)
		__bc_sud_update(__atomic_load_n(&E.busy, __ATOMIC_ACQUIRE));
}

/* The kernel's register file in a signal frame, as far as rip. */
enum { GREG_RAX = 13, GREG_RIP = 16 };

hidden int __bc_sud_trap(const void *si, void *uc)
{
	const siginfo_t *info = si;
	unsigned long *gregs = (unsigned long *)((char *)uc + 40);
	/* si_syscall, si_arch: the kernel's SIGSYS layout. */
	int nr = *(const int *)((const char *)si + 24);
	unsigned arch = *(const unsigned *)((const char *)si + 28);

	if (info->si_code != SYS_USER_DISPATCH)
		return 0;
	__atomic_store_n(&selector, SELECT_ALLOW, __ATOMIC_RELEASE);
	batch_blocks = 0;
	if (arch == ARCH_X86_64)
		__bc_engine_unseen(nr);
	/* The call again, at its syscall instruction (two bytes, as is
	 * int $0x80), its number back in rax where the kernel left -ENOSYS. */
	gregs[GREG_RIP] -= 2;
	gregs[GREG_RAX] = nr;
	return 1;
}
