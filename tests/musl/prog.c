/* prog.c: one deterministic program over the libc paths that the bc entry
 * sits on, for tests/musl.sh.  Built three ways (bc-musl-gcc --bc=off,
 * --bc=pass, stock musl-gcc -static), its stdout and, under strace, its
 * per-task system call sequences are compared.
 *
 * Deterministic means: the same stdout and the same system calls, in the
 * same order in each task, on every run:
 *   - SIGCHLD is blocked for the whole run, so that the death of a child is
 *     never delivered at a timing-dependent point (strace would show it);
 *   - threads run one at a time (each is joined before the next starts),
 *     so the mutex is never contended; whether a join still waits on a
 *     futex depends on scheduling, and tests/musl.sh leaves futex calls
 *     out of the comparison;
 *   - stdout is flushed before every fork, spawn and system();
 *   - directory entries are sorted before they are printed.
 * Built with -DACCOUNTING it leaves out posix_spawn and system(), so that
 * every task it makes runs the (armed, under --bc=pass) program itself. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x)) {                                                    \
			fprintf(stderr, "prog: line %d: %s: %s\n", __LINE__,   \
				#x, strerror(errno));                          \
			exit(1);                                               \
		}                                                              \
	} while (0)

/* ---- stdio ------------------------------------------------------------ */

static void stdio_part(void)
{
	char line[64];
	FILE *f;
	int n = 0;

	printf("stdio: %s %d %.2f %c\n", "printf", 42, 1.5, 'x');
	CHECK(fwrite("fwrite: 17 bytes\n", 1, 17, stdout) == 17);
	CHECK((f = fopen("lines.txt", "w")) != NULL);
	fputs("first line\nsecond line\nthird, unterminated", f);
	CHECK(fclose(f) == 0);
	CHECK((f = fopen("lines.txt", "r")) != NULL);
	while (fgets(line, sizeof line, f))
		printf("fgets %d: [%s]\n", ++n, strtok(line, "\n"));
	CHECK(!ferror(f));
	CHECK(fclose(f) == 0);
	CHECK(unlink("lines.txt") == 0);
}

/* ---- files ------------------------------------------------------------ */

