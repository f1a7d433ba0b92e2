/* Failures a program sees as results, which no deferred call may hide:
 * a write crossing RLIMIT_FSIZE comes back short (no SIGXFSZ); a write to
 * an unconnected unix stream socket fails with ENOTCONN; a datagram to
 * the broadcast address without SO_BROADCAST fails with EACCES; with
 * SIGPIPE ignored by glibc's sigignore (out of the preload's sight),
 * each write to a broken pipe fails with EPIPE.  Each in a child of its
 * own; results printed at each child's end. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static long r[4];
static int e[4];

static void results(const char *what)
{
	for (int i = 0; i < 4; i++)
		printf("%s %d = %ld (%s)\n", what, i, r[i], r[i] < 0 ? strerror(e[i]) : "ok");
	fflush(stdout);
}

#define CALL(i, x) (errno = 0, r[i] = (x), e[i] = errno)

int main(void)
{
	char b[1000] = { 0 };
	int fd, p[2];

	if (fork() == 0) {
		struct rlimit lim = { 1024, 1024 };
		if (setrlimit(RLIMIT_FSIZE, &lim) ||
		    (fd = open("fsize", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
			_exit(2);
		CALL(0, write(fd, b, 1000));
		CALL(1, write(fd, b, 10));
		CALL(2, write(fd, b, 100));
		CALL(3, write(fd, b, 0));
		results("fsize");
		_exit(0);
	}
	wait(NULL);
	if (fork() == 0) {
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
			_exit(2);
		for (int i = 0; i < 4; i++)
			CALL(i, write(fd, "x", 1));
		results("unix unconnected");
		_exit(0);
	}
	wait(NULL);
	if (fork() == 0) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9),
					 .sin_addr.s_addr = htonl(INADDR_BROADCAST) };
		if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
			_exit(2);
		for (int i = 0; i < 4; i++)
			CALL(i, sendto(fd, "x", 1, 0, (void *)&a, sizeof a));
		results("udp broadcast");
		_exit(0);
	}
	wait(NULL);
	if (pipe(p))
		return 2;
	CALL(0, write(p[1], "x", 1));
	close(p[0]);
	sigignore(SIGPIPE);
	for (int i = 1; i < 4; i++)
		CALL(i, write(p[1], "ab", 2));
	results("sigignore");
	return 0;
}
