/* Lost updates: two processes add 1 to a counter in a file, 2000 times
 * each, under a lock that lives in shared memory and is released with a
 * plain store (no system call): a spinlock in a MAP_SHARED page, and a
 * process-shared POSIX semaphore from sem_open, which glibc maps itself.
 * Natively the file ends at 4000 both times. */
#include <fcntl.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int *spin;
static sem_t *sem;

static void lock(void)
{
	if (sem)
		sem_wait(sem);
	else
		while (__atomic_exchange_n(spin, 1, __ATOMIC_ACQUIRE))
			sched_yield();
}

static void unlock(void)
{
	if (sem)
		sem_post(sem);
	else
		__atomic_store_n(spin, 0, __ATOMIC_RELEASE);
}

static void add(int fd, int times)
{
	for (int i = 0; i < times; i++) {
		char buf[16] = "";
		lock();
		pread(fd, buf, sizeof buf - 1, 0);
		int n = snprintf(buf, sizeof buf, "%-10d", atoi(buf) + 1);
		pwrite(fd, buf, n, 0);
		unlock();
	}
}

static void run(const char *name)
{
	char buf[16] = "";
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
	pid_t pid;

	pwrite(fd, "0", 1, 0);
	if ((pid = fork()) == 0) {
		add(fd, 2000);
		_exit(0);
	}
	add(fd, 2000);
	waitpid(pid, NULL, 0);
	pread(fd, buf, sizeof buf - 1, 0);
	printf("%s: %d\n", name, atoi(buf));
	fflush(stdout);
	close(fd);
}

/* Each lock in a process of its own: the engine's view of one must not
 * hide the other. */
int main(void)
{
	char name[64];
	pid_t pid;

	if ((pid = fork()) == 0) {
		spin = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (spin == MAP_FAILED)
			_exit(2);
		run("counter-spin");
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	snprintf(name, sizeof name, "/bcshim-test-%d", (int)getpid());
	sem = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
	if (sem == SEM_FAILED)
		return 3;
	sem_unlink(name);
	run("counter-sem");
	return 0;
}
