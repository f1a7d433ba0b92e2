/* preadv2 and pwritev2 are not among the wrappers: only their rewritten
 * sites take them to the engine, which must flush the pending writes
 * first.  Under the function-level way preadv2 read nothing and
 * pwritev2's bytes were lost under the later flush.
 * @ways glibc
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
	char b[8] = { 0 };
	struct iovec r = { b, 4 }, w = { "BB", 2 };
	int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (fd < 0)
		return 1;
	/* Enough writes that the engine defers them. */
	for (int i = 0; i < 8; i++)
		write(fd, "xxxx", 4);
	write(fd, "AAAA", 4);
	n = preadv2(fd, &r, 1, 32, 0);
	printf("preadv2 %zd '%.4s'\n", n, b);
	write(fd, "AAAA", 4);
	n = pwritev2(fd, &w, 1, 36, 0);
	printf("pwritev2 %zd\n", n);
	close(fd);
	return 0;
}
