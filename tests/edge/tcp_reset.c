/* A write to a TCP socket whose peer has reset fails with ECONNRESET, a
 * result no signal precedes: TCP writes cannot wait.  Results are printed
 * at the end, so that no libc output comes in between. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct linger lg = { 1, 0 };
	socklen_t alen = sizeof a;
	long r[4];
	int e[4], lst, c, s;
	char buf[8];

	if ((lst = socket(AF_INET, SOCK_STREAM, 0)) < 0 || bind(lst, (void *)&a, sizeof a) ||
	    listen(lst, 1) || getsockname(lst, (void *)&a, &alen) ||
	    (c = socket(AF_INET, SOCK_STREAM, 0)) < 0 || connect(c, (void *)&a, sizeof a) ||
	    (s = accept(lst, NULL, NULL)) < 0)
		return 2;
	errno = 0; r[0] = write(c, "a", 1); e[0] = errno;
	errno = 0; r[1] = write(c, "b", 1); e[1] = errno;
	if (read(s, buf, 2) < 1 || setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) || close(s))
		return 3;
	usleep(20000);  /* the reset arrives */
	errno = 0; r[2] = write(c, "c", 1); e[2] = errno;
	errno = 0; r[3] = send(c, "d", 1, MSG_NOSIGNAL); e[3] = errno;
	for (int i = 0; i < 4; i++)
		printf("write %d = %ld (%s)\n", i, r[i], r[i] < 0 ? strerror(e[i]) : "ok");
	return 0;
}
