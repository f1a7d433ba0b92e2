/* The engine's raw threads (thread.c, thread.S): started with clone, no
 * libc, every signal blocked, a stack and a TLS block of their own; libc
 * does not know them.  The timer and the executor thread run on them. */
#ifndef BC_THREAD_H
#define BC_THREAD_H

#include <stdint.h>

#include "hidden.h"

/* The top of a raw thread's mapping, above its stack: its TLS block and
 * the word the kernel clears once the thread is off the mapping
 * (CLONE_CHILD_CLEARTID).  The mapping is its thread's alone until then:
 * a thread told to end and not waited for may still run when the next
 * one starts. */
struct bc_raw_top {
	uint64_t tls[8] __attribute__((__aligned__(64)));
	int running;
};

enum { BC_RAW_MAPS = 4 };

struct bc_raw_thread {
	struct bc_raw_top *map[BC_RAW_MAPS]; /* made so far, reused once gone */
	struct bc_raw_top *cur;              /* the newest thread's */
};

/* Start fn on a raw thread of t, on a mapping no thread is on, arg its
 * own (__bc_raw_arg: a shared word the spawner sets could be overwritten
 * by the next start before the thread reads it); its tid or -errno. */
hidden long __bc_raw_thread(struct bc_raw_thread *t, void (*fn)(void), uint64_t arg);
/* On a raw thread: the arg it was started with (its TLS block's second
 * word). */
static inline uint64_t __bc_raw_arg(void)
{
	uint64_t v;

	__asm__ volatile("mov %%fs:8, %0" : "=r"(v));
	return v;
}
/* Wait until t's newest thread has ended. */
hidden void __bc_raw_thread_join(struct bc_raw_thread *t);
/* In a fork child: t's threads were the parent's. */
hidden void __bc_raw_thread_forget(struct bc_raw_thread *t);

/* On a raw thread: its share of the process's fd table given up for an
 * empty table of its own.  While a thread shares the table, each of the
 * program's calls on an fd counts a reference to its file (the kernel's
 * fast way is for a table no other thread holds): about 40 ns a call.
 * 0, or -errno with the table still shared. */
hidden long __bc_raw_own_fds(void);
/* On a raw thread with a table of its own: the fds fds[0..n) (distinct)
 * of process pid's table lent to it under the same numbers, nothing else
 * in its table.  0, or -errno with nothing lent. */
hidden long __bc_raw_borrow(long pid, const int *fds, unsigned n);
/* Every lent fd given back (its table emptied). */
hidden void __bc_raw_return(void);

#endif
