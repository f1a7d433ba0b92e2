/* The lane (shim/lock.h): the one program thread merges its writes
 * without an atomic read-modify-write while the timer thread, every
 * 100 us here, finds the batch stale and takes the lock to flush it, a
 * membarrier first; then a fork child whose one thread owns the lane,
 * then a second thread, which closes it.  Every record must land once,
 * whole and in order: each run reads its file back.
 * @env BC_MAX_DELAY_US=200 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { RECORD = 64, N = 10000 };

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Enough work between writes that the timer's polls fall among them. */
static void spin(int i)
{
	for (volatile int k = 0; k < 1500 + i % 7; k++)
		;
}

static void record(char *rec, const char *name, int i)
{
	memset(rec, '.', RECORD);
	snprintf(rec, RECORD, "%s %08d", name, i);
	rec[strlen(rec)] = ' ';
	rec[RECORD - 1] = '\n';
}

static void *run(void *arg)
{
	const char *name = arg;
	char rec[RECORD], got[RECORD];
	int fd;

	if ((fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644)) < 0)
		die(name);
	for (int i = 0; i < N; i++) {
		record(rec, name, i);
		if (write(fd, rec, RECORD) != RECORD)
			die("write");
		spin(i);
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		die("lseek");
	for (int i = 0; i < N; i++) {
		record(rec, name, i);
		if (read(fd, got, RECORD) != RECORD || memcmp(rec, got, RECORD)) {
			printf("%s: record %d wrong\n", name, i);
			exit(1);
		}
	}
	if (read(fd, got, 1) != 0 || close(fd))
		die("end");
	return NULL;
}

int main(void)
{
	pthread_t t;
	int status;
	pid_t pid;

	run("alone");
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		run("child");
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		die("child");
	run("parent");
	if (pthread_create(&t, NULL, run, "thread"))
		die("pthread_create");
	run("main");
	if (pthread_join(t, NULL))
		die("pthread_join");
	printf("%d records each\n", N);
	return 0;
}
