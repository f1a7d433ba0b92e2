/* musl_prog.c: a static musl program, built with
 * bc-musl-gcc --bc=off and --bc=batch: stdio (buffered stdout, unbuffered
 * stderr), write(2) to several files, fchmod, a run of closes (merged into
 * close_range by the engine), fd 1 redirected with dup2 and restored (the
 * fd-number pitfall), a fork whose child writes to the shared stdout.
 * Everything it does is deterministic.
 * @ways musl
 * @case musl_prog
 * @case musl_prog
 * @strace
 * @compare status stdout stderr files trace
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { FILES = 6 };

static void put(int fd, const char *s)
{
	size_t len = strlen(s);

	if (write(fd, s, len) != (ssize_t)len)
		exit(2);
}

int main(void)
{
	char buf[80], name[8];
	int fd[FILES];

	for (int i = 0; i < 2000; i++)
		printf("stdio line %d\n", i);
	for (int i = 0; i < 100; i++)
		fprintf(stderr, "stderr line %d\n", i);
	fflush(stdout);

	for (int k = 0; k < FILES; k++) {
		snprintf(name, sizeof name, "f%d", k);
		fd[k] = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd[k] < 0)
			return 1;
	}
	for (int i = 0; i < 300; i++)
		for (int k = 0; k < FILES; k++) {
			snprintf(buf, sizeof buf, "file %d record %d\n", k, i);
			put(fd[k], buf);
		}
	for (int k = 0; k < FILES; k++)
		if (fchmod(fd[k], 0600 + 010 * k) != 0)
			return 1;
	for (int k = 0; k < FILES; k++)
		if (close(fd[k]) != 0)
			return 1;

	FILE *log = fopen("log", "w");
	if (!log)
		return 1;
	for (int i = 0; i < 500; i++)
		fprintf(log, "log %d\n", i);
	if (fclose(log) != 0)
		return 1;

	/* fd 1 means another file for a while. */
	put(1, "before redirect\n");
	int save = dup(1);
	int r = open("redir", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (save < 0 || r < 0 || dup2(r, 1) != 1)
		return 1;
	put(1, "into redir\n");
	if (dup2(save, 1) != 1 || close(save) != 0 || close(r) != 0)
		return 1;
	put(1, "after redirect\n");

	pid_t pid = fork();
	if (pid == 0) {
		put(1, "child 1\n");
		int c = open("child", O_WRONLY | O_CREAT | O_TRUNC, 0640);
		if (c < 0)
			_exit(1);
		put(c, "from the child\n");
		put(1, "child 2\n");
		_exit(0);
	}
	int ws;
	if (pid < 0 || waitpid(pid, &ws, 0) != pid || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
		return 1;
	put(1, "parent after child\n");
	printf("stdio after fork\n");
	return 0;
}
