/* An mmap made with the program's own syscall instruction: no libc
 * function, wrapper or rewritten site sees it (the net does, but only
 * while calls are pending).  For the tests that need a mapping the engine
 * did not see made. */
#include <sys/syscall.h>

static long inline_mmap(long len, long prot, long flags, long fd)
{
	register long r10 __asm__("r10") = flags;
	register long r8 __asm__("r8") = fd;
	register long r9 __asm__("r9") = 0;
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "0"(SYS_mmap), "D"(0L), "S"(len), "d"(prot),
			 "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
	return r;
}
