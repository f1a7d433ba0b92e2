/* Why a call that looked deferrable was not deferred.  Worked out after
 * defer() said no, from the state it looked at (nothing is probed here):
 * the first condition that holds, in about the order defer() checks them,
 * so that defer() itself stays a chain of plain returns.  A call none of
 * the conditions explains counts as "arguments". */
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "state.h"
#include "stats.h"
#include "sud.h"
#include "why.h"

#define E __bc_e

static const char *const why_name[WHY_N] = {
	[WHY_NO_DELAY] = "no_delay", [WHY_FDS_UNSEEN] = "fds_unseen",
	[WHY_EXEC] = "exec", [WHY_SHARED] = "shared_memory", [WHY_SECCOMP] = "seccomp",
	[WHY_BACKOFF] = "backoff", [WHY_HIGH_FD] = "high_fd", [WHY_FIRST_USE] = "fd_unknown",
	[WHY_OWED] = "error_owed", [WHY_CLOSING] = "closing", [WHY_TTY] = "terminal",
	[WHY_KIND] = "file_kind", [WHY_THREADS] = "threads", [WHY_MAPPED] = "mapped",
	[WHY_OPEN_MODE] = "open_mode", [WHY_SIGPIPE] = "sigpipe", [WHY_FSIZE] = "fsize_limit",
	[WHY_SIZE] = "size", [WHY_PENDING] = "calls_pending", [WHY_IDENTITY] = "identity",
	[WHY_ARGS] = "arguments",
};

static int writable(const struct bc_fd *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY && !(f->flags & (O_DIRECT | O_PATH));
}

/* Its file is mapped, as far as the engine knows without a probe. */
static int mapped(const struct bc_fd *f)
{
	if (E.many_mapped || (E.nmapped && !f->known_id))
		return 1;
	for (unsigned i = 0; i < E.nmapped; i++)
		if (E.mapped[i].dev == f->dev && E.mapped[i].ino == f->ino)
			return 1;
	return 0;
}

/* A write's bytes, or -1 if its iovecs are not what defer() takes. */
static long size(long nr, const long a[6])
{
	const struct iovec *iov = (const struct iovec *)a[1];
	long sum = 0;

	if (nr == SYS_write || nr == SYS_pwrite64)
		return a[2];
	if (nr != SYS_writev && nr != SYS_pwritev)
		return -1;
	if (a[2] < 0 || a[2] > 1024 || (a[2] && !iov))
		return -1;
	for (long i = 0; i < a[2]; i++) {
		if ((long)iov[i].iov_len < 0 || (iov[i].iov_len && !iov[i].iov_base))
			return -1;
		sum += iov[i].iov_len;
		if (sum > BC_SINGLE_MAX)
			break;
	}
	return sum;
}

static enum bc_why_reason size_or_args(long nr, const long a[6], int fd)
{
	long n = size(nr, a);

	if (n == 0 || n > BC_SINGLE_MAX || n > E.cfg.max_bytes)
		return WHY_SIZE;
	return fd >= 0 && E.fd[fd].err ? WHY_OWED : WHY_ARGS;
}

static enum bc_why_reason why_write(long nr, const struct bc_fd *f, const long a[6], int fd)
{
	int send = nr == SYS_sendto || nr == SYS_sendmsg;

	if (send && f->type == FT_DGRAM)
		return f->flags & O_NONBLOCK ? WHY_OPEN_MODE : E.threaded ? WHY_THREADS : WHY_ARGS;
	if (f->type == FT_TTY)
		return WHY_TTY;
	if ((send && f->type != FT_STREAM) ||
	    (f->type != FT_REG && f->type != FT_FIFO && f->type != FT_STREAM &&
	     f->type != FT_CHR && f->type != FT_MEMDEV))
		return WHY_KIND;
	if (E.threaded && f->type != FT_REG && f->type != FT_MEMDEV)
		return WHY_THREADS;
	if (f->type == FT_REG && mapped(f))
		return WHY_MAPPED;
	if (!writable(f) || ((f->flags & O_NONBLOCK) && f->type != FT_REG))
		return WHY_OPEN_MODE;
	if ((f->type == FT_FIFO || f->type == FT_STREAM) && !E.sigpipe_kills)
		return WHY_SIGPIPE;
	if (f->type == FT_REG && E.fsize_limited)
		return WHY_FSIZE;
	return send ? WHY_ARGS : size_or_args(nr, a, fd);
}

static enum bc_why_reason why_pwrite(long nr, const struct bc_fd *f, const long a[6], int fd)
{
	if (f->type == FT_TTY)
		return WHY_TTY;
	if (f->type != FT_REG)
		return WHY_KIND;
	if (!writable(f))
		return WHY_OPEN_MODE;
	if (a[3] < 0 || a[3] >= PWRITE_MAX)
		return WHY_ARGS;
	if (mapped(f))
		return WHY_MAPPED;
	if (E.fsize_limited)
		return WHY_FSIZE;
	return size_or_args(nr, a, fd);
}

