/* glibc's own system calls, rewritten at start-up to reach the entry:
 * each `mov $nr,%eax; syscall` that tools/sites.c proved at build time
 * becomes `jmp stub; syscall`, and the stub calls __bc_site_entry (site.S),
 * which calls __bc_site_call (site.c) with the number and the six
 * arguments.  An object is rewritten only if its build id is the one
 * proven and every site's bytes are what was proven; otherwise nothing of
 * it is, and the report says why (docs/glibc.md, "The glibc sites"). */

#include <link.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "env.h"
#include "raw.h"
#include "rewrite.h"
#include "state.h"
#include "stats.h"
#include "sud.h"

#define E __bc_e

extern int dl_iterate_phdr(int (*)(struct dl_phdr_info *, size_t, void *), void *)
	__attribute__((__weak__));

hidden void __bc_site_entry(void);


enum { STUB = 32, MAXOBJ = 4 };

/* For the report: sites rewritten per object, or why not; and where
 * each rewritten object is. */
static unsigned done[MAXOBJ];
static uintptr_t done_base[MAXOBJ];
static const char *why[MAXOBJ];
static const char *why_all;
static int ran;

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

/* What rewriting object k takes: the span of its sites, its executable
 * segment, and where its stubs go (slot: the entry's address). */
struct plan {
	uintptr_t lo, hi, stubs, slot;
	const ElfW(Phdr) *seg;
};

/* Check object k's sites; NULL, or why it cannot be rewritten. */
static const char *check(const struct found *f, int k, struct plan *p)
{
	const struct bc_site_obj *o = &__bc_site_objs[k];
	const struct bc_site *s = &__bc_sites[o->first];
	uintptr_t base = f->base[k], lo, hi;

	if (!o->n)
		return "no site proven";
	/* One executable segment (glibc has one) holds them all. */
	for (int i = 0; i < f->phnum[k] && !p->seg; i++)
		if (f->ph[k][i].p_type == PT_LOAD && (f->ph[k][i].p_flags & PF_X) &&
		    s[0].off >= f->ph[k][i].p_vaddr && s[0].off < f->ph[k][i].p_vaddr + f->ph[k][i].p_filesz)
			p->seg = &f->ph[k][i];
	if (!p->seg)
		return "a site outside the executable segment";
	lo = base + p->seg->p_vaddr;
	hi = lo + p->seg->p_filesz;
	p->lo = (uintptr_t)-1;
	for (unsigned i = 0; i < o->n; i++) {
		const unsigned char *b = (const unsigned char *)(base + s[i].off);
		uint32_t nr = s[i].nr;

		if ((uintptr_t)b < lo || (uintptr_t)b + 7 > hi)
			return "a site outside the executable segment";
		if (b[0] != 0xb8 || b[1] != (nr & 0xff) || b[2] != ((nr >> 8) & 0xff) ||
		    b[3] != ((nr >> 16) & 0xff) || b[4] != (nr >> 24) || b[5] != 0x0f || b[6] != 0x05)
			return "a site's bytes differ from the proven ones";
		if ((uintptr_t)b < p->lo)
			p->lo = (uintptr_t)b;
		if ((uintptr_t)b + 7 > p->hi)
			p->hi = (uintptr_t)b + 7;
	}
	return NULL;
}

/* size bytes of stubs within a rel32 of [lo, hi): where the kernel puts
 * them when asked for just below, then just above; 0 if neither is near. */
