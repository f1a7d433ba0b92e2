/* A call the net stops while a pending write is stalled on a full pipe
 * (its reader never reads): SIGTERM, sent at 0.5 s, kills the process as
 * natively, where it blocks in that write; the trap's settle must not
 * keep it out. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long raw_getppid(void)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"((long)SYS_getppid) : "rcx", "r11", "memory");
	return r;
}

int main(void)
{
	char buf[64];
	int p[2];

	memset(buf, 'a', sizeof buf);
	if (pipe(p))
		return 2;
	if (fork() == 0) {
		close(p[1]);
		sleep(5);
		_exit(0);
	}
	close(p[0]);
	if (fork() == 0) {
		usleep(500000);
		kill(getppid(), SIGTERM);
		_exit(0);
	}
	for (int i = 0; i < (65536 - 8192) / 64; i++)
		write(p[1], buf, sizeof buf);
	usleep(1000);
	for (int i = 0; i < 192; i++)
		write(p[1], buf, sizeof buf);
	raw_getppid();
	write(2, "not reached natively\n", 21);
	return 0;
}
