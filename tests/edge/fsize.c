/* With RLIMIT_FSIZE = 10, a write past the limit raises SIGXFSZ (default:
 * the process dies, core) natively.  The writes are left for the timer.
 * fsize.out is made in the test's own directory. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>
int main(void)
{
	struct rlimit rl = { 10, 10 };
	unlink("fsize.out");
	int fd = open("fsize.out", O_WRONLY | O_CREAT | O_EXCL, 0644);
	setrlimit(RLIMIT_FSIZE, &rl);
	write(fd, "0123456789", 10);
	write(fd, "X", 1);                   /* native: SIGXFSZ here */
	for (volatile long i = 0; i < 100000000; i++)   /* no syscalls */
		;
	write(1, "still alive\n", 12);
	return 0;
}
