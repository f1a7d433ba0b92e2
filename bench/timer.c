/* bench/shim.sh's and bench/startup.sh's timer: PROGRAM's wall time, fork to wait, and its
 * CPU time (user + system, its children's included), in ms, appended to
 * FILE; with -p PRELOAD the child alone gets LD_PRELOAD, so the timer
 * itself runs unpreloaded. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double tv_ms(struct timeval t)
{
	return t.tv_sec * 1e3 + t.tv_usec / 1e3;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	const char *file = "/dev/null", *preload = NULL;
	double t0, t1;
	struct rusage ru;
	FILE *f;
	pid_t pid;
	int opt, st;

	while ((opt = getopt(argc, argv, "+a:p:")) != -1) {
		if (opt == 'a')
			file = optarg;
		else if (opt == 'p')
			preload = optarg;
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: timer [-a FILE] [-p PRELOAD] PROGRAM [ARG...]\n");
		return 2;
	}
	t0 = now_ms();
	if ((pid = fork()) < 0) {
		perror("timer: fork");
		return 1;
	}
	if (!pid) {
		if (preload && setenv("LD_PRELOAD", preload, 1))
			_exit(127);
		execvp(argv[optind], argv + optind);
		perror(argv[optind]);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) != pid) {
		perror("timer: wait4");
		return 1;
	}
	t1 = now_ms();
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "timer: %s %s %d\n", argv[optind],
			WIFEXITED(st) ? "exited with status" : "died of signal",
			WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		return 1;
	}
	if (!(f = fopen(file, "a")) ||
	    fprintf(f, "%.3f %.3f\n", t1 - t0, tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime)) < 0 ||
	    fclose(f)) {
		perror(file);
		return 1;
	}
	return 0;
}
