/* rec.h: the executor tests' records, 64 bytes each ("TAG NNNNNN",
 * padded), so that a torn or lost one shows. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* records FD TAG N: N records to fd; status 3 on a short write. */
static void records(int fd, const char *tag, int n)
{
	char r[65];

	for (int i = 0; i < n; i++) {
		int k = snprintf(r, sizeof r, "%.40s %06d", tag, i);

		snprintf(r + k, sizeof r - (size_t)k, "%*s\n", 63 - k, "");
		if (write(fd, r, 64) != 64)
			exit(3);
	}
}
