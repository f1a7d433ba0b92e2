/* libc functions proven bare (bare.c): while glibc counts the process
 * single-threaded, the system call and errno, nothing else. */
#ifndef BC_BARE_H
#define BC_BARE_H

#include <stdint.h>

#include "hidden.h"

/* Is f, libc's function of system call nr, bare whenever *single (glibc's
 * __libc_single_threaded) is set, its errno at errno_at?  Its code and
 * what it names must lie in [lo, hi) (libc's segments); site_at(a): the
 * number of the site rewritten at a (rewrite.c's __bc_site_at), or -1. */
hidden int __bc_bare(const void *f, long nr, const char *single, const int *errno_at,
		     uintptr_t lo, uintptr_t hi, long (*site_at)(uintptr_t));

#endif
