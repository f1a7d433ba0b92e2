/* killme.c: write 1000 64-byte records to FILE with write(2), then spin
 * without system calls until killed.  When the writes
 * have returned it stores '1' in the first byte of READY, a file it mapped
 * shared before writing: the test sees that without the program making a
 * system call, so nothing but the signal (or the engine's time bound) can
 * have flushed the records.
 *
 *   killme FILE READY     the run
 *   killme -              the 1000 records, to stdout (the expectation)
 *
 * @args out ready
 * @compare none
 * @case SIGTERM, BC_MAX_DELAY_US=10000000: dies by SIGTERM, all 1000 records written
 * @env BC_MAX_DELAY_US=10000000
 * @kill TERM when ready
 * @check killed 15 "$N" "$B"
 * @case SIGKILL, default BC_MAX_DELAY_US, killed 0.3 s after the writes: all 1000 records written
 * @kill KILL after 0.3 when ready
 * @check killed 9 "$N" "$B"
 * @case SIGKILL, BC_MAX_DELAY_US=10000000, killed at once: the file is a prefix of the records
 * @sides batched
 * @env BC_MAX_DELAY_US=10000000
 * @kill KILL when ready
 * @check killed_late
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { REC = 64, RECORDS = 1000 };

static void record(char *buf, int i)
{
	snprintf(buf, REC + 1, "killme record %04d %-44s\n", i, "--------------------------------------------");
}

int main(int argc, char **argv)
{
	char rec[REC + 1];

	if (argc == 2 && strcmp(argv[1], "-") == 0) {
		for (int i = 0; i < RECORDS; i++) {
			record(rec, i);
			fwrite(rec, 1, REC, stdout);
		}
		return 0;
	}
	if (argc != 3)
		return 2;
	int r = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (r < 0 || ftruncate(r, 4096) != 0)
		return 2;
	volatile char *ready = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, r, 0);
	if (ready == MAP_FAILED || close(r) != 0)
		return 2;
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 2;
	for (int i = 0; i < RECORDS; i++) {
		record(rec, i);
		if (write(fd, rec, REC) != REC)
			return 3;
	}
	ready[0] = '1';
	for (volatile unsigned long spin = 0;; spin++)
		;
}
