/* A write, then another process woken by a call the preload does not
 * interpose (eventfd_write, semop, msgsnd, mq_send, pidfd_send_signal):
 * the woken process finds the file written.  Each case names the way.
 * The writer then spins (clock_gettime needs no system call) while the
 * woken process looks, so that nothing it does flushes the writes.
 * @case eventfd
 * @args eventfd
 * @case semop
 * @args semop
 * @case msgsnd
 * @args msgsnd
 * @case mq_send
 * @args mq_send
 * @case pidfd
 * @args pidfd
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/msg.h>
#ifdef __GLIBC__
#include <sys/pidfd.h>
#endif
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int efd, semid, msqid;
static mqd_t mq;

static void wait_woken(const char *way)
{
	if (!strcmp(way, "eventfd")) {
		eventfd_t v;
		eventfd_read(efd, &v);
	} else if (!strcmp(way, "semop")) {
		struct sembuf op = { 0, -1, 0 };
		semop(semid, &op, 1);
	} else if (!strcmp(way, "msgsnd")) {
		struct { long type; char c; } m;
		msgrcv(msqid, &m, 1, 0, 0);
	} else if (!strcmp(way, "mq_send")) {
		char c[16];
		mq_receive(mq, c, sizeof c, 0);
	} else {
		sigset_t set;
		int sig;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigwait(&set, &sig);
	}
}

static void wake(const char *way, pid_t child)
{
	if (!strcmp(way, "eventfd")) {
		eventfd_write(efd, 1);
	} else if (!strcmp(way, "semop")) {
		struct sembuf op = { 0, 1, 0 };
		semop(semid, &op, 1);
	} else if (!strcmp(way, "msgsnd")) {
		struct { long type; char c; } m = { 1, 'x' };
		msgsnd(msqid, &m, 1, 0);
	} else if (!strcmp(way, "mq_send")) {
		mq_send(mq, "x", 1, 0);
	} else {
#ifdef __GLIBC__
		int pfd = pidfd_open(child, 0);
		pidfd_send_signal(pfd, SIGUSR1, NULL, 0);
#else
		int pfd = syscall(SYS_pidfd_open, child, 0);
		syscall(SYS_pidfd_send_signal, pfd, SIGUSR1, NULL, 0);
#endif
		close(pfd);
	}
}

int main(int argc, char **argv)
{
	const char *way = argc > 1 ? argv[1] : "eventfd";
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 16 };
	char name[64];
	sigset_t set;
	struct stat st;
	pid_t child;
	int fd, status, done[2];
	char c;
	struct timespec t0, t;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	snprintf(name, sizeof name, "/bcshim-unseen-%d", (int)getpid());
	efd = eventfd(0, 0);
	semid = semget(IPC_PRIVATE, 1, 0600);
	msqid = msgget(IPC_PRIVATE, 0600);
	mq = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	mq_unlink(name);
	fd = open("data", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (pipe(done))
		return 2;
	child = fork();
	if (child == 0) {
		wait_woken(way);
		stat("data", &st);
		printf("%s: the woken process sees %ld bytes\n", way, (long)st.st_size);
		fflush(stdout);
		write(done[1], "", 1);
		_exit(0);
	}
	for (int i = 0; i < 3; i++)
		write(fd, "ab", 2);
	wake(way, child);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec - t0.tv_nsec < 20000000L);
	read(done[0], &c, 1);
	waitpid(child, &status, 0);
	semctl(semid, 0, IPC_RMID);
	msgctl(msqid, IPC_RMID, NULL);
	return status;
}
