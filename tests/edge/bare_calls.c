/* The wrappers make a bare libc function's call themselves while glibc
 * counts the process single-threaded (shim/bare.c): the same results and
 * errno as libc's function, armed (writes pending) or not; and once a
 * thread exists, libc's function again, so that a thread blocked in read
 * can be cancelled.
 * @ways glibc
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	printf("%s = %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

static void *reader(void *arg)
{
	char c;

	return (void *)(long)read(*(int *)arg, &c, 1);
}

int main(void)
{
	int p[2], fd = open("out", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char buf[16] = { 0 };
	struct iovec v = { buf, 4 };
	pthread_t t;
	void *ret;

	if (fd < 0 || pipe(p))
		return perror("setup"), 1;
	/* Armed: the second and third writes wait. */
	for (int i = 0; i < 3; i++)
		show("write", write(fd, "abc\n", 4));
	show("read(-1)", read(-1, buf, 1));
	show("write(-1)", write(-1, buf, 1));
	show("pread at 4", pread(fd, buf, 4, 4));
	show("pwrite(bad offset)", pwrite(fd, "x", 1, -1));
	show("readv(pipe, empty)", (errno = 0, fcntl(p[0], F_SETFL, O_NONBLOCK), readv(p[0], &v, 1)));
	show("writev", writev(fd, &v, 1));
	show("fsync", fsync(fd));
	show("fdatasync(pipe)", fdatasync(p[1]));
	show("close(4000)", close(4000));
	fcntl(p[0], F_SETFL, 0);
	show("write", write(fd, "def\n", 4));
	/* A thread: libc's cancellable read, cancelled where it blocks. */
	pthread_create(&t, NULL, reader, &p[0]);
	usleep(50000);
	pthread_cancel(t);
	pthread_join(t, &ret);
	printf("reader %s\n", ret == PTHREAD_CANCELED ? "cancelled" : "not cancelled");
	show("write", write(fd, "ghi\n", 4));
	show("close", close(fd));
	return 0;
}
