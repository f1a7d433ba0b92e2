/* RUNNING_ON_VALGRIND, valgrind's own question, where a build can ask it:
 * under valgrind every call is made by valgrind's code, and its own fds
 * are in the process's table. */
#ifndef BC_ONVALGRIND_H
#define BC_ONVALGRIND_H

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#elif defined __GLIBC__
#error "valgrind/valgrind.h is missing (Debian: valgrind); configure installs it"
#else
#define RUNNING_ON_VALGRIND 0  /* the musl build: no client requests */
#endif

#endif
