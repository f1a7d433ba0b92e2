/* fstatfs observes a file system, not one file: the blocks free drop
 * with writes to any file on it.  Writes to a.out pending, an fstatfs of
 * b.out (another file, nothing pending on it) must see them. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

int main(void)
{
	static char buf[4096];
	struct statfs before, after;
	int a = open("a.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int b = open("b.out", O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (a < 0 || b < 0)
		return 1;
	memset(buf, 'x', sizeof buf);
	fstatfs(b, &before);
	fstatfs(b, &before);
	for (int i = 0; i < 64; i++)
		write(a, buf, sizeof buf);
	fstatfs(b, &after);
	printf("a.out's 256 KiB %s\n",
	       (before.f_bfree - after.f_bfree) * after.f_bsize >= 200 * 1024 ? "counted" : "not counted");
	return 0;
}
