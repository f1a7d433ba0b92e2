/* The executor stalled by a slow call: 200 KiB of records to stdout, a
 * pipe whose reader sleeps 0.5 s before draining it, while the program goes
 * on with unrelated work: records to a regular file, a getpid loop; then
 * it exits.  Everything must arrive.
 * @run PROG | (sleep 0.5; cat >drained)
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include "rec.h"

int main(void)
{
	int fd = open("work", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	long sum = 0;

	if (fd < 0)
		return 2;
	records(1, "piped", 3200);
	records(fd, "work", 2000);
	for (int i = 0; i < 200000; i++)
		sum += getpid() > 0;
	records(fd, "more", 1000);
	return sum == 200000 ? 0 : 4;
}
