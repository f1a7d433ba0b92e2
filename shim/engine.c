/* The deferral engine's way for a call: what it depends on flushed, and
 * whether it waits (decide.h) carried out. */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "arm.h"
#include "classify.h"
#include "decide.h"
#include "engine.h"
#include "executor.h"
#include "fdstate.h"
#include "flush.h"
#include "life.h"
#include "memshare.h"
#include "profile.h"
#include "queue.h"
#include "raw.h"
#include "signals.h"
#include "state.h"
#include "stats.h"
#include "sud.h"
#include "timer.h"
#include "uring.h"


#define E __bc_e

/* Room in the queue's arena for n bytes aligned to align; flushes first
 * if the arena is full. */
static char *room(size_t n, size_t align)
{
	if (!__bc_queue_fits(n, align))
		__bc_flush(FL_BYTES, -1);
	return __bc_queue_room(n, align);
}

static void gather(char *to, const struct iovec *iov, long cnt)
{
	for (long i = 0; i < cnt; i++) {
		__builtin_memcpy(to, iov[i].iov_base, iov[i].iov_len);
		to += iov[i].iov_len;
	}
}

/* Is RLIMIT_FSIZE finite?  Asked when the queue is empty, or not yet
 * asked in this batch (-1: the queue's drop forgets it): a change
 * (setrlimit, prlimit) waits for what is queued, but one made between
 * batches is seen only by asking.  A write that crosses the limit comes
 * back short, with no signal: a result the program sees. */
