/* The environment, read without libc. */
#include "env.h"

extern char **environ __attribute__((__weak__));

hidden const char *__bc_env(const char *name)
{
	for (char **e = &environ ? environ : 0; e && *e; e++) {
		const char *s = *e, *n = name;
		while (*n && *s == *n)
			s++, n++;
		if (!*n && *s == '=')
			return s + 1;
	}
	return 0;
}

hidden int __bc_disabled(void)
{
	const char *v = __bc_env("BC_DISABLE");

	return v && v[0] == '1' && !v[1];
}
