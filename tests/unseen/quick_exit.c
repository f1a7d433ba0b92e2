/* quick_exit, which runs no atexit handler nor the library's destructor:
 * the writes before it are in the file. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	int fd = open("data", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	write(fd, "abc", 3);
	write(fd, "def", 3);
	write(fd, "ghi", 3);
	quick_exit(0);
}
