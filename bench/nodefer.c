/* nodefer: N iterations of getppid() and fstat() on an open FILE, for
 * bench/shim.sh.  Nothing here can be deferred: every call's result is
 * used at once, so what the deferral engine adds is its cost per call
 * (interposition or the bc entry, classification, an empty flush check).
 * Built against glibc (native and LD_PRELOAD=libbcshim.so) and with
 * bc-musl-gcc --bc=off and --bc=batch.
 *
 * Usage: nodefer FILE [N]   (N defaults to 1000000)
 * Exits 1 if a call fails or returns something else than the first time. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long n = 1000000, bad = 0;
	struct stat st0, st;
	char *end;
	pid_t ppid;
	int fd;

	if (argc < 2 || argc > 3 ||
	    (argc == 3 && (!(n = strtoul(argv[2], &end, 10)) || *end))) {
		fprintf(stderr, "usage: %s FILE [N]\n", argv[0]);
		return 2;
	}
	if ((fd = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st0)) {
		perror(argv[1]);
		return 1;
	}
	ppid = getppid();
	for (unsigned long i = 0; i < n; i++) {
		bad += getppid() != ppid;
		if (fstat(fd, &st)) {
			perror("nodefer: fstat");
			return 1;
		}
		bad += st.st_size != st0.st_size || st.st_ino != st0.st_ino;
	}
	if (bad) {
		fprintf(stderr, "nodefer: %lu results differ from the first call's\n", bad);
		return 1;
	}
	close(fd);
	return 0;
}
