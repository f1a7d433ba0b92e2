/* Signals (signals.c): the engine stands in for the program's
 * dispositions, and a deferred call's failure kills as it would have. */
#ifndef BC_SIGNALS_H
#define BC_SIGNALS_H

#include "hidden.h"

/* Is sig at its default action, which kills: the engine's stand-in, in
 * the kernel too (asked with one raw call)?  Asked only once armed:
 * before, no stand-in is in place. */
hidden int __bc_signal_kills(int sig);
/* Does the kernel give sig to the engine's handler (asked with one raw
 * call)?  The net's question, handed to it by __bc_arm. */
hidden int __bc_signal_ours(int sig);
/* A deferred call failed where natively its signal (SIGPIPE at the
 * default action) killed the process before it made another call: die
 * of it now, issuing nothing more.  report: write BC_STATS first (not on
 * the engine's raw threads).  Returns only if the signal did not kill
 * within about a second (the caller counts a misprediction).  The
 * executors', handed to them by __bc_arm. */
hidden void __bc_die_of(int sig, int report);

/* Take over the fatal signals whose disposition is the default (__bc_arm). */
hidden void __bc_signals_arm(void);
/* Does the engine stand in for sig's handler (1 to 64 but libc's own)? */
hidden int __bc_signal_wrapped(int sig);
/* An rt_sigaction the program makes (the kernel's struct), filtered: the
 * engine's handler stands in for the program's, which keeps seeing its
 * own dispositions; bypassed: from a musl thread that bypasses the entry
 * (a vfork or posix_spawn child, or a handler inside it); returns the
 * syscall's result. */
hidden long __bc_sigaction(int sig, const void *act, void *oact, long size, int bypassed);

#endif
