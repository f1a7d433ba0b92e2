/* The queue (queue.c): the calls that wait, in program order, their data
 * in the arena, and the fds they target.  Lock held for all of it.  It
 * calls nothing above it: the flush for room, the busy hint, the net and
 * the timer a batch needs are its callers' (engine.c, flush.c). */
#ifndef BC_QUEUE_H
#define BC_QUEUE_H

#include <stddef.h>

#include "state.h"

/* Do n more bytes aligned to align fit in the arena, after its data
 * (which stays contiguous, so that adjacent writes merge)?  If not, the
 * caller flushes first. */
static inline int __bc_queue_fits(size_t n, size_t align)
{
	return ((__bc_e.used + align - 1) & ~(align - 1)) + n <= __bc_e.arena_size;
}
/* Take room in the arena for n bytes aligned to align: after its data,
 * or from its start if they do not fit there (the caller has flushed). */
hidden char *__bc_queue_room(size_t n, size_t align);
/* Call p, its arguments copied, becomes the queue's last entry.  1 if it
 * is the first of a batch (the caller starts the timer). */
hidden int __bc_queue_push(const struct bc_pend *p);
/* The fds the queue's calls name, each once, in fds (room for
 * BC_FD_MAX); their count. */
hidden unsigned __bc_queue_fds(int *fds);
/* Empty the queue without running it (after a flush ran it, or in a fork
 * child, where it is the parent's).  The caller updates the busy hint. */
hidden void __bc_queue_drop(void);

#endif
