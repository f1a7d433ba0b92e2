/* libc functions proven bare.  glibc's cancellable calls (read, write,
 * close...) skip cancellation while __libc_single_threaded is set (glibc
 * 2.32 on): the function is then its system call, errno set on failure.
 * Made from the library instead, such a call goes through the net's
 * allowed range, whose calls the kernel lets by without reading the
 * selector, and reaches no rewritten site (docs/glibc.md, "Bare
 * functions").  Proven from the function's bytes, x86-64 glibc's form:
 *
 *     cmpb $0, __libc_single_threaded(%rip)
 *     mov %rcx, %r10                  (optional, before or after the je)
 *     je <the multi-threaded way>
 *     xor %eax, %eax | mov $nr, %eax   (or, rewritten: jmp <its stub>)
 *     syscall
 *     cmp $-4096, %rax
 *     ja fail
 *     ret
 * fail:
 *     mov errno@gottpoff(%rip), %rdx
 *     neg %eax
 *     mov %eax, %fs:(%rdx)
 *     mov $-1, %rax | mov $-1, %eax     (ssize_t or int)
 *     ret
 *
 * with errno's thread-pointer offset, read from libc's GOT, that of
 * __errno_location's.  Another form is not bare: the wrapper calls the
 * function as before. */

#include "bare.h"

/* Take the n bytes b at *p, moving past them; 0 if they differ. */
static int take(const unsigned char **p, const char *b, unsigned n)
{
	if (__builtin_memcmp(*p, b, n))
		return 0;
	*p += n;
	return 1;
}

/* The address a rip-relative 32-bit displacement at p names, the
 * instruction ending at end. */
static uintptr_t rip(const unsigned char *p, const unsigned char *end)
{
	int32_t d;

	__builtin_memcpy(&d, p, 4);
	return (uintptr_t)end + d;
}

static int in(uintptr_t a, uintptr_t n, uintptr_t lo, uintptr_t hi)
{
	return a >= lo && a + n <= hi;
}

hidden int __bc_bare(const void *f, long nr, const char *single, const int *errno_at,
		     uintptr_t lo, uintptr_t hi, long (*site_at)(uintptr_t))
{
	const unsigned char *p = f, *fail;
	uintptr_t slot, tp;
	unsigned char mov[5] = { 0xb8 };
	int r10;

	if (!single || !errno_at || nr < 0 || nr > 0xffff || !in((uintptr_t)p, 64, lo, hi))
		return 0;
	if (p[0] != 0x80 || p[1] != 0x3d || p[6] != 0 || rip(p + 2, p + 7) != (uintptr_t)single)
		return 0;
	p += 7;
	r10 = take(&p, "\x49\x89\xca", 3);
	if (*p != 0x74)
		return 0;
	p += 2;
	if (!r10)
		take(&p, "\x49\x89\xca", 3);
	__builtin_memcpy(mov + 1, &(int32_t){ (int32_t)nr }, 4);
	/* The engine may have rewritten the mov already (it arms before a
	 * wrapper first finds the function): the site there says its number. */
	if (nr && *p == 0xe9 && site_at((uintptr_t)p) == nr)
		p += 5;
	else if (!(nr ? take(&p, (const char *)mov, 5) : take(&p, "\x31\xc0", 2)))
		return 0;
	if (!take(&p, "\x0f\x05\x48\x3d\x00\xf0\xff\xff\x77", 9))
		return 0;
	fail = p + 1 + (int8_t)*p;
	p++;
	if (*p != 0xc3 || !in((uintptr_t)fail, 23, lo, hi))
		return 0;
	p = fail;
	if (!take(&p, "\x48\x8b\x15", 3))
		return 0;
	slot = rip(p, p + 4);
	p += 4;
	if (!take(&p, "\xf7\xd8\x64\x89\x02", 5) || !in(slot, 8, lo, hi) ||
	    !(take(&p, "\x48\xc7\xc0\xff\xff\xff\xff\xc3", 8) || take(&p, "\xb8\xff\xff\xff\xff\xc3", 6)))
		return 0;
	__asm__("mov %%fs:0, %0" : "=r"(tp));
	return *(const uintptr_t *)slot == (uintptr_t)errno_at - tp;
}
