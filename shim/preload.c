/* libbcshim.so's ways in: libc's exported functions, interposed.  The
 * deferrable ones and the fd observers go through the engine by syscall
 * number; the rest of libc's I/O is opaque (opaque.h, tramp.S).  In a
 * program linked with the patched musl every call already reaches the
 * entry, so the library arms it instead and interposes nothing. */
#include <bc_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "arm.h"
#include "bare.h"
#include "engine.h"
#include "env.h"
#include "life.h"
#include "memshare.h"
#include "opaque.h"
#include "raw.h"
#include "rewrite.h"
#include "signals.h"
#include "state.h"
#include "stats.h"
#include "sud.h"
#include "wrapped.h"

/* Resolved at run time from whichever libc is loaded; the library itself
 * links against none. */
extern void *dlsym(void *, const char *) __attribute__((__weak__));
extern int dl_iterate_phdr(int (*)(struct dl_phdr_info *, size_t, void *), void *)
	__attribute__((__weak__));
extern int *__errno_location(void) __attribute__((__weak__));
extern int __bc_set_entry(const struct bc_entry_ops *) __attribute__((__weak__));
extern unsigned long getauxval(unsigned long) __attribute__((__weak__));
extern char __libc_single_threaded __attribute__((__weak__));

#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif

hidden long __bc_entry_call(long nr, const long a[6], unsigned flags);
hidden void __bc_entry_event(int ev);
hidden void __bc_restore_rt(void);


enum {
#define INDEX(name, ...) R_##name,
	BC_OPAQUE(INDEX)
	NOPAQUE,
	R_first_wrapped = NOPAQUE - 1,
	BC_WRAPPED(INDEX)
#undef INDEX
	NREAL
};

/* libc's names, each its own member so that offsetof finds it: a table
 * of pointers would cost a relocation each at every load. */
static const struct {
#define MEMBER(name, ...) char n_##name[sizeof #name];
	BC_OPAQUE(MEMBER)
	BC_WRAPPED(MEMBER)
#undef MEMBER
} real_names = {
#define NAME(name, ...) #name,
	BC_OPAQUE(NAME)
	BC_WRAPPED(NAME)
#undef NAME
};

static const unsigned short real_at[NREAL] = {
#define AT(name, ...) __builtin_offsetof(__typeof__(real_names), n_##name),
	BC_OPAQUE(AT)
	BC_WRAPPED(AT)
#undef AT
};

static const char *real_name(int i)
{
	return (const char *)&real_names + real_at[i];
}

enum { KIND_FLUSH, KIND_FORGET, KIND_EXEC, KIND_VFORK, KIND_THREAD, KIND_CLONE, KIND_FORK, KIND_CREDS,
       KIND_LIMIT };

hidden void *__bc_real[NREAL];
hidden const unsigned char __bc_opaque_kind[NOPAQUE] = {
#define KIND(name, kind_) KIND_##kind_,
	BC_OPAQUE(KIND)
#undef KIND
};

/* AT_SECURE from the kernel's aux vector, as /proc/self/auxv shows it;
 * unreadable (no /proc; a process made undumpable by a set-id exec, whose
 * /proc files are root's) counts as secure. */
static int auxv_secure(void)
{
	unsigned long v[2 * 64];
	long fd, n, got = 0;

	fd = __bc_raw6(SYS_openat, AT_FDCWD, (long)"/proc/self/auxv", O_RDONLY | O_CLOEXEC, 0, 0, 0);
	if (fd < 0)
		return 1;
	while (got < (long)sizeof v &&
	       (n = __bc_raw6(SYS_read, fd, (long)v + got, sizeof v - got, 0, 0, 0)) > 0)
		got += n;
	__bc_raw6(SYS_close, fd, 0, 0, 0, 0, 0);
	for (long i = 0; i + 1 < got / (long)sizeof *v && v[i] != AT_NULL; i += 2)
		if (v[i] == AT_SECURE)
			return v[i + 1] != 0;
	return 1;
}

/* Whichever libc loaded the library (glibc, musl) has getauxval, and has
 * the aux vector in hand before constructors run; the kernel's copy only
 * if it has none. */
hidden int __bc_secure(void)
{
	return getauxval ? getauxval(AT_SECURE) != 0 : auxv_secure();
}

/* Armed through the patched musl's entry: interpose nothing. */
static int musl_way start_data;

/* Function i as found is another preload library's, not libc's: a call
 * the engine deferred would never reach it. */
static unsigned char foreign[NREAL];

/* The span of each libc object's segments (old glibc's libpthread and
 * librt too), found once: dladdr would search a symbol table per call. */
static struct { uintptr_t lo, hi; } libc_at[3];

