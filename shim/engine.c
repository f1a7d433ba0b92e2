/* The deferral engine's decisions: which calls wait, which flush first. */
#include <fcntl.h>
#include <sched.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "engine.h"
#include "raw.h"
#include "stats.h"

hidden struct bc_engine __bc_e;

_Static_assert(offsetof(struct bc_engine, busy) == 4, "tramp.S reads __bc_e.busy at +4");
hidden int __bc_on start_data;
hidden int __bc_idle start_data;
hidden __thread struct bc_tls __bc_tls;

#define E __bc_e

/* Stamp an fd as the target of one more pending call. */
static void target(int fd)
{
	struct bc_fd *f = &E.fd[fd];

	if (f->npend++)
		return;
	__bc_obs_new();
	if (E.ntarget < BC_TARGETS_MAX)
		E.target[E.ntarget++] = fd;
	else
		E.many_targets = 1;
}

/* Room for n more bytes, aligned to align (data stays contiguous, so
 * that adjacent writes merge); flushes first if the arena is full. */
static char *room(size_t n, size_t align)
{
	size_t at = (E.used + align - 1) & ~(align - 1);

	if (at + n > E.arena_size) {
		__bc_run_queue_for(FL_BYTES, -1);
		at = 0;
	}
	E.used = at + n;
	return E.arena + at;
}

static long iov_total(const struct iovec *iov, long cnt)
{
	long sum = 0;

	if (cnt < 1 || cnt > 1024 || !iov)
		return -1;
	for (long i = 0; i < cnt; i++) {
		if ((long)iov[i].iov_len < 0 || (iov[i].iov_len && !iov[i].iov_base))
			return -1;
		sum += iov[i].iov_len;
		if (sum > BC_SINGLE_MAX)
			return -1;
	}
	return sum;
}

static void gather(char *to, const struct iovec *iov, long cnt)
{
	for (long i = 0; i < cnt; i++) {
		__builtin_memcpy(to, iov[i].iov_base, iov[i].iov_len);
		to += iov[i].iov_len;
	}
}

/* Is the fd's file mapped?  Its data is seen without a call. */
static int mapped(int fd, struct bc_fd *f)
{
	if (!E.nmapped && !E.many_mapped)
		return 0;
	if (E.many_mapped || (!f->known_id && __bc_fd_identify(fd) < 0))
		return 1;
	for (unsigned i = 0; i < E.nmapped; i++)
		if (E.mapped[i].dev == f->dev && E.mapped[i].ino == f->ino)
			return 1;
	return 0;
}

/* A write that cannot block: a flush holding the lock never waits on
 * another of the process's threads. */
static int never_blocks(const struct bc_fd *f)
{
	return f->type == FT_REG || f->type == FT_MEMDEV;
}

static int writable(const struct bc_fd *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY && !(f->flags & (O_DIRECT | O_PATH));
}

/* May the fd's metadata change be predicted to succeed?  root_only: the
 * change needs privilege (fchown), not just ownership. */
static int meta_ok(const struct bc_fd *f, int root_only)
{
	if (f->type != FT_REG || !writable(f))
		return 0;
	if (E.euid < 0)
		E.euid = __bc_raw6(SYS_geteuid, 0, 0, 0, 0, 0, 0);
	return E.euid == 0 || (!root_only && f->uid == E.euid);
}

static int time_ok(const struct timespec *t)
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
static int inet_destination(const struct bc_fd *f, const void *name, long len)
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

/* Is RLIMIT_FSIZE finite?  Asked when the queue is empty: a change
 * (setrlimit, prlimit) waits for what is queued.  A write that crosses
 * the limit comes back short, with no signal: a result the program sees. */
static int fsize_limited(void)
{
	struct rlimit lim;

	if (!E.npend) {
		E.n.probes++;
		E.fsize_limited = __bc_raw6(SYS_prlimit64, 0, RLIMIT_FSIZE, 0, (long)&lim, 0, 0) ||
				  lim.rlim_cur != RLIM_INFINITY;
	}
	return E.fsize_limited;
}

/* Would a broken pipe's SIGPIPE kill the calling thread's process: at
 * its default (the engine's stand-in still in the kernel), not blocked by
 * the thread, and the process not a namespace's init (the kernel drops
 * its default-action signals)?  Asked of the kernel when the queue is
 * empty or threads may differ: while calls are queued, a change waits for
 * them (sigaction, sigprocmask and glibc's sigset family flush first). */
static int sigpipe_kills(void)
{
	uint64_t mask;

	if (!E.npend || E.threaded) {
		E.n.probes += 2;
		__bc_raw6(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)&mask, 8, 0, 0);
		E.sigpipe_kills = E.owner != 1 && !(mask >> (SIGPIPE - 1) & 1) &&
				  __bc_signal_kills(SIGPIPE);
	}
	return E.sigpipe_kills;
}

