/* enospc.c: write 64-byte records to FILE (on a small tmpfs) until a write
 * fails.  Prints where the first failure came and
 * what it was, then the result of close.  Natively a write fails with
 * ENOSPC once the file system is full; under bcshim the writes that were
 * deferred look done, and the error comes back on a later call on the fd.
 *
 *   enospc FILE [N]   at most N records (default 200000)
 *
 * Each side runs on a tmpfs of its own, 64 KiB.
 * @tmpfs 64k
 * @compare none
 * @case ENOSPC: the error comes back on a later call, mispredictions counted, the file a prefix of native's
 * @args out
 * @env BC_STATS=$D/stats.jsonl
 * @check check_enospc
 * @case ENOSPC, BC_ON_MISPREDICT=abort: SIGABRT, 'bcshim: misprediction', the file a prefix of native's
 * @args out
 * @env BC_ON_MISPREDICT=abort
 * @check check_enospc_abort
 * @case ENOSPC, 1100 records then close: a write or the close fails with ENOSPC
 * @args out 1100
 * @modes *:strict
 * @env BC_MAX_DELAY_US=10000000
 * @check check_enospc_close
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

enum { REC = 64, CAP = 200000 };

static const char *ename(int e)
{
	switch (e) {
	case ENOSPC: return "ENOSPC";
	case EPIPE: return "EPIPE";
	case EIO: return "EIO";
	case EDQUOT: return "EDQUOT";
	case EFBIG: return "EFBIG";
	default: return "other";
	}
}

static void record(char *buf, int i)
{
	snprintf(buf, REC + 1, "record %08d %-46s\n", i % 100000000, "........................................");
}

int main(int argc, char **argv)
{
	char rec[REC + 1];

	if (argc != 2 && argc != 3)
		return 2;
	int cap = argc == 3 ? atoi(argv[2]) : CAP;
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	int i;
	for (i = 0; i < cap; i++) {
		record(rec, i);
		ssize_t r = write(fd, rec, REC);
		if (r == REC)
			continue;
		if (r < 0)
			printf("write %d failed: %s\n", i, ename(errno));
		else
			printf("write %d short: %zd\n", i, r);
		break;
	}
	if (i == cap)
		printf("no write failed in %d\n", cap);
	errno = 0;
	int c = close(fd);
	printf("close: %d %s\n", c, c ? ename(errno) : "");
	return 0;
}
