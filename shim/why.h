/* Per deferrable syscall: how many calls were deferred, and for those that
 * were not, why (the BC_STATS report's "not_deferred"; bcshim --stats
 * prints it for people). */
#ifndef BC_WHY_H
#define BC_WHY_H

#include <stdint.h>

#include "classes.h"
#include "hidden.h"

/* Why a call of a deferrable class went direct: the reason the decision
 * that refused it gave (decide.h). */
enum bc_why_reason {
	WHY_NO_DELAY,   /* BC_MAX_DELAY_US=0 */
	WHY_FDS_UNSEEN, /* a close where libc's own fd uses are not seen (glibc) */
	WHY_NO_GAIN,    /* its executor would issue it as the program does:
			   direct, or uring for a call the ring does not carry */
	WHY_EXEC,       /* an exec is under way */
	WHY_SHARED,     /* the process shares writable memory */
	WHY_SECCOMP,    /* under a seccomp filter (or no memory for the queue) */
	WHY_TABLES,     /* its threads do not share one fd table */
	WHY_BACKOFF,    /* backing off: deferring did not pay */
	WHY_HIGH_FD,    /* fd outside 0..1023 */
	WHY_FIRST_USE,  /* fd not known yet (an fd is probed on its second use),
			   or not open */
	WHY_OWED,       /* a flush for room owed the fd an error */
	WHY_CLOSING,    /* the fd's close is pending */
	WHY_TTY,        /* a terminal */
	WHY_KIND,       /* a file of another kind (pseudo file system, TCP,
			   directory, ...) */
	WHY_THREADS,    /* threads: only writes that cannot block wait */
	WHY_MAPPED,     /* the file is mapped */
	WHY_OPEN_MODE,  /* not open for writing, O_DIRECT, or non-blocking */
	WHY_SIGPIPE,    /* SIGPIPE ignored, caught or blocked: EPIPE would be seen */
	WHY_FSIZE,      /* RLIMIT_FSIZE is finite */
	WHY_SIZE,       /* over the size bounds (8192 bytes, BC_MAX_BYTES) or empty */
	WHY_PENDING,    /* a close whose fd has calls pending */
	WHY_IDENTITY,   /* metadata: not the owner, or not root */
	WHY_ARGS,       /* its arguments: flags, an address, an offset, advice */
	WHY_N
};

#define BC_WHY_SLOTS 16   /* more than the syscalls with a prediction */

struct bc_why_counts {
	struct {
		uint16_t nr;          /* 0: free (read, nr 0, is never deferrable) */
		uint64_t deferred;
		uint64_t why[WHY_N];
	} s[BC_WHY_SLOTS];
};

/* Call nr went direct for reason why (a WHY_*), or was deferred (why
 * WHY_N or above).  locked: the engine's lock is held (else the counts
 * are bumped atomically). */
hidden void __bc_why_note(long nr, int why, int locked);
/* The count of call nr's deferrals, bumped under the engine's lock. */
hidden uint64_t *__bc_why_counter(long nr);
/* The report's "deferred_by_syscall" and "not_deferred" fields. */
hidden void __bc_why_report(void);

#endif
