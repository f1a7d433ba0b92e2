/* A program with 1 MiB of TLS: the timer thread, which has none of its
 * own, once wrote through %fs while waiting for an async batch and
 * crashed in the library's text, losing the queue (review 4).  Run with
 * a profile making writes async and pwrites direct, stdout a pipe whose
 * reader sleeps.
 * @case bigtls, a profile: writes async, pwrites direct
 * @modes default
 * @env BC_PROFILE=$SRC/bigtls.profile
 * @run PROG | (sleep 0.5; cat >drained)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static __thread char big[1 << 20];  /* a program with 1 MiB of TLS */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	char buf[4096];
	int fd = open("tls.dat", O_WRONLY | O_CREAT | O_EXCL, 0644);

	big[0] = 1;
	memset(buf, 'p', sizeof buf);
	/* stdout is a pipe whose reader sleeps: the second 64 KiB async
	 * batch blocks in the executor thread. */
	for (int i = 0; i < 40; i++)
		write(1, buf, sizeof buf);
	/* A pwrite (direct class in the profile) for the timer to flush. */
	pwrite(fd, "x", 1, 0);
	for (double t = now(); now() - t < 0.2; )  /* clock_gettime: vDSO */
		;
	fprintf(stderr, "alive\n");
	close(fd);
	return big[0] - 1;
}
