/* A handler changed while its signal is on its way: one thread raises
 * SIGUSR1 and SIGWINCH without pause while the main thread cycles
 * SIGUSR1 between a handler, SIG_IGN and an SA_SIGINFO handler, and
 * re-arms a one-shot (SA_RESETHAND) SIGWINCH handler.  Natively each
 * signal finds one disposition or the other; the engine's handler must
 * never call SIG_IGN as a handler nor one handler with another's flags
 * (CPython's test_signal test_stress_modifying_handlers died of SIGSEGV). */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile int stop;
static volatile long got, bad;

static void h(int s) { (void)s; got++; }

static void hi(int s, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!si || si->si_signo != s)
		bad++;
	got++;
}

static void *spam(void *a)
{
	(void)a;
	while (!stop) {
		kill(getpid(), SIGUSR1);
		kill(getpid(), SIGWINCH);
	}
	return 0;
}

int main(void)
{
	struct sigaction a = { .sa_handler = h }, ign = { .sa_handler = SIG_IGN };
	struct sigaction b = { .sa_sigaction = hi, .sa_flags = SA_SIGINFO };
	struct sigaction once = { .sa_handler = h, .sa_flags = SA_RESETHAND };
	pthread_t t;

	sigaction(SIGUSR1, &a, 0);
	if (pthread_create(&t, 0, spam, 0))
		return 2;
	for (int i = 0; i < 30000 || !got; i++) {
		sigaction(SIGUSR1, &a, 0);
		sigaction(SIGUSR1, &ign, 0);
		sigaction(SIGUSR1, &b, 0);
		sigaction(SIGWINCH, &once, 0);
	}
	sigaction(SIGUSR1, &ign, 0);
	stop = 1;
	pthread_join(t, 0);
	printf("wrong siginfo: %ld\n", bad);
	return 0;
}
