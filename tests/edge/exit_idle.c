/* The one program thread ends with syscall(SYS_exit) while the engine is
 * idle (armed by writes to a file, then backing off from writes to
 * /dev/full, which cannot wait): the engine must still see it and end its
 * raw threads, which block every signal and kept the process alive for
 * ever (SIGKILL alone ended it).
 */
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	int fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644), full = open("/dev/full", O_WRONLY);

	for (int i = 0; i < 100; i++)
		write(fd, "x\n", 2);
	for (int i = 0; i < 300; i++)
		write(full, "x", 1);
	syscall(SYS_exit, 3);
	return 1;
}
