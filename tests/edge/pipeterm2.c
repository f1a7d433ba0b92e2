/* The timer thread blocks flushing to a full pipe; the main thread then
 * waits for the queue.  SIGTERM (default) must still kill it.
 * @kill TERM after 1
 * @parallel
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>
int main(void)
{
	int p[2];
	static char big[16384];
	struct timespec a, b;
	pipe(p);
	for (int i = 0; i < 4; i++) write(p[1], big, sizeof big);  /* 64 KiB: full */
	write(p[1], "x", 1);            /* natively blocks here */
	clock_gettime(CLOCK_MONOTONIC, &a);
	do clock_gettime(CLOCK_MONOTONIC, &b);   /* 50 ms without a flush */
	while ((b.tv_sec - a.tv_sec) * 1000000000L + b.tv_nsec - a.tv_nsec < 50000000L);
	fsync(p[1]);
	fputs("not reached natively\n", stderr);
	return 0;
}
