/* _Fork, which runs no atfork handler and which the preload does not
 * interpose, after writes that may wait: they are in the file before
 * the child's write, and the child has none of them to write again. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int fd = open("data", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	char buf[64] = { 0 };
	pid_t pid;

	for (int i = 0; i < 3; i++)
		write(fd, "AAAA", 4);
	pid = _Fork();
	if (pid == 0) {
		write(fd, "c", 1);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	write(fd, "p", 1);
	close(fd);
	fd = open("data", O_RDONLY);
	read(fd, buf, sizeof buf - 1);
	printf("%s\n", buf);
	return 0;
}
