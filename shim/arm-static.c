/* bc-musl-gcc --bc=batch: the engine, armed at start in a static build. */
#include <bc_entry.h>
#include <sys/auxv.h>

#include "env.h"
#include "life.h"

/* musl reads the aux vector before constructors run. */
hidden int __bc_secure(void)
{
	return getauxval(AT_SECURE) != 0;
}

hidden long __bc_entry_call(long nr, const long a[6], unsigned flags);
hidden void __bc_entry_event(int ev);

static const struct bc_entry_ops ops = { __bc_entry_call, __bc_entry_event };

/* Early, so that other constructors' calls are seen too. */
__attribute__((__constructor__(101))) static void arm(void)
{
	if (__bc_disabled())
		return;
	__bc_engine_start(1, "musl-static");
	__bc_set_entry(&ops);
}
