/* The environment, read without libc, and the one-line messages. */
#include <stddef.h>
#include <sys/syscall.h>

#include "env.h"
#include "raw.h"

extern char **environ __attribute__((__weak__));

/* Secure execution reads nothing: not the BC_* knobs, nor the HOME or
 * XDG_CONFIG_HOME behind the default profile.  A setuid program must not
 * create, append to or open files as its owner on its caller's say. */
static int secure(void)
{
	static int s = -1;
	int v = __atomic_load_n(&s, __ATOMIC_RELAXED);

	if (v < 0)
		__atomic_store_n(&s, v = __bc_secure() != 0, __ATOMIC_RELAXED);
	return v;
}

hidden const char *__bc_env(const char *name)
{
	if (secure())
		return 0;
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

hidden void __bc_say_parts(const char *const *parts)
{
	char buf[512];
	size_t n = 8;

	__builtin_memcpy(buf, "bcshim: ", 8);
	for (; *parts; parts++)
		for (const char *c = *parts; *c && n < sizeof buf - 1; c++)
			buf[n++] = *c;
	buf[n++] = '\n';
	__bc_raw6(SYS_write, 2, (long)buf, n, 0, 0, 0);
}

hidden void __bc_say(const char *msg)
{
	__bc_say_parts((const char *const[]){ msg, 0 });
}