/* How a write to f could fail where the program would see it: -1 if it
 * could (the call must not wait), else the signal that would kill the
 * process first (SIGPIPE, for a pipe or unix stream socket), or 0 for
 * none: a regular file's late errors (ENOSPC, EIO) are reported late
 * natively too. */
static int failure_signal(const struct bc_fd *f)
{
	if (f->type == FT_FIFO || f->type == FT_STREAM)
		return sigpipe_kills() ? SIGPIPE : -1;
	return f->type == FT_REG && fsize_limited() ? -1 : 0;
}

/* Everything deferral needs, before the first call waits: armed (the
 * fatal signals' stand-ins in place, the memory mapped), the maps read
 * if a fork left them unknown, and nothing that turns deferral off. */
static int ready(void)
{
	if (!E.armed && __bc_arm() < 0)
		return 0;
	/* A fork child, its parent's arming inherited, learns its pid here:
	 * the timer thread is started per pid. */
	__bc_owner_pid();
	if (E.filter_unknown)
		__bc_filtered();
	if (E.maps_unknown)
		__bc_mem_scan();
	return !E.off;
}

/* Writes to a character device keep their boundaries (a tun device,
 * /dev/kmsg); a memory device (/dev/null) has none.  A pipe's writes of
 * up to PIPE_BUF bytes are atomic against its other writers: merged,
 * they must stay within it.  A unix stream socket sends a write in
 * pieces (skbs) of at most half its send buffer less 64 bytes, 2240 at
 * the smallest, and another writer's data may go between them: merged,
 * small writes must stay within one.  The most bytes one entry may
 * carry. */
static long merge_max(const struct bc_fd *f)
{
	return f->type == FT_CHR ? 0 : f->type == FT_FIFO ? 4096 : f->type == FT_STREAM ? 2048 : 1L << 20;
}

/* Does a write of len bytes (a pwrite's at offset off) continue q, the
 * queue's last entry, of the same fd, prediction and failure signal, its
 * entry holding at most max bytes (merge_max)?  If
 * its data ends where the arena's free space begins (which will hold the
 * write's), the two fit in one entry and, for a pwrite, it ends at off in
 * the file.  Extended, q is the one call the flush issues, as if the
 * program had made it. */
static inline __attribute__((__always_inline__))
int continues(const struct bc_pend *q, long max, long off, long len)
{
	return E.used + len <= E.arena_size && (const char *)q->a[1] + q->a[2] == E.arena + E.used &&
	       q->a[2] + len <= max && (q->pred != PRED_PWRITE || q->a[3] + q->a[2] == off);
}

/* The write's bytes, just copied to the arena's free space, join q. */
static void append(struct bc_pend *q, long len)
{
	E.used += len;
	q->a[2] += len;
	q->want += len;
}

/* A data call's size as deferred: 1 to 8192 bytes, within BC_MAX_BYTES. */
static int size_ok(long len)
{
	return len > 0 && len <= BC_SINGLE_MAX && len <= E.cfg.max_bytes;
}

/* A pwrite's offset: far ones may pass the file system's largest file. */
static int offset_ok(long off)
{
	return off >= 0 && off < PWRITE_MAX;
}

/* How queue_data knows p->sig: from failure_signal (the call's failure
 * may kill, or not), or as the last entry's (the call is checked). */
enum { KILLS_NOT, KILLS_MAY, KILLS_CHECKED = -1 };

/* Whether a data call (a write, pwrite or send) on f may wait, by what is
 * known of f and of the process; sets the form it is queued in (p->nr,
 * p->pred).  *kills: its failure could kill (failure_signal decides). */
static int data_fd_ok(long nr, struct bc_pend *p, struct bc_fd *f, int *kills)
{
	int send = nr == SYS_sendto || nr == SYS_sendmsg;

	if (p->pred == PRED_PWRITE) {
		p->nr = SYS_pwrite64;
		return f->type == FT_REG && writable(f) && !mapped(p->fd, f) && (*kills = KILLS_MAY);
	}
	if (send && f->type == FT_DGRAM) {
		p->nr = SYS_sendto;
		p->pred = PRED_SEND;
		return !(f->flags & O_NONBLOCK) && !E.threaded;
	}
	p->nr = SYS_write;
	if (send && f->type != FT_STREAM)
		return 0;
	if (f->type != FT_REG && f->type != FT_FIFO && f->type != FT_STREAM &&
	    f->type != FT_CHR && f->type != FT_MEMDEV)
		return 0;
	if ((E.threaded && !never_blocks(f)) || (f->type == FT_REG && mapped(p->fd, f)))
		return 0;
	return writable(f) && (!(f->flags & O_NONBLOCK) || f->type == FT_REG) &&
	       (*kills = KILLS_MAY);
}

