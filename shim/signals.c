/* Fatal signals: where the program leaves a fatal signal's disposition at
 * its default, the engine's handler takes it, flushes the queue, writes
 * the report, restores the default and lets the signal kill the process
 * as it would have.  The program still sees the default when it asks. */
#include <signal.h>
#include <sys/syscall.h>

#include "engine.h"
#include "raw.h"
#include "stats.h"

#define E __bc_e
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000  /* the kernel's; libc headers may hide it */
#endif

/* The kernel's struct sigaction on x86_64. */
struct ksig {
	unsigned long handler, flags, restorer, mask;
};

/* Return from a handler (tramp.S). */
hidden void __bc_restore_rt(void);

static const unsigned long fatal_set =
	1UL << (SIGHUP - 1) | 1UL << (SIGINT - 1) | 1UL << (SIGQUIT - 1) |
	1UL << (SIGILL - 1) | 1UL << (SIGABRT - 1) | 1UL << (SIGBUS - 1) |
	1UL << (SIGFPE - 1) | 1UL << (SIGUSR1 - 1) | 1UL << (SIGSEGV - 1) |
	1UL << (SIGUSR2 - 1) | 1UL << (SIGPIPE - 1) | 1UL << (SIGALRM - 1) |
	1UL << (SIGTERM - 1) | 1UL << (SIGXCPU - 1) | 1UL << (SIGXFSZ - 1) |
	1UL << (SIGVTALRM - 1) | 1UL << (SIGPROF - 1) | 1UL << (SIGSYS - 1);

/* Signals whose kernel disposition is the engine's handler while the
 * program believes it is the default, with the flags and mask it set. */
static unsigned long managed;
static struct ksig program[65];

static int is_fatal(int sig)
{
	return sig > 0 && sig < 64 && (fatal_set >> (sig - 1) & 1);
}

static int is_managed(int sig)
{
	return sig > 0 && sig < 64 && (__atomic_load_n(&managed, __ATOMIC_ACQUIRE) >> (sig - 1) & 1);
}

static void on_fatal(int sig, siginfo_t *si, void *uc)
{
	struct ksig dfl = { (unsigned long)SIG_DFL, 0, 0, 0 };
	unsigned long set = 1UL << (sig - 1);

	(void)uc;
	if (__bc_on && !__bc_depth) {
		__bc_depth++;
		__bc_lock();
		__bc_run_queue_for(FL_SIGNAL, -1);
		__bc_unlock();
		__bc_depth--;
		__bc_stats_report(-1);
	}
	__bc_raw6(SYS_rt_sigaction, sig, (long)&dfl, 0, 8, 0, 0);
	__atomic_fetch_and(&managed, ~set, __ATOMIC_RELEASE);
	/* A fault repeats when the handler returns; a sent signal is sent
	 * again, now to the default. */
	if (si->si_code <= 0 || sig == SIGPIPE || sig == SIGTERM || sig == SIGINT ||
	    sig == SIGHUP || sig == SIGQUIT || sig == SIGALRM || sig == SIGUSR1 ||
	    sig == SIGUSR2 || sig == SIGXCPU || sig == SIGVTALRM || sig == SIGPROF ||
	    sig == SIGABRT)
		__bc_raw6(SYS_tgkill, __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0),
			  __bc_raw6(SYS_gettid, 0, 0, 0, 0, 0, 0), sig, 0, 0, 0);
	__bc_raw6(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&set, 0, 8, 0, 0);
}

static long install(int sig)
{
	struct ksig k = { (unsigned long)on_fatal,
			  SA_SIGINFO | SA_RESTORER | SA_RESTART, (unsigned long)__bc_restore_rt,
			  ~0UL };
	long r = __bc_raw6(SYS_rt_sigaction, sig, (long)&k, 0, 8, 0, 0);

	if (!r)
		__atomic_fetch_or(&managed, 1UL << (sig - 1), __ATOMIC_RELEASE);
	return r;
}

hidden void __bc_signals_start(void)
{
	struct ksig cur;

	for (int sig = 1; sig < 64; sig++) {
		if (!is_fatal(sig) ||
		    __bc_raw6(SYS_rt_sigaction, sig, 0, (long)&cur, 8, 0, 0) ||
		    cur.handler != (unsigned long)SIG_DFL)
			continue;
		program[sig] = cur;
		install(sig);
	}
}

hidden long __bc_sigaction(int sig, const void *act, void *oact, long size)
{
	const struct ksig *k = act;
	struct ksig prev;
	long r;

	if (size != 8 || !is_fatal(sig))
		return __bc_raw6(SYS_rt_sigaction, sig, (long)act, (long)oact, size, 0, 0);
	if (!is_managed(sig)) {
		r = __bc_raw6(SYS_rt_sigaction, sig, (long)act, (long)oact, size, 0, 0);
		if (!r && k && k->handler == (unsigned long)SIG_DFL) {
			program[sig] = *k;
			install(sig);
		}
		return r;
	}
	prev = program[sig];
	if (k && k->handler != (unsigned long)SIG_DFL) {
		r = __bc_raw6(SYS_rt_sigaction, sig, (long)act, 0, size, 0, 0);
		if (r)
			return r;
		__atomic_fetch_and(&managed, ~(1UL << (sig - 1)), __ATOMIC_RELEASE);
	} else if (k) {
		program[sig] = *k;
	}
	if (oact)
		*(struct ksig *)oact = prev;
	return 0;
}

hidden int __bc_signal_managed(int sig, void *program_act, unsigned size)
{
	(void)program_act;
	(void)size;
	return is_managed(sig);
}
