/* The queue: room in its arena, a call pushed, the whole dropped, and
 * the fds its calls target (each fd's count of pending entries, and up
 * to BC_TARGETS_MAX of them listed for the dependency points and the
 * flush).  The only writer of them; engine.c merges a write into the
 * last entry in place (continues, append). */
#include "queue.h"
#include "state.h"

#define E __bc_e

/* Stamp an fd as the target of one more pending call. */
static void target(int fd)
{
	struct bc_fd *f = &E.fd[fd];

	if (f->npend++)
		return;
	__bc_obs_new();
	if (E.ntarget < BC_TARGETS_MAX)
		E.target[E.ntarget++] = fd;
	else
		E.many_targets = 1;
}

hidden char *__bc_queue_room(size_t n, size_t align)
{
	size_t at = (E.used + align - 1) & ~(align - 1);

	if (at + n > E.arena_size)
		at = 0;
	E.used = at + n;
	return E.arena + at;
}

hidden int __bc_queue_push(const struct bc_pend *p)
{
	__bc_unverdict();
	E.q[E.npend] = *p;
	/* The first call of a batch: sequentially consistent, against the
	 * timer thread's going to sleep (__bc_timer_need). */
	if (E.npend)
		__atomic_store_n(&E.npend, E.npend + 1, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&E.npend, 1, __ATOMIC_SEQ_CST);
	if (p->fd >= 0)
		target(p->fd);
	if (E.npend > 1)
		return 0;
	E.batch++;
	return 1;
}

hidden unsigned __bc_queue_fds(int *fds)
{
	unsigned char listed[BC_FD_MAX / 8] = { 0 };
	unsigned n = 0;

	if (!E.many_targets) {
		__builtin_memcpy(fds, E.target, E.ntarget * sizeof *fds);
		return E.ntarget;
	}
	for (unsigned i = 0; i < E.npend; i++) {
		int fd = E.q[i].fd;
		if (fd >= 0 && !(listed[fd / 8] >> fd % 8 & 1)) {
			listed[fd / 8] |= 1 << fd % 8;
			fds[n++] = fd;
		}
	}
	return n;
}

hidden void __bc_queue_drop(void)
{
	for (unsigned i = 0; i < E.ntarget; i++)
		E.fd[E.target[i]].npend = 0;
	if (E.many_targets)
		for (unsigned fd = 0; fd < BC_FD_MAX; fd++)
			E.fd[fd].npend = 0;
	E.ntarget = 0;
	E.many_targets = 0;
	E.used = 0;
	E.queued_closes = 0;
	E.ncalls = 0;
	/* What the batch learned of the process: changed between batches
	 * (sigaction, setrlimit), asked again. */
	E.sigpipe_kills = E.fsize_limited = -1;
	__bc_unverdict();  /* no last entry */
	__atomic_store_n(&E.npend, 0, __ATOMIC_RELEASE);
}
