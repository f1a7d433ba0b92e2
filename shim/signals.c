/* Signals.  The engine stands in for the program's dispositions:
 * - once armed (before its first call waits), a fatal signal left at its
 *   default gets the engine's handler, which flushes the queue, writes
 *   the report, restores the default and lets the signal kill the process
 *   as it would have;
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

#include "flush.h"
#include "kucontext.h"
#include "life.h"
#include "raw.h"
#include "signals.h"
#include "state.h"
#include "stats.h"
#include "sud.h"
#include "trap.h"

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

/* ARMING: the engine's handler is in the kernel for a moment while
 * __bc_signals_arm learns what was there before. */
enum { PASS, FATAL, WRAPPED, ARMING };

/* Per signal: what the kernel has (PASS: the program's own disposition),
 * and what the program set. */
static unsigned char mode[NSIG_K];
static struct ksig program[NSIG_K];
/* The stand-ins are in place: a SIG_DFL set from now on gets one. */
static int armed;

/* The records change under one lock (a spin: held for a few calls, never
 * across a wait), taken inside the engine (__bc_tls.depth) so that a handler
 * on the holder's thread is postponed past it.  held: this thread holds
 * it (a fault's handler, which is not postponed, may come back). */
static int records_lock;
static __thread int held;

static void lock_records(void)
{
	__bc_tls.depth++;
	if (held++)
		return;
	while (__atomic_exchange_n(&records_lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void unlock_records(void)
{
	if (!--held)
		__atomic_store_n(&records_lock, 0, __ATOMIC_RELEASE);
	__bc_leave();
}

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
	return sig > 0 && sig <= 64 && (set >> (sig - 1) & 1);
}

/* Its default kills the process: the standard ones above, and every
 * realtime signal but libc's own (their dispositions are libc's). */
static int fatal(int sig)
{
	return in(fatal_set, sig) || (sig > 31 && __bc_signal_wrapped(sig));
}

/* Whether a handler runs in the process that owns the records: not in a
 * child sharing the memory (nor in a fork child before the engine starts
 * it afresh).  Its pid is known wherever a handler of the engine's can
 * run in it (__bc_sigaction, __bc_arm). */
static int owner(void)
{
	return E.owner && __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0) == E.owner;
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
 * a fault, which repeats at once, or a thread blocked in the engine (in
 * a flush's write to a full pipe, or waiting for the lock while its
 * holder is in one: __bc_lock_blocks), which may never leave it unless
 * the signal acts now, as it would have natively.  A handler run then
 * makes raw calls: the program was, natively, at the blocked call, and
 * the calls queued after it had not been made yet.  A thread waiting for
 * a holder that cannot block waits for it: its handler's calls, run now,
 * would overtake what is pending (the holder's flush of the thread's own
 * earlier writes).
 * The kernel keeps it meanwhile, siginfo and all: sent again to this
 * thread, blocked (now, for a handler with SA_NODEFER, and in the mask
 * the handler's return restores) until __bc_leave unblocks it.  So no
 * thread carries room for a siginfo per signal in its TLS. */
static int postpone(int sig, const siginfo_t *si, void *uc)
{
	unsigned long set = 1UL << (sig - 1);

	if (!__bc_tls.depth || (__bc_tls.blocked && __atomic_load_n(&__bc_lock_blocks, __ATOMIC_RELAXED)) ||
	    (in(fault_set, sig) && si->si_code > 0))
		return 0;
	__bc_raw6(SYS_rt_sigprocmask, SIG_BLOCK, (long)&set, 0, 8, 0, 0);
	((struct kucontext *)uc)->sigmask |= set;
	__bc_raw6(SYS_rt_tgsigqueueinfo, __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0),
		  __bc_raw6(SYS_gettid, 0, 0, 0, 0, 0, 0), sig, (long)si, 0, 0);
	__bc_tls.postponed |= set;
	return 1;
}

/* This thread waits for the lock, whose holder may now block for good:
 * what it postponed, when the holder could not, acts now (postpone's
 * rule, applied again: lock.c's __bc_lock_wait). */
static void stuck(void)
{
	if (__bc_tls.postponed)
		__bc_raise_postponed();
}

/* Flush for a dying process; a flush blocked on a full pipe (the timer
 * thread's) is not waited for long: the signal must still kill. */
static void last_flush(void)
{
	if (!__bc_on || __bc_tls.depth || !__bc_lock_briefly(__bc_tls.lane))
		return;
	__bc_tls.depth++;
	__bc_settle(FL_SIGNAL, -1, 1);
	__bc_unlock();
	__bc_tls.depth--;
}

static void call_handler(unsigned long h, int sig, siginfo_t *si, void *uc);
static unsigned long run_of(const struct ksig *k);

static void on_fatal(int sig, siginfo_t *si, void *uc)
{
	unsigned m;

	if (sig == SIGSYS && __bc_sud_trap(si, uc))
		return;
	/* A child sharing the memory dies as it would natively: nothing of
	 * it is pending, and the record is its parent's. */
	if (!owner()) {
		die_of(sig, si);
		return;
	}
	/* Installed for a moment over another disposition while arming
	 * (SIG_IGN inherited, a handler set past the wrappers): act on that
	 * one, as the kernel would have. */
	while ((m = __atomic_load_n(&mode[sig], __ATOMIC_ACQUIRE)) == ARMING)
		__builtin_ia32_pause();
	if (m == PASS && program[sig].handler != (unsigned long)SIG_DFL) {
		if (program[sig].handler != (unsigned long)SIG_IGN)
			call_handler(run_of(&program[sig]), sig, si, uc);
		return;
	}
	if (postpone(sig, si, uc))
		return;
	last_flush();
	if (!__bc_tls.depth)
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
	if (fatal(sig)) {
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
	/* Its mask may block SIGSYS, which the net must never raise then;
	 * its calls are raw anyway (after a settle, or at a blocked one). */
	int opened = __bc_sud_open(), wrapped = __bc_tls.wrapped;

	/* Its own calls are not the wrapper's it interrupted; and if it
	 * jumps out of that wrapper, it stays out. */
	__bc_tls.wrapped = 0;
	if (h & RUN_SIGINFO)
		((void (*)(int, siginfo_t *, void *))(h & RUN_HANDLER))(sig, si, uc);
	else
		((void (*)(int))(h & RUN_HANDLER))(sig);
	__bc_tls.wrapped = wrapped;
	__bc_sud_close(opened);
}

/* A handler is a user-space address; SIG_DFL and SIG_IGN are 0 and 1. */
static int callable(unsigned long h)
{
	return (h & RUN_HANDLER) > (unsigned long)SIG_IGN;
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	unsigned long h = __atomic_load_n(&run[sig], __ATOMIC_ACQUIRE);

	if (sig == SIGSYS && __bc_sud_trap(si, uc))
		return;
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
	if (postpone(sig, si, uc))
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
		lock_records();
		program[sig].handler = (unsigned long)SIG_DFL;
		mode[sig] = PASS;
		if (fatal(sig) && armed && !install(sig, on_fatal, 0, ~0UL))
			mode[sig] = FATAL;
		else
			set_default(sig);
		unlock_records();
	}
	__bc_engine_settle(FL_SIGNAL);
	__bc_tls.in_handler++;
	call_handler(h, sig, si, uc);
	__bc_tls.in_handler--;
}

hidden int __bc_signal_kills(int sig)
{
	struct ksig k;

	/* glibc's sigset and sigignore change a disposition unseen. */
	return __atomic_load_n(&mode[sig], __ATOMIC_ACQUIRE) == FATAL &&
	       !__bc_raw6(SYS_rt_sigaction, sig, 0, (long)&k, 8, 0, 0) &&
	       k.handler == (unsigned long)on_fatal;
}

hidden int __bc_signal_ours(int sig)
{
	struct ksig k;

	return !__bc_raw6(SYS_rt_sigaction, sig, 0, (long)&k, 8, 0, 0) &&
	       (k.handler == (unsigned long)on_fatal || k.handler == (unsigned long)on_signal) &&
	       !(k.flags & SA_RESETHAND);
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

/* One call per signal: the stand-in goes in, and what it replaced comes
 * back; not the default (SIG_IGN inherited across exec, a handler set
 * past the wrappers), it goes back in.  With the thread's signals blocked,
 * a signal meanwhile waits for the final disposition, or on another
 * thread finds ARMING and waits for it (on_fatal).  A handler the program
 * set is already the engine's (WRAPPED). */
hidden void __bc_signals_arm(void)
{
	unsigned long all = ~0UL, old;
	struct ksig k = { (unsigned long)on_fatal, SA_SIGINFO | SA_RESTORER,
			  (unsigned long)__bc_restore_rt, ~0UL }, prev;

	__bc_raw6(SYS_rt_sigprocmask, SIG_BLOCK, (long)&all, (long)&old, 8, 0, 0);
	lock_records();
	for (int sig = 1; sig <= 64; sig++) {
		if (!fatal(sig) || mode[sig] != PASS)
			continue;
		__atomic_store_n(&mode[sig], ARMING, __ATOMIC_RELEASE);
		if (__bc_raw6(SYS_rt_sigaction, sig, (long)&k, (long)&prev, 8, 0, 0)) {
			__atomic_store_n(&mode[sig], PASS, __ATOMIC_RELEASE);
			continue;
		}
		program[sig] = prev;
		if (prev.handler == (unsigned long)SIG_DFL) {
			__atomic_store_n(&mode[sig], FATAL, __ATOMIC_RELEASE);
			continue;
		}
		__bc_raw6(SYS_rt_sigaction, sig, (long)&prev, 0, 8, 0, 0);
		__atomic_store_n(&mode[sig], PASS, __ATOMIC_RELEASE);
	}
	armed = 1;
	__bc_lock_stuck = stuck;
	unlock_records();
	__bc_raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, 8, 0, 0);
}

/* The program's view of the disposition prev the kernel had: the
 * engine's handler stands for what the program set.  mine: the records
 * are the caller's to correct. */
static struct ksig view(int sig, struct ksig prev, int mine)
{
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
		return v;
	}
	if (mode[sig] == FATAL && prev.handler == (unsigned long)on_fatal)
		return program[sig];
	if (mine)
		mode[sig] = PASS;
	return prev;
}

hidden int __bc_signal_wrapped(int sig)
{
	/* libc's own: glibc's 32 and 33 (cancellation, set*id), musl's 32
	 * to 34 (timers, cancellation, __synccall); the musl ways alone
	 * see every fd allocation (close_ok). */
	return sig >= 1 && sig <= 64 && sig != 32 && sig != 33 && !(sig == 34 && E.cfg.close_ok);
}

hidden long __bc_sigaction(int sig, const void *act, void *oact, long size, int bypassed)
{
	const struct ksig *k = act;
	struct ksig prev, set;
	unsigned long was;
	unsigned m = PASS;
	long r;

	/* SIGKILL and SIGSTOP fail in the kernel; libc's own are left
	 * alone. */
	if (size != 8 || !__bc_signal_wrapped(sig) || sig == SIGKILL || sig == SIGSTOP) {
		/* A handler of libc's own signal runs unwrapped (sud.c). */
		if (k && callable(k->handler) && in(k->mask, SIGSYS))
			__bc_sud_distrust();
		return __bc_raw6(SYS_rt_sigaction, sig, (long)act, (long)oact, size, 0, 0);
	}
	if (!__bc_owner(bypassed)) {
		/* A child sharing the memory: its own table, the records read. */
		r = __bc_raw6(SYS_rt_sigaction, sig, (long)k, (long)&prev, 8, 0, 0);
		if (!r && oact)
			*(struct ksig *)oact = view(sig, prev, 0);
		return r;
	}
	/* A handler of the engine's asks whose records they are. */
	if (k)
		__bc_owner_pid();
	lock_records();
	if (!k) {
		r = __bc_raw6(SYS_rt_sigaction, sig, 0, (long)&prev, 8, 0, 0);
		if (!r)
			prev = view(sig, prev, 1);
		goto out;
	}
	/* What goes to the kernel, one call that also returns what it had.
	 * A signal the engine's handler gets finds the disposition the kernel
	 * had when it came, or a later one: a handler is known before the
	 * kernel calls for it, a default or SIG_IGN once the kernel has it. */
	was = __atomic_load_n(&run[sig], __ATOMIC_RELAXED);
	set = *k;
	if (k->handler == (unsigned long)SIG_DFL && fatal(sig) && armed) {
		set = (struct ksig){ (unsigned long)on_fatal, SA_SIGINFO | SA_RESTORER,
				     (unsigned long)__bc_restore_rt, ~0UL };
		m = FATAL;
	} else if (k->handler != (unsigned long)SIG_DFL && k->handler != (unsigned long)SIG_IGN) {
		__atomic_store_n(&run[sig], run_of(k), __ATOMIC_RELEASE);
		set = (struct ksig){ (unsigned long)on_signal,
				     (k->flags & ~SA_RESETHAND) | SA_SIGINFO | SA_RESTORER,
				     (unsigned long)__bc_restore_rt, k->mask };
		m = WRAPPED;
	}
	r = __bc_raw6(SYS_rt_sigaction, sig, (long)&set, (long)&prev, 8, 0, 0);
	if (r) {
		__atomic_store_n(&run[sig], was, __ATOMIC_RELEASE);
		goto out;
	}
	prev = view(sig, prev, 1);
	__atomic_store_n(&run[sig], run_of(k), __ATOMIC_RELEASE);
	program[sig] = *k;
	__atomic_store_n(&mode[sig], m, __ATOMIC_RELEASE);
out:
	unlock_records();
	if (!r && oact)
		*(struct ksig *)oact = prev;
	return r;
}
