/* Two processes write 100-byte lines to one unix stream socket whose
 * reader starts late (the writers block on a full buffer).  Natively a
 * small write goes in one piece (one skb): no line is torn by the other
 * writer's.  Merged into one write of tens of KiB, the kernel sends it in
 * pieces of about 36 KiB (or half the send buffer), and the other
 * writer's data can land inside a line. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINES 4000

static void line(char *l, char c)
{
	memset(l, c, 99);
	l[99] = '\n';
}

static void nap(long ms)
{
	struct timespec ts = { 0, ms * 1000000 };
	nanosleep(&ts, NULL);
}

int main(void)
{
	static char all[2 * LINES * 100 + 100];
	int sv[2];
	char l[100];
	long got = 0, r;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid_t reader = fork();
	if (!reader) {
		long torn = 0, p = 0, c = 0;
		close(sv[0]);
		nap(300);
		while ((r = read(sv[1], all + got, sizeof all - got)) > 0)
			got += r;
		for (long i = 0; i + 100 <= got; i += 100) {
			char k = all[i];
			int ok = (k == 'P' || k == 'C') && all[i + 99] == '\n';
			for (int j = 1; ok && j < 99; j++)
				ok = all[i + j] == k;
			if (!ok) {
				torn++;
				break;
			}
			k == 'P' ? p++ : c++;
		}
		printf("%ld bytes, P lines %ld, C lines %ld, %s\n", got, p, c,
		       torn ? "a line torn" : "no line torn");
		fflush(stdout);
		_exit(0);
	}
	close(sv[1]);
	pid_t other = fork();
	if (!other) {
		line(l, 'C');
		nap(100);
		for (int i = 0; i < LINES; i++)
			write(sv[0], l, 100);
		_exit(0);
	}
	line(l, 'P');
	for (int i = 0; i < LINES; i++)
		write(sv[0], l, 100);
	close(sv[0]);
	waitpid(other, NULL, 0);
	waitpid(reader, NULL, 0);
	return 0;
}
