/* Handlers whose mask blocks SIGSYS, while writes are pending: the net
 * must never stop a call then (the kernel would kill the process with
 * SIGSYS).  "rt": a realtime signal's handler (SIGRTMIN: glibc's 34,
 * musl's 35), 50 times during 20000 one-byte writes.  "blocked": SIGALRM's
 * handler (it calls getpid) runs while a flush is blocked on a full pipe
 * whose reader waits 300 ms.
 * @case rt
 * @args rt
 * @case blocked
 * @args blocked
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int got, pid_ok;

static void on_sig(int sig)
{
	(void)sig;
	got++;
	pid_ok = getpid() > 0;
}

static int rt(struct sigaction *sa)
{
	pid_t parent = getpid(), child;
	int fd;

	sigaction(SIGRTMIN, sa, NULL);
	child = fork();
	if (child == 0) {
		for (int i = 0; i < 50; i++) {
			usleep(1000);
			kill(parent, SIGRTMIN);
		}
		_exit(0);
	}
	fd = open("data", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (int i = 0; i < 20000; i++)
		write(fd, "x", 1);
	close(fd);
	waitpid(child, NULL, 0);
	return 0;
}

static int blocked(struct sigaction *sa)
{
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	char buf[64], in[4096];
	long total = 0, n;
	int p[2];
	pid_t child;

	sigaction(SIGALRM, sa, NULL);
	if (pipe(p))
		return 2;
	child = fork();
	if (child == 0) {
		close(p[1]);
		usleep(300000);
		while ((n = read(p[0], in, sizeof in)) > 0)
			total += n;
		printf("the reader read %ld bytes\n", total);
		_exit(0);
	}
	close(p[0]);
	setitimer(ITIMER_REAL, &it, NULL);
	memset(buf, 'a', sizeof buf);
	for (int i = 0; i < 4000; i++)
		write(p[1], buf, sizeof buf);
	close(p[1]);
	waitpid(child, NULL, 0);
	printf("handler ran: %d, getpid in it: %d\n", got, pid_ok);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_sig, .sa_flags = SA_RESTART };

	sigfillset(&sa.sa_mask);
	return argc > 1 && !strcmp(argv[1], "blocked") ? blocked(&sa) : rt(&sa);
}
