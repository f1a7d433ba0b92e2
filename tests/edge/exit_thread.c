/* The one thread ends with exit, not exit_group (syscall(SYS_exit)): the
 * process ends with it, its writes made, though the engine had started a
 * thread of its own for them (the timer's), which once kept the process
 * alive for ever. */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	int fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	for (int i = 0; i < 100; i++)
		write(fd, "x\n", 2);
	syscall(SYS_exit, 3);
	return 1;
}
