/* The yardstick of issue 13: a preload that only coalesces writes to
 * regular files, per fd, and flushes an fd's buffer before its read,
 * lseek, fsync, fdatasync or close, when full, and at exit.  Not
 * transparent (a write's error, another process's view, a signal's death,
 * another thread all tell), and not meant to be: it bounds what
 * coalescing alone can gain, for bench/yardstick.sh. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

enum { FDS = 1024, CAP = 65536 };
static struct { int known, regular; size_t n; char *b; } fds[FDS];
static ssize_t (*real_write)(int, const void *, size_t);

static void flush(int fd)
{
	if (fd >= 0 && fd < FDS && fds[fd].n) {
		real_write(fd, fds[fd].b, fds[fd].n);
		fds[fd].n = 0;
	}
}

ssize_t write(int fd, const void *b, size_t n)
{
	struct stat st;

	if (!real_write)
		real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (fd < 0 || fd >= FDS || n >= CAP)
		return flush(fd), real_write(fd, b, n);
	if (!fds[fd].known)
		fds[fd].known = 1, fds[fd].regular = !fstat(fd, &st) && S_ISREG(st.st_mode);
	if (!fds[fd].regular || (!fds[fd].b && !(fds[fd].b = malloc(CAP))))
		return real_write(fd, b, n);
	if (fds[fd].n + n > CAP)
		flush(fd);
	memcpy(fds[fd].b + fds[fd].n, b, n);
	fds[fd].n += n;
	return (ssize_t)n;
}

#define FLUSHING(ret, name, params, args, close_it) \
	ret name params { \
		static ret (*f) params; \
		if (!f) \
			f = (ret (*) params)dlsym(RTLD_NEXT, #name); \
		flush(fd); \
		if (close_it && fd >= 0 && fd < FDS) \
			fds[fd].known = 0; \
		return f args; \
	}
FLUSHING(ssize_t, read, (int fd, void *b, size_t n), (fd, b, n), 0)
FLUSHING(off_t, lseek, (int fd, off_t o, int w), (fd, o, w), 0)
FLUSHING(int, fsync, (int fd), (fd), 0)
FLUSHING(int, fdatasync, (int fd), (fd), 0)
FLUSHING(int, close, (int fd), (fd), 1)

__attribute__((destructor)) static void at_exit(void)
{
	for (int fd = 0; fd < FDS; fd++)
		flush(fd);
}