static int each_object(struct dl_phdr_info *o, size_t size, void *arg)
{
	static const char *const names[] = { "libc.so.6", "libpthread.so.0", "librt.so.1" };
	const char *b = o->dlpi_name, *p;

	(void)size, (void)arg;
	for (p = b; p && *p; p++)
		if (*p == '/')
			b = p + 1;
	for (unsigned k = 0; b && k < sizeof names / sizeof *names; k++) {
		if (__builtin_strcmp(b, names[k]))
			continue;
		libc_at[k].lo = (uintptr_t)-1;
		for (int i = 0; i < o->dlpi_phnum; i++) {
			const ElfW(Phdr) *ph = &o->dlpi_phdr[i];
			uintptr_t lo = o->dlpi_addr + ph->p_vaddr;

			if (ph->p_type != PT_LOAD)
				continue;
			if (lo < libc_at[k].lo)
				libc_at[k].lo = lo;
			if (lo + ph->p_memsz > libc_at[k].hi)
				libc_at[k].hi = lo + ph->p_memsz;
		}
	}
	return 0;
}

static int in_libc(void *f)
{
	static int looked;

	if (!looked++ && dl_iterate_phdr)
		dl_iterate_phdr(each_object, NULL);
	if (!libc_at[0].hi)
		return 1;  /* not found: as before */
	for (unsigned k = 0; k < sizeof libc_at / sizeof *libc_at; k++)
		if ((uintptr_t)f >= libc_at[k].lo && (uintptr_t)f < libc_at[k].hi)
			return 1;
	return 0;
}

/* Per libc function: 1 + the system call it is while glibc counts the
 * process single-threaded, proven (bare.c), or 0. */
static unsigned short bare[NREAL];

/* The system call libc's function i makes if it may be bare, or -1. */
static long bare_call(int i)
{
	switch (i) {
	case R_read: return SYS_read;
	case R_write: return SYS_write;
	case R_pread: case R_pread64: return SYS_pread64;
	case R_pwrite: case R_pwrite64: return SYS_pwrite64;
	case R_readv: return SYS_readv;
	case R_writev: return SYS_writev;
	case R_close: return SYS_close;
	case R_fsync: return SYS_fsync;
	case R_fdatasync: return SYS_fdatasync;
	}
	return -1;
}

/* libc's function i, found on first use. */
__attribute__((__noinline__, __cold__)) static void *resolve(int i)
{
	void *f = dlsym ? dlsym(((void *)-1l) /* RTLD_NEXT */, real_name(i)) : NULL;

	if (!f) {
		__bc_say("cannot find libc's own function:");
		__bc_say(real_name(i));
		__bc_raw6(SYS_exit_group, 127, 0, 0, 0, 0, 0);
	}
	/* Only a wrapper defers past the function it calls. */
	foreign[i] = i > R_first_wrapped && !musl_way && !in_libc(f);
	if (!foreign[i] && !musl_way && __errno_location &&
	    __bc_bare(f, bare_call(i), &__libc_single_threaded, __errno_location(), libc_at[0].lo, libc_at[0].hi,
		      __bc_site_at))
		bare[i] = bare_call(i) + 1;
	__atomic_store_n(&__bc_real[i], f, __ATOMIC_RELEASE);
	return f;
}

static inline void *real(int i)
{
	void *f = __atomic_load_n(&__bc_real[i], __ATOMIC_RELAXED);

	return f ? f : resolve(i);
}

/* A process whose writes libc makes itself (stdio) defers nothing until
 * it is armed and libc's sites rewritten, which costs about what
 * ARM_WRITES writes made one by one cost (docs/glibc.md, "Stdio
 * alone").  So, as one rents skis until the rent paid would have bought
 * them, it arms once it has made that many writes.  The count (the
 * kernel's) includes the writes of the programs this one was exec'd
 * from, so the first look only takes it as the base; it comes after
 * ARM_WRITES opaque calls too, since the first look in a process costs
 * about 30 us (the kernel makes its /proc/self), which a process making
 * fewer stdio calls would feel.  The next looks: where the writes since would reach
 * ARM_WRITES at the rate seen (a stdio call makes one write at most,
 * mostly), or after as many calls again as were counted since the base,
 * whichever comes first; so a process that writes little pays a look per
 * doubling of its calls.  Counted down by tramp.S (0: not counting),
 * without a lock: threads may lose a count, and a threaded process does
 * not arm this way. */
#define ARM_WRITES 384
hidden unsigned __bc_opaque_left start_data = ARM_WRITES;

