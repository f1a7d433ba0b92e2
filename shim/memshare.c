/* Memory the process shares with another.  A store there (a lock released
 * without contention, a flag) can tell another process "my calls are
 * done" without any system call the engine could see; the other process
 * then reads a file or a pipe and must find them done.  A time bound
 * cannot make that right (a lost update is lost), so while the process
 * shares memory with another nothing waits: BC_OFF_SHARED, for the rest
 * of the process's life.
 *
 * Shared: a MAP_SHARED mapping of a file (another process may map it at
 * any time: /dev/shm, a memfd, a plain file), a System V segment, and
 * shared anonymous memory once the process forks.  Not every mapping is
 * seen (glibc maps sem_open's semaphores itself; a program may make its
 * own inline syscall), so a fork makes the engine read its maps
 * before its next deferral. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "memshare.h"
#include "raw.h"
#include "state.h"

#define E __bc_e

static void share(void)
{
	__bc_off(BC_OFF_SHARED);
}

hidden void __bc_mem_mapped(long flags, long prot, long fd)
{
	if (flags != -1 && (flags & MAP_TYPE) != MAP_SHARED &&
	    (flags & MAP_TYPE) != MAP_SHARED_VALIDATE)
		return;
	if (flags != -1 && (flags & MAP_ANONYMOUS)) {
		E.shared_anon = 1;
		return;
	}
	/* Read-only, of a file opened read-only (glibc's locale and gconv
	 * caches): no store can ever go through it (mprotect refuses
	 * PROT_WRITE there), so it tells no other process anything. */
	if (flags != -1 && !(prot & PROT_WRITE) && fd >= 0) {
		E.n.probes++;
		if ((__bc_raw6(SYS_fcntl, fd, F_GETFL, 0, 0, 0, 0) & O_ACCMODE) == O_RDONLY)
			return;
	}
	share();
}

hidden void __bc_file_mapped(uint64_t dev, uint64_t ino, int known)
{
	__bc_unverdict();
	for (unsigned i = 0; known && i < E.nmapped; i++)
		if (E.mapped[i].dev == dev && E.mapped[i].ino == ino)
			return;
	if (!known || E.nmapped == BC_MAPPED_MAX) {
		E.many_mapped = 1;
		return;
	}
	E.mapped[E.nmapped].dev = dev;
	E.mapped[E.nmapped].ino = ino;
	E.nmapped++;
}

hidden void __bc_engine_forks(void)
{
	__bc_lock();
	__bc_mem_fork();
	__bc_unlock();
}

hidden void __bc_mem_fork(void)
{
	if (E.shared_anon)
		share();
	/* glibc's own mappings are out of sight, and a program's inline
	 * syscall (either way): the maps tell. */
	E.maps_unknown = 1;
	__bc_unverdict();
}

enum { KEY = 96, LINE = 256 };

/* The length of a maps line's key: up to the end of its inode field. */
static int key_len(const char *l, int n)
{
	int i = 0;

	for (int field = 0; field < 5 && i < n; i++)
		if (l[i] == ' ' && (i + 1 >= n || l[i + 1] != ' '))
			field++;
	return i < KEY ? i : KEY - 1;
}

/* The file of a maps line (its "major:minor" in hex, its inode), as
 * fstat's st_dev and st_ino: its data is seen without a call. */
static void file_mapped(const char *l)
{
	unsigned long v[3] = { 0, 0, 0 }, major, minor;
	int field = 0, k = 0;

	for (; *l && field < 5; l++) {
		if (*l == ' ') {
			field += l[1] != ' ';
			continue;
		}
		if (field == 3 && *l == ':') {
			k = 1;
		} else if (field == 3) {
			v[k] = v[k] * 16 + (unsigned long)(*l <= '9' ? *l - '0' : (*l | 0x20) - 'a' + 10);
		} else if (field == 4) {
			v[2] = v[2] * 10 + (unsigned long)(*l - '0');
		}
	}
	major = v[0];
	minor = v[1];
	__bc_file_mapped((minor & 0xff) | major << 8 | (minor & ~0xffUL) << 12, v[2], 1);
}

/* A header line of maps or smaps: "start-end perms offset dev inode path". */
static int header(const char *l)
{
	return (*l >= '0' && *l <= '9') || (*l >= 'a' && *l <= 'f');
}

/* Its permissions (the second field) end in 's'. */
static int shared_line(const char *l, int n)
{
	int i = 0;

	while (i < n && l[i] != ' ')
		i++;
	return i + 4 < n && l[i + 4] == 's';
}

/* Its permissions (the second field) allow writing now: "rw-s". */
static int writable_perms(const char *l, int n)
{
	int i = 0;

	while (i < n && l[i] != ' ')
		i++;
	return i + 2 < n && l[i + 2] == 'w';
}

