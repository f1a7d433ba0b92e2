/* Credentials changed again and again between writes that may wait: each
 * set*id or setgroups retires the engine's threads (glibc and musl apply
 * credentials thread by thread, and know none of them), and the next
 * batch starts new ones while a retired one may still run.  When their
 * stacks could be shared, such a loop hung under the async executor now
 * and then (docs/executors.md).  Every record lands, in order. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	gid_t g = getgid();
	char buf[32];

	if (fd < 0)
		return 1;
	for (int i = 0; i < 1500; i++) {
		int len = snprintf(buf, sizeof buf, "%d\n", i);

		if (write(fd, buf, len) != len)
			return 2;
		if (i % 3 == 0 && setuid(getuid()))
			return 3;
		if (i % 5 == 0 && setgroups(1, &g))
			return 4;
	}
	return close(fd) != 0;
}
