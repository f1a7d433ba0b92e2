/* epipe.c: write to a pipe whose reader has gone.  A
 * child reads the first record and exits; once it is reaped, no reader is
 * left.  The first write went through while the reader lived, so the
 * engine knows the fd and may defer the next ones.
 *
 *   epipe ign|dfl loop     64-byte writes until one fails (at most 100000)
 *   epipe ign|dfl single   one write, then close
 *
 * With "ign" SIGPIPE is ignored and the program prints what it got; with
 * "dfl" it has the default disposition and must die by SIGPIPE.
 *
 * @compare none
 * @case EPIPE, SIGPIPE ignored, writing until failure: a write fails with EPIPE
 * @args ign loop
 * @check check_epipe_loop
 * @case EPIPE, SIGPIPE ignored, one write then close: EPIPE from the write or the close
 * @args ign single
 * @check check_epipe_single
 * @case EPIPE, SIGPIPE default, loop: death by SIGPIPE both ways
 * @args dfl loop
 * @check want_status "$N" "signal 13" native; want_status "$B" "signal 13" batched
 * @case EPIPE, SIGPIPE default, single: death by SIGPIPE both ways
 * @args dfl single
 * @check want_status "$N" "signal 13" native; want_status "$B" "signal 13" batched
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *ename(int e)
{
	return e == EPIPE ? "EPIPE" : strerror(e);
}

int main(int argc, char **argv)
{
	char rec[64];
	int p[2], ws;

	if (argc != 3)
		return 2;
	memset(rec, 'p', sizeof rec);
	if (strcmp(argv[1], "ign") == 0)
		signal(SIGPIPE, SIG_IGN);
	if (pipe(p) != 0)
		return 2;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], rec, sizeof rec) == (ssize_t)sizeof rec ? 0 : 1);
	}
	if (pid < 0 || close(p[0]) != 0 || write(p[1], rec, sizeof rec) != (ssize_t)sizeof rec)
		return 2;
	if (waitpid(pid, &ws, 0) != pid || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
		return 2;
	if (strcmp(argv[2], "loop") == 0) {
		int i;
		for (i = 0; i < 100000; i++) {
			errno = 0;
			if (write(p[1], rec, sizeof rec) < 0)
				break;
		}
		int e = errno;
		if (i == 100000)
			printf("no write failed\n");
		else
			printf("write %d failed: %s\n", i, ename(e));
		errno = 0;
		int c = close(p[1]);
		printf("close: %d %s\n", c, c ? ename(errno) : "");
		return 0;
	}
	errno = 0;
	ssize_t w = write(p[1], rec, sizeof rec);
	int we = errno;
	errno = 0;
	int c = close(p[1]);
	int ce = errno;
	printf("write: %zd %s\n", w, w < 0 ? ename(we) : "");
	printf("close: %d %s\n", c, c ? ename(ce) : "");
	return 0;
}
