/* 0, 1 and 2 keep the lowest-fd rule under the relaxed level too: with
 * records to stdout pending, close(1) then open must give 1; the same
 * for 0.  Numbers above 2 are not printed: they may differ there.
 * @modes all
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include "rec.h"

int main(void)
{
	char msg[64];
	int a, b, c, k;

	records(1, "stdout", 100);
	a = open("x", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	records(a, "x", 100);
	if (close(a) || close(1))
		return 2;
	b = open("f1", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	records(b, "f1", 100);
	close(0);
	c = open("f0", O_RDWR | O_CREAT | O_TRUNC, 0644);
	records(c, "f0", 100);
	k = snprintf(msg, sizeof msg, "fd for 1: %d, fd for 0: %d\n", b, c);
	if (write(2, msg, (size_t)k) != k)
		return 3;
	return 0;
}
