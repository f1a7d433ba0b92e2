/* Each prctl that may change a thread's credentials retires the engine's
 * raw threads; their stacks were never unmapped, a mapping leaked per
 * call (review 4).  PR_SET_SECUREBITS (a retiring one, failing without
 * privilege is fine too) after each 64 KiB of writes; the mappings must
 * not grow with the calls. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static long maps(void)
{
	char line[512];
	long n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof line, f))
		n++;
	if (f)
		fclose(f);
	return n;
}

int main(void)
{
	char buf[1024];
	int fd = open("leak.dat", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	long before = -1;

	memset(buf, 'l', sizeof buf);
	for (int i = 0; i < 1000; i++) {
		for (int j = 0; j < 64; j++)
			write(fd, buf, sizeof buf);
		prctl(PR_SET_SECUREBITS, prctl(PR_GET_SECUREBITS, 0, 0, 0, 0), 0, 0, 0);
		if (i == 10)
			before = maps();
	}
	printf("mappings %s\n", maps() - before < 8 ? "bounded" : "grew");
	return 0;
}
