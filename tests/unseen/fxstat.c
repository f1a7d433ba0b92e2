/* __fxstat64, which programs built against glibc before 2.33 call for
 * fstat, after writes that may wait: it sees their size.
 * @ways glibc
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	int (*fxstat)(int, int, struct stat *) =
		(int (*)(int, int, struct stat *))dlvsym(RTLD_DEFAULT, "__fxstat64", "GLIBC_2.2.5");
	int fd = open("data", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct stat st;

	if (!fxstat)
		return 3;
	for (int i = 0; i < 4; i++) {
		write(fd, "abcd", 4);
		fxstat(1, fd, &st);
		printf("after write %d: size %ld\n", i, (long)st.st_size);
	}
	return 0;
}
