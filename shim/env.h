/* The environment, read without libc, and the one-line messages. */
#ifndef BC_ENV_H
#define BC_ENV_H

#include "hidden.h"

/* The value of environment variable name, or NULL; always NULL in secure
 * execution. */
hidden const char *__bc_env(const char *name);
/* BC_DISABLE=1: leave the program alone. */
hidden int __bc_disabled(void);
/* Nonzero in secure execution (AT_SECURE: set-id, file capabilities):
 * the environment is the caller's, who may have less privilege than the
 * program.  Each way in defines it (preload.c, arm-static.c, pass.c). */
hidden int __bc_secure(void);

/* Print "bcshim: " msg on stderr (raw). */
hidden void __bc_say(const char *msg);
/* The same, msg being the parts up to a NULL, joined.  A setting's
 * refusal (a message starting with its variable's name, or "profile: ")
 * is left out when the parent process has the engine and started with
 * the same values of what it depends on: it said it already (once per
 * process tree). */
hidden void __bc_say_parts(const char *const *parts);
/* The same, always said. */
hidden void __bc_say_always(const char *const *parts);

#endif
