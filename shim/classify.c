/* The classification table, refined by arguments where a call's class
 * depends on them. */
#include <fcntl.h>
/* From linux/futex.h, which musl builds cannot include. */
#define FUTEX_PRIVATE_FLAG 128
#include <sys/mman.h>
#include <sys/syscall.h>

#include "classify.h"
#include "state.h"

hidden const struct bc_class __bc_class_table[BC_NR_LIMIT] = {
#define ROW(name, dep, pred, fdarg, flags) [SYS_##name] = { dep, pred, fdarg, flags, 1 },
	BC_CLASSES(ROW)
#undef ROW
};

static const struct bc_class all = { DEP_ALL, PRED_NO, -1, 0, 1 };
static const struct bc_class none = { DEP_NONE, PRED_NO, -1, 0, 1 };

static int empty_path(long p)
{
	return p && !*(const char *)p;
}

hidden struct bc_class __bc_refine(long nr, const long a[6], struct bc_class c)
{
	switch (nr) {
	case SYS_futex:
		/* A private futex is this process's own business: a thread it
		 * wakes sees the same queue.  A shared one may be another
		 * process's, which must see every effect before it. */
		return (a[1] & FUTEX_PRIVATE_FLAG) ? none : all;
	case SYS_fcntl:
		if (a[1] == F_GETFL || a[1] == F_GETFD || a[1] == F_SETFD)
			return (struct bc_class){ DEP_NONE, PRED_NO, 0, 0, 1 };
		return c;
	case SYS_mmap:
		/* Anonymous memory sees no file; a file mapping sees its data. */
		return (a[3] & MAP_ANONYMOUS) ? none : c;
	case SYS_newfstatat:
		/* fstatat(fd, "", AT_EMPTY_PATH) is fstat(fd). */
		if ((a[3] & AT_EMPTY_PATH) && empty_path(a[1]))
			return (struct bc_class){ DEP_OBS, PRED_NO, 0, 0, 1 };
		return c;
	case SYS_statx:
		if ((a[2] & AT_EMPTY_PATH) && empty_path(a[1]))
			return (struct bc_class){ DEP_OBS, PRED_NO, 0, 0, 1 };
		return c;
	case SYS_open:
	case SYS_openat:
		/* A new file: nothing pending names it (what could is never
		 * deferred), only the fd number it gets depends on closes. */
		if ((a[nr == SYS_open ? 1 : 2] & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			c.dep = DEP_NEWFD;
		return c;
	case SYS_utimensat:
		/* futimens(fd, times) is utimensat(fd, NULL, times, 0). */
		if (!a[1])
			return (struct bc_class){ DEP_ALL, PRED_META, 0, 0, 1 };
		return all;
	}
	return c;
}

/* Built with the table, at compile time: nothing to compute at start. */
hidden const unsigned char __bc_pass[BC_NR_LIMIT] = {
#define ROW(name, dep, pred, fdarg, flags) [SYS_##name] = PASS_OF(dep, pred, fdarg, flags),
	BC_CLASSES(ROW)
#undef ROW
};

hidden const unsigned char __bc_idle_pass[BC_NR_LIMIT] = {
#define ROW(name, dep, pred, fdarg, flags) [SYS_##name] = IDLE_OF(SYS_##name, pred),
	BC_CLASSES(ROW)
#undef ROW
	[SYS_rt_sigaction] = IDLE_OF(SYS_rt_sigaction, PRED_NO),
	/* Not in the table: the one program thread's end (engine.c, quitting). */
	[SYS_exit] = IDLE_OF(SYS_exit, PRED_NO),
};
