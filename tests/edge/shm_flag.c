/* Processes that synchronise through shared memory, with no system call:
 * a child writes a, b, c to stdout, then sets a flag in a MAP_SHARED
 * page; the parent, seeing the flag, writes P.  Natively always "abcP". */
#include <sched.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int *flag = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (flag == MAP_FAILED)
		return 2;
	for (int round = 0; round < 40; round++) {
		pid_t pid;
		__atomic_store_n(flag, 0, __ATOMIC_SEQ_CST);
		if ((pid = fork()) == 0) {
			write(1, "a", 1);
			write(1, "b", 1);
			write(1, "c", 1);
			__atomic_store_n(flag, 1, __ATOMIC_SEQ_CST);
			/* Still alive when the parent writes. */
			while (__atomic_load_n(flag, __ATOMIC_SEQ_CST) != 2)
				sched_yield();
			_exit(0);
		}
		while (!__atomic_load_n(flag, __ATOMIC_SEQ_CST))
			sched_yield();
		write(1, "P\n", 2);
		__atomic_store_n(flag, 2, __ATOMIC_SEQ_CST);
		waitpid(pid, NULL, 0);
	}
	return 0;
}
