/* A batch left pending while the program computes, making no call,
 * reaches the file within the time bound: the timer thread flushes it
 * (under the direct executor from an fd table of its own, the queue's fd
 * borrowed for the flush: docs/engine.md, "The timer thread").  A child
 * started first watches the file's size; the program asks it only after.
 * @parallel
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void)
{
	char verdict[8] = "none";
	int p[2], fd;
	double t;
	pid_t c;

	if (pipe(p) || (fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return perror("setup"), 1;
	if ((c = fork()) == 0) {
		struct stat st;
		close(p[0]);
		for (t = now(); now() - t < 1.0;) {
			if (!stat("out", &st) && st.st_size == 3 * 12) {
				write(p[1], "seen", 4);
				_exit(0);
			}
			usleep(1000);
		}
		write(p[1], "late", 4);
		_exit(0);
	}
	close(p[1]);
	for (int i = 0; i < 3; i++)
		write(fd, "record line\n", 12);
	for (t = now(); now() - t < 1.2;)
		;
	read(p[0], verdict, 4);
	waitpid(c, 0, 0);
	printf("%s\n", verdict);
	return 0;
}
