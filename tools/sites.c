/* sites: prove glibc's `mov $nr,%eax; syscall` sites safe to rewrite, at
 * build time (decoding a libc takes tens of milliseconds, too long for
 * every exec), and write the table libbcshim.so checks them against at
 * start-up (shim/rewrite.c, docs/glibc.md "The glibc sites").
 *
 *   sites OUT.c NAME=PATH...   the table, counts on stderr
 *   sites -v NAME=PATH...      each site's verdict on stdout
 *
 * A site is proven when: both instructions are on the instruction
 * boundaries of a linear sweep of its section and of one from its
 * function's start (.eh_frame); nothing can land in its bytes after the
 * first (no direct branch or call, rip-relative address, relocation,
 * symbol or function start); its function holds no indirect jmp (a jump
 * table could land anywhere), no undecodable byte and no LSDA (a landing
 * pad is a target no instruction names); no call comes before it in its
 * function (glibc's multi-threaded way into a cancellable call enables
 * asynchronous cancellation first, and a thread cancelled inside a stub,
 * which has no unwind information, would skip its cleanup handlers); and
 * its number is not one whose stack or return discipline forbids a stub. */
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <Zydis/Zydis.h>

enum { OK, R_NR, R_NOFDE, R_ALIGN, R_TARGET, R_INDIRECT, R_UNDECODED, R_LSDA, R_CALL, NREASON };
static const char *const reason[NREASON] = {
	"proven", "nr", "no-fde", "misaligned", "target-inside", "indirect-jmp",
	"undecodable", "lsda", "call-before",
};

struct fde { uint64_t lo, hi; int lsda; };

struct obj {
	const char *name, *path;
	const unsigned char *m; size_t size;
	const Elf64_Ehdr *eh; const Elf64_Shdr *sh; const Elf64_Phdr *ph;
	uint64_t lo, hi;           /* span of the executable sections */
	unsigned char *start;      /* per byte: an instruction starts here */
	unsigned char *target;     /* per byte: something may land here */
	unsigned char *undecoded;  /* per byte: the sweep could not decode it */
	struct fde *fde; size_t nfde;
	unsigned char id[32]; unsigned idlen;
	unsigned proven;
};

static void die(const char *what, const char *path)
{
	fprintf(stderr, "sites: %s: %s\n", path, what);
	exit(1);
}

/* A file byte range's address: the section that holds vaddr. */
static const unsigned char *at(struct obj *o, uint64_t va, uint64_t n)
{
	for (int i = 0; i < o->eh->e_phnum; i++) {
		const Elf64_Phdr *p = &o->ph[i];
		if (p->p_type == PT_LOAD && va >= p->p_vaddr && va + n <= p->p_vaddr + p->p_filesz)
			return o->m + p->p_offset + (va - p->p_vaddr);
	}
	return NULL;
}

static void mark(struct obj *o, unsigned char *map, uint64_t va)
{
	if (va >= o->lo && va < o->hi)
		map[va - o->lo] = 1;
}

static uint64_t uleb(const unsigned char **p)
{
	uint64_t v = 0;
	int s = 0;
	unsigned char b;

	do {
		b = *(*p)++;
		if (s < 64)
			v |= (uint64_t)(b & 0x7f) << s;
		s += 7;
	} while (b & 0x80);
	return v;
}

static int64_t sleb(const unsigned char **p)
{
	int64_t v = 0;
	int s = 0;
	unsigned char b;

	do {
		b = *(*p)++;
		if (s < 64)
			v |= (int64_t)(b & 0x7f) << s;
		s += 7;
	} while (b & 0x80);
	if (s < 64 && (b & 0x40))
		v |= -((int64_t)1 << s);
	return v;
}

/* Little-endian integers of n bytes at p, of any alignment. */
static uint64_t unsigned_at(const unsigned char *p, int n)
{
	uint64_t v = 0;

	memcpy(&v, p, n);
	return v;
}

static int64_t signed_at(const unsigned char *p, int n)
{
	uint64_t v = unsigned_at(p, n);
	int shift = 64 - 8 * n;

	return (int64_t)(v << shift) >> shift;
}

/* A DW_EH_PE-encoded pointer at *p, whose address is va. */
static uint64_t encoded(const unsigned char **p, int enc, uint64_t va, const char *path)
{
	const unsigned char *s = *p;
	uint64_t v;

	switch (enc & 0x0f) {
	case 0x00: v = unsigned_at(s, 8); *p += 8; break;
	case 0x01: v = uleb(p); break;
	case 0x02: v = unsigned_at(s, 2); *p += 2; break;
	case 0x03: v = unsigned_at(s, 4); *p += 4; break;
	case 0x04: v = unsigned_at(s, 8); *p += 8; break;
	case 0x09: v = sleb(p); break;
	case 0x0a: v = (uint64_t)signed_at(s, 2); *p += 2; break;
	case 0x0b: v = (uint64_t)signed_at(s, 4); *p += 4; break;
	case 0x0c: v = unsigned_at(s, 8); *p += 8; break;
	default: die("unknown pointer encoding in .eh_frame", path);
	}
	if ((enc & 0x70) == 0x10)
		v += va;
	else if (enc & 0x70)
		die("unsupported pointer application in .eh_frame", path);
	return v;
}

