/* vfork's child shares the parent's struct pthread: its exec must not
 * leave the parent's calls bypassing the entry. */
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t p = vfork();

	if (!p) {
		execl("/bin/true", "true", (char *)0);
		_exit(127);
	}
	waitpid(p, 0, 0);
	for (int i = 0; i < 100; i++)
		getppid();
	return 0;
}