/* Does write nr on fd come right after the queue's last entry, made or
 * last extended by the same call on the same fd (the merge verdict,
 * E.ok_nr and E.ok_fd)?  Then the checks of the fd and of the process
 * that call passed still hold: whatever could change them flushes first
 * or forgets the verdict (bc_engine.ok_nr has the list), but for another
 * thread's start, which that thread's first call may tell unlocked. */
static inline __attribute__((__always_inline__)) int checked(long nr, int fd)
{
	return E.ok_nr == nr && E.ok_fd == fd && (!E.threaded || never_blocks(&E.fd[fd]));
}

/* Call p, its arguments copied, becomes the queue's last entry.
 * net_asked: the net was asked about this batch already. */
static void push(const struct bc_pend *p, int net_asked)
{
	__bc_unverdict();
	if (!E.busy && !net_asked)
		__bc_sud_batch();
	E.q[E.npend] = *p;
	/* The first call of a batch: sequentially consistent, against the
	 * timer thread's going to sleep (__bc_timer_need). */
	if (E.npend)
		__atomic_store_n(&E.npend, E.npend + 1, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&E.npend, 1, __ATOMIC_SEQ_CST);
	__bc_busy_update();
	if (p->fd >= 0)
		target(p->fd);
	if (E.npend == 1) {
		E.batch++;
		__bc_timer_need();
	}
}

/* A call queued, or merged into the last entry: counted, its result
 * given, and the bounds kept (flushed at).  entries: it may have added
 * an entry, or a close; merged's cannot, and the push that reached
 * either bound flushed, so only the bytes' is left to it.  1. */
static inline __attribute__((__always_inline__)) int queued(long want, long *res, int entries)
{
	E.ncalls++;
	E.n.deferred++;
	*res = want;
	if (entries && E.npend == BC_QUEUE_MAX)
		__bc_run_queue_for(FL_FULL, -1);
	else if (E.used && E.used >= (size_t)E.cfg.max_bytes)
		__bc_run_queue_for(FL_BYTES, -1);
	else if (entries && E.cfg.relaxed && E.queued_closes >= BC_CLOSES_MAX)
		__bc_run_queue_for(FL_CLOSES, -1);
	return 1;
}

/* Data call nr (its form p->nr, p->pred set) with its bytes copied into
 * the arena: merged into the last entry it continues, or pushed.  kills:
 * a KILLS_*.  1 if queued. */
static int queue_data(long nr, struct bc_pend *p, struct bc_fd *f, const long a[6], int kills,
		      long *res)
{
	const struct iovec *iov = NULL;
	const void *buf = NULL, *name = NULL;
	long len = -1, namelen = 0, cnt = 0;
	struct bc_pend *q;
	char *to;
	int sig;

	if (nr == SYS_write || nr == SYS_pwrite64) {
		buf = (const void *)a[1], len = a[2];
	} else if (nr == SYS_writev || nr == SYS_pwritev) {
		iov = (const struct iovec *)a[1], cnt = a[2];
	} else if (nr == SYS_sendto) {
		if (a[3] || (p->pred != PRED_SEND && a[4]))
			return 0;
		buf = (const void *)a[1], len = a[2];
		name = (const void *)a[4], namelen = a[5];
	} else {
		const struct msghdr *m = (const struct msghdr *)a[1];
		if (a[2] || !m || m->msg_controllen || (p->pred != PRED_SEND && m->msg_name))
			return 0;
		iov = m->msg_iov, cnt = m->msg_iovlen;
		name = m->msg_name, namelen = m->msg_namelen;
	}
	if (p->pred == PRED_PWRITE) {
		if (!offset_ok(a[3]))
			return 0;
		p->a[3] = a[3];
	}
	/* A stream's write has no destination (a null one's length aside). */
	if (p->pred != PRED_SEND)
		namelen = 0;
	else if (!inet_destination(f, name, namelen))
		return 0;
	if (iov && (len = iov_total(iov, cnt)) < 0)
		return 0;
	if (!size_ok(len) || (!iov && !buf))
		return 0;
	if (kills >= 0) {
		/* The maps read there may find f's file mapped. */
		if (!ready() || (f->type == FT_REG && mapped(p->fd, f)))
			return 0;
		/* Only once armed: the stand-in at SIGPIPE's or SIGXFSZ's default. */
		if (kills && (sig = failure_signal(f)) < 0)
			return 0;
		p->sig = kills ? sig : 0;
	}
	q = E.npend ? &E.q[E.npend - 1] : NULL;
	if (q && (q->pred != p->pred || q->fd != p->fd || q->sig != p->sig ||
		  (p->pred != PRED_WRITE && p->pred != PRED_PWRITE) || !continues(q, merge_max(f), p->a[3], len)))
		q = NULL;
	to = q ? E.arena + E.used : room(len + namelen, 1);
	if (iov)
		gather(to, iov, cnt);
	else
		__builtin_memcpy(to, buf, len);
	if (q) {
		append(q, len);
	} else {
		if (f->err)
			return 0;  /* a flush for room made an error this call must report */
		p->a[0] = p->fd;
		p->a[1] = (long)to;
		p->a[2] = len;
		if (namelen) {
			__builtin_memcpy(to + len, name, namelen);
			p->a[4] = (long)(to + len);
			p->a[5] = namelen;
		}
		p->want = len;
		push(p, 0);
	}
	if (p->pred == PRED_WRITE || p->pred == PRED_PWRITE) {
		__atomic_store_n(&E.ok_nr, nr, __ATOMIC_RELAXED);
		E.ok_fd = p->fd;
		E.ok_max = merge_max(f);
		E.ok_count = __bc_why_counter(nr);
	}
	return queued(len, res, 1);
}

