/* A run of writes merging as they arrive (the merge verdict, engine.h's
 * bc_engine.ok_nr) meets what must end it: the file mapped shared (its
 * data then seen with no call), another thread starting (a flush must
 * not block on a pipe that thread drains), the pipe made non-blocking
 * (a write then fails with EAGAIN once it is full). */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int p[2];

static void die(const char *what)
{
	perror(what);
	_exit(1);
}

static void *drain(void *arg)
{
	char buf[4096];
	long got = 0;
	ssize_t r;

	(void)arg;
	while ((r = read(p[0], buf, sizeof buf)) > 0)
		got += r;
	printf("drained %ld\n", got);
	return NULL;
}

int main(void)
{
	char rec[64];
	const char *m;
	long n = 0;
	pthread_t t;
	int fd;

	memset(rec, 'x', sizeof rec);
	/* The file mapped in the middle of a run: the mapping sees each
	 * later write as soon as it returns. */
	if ((fd = open("verdict.out", O_RDWR | O_CREAT | O_TRUNC, 0644)) < 0 || ftruncate(fd, 8192))
		die("open");
	for (int i = 0; i < 20; i++)
		if (write(fd, rec, sizeof rec) != sizeof rec)
			die("write");
	if ((m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED)
		die("mmap");
	for (int i = 20; i < 40; i++) {
		rec[0] = 'A' + i % 26;
		if (write(fd, rec, sizeof rec) != sizeof rec)
			die("write");
		printf("mapped %d: %c\n", i, m[64 * i] ? m[64 * i] : '0');
	}
	/* A reader thread starts in the middle of a run to a pipe, then the
	 * run writes far more than the pipe holds. */
	if (pipe(p))
		die("pipe");
	for (int i = 0; i < 10; i++)
		if (write(p[1], rec, sizeof rec) != sizeof rec)
			die("write");
	if (pthread_create(&t, NULL, drain, NULL))
		die("pthread_create");
	for (int i = 0; i < 4000; i++)
		if (write(p[1], rec, sizeof rec) != sizeof rec)
			die("write");
	if (close(p[1]) || pthread_join(t, NULL) || close(p[0]))
		die("close");
	/* The pipe made non-blocking in the middle of a run: the writes
	 * after fill it, and the first that does not fit fails. */
	if (pipe(p))
		die("pipe");
	for (int i = 0; i < 10; i++)
		if (write(p[1], rec, sizeof rec) != sizeof rec)
			die("write");
	if (fcntl(p[1], F_SETFL, O_NONBLOCK))
		die("fcntl");
	while (write(p[1], rec, sizeof rec) == sizeof rec)
		n++;
	printf("non-blocking: %ld more\n", n);
	return close(fd) || close(p[0]) || close(p[1]);
}
