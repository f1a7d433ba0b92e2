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
 * shared anonymous memory once the process forks.  Where not every
 * mapping is seen (glibc maps sem_open's semaphores itself), a fork makes
 * the engine read /proc/self/maps before its next deferral. */
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
	/* glibc's own mappings are out of sight: the maps tell. */
	if (!E.cfg.close_ok) {
		E.maps_unknown = 1;
		__bc_unverdict();
	}
}

/* Any mapping of /proc/self/maps whose permissions end in 's' is shared
 * (even a read-only one: mprotect, which glibc's own code may call, can
 * make it writable unseen).  Maps that cannot be read count as shared. */
hidden void __bc_mem_scan(void)
{
	char buf[4096];
	long fd, n;
	int field = 0, col = 0;

	E.maps_unknown = 0;
	if (E.off & BC_OFF_SHARED)
		return;
	E.n.probes += 3;
	fd = __bc_raw6(SYS_open, (long)"/proc/self/maps", O_RDONLY | O_CLOEXEC, 0, 0, 0, 0);
	if (fd < 0) {
		share();
		return;
	}
	while ((n = __bc_raw6(SYS_read, fd, (long)buf, sizeof buf, 0, 0, 0)) > 0) {
		for (long i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				field = col = 0;
			} else if (buf[i] == ' ') {
				field++;
				col = 0;
			} else if (field == 1 && col++ == 3 && buf[i] == 's') {
				share();
			}
		}
	}
	if (n < 0)
		share();
	__bc_raw6(SYS_close, fd, 0, 0, 0, 0, 0);
}
