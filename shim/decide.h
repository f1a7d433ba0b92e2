/* Whether a call that could be deferred is: pure functions of what they
 * are given (the call, a const view of its fd and of the engine), which
 * read no global and write nothing but their out-parameters.  A verdict
 * is V_DEFER (a new entry), V_MERGE (the queue's last entry extended) or
 * the WHY_* reason the call goes direct for, which the report counts;
 * or an ask: a fact that costs a probe or arms the engine, learned only
 * when a decision needs it, and the engine decides again (engine.c's
 * defer).  Static inline: the way of a deferred call stays as short as
 * when these checks were the engine's own; tests/unit/decide.c tests them
 * with no engine. */
#ifndef BC_DECIDE_H
#define BC_DECIDE_H

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#include "classes.h"
#include "known.h"
#include "why.h"

/* Below WHY_N, a verdict is the reason the call goes direct. */
enum bc_verdict {
	V_DEFER = WHY_N,  /* queued as a new entry, bc_plan's */
	V_MERGE,          /* its bytes extend the queue's last entry */
	V_ASK,            /* from here, asks: the bc_view field named */
	V_ASK_FD = V_ASK, /* f, the fd's state (probed on its second use) */
	V_ASK_READY,      /* ready: arms the engine */
	V_ASK_EUID,       /* euid */
	V_ASK_SIGPIPE,    /* sigpipe_kills */
	V_ASK_FSIZE,      /* fsize_limited */
	V_ASK_INFLIGHT,   /* inflight */
	V_ASK_NET,        /* net */
};

/* What a decision looks at: the call, and the engine as defer() found it
 * under the lock.  The facts are -1 until asked for. */
struct bc_view {
	long nr;
	const long *a;
	int pred;               /* its class's prediction (enum bc_pred) */
	int fdarg;              /* and fd argument, or -1 */
	const struct bc_fd *f;  /* its fd's state, NULL if not to be deferred
				   on (not open, or used once), once f_asked */
	int f_asked;
	/* The queue: its last entry or NULL; whether the same call made it
	 * on the same fd, the checks it passed holding still (engine.c's
	 * checked: f is then set); the arena, size bytes, used of them. */
	const struct bc_pend *last;
	int checked;
	const char *arena;
	size_t used, size;
	/* The process and its settings. */
	int off;                /* BC_OFF_*: why deferral went off */
	int threaded;           /* see bc_engine.threaded */
	int relaxed;            /* BC_LEVEL=relaxed */
	int close_ok;           /* every fd allocation is seen */
	long max_bytes;         /* BC_MAX_BYTES */
	unsigned nmapped;       /* files mapped shared, at mapped */
	int many_mapped;        /* or too many of them, or one not identified */
	const struct bc_file_id *mapped;
	/* The facts. */
	int ready;              /* armed (0: deferral is off now, see off) */
	int64_t euid;
	int sigpipe_kills;      /* a broken pipe's SIGPIPE kills the process */
	int fsize_limited;      /* RLIMIT_FSIZE is finite */
	int inflight;           /* a batch in flight may touch f's file */
	int net;                /* the net catches calls unseen in this batch */
};

/* What a deferred call becomes: its entry, and the bytes to copy. */
struct bc_plan {
	struct bc_pend p;       /* nr, pred, sig, fd, and the arguments kept */
	const void *buf;        /* a data call's bytes: len at buf, or cnt */
	const struct iovec *iov; /* iovecs at iov */
	long cnt, len;
	const void *name;       /* a datagram's destination, namelen bytes */
	long namelen;
	long max;               /* the most bytes its entry may hold */
};

/* A data call's size as deferred: 1 to 8192 bytes, within max_bytes. */
static inline int __bc_size_ok(long len, long max_bytes)
{
	return len > 0 && len <= BC_SINGLE_MAX && len <= max_bytes;
}

/* A pwrite's offset: far ones may pass the file system's largest file. */
static inline int __bc_offset_ok(long off)
{
	return off >= 0 && off < PWRITE_MAX;
}

