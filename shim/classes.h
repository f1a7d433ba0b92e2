/* The classification table: for each x86_64 syscall, whether it may be
 * deferred and how its result is predicted, what it depends on, whether it
 * allocates fds and whether it may block.  The single source of truth:
 * the engine follows it, and docs/classes.md is printed from it
 * (tools/classes.c, `ninja docs-classes`).  A syscall not listed
 * depends on everything (DEP_ALL is zero, the default). */
#ifndef BC_CLASSES_H
#define BC_CLASSES_H

/* What a call depends on: the pending calls it must wait for.  A call with
 * an effect waits for every pending call, even one on its own fd only:
 * the kernel must see effects in program order. */
enum bc_dep {
	DEP_ALL,   /* every pending call: flushed first */
	DEP_NONE,  /* nothing pending can change its result or be changed by it */
	DEP_OBS,   /* it only observes its fd (argument fdarg): it waits for the
		      calls pending on that fd or its inode; on a regular file,
		      directory or non-tty character device of known identity,
		      calls pending on other files need not wait */
	DEP_NEWFD, /* it makes a new fd and depends on nothing else pending
		      (open with O_CREAT|O_EXCL): it waits for pending closes
		      only (the lowest-fd rule); relaxed, for those of 0-2 */
};

/* How a deferrable call's result is predicted (what it returns at once). */
enum bc_pred {
	PRED_NO,      /* never deferred */
	PRED_WRITE,   /* write, writev, sendto/sendmsg on a stream: the byte count */
	PRED_PWRITE,  /* pwrite64, pwritev: the byte count */
	PRED_SEND,    /* sendto, sendmsg on a datagram socket: the byte count */
	PRED_META,    /* fchmod, fchown, futimens, fadvise64: 0 */
	PRED_ADVISE,  /* madvise with advisory advice on aligned memory: 0 */
	PRED_CLOSE,   /* close: 0; only where every fd allocation is seen */
};

enum {
	CL_FDALLOC = 1,  /* returns new fds: the lowest-fd rule sees pending closes */
	CL_BLOCKS = 2,   /* may wait for another party */
	CL_REFINE = 4,   /* its class depends on its arguments (classify.c) */
	CL_CHANGES = 8,  /* changes what an fd number or the caller is, or
			    ends the program: the engine must see it (engine.c) */
};

struct bc_class {
	unsigned char dep;    /* enum bc_dep */
	unsigned char pred;   /* enum bc_pred */
	signed char fdarg;    /* argument holding the fd, or -1 */
	unsigned char flags;  /* CL_* */
	unsigned char listed; /* in the table (else: depends on everything) */
};

/* X(syscall, dependency, prediction, fd argument, flags).  Calls whose
 * class depends on their arguments (CL_REFINE: fcntl, futex, mmap, the *at
 * stat calls with an empty path, utimensat with a NULL path) are refined
 * in classify.c. */
