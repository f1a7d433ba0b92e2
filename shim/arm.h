/* The engine's arming (arm.c): what deferral needs, before its first
 * call waits. */
#ifndef BC_ARM_H
#define BC_ARM_H

#include "hidden.h"

/* Before the first call is queued: stand in for the fatal signals left at
 * their default, map the queue's memory, load the default profile, look
 * for a seccomp filter.  0, or -1 if deferral is off (bc_engine.off).
 * Lock held, by the process that owns the engine. */
hidden int __bc_arm(void);
/* Arm before any deferral if the process has made at least writes
 * write calls (/proc/self/io's count, which an exec keeps) and arming
 * would rewrite libc's sites (the glibc way, not threaded): for a process
 * whose writes libc makes itself (stdio; preload.c).  The writes made; -1
 * if not now (a handler, the engine itself, a child sharing the memory);
 * -2 if never this way (or the count is unknown). */
hidden long __bc_engine_arm_early(long writes);
/* Is a seccomp filter on (deferral off for good)?  -1 if so, else 0.
 * Lock held. */
hidden int __bc_filtered(void);

#endif
