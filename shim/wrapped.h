/* libc functions libbcshim.so wraps in C (preload.c): the deferrable
 * calls, the fd observers, and what changes fds, processes or signals. */
#define BC_WRAPPED(X) \
	X(write) X(writev) X(pwrite) X(pwrite64) X(pwritev) X(pwritev64) X(send) \
	X(sendto) X(sendmsg) X(fchmod) X(fchown) X(futimens) X(posix_fadvise) \
	X(posix_fadvise64) X(madvise) X(close) X(read) X(__read_chk) X(readv) \
	X(pread) X(pread64) X(__pread_chk) X(__pread64_chk) X(preadv) \
	X(preadv64) X(lseek) X(lseek64) X(fstat) X(fstat64) X(fstatat) \
	X(fstatat64) X(statx) X(fsync) X(fdatasync) X(ftruncate) X(ftruncate64) \
	X(dup) X(dup2) X(dup3) X(fcntl) X(fcntl64) X(open) X(open64) X(openat) \
	X(openat64) X(creat) X(creat64) X(__open_2) X(__open64_2) X(__openat_2) \
	X(__openat64_2) X(socket) X(socketpair) X(pipe) X(pipe2) X(accept) \
	X(accept4) X(close_range) X(fork) X(_exit) X(_Exit) X(exit) X(syscall) \
	X(sigaction) X(mmap) X(mmap64) X(ioctl) X(prctl)
