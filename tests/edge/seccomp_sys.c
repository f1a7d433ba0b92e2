/* A seccomp filter installed with syscall(2), or with prctl (which the
 * preload does not interpose), makes later writes to fd 3 fail with
 * EPERM: what was written before it stays, and nothing after it is
 * predicted to succeed.
 * @case seccomp
 * @case prctl
 * @args prctl
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* From linux/filter.h and linux/seccomp.h, which musl builds cannot
 * include. */
struct sock_filter { uint16_t code; uint8_t jt, jf; uint32_t k; };
struct sock_fprog { unsigned short len; struct sock_filter *filter; };
#define BPF_STMT(code, k) { (uint16_t)(code), 0, 0, k }
#define BPF_JUMP(code, k, jt, jf) { (uint16_t)(code), jt, jf, k }
#define LD_ABS 0x20        /* BPF_LD | BPF_W | BPF_ABS */
#define JEQ_K 0x15         /* BPF_JMP | BPF_JEQ | BPF_K */
#define RET_K 0x06         /* BPF_RET | BPF_K */
#define SET_MODE_FILTER 1  /* SECCOMP_SET_MODE_FILTER */
#define MODE_FILTER 2      /* SECCOMP_MODE_FILTER */
#define RET_ERRNO 0x00050000U
#define RET_ALLOW 0x7fff0000U
#define NR_AT 0            /* offsetof(struct seccomp_data, nr) */
#define ARG0_AT 16         /* offsetof(struct seccomp_data, args[0]) */

int main(int argc, char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(LD_ABS, NR_AT),
		BPF_JUMP(JEQ_K, SYS_write, 0, 3),
		BPF_STMT(LD_ABS, ARG0_AT),
		BPF_JUMP(JEQ_K, 3, 0, 1),
		BPF_STMT(RET_K, RET_ERRNO | EPERM),
		BPF_STMT(RET_K, RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof f / sizeof *f, f };
	struct stat st;
	long r;
	int fd;

	close(3);
	fd = open("data", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (int i = 0; i < 7; i++)
		write(fd, "ab", 2);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 2;
	if (argc > 1 ? prctl(PR_SET_SECCOMP, MODE_FILTER, &prog, 0, 0) :
		       syscall(SYS_seccomp, SET_MODE_FILTER, 0, &prog))
		return 2;
	for (int i = 0; i < 3; i++) {
		errno = 0;
		r = write(fd, "after", 5);
		printf("write after the filter = %ld (%s)\n", r, r < 0 ? strerror(errno) : "ok");
	}
	errno = 0;
	r = fstat(fd, &st);
	printf("fstat = %ld (%s), size %ld\n", r, r < 0 ? strerror(errno) : "ok", (long)st.st_size);
	return 0;
}
