/* eintr.c: a blocking read on a pipe interrupted by a SIGALRM handler
 * installed without SA_RESTART.  The read must fail
 * with EINTR under bcshim too, and the 100 records written before it must
 * be in the file while it blocks: a child waits until /proc says the
 * parent is blocked in read(2) on that pipe, then measures the file, and
 * only then sends the SIGALRM.  The child is forked before the writes, so
 * that the fork cannot be what flushes them.
 * @case EINTR: read fails with EINTR both ways, the earlier writes in the file while it blocks
 * @needs [ -r /proc/self/syscall ]
 * @check check_eintr
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_alarm(int sig)
{
	(void)sig;
	handled = 1;
}

/* Is task pid blocked in read(fd, ...)?  /proc/PID/syscall starts with the
 * call's number and its first argument in hex. */
static int blocked_in_read(pid_t pid, int fd)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
	int f = open(path, O_RDONLY);
	if (f < 0)
		return -1;
	ssize_t n = read(f, buf, sizeof buf - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	long nr;
	unsigned long a0;
	return sscanf(buf, "%ld 0x%lx", &nr, &a0) == 2 && nr == SYS_read && a0 == (unsigned long)fd;
}

static void put(int fd, const char *tag, int i)
{
	char rec[16];
	int len = snprintf(rec, sizeof rec, "%s%03d\n", tag, i);
	if (write(fd, rec, (size_t)len) != len)
		exit(3);
}

int main(void)
{
	int p[2], report[2];
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;  /* no SA_RESTART */
	if (pipe(p) != 0 || pipe(report) != 0 || sigaction(SIGALRM, &sa, NULL) != 0)
		return 2;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec ms = { 0, 1000000 };
		int r;
		for (int i = 0; (r = blocked_in_read(parent, p[0])) != 1; i++) {
			if (r < 0 || i > 20000)
				_exit(4);  /* no /proc, or never blocked */
			nanosleep(&ms, NULL);
		}
		struct stat st;
		long size = stat("out", &st) == 0 ? (long)st.st_size : -1;
		if (write(report[1], &size, sizeof size) != sizeof size)
			_exit(5);
		kill(parent, SIGALRM);
		_exit(0);
	}
	int fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (pid < 0 || fd < 0)
		return 2;
	for (int i = 0; i < 100; i++)
		put(fd, "w", i);
	char c;
	errno = 0;
	ssize_t r = read(p[0], &c, 1);
	int e = errno;
	long seen = -2;
	if (read(report[0], &seen, sizeof seen) != sizeof seen)
		seen = -3;
	int ws;
	waitpid(pid, &ws, 0);
	for (int i = 0; i < 100; i++)
		put(fd, "x", i);
	if (close(fd) != 0)
		return 2;
	printf("read: %zd %s, handler ran: %d\n", r, r < 0 ? (e == EINTR ? "EINTR" : strerror(e)) : "", (int)handled);
	printf("file size seen while blocked: %ld\n", seen);
	printf("observer: %s\n", WIFEXITED(ws) ? (WEXITSTATUS(ws) == 0 ? "ok" : "failed") : "killed");
	return 0;
}
