/* A writev or pwritev continuing the queue's last entry may leave the
 * merge verdict naming it; the next such call must not be taken for a
 * write whose buffer is its iovec array and whose length its count (it
 * returned 2, the count, for 248 bytes).  Then writes of each size up to
 * past 64, merged as they come (copied in 16-byte pieces from 16 to 64),
 * must land byte for byte. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
	static char a[200], b[200], c[100];
	struct iovec v1[2] = { { a, 54 }, { b, 162 } }, v2[2] = { { a, 65 }, { b, 183 } };
	struct iovec w1[3] = { { a, 17 }, { b, 80 }, { c, 3 } }, w2[2] = { { c, 99 }, { a, 1 } };
	char rec[80];
	long r[8];
	int fd, n = 0;

	for (int i = 0; i < 200; i++)
		a[i] = (char)('a' + i % 26), b[i] = (char)('A' + i % 26);
	for (int i = 0; i < 100; i++)
		c[i] = (char)('0' + i % 10);
	if ((fd = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return 1;
	r[n++] = pwrite(fd, a, 198, 0);
	r[n++] = pwritev(fd, v1, 2, 198);
	r[n++] = pwritev(fd, v2, 2, 414);
	r[n++] = pwrite(fd, c, 10, 662);
	r[n++] = writev(fd, w1, 3);
	r[n++] = writev(fd, w2, 2);
	r[n++] = write(fd, c, 5);
	for (int len = 1; len <= 80; len++) {
		for (int i = 0; i < len; i++)
			rec[i] = (char)(' ' + (len * 7 + i) % 90);
		if (write(fd, rec, (size_t)len) != len)
			printf("write of %d bytes came back short\n", len);
	}
	for (int i = 0; i < n; i++)
		printf("%d: %ld\n", i, r[i]);
	return close(fd) != 0;
}
