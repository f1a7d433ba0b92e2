/* glibc's preadv2 and pwritev2, which the preload does not interpose,
 * after writes that may wait: the read sees them, and the pwritev2
 * lands where it says, after them.
 * @ways glibc
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
	char buf[32] = { 0 };
	struct iovec v = { buf, sizeof buf - 1 }, w = { "xy", 2 };
	int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	long r;

	write(fd, "AAAA", 4);
	write(fd, "BBBB", 4);
	write(fd, "CCCC", 4);
	r = preadv2(fd, &v, 1, 0, 0);
	printf("preadv2 = %ld \"%s\"\n", r, buf);
	write(fd, "DDDD", 4);
	write(fd, "EEEE", 4);
	r = pwritev2(fd, &w, 1, 13, 0);
	printf("pwritev2 = %ld\n", r);
	memset(buf, 0, sizeof buf);
	r = pread(fd, buf, sizeof buf - 1, 0);
	printf("file: %ld \"%s\"\n", r, buf);
	return 0;
}
