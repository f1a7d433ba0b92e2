/* run.c: run one command the same way on both sides of a differential test
 * and record exactly how it ended, for tests/harness.sh.
 *
 *   run -o STATUS [-t SECONDS] [-p PIDFILE] [-e VAR=VALUE]... -- CMD [ARG]...
 *
 * The command gets only the -e variables as its environment, every signal
 * at its default disposition and none blocked (a shell that ignores SIGPIPE
 * must not change "yes | head"), and its own process group.  STATUS receives
 * "exit N" or "signal N" (a shell's $? cannot tell exit 141 from SIGPIPE),
 * or "timeout" after SECONDS (default 60), when the group is killed: a hung
 * engine must not hang the suite.  PIDFILE receives the command's pid, for
 * tests that signal it.  run itself always exits 0 unless it cannot start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: run -o STATUS [-t SECONDS] [-p PIDFILE] "
			"[-e VAR=VALUE]... -- CMD [ARG]...\n");
	exit(2);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) == EOF || fclose(f) == EOF) {
		perror(path);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	const char *status = NULL, *pidfile = NULL;
	char **vars = calloc((size_t)argc + 1, sizeof *vars);
	int nvars = 0, opt;
	long seconds = 60;

	if (!vars)
		return 2;
	while ((opt = getopt(argc, argv, "+o:t:p:e:")) != -1) {
		switch (opt) {
		case 'o': status = optarg; break;
		case 't': seconds = atol(optarg); break;
		case 'p': pidfile = optarg; break;
		case 'e': vars[nvars++] = optarg; break;
		default: usage();
		}
	}
	if (!status || optind >= argc || seconds <= 0)
		usage();

	/* SIGCHLD stays blocked here so that sigtimedwait can wait for it. */
	sigset_t chld, none;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &chld, NULL);

	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		struct sigaction dfl;
		memset(&dfl, 0, sizeof dfl);
		dfl.sa_handler = SIG_DFL;
		for (int s = 1; s < NSIG; s++)
			sigaction(s, &dfl, NULL);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setpgid(0, 0);
		clearenv();
		for (int i = 0; i < nvars; i++)
			putenv(vars[i]);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "run: cannot execute %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	if (pidfile) {
		char buf[32];
		snprintf(buf, sizeof buf, "%d\n", (int)pid);
		put(pidfile, buf);
	}

	struct timespec end, now;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += seconds;
	int ws;
	for (;;) {
		pid_t r = waitpid(pid, &ws, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			perror("waitpid");
			return 2;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		long ns = (end.tv_sec - now.tv_sec) * 1000000000L + (end.tv_nsec - now.tv_nsec);
		if (ns <= 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &ws, 0);
			put(status, "timeout\n");
			return 0;
		}
		/* Wake at least every 100 ms: a SIGCHLD from a grandchild
		 * (none here, but cheap to survive) is merely consumed. */
		struct timespec ts = { 0, ns < 100000000L ? ns : 100000000L };
		sigtimedwait(&chld, NULL, &ts);
	}
	char buf[32];
	if (WIFSIGNALED(ws))
		snprintf(buf, sizeof buf, "signal %d\n", WTERMSIG(ws));
	else
		snprintf(buf, sizeof buf, "exit %d\n", WEXITSTATUS(ws));
	put(status, buf);
	return 0;
}