static void arm_if_writing(void)
{
	static long base start_data = -1;
	static unsigned long since start_data;
	long w = __bc_engine_arm_early(base < 0 ? LONG_MAX : base + ARM_WRITES), d;
	unsigned long next = ARM_WRITES;

	if (w == -1)
		__atomic_store_n(&__bc_opaque_left, 1, __ATOMIC_RELAXED);
	if (w < 0 || (base >= 0 && w >= base + ARM_WRITES) || since >= 1UL << 30)
		return;
	if (base < 0) {
		base = w;
	} else {
		d = w - base;
		next = since;
		if (d && (ARM_WRITES - d) * since / d < next)
			next = (ARM_WRITES - d) * since / d + 1;
	}
	__atomic_store_n(&__bc_opaque_left, next, __ATOMIC_RELAXED);
	since += next;
}

/* The stubs' slow path: libc's function, once what it needs is done;
 * a3 is its third argument (clone's flags). */
hidden void *__bc_opaque_slow(long i, long a3)
{
	void *f = real(i);

	if (musl_way || !__bc_on || __bc_tls.depth)
		return f;
	if (!__atomic_load_n(&__bc_opaque_left, __ATOMIC_RELAXED))
		arm_if_writing();
	/* Its calls reach the engine through the rewritten sites, or trap
	 * in the net while this batch blocks them: nothing to flush for. */
	if (__bc_opaque_kind[i] == KIND_FLUSH && __bc_rewritten() && __bc_sud_blocks())
		return f;
	if (__bc_opaque_kind[i] == KIND_CLONE) {
		__bc_engine_clones(a3);
		if ((a3 & (CLONE_VM | CLONE_THREAD)) == CLONE_VM) {
			/* A process in this memory: told from the owner by its
			 * pid, which must be known first. */
			__bc_owner_pid();
			__atomic_store_n(&__bc_e.vm_child, 1, __ATOMIC_RELEASE);
		}
		if (a3 & CLONE_VM) {
			__bc_engine_threaded();
			return f;
		}
		__bc_engine_settle(FL_FORK);
		__bc_owner_pid();
		__bc_tls.vforked = 1;
		return f;
	}
	if (__bc_opaque_kind[i] == KIND_THREAD) {
		__bc_engine_threaded();
		return f;
	}
	if (__bc_opaque_kind[i] == KIND_EXEC) {
		__bc_engine_end(FL_EXEC, -1, 0, 0);
		return f;
	}
	if (__bc_opaque_kind[i] == KIND_FORK)
		__bc_engine_forks();
	__bc_engine_settle(__bc_opaque_kind[i] == KIND_VFORK ? FL_FORK : FL_LIBC);
	if (__bc_opaque_kind[i] == KIND_FORGET || __bc_opaque_kind[i] == KIND_CREDS)
		__bc_engine_forget_fds(__bc_opaque_kind[i] == KIND_CREDS);
	if (__bc_opaque_kind[i] == KIND_LIMIT)
		__bc_engine_limits();
	if (__bc_opaque_kind[i] == KIND_VFORK) {
		/* The child is told from the parent by its pid. */
		__bc_owner_pid();
		__bc_tls.vforked = 1;
	}
	return f;
}

typedef long (*fn6)(long, long, long, long, long, long);

static long errno_ret(long r)
{
	if ((unsigned long)r > -4096UL) {
		*__errno_location() = -r;
		return -1;
	}
	return r;
}

/* libc's function i, for a call the engine has ordered: the net lets
 * its calls through (sud.c), and the rewritten sites it reaches do not
 * take it to the engine again (rewrite.c).  Armed, a bare one is made
 * here while glibc counts the process single-threaded: from the net's
 * allowed range, no site reached (bare.c). */
static inline long run6(int i, long a0, long a1, long a2, long a3, long a4, long a5)
{
	int opened;
	long r;

	if (bare[i] && __atomic_load_n(&__libc_single_threaded, __ATOMIC_RELAXED) &&
	    __atomic_load_n(&__bc_e.armed, __ATOMIC_RELAXED) && !__atomic_load_n(&__bc_e.off, __ATOMIC_RELAXED))
		return errno_ret(__bc_raw6(bare[i] - 1, a0, a1, a2, a3, a4, a5));
	opened = __bc_sud_open();
	__bc_tls.wrapped++;
	r = ((fn6)real(i))(a0, a1, a2, a3, a4, a5);
	__bc_tls.wrapped--;
	__bc_sud_close(opened);
	return r;
}

/* Call nr, not deferred: libc's function i issues it, and the engine
 * learns its result. */
__attribute__((__noinline__)) static long issue(long nr, int i, const long a[6])
{
	long r = run6(i, a[0], a[1], a[2], a[3], a[4], a[5]);

	__bc_after(nr, a, r == -1 ? -*__errno_location() : r);
	return r;
}

