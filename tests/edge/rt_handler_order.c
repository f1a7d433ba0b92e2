/* A timer signal's handler writes a marker to the file the program is
 * writing numbered lines to (each write merging into the last entry, the
 * fast path); the marker must sit right after the lines whose writes had
 * returned when the handler ran (one more may have returned uncounted).
 * SIGALRM's and SIGRTMIN+1's alike: the engine postpones the handler
 * while the thread is inside it and flushes before it runs.  Before
 * realtime handlers were wrapped, one interrupting the engine wrote
 * raw, ahead of the lines still pending: the marker after line 1. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t count;
static int fd;

static void on_sig(int sig)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "H %d\n", (int)count);
	(void)sig;
	write(fd, buf, n);
}

static int run(const char *path, int sig)
{
	struct sigaction sa;
	struct sigevent ev;
	timer_t t;
	struct itimerspec its = { { 0, 50000 }, { 0, 50000 } };
	char line[32];
	int bad = 0, lines = 0, marks = 0;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sig;
	sa.sa_flags = SA_RESTART;
	sigaction(sig, &sa, NULL);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = sig;
	timer_create(CLOCK_MONOTONIC, &ev, &t);
	count = 0;
	timer_settime(t, 0, &its, NULL);
	for (int i = 1; i <= 200000; i++) {
		int n = snprintf(line, sizeof line, "L %d\n", i);
		write(fd, line, n);
		count = i;
	}
	timer_delete(t);
	close(fd);
	FILE *f = fopen(path, "r");
	while (fgets(line, sizeof line, f)) {
		if (line[0] == 'L') {
			lines++;
			if (atoi(line + 2) != lines)
				bad++;
		} else {
			int c = atoi(line + 2);
			marks++;
			if (lines < c || lines > c + 1) {
				if (bad < 3)
					fprintf(stderr, "%s: marker %d after %d lines\n", path, c, lines);
				bad++;
			}
		}
	}
	fclose(f);
	unlink(path);
	return marks > 0 ? bad : -1;
}

int main(void)
{
	int a = run("alrm.out", SIGALRM), b = run("rt.out", SIGRTMIN + 1);
	printf("SIGALRM: %s\nrealtime: %s\n", a ? "misplaced" : "in place", b ? "misplaced" : "in place");
	return 0;
}