/* A write that cannot block: a flush holding the lock never waits on
 * another of the process's threads. */
static inline int __bc_never_blocks(const struct bc_fd *f)
{
	return f->type == FT_REG || f->type == FT_MEMDEV;
}

static inline int __bc_writable(const struct bc_fd *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY && !(f->flags & (O_DIRECT | O_PATH));
}

/* Writes to a character device keep their boundaries (a tun device,
 * /dev/kmsg); a memory device (/dev/null) has none.  A pipe's writes of
 * up to PIPE_BUF bytes are atomic against its other writers: merged,
 * they must stay within it.  A unix stream socket sends a write in
 * pieces (skbs) of at most half its send buffer less 64 bytes, 2240 at
 * the smallest, and another writer's data may go between them: merged,
 * small writes must stay within one.  The most bytes one entry may
 * carry. */
static inline long __bc_merge_max(const struct bc_fd *f)
{
	return f->type == FT_CHR ? 0 : f->type == FT_FIFO ? 4096 : f->type == FT_STREAM ? 2048 : 1L << 20;
}

/* Does a write of len bytes (a pwrite's at offset off) continue q, the
 * queue's last entry, of the same fd, prediction and failure signal, its
 * entry holding at most max bytes?  If its data ends where the free
 * space of the arena (size bytes, used of them) begins, which will hold
 * the write's, the two fit in one entry and, for a pwrite, it ends at
 * off in the file.  Extended, q is the one call the flush issues, as if
 * the program had made it. */
static inline __attribute__((__always_inline__))
int __bc_continues(const struct bc_pend *q, const char *arena, size_t used, size_t size, long max,
		   long off, long len)
{
	return used + len <= size && (const char *)q->a[1] + q->a[2] == arena + used &&
	       q->a[2] + len <= max && (q->pred != PRED_PWRITE || q->a[3] + q->a[2] == off);
}

/* Why nothing may wait, by bc_engine.off. */
static inline int __bc_why_off(int off)
{
	return off & BC_OFF_SHARED ? WHY_SHARED : off & BC_OFF_TABLES ? WHY_TABLES : WHY_SECCOMP;
}

/* Can deferring a call of class pred save anything?  A write may merge
 * with the next into one call (datagrams into one sendmmsg); any other
 * call saves its kernel entry only where its executor runs it off the
 * program's core (offcore) or in one ring entry with others (ring).  The
 * direct executor issues it as the program would have, at the cost of
 * its copy and its share of a flush. */
static inline int __bc_saves(int pred, int offcore, int ring)
{
	return pred == PRED_WRITE || pred == PRED_PWRITE || pred == PRED_SEND || offcore || ring;
}

/* Before the lock: may a call of class pred be taken to defer() at all,
 * with BC_MAX_DELAY_US at max_delay_us?  sud: the net may run.  V_DEFER
 * or why not; then, whether it can pay (__bc_saves: else WHY_NO_GAIN). */
static inline int __bc_decide_config(int pred, long max_delay_us, int close_ok, int sud)
{
	if (!max_delay_us)
		return WHY_NO_DELAY;
	/* A close may wait only where every use of an fd number is seen, or
	 * caught by the net: a call unseen (glibc's fchdir, isatty...) would
	 * find it open. */
	return pred == PRED_CLOSE && !close_ok && !sud ? WHY_FDS_UNSEEN : V_DEFER;
}

/* Under the lock: does the engine defer now?  on: started, no exec under
 * way; off: BC_OFF_*; backoff: deferrable calls still to go direct (the
 * engine counts it down on WHY_BACKOFF).  V_DEFER or why not. */
static inline int __bc_decide_engine(int on, int off, unsigned backoff)
{
	if (!on)
		return WHY_EXEC;
	if (off)
		return __bc_why_off(off);
	return backoff ? WHY_BACKOFF : V_DEFER;
}

static inline int __bc_tty_or_kind(const struct bc_fd *f)
{
	return f->type == FT_TTY ? WHY_TTY : WHY_KIND;
}

