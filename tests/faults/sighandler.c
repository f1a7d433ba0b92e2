/* sighandler.c: a main loop writes "m<i>\n" to a file while a SIGALRM
 * timer's handler writes "h<j> after m<k>\n" to the same fd, k being the
 * number of main-loop writes that had returned when the handler ran.  Any
 * valid result has every m line in order, every h line in order, and at
 * least k m lines before "h<j> after m<k>".  Prints how many of each it
 * wrote.
 * @case handler: SIGALRM handler and main loop writing one fd: a valid interleaving
 * @compare none
 * @check check_handler
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <fcntl.h>
#include <unistd.h>

enum { HANDLED = 20, MAX_MAIN = 3000000 };

static int fd;
static volatile sig_atomic_t done_m, done_h;

/* A decimal number without stdio: the handler must be async-signal-safe. */
static size_t fmt(char *to, long v)
{
	char tmp[24];
	size_t n = 0, len = 0;
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	while (n)
		to[len++] = tmp[--n];
	return len;
}

static void on_alarm(int sig)
{
	char line[64];
	size_t len = 0;
	(void)sig;
	line[len++] = 'h';
	len += fmt(line + len, done_h);
	memcpy(line + len, " after m", 8);
	len += 8;
	len += fmt(line + len, done_m);
	line[len++] = '\n';
	if (write(fd, line, len) != (ssize_t)len)
		_exit(3);
	done_h = done_h + 1;
}

int main(void)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	char line[32];

	fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 2;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGALRM, &sa, NULL) != 0 || setitimer(ITIMER_REAL, &it, NULL) != 0)
		return 2;
	for (long i = 0; i < MAX_MAIN && done_h < HANDLED; i++) {
		size_t len = 0;
		line[len++] = 'm';
		len += fmt(line + len, i);
		line[len++] = '\n';
		if (write(fd, line, len) != (ssize_t)len)
			return 3;
		done_m = done_m + 1;
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	if (close(fd) != 0)
		return 2;
	printf("m %ld h %ld\n", (long)done_m, (long)done_h);
	return 0;
}
