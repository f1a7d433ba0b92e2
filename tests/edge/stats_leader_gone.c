/* The maps are read from a thread after the main thread has exited: the
 * leader's /proc/self/maps then reads empty, which must not pass for "no
 * shared mapping".  A shared mapping of a file open read-write, made with
 * an inline syscall (no way in sees it), then a fork from that thread.
 * @env BC_STATS=$D/stats.jsonl
 * @check $py "$SRC/stats_shared.py" off "$B/stats.jsonl"
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inline_mmap.h"

static void *run(void *arg)
{
	pid_t pid;
	int out;

	(void)arg;
	usleep(100000);  /* the main thread has exited */
	if ((pid = fork()) == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	if ((out = open("after", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		_exit(2);
	for (int i = 0; i < 200; i++)
		write(out, "0123456789", 10);
	_exit(close(out) ? 4 : 0);
}

int main(void)
{
	int fd = open("mapped", O_RDWR | O_CREAT | O_TRUNC, 0644);
	pthread_t t;

	if (fd < 0 || ftruncate(fd, 4096))
		return 2;
	if ((unsigned long)inline_mmap(4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd) > -4096UL)
		return 3;
	if (pthread_create(&t, NULL, run, NULL))
		return 2;
	pthread_exit(NULL);
}
