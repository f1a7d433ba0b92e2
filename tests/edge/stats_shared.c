/* BC_STATS says when memory shared with another process stopped deferral:
 * a program without a shared mapping defers its writes (shared_memory 0);
 * one that shares a MAP_SHARED page with a child defers nothing after the
 * fork (shared_memory 1, the child deferring nothing at all).
 * @env BC_STATS=$D/stats.jsonl
 * @case BC_STATS: no shared memory, writes deferred
 * @args plain
 * @check $py "$SRC/stats_shared.py" plain "$B/stats.jsonl"
 * @case BC_STATS: memory shared with a child, nothing deferred after the fork
 * @args shared
 * @check $py "$SRC/stats_shared.py" shared "$B/stats.jsonl"
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static void writes(const char *name)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	for (int i = 0; i < 200; i++)
		write(fd, "0123456789", 10);
	close(fd);
}

int main(int argc, char **argv)
{
	pid_t pid;

	writes("before");
	if (argc < 2 || strcmp(argv[1], "shared"))
		return 0;
	if (mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
		return 2;
	if ((pid = fork()) == 0) {
		writes("child");
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	writes("after");
	return 0;
}
