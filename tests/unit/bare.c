/* The proof that a libc function is bare (shim/bare.c): glibc's form
 * built by hand is proven, and each byte that makes it so, changed, is
 * not; on the libc the project is built with (Debian 12's glibc 2.36),
 * read, write and close are proven (tests/edge bare_calls: their calls
 * made bare return what the functions do, errno too). */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <errno.h>
#include <gnu/libc-version.h>
#include <link.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#include "bare.h"

static unsigned char code[256] __attribute__((__aligned__(64)));
static char single = 1;
static uintptr_t slot;  /* errno's thread-pointer offset, as libc's GOT holds it */

static uintptr_t tp(void)
{
	uintptr_t t;

	__asm__("mov %%fs:0, %0" : "=r"(t));
	return t;
}

/* At code: glibc's form of a bare function of nr (xor for 0), its fail
 * path at 0x40, its references to single and slot; r10: a mov %rcx,%r10
 * before the je (1) or after it (2); its -1 an int's (mov $-1,%eax) if
 * int_fail. */
static void form_of(long nr, int r10, int int_fail)
{
	unsigned char *p = code, *fail = code + 0x40;
	int32_t d;

	memset(code, 0xcc, sizeof code);
	*p++ = 0x80, *p++ = 0x3d;
	d = (int32_t)((uintptr_t)&single - (uintptr_t)(code + 7));
	memcpy(p, &d, 4), p += 4;
	*p++ = 0;
	if (r10 == 1)
		memcpy(p, "\x49\x89\xca", 3), p += 3;
	*p++ = 0x74, *p++ = 0x30;
	if (r10 == 2)
		memcpy(p, "\x49\x89\xca", 3), p += 3;
	if (nr) {
		int32_t n = (int32_t)nr;
		*p++ = 0xb8, memcpy(p, &n, 4), p += 4;
	} else {
		*p++ = 0x31, *p++ = 0xc0;
	}
	memcpy(p, "\x0f\x05\x48\x3d\x00\xf0\xff\xff\x77", 9), p += 9;
	*p = (unsigned char)(fail - (p + 1)), p++;
	*p = 0xc3;
	p = fail;
	memcpy(p, "\x48\x8b\x15", 3), p += 3;
	d = (int32_t)((uintptr_t)&slot - (uintptr_t)(p + 4));
	memcpy(p, &d, 4), p += 4;
	if (int_fail)
		memcpy(p, "\xf7\xd8\x64\x89\x02\xb8\xff\xff\xff\xff\xc3", 11);
	else
		memcpy(p, "\xf7\xd8\x64\x89\x02\x48\xc7\xc0\xff\xff\xff\xff\xc3", 13);
	slot = (uintptr_t)&errno - tp();
}

static void form(long nr, int r10)
{
	form_of(nr, r10, 0);
}

/* The rewritten site at a: one of nr_rewritten at code + 9 (where a mov
 * without r10 is), else none. */
static long nr_rewritten = -1;

static long site_at(uintptr_t a)
{
	return a == (uintptr_t)code + 9 ? nr_rewritten : -1;
}

/* Is code bare for nr, everything it names within this program's data? */
static int proven(long nr)
{
	uintptr_t lo = (uintptr_t)code < (uintptr_t)&single ? (uintptr_t)code : (uintptr_t)&single;
	uintptr_t hi = (uintptr_t)&slot + 8 > (uintptr_t)(code + sizeof code) ? (uintptr_t)&slot + 8 :
		       (uintptr_t)(code + sizeof code);

	if ((uintptr_t)&single + 1 > hi)
		hi = (uintptr_t)&single + 1;
	return __bc_bare(code, nr, &single, &errno, lo, hi, site_at);
}

