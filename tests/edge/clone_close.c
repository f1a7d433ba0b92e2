/* musl: a pending write and a pending close of a pipe's write end, then a
 * child made with clone() (fork-like, SIGCHLD only).  Natively the child's
 * line comes after the parent's, and the parent's read of the pipe sees
 * EOF at once (the write end was closed before the child existed).
 * @parallel
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static char stack[65536];
static int child(void *arg)
{
	struct timespec ts = { 1, 0 };
	write(1, "child\n", 6);
	nanosleep(&ts, 0);            /* keeps what it inherited for 1 s */
	return 0;
}
int main(void)
{
	int p[2], st;
	char buf[8];
	struct timespec t0, t1;
	pipe(p);
	write(p[1], "a", 1);          /* first use: direct */
	write(p[1], "b", 1);          /* second: probed, deferred */
	write(1, "parent-1\n", 9);    /* first use of stdout: direct */
	poll(0, 0, 0);                /* flush */
	close(p[1]);                  /* deferred */
	write(1, "parent-2\n", 9);    /* deferred */
	pid_t pid = clone(child, stack + sizeof stack, SIGCHLD, 0);
	for (volatile long i = 0; i < 20000000; i++)  /* no syscalls */
		;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (read(p[0], buf, sizeof buf) > 0)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waitpid(pid, &st, 0);
	/* The child sleeps 1 s: an EOF that waited for it is a leaked fd. */
	printf("EOF %s\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9 < 0.5 ?
	       "before the child ended" : "only when the child ended");
	return 0;
}
