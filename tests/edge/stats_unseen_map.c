/* A shared mapping made where the engine did not see it (glibc maps its
 * gconv cache itself, shared, from a read-only fd; a program may map with
 * its own inline syscall) is read from the maps after a fork.  One that no
 * store can ever reach (the fd was read-only: smaps shows no "mw") leaves
 * deferral on; one from an fd open for writing, even mapped read-only
 * (mprotect could make it writable), turns it off.  The
 * mapping is made with an inline syscall before anything is deferred, so
 * no way in sees it.
 * @env BC_STATS=$D/stats.jsonl
 * @case BC_STATS: read-only shared mapping from a read-only fd, deferral on after fork
 * @args O_RDONLY
 * @check $py "$SRC/stats_shared.py" on "$B/stats.jsonl"
 * @case BC_STATS: read-only shared mapping from a read-write fd, nothing deferred after fork
 * @args O_RDWR
 * @check $py "$SRC/stats_shared.py" off "$B/stats.jsonl"
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inline_mmap.h"

int main(int argc, char **argv)
{
	int rw = argc > 1 && !strcmp(argv[1], "O_RDWR");
	int fd = open("mapped", O_RDWR | O_CREAT | O_TRUNC, 0644), out;
	pid_t pid;

	if (fd < 0 || ftruncate(fd, 4096) || close(fd))
		return 2;
	if ((fd = open("mapped", rw ? O_RDWR : O_RDONLY)) < 0)
		return 2;
	if ((unsigned long)inline_mmap(4096, PROT_READ, MAP_SHARED, fd) > -4096UL)
		return 3;
	if ((pid = fork()) == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	if ((out = open("after", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return 2;
	for (int i = 0; i < 200; i++)
		write(out, "0123456789", 10);
	return close(out) ? 4 : 0;
}
