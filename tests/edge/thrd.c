/* A C11 thread (glibc: thrd_create does not go through pthread_create's
 * PLT entry) drains a pipe the main thread writes. */
#include <stdio.h>
#include <threads.h>
#include <unistd.h>
static int p[2];
static long got;
static int worker(void *arg)
{
	char buf[4096];
	ssize_t r;
	(void)arg;
	while ((r = read(p[0], buf, sizeof buf)) > 0)
		got += r;
	return 0;
}
int main(void)
{
	static char chunk[1500];
	thrd_t t;
	pipe(p);
	thrd_create(&t, worker, NULL);
	for (int i = 0; i < 200; i++)
		write(p[1], chunk, sizeof chunk);
	close(p[1]);
	thrd_join(t, NULL);
	printf("worker read %ld bytes\n", got);
	return 0;
}
