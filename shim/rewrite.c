/* glibc's own system calls, rewritten at start-up to reach the entry:
 * each `mov $nr,%eax; syscall` that tools/sites.c proved at build time
 * becomes `jmp stub; nop2`, and the stub calls __bc_site_entry (site.S),
 * which calls __bc_site_call with the number and the six arguments.  An
 * object is rewritten only if its build id is the one proven and every
 * site's bytes are what was proven; otherwise nothing of it is, and the
 * report says why (docs/design.md, "The glibc sites"). */

#include <bc_entry.h>
#include <link.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "engine.h"
#include "env.h"
#include "raw.h"
#include "rewrite.h"
#include "stats.h"

extern int dl_iterate_phdr(int (*)(struct dl_phdr_info *, size_t, void *), void *)
	__attribute__((__weak__));

hidden long __bc_entry_call(long nr, const long a[6], unsigned flags);
hidden void __bc_site_entry(void);

hidden __thread int __bc_wrapped;

enum { STUB = 32, MAXOBJ = 4 };

/* For the report: sites rewritten per object, or why not. */
static unsigned done[MAXOBJ];
static const char *why[MAXOBJ];
static const char *why_all;

/* The number and arguments of a rewritten site's call, from site.S. */
hidden long __bc_site_call(long nr, const long a[6])
{
	/* The wrappers' own calls (they went through the engine already),
	 * the engine's, and a handler's that interrupted it go straight. */
	if (!__bc_on || __bc_depth || __bc_wrapped)
		return __bc_raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	/* A posix_spawn or vfork child sharing this memory: nothing of the
	 * engine, but the program's dispositions. */
	if (__bc_vforked && !__bc_owner(0)) {
		if (nr == SYS_rt_sigaction)
			return __bc_entry_call(nr, a, BC_CALL_BYPASSED);
		return __bc_raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	return __bc_entry_call(nr, a, 0);
}

struct found {
	const struct dl_phdr_info *info[MAXOBJ];
	uintptr_t base[MAXOBJ];
	const ElfW(Phdr) *ph[MAXOBJ];
	int phnum[MAXOBJ];
};

static int same(const unsigned char *a, const unsigned char *b, size_t n)
{
	while (n && *a == *b)
		a++, b++, n--;
	return !n;
}

static const char *basename_of(const char *p)
{
	const char *b = p;

	for (; p && *p; p++)
		if (*p == '/')
			b = p + 1;
	return b;
}

/* dl_iterate_phdr's callback: note each object whose file name is one the
 * table knows, and whether its build id is the proven one. */
static int each(struct dl_phdr_info *i, size_t size, void *arg)
{
	struct found *f = arg;
	const char *name = basename_of(i->dlpi_name);

	(void)size;
	for (unsigned k = 0; k < __bc_nsite_objs && k < MAXOBJ; k++) {
		const struct bc_site_obj *o = &__bc_site_objs[k];
		int matched = 0;

		if (__builtin_strcmp(name, o->file) || f->base[k])
			continue;
		for (int p = 0; p < i->dlpi_phnum && !matched; p++) {
			const ElfW(Phdr) *ph = &i->dlpi_phdr[p];
			const unsigned char *n = (const unsigned char *)(i->dlpi_addr + ph->p_vaddr);
			const unsigned char *e = n + ph->p_memsz;

			if (ph->p_type != PT_NOTE)
				continue;
			while (n + 12 <= e && !matched) {
				const ElfW(Nhdr) *h = (const void *)n;
				const unsigned char *nm = n + 12, *desc = nm + ((h->n_namesz + 3) & ~3u);

				matched = h->n_type == NT_GNU_BUILD_ID && h->n_namesz == 4 &&
					  same(nm, (const unsigned char *)"GNU", 4) &&
					  h->n_descsz == o->idlen && same(desc, o->id, o->idlen);
				n = desc + ((h->n_descsz + 3) & ~3u);
			}
		}
		if (!matched) {
			why[k] = "build id not the one proven";
			continue;
		}
		f->base[k] = i->dlpi_addr;
		f->ph[k] = i->dlpi_phdr;
		f->phnum[k] = i->dlpi_phnum;
	}
	return 0;
}

/* The executable segment holding [a, a+n), or NULL. */
static const ElfW(Phdr) *text_of(const struct found *f, int k, uintptr_t a, size_t n)
{
	for (int p = 0; p < f->phnum[k]; p++) {
		const ElfW(Phdr) *ph = &f->ph[k][p];
		uintptr_t lo = f->base[k] + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X) && a >= lo && a + n <= lo + ph->p_filesz)
			return ph;
	}
	return NULL;
}

static int prot_of(const ElfW(Phdr) *ph)
{
	return (ph->p_flags & PF_R ? PROT_READ : 0) | (ph->p_flags & PF_W ? PROT_WRITE : 0) |
	       (ph->p_flags & PF_X ? PROT_EXEC : 0);
}

static int near(uintptr_t from, uintptr_t to)
{
	long d = (long)(to - from);

	return d >= -0x7fff0000L && d <= 0x7fff0000L;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v, p[1] = v >> 8, p[2] = v >> 16, p[3] = v >> 24;
}

