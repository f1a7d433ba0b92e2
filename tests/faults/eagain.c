/* eagain.c: fill a non-blocking pipe until EAGAIN:
 * 100-byte writes until one fails, drain 10000 bytes, then 5000-byte
 * writes (partial ones included) until one fails; then read everything
 * back and check it.  Prints every result in runs ("100 x 655"); the
 * sequence must be identical under bcshim, which must not defer a write
 * whose result it cannot know.
 * @case EAGAIN: a non-blocking pipe filled to EAGAIN gives the same results
 * @check want_line "$N" 'content ok' native
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static long last = -999, runs;
static unsigned char expect_next;

static void result(long r)
{
	if (r == last) {
		runs++;
		return;
	}
	if (runs)
		printf("%ld x %ld\n", last, runs);
	last = r;
	runs = 1;
}

static void end_results(void)
{
	if (runs)
		printf("%ld x %ld\n", last, runs);
	last = -999;
	runs = 0;
}

static unsigned char next_byte;

/* Each write carries the running byte counter's low bits. */
static long fill(int fd, size_t len)
{
	unsigned char buf[5000];
	long total = 0;
	for (int i = 0; i < 100000; i++) {
		for (size_t k = 0; k < len; k++)
			buf[k] = (unsigned char)(next_byte + k);
		errno = 0;
		ssize_t r = write(fd, buf, len);
		if (r < 0) {
			result(errno == EAGAIN ? -1000 - EAGAIN : -1000 - errno);
			break;
		}
		result(r);
		next_byte = (unsigned char)(next_byte + r);
		total += r;
	}
	end_results();
	return total;
}

static long drain(int fd, long want, int *bad)
{
	unsigned char buf[4096];
	long got = 0;
	while (want < 0 || got < want) {
		size_t n = sizeof buf;
		if (want >= 0 && (long)n > want - got)
			n = (size_t)(want - got);
		ssize_t r = read(fd, buf, n);
		if (r <= 0)
			break;
		for (ssize_t k = 0; k < r; k++)
			if (buf[k] != expect_next++)
				*bad = 1;
		got += r;
	}
	return got;
}

int main(void)
{
	int p[2], bad = 0;

	if (pipe2(p, O_NONBLOCK) != 0)
		return 2;
	printf("phase 1 (100-byte writes), -1011 is EAGAIN:\n");
	long w1 = fill(p[1], 100);
	long d = drain(p[0], 10000, &bad);
	printf("wrote %ld, drained %ld\n", w1, d);
	printf("phase 2 (5000-byte writes):\n");
	long w2 = fill(p[1], 5000);
	close(p[1]);
	long rest = drain(p[0], -1, &bad);
	printf("wrote %ld, read back %ld more, content %s\n", w2, rest, bad ? "WRONG" : "ok");
	return 0;
}
