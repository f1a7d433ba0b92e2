/* Seccomp's strict mode allows read, write, exit and sigreturn alone:
 * any other call kills the process.  Set with prctl (which glibc makes
 * past the engine unless it is interposed), it must stop every question
 * the engine would ask the kernel: before a write (the fd's type), before
 * arming (stdio's writes alone arm it), after calls were deferred.
 * @case printf
 * @args printf
 * @case write
 * @args write
 * @case deferred_first
 * @args write deferred
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644), printing;
	char line[32];

	if (fd < 0 || argc < 2)
		return 2;
	printing = !strcmp(argv[1], "printf");
	if (argc > 2)
		for (int i = 0; i < 100; i++)
			write(fd, "before\n", 7);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (prctl(PR_SET_SECCOMP, 1 /* SECCOMP_MODE_STRICT */))
		return 3;
	for (int i = 0; i < 1000; i++) {
		if (printing) {
			printf("line %d\n", i);
		} else {
			int n = snprintf(line, sizeof line, "line %d\n", i);
			write(fd, line, n);
			write(1, line, n);
		}
	}
	/* exit_group is not allowed. */
	syscall(SYS_exit, 0);
	return 1;
}
