/* A realtime signal's handler (the engine does not wrap those) makes the
 * process's first deferral, so libc is rewritten while the main thread is
 * blocked in a readv at one of its sites; SA_RESTART takes the read back
 * to its syscall instruction, which must still be there (a nop in its
 * place made readv return 19, its number). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int logfd;

static void on_rt(int sig)
{
	(void)sig;
	write(logfd, "handler\n", 8);
	write(logfd, "handler\n", 8);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_rt, .sa_flags = SA_RESTART };
	int p[2];
	char buf[16];
	ssize_t n;
	pid_t pid, parent = getpid();

	logfd = open("log", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	sigaction(SIGRTMIN, &sa, NULL);
	pipe(p);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		usleep(100000);
		kill(parent, SIGRTMIN);
		usleep(100000);
		write(p[1], "data", 4);
		_exit(0);
	}
	close(p[1]);
	struct iovec v = { buf, sizeof buf };
	n = readv(p[0], &v, 1);
	printf("read %zd: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
	waitpid(pid, NULL, 0);
	return 0;
}
