/* Whether SIGPIPE would kill is learned while calls are queued and kept
 * for the batch: a later batch that a regular file's write began must
 * not reuse what an earlier batch learned.  SIGPIPE ignored in between
 * (with nothing queued), a write to a broken pipe queued behind a file
 * write must still fail with EPIPE, as natively. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	int p[2], fd;
	long r[8];
	int e[8], n = 0;
	char buf[8];

	if (pipe(p))
		return 1;
	fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	/* A batch with a pipe write: SIGPIPE at its default kills. */
	for (int i = 0; i < 3; i++) {
		write(p[1], "a", 1);
		write(fd, "a", 1);
	}
	read(p[0], buf, sizeof buf);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	/* A batch begun by a file write, then the broken pipe. */
	for (int i = 0; i < 3; i++) {
		errno = 0;
		r[n] = write(fd, "x", 1);
		e[n++] = errno;
		errno = 0;
		r[n] = write(p[1], "y", 1);
		e[n++] = errno;
	}
	close(fd);
	for (int i = 0; i < n; i++)
		printf("%d: %ld %s\n", i, r[i], r[i] < 0 ? strerror(e[i]) : "ok");
	return 0;
}
