/* The engine's arming, before its first deferral (what the start leaves
 * for it, life.c): the fatal signals' stand-ins, the queue's memory, the
 * default profile, the net, glibc's sites rewritten; and the look for a
 * seccomp filter. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "arm.h"
#include "executor.h"
#include "flush.h"
#include "life.h"
#include "memshare.h"
#include "profile.h"
#include "raw.h"
#include "rewrite.h"
#include "signals.h"
#include "state.h"
#include "sud.h"

/* glibc's sites (rewrite.c; not in a musl build). */
hidden void __bc_rewrite(void) __attribute__((__weak__));

#define E __bc_e

hidden int __bc_filtered(void)
{
	long m;

	/* Under a seccomp filter (inherited, or set where the engine did not
	 * see it) any call may fail: predict none.  A filter may refuse the
	 * question itself: only EINVAL says none. */
	E.filter_unknown = 0;
	m = __bc_raw6(SYS_prctl, PR_GET_SECCOMP, 0, 0, 0, 0, 0);
	if (m > 0 || (m < 0 && m != -EINVAL)) {
		__bc_off(BC_OFF_SECCOMP);
		return -1;
	}
	return 0;
}

hidden int __bc_arm(void)
{
	long m;

	if (E.armed)
		return E.off ? -1 : 0;
	E.armed = 1;
	__atomic_store_n(&E.quiet, 0, __ATOMIC_RELAXED);
	__bc_owner_pid();
	if (__bc_filtered() < 0)
		return -1;
	m = __bc_raw6(SYS_mmap, 0, E.arena_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if ((unsigned long)m > -4096UL || __bc_batches_start() < 0) {
		__bc_off(BC_OFF_NOMEM);
		return -1;
	}
	E.arena = E.arena0 = (char *)m;
	if (!E.threaded)
		__bc_lane_open(&__bc_tls.lane);
	/* What was mapped before now out of the engine's sight (glibc's own
	 * mmaps: sem_open's semaphore, the gconv cache; a program's inline
	 * syscall): the maps tell, before the first deferral (ready); a
	 * quick look, without smaps (memshare.c). */
	if (!E.maps_unknown)
		E.maps_unknown = MAPS_ARMING;
	__bc_profile_now();
	/* The executors and the net read signals.c's records through what
	 * they are handed here: they call nothing above them. */
	__bc_executor_arm(__bc_die_of);
	__bc_signals_arm();
	__bc_sud_arm(__bc_signal_ours);
	/* glibc's own calls to the engine, so that they too may wait: the
	 * text is patched while no other thread can be running it. */
	if (E.cfg.sud && !E.threaded && __bc_rewrite)
		__bc_rewrite();
	return 0;
}

/* The write calls this process has made (its threads' too), as
 * /proc/self/io counts them; -1 if unknown. */
static long writes_made(void)
{
	char buf[256], *p;
	long fd, n, w = -1;

	E.n.probes += 3;
	fd = __bc_raw6(SYS_open, (long)"/proc/self/io", O_RDONLY | O_CLOEXEC, 0, 0, 0, 0);
	if (fd < 0)
		return -1;
	n = __bc_raw6(SYS_read, fd, (long)buf, sizeof buf - 1, 0, 0, 0);
	__bc_raw6(SYS_close, fd, 0, 0, 0, 0, 0);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	for (p = buf; *p; p++) {
		if (!__builtin_strncmp(p, "\nsyscw: ", 8)) {
			for (p += 8, w = 0; *p >= '0' && *p <= '9'; p++)
				w = w * 10 + (*p - '0');
			break;
		}
	}
	return w;
}

hidden long __bc_engine_arm_early(long writes)
{
	static int asked;
	long w = -1;

	if (E.armed || E.off || E.threaded || !E.cfg.sud || !E.cfg.max_delay_us || !__bc_rewrite)
		return -2;
	/* Not from a handler (a program's, or one that interrupted the
	 * engine) nor a child sharing the memory: a later call then. */
	if (__bc_tls.depth || __bc_tls.in_handler || !__bc_owner(0))
		return -1;
	__bc_tls.depth++;
	__bc_lock();
	/* Arming's first question first, once: under a seccomp filter
	 * (inherited) the open below might kill. */
	if (asked++ || !__bc_filtered())
		w = writes_made();
	if (w >= writes)
		__bc_arm();
	__bc_unlock();
	__bc_leave();
	return w < 0 ? -2 : w;
}