/* Call nr, which passes (__bc_passes): libc's function i issues it,
 * counted and marked (run6). */
static inline __attribute__((__always_inline__))
long pass6(long nr, int i, long a0, long a1, long a2, long a3, long a4, long a5)
{
	__bc_seen(nr);
	return run6(i, a0, a1, a2, a3, a4, a5);
}

/* through's way through the engine, out of line: the wrappers' common
 * path (a call that passes) then needs no frame of this size.  The call
 * not deferred is issued out of line too, so that a deferred one keeps
 * no registers. */
__attribute__((__noinline__))
static long through_engine(long nr, int i, long a0, long a1, long a2, long a3, long a4, long a5)
{
	long a[6] = { a0, a1, a2, a3, a4, a5 }, r;

	/* Another preload library's function behind this one: it runs, its
	 * calls after what is pending, and nothing is deferred past it. */
	if ((real(i), foreign[i])) {
		__bc_engine_settle(FL_LIBC);
		r = run6(i, a0, a1, a2, a3, a4, a5);
		__bc_after(nr, a, r == -1 ? -*__errno_location() : r);
		return r;
	}
	if (__bc_before(nr, a, &r))
		return errno_ret(r);
	return issue(nr, i, a);
}

/* May call nr go to libc's function f at once, with nothing to count or
 * mark?  While the library is quiet if the call passes (asked first: the
 * common case), but for the thread's first call, which the engine sees
 * (a thread started unseen must be known before it arms: __bc_seen); on
 * musl's way (its entry sees the call) or with the engine off. */
#define STRAIGHT(f, nr) \
	((f) && ((__atomic_load_n(&__bc_e.quiet, __ATOMIC_RELAXED) && __bc_self && __bc_quiet_passes(nr)) || \
		 musl_way || !__bc_on))

/* through's way for a call not STRAIGHT, libc's function i found. */
static inline __attribute__((__always_inline__))
long through_rest(long nr, int i, long a0, long a1, long a2, long a3, long a4, long a5)
{
	if (__bc_passes(nr, a0))
		return pass6(nr, i, a0, a1, a2, a3, a4, a5);
	return through_engine(nr, i, a0, a1, a2, a3, a4, a5);
}

/* through's way for a wrapper's first call, libc's function i not found
 * yet: STRAIGHT could not say. */
__attribute__((__noinline__, __cold__))
static long through_first(long nr, int i, long a0, long a1, long a2, long a3, long a4, long a5)
{
	if (musl_way || !__bc_on)
		return ((fn6)real(i))(a0, a1, a2, a3, a4, a5);
	real(i);
	return through_rest(nr, i, a0, a1, a2, a3, a4, a5);
}

/* through's way for a call not STRAIGHT: found, whether libc's function i
 * was. */
static inline __attribute__((__always_inline__))
long through_on(long nr, int i, int found, long a0, long a1, long a2, long a3, long a4, long a5)
{
	if (!found)
		return through_first(nr, i, a0, a1, a2, a3, a4, a5);
	return through_rest(nr, i, a0, a1, a2, a3, a4, a5);
}

/* Call nr through the engine; libc's function i issues it if it is not
 * deferred. */
static inline __attribute__((__always_inline__))
long through(long nr, int i, long a0, long a1, long a2, long a3, long a4, long a5)
{
	fn6 f = (fn6)__atomic_load_n(&__bc_real[i], __ATOMIC_RELAXED);

	if (STRAIGHT(f, nr))
		return f(a0, a1, a2, a3, a4, a5);
	return through_on(nr, i, f != NULL, a0, a1, a2, a3, a4, a5);
}

