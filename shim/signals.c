/* Signals.  The engine stands in for the program's dispositions:
 * - a fatal signal left at its default gets the engine's handler, which
 *   flushes the queue, writes the report, restores the default and lets
 *   the signal kill the process as it would have;
 * - a program's handler is called through the engine's, which postpones
 *   it while its thread is inside the engine (so a handler never sees the
 *   queue mid-change, nor jumps ahead of it), flushes the queue before it
 *   runs, and defers nothing while it runs.
 * The program keeps seeing the dispositions it set.
 * The records belong to the process that owns the engine.  A vfork or
 * posix_spawn child shares the memory (this thread's TLS too) but has its
 * own copy of the kernel's dispositions: it reads the records, never
 * writes them, and never touches the queue, which is its parent's. */
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

#include "engine.h"
#include "raw.h"
#include "stats.h"

#define E __bc_e
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000  /* the kernel's; libc headers may hide it */
#endif
#define NSIG_K 65

/* The kernel's struct sigaction on x86_64. */
struct ksig {
	unsigned long handler, flags, restorer, mask;
};

/* Return from a handler (thread.S). */
hidden void __bc_restore_rt(void);

hidden __thread int __bc_in_handler;
hidden __thread unsigned long __bc_postponed;
static __thread siginfo_t postponed_info[NSIG_K];

static const unsigned long fatal_set =
	1UL << (SIGHUP - 1) | 1UL << (SIGINT - 1) | 1UL << (SIGQUIT - 1) |
	1UL << (SIGILL - 1) | 1UL << (SIGABRT - 1) | 1UL << (SIGBUS - 1) |
	1UL << (SIGFPE - 1) | 1UL << (SIGUSR1 - 1) | 1UL << (SIGSEGV - 1) |
	1UL << (SIGUSR2 - 1) | 1UL << (SIGPIPE - 1) | 1UL << (SIGALRM - 1) |
	1UL << (SIGTERM - 1) | 1UL << (SIGXCPU - 1) | 1UL << (SIGXFSZ - 1) |
	1UL << (SIGVTALRM - 1) | 1UL << (SIGPROF - 1) | 1UL << (SIGSYS - 1) |
	1UL << (SIGTRAP - 1) | 1UL << (SIGSTKFLT - 1) | 1UL << (SIGIO - 1) |
	1UL << (SIGPWR - 1);

/* Faults: the handler runs at once, even inside the engine. */
static const unsigned long fault_set =
	1UL << (SIGILL - 1) | 1UL << (SIGBUS - 1) | 1UL << (SIGFPE - 1) |
	1UL << (SIGSEGV - 1) | 1UL << (SIGTRAP - 1);

/* Stop signals: their default stops the process. */
static const unsigned long stop_set =
	1UL << (SIGTSTP - 1) | 1UL << (SIGTTIN - 1) | 1UL << (SIGTTOU - 1);

enum { PASS, FATAL, WRAPPED };

/* Per signal: what the kernel has (PASS: the program's own disposition),
 * and what the program set. */
static unsigned char mode[NSIG_K];
static struct ksig program[NSIG_K];

/* Per signal, what on_signal calls, in one word that it reads at once:
 * another thread may change the disposition while the signal is on its
 * way, and a handler must never be called with another's flags, nor
 * SIG_IGN or SIG_DFL called as one.  The handler's address (user space:
 * below bit 47) with SA_SIGINFO and SA_RESETHAND in the top bits. */
#define RUN_SIGINFO   (1UL << 63)
#define RUN_RESETHAND (1UL << 62)
#define RUN_HANDLER   (RUN_RESETHAND - 1)
static unsigned long run[NSIG_K];

static unsigned long run_of(const struct ksig *k)
{
	return (k->handler & RUN_HANDLER) | (k->flags & SA_SIGINFO ? RUN_SIGINFO : 0) |
	       (k->flags & SA_RESETHAND ? RUN_RESETHAND : 0);
}

static int in(unsigned long set, int sig)
{
	return sig > 0 && sig < 64 && (set >> (sig - 1) & 1);
}

/* Whether the caller may write the records: not a child sharing the
 * memory (nor a fork child before the engine starts it afresh). */
static int owner(void)
{
	return __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0) == E.owner;
}

static void set_default(int sig)
{
	struct ksig dfl = { (unsigned long)SIG_DFL, 0, 0, 0 };

	__bc_raw6(SYS_rt_sigaction, sig, (long)&dfl, 0, 8, 0, 0);
}

/* A sent signal is sent again, to this thread, now to the default; a
 * fault repeats by itself when the handler returns. */
static void die_of(int sig, const siginfo_t *si)
{
	unsigned long set = 1UL << (sig - 1);

	set_default(sig);
	if (!(in(fault_set, sig) && si->si_code > 0))
		__bc_raw6(SYS_tgkill, __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0),
			  __bc_raw6(SYS_gettid, 0, 0, 0, 0, 0, 0), sig, 0, 0, 0);
	__bc_raw6(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&set, 0, 8, 0, 0);
}

