/* Calls the engine merges: writes, contiguous pwrites, closes of
 * consecutive fds, datagrams.  Prints what a reader sees, so that native
 * and batched runs can be compared; the trace shows how they were made.
 *
 * Seen from the kernel: strace of the batched run must show them merged,
 * fewer writes, pwrite64s and sendtos, and (musl, where closes wait) a
 * close_range and a sendmmsg.  Under the io_uring executor the merged
 * calls are carried by io_uring_enter, which strace does not look into:
 * there the test asserts what is observable instead, the same output and
 * files, and BC_STATS uring_enters > 0 when config.uring is "ok" (a skip
 * naming the reason when it is unavailable).  The checks are in ./checks.
 * The batched run's writes: the first to w.out (an fd opened by a path
 * goes direct until its second deferrable call probes it), the other 99
 * merged, the datagrams' lines on stdout, and the BC_STATS line.
 *
 * @env BC_STATS=$D/stats.jsonl
 * @case merge
 * @check [ "$(status_of "$N")" = "exit 0" ] || echo "native: $(status_of "$N")"
 * @case merge: the io_uring executor entered the kernel (BC_STATS uring_enters > 0)
 * @modes uring:*
 * @compare none
 * @check uring_entered
 * @case merge: write merged
 * @modes direct:* async:*
 * @strace -f -qq -e trace=write,pwrite64,close,close_range,sendto,sendmmsg
 * @compare none
 * @check merged write 4
 * @case merge: pwrite64 merged
 * @modes direct:* async:*
 * @strace -f -qq -e trace=write,pwrite64,close,close_range,sendto,sendmmsg
 * @compare none
 * @check merged pwrite64 3
 * @case merge: sendto merged
 * @modes direct:* async:*
 * @strace -f -qq -e trace=write,pwrite64,close,close_range,sendto,sendmmsg
 * @compare none
 * @check merged sendto 1
 * @case merge: consecutive closes became close_range
 * @ways musl
 * @modes direct:* async:*
 * @strace -f -qq -e trace=write,pwrite64,close,close_range,sendto,sendmmsg
 * @compare none
 * @check grep -q 'close_range(' "$B/trace" || grep close "$B/trace" | head -n 8
 * @case merge: 19 of 20 datagrams became one sendmmsg (the first goes \
 *   direct: the engine probes a socket on its second deferrable call)
 * @modes direct:* async:*
 * @strace -f -qq -e trace=write,pwrite64,close,close_range,sendto,sendmmsg
 * @compare none
 * @check grep -q 'sendmmsg(.*= 19$' "$B/trace" || grep send "$B/trace" | cut -c1-200 | head -n 5
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	_exit(1);
}

int main(void)
{
	char rec[32], buf[4096];
	int fd, fds[5], rx, tx;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof a;

	if ((fd = open("w.out", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		die("open");
	for (int i = 0; i < 100; i++) {
		int n = snprintf(rec, sizeof rec, "write %d\n", i);
		if (write(fd, rec, n) != n)
			die("write");
	}
	for (int i = 0; i < 50; i++)
		if (pwrite(fd, "0123456789", 10, 4096 + 10 * i) != 10)
			die("pwrite");
	if (close(fd))
		die("close");
	for (int i = 0; i < 5; i++) {
		snprintf(rec, sizeof rec, "c%d.out", i);
		/* Its mode set twice (the second probes it: a close never
		 * does, it saves one call), then settled by lseek. */
		if ((fds[i] = open(rec, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
		    fchmod(fds[i], 0600) || fchmod(fds[i], 0644) || lseek(fds[i], 0, SEEK_CUR))
			die("open");
	}
	for (int i = 0; i < 5; i++)
		if (close(fds[i]))
			die("close");
	if ((rx = socket(AF_INET, SOCK_DGRAM, 0)) < 0 || bind(rx, (void *)&a, sizeof a) ||
	    getsockname(rx, (void *)&a, &alen) || (tx = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		die("socket");
	for (int i = 0; i < 20; i++) {
		int n = snprintf(rec, sizeof rec, "datagram %d", i);
		if (sendto(tx, rec, n, 0, (void *)&a, sizeof a) != n)
			die("sendto");
	}
	for (int i = 0; i < 20; i++) {
		ssize_t n = recv(rx, buf, sizeof buf - 1, 0);
		if (n < 0)
			die("recv");
		buf[n] = 0;
		printf("%s\n", buf);
	}
	return 0;
}
