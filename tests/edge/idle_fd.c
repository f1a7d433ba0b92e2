/* While the engine stands aside (a backoff spell: most calls that could
 * wait cannot, here writes to /dev/full), fd numbers change meaning out
 * of its sight; when it comes back it knows none of them: fd 5, a file
 * it deferred writes to, made a pipe with no reader (SIGPIPE ignored)
 * fails each write with EPIPE as natively, none is deferred as if it were
 * still the file; and the file holds what was written to it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	int fd, full, p[2], epipe = 0, other = 0, failed = 0;
	struct stat st;

	signal(SIGPIPE, SIG_IGN);
	if ((fd = open("f.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 || dup2(fd, 5) != 5)
		return 1;
	close(fd);
	for (int i = 0; i < 10; i++)
		if (write(5, "file line\n", 10) != 10)
			return 2;
	if ((full = open("/dev/full", O_WRONLY)) < 0)
		return 3;
	for (int i = 0; i < 300; i++)
		failed += write(full, "x", 1) < 0 && errno == ENOSPC;
	if (pipe(p) || dup2(p[1], 5) != 5)
		return 4;
	close(p[0]);
	close(p[1]);
	for (int i = 0; i < 300; i++) {
		if (write(5, "y", 1) >= 0)
			other++;
		else if (errno == EPIPE)
			epipe++;
		else
			other++;
		if (i % 50 == 0)
			failed += write(full, "x", 1) < 0 && errno == ENOSPC;
	}
	if (stat("f.txt", &st))
		return 5;
	printf("/dev/full: %d ENOSPC\nfd 5, a pipe: %d EPIPE, %d other\nf.txt: %lld bytes\n",
	       failed, epipe, other, (long long)st.st_size);
	return 0;
}
