/*
 * corrupt.so: a preload library that changes one observable result, so that
 * tests/trial.sh can check that bctrial notices.  It interposes write(2) and
 * flips the lowest bit of the first byte of the first write of at least one
 * byte to fd 1 in each process; every other call passes through unchanged.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether this process has already corrupted its one write. */
static int done;

ssize_t write(int fd, const void *buf, size_t count)
{
	static ssize_t (*next)(int, const void *, size_t);
	char *copy;
	ssize_t r;

	if (next == NULL) {
		next = (ssize_t (*)(int, const void *, size_t))
			dlsym(RTLD_NEXT, "write");
		if (next == NULL)
			abort();
	}
	if (fd != 1 || count == 0 || done)
		return next(fd, buf, count);
	done = 1;
	copy = malloc(count);
	if (copy == NULL)
		return next(fd, buf, count);
	memcpy(copy, buf, count);
	copy[0] ^= 1;
	r = next(fd, copy, count);
	free(copy);
	return r;
}