#define T(nr, name, a0, a1, a2, a3, a4, a5) \
	through(nr, R_##name, (long)(a0), (long)(a1), (long)(a2), (long)(a3), (long)(a4), (long)(a5))

/* The wrapper name (type name params) of libc's function for call nr,
 * its arguments as six: when STRAIGHT, a jump to libc's function (called
 * as returning type: an int wrapper's call of a long one could not be a
 * jump), else to name's own out-of-line way through (a call of through
 * inline would make every wrapper build its frame first). */
#define W(type, name, params, nr, a0, a1, a2, a3, a4, a5) \
	__attribute__((__noinline__)) static type through_##name(long b0, long b1, long b2, long b3, \
								 long b4, long b5) \
	{ \
		return (type)through_on(nr, R_##name, __atomic_load_n(&__bc_real[R_##name], __ATOMIC_RELAXED) != NULL, \
					b0, b1, b2, b3, b4, b5); \
	} \
	type name params \
	{ \
		type (*f)(long, long, long, long, long, long) = (type (*)(long, long, long, long, long, long)) \
			__atomic_load_n(&__bc_real[R_##name], __ATOMIC_RELAXED); \
 \
		if (STRAIGHT(f, nr)) \
			return f((long)(a0), (long)(a1), (long)(a2), (long)(a3), (long)(a4), (long)(a5)); \
		return through_##name((long)(a0), (long)(a1), (long)(a2), (long)(a3), (long)(a4), (long)(a5)); \
	}

/* A write continuing the queue's last entry (nr is the merge verdict's)
 * merges before anything else, __bc_merge going on to rest if not: no
 * arguments gathered, no frame. */
#define MERGING(nr, name) \
	static long rest_##name(long fd, long b, long n, long o) { return T(nr, name, fd, b, n, o, 0, 0); }
MERGING(SYS_write, write)
MERGING(SYS_pwrite64, pwrite)
MERGING(SYS_pwrite64, pwrite64)
/* Only into libc's own function, found already: another library's
 * behind this one would never see a merged call (foreign). */
#define TM(nr, name, fd, b, n, o) \
	(!musl_way && (nr) == __atomic_load_n(&__bc_e.ok_nr, __ATOMIC_RELAXED) && \
	 __atomic_load_n(&__bc_real[R_##name], __ATOMIC_ACQUIRE) && !foreign[R_##name] ? \
	 __bc_merge(fd, (long)(b), n, o, rest_##name, nr) : rest_##name(fd, (long)(b), n, o))

/* The interposed functions are the library's only exports. */
#pragma GCC visibility push(default)

ssize_t write(int fd, const void *b, size_t n) { return TM(SYS_write, write, fd, b, n, 0); }
W(ssize_t, writev, (int fd, const struct iovec *v, int c), SYS_writev, fd, v, c, 0, 0, 0)
ssize_t pwrite(int fd, const void *b, size_t n, off_t o) { return TM(SYS_pwrite64, pwrite, fd, b, n, o); }
ssize_t pwrite64(int fd, const void *b, size_t n, off_t o) { return TM(SYS_pwrite64, pwrite64, fd, b, n, o); }
W(ssize_t, pwritev, (int fd, const struct iovec *v, int c, off_t o), SYS_pwritev, fd, v, c, o, 0, 0)
W(ssize_t, pwritev64, (int fd, const struct iovec *v, int c, off_t o), SYS_pwritev, fd, v, c, o, 0, 0)
W(ssize_t, send, (int fd, const void *b, size_t n, int fl), SYS_sendto, fd, b, n, fl, 0, 0)
W(ssize_t, sendto, (int fd, const void *b, size_t n, int fl, const void *to, unsigned tl), SYS_sendto, fd, b, n, fl, to, tl)
W(ssize_t, sendmsg, (int fd, const void *m, int fl), SYS_sendmsg, fd, m, fl, 0, 0, 0)
W(int, fchmod, (int fd, mode_t m), SYS_fchmod, fd, m, 0, 0, 0, 0)
W(int, fchown, (int fd, uid_t u, gid_t g), SYS_fchown, fd, u, g, 0, 0, 0)
W(int, madvise, (void *p, size_t n, int adv), SYS_madvise, p, n, adv, 0, 0, 0)
W(int, close, (int fd), SYS_close, fd, 0, 0, 0, 0, 0)
W(ssize_t, read, (int fd, void *b, size_t n), SYS_read, fd, b, n, 0, 0, 0)
W(ssize_t, readv, (int fd, const struct iovec *v, int c), SYS_readv, fd, v, c, 0, 0, 0)
W(ssize_t, pread, (int fd, void *b, size_t n, off_t o), SYS_pread64, fd, b, n, o, 0, 0)
W(ssize_t, pread64, (int fd, void *b, size_t n, off_t o), SYS_pread64, fd, b, n, o, 0, 0)
W(ssize_t, preadv, (int fd, const struct iovec *v, int c, off_t o), SYS_preadv, fd, v, c, o, 0, 0)
W(ssize_t, preadv64, (int fd, const struct iovec *v, int c, off_t o), SYS_preadv, fd, v, c, o, 0, 0)
W(off_t, lseek, (int fd, off_t o, int w), SYS_lseek, fd, o, w, 0, 0, 0)
W(off_t, lseek64, (int fd, off_t o, int w), SYS_lseek, fd, o, w, 0, 0, 0)
W(int, fstat, (int fd, void *st), SYS_fstat, fd, st, 0, 0, 0, 0)
W(int, fstat64, (int fd, void *st), SYS_fstat, fd, st, 0, 0, 0, 0)
W(int, fstatat, (int d, const char *p, void *st, int fl), SYS_newfstatat, d, p, st, fl, 0, 0)
W(int, fstatat64, (int d, const char *p, void *st, int fl), SYS_newfstatat, d, p, st, fl, 0, 0)
W(int, statx, (int d, const char *p, int fl, unsigned m, void *st), SYS_statx, d, p, fl, m, st, 0)
W(int, fsync, (int fd), SYS_fsync, fd, 0, 0, 0, 0, 0)
W(int, fdatasync, (int fd), SYS_fdatasync, fd, 0, 0, 0, 0, 0)
W(int, ftruncate, (int fd, off_t n), SYS_ftruncate, fd, n, 0, 0, 0, 0)
W(int, ftruncate64, (int fd, off_t n), SYS_ftruncate, fd, n, 0, 0, 0, 0)
W(int, dup, (int fd), SYS_dup, fd, 0, 0, 0, 0, 0)
W(int, dup2, (int fd, int to), SYS_dup2, fd, to, 0, 0, 0, 0)
W(int, dup3, (int fd, int to, int fl), SYS_dup3, fd, to, fl, 0, 0, 0)
W(int, socket, (int d, int t, int p), SYS_socket, d, t, p, 0, 0, 0)
W(int, socketpair, (int d, int t, int p, int *sv), SYS_socketpair, d, t, p, sv, 0, 0)
W(int, pipe, (int fds[2]), SYS_pipe, fds, 0, 0, 0, 0, 0)
W(int, pipe2, (int fds[2], int fl), SYS_pipe2, fds, fl, 0, 0, 0, 0)
W(int, accept, (int fd, void *a, void *l), SYS_accept, fd, a, l, 0, 0, 0)
W(int, accept4, (int fd, void *a, void *l, int fl), SYS_accept4, fd, a, l, fl, 0, 0)
W(int, close_range, (unsigned lo, unsigned hi, int fl), SYS_close_range, lo, hi, fl, 0, 0, 0)
W(int, creat, (const char *p, mode_t m), SYS_creat, p, m, 0, 0, 0, 0)
W(int, creat64, (const char *p, mode_t m), SYS_creat, p, m, 0, 0, 0, 0)
W(int, __open_2, (const char *p, int fl), SYS_open, p, fl, 0, 0, 0, 0)
W(int, __open64_2, (const char *p, int fl), SYS_open, p, fl, 0, 0, 0, 0)
W(int, __openat_2, (int d, const char *p, int fl), SYS_openat, d, p, fl, 0, 0, 0)
W(int, __openat64_2, (int d, const char *p, int fl), SYS_openat, d, p, fl, 0, 0, 0)

/* Fortified reads: libc's own check of the buffer size comes first. */
ssize_t __read_chk(int fd, void *b, size_t n, size_t size)
{
	if (n > size)
		return ((fn6)real(R___read_chk))(fd, (long)b, n, size, 0, 0);
	return T(SYS_read, read, fd, b, n, 0, 0, 0);
}

ssize_t __pread_chk(int fd, void *b, size_t n, off_t o, size_t size)
{
	if (n > size)
		return ((fn6)real(R___pread_chk))(fd, (long)b, n, o, size, 0);
	return T(SYS_pread64, pread, fd, b, n, o, 0, 0);
}

ssize_t __pread64_chk(int fd, void *b, size_t n, off_t o, size_t size)
{
	if (n > size)
		return ((fn6)real(R___pread64_chk))(fd, (long)b, n, o, size, 0);
	return T(SYS_pread64, pread64, fd, b, n, o, 0, 0);
}

/* futimens is utimensat(fd, NULL, times, 0): its way through the engine,
 * out of line (the straight way then builds no frame). */
__attribute__((__noinline__)) static int through_futimens(int fd, const struct timespec *t)
{
	long a[6] = { fd, 0, (long)t, 0, 0, 0 }, r;

	if (musl_way || !__bc_on)
		return ((fn6)real(R_futimens))(fd, (long)t, 0, 0, 0, 0);
	if (__bc_passes(SYS_utimensat, fd))
		return pass6(SYS_utimensat, R_futimens, fd, (long)t, 0, 0, 0, 0);
	if (__bc_before(SYS_utimensat, a, &r))
		return errno_ret(r);
	r = run6(R_futimens, fd, (long)t, 0, 0, 0, 0);
	__bc_after(SYS_utimensat, a, r == -1 ? -*__errno_location() : r);
	return r;
}

int futimens(int fd, const struct timespec *t)
{
	fn6 f = (fn6)__atomic_load_n(&__bc_real[R_futimens], __ATOMIC_RELAXED);

	if (STRAIGHT(f, SYS_utimensat))
		return f(fd, (long)t, 0, 0, 0, 0);
	return through_futimens(fd, t);
}

/* posix_fadvise returns its error rather than setting errno; its way
 * through the engine, out of line. */
__attribute__((__noinline__)) static int through_fadvise(int i, int fd, off_t o, off_t n, int adv)
{
	long a[6] = { fd, o, n, adv, 0, 0 }, r;

	if (musl_way || !__bc_on)
		return ((fn6)real(i))(fd, o, n, adv, 0, 0);
	if (__bc_passes(SYS_fadvise64, fd))
		return pass6(SYS_fadvise64, i, fd, o, n, adv, 0, 0);
	if (__bc_before(SYS_fadvise64, a, &r))
		return -r;
	r = run6(i, fd, o, n, adv, 0, 0);
	__bc_after(SYS_fadvise64, a, -r);
	return r;
}

static inline __attribute__((__always_inline__)) int fadvise(int i, int fd, off_t o, off_t n, int adv)
{
	fn6 f = (fn6)__atomic_load_n(&__bc_real[i], __ATOMIC_RELAXED);

	if (STRAIGHT(f, SYS_fadvise64))
		return f(fd, o, n, adv, 0, 0);
	return through_fadvise(i, fd, o, n, adv);
}

int posix_fadvise(int fd, off_t o, off_t n, int adv) { return fadvise(R_posix_fadvise, fd, o, n, adv); }
int posix_fadvise64(int fd, off_t o, off_t n, int adv) { return fadvise(R_posix_fadvise64, fd, o, n, adv); }

/* The variadic ones: one optional argument, read as the callee would. */
#define OPT_ARG(last) ({ va_list ap; va_start(ap, last); long v_ = va_arg(ap, long); va_end(ap); v_; })

static int needs_mode(int fl)
{
	return (fl & O_CREAT) || (fl & O_TMPFILE) == O_TMPFILE;
}

int open(const char *p, int fl, ...) { long m = needs_mode(fl) ? OPT_ARG(fl) : 0; return T(SYS_open, open, p, fl, m, 0, 0, 0); }
int open64(const char *p, int fl, ...) { long m = needs_mode(fl) ? OPT_ARG(fl) : 0; return T(SYS_open, open64, p, fl, m, 0, 0, 0); }
int openat(int d, const char *p, int fl, ...) { long m = needs_mode(fl) ? OPT_ARG(fl) : 0; return T(SYS_openat, openat, d, p, fl, m, 0, 0); }
int openat64(int d, const char *p, int fl, ...) { long m = needs_mode(fl) ? OPT_ARG(fl) : 0; return T(SYS_openat, openat64, d, p, fl, m, 0, 0); }
int ioctl(int fd, unsigned long req, ...) { long v = OPT_ARG(req); return T(SYS_ioctl, ioctl, fd, req, v, 0, 0, 0); }
void *mmap(void *p, size_t n, int prot, int fl, int fd, off_t o) { return (void *)T(SYS_mmap, mmap, p, n, prot, fl, fd, o); }
void *mmap64(void *p, size_t n, int prot, int fl, int fd, off_t o) { return (void *)T(SYS_mmap, mmap64, p, n, prot, fl, fd, o); }
int fcntl(int fd, int cmd, ...) { long v = OPT_ARG(cmd); return T(SYS_fcntl, fcntl, fd, cmd, v, 0, 0, 0); }
int fcntl64(int fd, int cmd, ...) { long v = OPT_ARG(cmd); return T(SYS_fcntl, fcntl64, fd, cmd, v, 0, 0, 0); }

/* Seen even before the engine arms: a seccomp mode set here (strict
 * allows no call but read, write, exit and sigreturn) must stop the
 * engine's own questions, arming's among them. */
int prctl(int op, ...)
{
	va_list ap;
	long a[4];

	va_start(ap, op);
	for (int i = 0; i < 4; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	return T(SYS_prctl, prctl, op, a[0], a[1], a[2], a[3], 0);
}

long syscall(long nr, ...)
{
	va_list ap;
	long a[6], r;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (musl_way || !__bc_on)
		return ((long (*)(long, ...))real(R_syscall))(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (__bc_before(nr, a, &r))
		return errno_ret(r);
	if (nr == SYS_rt_sigaction)
		r = errno_ret(__bc_sigaction(a[0], (void *)a[1], (void *)a[2], a[3], 0));
	else
		r = errno_ret(__bc_raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]));
	__bc_after(nr, a, r == -1 ? -*__errno_location() : r);
	return r;
}

pid_t fork(void)
{
	long a[6] = { 0 }, r;

	if (musl_way || !__bc_on)
		return ((pid_t (*)(void))real(R_fork))();
	/* Found once, here: a child that would look them up itself writes
	 * (so copies) its parent's pages to do it. */
	real(R_execve), real(R_execvp), real(R__exit);
	__bc_before(SYS_fork, a, &r);
	/* atfork handlers' calls go straight to the kernel. */
	__bc_tls.depth++;
	r = ((pid_t (*)(void))real(R_fork))();
	if (r == 0)
		__bc_engine_child();
	__bc_leave();
	return r;
}

__attribute__((__noreturn__)) void _exit(int status)
{
	if (!musl_way)
		__bc_engine_end(FL_EXIT, SYS_exit_group, 1, 0);
	((void (*)(int))real(R__exit))(status);
	__builtin_unreachable();
}

__attribute__((__noreturn__)) void _Exit(int status)
{
	if (!musl_way)
		__bc_engine_end(FL_EXIT, SYS_exit_group, 1, 0);
	((void (*)(int))real(R__Exit))(status);
	__builtin_unreachable();
}

/* Flush before the program's exit handlers (coreutils close stdout in
 * one); the destructor flushes what they defer. */
__attribute__((__noreturn__)) void exit(int status)
{
	if (!musl_way)
		__bc_engine_settle(FL_EXIT);
	((void (*)(int))real(R_exit))(status);
	__builtin_unreachable();
}

/* Fatal signals go through the engine's filter, in the kernel's form, so
 * that the program keeps seeing the default it set. */
int sigaction(int sig, const struct sigaction *act, struct sigaction *oact)
{
	struct { unsigned long handler, flags, restorer, mask; } k, ko;
	long a[6] = { sig, (long)act, (long)oact, 8, 0, 0 }, r;

	/* A handler of libc's own signal runs unwrapped: if its mask blocks
	 * SIGSYS, the net may not block calls any more. */
	if (!musl_way && !__bc_signal_wrapped(sig) && act &&
	    (unsigned long)act->sa_handler > (unsigned long)SIG_IGN &&
	    (act->sa_mask.__val[0] >> (SIGSYS - 1) & 1))
		__bc_sud_distrust();
	if (musl_way || !__bc_on || !__bc_signal_wrapped(sig) || __bc_tls.depth)
		return ((fn6)real(R_sigaction))(sig, (long)act, (long)oact, 0, 0, 0);
	__bc_before(SYS_rt_sigaction, a, &r);
	if (act)
		k = (__typeof__(k)){ (unsigned long)act->sa_handler,
				 (unsigned)act->sa_flags | SA_RESTORER,
				 (unsigned long)__bc_restore_rt, act->sa_mask.__val[0] };
	r = __bc_sigaction(sig, act ? &k : NULL, oact ? &ko : NULL, 8, 0);
	if (r)
		return errno_ret(r);
	if (oact) {
		*oact = (struct sigaction){ .sa_handler = (__sighandler_t)ko.handler,
					    .sa_flags = ko.flags,
					    .sa_restorer = (void (*)(void))ko.restorer };
		oact->sa_mask.__val[0] = ko.mask;
	}
	return 0;
}

static __sighandler_t set_handler(int sig, __sighandler_t h, int flags)
{
	struct sigaction act = { .sa_handler = h, .sa_flags = flags }, old;

	if (!(flags & SA_NODEFER) && sig > 0 && sig <= 64)
		act.sa_mask.__val[0] = 1UL << (sig - 1);
	if (sigaction(sig, &act, &old))
		return SIG_ERR;
	return old.sa_handler;
}

__sighandler_t signal(int sig, __sighandler_t h) { return set_handler(sig, h, SA_RESTART); }
__sighandler_t bsd_signal(int sig, __sighandler_t h) { return set_handler(sig, h, SA_RESTART); }
__sighandler_t sysv_signal(int sig, __sighandler_t h) { return set_handler(sig, h, SA_RESETHAND | SA_NODEFER); }

#pragma GCC visibility pop

static const struct bc_entry_ops ops = { __bc_entry_call, __bc_entry_event };

/* Early, so that other constructors' calls are seen too. */
__attribute__((__constructor__(101))) static void arm(void)
{
	if (__bc_disabled())
		return;
	musl_way = __bc_set_entry != NULL;
	__bc_engine_start(musl_way, musl_way ? "musl-preload" : "glibc-preload");
	if (musl_way)
		__bc_set_entry(&ops);
}

/* Unloaded, or the end of exit's handlers: nothing may wait any longer. */
__attribute__((__destructor__)) static void disarm(void)
{
	if (!musl_way)
		__bc_engine_end(FL_UNLOAD, -1, 1, 0);
}