static enum bc_why_reason why_meta(long nr, const struct bc_fd *f)
{
	if (f->type != FT_REG)
		return f->type == FT_TTY ? WHY_TTY : WHY_KIND;
	if (nr == SYS_fadvise64)
		return WHY_ARGS;
	if (!writable(f))
		return WHY_OPEN_MODE;
	return WHY_IDENTITY;
}

static enum bc_why_reason why(long nr, struct bc_class c, const long a[6], unsigned backoff)
{
	const struct bc_fd *f;
	int fd;

	if (!E.cfg.max_delay_us)
		return WHY_NO_DELAY;
	/* glibc: a close waits only in a batch the net blocks (sud.c). */
	if (c.pred == PRED_CLOSE && !E.cfg.close_ok && !__bc_sud_blocks())
		return WHY_FDS_UNSEEN;
	if (E.hold || !__bc_on)
		return WHY_EXEC;
	if (E.off)
		return E.off & BC_OFF_SHARED ? WHY_SHARED : WHY_SECCOMP;
	if (backoff)
		return WHY_BACKOFF;
	if (c.pred == PRED_ADVISE || c.fdarg < 0)
		return WHY_ARGS;
	fd = a[c.fdarg];
	if (fd < 0 || fd >= BC_FD_MAX)
		return WHY_HIGH_FD;
	f = &E.fd[fd];
	if (f->gen != E.fdgen || f->type == FT_UNKNOWN || f->type == FT_FILE)
		return WHY_FIRST_USE;
	if (f->closing)
		return WHY_CLOSING;
	switch (c.pred) {
	case PRED_WRITE:
		return why_write(nr, f, a, fd);
	case PRED_PWRITE:
		return why_pwrite(nr, f, a, fd);
	case PRED_META:
		return why_meta(nr, f);
	case PRED_CLOSE:
		return f->err ? WHY_OWED : WHY_PENDING;
	}
	return WHY_ARGS;
}

/* Syscall nr's slot in the counts, taken on first use; -1 if they are
 * all taken.  Its index is kept by number (1 + slot), so that a deferred
 * call finds it at once. */
static int slot(long nr)
{
	static unsigned char slot_of[BC_NR_MAX];
	struct bc_why_counts *w = &E.n.why;
	int i = __atomic_load_n(&slot_of[nr], __ATOMIC_RELAXED) - 1;

	if (i >= 0 && __atomic_load_n(&w->s[i].nr, __ATOMIC_RELAXED) == nr)
		return i;
	for (i = 0; i < BC_WHY_SLOTS; i++) {
		uint16_t s = __atomic_load_n(&w->s[i].nr, __ATOMIC_RELAXED);
		if (s == nr)
			break;
		if (!s) {
			uint16_t zero = 0;
			if (__atomic_compare_exchange_n(&w->s[i].nr, &zero, (uint16_t)nr, 0,
							__ATOMIC_RELAXED, __ATOMIC_RELAXED) ||
			    zero == nr)
				break;
		}
	}
	if (i == BC_WHY_SLOTS)
		return -1;
	__atomic_store_n(&slot_of[nr], i + 1, __ATOMIC_RELAXED);
	return i;
}

hidden void __bc_why_note(long nr, struct bc_class c, const long a[6], int done,
			  unsigned backoff, int locked)
{
	struct bc_why_counts *w = &E.n.why;
	uint64_t *n;
	int i;

	if (nr <= 0 || nr >= BC_NR_MAX || (i = slot(nr)) < 0)
		return;
	n = done ? &w->s[i].deferred : &w->s[i].why[why(nr, c, a, backoff)];
	if (locked)
		++*n;
	else
		__atomic_fetch_add(n, 1, __ATOMIC_RELAXED);
}

hidden uint64_t *__bc_why_counter(long nr)
{
	static uint64_t uncounted;
	int i = slot(nr);

	return i >= 0 ? &E.n.why.s[i].deferred : &uncounted;
}

hidden void __bc_why_report(void)
{
	const struct bc_why_counts *w = &E.n.why;
	int first = 1;

	__bc_put(",\"deferred_by_syscall\":{");
	for (int i = 0; i < BC_WHY_SLOTS && w->s[i].nr; i++) {
		if (!w->s[i].deferred)
			continue;
		__bc_put(first ? "\"" : ",\"");
		__bc_sys_put(w->s[i].nr);
		__bc_put("\":");
		__bc_put_num(w->s[i].deferred);
		first = 0;
	}
	__bc_put("},\"not_deferred\":{");
	first = 1;
	for (int i = 0; i < BC_WHY_SLOTS && w->s[i].nr; i++) {
		int inner = 1;
		for (int r = 0; r < WHY_N; r++) {
			if (!w->s[i].why[r])
				continue;
			if (inner) {
				__bc_put(first ? "\"" : ",\"");
				__bc_sys_put(w->s[i].nr);
				__bc_put("\":{");
				first = inner = 0;
			} else {
				__bc_put(",");
			}
			__bc_put("\"");
			__bc_put(why_name[r]);
			__bc_put("\":");
			__bc_put_num(w->s[i].why[r]);
		}
		if (!inner)
			__bc_put("}");
	}
	__bc_put("}");
}