#define BC_CLASSES(X) \
	/* data out: deferred where the fd's state makes the result certain */ \
	X(write,          DEP_ALL,  PRED_WRITE,  0, CL_BLOCKS) \
	X(writev,         DEP_ALL,  PRED_WRITE,  0, CL_BLOCKS) \
	X(pwrite64,       DEP_ALL,  PRED_PWRITE, 0, CL_BLOCKS) \
	X(pwritev,        DEP_ALL,  PRED_PWRITE, 0, CL_BLOCKS) \
	X(pwritev2,       DEP_ALL,  PRED_NO,     0, CL_BLOCKS) \
	X(sendto,         DEP_ALL,  PRED_WRITE,  0, CL_BLOCKS) \
	X(sendmsg,        DEP_ALL,  PRED_WRITE,  0, CL_BLOCKS) \
	X(sendmmsg,       DEP_ALL,  PRED_NO,     0, CL_BLOCKS) \
	/* metadata and hints on an open file */ \
	X(fchmod,         DEP_ALL,  PRED_META,   0, 0) \
	X(fchown,         DEP_ALL,  PRED_META,   0, 0) \
	X(utimensat,      DEP_ALL,  PRED_NO,     0, CL_REFINE) \
	X(fadvise64,      DEP_ALL,  PRED_META,   0, 0) \
	X(madvise,        DEP_NONE, PRED_ADVISE, -1, 0) \
	X(close,          DEP_ALL,  PRED_CLOSE,  0, CL_CHANGES) \
	/* observers of one fd */ \
	X(read,           DEP_OBS,  PRED_NO,     0, CL_BLOCKS) \
	X(readv,          DEP_OBS,  PRED_NO,     0, CL_BLOCKS) \
	X(pread64,        DEP_OBS,  PRED_NO,     0, CL_BLOCKS) \
	X(preadv,         DEP_OBS,  PRED_NO,     0, CL_BLOCKS) \
	X(preadv2,        DEP_OBS,  PRED_NO,     0, CL_BLOCKS) \
	X(fstat,          DEP_OBS,  PRED_NO,     0, 0) \
	X(lseek,          DEP_OBS,  PRED_NO,     0, 0) \
	X(fstatfs,        DEP_ALL,  PRED_NO,     0, 0) /* the file system's free blocks: every file's writes */ \
	X(readahead,      DEP_OBS,  PRED_NO,     0, 0) \
	X(fgetxattr,      DEP_OBS,  PRED_NO,     0, 0) \
	X(flistxattr,     DEP_OBS,  PRED_NO,     0, 0) \
	X(recvfrom,       DEP_OBS,  PRED_NO,     0, CL_BLOCKS) \
	X(recvmsg,        DEP_OBS,  PRED_NO,     0, CL_BLOCKS) \
	X(recvmmsg,       DEP_OBS,  PRED_NO,     0, CL_BLOCKS) \
	/* effects on one fd: after every pending call */ \
	X(fsync,          DEP_ALL,  PRED_NO,     0, CL_BLOCKS) \
	X(fdatasync,      DEP_ALL,  PRED_NO,     0, CL_BLOCKS) \
	X(sync_file_range,DEP_ALL,  PRED_NO,     0, CL_BLOCKS) \
	X(ftruncate,      DEP_ALL,  PRED_NO,     0, 0) \
	X(fallocate,      DEP_ALL,  PRED_NO,     0, 0) \
	X(fsetxattr,      DEP_ALL,  PRED_NO,     0, 0) \
	X(fremovexattr,   DEP_ALL,  PRED_NO,     0, 0) \
	X(shutdown,       DEP_ALL,  PRED_NO,     0, 0) \
	X(bind,           DEP_ALL,  PRED_NO,     0, 0) \
	X(listen,         DEP_ALL,  PRED_NO,     0, 0) \
	X(setsockopt,     DEP_ALL,  PRED_NO,     0, 0) \
	X(getsockopt,     DEP_ALL,  PRED_NO,     0, 0) \
	X(getsockname,    DEP_ALL,  PRED_NO,     0, 0) \
	X(getpeername,    DEP_ALL,  PRED_NO,     0, 0) \
	X(fcntl,          DEP_ALL,  PRED_NO,     0, CL_FDALLOC | CL_BLOCKS | CL_REFINE | CL_CHANGES) \
	X(ioctl,          DEP_ALL,  PRED_NO,     0, CL_BLOCKS | CL_CHANGES) \
	X(flock,          DEP_ALL,  PRED_NO,     0, CL_BLOCKS) \
	/* fd allocation: after pending closes (the lowest-fd rule) */ \
	X(open,           DEP_ALL,  PRED_NO,    -1, CL_FDALLOC | CL_BLOCKS | CL_CHANGES | CL_REFINE) \
	X(openat,         DEP_ALL,  PRED_NO,    -1, CL_FDALLOC | CL_BLOCKS | CL_CHANGES | CL_REFINE) \
	X(openat2,        DEP_ALL,  PRED_NO,    -1, CL_FDALLOC | CL_BLOCKS | CL_CHANGES) \
	X(creat,          DEP_ALL,  PRED_NO,    -1, CL_FDALLOC | CL_CHANGES) \
	X(dup,            DEP_ALL,  PRED_NO,     0, CL_FDALLOC | CL_CHANGES) \
	X(dup2,           DEP_ALL,  PRED_NO,     0, CL_FDALLOC | CL_CHANGES) \
	X(dup3,           DEP_ALL,  PRED_NO,     0, CL_FDALLOC | CL_CHANGES) \
	X(pipe,           DEP_ALL,  PRED_NO,    -1, CL_FDALLOC | CL_CHANGES) \
	X(pipe2,          DEP_ALL,  PRED_NO,    -1, CL_FDALLOC | CL_CHANGES) \
	X(socket,         DEP_ALL,  PRED_NO,    -1, CL_FDALLOC | CL_CHANGES) \
	X(socketpair,     DEP_ALL,  PRED_NO,    -1, CL_FDALLOC | CL_CHANGES) \
	X(accept,         DEP_ALL,  PRED_NO,     0, CL_FDALLOC | CL_BLOCKS | CL_CHANGES) \
	X(accept4,        DEP_ALL,  PRED_NO,     0, CL_FDALLOC | CL_BLOCKS | CL_CHANGES) \
	X(connect,        DEP_ALL,  PRED_NO,     0, CL_BLOCKS) \
	X(eventfd2,       DEP_ALL,  PRED_NO,    -1, CL_FDALLOC | CL_CHANGES) \
	X(timerfd_create, DEP_ALL,  PRED_NO,    -1, CL_FDALLOC | CL_CHANGES) \
	X(signalfd4,      DEP_ALL,  PRED_NO,    -1, CL_FDALLOC | CL_CHANGES) \
	X(epoll_create1,  DEP_ALL,  PRED_NO,    -1, CL_FDALLOC | CL_CHANGES) \
	X(inotify_init1,  DEP_ALL,  PRED_NO,    -1, CL_FDALLOC | CL_CHANGES) \
	X(memfd_create,   DEP_ALL,  PRED_NO,    -1, CL_FDALLOC | CL_CHANGES) \
	X(close_range,    DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	/* waits for another party */ \
	X(poll,           DEP_ALL,  PRED_NO,    -1, CL_BLOCKS) \
	X(ppoll,          DEP_ALL,  PRED_NO,    -1, CL_BLOCKS) \
	X(select,         DEP_ALL,  PRED_NO,    -1, CL_BLOCKS) \
	X(pselect6,       DEP_ALL,  PRED_NO,    -1, CL_BLOCKS) \
	X(epoll_wait,     DEP_ALL,  PRED_NO,    -1, CL_BLOCKS) \
	X(epoll_pwait,    DEP_ALL,  PRED_NO,    -1, CL_BLOCKS) \
	X(epoll_pwait2,   DEP_ALL,  PRED_NO,    -1, CL_BLOCKS) \
	X(wait4,          DEP_ALL,  PRED_NO,    -1, CL_BLOCKS) \
	X(waitid,         DEP_ALL,  PRED_NO,    -1, CL_BLOCKS) \
	X(nanosleep,      DEP_ALL,  PRED_NO,    -1, CL_BLOCKS) \
	X(clock_nanosleep,DEP_ALL,  PRED_NO,    -1, CL_BLOCKS) \
	X(pause,          DEP_ALL,  PRED_NO,    -1, CL_BLOCKS) \
	X(rt_sigsuspend,  DEP_ALL,  PRED_NO,    -1, CL_BLOCKS) \
	X(rt_sigtimedwait,DEP_ALL,  PRED_NO,    -1, CL_BLOCKS) \
	X(futex,          DEP_ALL,  PRED_NO,    -1, CL_BLOCKS | CL_REFINE) \
	/* refined by their arguments */ \
	X(mmap,           DEP_ALL,  PRED_NO,    -1, CL_REFINE | CL_CHANGES) \
	X(newfstatat,     DEP_ALL,  PRED_NO,    -1, CL_REFINE) \
	X(statx,          DEP_ALL,  PRED_NO,    -1, CL_REFINE) \
	/* the end of the program, another program, a child, new credentials */ \
	X(exit_group,     DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(execve,         DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(execveat,       DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(fork,           DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(vfork,          DEP_ALL,  PRED_NO,    -1, 0) \
	X(clone,          DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(clone3,         DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(unshare,        DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(setuid,         DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(setreuid,       DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(setresuid,      DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(setfsuid,       DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(capset,         DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(prctl,          DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(seccomp,        DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(setgid,         DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(setregid,       DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(setresgid,      DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(setfsgid,       DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(setgroups,      DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	/* the fd limit, under which the timer thread borrows fds */ \
	X(setrlimit,      DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	X(prlimit64,      DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	/* memory shared with another process: nothing may wait (memshare.c) */ \
	X(shmat,          DEP_ALL,  PRED_NO,    -1, CL_CHANGES) \
	/* process state no pending call can see or change */ \
	X(getpid,         DEP_NONE, PRED_NO,    -1, 0) \
	X(getppid,        DEP_NONE, PRED_NO,    -1, 0) \
	X(gettid,         DEP_NONE, PRED_NO,    -1, 0) \
	X(getuid,         DEP_NONE, PRED_NO,    -1, 0) \
	X(geteuid,        DEP_NONE, PRED_NO,    -1, 0) \
	X(getgid,         DEP_NONE, PRED_NO,    -1, 0) \
	X(getegid,        DEP_NONE, PRED_NO,    -1, 0) \
	X(getpgrp,        DEP_NONE, PRED_NO,    -1, 0) \
	X(getpgid,        DEP_NONE, PRED_NO,    -1, 0) \
	X(getsid,         DEP_NONE, PRED_NO,    -1, 0) \
	X(getgroups,      DEP_NONE, PRED_NO,    -1, 0) \
	X(getresuid,      DEP_NONE, PRED_NO,    -1, 0) \
	X(getresgid,      DEP_NONE, PRED_NO,    -1, 0) \
	X(getcwd,         DEP_NONE, PRED_NO,    -1, 0) \
	X(chdir,          DEP_NONE, PRED_NO,    -1, 0) \
	X(fchdir,         DEP_NONE, PRED_NO,     0, 0) \
	X(umask,          DEP_NONE, PRED_NO,    -1, 0) \
	X(uname,          DEP_NONE, PRED_NO,    -1, 0) \
	X(sysinfo,        DEP_NONE, PRED_NO,    -1, 0) \
	X(times,          DEP_NONE, PRED_NO,    -1, 0) \
	X(time,           DEP_NONE, PRED_NO,    -1, 0) \
	X(gettimeofday,   DEP_NONE, PRED_NO,    -1, 0) \
	X(clock_gettime,  DEP_NONE, PRED_NO,    -1, 0) \
	X(clock_getres,   DEP_NONE, PRED_NO,    -1, 0) \
	X(getrusage,      DEP_NONE, PRED_NO,    -1, 0) \
	X(getrlimit,      DEP_NONE, PRED_NO,    -1, 0) \
	X(getpriority,    DEP_NONE, PRED_NO,    -1, 0) \
	X(getrandom,      DEP_NONE, PRED_NO,    -1, 0) \
	X(getcpu,         DEP_NONE, PRED_NO,    -1, 0) \
	X(sched_yield,    DEP_NONE, PRED_NO,    -1, 0) \
	X(sched_getaffinity, DEP_NONE, PRED_NO, -1, 0) \
	X(sched_setaffinity, DEP_NONE, PRED_NO, -1, 0) \
	X(brk,            DEP_NONE, PRED_NO,    -1, 0) \
	X(mprotect,       DEP_NONE, PRED_NO,    -1, 0) \
	X(mincore,        DEP_NONE, PRED_NO,    -1, 0) \
	X(mlock,          DEP_NONE, PRED_NO,    -1, 0) \
	X(munlock,        DEP_NONE, PRED_NO,    -1, 0) \
	X(rt_sigpending,  DEP_NONE, PRED_NO,    -1, 0) \
	X(sigaltstack,    DEP_NONE, PRED_NO,    -1, 0) \
	X(rt_sigreturn,   DEP_NONE, PRED_NO,    -1, 0) \
	X(set_tid_address,DEP_NONE, PRED_NO,    -1, 0) \
	X(set_robust_list,DEP_NONE, PRED_NO,    -1, 0) \
	X(get_robust_list,DEP_NONE, PRED_NO,    -1, 0) \
	X(rseq,           DEP_NONE, PRED_NO,    -1, 0) \
	X(arch_prctl,     DEP_NONE, PRED_NO,    -1, 0) \
	X(alarm,          DEP_NONE, PRED_NO,    -1, 0) \
	X(getitimer,      DEP_NONE, PRED_NO,    -1, 0) \
	X(setitimer,      DEP_NONE, PRED_NO,    -1, 0) \
	X(timer_create,   DEP_NONE, PRED_NO,    -1, 0) \
	X(timer_settime,  DEP_NONE, PRED_NO,    -1, 0) \
	X(timer_gettime,  DEP_NONE, PRED_NO,    -1, 0) \
	X(timer_delete,   DEP_NONE, PRED_NO,    -1, 0) \
	X(getdents64,     DEP_OBS,  PRED_NO,     0, 0)

#endif