/* Postpone sig to the thread's leaving the engine; 0 if it cannot wait:
 * a fault, which repeats at once, or a thread blocked in the engine (on
 * the lock, or in a flush's write to a full pipe), which may never leave
 * it unless the signal acts now, as it would have natively.  A handler
 * run then makes raw calls: the program was, natively, at the blocked
 * call, and the calls queued after it had not been made yet. */
static int postpone(int sig, const siginfo_t *si)
{
	if (!__bc_depth || __bc_blocked || (in(fault_set, sig) && si->si_code > 0))
		return 0;
	postponed_info[sig] = *si;
	__bc_postponed |= 1UL << (sig - 1);
	return 1;
}

/* Flush for a dying process; a flush blocked on a full pipe (the timer
 * thread's) is not waited for long: the signal must still kill. */
static void last_flush(void)
{
	if (!__bc_on || __bc_depth || !__bc_lock_briefly())
		return;
	__bc_depth++;
	__bc_settle_briefly(FL_SIGNAL);
	__bc_unlock();
	__bc_depth--;
}

static void on_fatal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	/* A child sharing the memory dies as it would natively: nothing of
	 * it is pending, and the record is its parent's. */
	if (!owner()) {
		die_of(sig, si);
		return;
	}
	if (postpone(sig, si))
		return;
	last_flush();
	if (!__bc_depth)
		__bc_stats_report(-1);
	mode[sig] = PASS;
	die_of(sig, si);
}

static long install(int sig, void (*h)(int, siginfo_t *, void *), unsigned long flags,
		    unsigned long mask)
{
	struct ksig k = { (unsigned long)h, flags | SA_SIGINFO | SA_RESTORER,
			  (unsigned long)__bc_restore_rt, mask };

	return __bc_raw6(SYS_rt_sigaction, sig, (long)&k, 0, 8, 0, 0);
}

/* The program changed the disposition while the signal was on its way:
 * it acts as if it came just after the change. */
static void act_default(int sig, unsigned long h, siginfo_t *si, void *uc, int mine)
{
	if (h != (unsigned long)SIG_DFL)
		return;  /* SIG_IGN */
	if (in(fatal_set, sig)) {
		if (mine)
			on_fatal(sig, si, uc);
		else
			die_of(sig, si);
	} else if (in(stop_set, sig)) {
		set_default(sig);
		__bc_raw6(SYS_tgkill, __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0),
			  __bc_raw6(SYS_gettid, 0, 0, 0, 0, 0, 0), sig, 0, 0, 0);
	}
	/* The others' default ignores them. */
}

static void call_handler(unsigned long h, int sig, siginfo_t *si, void *uc)
{
	if (h & RUN_SIGINFO)
		((void (*)(int, siginfo_t *, void *))(h & RUN_HANDLER))(sig, si, uc);
	else
		((void (*)(int))(h & RUN_HANDLER))(sig);
}

