/* The engine's raw threads: a 64 KiB mapping each, a stack below a TLS
 * block whose first word points to itself, every signal blocked from
 * birth; a mapping is reused only once its thread is off it.
 * __bc_spawn (thread.S) makes the clone. */
/* From linux/futex.h, which musl builds cannot include. */
#define FUTEX_WAIT 0
#include <errno.h>
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

/* A mapping of t's that no thread is on, or a new one (remembered where
 * there is room: a thread that never ends keeps its own); NULL if none
 * can be made. */
static struct bc_raw_top *free_map(struct bc_raw_thread *t)
{
	struct bc_raw_top *top;
	long m;
	int i;

	for (i = 0; i < BC_RAW_MAPS; i++)
		if (t->map[i] && !__atomic_load_n(&t->map[i]->running, __ATOMIC_ACQUIRE))
			return t->map[i];
	m = __bc_raw6(SYS_mmap, 0, STACK_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if ((unsigned long)m > -4096UL)
		return NULL;
	top = (struct bc_raw_top *)((char *)m + STACK_SIZE - sizeof *top);
	for (i = 0; i < BC_RAW_MAPS && t->map[i]; i++)
		;
	if (i < BC_RAW_MAPS)
		t->map[i] = top;
	return top;
}

hidden long __bc_raw_thread(struct bc_raw_thread *t, void (*fn)(void))
{
	unsigned long all = ~0UL, old;
	struct bc_raw_top *top = free_map(t);
	long tid;

	if (!top)
		return -ENOMEM;
	top->tls[0] = (uint64_t)(uintptr_t)top->tls;  /* the TCB points to itself */
	top->running = 1;
	t->cur = top;
	/* Born with every signal blocked: none is ever delivered to it. */
	__bc_raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&all, (long)&old, 8, 0, 0);
	/* A top inside the mapping: valgrind finds a new thread's stack by
	 * the byte its pointer points at. */
	tid = __bc_spawn(fn, (char *)top - 64, top->tls, &top->running);
	__bc_raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, 8, 0, 0);
	if (tid < 0)
		top->running = 0;
	return tid;
}

hidden void __bc_raw_thread_join(struct bc_raw_thread *t)
{
	int *w, v;

	if (!t->cur)
		return;
	w = &t->cur->running;
	/* The kernel's wake at thread exit is not a private futex's. */
	while ((v = __atomic_load_n(w, __ATOMIC_ACQUIRE)))
		__bc_raw6(SYS_futex, (long)w, FUTEX_WAIT, v, 0, 0, 0);
}

hidden void __bc_raw_thread_forget(struct bc_raw_thread *t)
{
	for (int i = 0; i < BC_RAW_MAPS; i++)
		if (t->map[i])
			t->map[i]->running = 0;
	if (t->cur)
		t->cur->running = 0;
}
