/* What the engine knows of each fd (fdstate.c): learned from probes and
 * from the calls that made it, forgotten when its number may name
 * another file. */
#ifndef BC_FDSTATE_H
#define BC_FDSTATE_H

#include "state.h"

/* The fd's state with its identity, learned with raw probes if not yet
 * known; NULL if the fd is out of range or not open.  Lock held. */
hidden struct bc_fd *__bc_fd_get(int fd);
/* The fd's state for a call that would be deferred, its type and file
 * system probed; probe: whether a probe is worth it now (else only what
 * is known already).  NULL: do not defer.  Lock held. */
hidden struct bc_fd *__bc_fd_for_defer(int fd, int probe);
/* fd to is a duplicate of fd from: it shares what is known of it. */
hidden void __bc_fd_copy(int from, int to);
/* Learn fd's identity (dev, ino, owner) with a probe; 0 or -errno. */
hidden int __bc_fd_identify(int fd);
/* Forget fd (its number may now mean another file). */
hidden void __bc_fd_forget(int fd);
/* Learn an fd from the open that returned it, without probing. */
hidden void __bc_fd_opened(int fd, const char *path, long flags);

#endif