static void files_part(void)
{
	char buf[32] = { 0 };
	struct stat st;
	off_t end;
	int fd;

	CHECK((fd = open("data.bin", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) >= 0);
	CHECK(write(fd, "0123456789", 10) == 10);
	CHECK(pwrite(fd, "AB", 2, 3) == 2);
	CHECK((end = lseek(fd, 0, SEEK_END)) == 10);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(read(fd, buf, sizeof buf - 1) == 10);
	CHECK(fstat(fd, &st) == 0);
	printf("files: content %s, end %lld, size %lld\n", buf, (long long)end,
	       (long long)st.st_size);
	CHECK(ftruncate(fd, 4) == 0);
	CHECK(fstat(fd, &st) == 0);
	CHECK(fsync(fd) == 0);
	CHECK(close(fd) == 0);
	printf("files: truncated to %lld, regular %d\n", (long long)st.st_size,
	       S_ISREG(st.st_mode));
	CHECK(rename("data.bin", "renamed.bin") == 0);
	printf("files: old name gone %d, new name %d\n",
	       access("data.bin", F_OK) == -1 && errno == ENOENT,
	       access("renamed.bin", R_OK) == 0);
	CHECK(unlink("renamed.bin") == 0);
	printf("files: unlink twice fails with ENOENT %d\n",
	       unlink("renamed.bin") == -1 && errno == ENOENT);
}

/* ---- directories ------------------------------------------------------ */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dirs_part(void)
{
	static const char *const make[] = { "dir/charlie", "dir/alpha", "dir/bravo" };
	char *names[8];
	struct dirent *de;
	size_t n = 0;
	DIR *d;
	int fd;

	CHECK(mkdir("dir", 0755) == 0);
	for (size_t i = 0; i < sizeof make / sizeof *make; i++) {
		CHECK((fd = open(make[i], O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0);
		CHECK(close(fd) == 0);
	}
	CHECK((d = opendir("dir")) != NULL);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && n < 8)
			CHECK((names[n++] = strdup(de->d_name)) != NULL);
	CHECK(closedir(d) == 0);
	qsort(names, n, sizeof *names, cmp_names);
	printf("dirs: %zu entries:", n);
	for (size_t i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
	for (size_t i = 0; i < sizeof make / sizeof *make; i++)
		CHECK(unlink(make[i]) == 0);
	CHECK(rmdir("dir") == 0);
	printf("dirs: removed %d\n", access("dir", F_OK) == -1 && errno == ENOENT);
}

/* ---- threads ---------------------------------------------------------- */

#define NTHREADS 3

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

struct targ {
	int idx, fd;
};

static void *worker(void *p)
{
	const struct targ *a = p;
	char line[16];
	int len, ok;

	for (int i = 0; i < 100; i++) {
		pthread_mutex_lock(&lock);
		counter += a->idx + 1;
		pthread_mutex_unlock(&lock);
	}
	len = snprintf(line, sizeof line, "thread %d\n", a->idx);
	ok = pwrite(a->fd, line, len, (off_t)a->idx * len) == len;
	return ok ? (void *)(intptr_t)(100 + a->idx) : NULL;
}

static void threads_part(void)
{
	struct targ args[NTHREADS];
	pthread_t t;
	char buf[64] = { 0 };
	void *res;
	int fd;

	CHECK((fd = open("threads.txt", O_RDWR | O_CREAT | O_TRUNC, 0644)) >= 0);
	for (int i = 0; i < NTHREADS; i++) {
		args[i] = (struct targ){ i, fd };
		CHECK(pthread_create(&t, NULL, worker, &args[i]) == 0);
		CHECK(pthread_join(t, &res) == 0);
		printf("threads: %d joined, returned %d\n", i, (int)(intptr_t)res);
	}
	CHECK(pread(fd, buf, sizeof buf - 1, 0) == 27);
	CHECK(close(fd) == 0);
	CHECK(unlink("threads.txt") == 0);
	printf("threads: counter %ld, file:\n%s", counter, buf);
}

/* ---- processes -------------------------------------------------------- */

static void fork_part(void)
{
	static const char msg[] = "fork: the child writes\n";
	pid_t pid;
	int st;

	fflush(stdout);
	CHECK((pid = fork()) >= 0);
	if (!pid) {
		if (write(1, msg, sizeof msg - 1) != sizeof msg - 1)
			_exit(1);
		_exit(7);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	printf("fork: child exited %d with %d\n", WIFEXITED(st), WEXITSTATUS(st));
}

#ifndef ACCOUNTING
static void spawn_part(void)
{
	char *argv[] = { "true", NULL };
	pid_t pid;
	int st, r;

	fflush(stdout);
	CHECK(posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) == 0);
	CHECK(waitpid(pid, &st, 0) == pid);
	printf("spawn: /bin/true exited %d with %d\n", WIFEXITED(st), WEXITSTATUS(st));
	fflush(stdout);
	r = system("echo via-system");
	printf("system: returned %d, exit status %d\n", r, WEXITSTATUS(r));
}
#endif

/* ---- signals and sleeps ----------------------------------------------- */

static volatile sig_atomic_t usr1, usr2;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		usr1++;
	else if (sig == SIGUSR2)
		usr2++;
}

static void signals_part(void)
{
	struct sigaction sa;
	sigset_t set, old, pend;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0);
	printf("signals: after raise %d\n", (int)usr1);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	printf("signals: after kill %d\n", (int)usr1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
	CHECK(raise(SIGUSR2) == 0);
	CHECK(sigpending(&pend) == 0);
	printf("signals: blocked: pending %d, handled %d\n", sigismember(&pend, SIGUSR2),
	       (int)usr2);
	CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
	printf("signals: unblocked: handled %d\n", (int)usr2);
}

static void sleeps_part(void)
{
	struct timespec ts = { 0, 1000000 };

	CHECK(nanosleep(&ts, NULL) == 0);
	CHECK(usleep(1000) == 0);
	printf("sleeps: done\n");
}

int main(void)
{
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	CHECK(sigprocmask(SIG_BLOCK, &chld, NULL) == 0);
	stdio_part();
	files_part();
	dirs_part();
	signals_part();
	sleeps_part();
	threads_part();
	fork_part();
#ifndef ACCOUNTING
	spawn_part();
#endif
	printf("done\n");
	return 0;
}
