/* The environment, read without libc, and the one-line messages. */
#ifndef BC_ENV_H
#define BC_ENV_H

#define hidden __attribute__((__visibility__("hidden")))

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
/* The same, msg being the parts up to a NULL, joined. */
hidden void __bc_say_parts(const char *const *parts);

#endif
