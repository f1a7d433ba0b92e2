/* As the init of a PID namespace (unshare -pf) a broken pipe's SIGPIPE,
 * at its default, does not kill: the kernel drops it, and each write
 * fails with EPIPE.  The engine must neither kill the process nor hang.
 * @ways glibc
 * @needs unshare -Urpf true
 * @run unshare -Urpf PROG
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	long r[4];
	int e[4], p[2];
	pid_t c;

	if (getpid() != 1 || pipe(p))
		return 2;
	if ((c = fork()) == 0) {
		char b[5];
		close(p[1]);
		read(p[0], b, 5);
		_exit(0);
	}
	close(p[0]);
	write(p[1], "hello", 5);
	waitpid(c, NULL, 0);
	for (int i = 0; i < 4; i++) {
		errno = 0;
		r[i] = write(p[1], "ab", 2);
		e[i] = errno;
	}
	for (int i = 0; i < 4; i++)
		printf("write %d = %ld (%s)\n", i, r[i], r[i] < 0 ? strerror(e[i]) : "ok");
	return 0;
}
