/* A private read-only mapping of a file sees later write()s to the file
 * (Linux: untouched pages share the page cache). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
int main(void)
{
	int fd = open("privmap.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
	ftruncate(fd, 4096);
	const char *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	for (int i = 0; i < 3; i++) {
		pwrite(fd, "ABCDEFGH", 8, i * 8);
		char line[64];
		int n = snprintf(line, sizeof line, "after pwrite %d map[%d]='%c'\n", i, i * 8, m[i * 8] ? m[i * 8] : '0');
		write(1, line, n);
	}
	return 0;
}
