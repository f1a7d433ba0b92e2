/* After close(fd), is fd still open?  fcntl(F_GETFD/F_SETFD/F_GETFL),
 * fchdir and readlink(/proc/self/fd/N) must all say no.  Results are
 * printed at the end, so that no write comes in between.  Both files are
 * in the test's own directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
	char link[64], buf[256];
	int r[5], e[5];
	int fd = open("f_getfd.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	close(fd);
	close(dfd);
	errno = 0; r[0] = fcntl(fd, F_GETFD); e[0] = errno;
	errno = 0; r[1] = fcntl(fd, F_SETFD, FD_CLOEXEC); e[1] = errno;
	errno = 0; r[2] = fcntl(fd, F_GETFL); e[2] = errno;
	errno = 0; r[3] = fchdir(dfd); e[3] = errno;
	errno = 0; r[4] = readlink(link, buf, sizeof buf - 1); e[4] = errno;
	const char *what[5] = { "fcntl(fd,F_GETFD)", "fcntl(fd,F_SETFD)", "fcntl(fd,F_GETFL)", "fchdir(dfd)", "readlink(/proc/self/fd/fd)" };
	for (int i = 0; i < 5; i++)
		printf("%-28s = %d (%s)\n", what[i], r[i], r[i] < 0 ? strerror(e[i]) : "ok");
	return 0;
}
