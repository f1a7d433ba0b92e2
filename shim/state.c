/* The engine's shared state (state.h): the one struct bc_engine, the
 * per-thread block, and the two words every way in tests first. */
#include <signal.h>
#include <sys/syscall.h>

#include "raw.h"
#include "state.h"
#include "stats.h"

hidden struct bc_engine __bc_e;

_Static_assert(offsetof(struct bc_engine, busy) == 0, "tramp.S reads __bc_e.busy at +0");
hidden int __bc_on start_data;
hidden int __bc_idle start_data;
hidden __thread struct bc_tls __bc_tls;

hidden void __bc_raise_postponed(void)
{
	unsigned long set = __bc_tls.postponed;

	__bc_tls.postponed = 0;
	__bc_raw6(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&set, 0, 8, 0, 0);
}
