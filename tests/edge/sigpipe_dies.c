/* A deferred write whose failure kills (SIGPIPE at its default) kills
 * there: the writes queued after it are never issued, natively the
 * process died first.  The child writes to a pipe whose reader is gone,
 * then to a file; the parent reports how the child ended and what the
 * file holds.  Likewise SIGXFSZ past RLIMIT_FSIZE. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *what, pid_t pid, const char *file)
{
	char buf[256];
	int st, fd, n;

	waitpid(pid, &st, 0);
	fd = open(file, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	printf("%s: %s %d; %s holds %d bytes\n", what, WIFSIGNALED(st) ? "signal" : "exit",
	       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), file, n);
	fflush(stdout);
}

int main(void)
{
	pid_t pid;

	for (int round = 0; round < 3; round++) {
		if ((pid = fork()) == 0) {
			int p[2], fd = open("after-pipe", O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || pipe(p))
				_exit(2);
			close(p[0]);
			for (int i = 0; i < 4; i++)
				write(fd, "before\n", 7);
			write(p[1], "to nobody", 9);
			for (int i = 0; i < 4; i++)
				write(fd, "after\n", 6);
			_exit(0);
		}
		report("pipe", pid, "after-pipe");
		if ((pid = fork()) == 0) {
			struct rlimit lim = { 64, 64 };
			int fd = open("after-fsize", O_WRONLY | O_CREAT | O_TRUNC, 0644);
			int big = open("big", O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || big < 0 || setrlimit(RLIMIT_FSIZE, &lim))
				_exit(2);
			for (int i = 0; i < 4; i++)
				write(fd, "before\n", 7);
			for (int i = 0; i < 20; i++)
				write(big, "0123456789", 10);
			for (int i = 0; i < 4; i++)
				write(fd, "after\n", 6);
			_exit(0);
		}
		report("fsize", pid, "after-fsize");
	}
	return 0;
}
