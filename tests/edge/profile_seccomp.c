/* Under a seccomp filter that kills on open, a process whose first
 * deferrable call is a metadata call (whether it can pay depends on the
 * default profile, not read yet) must not be killed by the engine's open
 * of that profile: the seccomp question comes first, as at arming.  The
 * harness empties BC_PROFILE; the program runs itself again without it,
 * its HOME its directory, so that the default profile is pending.
 * @ways glibc
 */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sock_filter kill_open[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_open, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	};
	struct sock_fprog prog = { sizeof kill_open / sizeof *kill_open, kill_open };
	char home[4096];
	int fd;

	if (argc == 1) {
		if (!getcwd(home, sizeof home))
			return perror("getcwd"), 1;
		unsetenv("BC_PROFILE");
		unsetenv("XDG_CONFIG_HOME");
		setenv("HOME", home, 1);
		execl("/proc/self/exe", argv[0], "again", (char *)NULL);
		return perror("exec"), 1;
	}
	if ((fd = open("f", O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 || write(fd, "x", 1) != 1)
		return perror("f"), 1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return perror("seccomp"), 1;
	printf("fchmod %d\n", fchmod(fd, 0644));
	printf("fchmod %d\n", fchmod(fd, 0640));
	return 0;
}
