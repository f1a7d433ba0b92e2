/* For each system call read from stdin ("NR NAME" lines), a child that
 * writes w1, w2, MARK to its own file (so that writes are pending), then
 * makes the call with every argument -1, one of three ways: glibc's
 * function of that name (dlsym; skipped if there is none), syscall(2), or
 * its own syscall instruction.  order.sh checks in an strace that the
 * MARK write reached the kernel before the call.  A child that outlives
 * its alarm is killed: nothing here may wait. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long inline_call(long nr)
{
	register long r10 __asm__("r10") = -1, r8 __asm__("r8") = -1, r9 __asm__("r9") = -1;
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(-1L), "S"(-1L), "d"(-1L), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

static void call(const char *way, long nr, const char *name)
{
	if (!strcmp(way, "inline")) {
		inline_call(nr);
	} else if (!strcmp(way, "syscall")) {
		syscall(nr, -1L, -1L, -1L, -1L, -1L, -1L);
	} else {
		long (*f)(long, long, long, long, long, long) =
			(long (*)(long, long, long, long, long, long))dlsym(RTLD_DEFAULT, name);
		if (f)
			f(-1L, -1L, -1L, -1L, -1L, -1L);
	}
}

int main(int argc, char **argv)
{
	const char *way = argc > 1 ? argv[1] : "syscall";
	char name[64], file[80];
	long nr;
	int made = 0;

	while (scanf("%ld %63s", &nr, name) == 2) {
		pid_t pid = fork();
		if (pid == 0) {
			int fd;
			snprintf(file, sizeof file, "d%ld", nr);
			fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			alarm(2);
			write(fd, "w1", 2);
			write(fd, "w2", 2);
			write(fd, "MARK", 4);
			call(way, nr, name);
			_exit(0);
		}
		if (pid > 0 && waitpid(pid, NULL, 0) == pid)
			made++;
	}
	printf("%d children\n", made);
	return 0;
}
