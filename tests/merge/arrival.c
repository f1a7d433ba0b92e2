/* Writes that merge as they arrive, and what must stop a merge or make the
 * engine look again: another fd, a gap in the file, an observer of the
 * same file through another fd, a dup2 or a close and open onto the fd
 * number, F_SETFL, a write of 0 bytes, writev continuing write, pwrites
 * in and out of order, reads of /dev/zero in between (dd's pattern),
 * sendmsg on a stream socket with a length beside its null name.
 * Prints what a reader sees at each step; the files are compared too.
 * The batched run's trace must show the runs merged: natively 557
 * writes and 120 pwrite64s (the first write on an fd goes direct: an
 * fd opened by a path is probed on its second deferrable call; the
 * timer splits runs under strace).
 *
 * @case arrival
 * @case arrival: writes merged as they came
 * @modes direct:* async:*
 * @strace -f -qq -e trace=write,writev,pwrite64
 * @compare none
 * @check merged write 150
 * @case arrival: pwrites merged as they came
 * @modes direct:* async:*
 * @strace -f -qq -e trace=write,writev,pwrite64
 * @compare none
 * @check merged pwrite64 40
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	_exit(1);
}

static void put(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die("write");
}

static long size_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		die("fstat");
	return st.st_size;
}

int main(void)
{
	char rec[64], z[16], got[256];
	int a, b, b2, c, zero, sv[2];
	ssize_t n;

	if ((a = open("a.out", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
	    (b = open("b.out", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 ||
	    (b2 = open("b.out", O_RDONLY)) < 0 || (zero = open("/dev/zero", O_RDONLY)) < 0)
		die("open");
	/* One run on a, then a's and b's alternating: b's size is seen
	 * through another fd on its file each time. */
	for (int i = 0; i < 400; i++) {
		snprintf(rec, sizeof rec, "a %d\n", i);
		put(a, rec);
		if (read(zero, z, sizeof z) != sizeof z)
			die("read");
	}
	for (int i = 0; i < 5; i++) {
		snprintf(rec, sizeof rec, "a %d\n", i);
		put(a, rec);
		printf("b before %d: %ld\n", i, size_of(b2));
		snprintf(rec, sizeof rec, "b %d\n", i);
		put(b, rec);
		printf("b after %d: %ld\n", i, size_of(b2));
	}
	/* The status flags change under a run: the rest appends. */
	put(a, "before append\n");
	if (lseek(a, 0, SEEK_SET) || fcntl(a, F_SETFL, O_APPEND))
		die("fcntl");
	put(a, "appended 1\n");
	put(a, "appended 2\n");
	/* Empty writes in a run, and writev continuing write. */
	for (int i = 0; i < 20; i++) {
		struct iovec v[2] = { { "v", 1 }, { rec, 0 } };
		v[1].iov_len = snprintf(rec, sizeof rec, "%d\n", i);
		put(a, "w");
		if (write(a, rec, 0) != 0 || writev(a, v, 2) != (ssize_t)(1 + v[1].iov_len))
			die("writev");
	}
	/* The number a names changes: dup2 onto it, then close and open. */
	put(a, "a before dup2\n");
	if (dup2(b, a) != a)
		die("dup2");
	put(a, "b through a's number\n");
	put(a, "b through a's number again\n");
	if (close(a) || (c = open("c.out", O_WRONLY | O_CREAT | O_TRUNC, 0644)) != a)
		die("reopen");
	for (int i = 0; i < 100; i++) {
		snprintf(rec, sizeof rec, "c %d\n", i);
		put(c, rec);
	}
	/* pwrites: runs at adjacent offsets, a gap, one going backwards. */
	for (int i = 0; i < 100; i++)
		if (pwrite(b, "0123456789", 10, 8192 + 10 * i) != 10)
			die("pwrite");
	for (int i = 0; i < 10; i++)
		if (pwrite(b, "abcdefghij", 10, 16384 + 20 * i) != 10)
			die("pwrite");
	for (int i = 9; i >= 0; i--)
		if (pwrite(b, "ABCDEFGHIJ", 10, 32768 + 10 * i) != 10)
			die("pwrite");
	printf("b at the end: %ld, c: %ld\n", size_of(b2), size_of(c));
	/* sendmsg on a stream socket: no destination, whatever the length
	 * beside a null name says. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	for (int i = 0; i < 5; i++) {
		struct iovec v = { rec, snprintf(rec, sizeof rec, "m %d\n", i) };
		struct msghdr m = { .msg_namelen = 16, .msg_iov = &v, .msg_iovlen = 1 };
		if (sendmsg(sv[0], &m, 0) != (ssize_t)v.iov_len)
			die("sendmsg");
	}
	if ((n = read(sv[1], got, sizeof got - 1)) < 0)
		die("read");
	got[n] = 0;
	printf("%s", got);
	if (close(b) || close(b2) || close(c) || close(zero) || close(sv[0]) || close(sv[1]))
		die("close");
	return 0;
}