/* The functions' ranges, and which have an LSDA (landing pads). */
static void read_fdes(struct obj *o, const Elf64_Shdr *s)
{
	const unsigned char *base = o->m + s->sh_offset, *p = base, *end = base + s->sh_size;
	size_t cap = 0;

	while (p + 4 <= end) {
		uint64_t len = unsigned_at(p, 4), id;
		const unsigned char *rec, *next;

		p += 4;
		if (!len)
			break;
		if (len == 0xffffffff) {
			len = unsigned_at(p, 8);
			p += 8;
		}
		rec = p;
		next = p + len;
		id = unsigned_at(p, 4);
		p += 4;
		if (id) {
			/* An FDE: its CIE, id bytes back from the id's own place. */
			const unsigned char *c = rec - id, *aug;
			int fenc = 0, lenc = 0xff, zaug = 0;
			struct fde f = { 0 };

			c += 4 + 4; /* length, CIE id: no 64-bit CIE in an object of this kind */
			if (*c++ == 0)
				die("bad CIE version", o->path);
			aug = c;
			c += strlen((const char *)c) + 1;
			uleb(&c);
			sleb(&c);
			uleb(&c); /* return register (version 3; a byte in 1 fits too) */
			for (const unsigned char *a = aug; *a; a++) {
				if (*a == 'z') {
					zaug = 1;
					uleb(&c);
				} else if (*a == 'R') {
					fenc = *c++;
				} else if (*a == 'L') {
					lenc = *c++;
				} else if (*a == 'P') {
					int penc = *c++;
					encoded(&c, penc & 0x7f, s->sh_addr + (c - base), o->path);
				} else if (*a == 'S' || *a == 'B') {
				} else {
					die("unknown CIE augmentation", o->path);
				}
			}
			f.lo = encoded(&p, fenc, s->sh_addr + (p - base), o->path);
			f.hi = f.lo + encoded(&p, fenc & 0x0f, 0, o->path);
			if (zaug) {
				uint64_t alen = uleb(&p);
				if (lenc != 0xff && alen) {
					const unsigned char *q = p;
					f.lsda = encoded(&q, lenc & 0x7f, s->sh_addr + (q - base), o->path) != 0;
				}
			}
			if (o->nfde == cap && !(o->fde = realloc(o->fde, (cap = cap ? 2 * cap : 1024) * sizeof *o->fde)))
				die("out of memory", o->path);
			o->fde[o->nfde++] = f;
			mark(o, o->target, f.lo);
		}
		p = next;
	}
}

static const struct fde *fde_of(const struct obj *o, uint64_t va)
{
	for (size_t i = 0; i < o->nfde; i++)
		if (va >= o->fde[i].lo && va < o->fde[i].hi)
			return &o->fde[i];
	return NULL;
}

static ZydisDecoder dec;

/* Decode [lo, hi): instruction starts, and (sweep) what may be landed on. */
static void sweep(struct obj *o, uint64_t lo, uint64_t hi, unsigned char *starts, int learn)
{
	const unsigned char *b = at(o, lo, hi - lo);
	ZydisDecodedInstruction in;

	if (!b)
		die("executable section outside the file's segments", o->path);
	for (uint64_t va = lo; va < hi;) {
		if (ZYAN_FAILED(ZydisDecoderDecodeInstruction(&dec, NULL, b + (va - lo), hi - va, &in))) {
			if (learn)
				o->undecoded[va - o->lo] = 1;
			va++;
			continue;
		}
		starts[va - o->lo] = 1;
		if (learn) {
			uint64_t next = va + in.length;

			for (int i = 0; i < 2; i++)
				if (in.raw.imm[i].is_relative)
					mark(o, o->target, next + in.raw.imm[i].value.s);
			if ((in.attributes & ZYDIS_ATTRIB_HAS_MODRM) && in.raw.modrm.mod == 0 &&
			    in.raw.modrm.rm == 5)
				mark(o, o->target, next + in.raw.disp.value);
		}
		va += in.length;
	}
}

