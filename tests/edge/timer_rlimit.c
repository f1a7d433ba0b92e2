/* The fd limit lowered under the queue's fd numbers (to 5, below fd 10;
 * to 0, as OpenSSH's sandbox does) after the timer thread began
 * borrowing fds for its flushes: later batches left while the program
 * computes still reach the file within the time bound (the timer thread
 * shares the fd table from then on).
 * @parallel
 * @case limit 5
 * @args 5
 * @case limit 0
 * @args 0
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "watch.h"

int main(int argc, char **argv)
{
	struct rlimit r = { 0, 0 };
	char verdict[8] = "none";
	int p[2], fd;
	pid_t c;

	if (argc != 2 || (fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 || dup2(fd, 10) != 10 ||
	    close(fd) || (c = watch("out", 3 + 9 * 12, p)) < 0)
		return perror("setup"), 1;
	/* A batch the timer thread flushes. */
	write(10, "x", 1), write(10, "y", 1), write(10, "z", 1);
	spin(0.05);
	r.rlim_cur = r.rlim_max = atol(argv[1]);
	if (setrlimit(RLIMIT_NOFILE, &r))
		perror("setrlimit");
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 3; i++)
			write(10, "record line\n", 12);
		spin(0.05);
	}
	spin(1.2);
	read(p[0], verdict, 4);
	waitpid(c, 0, 0);
	printf("%s\n", verdict);
	return 0;
}
