/* libc functions whose own system calls the preload cannot see (glibc
 * makes them past the PLT): each is a dependency point, flushed before it
 * runs, then entered as if never interposed (tramp.S).  Kinds:
 *   FLUSH   flush first
 *   FORGET  flush, then forget every fd: it may close fds without the
 *           engine seeing it
 *   CREDS   as FORGET, and the credentials changed: the cached euid is
 *           forgotten and the engine's raw threads retired
 *   EXEC    flush, write the report, and defer nothing more
 *   VFORK   flush; the child shares memory but not the fd table
 *   THREAD  flush; from now on only writes that cannot block wait
 *   CLONE   flush; then as THREAD with CLONE_VM, else as VFORK (the child
 *           makes its calls direct)
 *   FORK    flush; a child will share this process's shared memory
 *   LIMIT   flush; the fd limit may change: the timer thread shares the fd
 *           table from now on (docs/engine.md, "The timer thread") */
#define BC_OPAQUE(X) \
	/* stdio: its buffers reach the kernel inside libc */ \
	X(fopen, FLUSH) X(fopen64, FLUSH) X(fdopen, FLUSH) X(fflush, FLUSH) X(fflush_unlocked, FLUSH) \
	X(fread, FLUSH) X(fread_unlocked, FLUSH) X(fwrite, FLUSH) X(fwrite_unlocked, FLUSH) \
	X(fgets, FLUSH) X(fgets_unlocked, FLUSH) X(fgetc, FLUSH) X(getc, FLUSH) X(getchar, FLUSH) \
	X(fgetc_unlocked, FLUSH) X(getc_unlocked, FLUSH) X(getchar_unlocked, FLUSH) \
	X(fputc, FLUSH) X(putc, FLUSH) X(putchar, FLUSH) X(fputc_unlocked, FLUSH) \
	X(putc_unlocked, FLUSH) X(putchar_unlocked, FLUSH) X(fputs, FLUSH) \
	X(fputs_unlocked, FLUSH) X(puts, FLUSH) X(printf, FLUSH) X(fprintf, FLUSH) X(vprintf, FLUSH) \
	X(vfprintf, FLUSH) X(dprintf, FLUSH) X(vdprintf, FLUSH) X(__printf_chk, FLUSH) \
	X(__fprintf_chk, FLUSH) X(__vprintf_chk, FLUSH) X(__vfprintf_chk, FLUSH) \
	X(__dprintf_chk, FLUSH) X(__vdprintf_chk, FLUSH) X(scanf, FLUSH) X(fscanf, FLUSH) \
	X(vscanf, FLUSH) X(vfscanf, FLUSH) X(__isoc99_scanf, FLUSH) X(__isoc99_fscanf, FLUSH) \
	X(__isoc99_vscanf, FLUSH) X(__isoc99_vfscanf, FLUSH) X(getline, FLUSH) \
	X(getdelim, FLUSH) X(__getdelim, FLUSH) X(fseek, FLUSH) X(fseeko, FLUSH) X(fseeko64, FLUSH) \
	X(ftell, FLUSH) X(ftello, FLUSH) X(ftello64, FLUSH) X(rewind, FLUSH) X(fsetpos, FLUSH) \
	X(fsetpos64, FLUSH) X(fgetpos, FLUSH) X(fgetpos64, FLUSH) X(ungetc, FLUSH) X(setvbuf, FLUSH) \
	X(perror, FLUSH) X(psignal, FLUSH) X(psiginfo, FLUSH) X(err, FLUSH) X(errx, FLUSH) X(warn, FLUSH) \
	X(warnx, FLUSH) X(verr, FLUSH) X(verrx, FLUSH) X(vwarn, FLUSH) X(vwarnx, FLUSH) X(error, FLUSH) \
	X(error_at_line, FLUSH) X(__overflow, FLUSH) X(__uflow, FLUSH) X(__underflow, FLUSH) \
	X(_IO_putc, FLUSH) X(_IO_getc, FLUSH) X(_IO_puts, FLUSH) X(fputws, FLUSH) X(fgetws, FLUSH) \
	X(putwc, FLUSH) X(fputwc, FLUSH) X(getwc, FLUSH) X(fgetwc, FLUSH) X(putwchar, FLUSH) \
	X(getwchar, FLUSH) X(wprintf, FLUSH) X(fwprintf, FLUSH) X(vwprintf, FLUSH) X(vfwprintf, FLUSH) \
	X(tmpfile, FLUSH) X(tmpfile64, FLUSH) X(mkstemp, FLUSH) X(mkstemp64, FLUSH) \
	X(mkostemp, FLUSH) X(mkostemps, FLUSH) X(mkstemps, FLUSH) \
	/* children made inside libc; popen's, system's and posix_spawn's share \
	 * the memory (CLONE_VM|CLONE_VFORK) and reach the rewritten sites \
	 * (rewrite.c): told apart by their pid, as vfork's */ \
	X(popen, VFORK) X(system, VFORK) X(posix_spawn, VFORK) X(posix_spawnp, VFORK) \
	X(daemon, FORK) X(forkpty, FORK) X(openpty, FLUSH) X(login_tty, FLUSH) \
	X(pthread_create, THREAD) X(thrd_create, THREAD) X(timer_create, THREAD) \
	X(clone, CLONE) \
	X(mq_notify, THREAD) X(aio_read, THREAD) X(aio_write, THREAD) \
	X(aio_read64, THREAD) X(aio_write64, THREAD) X(aio_fsync, THREAD) \
	X(aio_fsync64, THREAD) X(lio_listio, THREAD) X(lio_listio64, THREAD) \
	/* messages written inside libc */ \
	X(__assert_fail, FLUSH) X(__assert_perror_fail, FLUSH) X(syslog, FLUSH) \
	X(vsyslog, FLUSH) X(__syslog_chk, FLUSH) X(__vsyslog_chk, FLUSH) \
	/* paths: they may name a file with calls pending */ \
	X(stat, FLUSH) X(stat64, FLUSH) X(lstat, FLUSH) X(lstat64, FLUSH) X(__xstat, FLUSH) \
	X(__xstat64, FLUSH) X(__lxstat, FLUSH) X(__lxstat64, FLUSH) X(__fxstatat, FLUSH) \
	X(__fxstatat64, FLUSH) X(access, FLUSH) X(faccessat, FLUSH) X(euidaccess, FLUSH) \
	X(eaccess, FLUSH) X(truncate, FLUSH) X(truncate64, FLUSH) X(rename, FLUSH) \
	X(renameat, FLUSH) X(renameat2, FLUSH) X(unlink, FLUSH) X(unlinkat, FLUSH) X(remove, FLUSH) \
	X(link, FLUSH) X(linkat, FLUSH) X(symlink, FLUSH) X(symlinkat, FLUSH) X(mkdir, FLUSH) \
	X(mkdirat, FLUSH) X(rmdir, FLUSH) X(chmod, FLUSH) X(fchmodat, FLUSH) X(chown, FLUSH) \
	X(lchown, FLUSH) X(fchownat, FLUSH) X(utime, FLUSH) X(utimes, FLUSH) X(lutimes, FLUSH) \
	X(futimes, FLUSH) X(futimesat, FLUSH) X(utimensat, FLUSH) X(mknod, FLUSH) X(mknodat, FLUSH) \
	X(mkfifo, FLUSH) X(mkfifoat, FLUSH) X(opendir, FLUSH) X(fdopendir, FLUSH) X(scandir, FLUSH) \
	X(scandirat, FLUSH) X(nftw, FLUSH) X(nftw64, FLUSH) X(ftw, FLUSH) X(ftw64, FLUSH) \
	X(fts_open, FLUSH) X(realpath, FLUSH) X(canonicalize_file_name, FLUSH) X(statfs, FLUSH) \
	X(statfs64, FLUSH) X(statvfs, FLUSH) X(statvfs64, FLUSH) X(fstatfs, FLUSH) \
	X(fstatfs64, FLUSH) X(fstatvfs, FLUSH) X(fstatvfs64, FLUSH) X(sync, FLUSH) X(syncfs, FLUSH) \
	X(sync_file_range, FLUSH) X(fallocate, FLUSH) X(fallocate64, FLUSH) \
	X(posix_fallocate, FLUSH) X(posix_fallocate64, FLUSH) X(sendfile, FLUSH) \
	X(sendfile64, FLUSH) X(copy_file_range, FLUSH) X(splice, FLUSH) X(tee, FLUSH) \
	X(vmsplice, FLUSH) X(readahead, FLUSH) X(munmap, FLUSH) \
	X(mremap, FLUSH) X(msync, FLUSH) \
	/* other parties: children, signals, sockets, terminals, time */ \
	X(wait, FLUSH) X(waitpid, FLUSH) X(wait3, FLUSH) X(wait4, FLUSH) X(waitid, FLUSH) X(kill, FLUSH) \
	X(killpg, FLUSH) X(raise, FLUSH) X(abort, FLUSH) X(pthread_kill, FLUSH) X(tgkill, FLUSH) \
	X(sigqueue, FLUSH) X(recv, FLUSH) X(recvfrom, FLUSH) X(recvmsg, FLUSH) X(recvmmsg, FLUSH) \
	X(__recv_chk, FLUSH) X(__recvfrom_chk, FLUSH) X(sendmmsg, FLUSH) X(connect, FLUSH) \
	X(shutdown, FLUSH) X(poll, FLUSH) X(ppoll, FLUSH) X(__poll_chk, FLUSH) X(select, FLUSH) \
	X(pselect, FLUSH) X(epoll_wait, FLUSH) X(epoll_pwait, FLUSH) X(sleep, FLUSH) \
	X(usleep, FLUSH) X(nanosleep, FLUSH) X(clock_nanosleep, FLUSH) X(pause, FLUSH) \
	X(sigsuspend, FLUSH) X(sigwait, FLUSH) X(sigwaitinfo, FLUSH) X(sigtimedwait, FLUSH) \
	X(flock, FLUSH) X(lockf, FLUSH) X(lockf64, FLUSH) X(tcsetattr, FLUSH) \
	X(tcdrain, FLUSH) X(tcflush, FLUSH) X(tcsendbreak, FLUSH) X(sigprocmask, FLUSH) \
	X(sigset, FLUSH) X(sigignore, FLUSH) X(sighold, FLUSH) X(sigrelse, FLUSH) \
	X(sigblock, FLUSH) X(sigsetmask, FLUSH) X(siginterrupt, FLUSH) X(sigpause, FLUSH) \
	X(__sigpause, FLUSH) X(__xpg_sigpause, FLUSH) \
	X(pthread_sigmask, FLUSH) X(setrlimit, LIMIT) X(setrlimit64, LIMIT) X(prlimit, LIMIT) \
	X(prlimit64, LIMIT) \
	/* fds closed out of sight */ \
	X(fclose, FORGET) X(fcloseall, FORGET) X(freopen, FORGET) X(freopen64, FORGET) X(pclose, FORGET) \
	X(closedir, FORGET) X(closefrom, FORGET) \
	/* credentials changed out of sight (glibc's __nptl_setxid) */ \
	X(setuid, CREDS) X(seteuid, CREDS) X(setreuid, CREDS) X(setresuid, CREDS) X(setgid, CREDS) \
	X(setegid, CREDS) X(setregid, CREDS) X(setresgid, CREDS) X(setfsuid, CREDS) X(setfsgid, CREDS) \
	X(initgroups, CREDS) X(setgroups, CREDS) \
	/* another program */ \
	X(execve, EXEC) X(execv, EXEC) X(execvp, EXEC) X(execvpe, EXEC) X(execl, EXEC) \
	X(execlp, EXEC) X(execle, EXEC) X(fexecve, EXEC) X(execveat, EXEC) \
	X(vfork, VFORK)
