/* tests/knobs.sh's program: twenty deferrable writes to stdout, then its
 * effective uid (0 when it runs set-uid root).  "prog plant TARGET LINK"
 * first makes LINK a symbolic link to TARGET: a link planted while the
 * program runs, after the engine has looked at BC_STATS. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[64];
	int n;

	if (argc == 4 && !strcmp(argv[1], "plant") && symlink(argv[2], argv[3])) {
		perror("symlink");
		return 1;
	}
	for (int i = 0; i < 20; i++) {
		n = snprintf(buf, sizeof buf, "line %d\n", i);
		if (write(1, buf, n) != n)
			return 1;
	}
	n = snprintf(buf, sizeof buf, "euid %d\n", (int)geteuid());
	return write(1, buf, n) == n ? 0 : 1;
}
