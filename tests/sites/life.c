/* A rewritten process keeps working: threads writing (their glibc calls
 * through rewritten sites and wrappers at once), fork, posix_spawn,
 * system(), vfork and exec, a SIGALRM handler with SA_RESTART
 * interrupting a read that restarts, dlopen after start-up (ld.so's own
 * rewritten calls), each with writes pending; and the same under strace -f.
 * @ways glibc
 * @case plain
 * @case strace -f
 * @needs strace -V
 * @run strace -f -qq -o /dev/null PROG
 * @timeout 40
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static int out;
static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void *thread(void *arg)
{
	char name[16], line[32];
	int fd, n;

	snprintf(name, sizeof name, "t%ld", (long)arg);
	fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (int i = 0; i < 200; i++) {
		n = snprintf(line, sizeof line, "%ld %d\n", (long)arg, i);
		write(fd, line, n);
	}
	close(fd);
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	pid_t pid;
	int p[2], st;
	char c;
	char *argv[] = { "cat", "log", NULL };
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	void *h;

	out = open("log", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (int i = 0; i < 8; i++)
		write(out, "start\n", 6);

	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, thread, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	write(out, "threads\n", 8);

	pid = fork();
	if (pid == 0) {
		write(out, "child\n", 6);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	write(out, "forked\n", 7);

	/* The spawned cat must see everything written before it. */
	if (posix_spawnp(&pid, "cat", NULL, NULL, argv, environ) == 0)
		waitpid(pid, &st, 0);
	write(out, "spawned\n", 8);
	fflush(stdout);
	system("wc -l < log");
	write(out, "system\n", 7);
	pid = vfork();
	if (pid == 0) {
		execlp("wc", "wc", "-c", "log", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	write(out, "vforked\n", 8);

	/* A read on a pipe, interrupted by SIGALRM twice, restarted. */
	sigaction(SIGALRM, &sa, NULL);
	if (pipe(p))
		return 1;
	pid = fork();
	if (pid == 0) {
		usleep(300000);
		write(p[1], "x", 1);
		_exit(0);
	}
	setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 100000 }, { 0, 100000 } }, NULL);
	while (read(p[0], &c, 1) != 1)
		;
	setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 0 } }, NULL);
	waitpid(pid, &st, 0);
	printf("read %c after %s alarm\n", c, alarms > 0 ? "an" : "no");
	write(out, "restarted\n", 10);

	h = dlopen("libm.so.6", RTLD_NOW);
	double (*cosine)(double) = h ? (double (*)(double))dlsym(h, "cos") : NULL;
	printf("dlopen %s cos(0) %g\n", h ? "ok" : dlerror(), cosine ? cosine(0) : -1);
	write(out, "dlopened\n", 9);
	close(out);
	return 0;
}
