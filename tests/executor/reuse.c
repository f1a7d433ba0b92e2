/* Relaxed: closes run on the executor thread while O_EXCL opens (which do
 * not wait) reuse their numbers before the close's batch is reaped; the
 * reap once took a newer, still queued close of the number for the old
 * one, and a call on the closed fd then reached the kernel (review 4).
 * Each 7th file: F_GETFD on the last closed fd must fail with EBADF.
 * @modes all
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char name[32], buf[100];
	long bad = 0;
	int prev = -1;

	memset(buf, 'd', sizeof buf);
	for (long i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "f%ld", i);
		int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0) {
			perror("open");
			return 1;
		}
		if (prev >= 0 && prev != fd && i % 7 == 0 &&
		    (fcntl(prev, F_GETFD) != -1 || errno != EBADF))
			bad++;
		if (write(fd, buf, sizeof buf) != sizeof buf || close(fd))
			return 1;
		prev = fd;
	}
	printf("closed fds found open: %ld\n", bad);
	return 0;
}
