/* Many threads deferring at once: 8 threads, each 10000 records to a file
 * of its own and 10000 to one shared O_APPEND file.  Prints what a reader
 * finds in the shared file: every thread's records, once each, in its own
 * order (how the threads interleave is the scheduler's). */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include "rec.h"

#define NT 8
#define NR 10000

static int shared;

static void *worker(void *arg)
{
	long t = (long)arg;
	char name[16];
	int fd;

	snprintf(name, sizeof name, "t%ld", t);
	fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		exit(2);
	for (int i = 0; i < NR / 100; i++) {
		records(fd, name, 100);
		records(shared, name, 100);
	}
	if (close(fd))
		exit(5);
	return NULL;
}

int main(void)
{
	static char buf[NT * NR * 64 + 1];
	pthread_t th[NT];
	int next[NT] = { 0 }, bad = 0, fd;
	ssize_t n, got = 0;

	shared = open("shared", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (shared < 0)
		return 2;
	for (long t = 0; t < NT; t++)
		if (pthread_create(&th[t], NULL, worker, (void *)t))
			return 2;
	for (int t = 0; t < NT; t++)
		pthread_join(th[t], NULL);
	if (close(shared))
		return 5;
	/* Thread k's records are "tk i", i counting 0..99 over and over. */
	fd = open("shared", O_RDONLY);
	while (fd >= 0 && (n = read(fd, buf + got, sizeof buf - 1 - (size_t)got)) > 0)
		got += n;
	for (ssize_t off = 0; off + 64 <= got; off += 64) {
		int k, i;

		if (sscanf(buf + off, "t%d %d", &k, &i) != 2 || k < 0 || k >= NT ||
		    i != next[k] % 100 || buf[off + 63] != '\n') {
			if (bad++ < 5)
				printf("record at %zd: %.20s\n", off, buf + off);
			continue;
		}
		next[k]++;
	}
	printf("shared: %zd bytes", got);
	for (int t = 0; t < NT; t++)
		printf(", t%d %d", t, next[t]);
	printf(", %d out of order\n", bad);
	return 0;
}
