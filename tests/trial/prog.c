/*
 * prog.c: a small C program for bctrial --musl.  It writes a file in its
 * working directory and a few lines on stdout, through several calls, so
 * that both the "files" and the "stdout" parts have something to compare.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
	char line[64];
	int fd, i, n;

	fd = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	for (i = 0; i < 100; i++) {
		n = snprintf(line, sizeof line, "line %d\n", i);
		if (write(fd, line, (size_t)n) != n)
			return 1;
	}
	if (close(fd) != 0)
		return 1;
	for (i = 0; i < 5; i++) {
		n = snprintf(line, sizeof line, "stdout %d\n", i);
		if (write(1, line, (size_t)n) != n)
			return 1;
	}
	return 0;
}
