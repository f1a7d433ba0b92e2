/* pipewriter.c: writes to a pipe whose reader has exited, SIGPIPE at its
 * default disposition: it must die by SIGPIPE, natively on its first write
 * after the reader is gone, and under bcshim too.
 * @case a writer to a pipe whose reader exited dies by SIGPIPE
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int p[2];
	char rec[64];

	memset(rec, 'r', sizeof rec);
	if (pipe(p) != 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], rec, sizeof rec) == (ssize_t)sizeof rec ? 0 : 1);
	}
	close(p[0]);
	if (write(p[1], rec, sizeof rec) != (ssize_t)sizeof rec)
		return 1;
	int ws;
	if (waitpid(pid, &ws, 0) != pid || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
		return 1;
	if (write(1, "reader gone\n", 12) != 12)
		return 1;
	for (int i = 0; i < 100000; i++)
		if (write(p[1], rec, sizeof rec) < 0)
			break;
	(void)!write(1, "no SIGPIPE\n", 11);
	return 3;
}
