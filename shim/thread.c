/* The engine's raw threads: a 64 KiB mapping each, a stack below a TLS
 * block whose first word points to itself, every signal blocked from
 * birth; a mapping is reused only once its thread is off it.
 * __bc_spawn (thread.S) makes the clone.  A thread may keep an fd table
 * of its own and borrow the program's fds (pidfd_getfd) while it needs
 * them. */
/* From linux/futex.h and linux/close_range.h, which musl builds cannot
 * include. */
#define FUTEX_WAIT 0
#define CLOSE_RANGE_UNSHARE 2
#include <errno.h>
#include <fcntl.h>
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

hidden long __bc_raw_thread(struct bc_raw_thread *t, void (*fn)(void), uint64_t arg)
{
	unsigned long all = ~0UL, old;
	struct bc_raw_top *top = free_map(t);
	long tid;

	if (!top)
		return -ENOMEM;
	top->tls[0] = (uint64_t)(uintptr_t)top->tls;  /* the TCB points to itself */
	top->tls[1] = arg;
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

hidden long __bc_raw_own_fds(void)
{
	return __bc_raw6(SYS_close_range, 0, ~0U, CLOSE_RANGE_UNSHARE, 0, 0, 0);
}

hidden void __bc_raw_return(void)
{
	__bc_raw6(SYS_close_range, 0, ~0U, 0, 0, 0, 0);
}

/* The lowest fd number not among fds[0..n). */
static int number_left(const int *fds, unsigned n)
{
	for (int k = 0;; k++) {
		unsigned i = 0;
		while (i < n && fds[i] != k)
			i++;
		if (i == n)
			return k;
	}
}

hidden long __bc_raw_borrow(long pid, const int *fds, unsigned n)
{
	long pidfd = __bc_raw6(SYS_pidfd_open, pid, 0, 0, 0, 0, 0), r = 0;
	int away = number_left(fds, n);

	if (pidfd < 0)
		return pidfd;
	/* The table was empty: the pidfd took the lowest number, which may
	 * be one to lend. */
	if (pidfd != away) {
		r = __bc_raw6(SYS_dup3, pidfd, away, O_CLOEXEC, 0, 0, 0);
		__bc_raw6(SYS_close, pidfd, 0, 0, 0, 0, 0);
		pidfd = away;
	}
	/* Each lands on the lowest free number, then moves to its own
	 * (free: not the pidfd's, and lent once). */
	for (unsigned i = 0; i < n && r >= 0; i++) {
		long got = __bc_raw6(SYS_pidfd_getfd, pidfd, fds[i], 0, 0, 0, 0);
		if ((r = got) >= 0 && got != fds[i]) {
			r = __bc_raw6(SYS_dup3, got, fds[i], O_CLOEXEC, 0, 0, 0);
			__bc_raw6(SYS_close, got, 0, 0, 0, 0, 0);
		}
	}
	__bc_raw6(SYS_close, pidfd, 0, 0, 0, 0, 0);
	if (r < 0) {
		__bc_raw_return();
		return r;
	}
	return 0;
}
