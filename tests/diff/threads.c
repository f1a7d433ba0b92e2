/* threads.c: four threads write small records with write(2), each to its
 * own file t0..t3 and all to one shared O_APPEND file.
 * The per-thread files must come out byte-identical under bcshim; the
 * shared one holds the same records (their interleaving is the
 * scheduler's), each thread's in its own order.  Records vary in length so
 * that a torn or misplaced merge shows.
 * @unordered shared
 * @case 4 threads writing with write(2)
 * @case 4 threads: the shared O_APPEND file holds the same records, each thread's in order
 * @compare none
 * @check threads_shared
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { THREADS = 4, RECORDS = 2000 };

static int shared_fd;

static void put(int fd, const char *buf, size_t len)
{
	if (write(fd, buf, len) != (ssize_t)len) {
		perror("write");
		exit(1);
	}
}

static void *writer(void *arg)
{
	int k = (int)(long)arg;
	char name[8], rec[64];

	snprintf(name, sizeof name, "t%d", k);
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(name);
		exit(1);
	}
	for (int i = 0; i < RECORDS; i++) {
		int len = snprintf(rec, sizeof rec, "t%d r%04d %.*s\n", k, i, i % 13, "xxxxxxxxxxxxx");
		put(fd, rec, (size_t)len);
		put(shared_fd, rec, (size_t)len);
	}
	if (close(fd) != 0) {
		perror("close");
		exit(1);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];

	shared_fd = open("shared", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (shared_fd < 0) {
		perror("shared");
		return 1;
	}
	for (long k = 0; k < THREADS; k++)
		if (pthread_create(&t[k], NULL, writer, (void *)k) != 0)
			return 1;
	for (int k = 0; k < THREADS; k++)
		pthread_join(t[k], NULL);
	if (close(shared_fd) != 0) {
		perror("close");
		return 1;
	}
	put(1, "done\n", 5);
	return 0;
}
