/* glibc's system-call sites, proven rewritable at build time
 * (tools/sites.c) and rewritten at start-up (rewrite.c). */
#ifndef BC_REWRITE_H
#define BC_REWRITE_H

#include <stdint.h>

#ifndef hidden
#define hidden __attribute__((__visibility__("hidden")))
/* Per thread: a wrapper of preload.c is calling libc's function, its
 * call already through the engine: the sites it reaches go straight. */
extern hidden __thread int __bc_wrapped;

/* Rewrite the sites of the objects loaded (glibc's preload constructor). */
hidden void __bc_rewrite(void);
/* The report's "sites" field. */
hidden void __bc_rewrite_put(void);

#endif

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

/* Per thread: a wrapper of preload.c is calling libc's function, its
 * call already through the engine: the sites it reaches go straight. */
extern hidden __thread int __bc_wrapped;

/* Rewrite the sites of the objects loaded (glibc's preload constructor). */
hidden void __bc_rewrite(void);
/* The report's "sites" field. */
hidden void __bc_rewrite_put(void);

#endif
