/* The net stands down while the engine is idle (a backoff spell: here
 * writes to /dev/full, none of which can wait) and must be up again once
 * calls wait: a program's own syscall instruction (fstat, unseen by any
 * wrapper or rewritten site) made while writes to its file are pending
 * finds them all there, before, between and after the spells.
 * @ways glibc
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static long raw_fstat(int fd, struct stat *st)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"((long)SYS_fstat), "D"((long)fd), "S"(st)
			 : "rcx", "r11", "memory");
	return r;
}

int main(void)
{
	int fd = open("data", O_WRONLY | O_CREAT | O_TRUNC, 0644), full = open("/dev/full", O_WRONLY);
	long written = 0, enospc = 0, short_seen = 0, looks = 0;
	struct stat st;

	if (fd < 0 || full < 0)
		return 1;
	for (int round = 0; round < 6; round++) {
		for (int i = 0; i < 400; i++) {
			if (write(fd, "record\n", 7) != 7)
				return 2;
			written += 7;
			if (i % 40 == 39) {
				if (raw_fstat(fd, &st))
					return 3;
				looks++;
				short_seen += st.st_size != written;
			}
		}
		for (int i = 0; i < 300; i++)
			enospc += write(full, "x", 1) < 0 && errno == ENOSPC;
	}
	printf("%ld bytes written, %ld looks, %ld found fewer; /dev/full: %ld ENOSPC\n",
	       written, looks, short_seen, enospc);
	return close(fd) != 0;
}