/* defer's work: 1 if queued. */
static int queue_call(long nr, struct bc_class c, const long a[6], long *res)
{
	struct bc_pend p = { .nr = nr, .pred = c.pred, .fd = -1 };
	struct bc_fd *f = NULL;
	int kills = KILLS_NOT, net_asked = 0;
	char *to;

	if (c.pred == PRED_ADVISE) {
		if ((a[0] & 4095) || a[1] < 0 || (unsigned long)a[2] > MADV_WILLNEED)
			return 0;
		if (!ready())
			return 0;
		for (int i = 0; i < 3; i++)
			p.a[i] = a[i];
		goto queue;
	}
	p.fd = a[c.fdarg];
	if (p.fd < 0 || p.fd >= BC_FD_MAX)
		return 0;
	if (checked(nr, p.fd)) {
		const struct bc_pend *q = &E.q[E.npend - 1];
		p.nr = q->nr, p.pred = q->pred, p.sig = q->sig;
		return queue_data(nr, &p, &E.fd[p.fd], a, KILLS_CHECKED, res);
	}
	/* A close is worth no probe: it saves one call. */
	if (!(f = __bc_fd_for_defer(p.fd, c.pred != PRED_CLOSE)) || f->closing)
		return 0;
	switch (c.pred) {
	case PRED_WRITE:
	case PRED_PWRITE:
		return data_fd_ok(nr, &p, f, &kills) && queue_data(nr, &p, f, a, kills, res);
	case PRED_META:
		if (nr == SYS_fadvise64) {
			if (f->type != FT_REG || a[1] < 0 || a[2] < 0 ||
			    (unsigned long)a[3] > 5)
				return 0;
		} else if (nr == SYS_utimensat) {
			if (a[3] || !time_ok((const struct timespec *)a[2]) ||
			    !meta_ok(f, a[2] != 0))
				return 0;
		} else if (!meta_ok(f, nr == SYS_fchown)) {
			return 0;
		}
		if (!ready())
			return 0;
		for (int i = 0; i < 6; i++)
			p.a[i] = a[i];
		if (nr == SYS_utimensat && a[2]) {
			to = room(2 * sizeof(struct timespec), 8);
			__builtin_memcpy(to, (const void *)a[2], 2 * sizeof(struct timespec));
			p.a[2] = (long)to;
		}
		goto queue;
	case PRED_CLOSE:
		/* A close reports what its fd's pending calls did: it waits
		 * for them, it cannot be answered before them.  Relaxed, it
		 * does not report what they did to a regular file (counted),
		 * where only a full or failing disk makes them fail; a pipe's
		 * or socket's EPIPE it still reports. */
		if ((f->npend || __bc_inflight_for(p.fd, f)) &&
		    !(E.cfg.relaxed && never_blocks(f)))
			return 0;
		if (!ready())
			return 0;
		/* On glibc, only while the net catches the calls that use an
		 * fd number unseen (fchdir, isatty...): they find it closed. */
		if (!E.cfg.close_ok && !(E.busy ? __bc_sud_blocks() : (net_asked = 1, __bc_sud_batch())))
			return 0;
		p.a[0] = p.fd;
		f->closing = 1;
		E.queued_closes++;
		goto queue;
	default:
		return 0;
	}
queue:
	if (p.fd >= 0 && E.fd[p.fd].err)
		return 0;  /* a flush for room made an error this call must report */
	push(&p, net_asked);
	return queued(p.want, res, 1);
}

/* Deferral only pays when calls wait: every TRY_WINDOW calls that could
 * have, if fewer than one in SAVE_SHARE did (a shell's echo >> file: its
 * fd is new each time, and a new fd's first call goes direct), a spell of
 * direct calls begins, as when flushes save nothing (flush.c). */