static int fsize_limited(void)
{
	struct rlimit lim;

	if (!E.npend || E.fsize_limited < 0) {
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
 * empty, threads may differ, or not yet in this batch (-1: the queue's
 * drop forgets it): while calls are queued, a change waits for them
 * (sigaction, sigprocmask and glibc's sigset family flush first), but
 * one made between batches is seen only by asking. */
static int sigpipe_kills(void)
{
	uint64_t mask;

	if (!E.npend || E.threaded || E.sigpipe_kills < 0) {
		E.n.probes += 2;
		__bc_raw6(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)&mask, 8, 0, 0);
		E.sigpipe_kills = E.owner != 1 && !(mask >> (SIGPIPE - 1) & 1) &&
				  __bc_signal_kills(SIGPIPE);
	}
	return E.sigpipe_kills;
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

/* The write's bytes, just copied to the arena's free space, join q. */
static void append(struct bc_pend *q, long len)
{
	E.used += len;
	q->a[2] += len;
	q->want += len;
}

/* Does write nr on fd come right after the queue's last entry, made or
 * last extended by the same call on the same fd (the merge verdict,
 * E.ok_nr and E.ok_fd)?  Then the checks of the fd and of the process
 * that call passed still hold: whatever could change them flushes first
 * or forgets the verdict (bc_engine.ok_nr has the list), but for another
 * thread's start, which that thread's first call may tell unlocked. */
static inline __attribute__((__always_inline__)) int checked(long nr, int fd)
{
	return E.ok_nr == nr && E.ok_fd == fd && (!E.threaded || __bc_never_blocks(&E.fd[fd]));
}

/* Call p, its arguments copied, becomes the queue's last entry; the
 * first of a batch asks the net (unless net_asked: already) and starts
 * the timer. */
static void push(const struct bc_pend *p, int net_asked)
{
	int first;

	if (!E.busy && !net_asked)
		__bc_sud_batch();
	first = __bc_queue_push(p);
	__bc_busy_update();
	if (first || p->fd >= 0)
		__bc_timer_need(p->fd);
}

/* A call queued (defer's; merged counts its own): counted, its result
 * given, and the bounds kept (flushed at). */
static void queued(long want, long *res)
{
	E.ncalls++;
	*res = want;
	if (E.npend == BC_QUEUE_MAX)
		__bc_flush(FL_FULL, -1);
	else if (E.used && E.used >= (size_t)E.cfg.max_bytes)
		__bc_flush(FL_BYTES, -1);
	else if (E.cfg.relaxed && E.queued_closes >= BC_CLOSES_MAX)
		__bc_flush(FL_CLOSES, -1);
}

/* Can deferring call nr of class pred pay (decide.h's __bc_saves) under
 * the executor its class is given?  Not a write's: the default profile,
 * if not read yet, is read first (the engine has not armed: a process
 * whose only deferrable calls cannot pay never arms), in arming's order:
 * the seccomp question first (under a filter the open might kill), and
 * not where nothing may wait. */
static int saves(long nr, int pred)
{
	int x;

	if (__bc_saves(pred, 0, 0))
		return 1;
	if (__atomic_load_n(&E.cfg.profile_later, __ATOMIC_RELAXED) && !__atomic_load_n(&E.off, __ATOMIC_RELAXED)) {
		__bc_lock();
		if (!E.off && (E.armed || !__bc_filtered()))
			__bc_profile_now();
		__bc_unlock();
	}
	x = E.cfg.exec[pred];
	return __bc_saves(pred, x == EX_ASYNC, x == EX_URING && __bc_uring_capable(nr));
}

/* What a decision about call nr of class c sees (decide.h), its facts
 * known where that costs nothing. */
static void see(struct bc_view *v, long nr, struct bc_class c, const long a[6])
{
	int fd = c.fdarg >= 0 ? (int)a[c.fdarg] : -1;

	v->nr = nr, v->a = a, v->pred = c.pred, v->fdarg = c.fdarg;
	v->checked = fd >= 0 && fd < BC_FD_MAX && checked(nr, fd);
	v->f = v->checked ? &E.fd[fd] : NULL;
	v->f_asked = v->checked;
	v->last = E.npend ? &E.q[E.npend - 1] : NULL;
	v->arena = E.arena, v->used = E.used, v->size = E.arena_size;
	v->off = E.off, v->threaded = E.threaded;
	v->relaxed = E.cfg.relaxed, v->close_ok = E.cfg.close_ok, v->max_bytes = E.cfg.max_bytes;
	v->nmapped = E.nmapped, v->many_mapped = E.many_mapped, v->mapped = E.mapped;
	/* What ready() would find without doing anything. */
	v->ready = E.armed && E.owner && !E.filter_unknown && !E.maps_unknown ? !E.off : -1;
	v->euid = E.euid;
	/* What sigpipe_kills() and fsize_limited() would answer unasked. */
	v->sigpipe_kills = E.npend && !E.threaded ? E.sigpipe_kills : -1;
	v->fsize_limited = E.npend ? E.fsize_limited : -1;
	v->inflight = v->net = -1;
}

/* Learn the fact a decision asked for (V_ASK_*).  *net_asked: the net
 * was asked about this batch. */
static void ask(int what, struct bc_view *v, int *net_asked)
{
	switch (what) {
	case V_ASK_FD:
		/* A close is worth no probe: it saves one call. */
		v->f = __bc_fd_for_defer(v->a[v->fdarg], v->pred != PRED_CLOSE);
		v->f_asked = 1;
		break;
	case V_ASK_READY:
		/* Arming maps the arena, with nothing queued yet; the maps
		 * read there may find files mapped (memshare.c). */
		v->ready = ready();
		v->off = E.off;
		v->arena = E.arena, v->used = E.used, v->size = E.arena_size;
		v->nmapped = E.nmapped, v->many_mapped = E.many_mapped;
		break;
	case V_ASK_EUID:
		if (E.euid < 0)
			E.euid = __bc_raw6(SYS_geteuid, 0, 0, 0, 0, 0, 0);
		v->euid = E.euid;
		break;
	case V_ASK_SIGPIPE:
		v->sigpipe_kills = sigpipe_kills();
		break;
	case V_ASK_FSIZE:
		v->fsize_limited = fsize_limited();
		break;
	case V_ASK_INFLIGHT:
		v->inflight = __bc_inflight_for(v->a[v->fdarg], v->f) != 0;
		break;
	case V_ASK_NET:
		v->net = E.busy ? __bc_sud_blocks() : (*net_asked = 1, __bc_sud_batch());
		break;
	}
}

/* A call that took room in the arena, and is not queued after all: its
 * fd owes an error (set by another thread's reap, or by a flush for the
 * room).  The merge verdict's entry no longer ends where the free space
 * begins (merged's ok_end assumes it does). */
static int owed_after_room(void)
{
	__bc_unverdict();
	return WHY_OWED;
}

/* Data call nr decided (V_DEFER or V_MERGE, its plan o): its bytes copied
 * into the arena, the last entry extended or a new one pushed.  Its
 * verdict, or WHY_OWED if a flush for room made an error the call must
 * report. */
static int queue_data(int verdict, long nr, struct bc_plan *o, long *res)
{
	struct bc_pend *p = &o->p;
	char *to = verdict == V_MERGE ? E.arena + E.used : room(o->len + o->namelen, 1);

	if (o->iov)
		gather(to, o->iov, o->cnt);
	else
		__builtin_memcpy(to, o->buf, o->len);
	if (verdict == V_MERGE) {
		append(&E.q[E.npend - 1], o->len);
	} else {
		if (E.fd[p->fd].err)
			return owed_after_room();
		p->a[0] = p->fd;
		p->a[1] = (long)to;
		p->a[2] = o->len;
		if (o->namelen) {
			__builtin_memcpy(to + o->len, o->name, o->namelen);
			p->a[4] = (long)(to + o->len);
			p->a[5] = o->namelen;
		}
		p->want = o->len;
		push(p, 0);
	}
	if (p->pred == PRED_WRITE || p->pred == PRED_PWRITE) {
		size_t end = E.used + (size_t)(o->max - E.q[E.npend - 1].a[2]);

		__atomic_store_n(&E.ok_nr, nr, __ATOMIC_RELAXED);
		E.ok_fd = p->fd;
		E.ok_end = end < E.arena_size ? end : E.arena_size;
		E.ok_count = __bc_why_counter(nr);
	}
	queued(o->len, res);
	return verdict;
}

/* Any other call decided to be deferred: its entry pushed. */
static int queue_call(struct bc_plan *o, long *res, int net_asked)
{
	struct bc_pend *p = &o->p;
	char *to;

	if (p->nr == SYS_utimensat && p->a[2]) {
		to = room(2 * sizeof(struct timespec), 8);
		__builtin_memcpy(to, (const void *)p->a[2], 2 * sizeof(struct timespec));
		p->a[2] = (long)to;
	}
	if (p->fd >= 0 && E.fd[p->fd].err)
		return owed_after_room();
	if (p->pred == PRED_CLOSE) {
		E.fd[p->fd].closing = 1;
		E.queued_closes++;
	}
	push(p, net_asked);
	queued(p->want, res);
	return V_DEFER;
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
	uint64_t merged = E.win_merged;

	if ((w & 0xffff) < (E.backoff_len ? TRY_RECHECK : TRY_WINDOW))
		return;
	if (((w >> 16) + merged) * SAVE_SHARE < (w & 0xffff) + merged)
		__bc_backoff_begin();
	E.win_tries = E.win_merged = 0;
}

/* Call nr of class c: decided (decide.h) from what the engine knows, the
 * facts the decision asks for learned, and queued if it may wait.  Lock
 * held.  V_DEFER or V_MERGE if queued (*res set), else why not. */
static int defer(long nr, struct bc_class c, const long a[6], long *res)
{
	struct bc_view v;
	struct bc_plan o;
	int why = __bc_decide_engine(__bc_on && !E.hold, E.off, E.backoff), net_asked = 0;

	if (why == WHY_BACKOFF) {
		/* Nothing pending, nothing owed: the engine steps aside until
		 * the spell ends (__bc_idle_tick). */
		if (!E.busy && !E.any_owed) {
			__atomic_store_n(&__bc_idle, 1, __ATOMIC_RELEASE);
			__bc_sud_rest();
		}
		E.backoff--;
	}
	if (why != V_DEFER)
		return why;
	see(&v, nr, c, a);
	while ((why = __bc_decide(&v, &o)) >= V_ASK)
		ask(why, &v, &net_asked);
	if (why >= WHY_N)
		why = c.pred == PRED_WRITE || c.pred == PRED_PWRITE ? queue_data(why, nr, &o, res) :
		      queue_call(&o, res, net_asked);
	tried(why >= WHY_N);
	return why;
}

/* n bytes from s to d, for a caller entered through the C ABI (the
 * wrappers' __bc_merge), whose vector registers are its caller's to lose:
 * up to 64 in at most four 16-byte moves, every load before any store.
 * The rest of the library keeps to the general registers (a rewritten
 * site enters it with the program's live). */
__attribute__((__target__("sse2"))) static void copy_abi(char *d, const char *s, size_t n)
{
	typedef char v16 __attribute__((__vector_size__(16)));
	v16 a, b, c, e;

	if (n < 16 || n > 64) {
		__builtin_memcpy(d, s, n);  /* freestanding.c's */
	} else if (n <= 32) {
		__builtin_memcpy(&a, s, 16);
		__builtin_memcpy(&b, s + n - 16, 16);
		__builtin_memcpy(d, &a, 16);
		__builtin_memcpy(d + n - 16, &b, 16);
	} else {
		__builtin_memcpy(&a, s, 16);
		__builtin_memcpy(&b, s + 16, 16);
		__builtin_memcpy(&c, s + n - 32, 16);
		__builtin_memcpy(&e, s + n - 16, 16);
		__builtin_memcpy(d, &a, 16);
		__builtin_memcpy(d + 16, &b, 16);
		__builtin_memcpy(d + n - 32, &c, 16);
		__builtin_memcpy(d + n - 16, &e, 16);
	}
}

/* A merge reached BC_MAX_BYTES: the flush, under the word (a flush may
 * block, on a full pipe: the lane is for a merge's moment only, and its
 * takers spin). */
static __attribute__((__noinline__, __cold__)) void flush_full(void)
{
	__bc_lock();
	if (E.used >= (size_t)E.cfg.max_bytes)
		__bc_flush(FL_BYTES, -1);
	__bc_unlock();
}

/* A write or pwrite64 nr (never writev, pwritev: the caller tells), the
 * merge verdict's (E.ok_nr as the caller read it), continuing the
 * queue's last entry under the checks it passed (checked): merged into it
 * as defer() would, nothing but its own arguments looked at (the verdict
 * implies no exec under way, deferral on, no backoff, no error owed to
 * the fd nor its close pending, and the entry's data ending where the
 * arena's free space begins: only a push, a drop or a call that took
 * room and was not queued moves either, and each forgets the verdict).
 * abi: the caller came through the C ABI (copy_abi).  0, having done
 * nothing, where defer() must look. */
static inline __attribute__((__always_inline__))
int merged(long nr, long fd, long buf, long len, long off, long *res, int abi)
{
	struct bc_pend *q;
	int done = 0, lane;

	/* __bc_size_ok's test, in one comparison. */
	if (__bc_tls.in_handler || !buf || (unsigned long)len - 1 >= E.cfg.single_max)
		return 0;
	lane = __bc_lane_enter(&__bc_tls.lane);
	if (!lane)
		__bc_lock();
	/* checked: the last entry is this fd's, made by this call. */
	if (checked(nr, fd) && E.used + len <= E.ok_end &&
	    (q = &E.q[E.npend - 1], nr == SYS_write || (__bc_offset_ok(off) && q->a[3] + q->a[2] == off))) {
		if (abi)
			copy_abi(E.arena + E.used, (const char *)buf, len);
		else
			__builtin_memcpy(E.arena + E.used, (const void *)buf, len);
		append(q, len);
		E.ncalls++;
		*res = len;
		E.win_merged++;
		++*E.ok_count;
		done = 1;
	}
	if (lane)
		__bc_lane_leave();
	else
		__bc_unlock();
	/* A look out of the lock: flush_full looks again under it. */
	if (done && __atomic_load_n(&E.used, __ATOMIC_RELAXED) >= (size_t)E.cfg.max_bytes)
		flush_full();
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
		__bc_wait(seq);
	/* Until another fd gets pending calls: the batches to come hold
	 * only what is pending now. */
	__atomic_store_n(&f->clear, E.obs_gen, __ATOMIC_RELAXED);
	return;
all:
	__bc_settle(FL_DEP, nr, 0);
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
		__bc_settle(FL_DEP, nr, 0);
	__bc_wait(E.reaped);  /* what has run */
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
		__bc_settle(FL_DEP, nr, 0);
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

	if (!__atomic_load_n(&__bc_idle, __ATOMIC_RELAXED) || (unsigned long)nr >= BC_NR_LIMIT ||
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
		__bc_engine_clones(flags);
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
	if (!done && c.pred) {
		int why = __bc_decide_config(c.pred, E.cfg.max_delay_us, E.cfg.close_ok, E.cfg.sud);
		if (why == V_DEFER && !saves(nr, c.pred))
			why = WHY_NO_GAIN;
		if (why == V_DEFER) {
			__bc_lock();
			done = (why = defer(nr, c, a, res)) >= WHY_N;
			__bc_why_note(nr, why, 1);
			__bc_unlock();
		} else {
			__bc_why_note(nr, why, 0);
		}
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
	if ((nr == SYS_write || nr == SYS_pwrite64) && nr == __atomic_load_n(&E.ok_nr, __ATOMIC_RELAXED) &&
	    merged(nr, a[0], a[1], a[2], a[3], res, 0)) {
		__bc_leave();
		return 1;
	}
	return before(nr, a, res);
}

/* Entered through the C ABI only: copy_abi's vector moves inline. */
__attribute__((__target__("sse2")))
hidden long __bc_merge(long fd, long buf, long len, long off, bc_rest_fn rest, long nr)
{
	long r;
	int done;

	if (!__atomic_load_n(&__bc_on, __ATOMIC_RELAXED) || __bc_aside() ||
	    __atomic_load_n(&__bc_synccall, __ATOMIC_RELAXED))
		return rest(fd, buf, len, off);
	__bc_tls.depth++;
	if ((done = merged(nr, fd, buf, len, off, &r, 1)))
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

	__bc_file_mapped(f ? f->dev : 0, f ? f->ino : 0, f != NULL);
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

/* The caller's fd table is a copy now (unshare, close_range).  The
 * engine's threads keep the old one (a pipe end closed now would stay
 * open there); another program thread too: a number may then name two
 * files, and nothing waits any more. */
static void table_copied(void)
{
	if (E.threaded)
		__bc_off(BC_OFF_TABLES);
	__bc_threads_retire();
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
		if (res >= 0 && (a[2] & 2 /* CLOSE_RANGE_UNSHARE */))
			table_copied();
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
	case SYS_unshare:
		if (res >= 0 && (a[0] & CLONE_FILES))
			table_copied();
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
		__bc_creds_changed();
		break;
	case SYS_setrlimit:
	case SYS_prlimit64:
		/* A lowered fd limit may leave no number for the timer thread
		 * to borrow under. */
		if (res >= 0 && (nr == SYS_setrlimit ? a[0] == RLIMIT_NOFILE :
				 a[1] == RLIMIT_NOFILE && a[2] && (!a[0] || !E.owner || a[0] == E.owner)))
			__bc_timer_share(1);
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
	if (!__bc_on || __bc_aside() || __bc_synccall || (unsigned long)nr >= BC_NR_LIMIT ||
	    !(__bc_class_table[nr].flags & CL_CHANGES) || (nr == SYS_prlimit64 && !a[2]) ||
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
