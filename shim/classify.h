/* A call's class (classify.c, from classes.h's table): what it depends
 * on, what it may be predicted to return, and whether it may pass the
 * engine by. */
#ifndef BC_CLASSIFY_H
#define BC_CLASSIFY_H

#include "state.h"

/* The classification table, by syscall number (classes.h). */
extern hidden const struct bc_class __bc_class_table[BC_NR_LIMIT];

/* Per syscall: PASS_ALWAYS if it is never deferred, changes nothing the
 * engine knows and depends on nothing; PASS_IF_EMPTY if that holds while
 * nothing is pending; PASS_IF_CLEAR if it observes its first argument's
 * fd (DEP_OBS) and so also while nothing pending or in flight touches
 * that fd's file (bc_fd.clear); 0 otherwise. */
enum { PASS_NEVER, PASS_ALWAYS, PASS_IF_EMPTY, PASS_IF_CLEAR };
extern hidden const unsigned char __bc_pass[BC_NR_LIMIT];
#define PASS_OF(dep, pred, fdarg, flags) \
	(!(pred) && !((flags) & (CL_CHANGES | CL_REFINE)) ? \
	 /* A call on an fd waits for a pending close of it. */ \
	 ((dep) == DEP_NONE && (fdarg) < 0 ? PASS_ALWAYS : \
	  (dep) == DEP_OBS && (fdarg) == 0 ? PASS_IF_CLEAR : PASS_IF_EMPTY) : PASS_NEVER)
/* Per syscall, while idle: IDLE_WATCH if the engine must still see it
 * (signal dispositions, children, exec and exit, shared memory, seccomp,
 * credentials); IDLE_TICK for a call that could be deferred, which counts
 * the spell down; IDLE_IGNORE (0) for the rest, unlisted ones too (the fd
 * table is forgotten when the spell ends). */
enum { IDLE_IGNORE, IDLE_WATCH, IDLE_TICK };
extern hidden const unsigned char __bc_idle_pass[BC_NR_LIMIT];
/* What the engine must see even while idle: what changes the signal
 * dispositions it stands in for, makes children, ends or replaces the
 * program (the one program thread's exit too: its raw threads must end
 * with it), shares memory, installs a filter or changes the credentials
 * its threads run with or the fd limit the timer thread borrows under.
 * Any other call changes nothing it keeps while idle (the fd table is
 * forgotten when the spell ends). */
#define IDLE_OF(nr, pred) \
	((nr) == SYS_fork || (nr) == SYS_vfork || (nr) == SYS_clone || (nr) == SYS_clone3 || \
	 (nr) == SYS_execve || (nr) == SYS_execveat || (nr) == SYS_exit_group || (nr) == SYS_exit || \
	 (nr) == SYS_mmap || (nr) == SYS_shmat || (nr) == SYS_prctl || (nr) == SYS_seccomp || \
	 (nr) == SYS_setuid || (nr) == SYS_setreuid || (nr) == SYS_setresuid || \
	 (nr) == SYS_setfsuid || (nr) == SYS_setgid || (nr) == SYS_setregid || \
	 (nr) == SYS_setresgid || (nr) == SYS_setfsgid || (nr) == SYS_setgroups || \
	 (nr) == SYS_capset || (nr) == SYS_rt_sigaction || (nr) == SYS_setrlimit || \
	 (nr) == SYS_prlimit64 || (nr) == SYS_unshare || (nr) == SYS_close_range ? IDLE_WATCH : (pred) ? IDLE_TICK : IDLE_IGNORE)

/* __bc_pass[nr] and __bc_idle_pass[nr] (pass: which), worked out at
 * compile time where nr is a constant (the preload's wrappers). */
static inline __attribute__((__always_inline__)) unsigned __bc_pass_of(long nr, int pass)
{
	if (!__builtin_constant_p(nr))
		return pass ? __bc_pass[nr] : __bc_idle_pass[nr];
	switch (nr) {
#define ROW(name, dep, pred, fdarg, flags) \
	case SYS_##name: return pass ? PASS_OF(dep, pred, fdarg, flags) : IDLE_OF(SYS_##name, pred);
	BC_CLASSES(ROW)
#undef ROW
	}
	return pass ? PASS_NEVER : IDLE_OF(nr, PRED_NO);
}

/* The class of a CL_REFINE call c, from its arguments. */
hidden struct bc_class __bc_refine(long nr, const long a[6], struct bc_class c);

/* Classify call nr with its arguments: the table, refined. */
static inline struct bc_class __bc_classify(long nr, const long a[6])
{
	static const struct bc_class unknown = { DEP_ALL, PRED_NO, -1, 0, 1 };
	struct bc_class c;

	if ((unsigned long)nr >= BC_NR_LIMIT || !__bc_class_table[nr].listed)
		return unknown;  /* unknown means flush */
	c = __bc_class_table[nr];
	return (c.flags & CL_REFINE) ? __bc_refine(nr, a, c) : c;
}

#endif
