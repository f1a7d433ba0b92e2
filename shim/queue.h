/* The queue (queue.c): the calls that wait, in program order, their data
 * in the arena, and the fds they target.  Lock held for all of it. */
#ifndef BC_QUEUE_H
#define BC_QUEUE_H

#include <stddef.h>

#include "state.h"

/* Room in the arena for n more bytes, aligned to align (data stays
 * contiguous, so that adjacent writes merge); flushes first if the arena
 * is full. */
hidden char *__bc_queue_room(size_t n, size_t align);
/* Call p, its arguments copied, becomes the queue's last entry.
 * net_asked: the net was asked about this batch already. */
hidden void __bc_queue_push(const struct bc_pend *p, int net_asked);
/* Empty the queue without running it (after a flush ran it, or in a fork
 * child, where it is the parent's). */
hidden void __bc_queue_drop(void);

#endif