/* Is f's file mapped?  Its data is seen without a call. */
static inline int __bc_mapped(const struct bc_view *v, const struct bc_fd *f)
{
	if (!v->nmapped && !v->many_mapped)
		return 0;
	if (v->many_mapped || !f->known_id)
		return 1;
	for (unsigned i = 0; i < v->nmapped; i++)
		if (v->mapped[i].dev == f->dev && v->mapped[i].ino == f->ino)
			return 1;
	return 0;
}

static inline int __bc_time_ok(const struct timespec *t)
{
	for (int i = 0; t && i < 2; i++)
		if ((unsigned long)t[i].tv_nsec >= 1000000000 &&
		    t[i].tv_nsec != UTIME_NOW && t[i].tv_nsec != UTIME_OMIT)
			return 0;
	return 1;
}

/* A datagram send's success is predicted only to an explicit loopback
 * IPv4 or IPv6 destination of the socket's own family, with a port:
 * sending without one needs a connected socket, to a unix path needs the
 * path to exist, and elsewhere the route, a broadcast address or a
 * firewall may refuse it at once (ENETUNREACH, EACCES, EPERM). */
static inline int __bc_inet_destination(const struct bc_fd *f, const void *name, long len)
{
	const struct sockaddr *sa = name;

	if (!sa || len < (long)sizeof(sa_family_t) || sa->sa_family != f->domain)
		return 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = name;
		return len == sizeof *in && in->sin_port != 0 &&
		       (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = name;
		return len == sizeof *in6 && in6->sin6_port != 0 &&
		       IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	return 0;
}

/* The bytes of cnt iovecs, or the first sum past BC_SINGLE_MAX; -1 if
 * they are not what the engine copies. */
static inline long __bc_iov_total(const struct iovec *iov, long cnt)
{
	long sum = 0;

	if (cnt < 0 || cnt > 1024 || (cnt && !iov))
		return -1;
	for (long i = 0; i < cnt; i++) {
		if ((long)iov[i].iov_len < 0 || (iov[i].iov_len && !iov[i].iov_base))
			return -1;
		sum += iov[i].iov_len;
		if (sum > BC_SINGLE_MAX)
			break;
	}
	return sum;
}

/* Armed, or why deferral is off now. */
static inline int __bc_ready(const struct bc_view *v)
{
	return v->ready < 0 ? V_ASK_READY : v->ready ? V_DEFER : __bc_why_off(v->off);
}

/* How a data call's failure would show, the entry's kills: checked (the
 * last entry's signal holds), none (a datagram: a send to loopback fails
 * only where the program sees it fail too), or for the fd's kind to say. */
enum { KILLS_CHECKED = -1, KILLS_NOT, KILLS_MAY };

/* A data call (write, pwrite, send) on f, by its kind and how it is
 * open: its form set (p.nr, p.pred) and *kills. */
static inline int __bc_decide_data_fd(const struct bc_view *v, const struct bc_fd *f,
				      struct bc_plan *o, int *kills)
{
	int send = v->nr == SYS_sendto || v->nr == SYS_sendmsg;

	if (o->p.pred == PRED_PWRITE) {
		o->p.nr = SYS_pwrite64;
		if (f->type != FT_REG)
			return __bc_tty_or_kind(f);
		if (!__bc_writable(f))
			return WHY_OPEN_MODE;
		*kills = KILLS_MAY;
		return __bc_mapped(v, f) ? WHY_MAPPED : V_DEFER;
	}
	if (send && f->type == FT_DGRAM) {
		o->p.nr = SYS_sendto;
		o->p.pred = PRED_SEND;
		return f->flags & O_NONBLOCK ? WHY_OPEN_MODE : v->threaded ? WHY_THREADS : V_DEFER;
	}
	o->p.nr = SYS_write;
	if ((send && f->type != FT_STREAM) ||
	    (f->type != FT_REG && f->type != FT_FIFO && f->type != FT_STREAM &&
	     f->type != FT_CHR && f->type != FT_MEMDEV))
		return __bc_tty_or_kind(f);
	if (v->threaded && !__bc_never_blocks(f))
		return WHY_THREADS;
	if (f->type == FT_REG && __bc_mapped(v, f))
		return WHY_MAPPED;
	if (!__bc_writable(f) || ((f->flags & O_NONBLOCK) && f->type != FT_REG))
		return WHY_OPEN_MODE;
	*kills = KILLS_MAY;
	return V_DEFER;
}

/* A data call's arguments, the failure it may die of, and whether it
 * continues the last entry.  kills: a KILLS_*. */
static inline int __bc_decide_data(const struct bc_view *v, const struct bc_fd *f,
				   struct bc_plan *o, int kills)
{
	const long *a = v->a;
	int pred = o->p.pred, why;

	o->buf = o->iov = o->name = NULL;
	o->len = -1, o->namelen = o->cnt = 0;
	if (v->nr == SYS_write || v->nr == SYS_pwrite64) {
		o->buf = (const void *)a[1], o->len = a[2];
	} else if (v->nr == SYS_writev || v->nr == SYS_pwritev) {
		o->iov = (const struct iovec *)a[1], o->cnt = a[2];
	} else if (v->nr == SYS_sendto) {
		if (a[3] || (pred != PRED_SEND && a[4]))
			return WHY_ARGS;
		o->buf = (const void *)a[1], o->len = a[2];
		o->name = (const void *)a[4], o->namelen = a[5];
	} else {
		const struct msghdr *m = (const struct msghdr *)a[1];
		if (a[2] || !m || m->msg_controllen || (pred != PRED_SEND && m->msg_name))
			return WHY_ARGS;
		o->iov = m->msg_iov, o->cnt = m->msg_iovlen;
		o->name = m->msg_name, o->namelen = m->msg_namelen;
	}
	if (pred == PRED_PWRITE) {
		if (!__bc_offset_ok(a[3]))
			return WHY_ARGS;
		o->p.a[3] = a[3];
	}
	/* A stream's write has no destination (a null one's length aside). */
	if (pred != PRED_SEND)
		o->namelen = 0;
	else if (!__bc_inet_destination(f, o->name, o->namelen))
		return WHY_ARGS;
	if (o->iov && (o->len = __bc_iov_total(o->iov, o->cnt)) < 0)
		return WHY_ARGS;
	if (!__bc_size_ok(o->len, v->max_bytes))
		return WHY_SIZE;
	if (!o->iov && !o->buf)
		return WHY_ARGS;
	if (kills != KILLS_CHECKED) {
		/* Only once armed: the stand-in at SIGPIPE's default.  A
		 * regular file's late errors (ENOSPC, EIO) are reported late
		 * natively too, but a write crossing RLIMIT_FSIZE comes back
		 * short. */
		if ((why = __bc_ready(v)) != V_DEFER)
			return why;
		o->p.sig = 0;
		if (kills && (f->type == FT_FIFO || f->type == FT_STREAM)) {
			if (v->sigpipe_kills <= 0)
				return v->sigpipe_kills < 0 ? V_ASK_SIGPIPE : WHY_SIGPIPE;
			o->p.sig = SIGPIPE;
		} else if (kills && f->type == FT_REG && v->fsize_limited) {
			return v->fsize_limited < 0 ? V_ASK_FSIZE : WHY_FSIZE;
		}
	}
	o->max = __bc_merge_max(f);
	if (v->last && v->last->pred == pred && v->last->fd == o->p.fd && v->last->sig == o->p.sig &&
	    (pred == PRED_WRITE || pred == PRED_PWRITE) &&
	    __bc_continues(v->last, v->arena, v->used, v->size, o->max, o->p.a[3], o->len))
		return V_MERGE;
	return V_DEFER;
}

/* May the fd's metadata change be predicted to succeed?  root_only: the
 * change needs privilege (fchown), not just ownership. */
static inline int __bc_meta_ok(const struct bc_view *v, const struct bc_fd *f, int root_only)
{
	if (f->type != FT_REG)
		return __bc_tty_or_kind(f);
	if (!__bc_writable(f))
		return WHY_OPEN_MODE;
	if (v->euid < 0)
		return V_ASK_EUID;
	return v->euid == 0 || (!root_only && f->uid == v->euid) ? V_DEFER : WHY_IDENTITY;
}

static inline int __bc_decide_meta(const struct bc_view *v, const struct bc_fd *f, struct bc_plan *o)
{
	const long *a = v->a;
	int why = V_DEFER;

	if (v->nr == SYS_fadvise64) {
		if (f->type != FT_REG)
			return __bc_tty_or_kind(f);
		if (a[1] < 0 || a[2] < 0 || (unsigned long)a[3] > 5)
			return WHY_ARGS;
	} else if (v->nr == SYS_utimensat) {
		if (a[3] || !__bc_time_ok((const struct timespec *)a[2]))
			return WHY_ARGS;
		why = __bc_meta_ok(v, f, a[2] != 0);
	} else {
		why = __bc_meta_ok(v, f, v->nr == SYS_fchown);
	}
	if (why != V_DEFER || (why = __bc_ready(v)) != V_DEFER)
		return why;
	for (int i = 0; i < 6; i++)
		o->p.a[i] = a[i];
	return V_DEFER;
}

/* A close reports what its fd's pending calls did: it waits for them, it
 * cannot be answered before them.  Relaxed, it does not report what they
 * did to a regular file (counted), where only a full or failing disk
 * makes them fail; a pipe's or socket's EPIPE it still reports.  On
 * glibc, only while the net catches the calls that use an fd number
 * unseen (fchdir, isatty...): they find it closed. */
static inline int __bc_decide_close(const struct bc_view *v, const struct bc_fd *f, struct bc_plan *o)
{
	int why;

	if (!(v->relaxed && __bc_never_blocks(f)) && (f->npend || v->inflight))
		return f->npend || v->inflight > 0 ? WHY_PENDING : V_ASK_INFLIGHT;
	if ((why = __bc_ready(v)) != V_DEFER)
		return why;
	if (!v->close_ok && v->net <= 0)
		return v->net < 0 ? V_ASK_NET : WHY_FDS_UNSEEN;
	o->p.a[0] = o->p.fd;
	return V_DEFER;
}

/* The call v shows: its verdict, and if V_DEFER or V_MERGE what it
 * becomes in *o. */
static inline int __bc_decide(const struct bc_view *v, struct bc_plan *o)
{
	const struct bc_fd *f = v->f;
	int kills = KILLS_NOT, why;

	o->p = (struct bc_pend){ .nr = v->nr, .pred = v->pred, .fd = -1 };
	if (v->pred == PRED_ADVISE) {
		const long *a = v->a;
		if ((a[0] & 4095) || a[1] < 0 || (unsigned long)a[2] > MADV_WILLNEED)
			return WHY_ARGS;
		if ((why = __bc_ready(v)) != V_DEFER)
			return why;
		for (int i = 0; i < 3; i++)
			o->p.a[i] = a[i];
		return V_DEFER;
	}
	if (v->fdarg < 0)
		return WHY_ARGS;
	o->p.fd = v->a[v->fdarg];
	if (o->p.fd < 0 || o->p.fd >= BC_FD_MAX)
		return WHY_HIGH_FD;
	if (v->checked) {
		o->p.nr = v->last->nr, o->p.pred = v->last->pred, o->p.sig = v->last->sig;
		return __bc_decide_data(v, f, o, KILLS_CHECKED);
	}
	if (!v->f_asked)
		return V_ASK_FD;
	if (!f)
		return WHY_FIRST_USE;
	if (f->closing)
		return WHY_CLOSING;
	switch (v->pred) {
	case PRED_WRITE:
	case PRED_PWRITE:
		if ((why = __bc_decide_data_fd(v, f, o, &kills)) != V_DEFER)
			return why;
		return __bc_decide_data(v, f, o, kills);
	case PRED_META:
		return __bc_decide_meta(v, f, o);
	case PRED_CLOSE:
		return __bc_decide_close(v, f, o);
	}
	return WHY_ARGS;
}

#endif
