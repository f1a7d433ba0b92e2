/* dlopen after start-up of a library (dlopen.so.src, built by @setup)
 * whose constructor makes system calls of its own with inline syscall
 * instructions while the program's writes are pending: they land after
 * the pending ones, and the library's count() read back finds all.
 * @ways glibc
 * @setup cc -shared -fPIC -O2 -o dlopen.so -x c $SRC/dlopen.so.src
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char line[48], lib[PATH_MAX + 16];
	long (*count)(const char *);
	void *h;
	int fd = open("log", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);

	for (int i = 0; i < 100; i++)
		write(fd, line, snprintf(line, sizeof line, "before %d\n", i));
	if (!getcwd(lib, PATH_MAX))
		return 2;
	strcat(lib, "/dlopen.so");
	if (!(h = dlopen(lib, RTLD_NOW)))
		return 3;
	for (int i = 0; i < 100; i++)
		write(fd, line, snprintf(line, sizeof line, "after %d\n", i));
	count = (long (*)(const char *))dlsym(h, "count");
	printf("the log holds %ld bytes\n", count ? count("log") : -1);
	close(fd);
	return 0;
}
