/* forkexec.c: a parent and its children write to one inherited stdout
 * (one open file description).  Natively the file
 * holds the lines in the order below; deferring the parent's writes across
 * fork, wait, exec, posix_spawn, system or popen, or a child's across its
 * exec or _exit, would reorder them.
 * @case forkexec: children share stdout across fork, exec, vfork, posix_spawn, system, popen
 * @case forkexec
 * @strace
 * @compare status stdout stderr files trace
 * @case forkexec piped through cat
 * @prog sh -c "$BIN | cat"
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void say(const char *s)
{
	size_t len = strlen(s);

	if (write(1, s, len) != (ssize_t)len)
		_exit(9);
}

static void reap(pid_t pid)
{
	int ws;

	if (pid < 0 || waitpid(pid, &ws, 0) != pid || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
		say("child failed\n");
		exit(1);
	}
}

int main(void)
{
	say("parent 1\n");
	say("parent 2\n");
	pid_t pid = fork();
	if (pid == 0) {
		say("child a 1\n");
		say("child a 2\n");
		execl("/bin/echo", "echo", "child a exec", (char *)NULL);
		_exit(127);
	}
	reap(pid);
	say("parent 3\n");

	pid = fork();
	if (pid == 0) {
		say("child b\n");
		_exit(0);
	}
	reap(pid);
	say("parent 4\n");

	pid = vfork();
	if (pid == 0) {
		execl("/bin/echo", "echo", "vfork exec", (char *)NULL);
		_exit(127);
	}
	reap(pid);
	say("parent 5\n");

	char *argv[] = { "echo", "spawned", NULL };
	if (posix_spawn(&pid, "/bin/echo", NULL, NULL, argv, environ) != 0)
		return 1;
	reap(pid);
	say("parent 6\n");

	if (system("echo system") != 0)
		return 1;
	say("parent 7\n");

	FILE *p = popen("cat", "w");
	if (!p)
		return 1;
	fputs("via popen\n", p);
	if (pclose(p) != 0)
		return 1;
	say("parent end\n");
	return 0;
}
