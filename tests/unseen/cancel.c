/* pthread_cancel of a thread blocked in a call (read of a pipe nobody
 * writes, the cancellation point) while the main thread's writes to a
 * file are pending: the thread ends cancelled, its cleanup handler runs,
 * and every write reaches the file in order, before and after; a child
 * started after the join finds them all.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int p[2], out, cleaned;

static void cleanup(void *arg)
{
	(void)arg;
	cleaned = 1;
}

static void *blocked(void *arg)
{
	char c;

	(void)arg;
	pthread_cleanup_push(cleanup, NULL);
	read(p[0], &c, 1);
	pthread_cleanup_pop(0);
	return NULL;
}

static void lines(const char *what, int n)
{
	char line[48];

	for (int i = 0; i < n; i++)
		write(out, line, snprintf(line, sizeof line, "%s %d\n", what, i));
}

int main(void)
{
	pthread_t t;
	void *res;
	pid_t pid;
	int st;

	out = open("log", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0 || pipe(p))
		return 2;
	pthread_create(&t, NULL, blocked, NULL);
	lines("before", 50);
	usleep(20000);
	pthread_cancel(t);
	lines("cancelling", 50);
	pthread_join(t, &res);
	printf("cancelled %d, cleanup ran %d\n", res == PTHREAD_CANCELED, cleaned);
	lines("after", 50);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execlp("wc", "wc", "-l", "log", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
