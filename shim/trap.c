/* The net's trap (sud.c): a call made past the engine while the net
 * blocked it comes as SIGSYS to the engine's handler (signals.c), which
 * hands it here.  The engine settles what is pending, and the call is
 * made afresh, with its own result. */
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "kucontext.h"
#include "life.h"
#include "raw.h"
#include "sud.h"
#include "trap.h"

#define SYS_USER_DISPATCH 2        /* si_code of a dispatched call */
#define ARCH_X86_64 0xc000003eU    /* AUDIT_ARCH_X86_64 */

/* The kernel's register file in a signal frame. */
enum { GREG_RAX = 13, GREG_RIP = 16 };

/* Is rip just past a system call instruction: syscall, int $0x80 or
 * sysenter? */
static int after_call(unsigned long rip)
{
	uint16_t op;

	__builtin_memcpy(&op, (const void *)(rip - 2), 2);

	return op == 0x050f || op == 0x80cd || op == 0x340f;
}

hidden int __bc_sud_trap(const void *si, void *uc)
{
	const siginfo_t *info = si;
	struct kucontext *k = uc;
	unsigned long *gregs = (unsigned long *)k->mcontext;
	/* si_call_addr, si_syscall, si_arch: the kernel's SIGSYS layout. */
	unsigned long addr = *(const unsigned long *)((const char *)si + 16);
	int nr = *(const int *)((const char *)si + 24);
	unsigned arch = *(const unsigned *)((const char *)si + 28);
	uint64_t mask = k->sigmask | 1UL << (SIGSYS - 1);

	/* Only a call the net stopped: a SIGSYS sent with this si_code is
	 * the program's. */
	if (info->si_code != SYS_USER_DISPATCH || addr != gregs[GREG_RIP] || !after_call(addr))
		return 0;
	__bc_sud_caught();
	/* The stand-in blocks every signal; the settle may wait (a full
	 * pipe), where the program would have taken them. */
	__bc_raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&mask, 0, 8, 0, 0);
	__bc_engine_unseen(arch == ARCH_X86_64 ? nr : -1);
	/* The call again, at its instruction (two bytes, each of them), its
	 * number back in rax where the kernel left -ENOSYS. */
	gregs[GREG_RIP] -= 2;
	gregs[GREG_RAX] = nr;
	return 1;
}
