/* A batch left pending while the program computes, making no call,
 * reaches the file within the time bound: the timer thread flushes it
 * (under the direct executor from an fd table of its own, the queue's fd
 * borrowed for the flush: docs/engine.md, "The timer thread").
 * @parallel
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>

#include "watch.h"

int main(void)
{
	char verdict[8] = "none";
	int p[2], fd;
	pid_t c;

	if ((fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 || (c = watch("out", 3 * 12, p)) < 0)
		return perror("setup"), 1;
	for (int i = 0; i < 3; i++)
		write(fd, "record line\n", 12);
	spin(1.2);
	read(p[0], verdict, 4);
	waitpid(c, 0, 0);
	printf("%s\n", verdict);
	return 0;
}
