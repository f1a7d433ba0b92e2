/* Writes to /dev/full fail at once (ENOSPC), as they do natively: never
 * predicted to succeed. */
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <string.h>
int main(void)
{
	int fd = open("/dev/full", O_WRONLY);
	char out[256]; int n = 0;
	for (int i = 0; i < 4; i++) {
		ssize_t r = write(fd, "hello", 5);
		n += snprintf(out + n, sizeof out - n, "write %d -> %zd %s\n", i, r, r < 0 ? strerror(errno) : "");
	}
	int c = close(fd);
	n += snprintf(out + n, sizeof out - n, "close -> %d\n", c);
	fputs(out, stdout);
	return 0;
}
