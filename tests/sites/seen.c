/* A call glibc makes only inside its own functions (getppid, preadv2,
 * getrandom, sched_yield) is counted in BC_STATS, and the report says
 * how many sites were rewritten in each object.  Two writes first: the
 * sites are rewritten when the engine arms, at its first deferral.
 * @ways glibc
 * @sides batched
 * @compare none
 * @env BC_STATS=$D/stats.jsonl
 * @check $py "$SRC/seen.py" "$B/stats.jsonl"
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
	char b[4];
	struct iovec r = { b, 4 };
	int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);

	write(fd, "ab", 2);
	write(fd, "cd", 2);
	write(fd, "ef", 2);
	for (int i = 0; i < 3; i++)
		getppid();
	sched_yield();
	getrandom(b, sizeof b, 0);
	preadv2(fd, &r, 1, 0, 0);
	close(fd);
	return 0;
}
