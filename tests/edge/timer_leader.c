/* The main thread exits (pthread_exit) while another thread writes and
 * computes: its batch still reaches the file within the time bound (a
 * timer thread borrowing from the main thread's fd table could not;
 * with threads it shares the table).
 * @parallel
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>

#include "watch.h"

static int fd, p[2];
static pthread_t main_thread;

static void *worker(void *arg)
{
	char verdict[8] = "none";

	(void)arg;
	pthread_join(main_thread, NULL);
	spin(0.05);
	for (int i = 0; i < 3; i++)
		write(fd, "record line\n", 12);
	spin(1.2);
	read(p[0], verdict, 4);
	printf("%s\n", verdict);
	fflush(stdout);
	return NULL;
}

int main(void)
{
	pthread_t w;

	if ((fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 || watch("out", 3 + 3 * 12, p) < 0)
		return perror("setup"), 1;
	/* A batch the timer thread flushes, before there is a thread. */
	write(fd, "a", 1), write(fd, "b", 1), write(fd, "c", 1);
	spin(0.05);
	main_thread = pthread_self();
	pthread_create(&w, NULL, worker, NULL);
	pthread_exit(NULL);
}
