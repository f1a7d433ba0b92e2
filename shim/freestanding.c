/* What the compiler may call on its own in a library linked without libc:
 * hidden, so that the program's calls still reach libc's. */
#include <stddef.h>

#include "env.h"

/* rep movsb: as fast as any loop for the sizes deferred here. */
hidden void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
	void *to = d;

	__asm__ __volatile__("rep movsb" : "+D"(to), "+S"(s), "+c"(n) : : "memory");
	return d;
}

hidden void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *to = d;
	const unsigned char *from = s;

	if (to < from)
		while (n--)
			*to++ = *from++;
	else
		while (n--)
			to[n] = from[n];
	return d;
}

hidden void *memset(void *d, int c, size_t n)
{
	void *to = d;

	__asm__ __volatile__("rep stosb" : "+D"(to), "+c"(n) : "a"(c) : "memory");
	return d;
}

hidden int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

hidden int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

hidden int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	return 0;
}
