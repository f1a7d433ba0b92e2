/* Writes to a pseudo file system are commands: /proc/self/comm written
 * "first" then "second" reads back "second" (not the two merged), and
 * /proc/self/oom_score_adj written -1000 by an unprivileged process fails
 * at the write with EACCES, not at the close.  Results are printed at the
 * end, so that no libc output comes in between. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static long r[16];
static int e[16], n;

static void note(long res)
{
	e[n] = errno;
	r[n++] = res;
	errno = 0;
}

int main(void)
{
	char name[32] = "";
	int fd = open("/proc/self/comm", O_WRONLY);

	for (int i = 0; i < 3; i++) {
		note(write(fd, "first", 5));
		note(write(fd, "second", 6));
	}
	note(close(fd));
	fd = open("/proc/self/comm", O_RDONLY);
	note(read(fd, name, sizeof name - 1));
	close(fd);
	/* Unprivileged, lowering oom_score_adj below its current value. */
	if (getuid() == 0 && (setgid(65534) || setuid(65534)))
		return 1;
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);  /* /proc/self is ours again */
	fd = open("/proc/self/oom_score_adj", O_WRONLY);
	note(fd < 0 ? fd : 0);
	for (int i = 0; i < 3; i++)
		note(write(fd, "-1000", 5));
	note(close(fd));
	for (int i = 0; i < n; i++)
		printf("call %d = %ld (%s)\n", i, r[i], r[i] < 0 ? strerror(e[i]) : "ok");
	printf("comm: %s", name);
	return 0;
}
