/* The engine's raw threads (thread.c, thread.S): started with clone, no
 * libc, every signal blocked, a stack and a TLS block of their own; libc
 * does not know them.  The timer and the executor thread run on them. */
#ifndef BC_THREAD_H
#define BC_THREAD_H

#include <stdint.h>

#include "hidden.h"

/* Two slots of a stack, a TLS block and the word the kernel clears once
 * the thread is off that stack (CLONE_CHILD_CLEARTID), so that a retired
 * thread's stack is reused only once it is gone. */
struct bc_raw_slot {
	char *stack;
	int running;
	uint64_t tls[8] __attribute__((__aligned__(64)));
};
struct bc_raw_thread {
	struct bc_raw_slot slot[2];
	unsigned cur;
};
/* Start fn on raw thread t's current slot; its tid or -errno. */
hidden long __bc_raw_thread(struct bc_raw_thread *t, void (*fn)(void));
/* t's thread was told to end and is not waited for: the next one runs
 * on the other slot. */
hidden void __bc_raw_thread_retired(struct bc_raw_thread *t);
/* Wait until t's thread has ended. */
hidden void __bc_raw_thread_join(struct bc_raw_thread *t);
/* In a fork child: t's thread was the parent's. */
hidden void __bc_raw_thread_forget(struct bc_raw_thread *t);

#endif
