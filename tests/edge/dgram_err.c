/* Datagram sends whose failure is certain: send() on an unconnected UDP
 * socket (EDESTADDRREQ), sendto() a unix path that does not exist
 * (ENOENT: a relative path, in the test's own directory), sendto() UDP
 * port 0 (EINVAL).  Each is made twice (the first use of an fd goes
 * direct). */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
int main(void)
{
	int r[6], e[6], n = 0;
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	int x = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = "no-such-socket" };
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	for (int i = 0; i < 2; i++) { errno = 0; r[n] = send(u, "x", 1, 0); e[n++] = errno; }
	for (int i = 0; i < 2; i++) { errno = 0; r[n] = sendto(x, "x", 1, 0, (void *)&sun, sizeof sun); e[n++] = errno; }
	for (int i = 0; i < 2; i++) { errno = 0; r[n] = sendto(u, "x", 1, 0, (void *)&sin, sizeof sin); e[n++] = errno; }
	for (int i = 0; i < n; i++)
		printf("send %d: %d (%s)\n", i, r[i], r[i] < 0 ? strerror(e[i]) : "ok");
	return 0;
}
