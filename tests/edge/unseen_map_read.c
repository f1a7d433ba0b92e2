/* A file mapped where the engine did not see it (glibc maps its gconv
 * cache itself; a program may map with its own inline syscall) shows the
 * file's data without a call: a write to the file must be in the mapping
 * at once.  The mapping is shared and read-only, from a read-only fd (no
 * store can reach it: smaps shows no "mw"), so the maps read after the
 * fork leave deferral on; writes to that file must still not wait.
 * Natively: "after write N: X" each time. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inline_mmap.h"

int main(void)
{
	int fd = open("mapped", O_RDWR | O_CREAT | O_TRUNC, 0644), out;
	const volatile char *m;
	pid_t pid;

	if (fd < 0 || ftruncate(fd, 4096) || close(fd))
		return 2;
	if ((fd = open("mapped", O_RDONLY)) < 0)
		return 2;
	m = (const volatile char *)inline_mmap(4096, PROT_READ, MAP_SHARED, fd);
	if ((unsigned long)m > -4096UL)
		return 3;
	if ((pid = fork()) == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	if ((out = open("mapped", O_WRONLY)) < 0)
		return 2;
	for (int i = 0; i < 20; i++) {
		char line[32];
		int n;

		write(out, "XYZ", 3);
		n = snprintf(line, sizeof line, "after write %d: %c\n", i, m[i * 3] ? m[i * 3] : '0');
		write(1, line, n);
	}
	return close(out) ? 4 : 0;
}