struct scan {
	int quick;        /* arming's look: maps only (__bc_mem_scan) */
	int writable_now; /* maps: a shared mapping writable now */
	int smaps;        /* reading smaps, not maps */
	int unknown;      /* maps: a shared mapping */
	char cur[KEY];    /* the shared mapping being read, or "" */
	int writable;     /* smaps: a shared mapping may be written */
	int headers;      /* mappings read */
};

/* One line (at most LINE bytes of it). */
static void line(struct scan *s, const char *l, int n)
{
	if (header(l)) {
		int k = key_len(l, n);

		s->headers++;
		/* A shared mapping whose smaps said nothing of "mw" (no
		 * VmFlags line: Linux before 3.8) may be written. */
		if (s->smaps && s->cur[0])
			s->writable = 1;
		s->cur[0] = 0;
		if (!shared_line(l, n))
			return;
		s->unknown = 1;
		__builtin_memcpy(s->cur, l, (size_t)k);
		s->cur[k] = 0;
		if (!s->smaps && writable_perms(l, n))
			s->writable_now = 1;
		else if (!s->smaps && s->quick)
			file_mapped(s->cur);
	} else if (s->smaps && s->cur[0] && n > 8 && !__builtin_memcmp(l, "VmFlags:", 8)) {
		/* "mw": VM_MAYWRITE, set unless mapped from an fd open
		 * read-only or a write-sealed memfd. */
		int mw = 0;

		for (int i = 8; i + 2 <= n; i++)
			if (l[i - 1] == ' ' && l[i] == 'm' && l[i + 1] == 'w' &&
			    (i + 2 == n || l[i + 2] == ' '))
				mw = 1;
		s->writable |= mw;
		/* Not written through, but it shows the file's data: writes
		 * to the file must not wait (the engine did not see the
		 * mmap, so its file is not in E.mapped yet). */
		if (!mw)
			file_mapped(s->cur);
		s->cur[0] = 0;
	}
}

/* Each line of /proc/thread-self/name (/proc/self/name before Linux
 * 3.17): /proc/self is the main thread's, which reads empty once that
 * thread has exited.  -1 if it cannot be read, or holds no mapping. */
static int read_lines(const char *name, struct scan *s)
{
	char buf[4096], l[LINE], path[32] = "/proc/thread-self/";
	long fd, n;
	int len = 0, headers = s->headers;

	for (int i = 0; (path[18 + i] = name[i]); i++)
		;
	E.n.probes += 3;
	fd = __bc_raw6(SYS_open, (long)path, O_RDONLY | O_CLOEXEC, 0, 0, 0, 0);
	if (fd == -ENOENT) {
		__builtin_memcpy(path, "/proc/self/", 11);
		for (int i = 0; (path[11 + i] = name[i]); i++)
			;
		fd = __bc_raw6(SYS_open, (long)path, O_RDONLY | O_CLOEXEC, 0, 0, 0, 0);
	}
	if (fd < 0)
		return -1;
	while ((n = __bc_raw6(SYS_read, fd, (long)buf, sizeof buf, 0, 0, 0)) > 0) {
		for (long i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (len < LINE)
					l[len++] = buf[i];
				continue;
			}
			if (len)
				line(s, l, len);
			len = 0;
		}
	}
	__bc_raw6(SYS_close, fd, 0, 0, 0, 0, 0);
	return n < 0 || s->headers == headers ? -1 : 0;
}

/* A mapping with 's' in its permissions, even read-only, is shared if a
 * store can ever reach it (mprotect, which glibc's own code may call, can
 * make it writable unseen): smaps' VmFlags tell, "mw".  glibc maps its
 * locale and gconv caches shared from read-only fds: those are not.
 * Maps that cannot be read count as shared; smaps is read only when maps
 * shows a shared mapping (it costs several times as much: the kernel
 * counts each mapping's pages), every time: a safe one is not remembered,
 * since an unseen mmap may replace it with one whose maps line is the
 * same (address, permissions, offset, file) but that has "mw" (the file
 * opened read-write).  A safe one's file is noted as mapped. */
hidden void __bc_mem_scan(void)
{
	struct scan s = { .quick = E.maps_unknown == MAPS_ARMING };

	E.maps_unknown = 0;
	if (E.off & BC_OFF_SHARED)
		return;
	if (read_lines("maps", &s) < 0) {
		share();
		return;
	}
	if (!s.unknown)
		return;
	/* Arming's quick look: smaps costs ten times the maps (the kernel
	 * counts every mapping's pages), which a short process feels.  A
	 * shared mapping writable now is shared (sem_open's); one read-only
	 * now (glibc's gconv cache) only shows its file's data: it could be
	 * made writable only by an mprotect out of sight, and a fork reads
	 * smaps. */
	if (s.quick) {
		if (s.writable_now)
			share();
		return;
	}
	s.smaps = 1;
	s.cur[0] = 0;
	if (read_lines("smaps", &s) < 0 || s.writable || s.cur[0])
		share();
}
