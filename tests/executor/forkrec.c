/* fork while pages are in flight: the parent writes 64-byte records to a
 * file and to stdout, then forks; the child appends its own, the parent
 * waits and writes more.  Every record must land once, in this order. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <sys/wait.h>
#include "rec.h"

int main(void)
{
	int fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644), st;
	pid_t pid;

	if (fd < 0)
		return 2;
	records(fd, "parent", 5000);
	records(1, "stdout", 500);
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		records(fd, "child", 3000);
		records(1, "child-stdout", 300);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid || st != 0)
		return 4;
	records(fd, "after", 1000);
	records(1, "after-stdout", 100);
	return close(fd) ? 5 : 0;
}
