/* A shared mapping no store can reach (from a read-only fd: smaps shows
 * no "mw") is found safe after a fork, and deferral goes on.  The program
 * then replaces it, unseen (its own inline munmap and mmap), by one of
 * the same file at the same address, offset and permissions, from a
 * read-write fd: mprotect can make that one writable, so after the next
 * fork the process shares memory, though its maps line is the same.
 * @env BC_STATS=$D/stats.jsonl
 * @check $py "$SRC/stats_shared.py" seen "$B/stats.jsonl"
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long inline6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "0"(nr), "D"(a), "S"(b), "d"(c),
			 "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
	return r;
}

static int fork_wait(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return pid < 0 || waitpid(pid, NULL, 0) != pid;
}

/* 200 records into a new file name: 0, or the status to exit with. */
static int writes(const char *name)
{
	int out = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (out < 0)
		return 2;
	for (int i = 0; i < 200; i++)
		write(out, "0123456789", 10);
	return close(out) ? 4 : 0;
}

int main(void)
{
	int fd = open("mapped", O_RDWR | O_CREAT | O_TRUNC, 0644), rc;
	long m;

	if (fd < 0 || ftruncate(fd, 4096) || close(fd))
		return 2;
	if ((fd = open("mapped", O_RDONLY)) < 0)
		return 2;
	m = inline6(SYS_mmap, 0, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if ((unsigned long)m > -4096UL || close(fd))
		return 3;
	if (fork_wait())
		return 5;
	/* Deferral goes on, the mapping found safe. */
	if ((rc = writes("before")))
		return rc;
	if ((fd = open("mapped", O_RDWR)) < 0)
		return 2;
	if (inline6(SYS_munmap, m, 4096, 0, 0, 0, 0) ||
	    inline6(SYS_mmap, m, 4096, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0) != m)
		return 3;
	if (fork_wait())
		return 5;
	return writes("after");
}