static void load(struct obj *o)
{
	struct stat st;
	int fd = open(o->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st))
		die("cannot open", o->path);
	o->size = st.st_size;
	o->m = mmap(NULL, o->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (o->m == MAP_FAILED || o->size < sizeof *o->eh)
		die("cannot map", o->path);
	o->eh = (const void *)o->m;
	if (memcmp(o->eh->e_ident, ELFMAG, SELFMAG) || o->eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    o->eh->e_machine != EM_X86_64 || !o->eh->e_shoff)
		die("not an x86_64 ELF object with sections", o->path);
	o->sh = (const void *)(o->m + o->eh->e_shoff);
	o->ph = (const void *)(o->m + o->eh->e_phoff);

	/* The build id, from the note the loader maps. */
	for (int i = 0; i < o->eh->e_phnum; i++) {
		const Elf64_Phdr *p = &o->ph[i];
		const unsigned char *n = o->m + p->p_offset, *e = n + p->p_filesz;

		if (p->p_type != PT_NOTE)
			continue;
		while (n + 12 <= e) {
			const Elf64_Nhdr *h = (const void *)n;
			const unsigned char *name = n + 12, *desc = name + ((h->n_namesz + 3) & ~3u);

			if (h->n_type == NT_GNU_BUILD_ID && h->n_namesz == 4 && !memcmp(name, "GNU", 4) &&
			    h->n_descsz <= sizeof o->id) {
				memcpy(o->id, desc, o->idlen = h->n_descsz);
			}
			n = desc + ((h->n_descsz + 3) & ~3u);
		}
	}
	if (!o->idlen)
		die("no GNU build id", o->path);

	o->lo = UINT64_MAX;
	for (int i = 0; i < o->eh->e_shnum; i++)
		if ((o->sh[i].sh_flags & SHF_EXECINSTR) && o->sh[i].sh_type == SHT_PROGBITS && o->sh[i].sh_size) {
			if (o->sh[i].sh_addr < o->lo)
				o->lo = o->sh[i].sh_addr;
			if (o->sh[i].sh_addr + o->sh[i].sh_size > o->hi)
				o->hi = o->sh[i].sh_addr + o->sh[i].sh_size;
		}
	if (o->lo >= o->hi)
		die("no executable section", o->path);
	if (!(o->start = calloc(3, o->hi - o->lo)))
		die("out of memory", o->path);
	o->target = o->start + (o->hi - o->lo);
	o->undecoded = o->target + (o->hi - o->lo);

	for (int i = 0; i < o->eh->e_shnum; i++) {
		const Elf64_Shdr *s = &o->sh[i];

		if ((s->sh_flags & SHF_EXECINSTR) && s->sh_type == SHT_PROGBITS && s->sh_size)
			sweep(o, s->sh_addr, s->sh_addr + s->sh_size, o->start, 1);
		else if (s->sh_type == SHT_PROGBITS && s->sh_size &&
			 !strcmp((const char *)o->m + o->sh[o->eh->e_shstrndx].sh_offset + s->sh_name, ".eh_frame"))
			read_fdes(o, s);
		else if (s->sh_type == SHT_SYMTAB || s->sh_type == SHT_DYNSYM)
			for (const Elf64_Sym *y = (const void *)(o->m + s->sh_offset);
			     (const unsigned char *)(y + 1) <= o->m + s->sh_offset + s->sh_size; y++)
				mark(o, o->target, y->st_value);
		else if (s->sh_type == SHT_RELA)
			for (const Elf64_Rela *r = (const void *)(o->m + s->sh_offset);
			     (const unsigned char *)(r + 1) <= o->m + s->sh_offset + s->sh_size; r++)
				mark(o, o->target, r->r_addend);
	}
	if (!o->nfde)
		die("no .eh_frame", o->path);
}

/* Stack or return discipline forbids a stub: the kernel's signal frame
 * (rt_sigreturn), a child on a new stack or on the parent's (clone,
 * clone3, vfork, fork). */
static int excluded(unsigned nr)
{
	return nr == 15 || nr == 56 || nr == 57 || nr == 58 || nr == 435;
}

