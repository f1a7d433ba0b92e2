/* What the engine knows of an fd and of a call it queued: the state its
 * parts keep and its decisions read (decide.h). */
#ifndef BC_KNOWN_H
#define BC_KNOWN_H

#include <stdint.h>

#define BC_FD_MAX     1024   /* fds tracked; calls on higher ones go direct */
#define BC_SINGLE_MAX 8192   /* a bigger write flushes and goes direct */
#define PWRITE_MAX (1L << 31) /* pwrites below it: under every file system's
				largest file (ext2 with 1 KiB blocks: 16 GiB) */

/* Why a process defers nothing any more (bc_engine.off). */
enum {
	BC_OFF_SECCOMP = 1, /* a seccomp filter may make any call fail */
	BC_OFF_SHARED = 2,  /* it shares writable memory with another process:
			       a store there can say "done" with no call */
	BC_OFF_NOMEM = 4,   /* the queue's memory could not be mapped */
	BC_OFF_TABLES = 8,  /* its threads do not share one fd table: a number
			       may name another file on another thread */
};

/* A file by identity. */
struct bc_file_id {
	uint64_t dev, ino;
};

/* What the engine knows of an fd, learned once and kept until the fd
 * number can mean something else. */
enum bc_ftype {
	FT_UNKNOWN,
	FT_FILE,    /* opened by a path outside /dev and /proc, its flags
		       known, not probed: nothing waits on it until a probe
		       says what it is and on which file system */
	FT_REG,     /* a regular file on a file system that holds data */
	FT_DIR, FT_FIFO,
	FT_STREAM,  /* a unix stream socket (a TCP write may fail with ECONNRESET) */
	FT_DGRAM,
	FT_MEMDEV,  /* a memory device (/dev/null, /dev/zero...): never blocks */
	FT_CHR, FT_TTY,
	FT_OTHER    /* anything else, and every file of a pseudo file system
		       (proc, sysfs, cgroup...): a write there is a command */
};

struct bc_fd {
	uint32_t gen;       /* valid while equal to the engine's fdgen */
	uint8_t type;       /* enum bc_ftype */
	uint8_t known_id;   /* dev and ino are known */
	uint8_t closing;    /* a close of it is pending */
	uint8_t uses;       /* deferrable calls on it while not known */
	uint8_t lend;       /* a copy of it may be lent to the timer's own table
			       and closed there with no effect: a pipe, a memory
			       device, a regular file or directory on a local
			       file system whose closes run nothing (fdstate.c) */
	int32_t flags;      /* open flags, as F_GETFL reports them */
	int64_t uid;        /* owner, or -1 if not known */
	int domain;         /* a socket's address family (SO_DOMAIN) */
	uint64_t dev, ino;
	uint32_t npend;     /* entries on it in the queue */
	uint32_t last_seq;  /* the newest batch with calls on it */
	uint32_t close_seq; /* the batch with its pending close */
	uint32_t epoch;     /* bumped whenever the number may name another file */
	uint64_t clear;     /* the engine's obs_gen when nothing pending or in
			       flight touched its file: an observer passes */
	int err;            /* a misprediction's errno owed to its next call */
};

/* A deferred call: its arguments point into the engine's arena. */
struct bc_pend {
	uint16_t nr;
	uint8_t pred;       /* enum bc_pred */
	uint8_t sig;        /* the signal its failure kills with, or 0 */
	int fd;
	long a[6];
	long want;          /* the result the program was given */
};

#endif
