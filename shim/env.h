/* The environment, read without libc. */
#ifndef BC_ENV_H
#define BC_ENV_H

#define hidden __attribute__((__visibility__("hidden")))

/* The value of environment variable name, or NULL. */
hidden const char *__bc_env(const char *name);
/* BC_DISABLE=1: leave the program alone. */
hidden int __bc_disabled(void);

#endif
