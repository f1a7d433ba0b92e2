/* A realtime signal at its default kills the process, as SIGTERM does:
 * the writes it made before must be in the file all the same.  A timer
 * sends SIGRTMIN+2 while a write waits (the time bound is 10 s) and the
 * program spins without a call.  Natively: "abcabcabc" in the file, death by
 * signal 36.
 * @env BC_MAX_DELAY_US=10000000
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN + 2 };
	struct itimerspec at = { .it_value = { 0, 50000000 } };
	timer_t t;
	int fd = open("file", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || timer_create(CLOCK_MONOTONIC, &ev, &t))
		return 2;
	if (timer_settime(t, 0, &at, NULL))
		return 3;
	for (int i = 0; i < 3; i++)
		write(fd, "abc", 3);
	/* No call while it waits: the signal comes after 50 ms. */
	for (volatile unsigned long i = 0; i < 20000000000UL; i++)
		;
	return 4;
}
