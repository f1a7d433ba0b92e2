/* Fill stdout (a pipe whose reader is slow), write a small tail, then exec.
 * Natively the tail write blocks until the reader reads; then exec.
 * @run PROG | (sleep 1; wc -c)
 * @parallel
 */
#include <string.h>
#include <unistd.h>
int main(void)
{
	static char big[65536];
	memset(big, 'a', sizeof big);
	write(1, big, sizeof big);          /* direct (> 8192): fills the pipe */
	write(1, "tail\n", 5);              /* deferred: second use of fd 1 */
	for (volatile long i = 0; i < 30000000; i++)  /* no syscalls: let the timer flush */
		;
	execl("/bin/true", "true", (char *)0);
	return 1;
}