static int judge(struct obj *o, uint64_t va, unsigned nr, unsigned char *scratch)
{
	const struct fde *f;
	const unsigned char *b;
	ZydisDecodedInstruction in;
	uint64_t call_after = 0;

	if (excluded(nr))
		return R_NR;
	if (!(f = fde_of(o, va)) || va + 7 > f->hi || f->lo < o->lo || f->hi > o->hi)
		return R_NOFDE;
	for (uint64_t x = va + 1; x < va + 7; x++)
		if (o->target[x - o->lo])
			return R_TARGET;
	if (f->lsda)
		return R_LSDA;
	/* The function swept from its start: the same boundaries, and what
	 * it holds. */
	memset(scratch + (f->lo - o->lo), 0, f->hi - f->lo);
	sweep(o, f->lo, f->hi, scratch, 0);
	if (!scratch[va - o->lo] || !scratch[va + 5 - o->lo] || scratch[va + 7 - o->lo] != (va + 7 < f->hi))
		return R_ALIGN;
	b = at(o, f->lo, f->hi - f->lo);
	for (uint64_t x = f->lo; x < f->hi; x++) {
		if (o->undecoded[x - o->lo])
			return R_UNDECODED;
		if (!scratch[x - o->lo])
			continue;
		if (ZYAN_FAILED(ZydisDecoderDecodeInstruction(&dec, NULL, b + (x - f->lo), f->hi - x, &in)))
			return R_UNDECODED;
		if (in.meta.category == ZYDIS_CATEGORY_UNCOND_BR && !(in.attributes & ZYDIS_ATTRIB_IS_RELATIVE))
			return R_INDIRECT;
		if (in.meta.category == ZYDIS_CATEGORY_CALL && x < va)
			return R_CALL;
		/* ... or after it, then back over it: a loop. */
		if (in.meta.category == ZYDIS_CATEGORY_CALL && !call_after)
			call_after = x;
		if (call_after && x > call_after && in.raw.imm[0].is_relative &&
		    (in.meta.category == ZYDIS_CATEGORY_COND_BR || in.meta.category == ZYDIS_CATEGORY_UNCOND_BR) &&
		    x + in.length + in.raw.imm[0].value.s <= va &&
		    x + in.length + in.raw.imm[0].value.s >= f->lo)
			return R_CALL;
	}
	return OK;
}

int main(int argc, char **argv)
{
	int verbose = argc > 1 && !strcmp(argv[1], "-v");
	const char *out = verbose ? NULL : argv[1];
	FILE *f = NULL;
	unsigned total = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: sites OUT.c NAME=PATH... | sites -v NAME=PATH...\n");
		return 2;
	}
	ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	if (out) {
		if (!(f = fopen(out, "w")))
			die("cannot write", out);
		fprintf(f, "/* Written by tools/sites.c: the proven system-call sites. */\n"
			   "#include \"rewrite.h\"\n\nhidden const struct bc_site __bc_sites[] = {\n");
	}
	struct obj *objs = calloc(argc, sizeof *objs);
	for (int i = 2; i < argc; i++) {
		struct obj *o = &objs[i];
		char *eq = strchr(argv[i], '=');
		unsigned found = 0, n[NREASON] = { 0 };
		unsigned char *scratch;

		if (!eq)
			die("not NAME=PATH", argv[i]);
		*eq = 0;
		o->name = argv[i];
		o->path = eq + 1;
		load(o);
		if (!(scratch = calloc(1, o->hi - o->lo)))
			die("out of memory", o->path);
		for (uint64_t va = o->lo; va + 7 <= o->hi; va++) {
			const unsigned char *b = at(o, va, 7);
			int r;

			if (!b || b[0] != 0xb8 || b[5] != 0x0f || b[6] != 0x05 || !o->start[va - o->lo] ||
			    !o->start[va + 5 - o->lo])
				continue;
			found++;
			r = judge(o, va, (uint32_t)unsigned_at(b + 1, 4), scratch);
			n[r]++;
			if (verbose)
				printf("%s %#lx %u %s\n", o->name, (unsigned long)va, (uint32_t)unsigned_at(b + 1, 4), reason[r]);
			if (f && r == OK)
				fprintf(f, "\t{ %#lx, %u },\n", (unsigned long)va, (uint32_t)unsigned_at(b + 1, 4));
		}
		fprintf(stderr, "sites: %s (%s): %u sites, %u proven", o->name, o->path, found, n[OK]);
		for (int r = 1; r < NREASON; r++)
			if (n[r])
				fprintf(stderr, ", %u %s", n[r], reason[r]);
		fprintf(stderr, "\n");
		o->proven = n[OK];
		total += n[OK];
		free(scratch);
		/* Only the name, path, id and count are needed from here on. */
		free(o->start);
		free(o->fde);
		munmap((void *)o->m, o->size);
	}
	if (f) {
		unsigned first = 0;

		fprintf(f, "%s};\n\nhidden const struct bc_site_obj __bc_site_objs[] = {\n", total ? "" : "\t{ 0, 0 },\n");
		for (int i = 2; i < argc; i++) {
			const char *file = strrchr(objs[i].path, '/');

			file = file ? file + 1 : objs[i].path;
			if (strlen(objs[i].name) >= 8 || strlen(file) >= 24)
				die("name too long for the table", objs[i].path);
			fprintf(f, "\t{ \"%s\", \"%s\", %u, {", objs[i].name, file, objs[i].idlen);
			for (unsigned k = 0; k < objs[i].idlen; k++)
				fprintf(f, "%s%#x", k ? ", " : " ", objs[i].id[k]);
			fprintf(f, " }, %u, %u },\n", first, objs[i].proven);
			first += objs[i].proven;
		}
		fprintf(f, "};\n\nhidden const unsigned __bc_nsite_objs = %d;\n", argc - 2);
		if (fclose(f))
			die("cannot write", out);
	}
	free(objs);
	return 0;
}