#define TRY_WINDOW 32
#define TRY_RECHECK 8  /* the window after a spell: it only confirms */
#define SAVE_SHARE 4

static inline __attribute__((__always_inline__)) void tried(int queued)
{
	unsigned w = E.win_tries += queued ? 0x10001 : 1;

	if ((w & 0xffff) < (E.backoff_len ? TRY_RECHECK : TRY_WINDOW))
		return;
	if ((w >> 16) * SAVE_SHARE < (w & 0xffff))
		__bc_backoff_begin();
	E.win_tries = 0;
}

/* Check that call nr can be predicted from what is known of its fd, copy
 * what it points to, and queue it.  Lock held.  1 if queued (*res set). */
static int defer(long nr, struct bc_class c, const long a[6], long *res)
{
	if (E.hold || E.off || !__bc_on)
		return 0;
	if (E.backoff) {
		/* Nothing pending, nothing owed: the engine steps aside until
		 * the spell ends (__bc_idle_tick). */
		if (!E.busy && !E.any_owed)
			__atomic_store_n(&__bc_idle, 1, __ATOMIC_RELEASE);
		E.backoff--;
		return 0;
	}
	if (!queue_call(nr, c, a, res)) {
		tried(0);
		return 0;
	}
	tried(1);
	return 1;
}
/* A write or pwrite64 continuing the queue's last entry under the checks
 * it passed (checked): merged into it as defer() would, nothing but its
 * own arguments looked at (the verdict implies no exec under way,
 * deferral on, no backoff, no error owed to the fd nor its close
 * pending).  0, having done nothing, where defer() must look. */
static inline __attribute__((__always_inline__))
int merged(long nr, long fd, long buf, long len, long off, long *res)
{
	struct bc_pend *q;
	int done = 0;

	if ((nr != SYS_write && nr != SYS_pwrite64) || __bc_tls.in_handler || !buf || !size_ok(len))
		return 0;
	__bc_lock();
	/* checked: the last entry is this fd's, made by this call. */
	q = &E.q[E.npend ? E.npend - 1 : 0];
	if (checked(nr, fd) && (nr == SYS_write || offset_ok(off)) && continues(q, E.ok_max, off, len)) {
		__builtin_memcpy(E.arena + E.used, (const void *)buf, len);
		append(q, len);
		queued(len, res, 0);
		tried(1);
		++*E.ok_count;
		done = 1;
	}
	__bc_unlock();
	return done;
}

/* Make an observer of fd wait for what it may see: the queue flushed
 * and every batch run, or only the batches in flight that touch its file,
 * or nothing.  Lock held. */
static void observe(int fd, long nr)
{
	struct bc_fd *f;
	uint32_t seq;

	if (fd < 0 || fd >= BC_FD_MAX || E.many_targets)
		goto all;
	f = __bc_fd_get(fd);
	if (!f || f->npend || f->closing || !f->known_id ||
	    (f->type != FT_REG && f->type != FT_DIR && f->type != FT_CHR &&
	     f->type != FT_MEMDEV))
		goto all;
	for (unsigned i = 0; i < E.ntarget; i++) {
		struct bc_fd *g = &E.fd[E.target[i]];
		if (!g->known_id && __bc_fd_identify(E.target[i]) < 0)
			goto all;
		if (g->dev == f->dev && g->ino == f->ino)
			goto all;
	}
	if ((seq = __bc_inflight_for(fd, f)))
		__bc_wait_batch(seq);
	/* Until another fd gets pending calls: the batches to come hold
	 * only what is pending now. */
	__atomic_store_n(&f->clear, E.obs_gen, __ATOMIC_RELAXED);
	return;
all:
	__bc_settle_all(FL_DEP, nr);
}

/* Pending closes an fd allocation must wait for (the lowest-fd rule);
 * relaxed, only those of 0, 1 and 2. */
static int closes_pending(void)
{
	if (E.cfg.relaxed)
		return E.fd[0].closing || E.fd[1].closing || E.fd[2].closing;
	return E.queued_closes || __bc_inflight_closes();
}

/* Flush what call nr depends on, and wait for it. */
static void depend(long nr, struct bc_class c, const long a[6])
{
	if (c.dep == DEP_NONE || !__atomic_load_n(&E.busy, __ATOMIC_ACQUIRE))
		return;
	__bc_lock();
	if (c.dep == DEP_OBS)
		observe(a[c.fdarg], nr);
	else if (c.dep == DEP_ALL || closes_pending())
		__bc_settle_all(FL_DEP, nr);
	__bc_reap();
	__bc_unlock();
}

/* A misprediction owed to fd's next call: answer it with the error.  A
 * close still closes. */
