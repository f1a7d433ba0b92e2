/* glibc's system-call sites, proven rewritable at build time
 * (tools/sites.c) and rewritten at start-up (rewrite.c). */
#ifndef BC_REWRITE_H
#define BC_REWRITE_H

#include <stdint.h>

#include "hidden.h"

/* A `mov $nr,%eax; syscall` at offset off from the object's base. */
struct bc_site {
	uint32_t off, nr;
};

/* An object whose sites were proven: its name in the report, its file's
 * name, its build id, its sites __bc_sites[first..first+n). */
struct bc_site_obj {
	char name[8], file[24];
	unsigned idlen;
	unsigned char id[32];
	unsigned first, n;
};

extern hidden const struct bc_site __bc_sites[];
extern hidden const struct bc_site_obj __bc_site_objs[];
extern hidden const unsigned __bc_nsite_objs;

/* Rewrite the sites of the objects loaded, once: when the engine arms
 * (its first deferral, arm.c). */
hidden void __bc_rewrite(void);
/* Were libc's sites rewritten? */
hidden int __bc_rewritten(void);
/* The number of the site rewritten at address at (its mov's), or -1. */
hidden long __bc_site_at(uintptr_t at);
/* The report's "sites" field. */
hidden void __bc_rewrite_put(void);

#endif
