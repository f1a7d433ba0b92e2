/* An fd at or above the fd limit the program inherited (the shell
 * lowered it to 8 after opening fd 9, out of the engine's sight), written
 * after a batch on a lower fd started the timer thread with a table of
 * its own: fd 9 cannot be borrowed there (dup3 fails), so the timer gives
 * way to one that shares the program's table; batches left while the
 * program computes still reach the file within the time bound.
 * @run exec 9>out; ulimit -S -n 8; PROG
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>

#include "watch.h"

int main(void)
{
	char verdict[8] = "none";
	int p[2], low;
	pid_t c;

	if ((c = watch("out", 3 + 3 * 12, p)) < 0 ||
	    (low = open("low", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return perror("setup"), 1;
	write(low, "a", 1), write(low, "b", 1), write(low, "c", 1);
	spin(0.05);
	write(9, "x", 1), write(9, "y", 1), write(9, "z", 1);
	spin(0.05);
	for (int i = 0; i < 3; i++)
		write(9, "record line\n", 12);
	spin(1.2);
	read(p[0], verdict, 4);
	waitpid(c, 0, 0);
	printf("%s\n", verdict);
	return 0;
}
