/* After close(fd), is fd still open?  fcntl(F_GETFD/F_SETFD/F_GETFL),
 * fchdir and readlink(/proc/self/fd/N) must all say no.  Each call gets an
 * fd of its own, opened and closed just before it, so that every one
 * meets a close that may still wait (a call that flushes would otherwise
 * hide the others).  Results are printed at the end, so that no write
 * comes in between.  The files are in the test's own directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
	const char *what[5] = { "fcntl(fd,F_GETFD)", "fcntl(fd,F_SETFD)", "fcntl(fd,F_GETFL)", "fchdir(dfd)", "readlink(/proc/self/fd/fd)" };
	char link[64], buf[256], name[32];
	int r[5], e[5];
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "f_getfd.%d", i);
		int fd = i == 3 ? open(".", O_RDONLY | O_DIRECTORY) : open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		close(fd);
		errno = 0;
		switch (i) {
		case 0: r[i] = fcntl(fd, F_GETFD); break;
		case 1: r[i] = fcntl(fd, F_SETFD, FD_CLOEXEC); break;
		case 2: r[i] = fcntl(fd, F_GETFL); break;
		case 3: r[i] = fchdir(fd); break;
		default: r[i] = readlink(link, buf, sizeof buf - 1); break;
		}
		e[i] = errno;
	}
	for (int i = 0; i < 5; i++)
		printf("%-28s = %d (%s)\n", what[i], r[i], r[i] < 0 ? strerror(e[i]) : "ok");
	return 0;
}
