/* A process-shared semaphore from sem_open, which glibc maps itself
 * (MAP_SHARED, read-write) before anything is deferred, with no fork
 * after: another process that opens the same name shares the memory, and
 * sem_post's plain store can tell it "done" with no call.  So nothing may
 * wait in this process: BC_STATS says shared_memory 1 and deferred 0.
 * @env BC_STATS=$D/stats.jsonl
 * @cflags -std=gnu11 -O2 -pthread
 * @check $py "$SRC/stats_shared.py" off "$B/stats.jsonl"
 */
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	char name[64];
	sem_t *s;
	int fd;

	snprintf(name, sizeof name, "/bcshim-sem-unseen-%d", (int)getpid());
	if ((s = sem_open(name, O_CREAT | O_EXCL, 0600, 0)) == SEM_FAILED)
		return 2;
	sem_unlink(name);
	if ((fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return 2;
	for (int i = 0; i < 200; i++)
		write(fd, "0123456789", 10);
	sem_post(s);
	return close(fd) ? 3 : 0;
}
