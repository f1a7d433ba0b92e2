/* A child that watches a file grow while the program computes, for the
 * tests of the time bound: a batch left pending while the program makes
 * no call must reach the file within about BC_MAX_DELAY_US.  The program
 * forks the watcher before its writes and asks it only at the end (a read
 * of the pipe, which flushes whatever is pending). */
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Compute for s seconds, making no call (the clock is the vDSO's). */
static void spin(double s)
{
	for (double t = now(); now() - t < s;)
		;
}

/* Fork a child that writes "seen" to the pipe's write end if path
 * reaches size bytes within a second, else "late"; the parent keeps the
 * read end (p[0]), which the verdict is read from.  -1 if not forked. */
static pid_t watch(const char *path, off_t size, int p[2])
{
	pid_t c;

	if (pipe(p) || (c = fork()) < 0)
		return -1;
	if (c) {
		close(p[1]);
		return c;
	}
	close(p[0]);
	for (double t = now(); now() - t < 1.0; usleep(1000)) {
		struct stat st;
		if (!stat(path, &st) && st.st_size == size) {
			write(p[1], "seen", 4);
			_exit(0);
		}
	}
	write(p[1], "late", 4);
	_exit(0);
}
