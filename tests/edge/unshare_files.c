/* unshare(CLONE_FILES) after writes were deferred: the program's fd
 * table is a copy, and the engine's threads (the async executor's, a
 * timer that shares) would keep the old one, and with it every fd the
 * program closes afterwards: here a pipe's write end, whose reader would
 * then wait for an end of file forever.  The engine retires its threads
 * (the next batch starts new ones on the copy).  Then a thread with a
 * table of its own (clone without CLONE_FILES, as unshare in a second
 * thread): a number names another file there, and nothing waits.
 * close_range(..., CLOSE_RANGE_UNSHARE) copies the table as unshare does.
 * @compare status stdout stderr files
 * @case unshare
 * @args unshare
 * @case close_range
 * @args close_range
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE 2
#endif

static void die(const char *what)
{
	perror(what);
	_exit(1);
}

static int fd, ready[2], written[2];

/* A thread with a table of its own: fd is /dev/null there.  It waits for
 * the main thread's writes to out, then closes a pipe end, which flushes
 * what is pending: on this thread, those writes would go to /dev/null. */
static void *own_table(void *arg)
{
	char c;

	(void)arg;
	if (unshare(CLONE_FILES))
		die("unshare in a thread");
	close(fd);
	if (open("/dev/null", O_WRONLY) != fd)
		die("reopen");
	if (write(ready[1], "r", 1) != 1 || read(written[0], &c, 1) != 1)
		die("handshake");
	close(written[0]);
	return NULL;
}

int main(int argc, char **argv)
{
	char buf[64], ch;
	int p[2], n = 0;
	ssize_t r;
	pthread_t t;
	pid_t c;

	if ((fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 || pipe(p))
		die("setup");
	if ((c = fork()) < 0)
		die("fork");
	if (c == 0) {
		close(p[1]);
		while ((r = read(p[0], buf, sizeof buf)) > 0)
			n += r;
		printf("reader: %d bytes, then end of file\n", n);
		fflush(stdout);
		_exit(0);
	}
	close(p[0]);
	for (int i = 0; i < 100; i++)
		if (write(fd, "record\n", 7) != 7)
			die("write");
	if (argc != 2)
		die("usage: unshare_files unshare|close_range");
	if (strcmp(argv[1], "unshare") ? syscall(SYS_close_range, 1000, 1000, CLOSE_RANGE_UNSHARE) :
					 unshare(CLONE_FILES))
		die("unshare");
	for (int i = 0; i < 100; i++)
		if (write(fd, "later\n", 6) != 6 || write(p[1], "x", 1) != 1)
			die("write");
	close(p[1]);
	if (waitpid(c, NULL, 0) != c)
		die("waitpid");
	/* A second thread unshares and puts /dev/null where out was. */
	if (pipe(ready) || pipe(written) || pthread_create(&t, NULL, own_table, NULL) ||
	    read(ready[0], &ch, 1) != 1)
		die("thread");
	for (int i = 0; i < 100; i++)
		if (write(fd, "main\n", 5) != 5)
			die("write");
	if (write(written[1], "w", 1) != 1 || pthread_join(t, NULL))
		die("join");
	if (close(fd))
		die("close");
	printf("done\n");
	return 0;
}
