/* The net (sud.c): Syscall User Dispatch catches the calls made past
 * the engine while calls are pending. */
#ifndef BC_SUD_H
#define BC_SUD_H

#include <stdint.h>

#include "hidden.h"

/* The net (sud.c): calls from outside the library trap while the engine
 * is busy.  Arm it for the calling thread (__bc_arm; a fork child is
 * armed by its first batch, __bc_sud_batch).
 * signal_ours: signals.c's __bc_signal_ours, which a batch asks of
 * SIGSYS (the net calls nothing above it). */
hidden void __bc_sud_arm(int (*signal_ours)(int sig));
/* May the net and the rewriter run in this process at all? */
hidden int __bc_sud_wanted(void);
/* What the net is doing, for the report. */
hidden const char *__bc_sud_state(void);
/* A batch begins (the engine was idle): may its calls block the net?
 * 1 if so.  Lock held. */
hidden int __bc_sud_batch(void);
/* The engine goes idle (a backoff spell): nothing is pending, nor will
 * be until a batch begins, so the net has nothing to guard.  Disarmed on
 * the arming thread until then (__bc_sud_batch arms it again): armed, it
 * costs every call of the thread the kernel's dispatch check.  Lock
 * held. */
hidden void __bc_sud_rest(void);
/* Does the batch under way block calls past the engine? */
hidden int __bc_sud_blocks(void);
/* The engine's busy count changed: calls trap while it is not zero. */
hidden void __bc_sud_update(uint32_t busy);
/* The net's switch: calls from outside the library trap while it is
 * not 0 (sud.c). */
extern hidden char __bc_sud_selector;
/* Around a libc function the engine has already ordered (a wrapper's):
 * its calls go through; 1 if the net was blocking them. */
static inline int __bc_sud_open(void)
{
	if (!__atomic_load_n(&__bc_sud_selector, __ATOMIC_RELAXED))
		return 0;
	__atomic_store_n(&__bc_sud_selector, 0, __ATOMIC_RELAXED);
	return 1;
}
/* The net blocks again, if calls are still pending. */
hidden void __bc_sud_reblock(void);
static inline void __bc_sud_close(int opened)
{
	if (opened)
		__bc_sud_reblock();
}
/* A call was caught (trap.c): calls go through, and the batch under way
 * blocks none again. */
hidden void __bc_sud_caught(void);
/* bc_tls.wrapped: a wrapper of preload.c is calling libc's function, its
 * call already through the engine: the rewritten sites it reaches go
 * straight (rewrite.c). */
/* A handler the engine does not wrap (libc's own signal's) blocks
 * SIGSYS: the net blocks no call from now on. */
hidden void __bc_sud_distrust(void);

#endif
