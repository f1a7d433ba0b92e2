/* @run ulimit -f 2; PROG
 * Whether RLIMIT_FSIZE is finite is learned while calls are queued and
 * kept for the batch: a batch that a pipe's write began must not take
 * the limit as infinite unasked.  A file write crossing the limit comes
 * back short, as natively. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	static char big[3000];
	int p[2], fd;
	long r[8];
	int n = 0;
	char buf[64];

	signal(SIGXFSZ, SIG_IGN);
	if (pipe(p))
		return 1;
	fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	memset(big, 'x', sizeof big);
	r[n++] = write(fd, "a", 1);
	r[n++] = write(p[1], "b", 1);
	r[n++] = write(p[1], "c", 1);
	r[n++] = write(fd, big, sizeof big);
	r[n++] = read(p[0], buf, sizeof buf);
	close(fd);
	for (int i = 0; i < n; i++)
		printf("%d: %ld\n", i, r[i]);
	return 0;
}
