/* The engine's raw threads: a 64 KiB stack mapped once per slot, a TLS
 * block whose first word points to itself, every signal blocked from
 * birth.  __bc_spawn (thread.S) makes the clone. */
/* From linux/futex.h, which musl builds cannot include. */
#define FUTEX_WAIT 0
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "raw.h"
#include "thread.h"

#define STACK_SIZE (64 * 1024)

/* Start fn on a new thread of this process with the given stack and TLS
 * block, *ctid cleared when it ends; its tid or -errno (thread.S). */
hidden long __bc_spawn(void (*fn)(void), void *stack_top, void *tls, int *ctid);

hidden long __bc_raw_thread(struct bc_raw_thread *t, void (*fn)(void))
{
	unsigned long all = ~0UL, old;
	struct bc_raw_slot *s = &t->slot[t->cur];
	long tid;

	if (__atomic_load_n(&s->running, __ATOMIC_ACQUIRE))
		s->stack = NULL;  /* a thread from two retirements ago: left be */
	if (!s->stack) {
		long m = __bc_raw6(SYS_mmap, 0, STACK_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if ((unsigned long)m > -4096UL)
			return m;
		s->stack = (char *)m;
	}
	s->tls[0] = (uint64_t)(uintptr_t)s->tls;  /* the TCB points to itself */
	s->running = 1;
	/* Born with every signal blocked: none is ever delivered to it. */
	__bc_raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&all, (long)&old, 8, 0, 0);
	/* A top inside the mapping: valgrind finds a new thread's stack by
	 * the byte its pointer points at. */
	tid = __bc_spawn(fn, s->stack + STACK_SIZE - 64, s->tls, &s->running);
	__bc_raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, 8, 0, 0);
	if (tid < 0)
		s->running = 0;
	return tid;
}

hidden void __bc_raw_thread_retired(struct bc_raw_thread *t)
{
	t->cur ^= 1;
}

hidden void __bc_raw_thread_join(struct bc_raw_thread *t)
{
	int *w = &t->slot[t->cur].running, v;

	/* The kernel's wake at thread exit is not a private futex's. */
	while ((v = __atomic_load_n(w, __ATOMIC_ACQUIRE)))
		__bc_raw6(SYS_futex, (long)w, FUTEX_WAIT, v, 0, 0, 0);
}

hidden void __bc_raw_thread_forget(struct bc_raw_thread *t)
{
	t->slot[t->cur].running = 0;
}
