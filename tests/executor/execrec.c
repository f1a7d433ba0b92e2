/* exec while pages are in flight: records to a file and to stdout, then
 * exec of a shell (preloaded too, if this is) that appends to the same
 * file and reports its size. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include "rec.h"

int main(void)
{
	static char *const argv[] = { "sh", "-c",
		"echo exec\\'d >>out; wc -c <out; echo done", NULL };
	int fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return 2;
	records(fd, "before", 5000);
	records(1, "stdout", 500);
	execv("/bin/sh", argv);
	return 4;
}