static int owed(long nr, int fd, long *res)
{
	int err;

	__bc_lock();
	err = E.fd[fd].err;
	E.fd[fd].err = 0;
	if (err && nr == SYS_close) {
		__bc_settle_all(FL_DEP, nr);
		__bc_raw6(SYS_close, fd, 0, 0, 0, 0, 0);
		__bc_fd_forget(fd);
	} else if (err) {
		E.n.answered++;
	}
	__bc_unlock();
	*res = -err;
	return err != 0;
}

static int ending(long nr)
{
	return nr == SYS_exit_group || nr == SYS_execve || nr == SYS_execveat;
}

/* Does call nr leave the engine's threads the only ones to keep the
 * process alive (the one program thread's own exit), or nothing to tell
 * them with (seccomp's strict mode: read, write, exit and sigreturn)? */
static int quitting(long nr, const long a[6])
{
	return (nr == SYS_exit && !E.threaded) ||
	       (nr == SYS_prctl && a[0] == PR_SET_SECCOMP && a[1] == 1) ||
	       (nr == SYS_seccomp && a[0] == 0);
}

hidden struct bc_thread *__bc_thread_first(void)
{
	if (__atomic_add_fetch(&E.nthreads, 1, __ATOMIC_RELAXED) > 1) {
		__atomic_store_n(&E.threaded, 1, __ATOMIC_RELEASE);
		__bc_unverdict();
	}
	return __bc_thread_new();
}

/* The spell is over: the engine sees calls again, knowing no fd (their
 * numbers may mean other files now). */
__attribute__((__noinline__, __cold__)) static void wake(void)
{
	__bc_tls.depth++;
	__bc_lock();
	if (__bc_idle) {
		E.backoff = 0;
		__bc_fds_new();
		__atomic_store_n(&__bc_idle, 0, __ATOMIC_RELEASE);
	}
	__bc_unlock();
	__bc_leave();
}

hidden int __bc_idle_tick(void)
{
	/* Racy between threads, and harmless: the count is a length. */
	unsigned left = __atomic_load_n(&E.backoff, __ATOMIC_RELAXED);

	if (left > 1) {
		__atomic_store_n(&E.backoff, left - 1, __ATOMIC_RELAXED);
		return 1;
	}
	/* A __synccall holds the lock: calls go raw, the spell goes on. */
	if (__atomic_load_n(&__bc_synccall, __ATOMIC_RELAXED))
		return 1;
	wake();
	return 0;
}

/* Does the idle engine let call nr by? */
static int idle_passes(long nr)
{
	unsigned p;

	if (!__atomic_load_n(&__bc_idle, __ATOMIC_RELAXED) || (unsigned long)nr >= BC_NR_MAX ||
	    (p = __bc_idle_pass[nr]) == IDLE_WATCH)
		return 0;
	return p == IDLE_IGNORE || __bc_idle_tick();
}

/* __bc_before's way for every call but a merged write: out of line, so
 * that the merge needs no frame of its size.  In the engine (__bc_tls.depth),
 * the call counted. */
__attribute__((__noinline__)) static int before(long nr, long a[6], long *res)
{
	struct bc_class c;
	int fd, done = 0;

	if (ending(nr)) {
		__bc_leave();
		__bc_engine_end(nr == SYS_exit_group ? FL_EXIT : FL_EXEC, nr,
				nr == SYS_exit_group, 0);
		return 0;
	}
	if (quitting(nr, a)) {
		/* The engine's threads end first: the last thread's exit
		 * gives the process its status. */
		__bc_leave();
		__bc_engine_end(FL_EXIT, nr, 1, 0);
		__bc_tls.depth++;
		__bc_timer_end();
		__bc_lock();
		__bc_executor_retire();
		__bc_unlock();
		__bc_leave();
		return 0;
	}
	c = __bc_classify(nr, a);
	if (nr == SYS_fork || nr == SYS_clone || nr == SYS_clone3) {
		long flags = nr == SYS_fork ? 0 : nr == SYS_clone ? a[0] :
			     a[0] ? (long)*(const uint64_t *)a[0] : 0;
		if ((flags & (CLONE_VM | CLONE_THREAD)) == CLONE_VM) {
			/* A process in this memory: its pid is how it is told
			 * from the owner, whose pid must be known first. */
			__bc_owner_pid();
			__atomic_store_n(&E.vm_child, 1, __ATOMIC_RELEASE);
		}
		if (flags & CLONE_VM)
			__bc_engine_threaded();
		else
			__bc_engine_forks();
	}
	if (__bc_tls.in_handler) {
		/* A handler's calls are not deferred, and go after what is
		 * pending: the program it interrupted may be blocked waiting
		 * for them (a self-pipe). */
		c.dep = DEP_ALL;
		c.pred = PRED_NO;
	}
	fd = c.fdarg >= 0 ? (int)a[c.fdarg] : -1;
	/* Whatever its class, a call on an fd whose close is pending must
	 * find it closed. */
	if (fd >= 0 && fd < BC_FD_MAX && __atomic_load_n(&E.fd[fd].closing, __ATOMIC_RELAXED))
		c.dep = DEP_ALL;
	if (fd >= 0 && fd < BC_FD_MAX && __atomic_load_n(&E.fd[fd].err, __ATOMIC_RELAXED))
		done = owed(nr, fd, res);
	/* A close may wait only where every use of an fd number is seen, or
	 * caught by the net (queue_call): a call unseen (glibc's fchdir,
	 * isatty...) would find it open. */
	if (!done && c.pred && E.cfg.max_delay_us &&
	    (c.pred != PRED_CLOSE || E.cfg.close_ok || E.cfg.sud)) {
		__bc_lock();
		unsigned backoff = E.backoff;
		done = defer(nr, c, a, res);
		__bc_why_note(nr, c, a, done, backoff, 1);
		__bc_unlock();
	} else if (!done && c.pred) {
		__bc_why_note(nr, c, a, 0, 0, 0);
	}
	if (!done) {
		depend(nr, c, a);
		/* The flush it needed may have found an error owed to it. */
		if (fd >= 0 && fd < BC_FD_MAX && __atomic_load_n(&E.fd[fd].err, __ATOMIC_RELAXED))
			done = owed(nr, fd, res);
	}
	__bc_leave();
	return done;
}

