/* vfork's child shares the parent's memory and struct pthread: neither
 * its exec nor its _exit after a failed exec may touch the parent's
 * entry state or report. */
#include <sys/wait.h>
#include <unistd.h>

static void spawn(const char *path)
{
	pid_t p = vfork();

	if (!p) {
		execl(path, path, (char *)0);
		_exit(127);
	}
	waitpid(p, 0, 0);
}

int main(void)
{
	spawn("/nonexistent/program");
	spawn("/bin/true");
	for (int i = 0; i < 100; i++)
		getppid();
	return 0;
}
