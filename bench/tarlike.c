/* The tar-like file pattern of issue 5: for each of N files, open it
 * (O_CREAT|O_EXCL, as tar -x does), write 1 KiB, fchmod, futimens, close.
 *   tarlike DIR N */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char data[1024];
	struct timespec times[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	char path[4096];
	long n;

	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: tarlike DIR N\n");
		return 2;
	}
	memset(data, 'x', sizeof data);
	for (long i = 0; i < n; i++) {
		int fd;
		snprintf(path, sizeof path, "%s/f%ld", argv[1], i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || write(fd, data, sizeof data) != sizeof data ||
		    fchmod(fd, 0644) || futimens(fd, times) || close(fd)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}
