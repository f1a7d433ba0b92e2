/* Memory shared with other processes (memshare.c): while there is any,
 * nothing waits. */
#ifndef BC_MEMSHARE_H
#define BC_MEMSHARE_H

#include <stdint.h>

#include "hidden.h"

/* A MAP_SHARED mapping (its mmap flags, prot and fd), or a System V
 * segment attached (flags -1): while the process shares writable memory
 * with another, nothing waits.  Lock held. */
hidden void __bc_mem_mapped(long flags, long prot, long fd);
/* The process forks: its shared mappings become shared with the child.
 * Lock held. */
hidden void __bc_mem_fork(void);
/* The same, taking the lock (a fork seen, or glibc's forkpty, daemon). */
hidden void __bc_engine_forks(void);
/* bc_engine.maps_unknown after arming (a fork or an unseen call: 1). */
enum { MAPS_ARMING = 2 };
/* After a fork where not every mapping is seen, or arming: read them.
 * Lock held. */
hidden void __bc_mem_scan(void);
/* A file (dev, ino; not known: identity unknown) is mapped: its data is
 * seen without a call, so writes to it go direct (bc_engine.mapped).
 * Lock held. */
hidden void __bc_file_mapped(uint64_t dev, uint64_t ino, int known);

#endif
