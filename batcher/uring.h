/* The io_uring executor: a straight-line bc page's calls submitted as one
 * batch of SQEs instead of one syscall each.  Raw syscalls only, no
 * allocation, no TLS: linked into libbcshim.so and static musl programs. */
#ifndef BC_URING_H
#define BC_URING_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "bc.h"

#define BC_URING_ENTRIES 64

/* One ring.  Zero-initialised means not set up; embeddable. */
struct bc_uring {
	int ready;            /* set up and not failed since */
	int fd;               /* the ring, or -1 once it is not ours to close */
	int err;              /* why it is not ready: -errno, 0 if never set up */
	unsigned long enters; /* io_uring_enter calls */
	void *ring;           /* SQ and CQ rings, one mapping */
	size_t ring_len;
	void *sqes;
	unsigned *sq_head, *sq_tail, *sq_mask;
	unsigned *cq_head, *cq_tail, *cq_mask;
	void *cqes;
	struct msghdr msg[BC_URING_ENTRIES]; /* sendto with an address */
	struct iovec iov[BC_URING_ENTRIES];
};

/* Set up a ring; 0 or -errno (-ENOSYS: no io_uring; -EPERM: disabled by
 * sysctl or seccomp; -EOPNOTSUPP: a kernel older than 5.6; -EMFILE: no
 * room for its fd above the program's, under RLIMIT_NOFILE), kept in err. */
__attribute__((__visibility__("hidden"))) int __bc_uring_setup(struct bc_uring *u);
/* Unmap and close the ring, keeping err.  Right in a fork child (its
 * mappings and fd only); never in a vfork child, which shares the mm. */
__attribute__((__visibility__("hidden"))) void __bc_uring_free(struct bc_uring *u);
/* Nonzero if syscall nr has an io_uring operation of the same effect and
 * result (some calls of it still run directly: see uring.c), pwrite64
 * and pwritev only on a fd that can seek: on a pipe they would write. */
__attribute__((__visibility__("hidden"))) int __bc_uring_capable(long nr);
/* Run a straight-line page (each call followed by a jneg on its window to
 * the next instruction) as bc_exec(p, NULL) would, the calls with use[nr]
 * (nr below 512) set going through the ring, each run of them one chain
 * of linked requests, in program order.  Any other page, or no ring, runs
 * by bc_exec. */
__attribute__((__visibility__("hidden"))) int __bc_uring_exec(struct bc_uring *u, struct bc_page *p,
							    const unsigned char *use);
/* Submit n (at most BC_URING_ENTRIES) no-op SQEs and wait for them: the
 * ring's own cost, for the benchmark.  0 or -errno. */
__attribute__((__visibility__("hidden"))) int __bc_uring_nops(struct bc_uring *u, unsigned n,
							    int one_chain);

#endif