static uintptr_t map_stubs(uintptr_t lo, uintptr_t hi, size_t size)
{
	for (int t = 0; t < 2; t++) {
		uintptr_t hint = t ? ((hi + 4095) & ~(uintptr_t)4095) + (1 << 20) :
				     (lo & ~(uintptr_t)4095) - size - (1 << 20);
		long r = __bc_raw6(SYS_mmap, hint, size, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if ((unsigned long)r > -4096UL)
			return 0;
		if (near(r, lo) && near(r + size, hi) && near(r, hi) && near(r + size, lo))
			return r;
		__bc_raw6(SYS_munmap, r, size, 0, 0, 0, 0);
	}
	return 0;
}

/* Object k's stubs at p->stubs: lea -128(%rsp),%rsp (the call below must
 * not touch the red zone; lea keeps the flags); mov $nr,%eax;
 * call *slot(%rip); lea 128(%rsp),%rsp; jmp site+7. */
static void write_stubs(const struct found *f, int k, const struct plan *p)
{
	static const unsigned char stub[STUB] = {
		0x48, 0x8d, 0x64, 0x24, 0x80, 0xb8, 0, 0, 0, 0, 0xff, 0x15, 0, 0, 0, 0,
		0x48, 0x8d, 0xa4, 0x24, 0x80, 0, 0, 0, 0xe9, 0, 0, 0, 0, 0xcc, 0xcc, 0xcc,
	};
	const struct bc_site_obj *o = &__bc_site_objs[k];
	const struct bc_site *s = &__bc_sites[o->first];

	for (unsigned i = 0; i < o->n; i++) {
		unsigned char *b = (unsigned char *)p->stubs + i * STUB;

		__builtin_memcpy(b, stub, STUB);
		put32(b + 6, s[i].nr);
		put32(b + 12, (uint32_t)(p->slot - (uintptr_t)(b + 16)));
		put32(b + 25, (uint32_t)(f->base[k] + s[i].off + 7 - (uintptr_t)(b + 29)));
	}
}

/* Object k's sites become jmps to its stubs; signals blocked.  NULL, or
 * why not (then nothing was written). */
static const char *patch(const struct found *f, int k, const struct plan *p)
{
	const struct bc_site_obj *o = &__bc_site_objs[k];
	const struct bc_site *s = &__bc_sites[o->first];
	uintptr_t lo = p->lo & ~(uintptr_t)4095, hi = (p->hi + 4095) & ~(uintptr_t)4095;

	/* Writable and not executable, for as long as it takes. */
	if (__bc_raw6(SYS_mprotect, lo, hi - lo, PROT_READ | PROT_WRITE, 0, 0, 0))
		return "cannot write the text";
	/* The mov only: a thread interrupted at the syscall (a signal's
	 * handler did the rewrite; a restart moved it back there) runs it
	 * as it was, the number in rax. */
	for (unsigned i = 0; i < o->n; i++) {
		unsigned char *b = (unsigned char *)(f->base[k] + s[i].off);

		b[0] = 0xe9;
		put32(b + 1, (uint32_t)(p->stubs + i * STUB - (uintptr_t)(b + 5)));
	}
	if (__bc_raw6(SYS_mprotect, lo, hi - lo, prot_of(p->seg), 0, 0, 0)) {
		/* Not executable: the process could not go on. */
		__bc_say("cannot make libc's text executable again");
		__bc_raw6(SYS_exit_group, 127, 0, 0, 0, 0, 0);
	}
	return NULL;
}

hidden void __bc_rewrite(void)
{
	struct found f = { 0 };
	struct plan p[MAXOBJ] = { 0 };
	uintptr_t lo = (uintptr_t)-1, hi = 0, region;
	unsigned total = 0, k, nobj = __bc_nsite_objs < MAXOBJ ? __bc_nsite_objs : MAXOBJ;
	unsigned long all = -1UL, old;
	size_t size;

	if (ran)
		return;
	ran = 1;
	if (!dl_iterate_phdr) {
		why_all = "no dl_iterate_phdr";
		return;
	}
	dl_iterate_phdr(each, &f);
	for (k = 0; k < nobj; k++) {
		if (!f.base[k]) {
			if (!why[k])
				why[k] = "not loaded";
		} else if (!(why[k] = check(&f, k, &p[k]))) {
			total += __bc_site_objs[k].n;
			lo = p[k].lo < lo ? p[k].lo : lo;
			hi = p[k].hi > hi ? p[k].hi : hi;
		}
	}
	if (!total)
		return;
	/* One mapping for every object's stubs if one is near them all (the
	 * loader maps libc and ld.so close together), else one each. */
	size = (8 + (size_t)total * STUB + 4095) & ~(size_t)4095;
	if ((region = map_stubs(lo, hi, size))) {
		*(void (**)(void))region = __bc_site_entry;
		for (k = 0, total = 0; k < nobj; k++)
			if (!why[k]) {
				p[k].slot = region;
				p[k].stubs = region + 8 + (size_t)total * STUB;
				total += __bc_site_objs[k].n;
				write_stubs(&f, k, &p[k]);
			}
		if (__bc_raw6(SYS_mprotect, region, size, PROT_READ | PROT_EXEC, 0, 0, 0)) {
			__bc_raw6(SYS_munmap, region, size, 0, 0, 0, 0);
			for (k = 0; k < nobj; k++)
				if (!why[k])
					why[k] = "cannot make the stubs executable";
		}
	} else {
		for (k = 0; k < nobj; k++) {
			if (why[k])
				continue;
			size = (8 + (size_t)__bc_site_objs[k].n * STUB + 4095) & ~(size_t)4095;
			if (!(region = map_stubs(p[k].lo, p[k].hi, size))) {
				why[k] = "no room for the stubs within 2 GiB";
				continue;
			}
			*(void (**)(void))region = __bc_site_entry;
			p[k].slot = region;
			p[k].stubs = region + 8;
			write_stubs(&f, k, &p[k]);
			if (__bc_raw6(SYS_mprotect, region, size, PROT_READ | PROT_EXEC, 0, 0, 0)) {
				__bc_raw6(SYS_munmap, region, size, 0, 0, 0, 0);
				why[k] = "cannot make the stubs executable";
			}
		}
	}
	/* No handler may run libc's code while its pages are not executable. */
	__bc_raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&all, (long)&old, 8, 0, 0);
	for (k = 0; k < nobj; k++)
		if (!why[k] && !(why[k] = patch(&f, k, &p[k])))
			done[k] = __bc_site_objs[k].n, done_base[k] = f.base[k];
	__bc_raw6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, 8, 0, 0);
}

hidden int __bc_rewritten(void)
{
	return done[0] != 0;
}

hidden long __bc_site_at(uintptr_t at)
{
	for (unsigned k = 0; k < __bc_nsite_objs && k < MAXOBJ; k++) {
		const struct bc_site *s = &__bc_sites[__bc_site_objs[k].first];
		if (!done[k] || at < done_base[k])
			continue;
		for (unsigned i = 0; i < __bc_site_objs[k].n; i++)
			if (s[i].off == at - done_base[k])
				return s[i].nr;
	}
	return -1;
}

/* The report's "sites": {"libc":N,...}, or the reason instead of N. */
hidden void __bc_rewrite_put(void)
{
	__bc_put(",\"sites\":");
	if (!ran)
		why_all = E.cfg.sud ? "not yet: nothing was deferred"
			  : E.cfg.close_ok ? "not the glibc way" : __bc_sud_state();
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