hidden int __bc_before(long nr, long a[6], long *res)
{
	if (!__atomic_load_n(&__bc_on, __ATOMIC_RELAXED) || __bc_tls.depth ||
	    __atomic_load_n(&__bc_synccall, __ATOMIC_RELAXED))
		return 0;
	if (__bc_tls.vforked) {
		/* The vfork child shares this memory but not the fd table. */
		if (__bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0) != E.owner)
			return 0;
		__bc_tls.vforked = 0;
	}
	if (idle_passes(nr)) {
		__bc_seen(nr);
		return 0;
	}
	__bc_tls.depth++;
	__bc_seen(nr);
	if (nr == __atomic_load_n(&E.ok_nr, __ATOMIC_RELAXED) && merged(nr, a[0], a[1], a[2], a[3], res)) {
		__bc_leave();
		return 1;
	}
	return before(nr, a, res);
}

hidden long __bc_merge(long nr, long fd, long buf, long len, long off, bc_rest_fn rest)
{
	long r;
	int done;

	if (!__atomic_load_n(&__bc_on, __ATOMIC_RELAXED) || __bc_tls.aside ||
	    __atomic_load_n(&__bc_synccall, __ATOMIC_RELAXED))
		return rest(fd, buf, len, off);
	__bc_tls.depth++;
	if ((done = merged(nr, fd, buf, len, off, &r)))
		__bc_seen(nr);
	__bc_leave();
	return done ? r : rest(fd, buf, len, off);
}

static void forget_pair(long p)
{
	const int *fds = (const int *)p;

	if (fds) {
		__bc_fd_forget(fds[0]);
		__bc_fd_forget(fds[1]);
	}
}

/* fd's file is now mapped: the mapping may see its data without a call. */
static void map_shared(int fd)
{
	struct bc_fd *f = __bc_fd_get(fd);

	__bc_unverdict();
	if (!f || E.nmapped == BC_MAPPED_MAX) {
		E.many_mapped = 1;
		return;
	}
	for (unsigned i = 0; i < E.nmapped; i++)
		if (E.mapped[i].dev == f->dev && E.mapped[i].ino == f->ino)
			return;
	E.mapped[E.nmapped].dev = f->dev;
	E.mapped[E.nmapped].ino = f->ino;
	E.nmapped++;
}

/* A file found mapped in the maps (an mmap the engine did not see). */
hidden void __bc_file_mapped(uint64_t dev, uint64_t ino)
{
	__bc_unverdict();
	for (unsigned i = 0; i < E.nmapped; i++)
		if (E.mapped[i].dev == dev && E.mapped[i].ino == ino)
			return;
	if (E.nmapped == BC_MAPPED_MAX) {
		E.many_mapped = 1;
		return;
	}
	E.mapped[E.nmapped].dev = dev;
	E.mapped[E.nmapped].ino = ino;
	E.nmapped++;
}

/* A prctl that changes nothing a raw thread's calls depend on (its
 * credentials, capabilities, securebits, seccomp filter are per thread:
 * after those, the engine's threads are retired and started afresh). */
static int prctl_harmless(long option)
{
	switch (option) {
	case PR_SET_PDEATHSIG: case PR_GET_PDEATHSIG: case PR_GET_DUMPABLE:
	case PR_SET_DUMPABLE: case PR_SET_NAME: case PR_GET_NAME:
	case PR_SET_TIMERSLACK: case PR_GET_TIMERSLACK: case PR_SET_CHILD_SUBREAPER:
	case PR_GET_CHILD_SUBREAPER:
		return 1;
	}
	return 0;
}

