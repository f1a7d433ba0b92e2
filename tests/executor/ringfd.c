/* Run with RLIMIT_NOFILE 20: the io_uring executor's ring, which cannot
 * move above the program's fds, once kept a low number and the next open
 * got another fd than natively (review 4); now io_uring is refused.
 * @modes uring:*
 * @run ulimit -n 20; PROG
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int fd = open("ring.dat", O_WRONLY | O_CREAT | O_EXCL, 0644);
	for (int i = 0; i < 4; i++)
		pwrite(fd, "abcd", 4, 4 * i);
	fsync(fd);                       /* a dependency: the flush sets the ring up */
	int fd2 = open("ring2.dat", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	printf("fd %d fd2 %d\n", fd, fd2);
	return 0;
}
