/* The engine stands in for the fatal signals left at their default before
 * its first call waits, whatever the program did to them first: a SIGALRM
 * at its default (never touched, or set back to SIG_DFL after a handler)
 * that comes while writes wait still finds them written; one ignored
 * across exec, or handled through sigset (past the glibc wrappers), stays
 * ignored or handled (and ignored, it is still so in the kernel, for what
 * the process execs).  Each case is a child that re-executes this program
 * with a time bound long enough that its writes are still waiting. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_alarm(int sig)
{
	(void)sig;
	handled = 1;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);  /* the vDSO: no system call */
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Whether the kernel ignores SIGALRM for this process: what an exec'd
 * program inherits. */
static int kernel_ignores(void)
{
	char line[256];
	unsigned long long mask = 0;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "SigIgn: %llx", &mask) == 1)
			break;
	if (f)
		fclose(f);
	return mask >> (SIGALRM - 1) & 1;
}

/* Write, then spin without a system call until the alarm has acted. */
static int child(const char *mode)
{
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	char line[32];
	double t0;
	int fd;

	if (!strcmp(mode, "dfl")) {
		signal(SIGALRM, on_alarm);
		signal(SIGALRM, SIG_DFL);
	} else if (!strcmp(mode, "sigset")) {
		sigset(SIGALRM, on_alarm);
	}
	fd = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 2;
	for (int i = 0; i < 100; i++) {
		int n = snprintf(line, sizeof line, "line %03d\n", i);
		if (write(fd, line, n) != n)
			return 3;
	}
	setitimer(ITIMER_REAL, &it, NULL);
	for (t0 = now(); !handled && now() - t0 < 0.3; )
		;
	printf("%s: SIGALRM ignored by the kernel: %s\n", mode, kernel_ignores() ? "yes" : "no");
	return handled ? 10 : 0;
}

int main(int argc, char **argv)
{
	static const char *const modes[] = { "default", "dfl", "ign", "sigset" };
	struct stat st;

	if (argc == 3 && !strcmp(argv[1], "child"))
		return child(argv[2]);
	for (unsigned m = 0; m < sizeof modes / sizeof *modes; m++) {
		int status;
		pid_t pid;

		unlink("out.txt");
		fflush(stdout);
		if ((pid = fork()) < 0)
			return 1;
		if (!pid) {
			if (!strcmp(modes[m], "ign"))
				signal(SIGALRM, SIG_IGN);
			setenv("BC_MAX_DELAY_US", "10000000", 1);
			execl("/proc/self/exe", argv[0], "child", modes[m], (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid)
			return 1;
		if (stat("out.txt", &st))
			st.st_size = -1;
		if (WIFSIGNALED(status))
			printf("%s: killed by %s, %lld bytes\n", modes[m], strsignal(WTERMSIG(status)),
			       (long long)st.st_size);
		else
			printf("%s: exit %d, %lld bytes\n", modes[m], WEXITSTATUS(status),
			       (long long)st.st_size);
	}
	return 0;
}
