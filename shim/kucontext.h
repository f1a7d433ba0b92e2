/* The kernel's signal frame, as the engine's handler reads it
 * (signals.c, trap.c). */
#ifndef BC_KUCONTEXT_H
#define BC_KUCONTEXT_H

#include <stddef.h>

/* The kernel's ucontext on x86_64, as far as the mask that a handler's
 * return restores (glibc's and musl's ucontext_t agree). */
struct kucontext {
	unsigned long flags;
	void *link;
	struct { void *sp; int flags; unsigned long size; } stack;
	unsigned long mcontext[32];
	unsigned long sigmask;
};
_Static_assert(offsetof(struct kucontext, sigmask) == 296, "uc_sigmask");

#endif
