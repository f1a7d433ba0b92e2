/* The way in from a rewritten glibc site (rewrite.c): its stub calls
 * __bc_site_entry (site.S), which calls here with the number and the six
 * arguments; the call goes on to the musl entry's own (entry.c). */
#include <bc_entry.h>
#include <sys/syscall.h>

#include "life.h"
#include "raw.h"
#include "state.h"

hidden long __bc_entry_call(long nr, const long a[6], unsigned flags);

/* The number and arguments of a rewritten site's call, from site.S. */
hidden long __bc_site_call(long nr, const long a[6])
{
	/* The wrappers' own calls (they went through the engine already),
	 * the engine's, and a handler's that interrupted it go straight. */
	if (!__bc_on || __bc_tls.depth || __bc_tls.wrapped)
		return __bc_raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (__bc_tls.vforked) {
		/* A posix_spawn or vfork child sharing this memory: nothing of
		 * the engine, but the program's dispositions. */
		if (!__bc_owner(0)) {
			if (nr == SYS_rt_sigaction)
				return __bc_entry_call(nr, a, BC_CALL_BYPASSED);
			return __bc_raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		}
		/* The parent, inside posix_spawn or system before the child
		 * exists (the engine would take it for gone, and the child for
		 * the owner), or after it: only a wait tells which. */
		if (nr != SYS_wait4 && nr != SYS_waitid)
			return __bc_raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	return __bc_entry_call(nr, a, 0);
}
