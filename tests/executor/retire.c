/* One thread changes credentials (setgid: the executor thread is retired)
 * while another's writes flush async: a batch handed to a retiring
 * executor was never run, and the writer hung (review 4). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile int stop;

static void *changer(void *arg)
{
	(void)arg;
	while (!stop)
		setgid(getgid());
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	int fd = open("out.dat", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char buf[64];
	pthread_t t;

	memset(buf, 'x', sizeof buf);
	pthread_create(&t, NULL, changer, NULL);
	for (long i = 0; i < n; i++)
		if (write(fd, buf, sizeof buf) != sizeof buf)
			return 1;
	stop = 1;
	pthread_join(t, NULL);
	close(fd);
	printf("size %ld\n", (long)lseek(open("out.dat", O_RDONLY), 0, SEEK_END));
	return 0;
}