/* Rewrite object k's sites, all or none; NULL, or why not. */
static const char *rewrite(const struct found *f, int k)
{
	const struct bc_site_obj *o = &__bc_site_objs[k];
	const struct bc_site *s = &__bc_sites[o->first];
	uintptr_t base = f->base[k], lo = (uintptr_t)-1, hi = 0, region = 0, size;
	const ElfW(Phdr) *seg = NULL;
	unsigned long all = -1UL, old;
	long r;

	if (!o->n)
		return "no site proven";
	for (unsigned i = 0; i < o->n; i++) {
		const unsigned char *b = (const unsigned char *)(base + s[i].off);
		const ElfW(Phdr) *ph = text_of(f, k, base + s[i].off, 7);

		/* One executable segment (glibc has one): one span to unprotect. */
		if (!ph || (seg && ph != seg))
			return "a site outside the executable segment";
		seg = ph;
		if (b[0] != 0xb8 || b[1] != (s[i].nr & 0xff) || b[2] != ((s[i].nr >> 8) & 0xff) ||
		    b[3] != ((s[i].nr >> 16) & 0xff) || b[4] != (s[i].nr >> 24) || b[5] != 0x0f || b[6] != 0x05)
			return "a site's bytes differ from the proven ones";
		if (base + s[i].off < lo)
			lo = base + s[i].off;
		if (base + s[i].off + 7 > hi)
			hi = base + s[i].off + 7;
	}

	/* The stubs within a rel32 of every site: first where the kernel
	 * puts it when asked for just below the object, then just above. */
	size = (8 + (size_t)o->n * STUB + 4095) & ~(size_t)4095;
	for (int t = 0; t < 2 && !region; t++) {
		uintptr_t hint = t ? (base + seg->p_vaddr + seg->p_memsz + (1 << 20) + 4095) & ~(uintptr_t)4095 :
				     ((base + seg->p_vaddr) & ~(uintptr_t)4095) - size - (1 << 20);

		r = __bc_raw6(SYS_mmap, hint, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if ((unsigned long)r > -4096UL)
			return "no memory for the stubs";
		if (near(r, lo) && near(r + size, hi))
			region = r;
		else
			__bc_raw6(SYS_munmap, r, size, 0, 0, 0, 0);
	}
	if (!region)
		return "no room for the stubs within 2 GiB";
	*(void (**)(void))region = __bc_site_entry;
	for (unsigned i = 0; i < o->n; i++) {
		unsigned char *p = (unsigned char *)region + 8 + i * STUB;
		uintptr_t site = base + s[i].off;
		static const unsigned char head[5] = { 0x48, 0x8d, 0x64, 0x24, 0x80 };
		static const unsigned char tail[8] = { 0x48, 0x8d, 0xa4, 0x24, 0x80, 0, 0, 0 };

		/* lea -128(%rsp),%rsp: the call below must not touch the red
		 * zone; mov $nr,%eax; call *entry(%rip); lea 128(%rsp),%rsp;
		 * jmp site+7.  lea keeps the flags. */
		__builtin_memcpy(p, head, 5);
		p[5] = 0xb8;
		put32(p + 6, s[i].nr);
		p[10] = 0xff, p[11] = 0x15;
		put32(p + 12, (uint32_t)(region - (uintptr_t)(p + 16)));
		__builtin_memcpy(p + 16, tail, 8);
		p[24] = 0xe9;
		put32(p + 25, (uint32_t)(site + 7 - (uintptr_t)(p + 29)));
		p[29] = p[30] = p[31] = 0xcc;
	}
	if (__bc_raw6(SYS_mprotect, region, size, PROT_READ | PROT_EXEC, 0, 0, 0)) {
		__bc_raw6(SYS_munmap, region, size, 0, 0, 0, 0);
		return "cannot make the stubs executable";
	}

	/* The sites' pages writable, not executable, for as long as it takes;
	 * no handler may run libc's code meanwhile. */
	lo &= ~(uintptr_t)4095;
	hi = (hi + 4095) & ~(uintptr_t)4095;
	__bc_raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&all, (long)&old, 8, 0, 0);
	if (__bc_raw6(SYS_mprotect, lo, hi - lo, PROT_READ | PROT_WRITE, 0, 0, 0)) {
		__bc_raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, 8, 0, 0);
		__bc_raw6(SYS_munmap, region, size, 0, 0, 0, 0);
		return "cannot write libc's text";
	}
	for (unsigned i = 0; i < o->n; i++) {
		unsigned char *b = (unsigned char *)(base + s[i].off);

		b[0] = 0xe9;
		put32(b + 1, (uint32_t)(region + 8 + i * STUB - (uintptr_t)(b + 5)));
		b[5] = 0x66, b[6] = 0x90;
	}
	r = __bc_raw6(SYS_mprotect, lo, hi - lo, prot_of(seg), 0, 0, 0);
	__bc_raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, 8, 0, 0);
	if (r) {
		/* Not executable: the process could not go on. */
		__bc_say("cannot make libc's text executable again");
		__bc_raw6(SYS_exit_group, 127, 0, 0, 0, 0, 0);
	}
	done[k] = o->n;
	return NULL;
}

hidden void __bc_rewrite(void)
{
	struct found f = { 0 };

	if (!dl_iterate_phdr) {
		why_all = "no dl_iterate_phdr";
		return;
	}
	dl_iterate_phdr(each, &f);
	for (unsigned k = 0; k < __bc_nsite_objs && k < MAXOBJ; k++)
		if (f.base[k])
			why[k] = rewrite(&f, k);
		else if (!why[k])
			why[k] = "not loaded";
}

/* The report's "sites": {"libc":N,...}, or the reason instead of N. */
hidden void __bc_rewrite_put(void)
{
	__bc_put(",\"sites\":");
	if (why_all) {
		__bc_put("\"");
		__bc_put_str(why_all);
		__bc_put("\"");
		return;
	}
	__bc_put("{");
	for (unsigned k = 0; k < __bc_nsite_objs && k < MAXOBJ; k++) {
		__bc_put(k ? ",\"" : "\"");
		__bc_put_str(__bc_site_objs[k].name);
		__bc_put("\":");
		if (why[k]) {
			__bc_put("\"");
			__bc_put_str(why[k]);
			__bc_put("\"");
		} else {
			__bc_put_num(done[k]);
		}
	}
	__bc_put("}");
}