Test(bare, glibcs_form_is_proven_and_nothing_else)
{
	static const int flip[] = { 0, 1, 2, 6, 7, 9, 10, 11, 12, 13, 14, 20, 0x40, 0x41, 0x47, 0x4a };

	form(SYS_write, 0);
	cr_assert(proven(SYS_write));
	cr_assert(!proven(SYS_read), "another number");
	form(SYS_read, 0);
	cr_assert(proven(SYS_read));
	cr_assert(!proven(SYS_write), "read's xor is 0's alone");
	form(SYS_pread64, 1);
	cr_assert(proven(SYS_pread64));
	form(SYS_pread64, 2);
	cr_assert(proven(SYS_pread64));
	form_of(SYS_close, 0, 1);
	cr_assert(proven(SYS_close));
	code[0x4c] = 0xb9;
	cr_assert(!proven(SYS_close), "-1 into another register");
	form(SYS_write, 0);
	for (unsigned i = 0; i < sizeof flip / sizeof *flip; i++) {
		code[flip[i]] ^= 0x01;
		cr_assert(!proven(SYS_write), "byte %#x changed", flip[i]);
		code[flip[i]] ^= 0x01;
	}
	/* The byte tested must be the one given; errno's offset errno's. */
	cr_assert(!__bc_bare(code, SYS_write, &single + 1, &errno, 0, UINTPTR_MAX, site_at));
	slot += 4;
	cr_assert(!proven(SYS_write), "errno's offset");
	slot -= 4;
	/* Outside the bounds given: not read. */
	cr_assert(!__bc_bare(code, SYS_write, &single, &errno, (uintptr_t)code + 1, UINTPTR_MAX, site_at));
	/* Its mov rewritten (a jmp to a stub): bare if the site is write's. */
	code[9] = 0xe9;
	cr_assert(!proven(SYS_write), "no site there");
	nr_rewritten = SYS_read;
	cr_assert(!proven(SYS_write), "another number's site");
	nr_rewritten = SYS_write;
	cr_assert(proven(SYS_write));
}

static uintptr_t libc_lo, libc_hi;

static int find_libc(struct dl_phdr_info *o, size_t size, void *arg)
{
	(void)size, (void)arg;
	if (!strstr(o->dlpi_name, "libc.so.6"))
		return 0;
	libc_lo = UINTPTR_MAX;
	for (int i = 0; i < o->dlpi_phnum; i++) {
		uintptr_t lo = o->dlpi_addr + o->dlpi_phdr[i].p_vaddr;
		if (o->dlpi_phdr[i].p_type != PT_LOAD)
			continue;
		if (lo < libc_lo)
			libc_lo = lo;
		if (lo + o->dlpi_phdr[i].p_memsz > libc_hi)
			libc_hi = lo + o->dlpi_phdr[i].p_memsz;
	}
	return 1;
}

Test(bare, the_libc_built_with)
{
	const char *single_at = dlsym(RTLD_DEFAULT, "__libc_single_threaded");
	/* libc's own functions (a sanitizer's interceptors come first). */
	void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
	static const struct { const char *name; long nr; } f[] = {
		{ "read", SYS_read }, { "write", SYS_write }, { "close", SYS_close },
	};

	if (strcmp(gnu_get_libc_version(), "2.36"))
		cr_skip_test("glibc %s, not the 2.36 the forms were read from", gnu_get_libc_version());
	dl_iterate_phdr(find_libc, NULL);
	cr_assert(single_at && libc && libc_hi);
	for (unsigned i = 0; i < sizeof f / sizeof *f; i++) {
		void *f_at = dlsym(libc, f[i].name);
		cr_assert(__bc_bare(f_at, f[i].nr, single_at, &errno, libc_lo, libc_hi, site_at),
			  "%s not proven bare", f[i].name);
		cr_assert(!__bc_bare(f_at, f[i].nr + 1, single_at, &errno, libc_lo, libc_hi, site_at),
			  "%s proven for another number", f[i].name);
	}
	cr_assert(!__bc_bare(dlsym(libc, "lseek"), SYS_lseek, single_at, &errno, libc_lo, libc_hi, site_at),
		  "lseek has no single-threaded test: not that form");
}
