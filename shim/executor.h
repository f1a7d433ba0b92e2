/* The executors (executor.c): who runs a batch the flush made.  Here,
 * page by page through bc_exec or through io_uring; or the executor
 * thread, a raw thread on the second core, while the program goes on.
 * Each result is checked against what the program was told. */
#ifndef BC_EXECUTOR_H
#define BC_EXECUTOR_H

#include <sys/socket.h>
#include <sys/uio.h>

#include "state.h"

/* A batch: the queue merged, with everything its calls point to, so that
 * the queue can fill again while it runs. */
struct bc_batch {
	uint32_t ready;     /* its seq, once handed to the executor thread */
	uint32_t seq;
	unsigned nops;
	unsigned ntarget;   /* the fds it touches, with their files */
	int many_targets;
	struct bc_target { int fd, known; uint64_t dev, ino; } target[BC_TARGETS_MAX];
	uint64_t issued;    /* calls issued finishing short writes */
	int may_block;      /* it writes to a pipe or socket: may wait for
			       another party for good */
	char *arena;        /* an async batch's data (the queue's, swapped) */
	struct bc_page page;
	struct flush_op {
		long nr, a[6], want;
		long err;       /* a misprediction's -errno, or 0 */
		unsigned nmiss; /* mispredictions: a sendmmsg has several */
		int fd;         /* the program's fd, or -1 */
		uint32_t epoch; /* the fd's epoch when deferred */
		unsigned char pred;
		unsigned char sig; /* the signal its failure kills with, or 0 */
	} ops[BC_QUEUE_MAX];
	struct mmsghdr msgs[BC_QUEUE_MAX];
	struct iovec msg_iov[BC_QUEUE_MAX];
};

/* Run batch b here, in order, each result checked (mispredictions noted
 * in its ops for the reap).  helper: on a raw thread of the engine (the
 * timer's), which has no TLS.  Lock held. */
hidden void __bc_executor_run(struct bc_batch *b, int helper);
/* The executor thread: start it if this process has none.  Lock held.
 * 0, or -errno if it cannot run (the batch then runs where flushed). */
hidden int __bc_executor_kick(void);
/* Hand batch b (b->seq) to the executor thread, waking it if it sleeps.
 * Lock held, after __bc_executor_kick. */
hidden void __bc_executor_hand(struct bc_batch *b);
/* The engine arms (arm.c): die_of (signals.c's __bc_die_of) is how a
 * call whose failure kills natively dies here, handed over since the
 * executors call nothing above them.  Before any batch can hold such a
 * call. */
hidden void __bc_executor_arm(void (*die_of)(int sig, int report));
/* In a fork child: the executor thread and the ring are the parent's. */
hidden void __bc_executor_child(void);
/* The executor thread must end (credentials changed): waited for, so
 * that no batch is left to a thread that is gone.  Lock held. */
hidden void __bc_executor_retire(void);
/* io_uring for the report: "unused", "ok" or "unavailable: why". */
hidden const char *__bc_uring_state(void);

#endif
