/* _Fork, which runs no atfork handler and which the preload does not
 * interpose, after writes that may wait: they are in the file before
 * the child's write, and the child has none of them to write again.  The
 * child's own writes are ordered with its inline syscall on glibc (a
 * fork the engine did not see: the net arms for the child itself; the
 * musl ways have no net, and a program's own syscall instruction is a
 * limit there, bcshim(7)). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <unistd.h>

static void raw_write(int fd, const char *s)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"((long)SYS_write), "D"((long)fd), "S"(s), "d"(1L)
			 : "rcx", "r11", "memory");
}

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
		write(fd, "d", 1);
		write(fd, "e", 1);
#ifdef __GLIBC__
		raw_write(fd, "X");
#else
		write(fd, "X", 1);
#endif
		write(fd, "f", 1);
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
