/* A program's own SIGSYS handler: it sees the SIGSYS sent to it (raise,
 * then a seccomp filter's SECCOMP_RET_TRAP, si_code SYS_SECCOMP), never
 * the net's, while an unseen call (preadv2 on glibc) finds the pending
 * writes done. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* From linux/filter.h and linux/seccomp.h, which musl builds cannot
 * include. */
struct sock_filter { uint16_t code; uint8_t jt, jf; uint32_t k; };
struct sock_fprog { unsigned short len; struct sock_filter *filter; };
#define LD_ABS 0x20
#define JEQ_K 0x15
#define RET_K 0x06
#define RET_TRAP 0x00030000U
#define RET_ALLOW 0x7fff0000U

static volatile int seen, code, nr;

static void on_sys(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	seen++;
	code = si->si_code;
	nr = si->si_syscall;
}

int main(void)
{
	struct sock_filter f[] = {
		{ LD_ABS, 0, 0, 0 },
		{ JEQ_K, 0, 1, SYS_getppid },
		{ RET_K, 0, 0, RET_TRAP },
		{ RET_K, 0, 0, RET_ALLOW },
	};
	struct sock_fprog prog = { sizeof f / sizeof *f, f };
	struct sigaction sa = { .sa_sigaction = on_sys, .sa_flags = SA_SIGINFO };
	char buf[32] = { 0 };
	struct iovec v = { buf, sizeof buf - 1 };
	int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	long r;

	sigaction(SIGSYS, &sa, NULL);
	for (int i = 0; i < 4; i++)
		write(fd, "abcd", 4);
#ifdef __GLIBC__
	r = preadv2(fd, &v, 1, 0, 0);
#else
	r = preadv(fd, &v, 1, 0);
#endif
	printf("read %ld \"%s\"; handler called %d times\n", r, buf, seen);
	raise(SIGSYS);
	printf("raise: handler called %d times, si_code %d\n", seen, code);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, 2, &prog, 0, 0))
		return 2;
	write(fd, "efgh", 4);
	write(fd, "ijkl", 4);
	r = syscall(SYS_getppid);
	printf("filter: handler called %d times, si_code %d, syscall %s\n", seen, code,
	       nr == SYS_getppid ? "getppid" : "other");
	return 0;
}
