/* write64: N write(2) calls of 64 bytes each to FILE, which is created or
 * truncated first; for bench/shim.sh, built against glibc (run natively and
 * under LD_PRELOAD=libbcshim.so) and with bc-musl-gcc --bc=off and --bc=batch.
 * Each record starts with its index, so that the outputs of two builds can
 * be compared byte for byte, at the cost of one 8-byte store per call (a
 * formatted record would weigh on the batched side's time).  Every result
 * is checked, close's included (a deferred write's error surfaces there):
 * a fast run of failing calls means nothing.
 *
 * Usage: write64 FILE [N]   (N defaults to 1000000)
 * Exits 1 on any failed or short call. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { RECORD = 64 };

int main(int argc, char **argv)
{
	unsigned long n = 1000000;
	char buf[RECORD];
	char *end;
	int fd;

	if (argc < 2 || argc > 3 ||
	    (argc == 3 && (!(n = strtoul(argv[2], &end, 10)) || *end))) {
		fprintf(stderr, "usage: %s FILE [N]\n", argv[0]);
		return 2;
	}
	if ((fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		perror(argv[1]);
		return 1;
	}
	memset(buf, '.', sizeof buf);
	buf[RECORD - 1] = '\n';
	for (unsigned long i = 0; i < n; i++) {
		uint64_t k = i;

		memcpy(buf, &k, sizeof k);
		if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) {
			perror("write64: write");
			return 1;
		}
	}
	if (close(fd)) {
		perror("write64: close");
		return 1;
	}
	return 0;
}
