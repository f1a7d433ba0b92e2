/* behave.c: behaviours that must not change when the bc entry is armed,
 * for tests/musl.sh, which runs each mode built with --bc=off and with
 * --bc=pass and compares stdout (deterministic) and the exit status (0
 * when every check held).  Diagnostics that may vary go to stderr.
 *
 *   behave cancel          pthread_cancel of threads in read()
 *   behave fork            fork, also from a multi-threaded process
 *   behave spawn           posix_spawn and posix_spawnp
 *   behave storm restart   ~2000 SIGUSR1 from a child during 20000 write()s,
 *   behave storm norestart   the handler with and without SA_RESTART
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int failures;

/* A check whose failure makes the exit status 1 and says so on stdout. */
static void expect(int cond, const char *what)
{
	printf("%s: %s\n", what, cond ? "yes" : "NO");
	if (!cond)
		failures++;
}

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x)) {                                                    \
			fprintf(stderr, "behave: line %d: %s: %s\n", __LINE__, \
				#x, strerror(errno));                          \
			exit(2);                                               \
		}                                                              \
	} while (0)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Read or write all of len bytes, retrying after EINTR and short counts;
 * *eintr counts the retries after EINTR. */
static int full_io(int wr, int fd, char *buf, size_t len, long *eintr)
{
	while (len) {
		ssize_t n = wr ? write(fd, buf, len) : read(fd, buf, len);

		if (n < 0 && errno == EINTR) {
			++*eintr;
			continue;
		}
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/* ---- cancel ----------------------------------------------------------- */

static int cpipe[2], notify[2];
static atomic_int started, go_on;
static int cleaned;

static void cleanup(void *p)
{
	char c = 'c';

	(void)p;
	cleaned = 1;
	/* A call through the entry after the cancellation abandoned it. */
	if (write(notify[1], &c, 1) != 1)
		cleaned = 2;
}

/* mode 0: blocked in read() when cancelled; 1: cancellation already
 * pending when read() is called; 2: cancellation disabled, so read()
 * completes and the thread returns normally. */
static void *reader(void *p)
{
	int mode = *(int *)p, old;
	char c;
	void *ret = (void *)"returned";

	pthread_cleanup_push(cleanup, NULL);
	if (mode >= 1)
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	atomic_store(&started, 1);
	if (mode == 1) {
		while (!atomic_load(&go_on))
			;
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	}
	if (read(cpipe[0], &c, 1) != 1)
		ret = (void *)"read failed";
	pthread_cleanup_pop(0);
	return ret;
}

static void cancel_case(int mode, const char *name)
{
	char line[96], c;
	pthread_t t;
	void *res;
	double t0, took;
	int r;

	atomic_store(&started, 0);
	atomic_store(&go_on, 0);
	cleaned = 0;
	CHECK(pthread_create(&t, NULL, reader, &mode) == 0);
	while (!atomic_load(&started))
		;
	if (mode == 0)
		pause_ms(100); /* long enough to be blocked in read() */
	CHECK(pthread_cancel(t) == 0);
	atomic_store(&go_on, 1);
	if (mode == 2) {
		pause_ms(50);
		CHECK(write(cpipe[1], "x", 1) == 1);
	}
	t0 = now();
	r = pthread_join(t, &res);
	took = now() - t0;
	fprintf(stderr, "behave: cancel %s: join took %.3f s\n", name, took);
	snprintf(line, sizeof line, "cancel %s: join returned 0", name);
	expect(r == 0, line);
	if (mode == 2) {
		snprintf(line, sizeof line, "cancel %s: thread returned normally", name);
		expect(res != PTHREAD_CANCELED && !strcmp(res, "returned"), line);
		snprintf(line, sizeof line, "cancel %s: cleanup handler not run", name);
		expect(cleaned == 0, line);
		return;
	}
	snprintf(line, sizeof line, "cancel %s: result is PTHREAD_CANCELED", name);
	expect(res == PTHREAD_CANCELED, line);
	snprintf(line, sizeof line, "cancel %s: cleanup handler ran and wrote", name);
	expect(cleaned == 1 && read(notify[0], &c, 1) == 1 && c == 'c', line);
}

static void do_cancel(void)
{
	CHECK(pipe(cpipe) == 0);
	CHECK(pipe(notify) == 0);
	cancel_case(0, "blocked");
	cancel_case(1, "pending");
	cancel_case(2, "disabled");
	/* The main thread's own calls still work afterwards. */
	CHECK(write(cpipe[1], "y", 1) == 1);
	char c = 0;
	expect(read(cpipe[0], &c, 1) == 1 && c == 'y', "cancel: main thread still works");
}

/* ---- fork ------------------------------------------------------------- */

static int tpipe[2];

static void *blocker(void *p)
{
	char c;

	(void)p;
	return read(tpipe[0], &c, 1) == 1 ? (void *)"ok" : NULL;
}

static int wait_status(pid_t pid)
{
	int st;

	CHECK(waitpid(pid, &st, 0) == pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void do_fork(void)
{
	pid_t me = getpid(), pid, gc;
	pthread_t t;
	void *res;
	int st;

	printf("fork: parent before fork\n");
	fflush(stdout);
	CHECK((pid = fork()) >= 0);
	if (!pid) {
		printf("fork: child is a new process: %s\n", getpid() != me ? "yes" : "NO");
		printf("fork: child's parent is the parent: %s\n", getppid() == me ? "yes" : "NO");
		fflush(stdout);
		CHECK((gc = fork()) >= 0);
		if (!gc) {
			printf("fork: grandchild runs\n");
			exit(5);
		}
		printf("fork: grandchild exited with %d\n", wait_status(gc));
		exit(3);
	}
	st = wait_status(pid);
	printf("fork: child exited with %d\n", st);
	if (st != 3)
		failures++;

	/* Fork while another thread is blocked: the child has one thread. */
	CHECK(pipe(tpipe) == 0);
	CHECK(pthread_create(&t, NULL, blocker, NULL) == 0);
	fflush(stdout);
	CHECK((pid = fork()) >= 0);
	if (!pid) {
		char buf[32];
		int fd, n;

		CHECK((fd = open("fork.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0);
		n = snprintf(buf, sizeof buf, "written by the child\n");
		CHECK(write(fd, buf, n) == n && close(fd) == 0);
		printf("fork: child of a threaded parent runs\n");
		exit(4);
	}
	st = wait_status(pid);
	printf("fork: threaded parent's child exited with %d\n", st);
	if (st != 4)
		failures++;
	CHECK(write(tpipe[1], "x", 1) == 1);
	CHECK(pthread_join(t, &res) == 0);
	expect(res != NULL, "fork: the other thread carried on");
	FILE *f = fopen("fork.txt", "r");
	char line[64] = "";
	CHECK(f && fgets(line, sizeof line, f) && fclose(f) == 0);
	printf("fork: file says: %s", line);
	CHECK(unlink("fork.txt") == 0);
}

/* ---- spawn ------------------------------------------------------------ */

static void do_spawn(void)
{
	char *echo_argv[] = { "echo", "spawned:", "two words", NULL };
	char *sh_argv[] = { "sh", "-c", "kill -USR1 $$; echo survived", NULL };
	char *none_argv[] = { "none", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	struct sigaction sa;
	sigset_t def;
	pid_t pid;
	FILE *f;
	char line[64] = "";
	int r;

	fflush(stdout);
	CHECK(posix_spawn(&pid, "/bin/echo", NULL, NULL, echo_argv, environ) == 0);
	printf("spawn: echo exited with %d\n", wait_status(pid));

	CHECK(posix_spawn_file_actions_init(&fa) == 0);
	CHECK(posix_spawn_file_actions_addopen(&fa, 1, "spawn.txt",
					       O_WRONLY | O_CREAT | O_TRUNC, 0644) == 0);
	fflush(stdout);
	CHECK(posix_spawnp(&pid, "echo", &fa, NULL, echo_argv, environ) == 0);
	printf("spawn: redirected echo exited with %d\n", wait_status(pid));
	CHECK(posix_spawn_file_actions_destroy(&fa) == 0);
	CHECK((f = fopen("spawn.txt", "r")) && fgets(line, sizeof line, f) && fclose(f) == 0);
	printf("spawn: spawn.txt says: %s", line);
	CHECK(unlink("spawn.txt") == 0);

	r = posix_spawn(&pid, "/nonexistent/program", NULL, NULL, none_argv, environ);
	printf("spawn: a missing program fails with %s\n", r == ENOENT ? "ENOENT" : strerror(r));
	if (r == 0)
		wait_status(pid);

	/* A handler in the parent, reset in the child by SETSIGDEF: the
	 * child shell dies of SIGUSR1 instead of running the handler. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(posix_spawnattr_init(&attr) == 0);
	sigemptyset(&def);
	sigaddset(&def, SIGUSR1);
	CHECK(posix_spawnattr_setsigdefault(&attr, &def) == 0);
	CHECK(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF) == 0);
	fflush(stdout);
	CHECK(posix_spawn(&pid, "/bin/sh", NULL, &attr, sh_argv, environ) == 0);
	r = wait_status(pid);
	printf("spawn: sh with SIGUSR1 reset died of SIGUSR1: %s\n",
	       r == 128 + SIGUSR1 ? "yes" : "NO");
	if (r != 128 + SIGUSR1)
		failures++;
	CHECK(posix_spawnattr_destroy(&attr) == 0);
}

/* ---- storm ------------------------------------------------------------ */

#define RECORDS 20000
#define SIGNALS 2000
#define RECLEN 6

static volatile sig_atomic_t handled;

static void count(int sig)
{
	(void)sig;
	handled++;
}

static void do_storm(int restart)
{
	struct sigaction sa;
	int go[2], written[2], done[2], fd, st;
	long eintr = 0, eintr_child = 0;
	pid_t parent = getpid(), pid, r;
	char rec[RECLEN + 1], *all, c = 0, g = 'g', w = 'w', d = 'd';
	const char *mode = restart ? "SA_RESTART" : "no SA_RESTART";

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = count;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = restart ? SA_RESTART : 0;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(pipe(go) == 0 && pipe(written) == 0 && pipe(done) == 0);
	CHECK((fd = open("storm.dat", O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0);

	CHECK((pid = fork()) >= 0);
	if (!pid) {
		/* Half the signals while the parent writes, half while it is
		 * blocked in read(), where, without SA_RESTART, it sees EINTR. */
		if (full_io(0, go[0], &c, 1, &eintr_child))
			_exit(10);
		for (int i = 0; i < SIGNALS; i++) {
			if (i == SIGNALS / 2 && full_io(0, written[0], &c, 1, &eintr_child))
				_exit(11);
			if (kill(parent, SIGUSR1))
				_exit(12);
			if (i % 8 == 0)
				sched_yield();
		}
		_exit(full_io(1, done[1], &d, 1, &eintr_child) ? 13 : 0);
	}
	CHECK(full_io(1, go[1], &g, 1, &eintr) == 0);
	for (int i = 0; i < RECORDS; i++) {
		snprintf(rec, sizeof rec, "%05d\n", i);
		CHECK(full_io(1, fd, rec, RECLEN, &eintr) == 0);
	}
	CHECK(full_io(1, written[1], &w, 1, &eintr) == 0);
	CHECK(full_io(0, done[0], &c, 1, &eintr) == 0);
	while ((r = waitpid(pid, &st, 0)) == -1 && errno == EINTR)
		eintr++;
	CHECK(r == pid);
	CHECK(close(fd) == 0);
	fprintf(stderr, "behave: storm (%s): %d signals handled, %ld EINTR retried\n",
		mode, (int)handled, eintr);

	/* Read it all back and check every record. */
	CHECK((all = malloc(RECORDS * RECLEN + 1)) != NULL);
	CHECK((fd = open("storm.dat", O_RDONLY)) >= 0);
	ssize_t n = 0, k;
	while ((k = read(fd, all + n, RECORDS * RECLEN + 1 - n)) > 0 ||
	       (k < 0 && errno == EINTR))
		if (k > 0)
			n += k;
	CHECK(close(fd) == 0);
	int good = n == RECORDS * RECLEN;
	for (int i = 0; good && i < RECORDS; i++) {
		snprintf(rec, sizeof rec, "%05d\n", i);
		good = !memcmp(all + (size_t)i * RECLEN, rec, RECLEN);
	}
	free(all);
	printf("storm (%s): %d records of %d bytes\n", mode, RECORDS, RECLEN);
	expect(good, "storm: the file is exactly right");
	expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "storm: the child sent every signal");
	expect(handled > 0, "storm: the handler ran");
	if (restart)
		expect(eintr == 0, "storm: no EINTR with SA_RESTART");
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "cancel"))
		do_cancel();
	else if (argc >= 2 && !strcmp(argv[1], "fork"))
		do_fork();
	else if (argc >= 2 && !strcmp(argv[1], "spawn"))
		do_spawn();
	else if (argc >= 3 && !strcmp(argv[1], "storm"))
		do_storm(!strcmp(argv[2], "restart"));
	else {
		fprintf(stderr, "usage: behave cancel|fork|spawn|storm restart|norestart\n");
		return 2;
	}
	printf("exit status: %d\n", failures ? 1 : 0);
	return failures ? 1 : 0;
}