static void learn(long nr, const long a[6], long res)
{
	switch (nr) {
	case SYS_open:
		if (res >= 0)
			__bc_fd_opened(res, (const char *)a[0], a[1]);
		break;
	case SYS_openat:
		if (res >= 0)
			__bc_fd_opened(res, (const char *)a[1], a[2]);
		break;
	case SYS_creat:
		if (res >= 0)
			__bc_fd_opened(res, (const char *)a[0], O_CREAT | O_WRONLY | O_TRUNC);
		break;
	case SYS_close:
		__bc_fd_forget(a[0]);
		break;
	case SYS_dup:
		if (res >= 0)
			__bc_fd_copy(a[0], res);
		break;
	case SYS_dup2:
	case SYS_dup3:
		if (res >= 0 && a[0] != a[1])
			__bc_fd_copy(a[0], a[1]);
		break;
	case SYS_fcntl:
		/* Status flags belong to the open file, which duplicates share. */
		if (a[1] == F_SETFL)
			__bc_fds_new();
		else if (res >= 0 && (a[1] == F_DUPFD || a[1] == F_DUPFD_CLOEXEC))
			__bc_fd_copy(a[0], res);
		break;
	case SYS_pipe:
	case SYS_pipe2:
		if (res >= 0)
			forget_pair(a[0]);
		break;
	case SYS_socketpair:
		if (res >= 0)
			forget_pair(a[3]);
		break;
	case SYS_close_range:
		if (res >= 0 && !(a[2] & 4 /* CLOSE_RANGE_CLOEXEC */))
			for (long fd = a[0]; fd <= a[1] && fd < BC_FD_MAX; fd++)
				__bc_fd_forget(fd);
		break;
	case SYS_ioctl:
		if (a[1] == FIONBIO)
			__bc_fds_new();
		break;
	case SYS_mmap:
		/* Even a private mapping shares the page cache until written. */
		if (res >= 0 && !(a[3] & MAP_ANONYMOUS) && a[4] >= 0)
			map_shared(a[4]);
		if (res >= 0)
			__bc_mem_mapped(a[3], a[2], a[4]);
		break;
	case SYS_shmat:
		if (res >= 0)
			__bc_mem_mapped(-1, 0, -1);
		break;
	case SYS_prctl:
		if (prctl_harmless(a[0]))
			break;
		if (a[0] == PR_SET_SECCOMP && res >= 0) {
			__bc_off(BC_OFF_SECCOMP);
			/* Strict mode (1) leaves no call to tell the engine's
			 * threads with: they have nothing left to run. */
			if (a[1] == 1)
				break;
		}
		goto credentials;
	case SYS_seccomp:
		/* A filter may make any later call fail: predict nothing.
		 * Strict mode (0): as prctl's, above. */
		if ((a[0] == 0 || a[0] == 1) && res >= 0)
			__bc_off(BC_OFF_SECCOMP);
		if (a[0] == 0 && res >= 0)
			break;
		/* fall through */
	credentials:
	case SYS_setuid:
	case SYS_setreuid:
	case SYS_setresuid:
	case SYS_setfsuid:
	case SYS_capset:
	case SYS_setgid:
	case SYS_setregid:
	case SYS_setresgid:
	case SYS_setfsgid:
	case SYS_setgroups:
		E.euid = -1;
		__bc_timer_retire();
		__bc_executor_retire();
		break;
	case SYS_execve:
	case SYS_execveat:
		/* It failed: its report is out, so count afresh. */
		__bc_stats_forget(0, 0);
		__builtin_memset(&E.n, 0, sizeof E.n);
		E.hold = 0;
		break;
	default:
		if (res >= 0 && (__bc_class_table[nr].flags & CL_FDALLOC))
			__bc_fd_forget(res);
	}
}

hidden void __bc_after(long nr, const long a[6], long res)
{
	if (!__bc_on || __bc_tls.aside || __bc_synccall || (unsigned long)nr >= BC_NR_MAX ||
	    !(__bc_class_table[nr].flags & CL_CHANGES) ||
	    (__atomic_load_n(&__bc_idle, __ATOMIC_RELAXED) && __bc_idle_pass[nr] != IDLE_WATCH))
		return;
	if (nr == SYS_fork || nr == SYS_clone || nr == SYS_clone3) {
		if (res == 0 && (nr == SYS_fork || (nr == SYS_clone && !(a[0] & CLONE_VM))))
			__bc_engine_child();
		return;
	}
	__bc_tls.depth++;
	__bc_lock();
	learn(nr, a, res);
	__bc_unlock();
	__bc_leave();
}
