/* A vfork child's signal dispositions are its own, though it shares its
 * parent's memory: the child sets a handler back to SIG_DFL (as CPython's
 * subprocess does), sets others, takes a one-shot (SA_RESETHAND)
 * handler's signal, and a second child dies of a fatal default signal; a
 * posix_spawn child resets a handler too.  The parent's handlers still
 * run, its view of its dispositions is unchanged, and it still dies of
 * SIGTERM at the end (issue 11: its next signal jumped to address 0). */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static volatile sig_atomic_t chld;

static void say(const char *s) { write(1, s, strlen(s)); }
static void h1(int s) { (void)s; say("h1 ran\n"); }
static void h2(int s) { (void)s; say("h2 ran\n"); }
static void hc(int s) { (void)s; chld = 1; }

static const char *name(int sig)
{
	struct sigaction o;
	void (*f)(int);

	if (sigaction(sig, NULL, &o))
		return "error";
	f = o.sa_handler;
	return f == SIG_DFL ? "SIG_DFL" : f == SIG_IGN ? "SIG_IGN" : f == h1 ? "h1" :
	       f == h2 ? "h2" : f == hc ? "hc" : "other";
}

/* No stdio: a vfork child may only make calls that touch no shared state. */
static void view(const char *who)
{
	static const int sig[] = { SIGUSR1, SIGUSR2, SIGTERM, SIGHUP, SIGCHLD };
	static const char *const sname[] = { "USR1", "USR2", "TERM", "HUP", "CHLD" };

	say(who);
	for (unsigned i = 0; i < 5; i++) {
		say(" ");
		say(sname[i]);
		say("=");
		say(name(sig[i]));
	}
	say("\n");
}

static void status(const char *who, int st)
{
	char b[64];

	if (WIFEXITED(st))
		snprintf(b, sizeof b, "%s: exit %d\n", who, WEXITSTATUS(st));
	else
		snprintf(b, sizeof b, "%s: signal %d\n", who, WIFSIGNALED(st) ? WTERMSIG(st) : -1);
	say(b);
}

int main(void)
{
	struct sigaction a1 = { .sa_handler = h1 };
	struct sigaction a2 = { .sa_handler = h2, .sa_flags = SA_RESETHAND };
	struct sigaction ac = { .sa_handler = hc, .sa_flags = SA_RESTART };
	struct sigaction dfl = { .sa_handler = SIG_DFL }, ign = { .sa_handler = SIG_IGN };
	posix_spawnattr_t at;
	sigset_t def;
	char *argv[] = { "true", NULL };
	pid_t p;
	int st;

	sigaction(SIGUSR1, &a1, 0);
	sigaction(SIGUSR2, &a2, 0);
	sigaction(SIGCHLD, &ac, 0);
	view("parent");

	p = vfork();
	if (p == 0) {
		sigaction(SIGUSR1, &dfl, 0);
		sigaction(SIGCHLD, &dfl, 0);
		view("child");
		kill(getpid(), SIGUSR2);
		sigaction(SIGTERM, &a1, 0);
		sigaction(SIGHUP, &ign, 0);
		view("child");
		_exit(3);
	}
	waitpid(p, &st, 0);
	status("child", st);
	view("parent");
	kill(getpid(), SIGUSR1);

	p = vfork();
	if (p == 0) {
		kill(getpid(), SIGTERM);
		_exit(0);
	}
	waitpid(p, &st, 0);
	status("second child", st);
	view("parent");

	posix_spawnattr_init(&at);
	sigemptyset(&def);
	sigaddset(&def, SIGUSR1);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF);
	if (posix_spawn(&p, "/bin/true", NULL, &at, argv, environ) == 0) {
		waitpid(p, &st, 0);
		status("spawned", st);
	}
	view("parent");
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR2);
	say(chld ? "SIGCHLD handled\n" : "no SIGCHLD\n");
	view("parent");
	kill(getpid(), SIGTERM);
	say("not reached\n");
	return 0;
}
