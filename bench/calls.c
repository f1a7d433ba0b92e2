/* bench-calls: the cost per call of two C-level syscalls, for bench/musl.sh,
 * which builds it with stock musl-gcc and with bc-musl-gcc --bc=off and
 * --bc=pass.  getppid goes through syscall(), musl's generic path (the
 * __syscall6 wrapper); write to /dev/null is a cancellation point
 * (__syscall_cp), the other path into the bc entry.
 *
 * Usage: bench-calls time N      N of each, timed: prints "GETPPID WRITE"
 *                                in ns per call
 *        bench-calls getppid N   N getppid calls, untimed (for callgrind:
 *        bench-calls write N     --toggle-collect=bench_getppid, bench_write)
 * Exits 1 if a call fails: a benchmark of failing calls means nothing. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int devnull;
static long ppid;

/* noipa: kept whole and under these names, for callgrind to find. */
__attribute__((__noipa__)) long bench_getppid(unsigned long n)
{
	long bad = 0;

	for (unsigned long i = 0; i < n; i++)
		bad += syscall(SYS_getppid) != ppid;
	return bad;
}

__attribute__((__noipa__)) long bench_write(unsigned long n)
{
	static const char c = 'x';
	long bad = 0;

	for (unsigned long i = 0; i < n; i++)
		bad += write(devnull, &c, 1) != 1;
	return bad;
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static double timed(long (*f)(unsigned long), unsigned long n, long *bad)
{
	double t0 = now_ns();

	*bad |= f(n);
	return (now_ns() - t0) / n;
}

int main(int argc, char **argv)
{
	unsigned long n;
	char *end;
	long bad = 0;

	if (argc != 3 || !(n = strtoul(argv[2], &end, 10)) || *end) {
		fprintf(stderr, "usage: %s time|getppid|write N\n", argv[0]);
		return 2;
	}
	ppid = getppid();
	if ((devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0) {
		perror("bench-calls: /dev/null");
		return 1;
	}
	if (!strcmp(argv[1], "time")) {
		double g, w;

		bad |= bench_getppid(n / 10) | bench_write(n / 10); /* warm up */
		g = timed(bench_getppid, n, &bad);
		w = timed(bench_write, n, &bad);
		printf("%.3f %.3f\n", g, w);
	} else if (!strcmp(argv[1], "getppid")) {
		bad = bench_getppid(n);
	} else if (!strcmp(argv[1], "write")) {
		bad = bench_write(n);
	} else {
		fprintf(stderr, "usage: %s time|getppid|write N\n", argv[0]);
		return 2;
	}
	if (bad) {
		fprintf(stderr, "bench-calls: a call failed or returned a wrong result\n");
		return 1;
	}
	return 0;
}
