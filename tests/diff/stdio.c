/* A program whose every write is stdio's, made inside libc where no
 * wrapper sees it: once it has made enough writes the engine arms anyway
 * (shim/preload.c, arm_if_writing), libc is rewritten and its writes wait
 * and merge.  Lines to an unbuffered stderr redirected to a file, to a
 * line-buffered stdout, and a copy of the file made by a child (system)
 * and by the program itself (fopen, fgets) halfway, which must find every
 * line written before.  Under strace (no @run) the program opens the file
 * itself, with a third argument.
 * @case fprintf to stderr, a file
 * @args stderr 3000
 * @run PROG 2>err
 * @case fprintf to stderr, a file (strace)
 * @args stderr 1000 open
 * @strace
 * @compare status stdout stderr files trace
 * @case puts to a line-buffered stdout, a file
 * @args stdout 3000
 * @run PROG >out
 * @case puts to a line-buffered stdout, a file (strace)
 * @args stdout 1000 open
 * @strace
 * @compare status stdout stderr files trace
 * @case BC_STATS: libc's writes to stderr were deferred
 * @args stderr 3000
 * @run PROG 2>err
 * @needs [ -n "$lib" ]
 * @sides batched
 * @compare none
 * @env BC_STATS=$D/stats.jsonl
 * @check stdio_deferred
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int to_err, n;
	FILE *out, *in;
	char line[64], name[8];
	long copied = 0;

	if (argc < 3)
		return 2;
	to_err = !strcmp(argv[1], "stderr");
	n = atoi(argv[2]);
	out = to_err ? stderr : stdout;
	if (argc > 3 && dup2(open(to_err ? "err" : "out", O_WRONLY | O_CREAT | O_TRUNC, 0644),
			     to_err ? 2 : 1) < 0)
		return 5;
	if (!to_err)
		setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < n; i++) {
		if (to_err)
			fprintf(stderr, "line %d of %d\n", i, n);
		else
			printf("line %d of %d\n", i, n);
		if (i != n / 2)
			continue;
		/* Halfway: a child, then the program, read what was written. */
		snprintf(name, sizeof name, "%s", to_err ? "err" : "out");
		snprintf(line, sizeof line, "cat %s >copy1", name);
		if (system(line))
			return 3;
		if (!(in = fopen(name, "r")))
			return 4;
		while (fgets(line, sizeof line, in))
			copied++;
		fclose(in);
	}
	fflush(out);
	printf("%ld lines read back halfway\n", copied);
	return 0;
}
