/* A write to a broken pipe whose SIGPIPE is ignored, or blocked, fails
 * with EPIPE each time (Python's BrokenPipeError): such a write cannot
 * wait, its failure is a result the program acts on. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void writes(const char *how, int fd)
{
	for (int i = 0; i < 4; i++) {
		errno = 0;
		long r = write(fd, "xyz", 3);
		printf("%s write %d = %ld (%s)\n", how, i, r, r < 0 ? strerror(errno) : "ok");
	}
}

int main(void)
{
	int p[2];
	sigset_t set;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (pipe(p))
		return 1;
	/* Written while the reader is still there, then the reader goes. */
	write(p[1], "ok", 2);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	writes("ignored", p[1]);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, NULL);
	writes("blocked", p[1]);
	return 0;
}