/* A handler is a user-space address; SIG_DFL and SIG_IGN are 0 and 1. */
static int callable(unsigned long h)
{
	return (h & RUN_HANDLER) > (unsigned long)SIG_IGN;
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	unsigned long h = __atomic_load_n(&run[sig], __ATOMIC_ACQUIRE);

	/* A child sharing the memory runs the handler plainly: its calls
	 * are its own, and SA_RESETHAND resets its own disposition only. */
	if (!owner()) {
		if (!callable(h)) {
			act_default(sig, h, si, uc, 0);
			return;
		}
		if (h & RUN_RESETHAND)
			set_default(sig);
		call_handler(h, sig, si, uc);
		return;
	}
	if (postpone(sig, si))
		return;
	/* A one-shot handler: the default from now on, for this delivery
	 * only if another thread's did not take it first. */
	while (callable(h) && (h & RUN_RESETHAND) &&
	       !__atomic_compare_exchange_n(&run[sig], &h, (unsigned long)SIG_DFL, 0,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		;
	if (!callable(h)) {
		act_default(sig, h, si, uc, 1);
		return;
	}
	if (h & RUN_RESETHAND) {
		program[sig].handler = (unsigned long)SIG_DFL;
		mode[sig] = PASS;
		if (in(fatal_set, sig) && !install(sig, on_fatal, 0, ~0UL))
			mode[sig] = FATAL;
		else
			set_default(sig);
	}
	__bc_engine_settle(FL_SIGNAL);
	__bc_in_handler++;
	call_handler(h, sig, si, uc);
	__bc_in_handler--;
}

hidden int __bc_signal_kills(int sig)
{
	struct ksig k;

	/* glibc's sigset and sigignore change a disposition unseen. */
	return mode[sig] == FATAL && !__bc_raw6(SYS_rt_sigaction, sig, 0, (long)&k, 8, 0, 0) &&
	       k.handler == (unsigned long)on_fatal;
}

hidden void __bc_die_of(int sig, int report)
{
	struct ksig dfl = { (unsigned long)SIG_DFL, 0, 0, 0 };
	unsigned long set = 1UL << (sig - 1);
	struct timespec ms = { 0, 1000000 };

	if (report)
		__bc_stats_report(-1);
	__bc_raw6(SYS_rt_sigaction, sig, (long)&dfl, 0, 8, 0, 0);
	mode[sig] = PASS;
	/* To the process: a raw thread of the engine blocks every signal,
	 * and dies with the others. */
	__bc_raw6(SYS_kill, __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0), sig, 0, 0, 0, 0);
	__bc_raw6(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&set, 0, 8, 0, 0);
	for (int i = 0; i < 1000; i++)
		__bc_raw6(SYS_nanosleep, (long)&ms, 0, 0, 0, 0, 0);
}

hidden void __bc_raise_postponed(void)
{
	long pid = __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
	long tid = __bc_raw6(SYS_gettid, 0, 0, 0, 0, 0, 0);

	while (__bc_postponed) {
		int sig = __builtin_ctzl(__bc_postponed) + 1;
		__bc_postponed &= ~(1UL << (sig - 1));
		__bc_raw6(SYS_rt_tgsigqueueinfo, pid, tid, sig, (long)&postponed_info[sig], 0, 0);
	}
}

hidden void __bc_signals_start(void)
{
	struct ksig cur;

	for (int sig = 1; sig < 64; sig++) {
		if (!in(fatal_set, sig) ||
		    __bc_raw6(SYS_rt_sigaction, sig, 0, (long)&cur, 8, 0, 0) ||
		    cur.handler != (unsigned long)SIG_DFL)
			continue;
		program[sig] = cur;
		if (!install(sig, on_fatal, 0, ~0UL))
			mode[sig] = FATAL;
	}
}

hidden long __bc_sigaction(int sig, const void *act, void *oact, long size)
{
	const struct ksig *k = act;
	struct ksig prev;
	long r;
	int mine;

	/* SIGKILL and SIGSTOP fail in the kernel; libc's own signals (32,
	 * 33) and the realtime ones are left alone. */
	if (size != 8 || sig < 1 || sig > 31 || sig == SIGKILL || sig == SIGSTOP)
		return __bc_raw6(SYS_rt_sigaction, sig, (long)act, (long)oact, size, 0, 0);
	r = __bc_raw6(SYS_rt_sigaction, sig, 0, (long)&prev, 8, 0, 0);
	if (r)
		return r;
	mine = owner();
	/* libc's own sigset or siginterrupt may have replaced the engine's
	 * handler behind the wrappers, or a child its copy of it: then the
	 * kernel's is the truth. */
	if (mode[sig] == WRAPPED && prev.handler == (unsigned long)on_signal) {
		/* Flags and mask as the kernel has them (siginterrupt changes
		 * SA_RESTART in place), less what the engine adds. */
		const unsigned long own = SA_SIGINFO | SA_RESETHAND;
		struct ksig v = program[sig];
		v.flags = (prev.flags & ~own & ~(unsigned long)SA_RESTORER) |
			  (v.flags & (own | SA_RESTORER));
		v.mask = prev.mask;
		if (mine)
			program[sig] = v;
		prev = v;
	} else if (mode[sig] == FATAL && prev.handler == (unsigned long)on_fatal) {
		prev = program[sig];
	} else if (mine) {
		mode[sig] = PASS;
	}
	if (k && !mine) {
		/* A child sharing the memory: its own table only. */
		r = __bc_raw6(SYS_rt_sigaction, sig, (long)k, 0, 8, 0, 0);
		if (r)
			return r;
	} else if (k) {
		unsigned m = PASS;
		unsigned long was = __atomic_load_n(&run[sig], __ATOMIC_RELAXED);
		/* A signal the engine's handler gets finds the disposition the
		 * kernel had when it came, or a later one: a handler is known
		 * before the kernel calls for it, a default or SIG_IGN once the
		 * kernel has it. */
		if (k->handler == (unsigned long)SIG_DFL && in(fatal_set, sig)) {
			r = install(sig, on_fatal, 0, ~0UL);
			m = FATAL;
		} else if (k->handler == (unsigned long)SIG_DFL ||
			   k->handler == (unsigned long)SIG_IGN) {
			r = __bc_raw6(SYS_rt_sigaction, sig, (long)k, 0, 8, 0, 0);
		} else {
			__atomic_store_n(&run[sig], run_of(k), __ATOMIC_RELEASE);
			r = install(sig, on_signal, k->flags & ~SA_RESETHAND, k->mask);
			m = WRAPPED;
		}
		if (r) {
			__atomic_store_n(&run[sig], was, __ATOMIC_RELEASE);
			return r;
		}
		__atomic_store_n(&run[sig], run_of(k), __ATOMIC_RELEASE);
		program[sig] = *k;
		mode[sig] = m;
	}
	if (oact)
		*(struct ksig *)oact = prev;
	return 0;
}
