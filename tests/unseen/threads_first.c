/* Threads started before the engine arms (the net then covers no thread:
 * documented in bcshim(7)): two threads write their own files with write,
 * writev and stdio, the main thread writes another after starting them
 * (its first deferral comes then), a thread reads back the main thread's
 * file after a barrier, and everything reaches the files in order.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static pthread_barrier_t bar;
static int got[2];

static void *worker(void *arg)
{
	long k = (long)arg;
	char name[8], line[48], buf[64];
	FILE *f;
	int fd, n;

	snprintf(name, sizeof name, "t%ld", k);
	fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	f = fdopen(dup(fd), "w");
	setvbuf(f, NULL, _IONBF, 0);
	for (int i = 0; i < 300; i++) {
		n = snprintf(line, sizeof line, "%ld write %d\n", k, i);
		if (i % 3 == 0) {
			write(fd, line, n);
		} else if (i % 3 == 1) {
			struct iovec v[2] = { { line, 2 }, { line + 2, n - 2 } };
			writev(fd, v, 2);
		} else {
			fprintf(f, "%ld stdio %d\n", k, i);
		}
	}
	fclose(f);
	close(fd);
	pthread_barrier_wait(&bar);
	/* The main thread's file, written before the barrier. */
	fd = open("main", O_RDONLY);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	got[k] = n;
	return NULL;
}

int main(void)
{
	pthread_t t[2];
	char line[32];
	int fd;

	pthread_barrier_init(&bar, NULL, 3);
	for (long k = 0; k < 2; k++)
		pthread_create(&t[k], NULL, worker, (void *)k);
	fd = open("main", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (int i = 0; i < 300; i++)
		write(fd, line, snprintf(line, sizeof line, "main %d\n", i));
	pthread_barrier_wait(&bar);
	for (int k = 0; k < 2; k++) {
		pthread_join(t[k], NULL);
		printf("thread %d read %d bytes of main\n", k, got[k]);
	}
	for (int i = 0; i < 300; i++)
		write(fd, line, snprintf(line, sizeof line, "main after %d\n", i));
	close(fd);
	return 0;
}
