/* Program order across fds, as another process sees it: each record
 * pwritten to a file is announced by a UDP datagram sent after it, and a
 * receiver process preads the record when its datagram arrives, counting
 * those not there yet (issue 11: under BC_EXECUTOR=uring, whose chains
 * were per fd, 56-211 of 2000 were missing).  Natively it prints 0. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 2000
#define REC 64
#define WINDOW 50  /* datagrams unacknowledged: loopback UDP drops past its buffer */

static void record(unsigned k, char *r)
{
	memset(r, 'a' + k % 26, REC);
	snprintf(r, REC, "record %u", k);
}

static void say(const char *s) { write(1, s, strlen(s)); }

static void die(const char *what)
{
	perror(what);
	_exit(2);
}

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof a;
	int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
	int fd = open("records", O_WRONLY | O_CREAT | O_TRUNC, 0644), ack[2], st;
	char line[64], rec[REC], got[REC], c;
	pid_t p;

	if (rx < 0 || tx < 0 || fd < 0 || pipe(ack))
		die("setup");
	if (bind(rx, (struct sockaddr *)&a, sizeof a) || getsockname(rx, (struct sockaddr *)&a, &alen))
		die("bind");
	p = fork();
	if (p < 0)
		die("fork");
	if (p == 0) {
		unsigned missing = 0, k;
		int rfd = open("records", O_RDONLY);

		if (rfd < 0)
			die("open");
		close(ack[0]);
		for (unsigned i = 0; i < N; i++) {
			if (recv(rx, &k, sizeof k, 0) != sizeof k || k >= N)
				die("recv");
			record(k, rec);
			if (pread(rfd, got, REC, (off_t)k * REC) != REC || memcmp(got, rec, REC))
				missing++;
			if ((i + 1) % WINDOW == 0 && write(ack[1], "a", 1) != 1)
				die("ack");
		}
		snprintf(line, sizeof line, "missing: %u of %u\n", missing, N);
		say(line);
		_exit(0);
	}
	close(ack[1]);
	close(rx);
	for (unsigned k = 0; k < N; k++) {
		record(k, rec);
		if (pwrite(fd, rec, REC, (off_t)k * REC) != REC)
			die("pwrite");
		if (sendto(tx, &k, sizeof k, 0, (struct sockaddr *)&a, sizeof a) != sizeof k)
			die("sendto");
		if ((k + 1) % WINDOW == 0 && read(ack[0], &c, 1) != 1)
			die("read");
	}
	waitpid(p, &st, 0);
	snprintf(line, sizeof line, "receiver: %s %d\n", WIFEXITED(st) ? "exit" : "signal",
		 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	say(line);
	return 0;
}
