/* A second LD_PRELOAD library (second.so.src, built by @setup) loaded
 * beside the engine's, after it and before it: the program re-executes
 * itself with the library added to LD_PRELOAD (natively, alone).  Its
 * write wrapper sits in front of or behind the engine's, its constructor
 * and destructor write a file of their own; the program's writes, a
 * read back, and both files are the same as natively.
 * @ways glibc
 * @setup cc -shared -fPIC -O2 -o second.so -x c $SRC/second.so.src -ldl
 * @case after the engine's
 * @args after
 * @case before the engine's
 * @args before
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char lib[PATH_MAX + 16], all[2 * PATH_MAX + 32], line[48];
	const char *pre = getenv("LD_PRELOAD");
	struct stat st;
	int fd;

	if (argc < 2)
		return 2;
	if (!getenv("SECOND_LOADED")) {
		if (!getcwd(lib, PATH_MAX))
			return 3;
		strcat(lib, "/second.so");
		if (!pre || !*pre)
			snprintf(all, sizeof all, "%s", lib);
		else if (!strcmp(argv[1], "after"))
			snprintf(all, sizeof all, "%s:%s", pre, lib);
		else
			snprintf(all, sizeof all, "%s:%s", lib, pre);
		setenv("LD_PRELOAD", all, 1);
		setenv("SECOND_LOADED", "1", 1);
		execv("/proc/self/exe", argv);
		return 4;
	}
	fd = open("log", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	/* A call only the engine wraps defers first: armed, libc's sites
	 * rewritten, so dprintf's own write (no wrapper's) reaches the
	 * engine and waits; the program's next write must still pass
	 * through the second library. */
	for (int i = 0; i < 4; i++)
		writev(fd, &(struct iovec){ .iov_base = "head\n", .iov_len = 5 }, 1);
	dprintf(fd, "by dprintf\n");
	for (int i = 0; i < 200; i++)
		write(fd, line, snprintf(line, sizeof line, "line %d\n", i));
	if (stat("log", &st))
		return 5;
	printf("log holds %lld bytes\n", (long long)st.st_size);
	close(fd);
	return 0;
}
