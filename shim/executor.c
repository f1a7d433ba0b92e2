/* The executors.  The direct one runs a batch page by page with
 * bc_exec on the flushing thread; the ring's runs each page's calls as
 * one chain of SQEs; the executor thread is a raw thread (no libc, all
 * signals blocked, no TLS of its own) that runs the batches handed to
 * it, in order, on the second core while the program goes on.  It never
 * takes the engine's lock, so a thread holding it may wait for it.  Like
 * the timer thread it does not follow credential changes: it is retired
 * at each one and a new one starts with the next batch. */
/* From linux/futex.h, which musl builds cannot include. */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>

#include "env.h"
#include "executor.h"
#include "internal.h"
#include "raw.h"
#include "state.h"
#include "thread.h"
#include "uring.h"

#define E __bc_e
#define PAGE_CALLS (BC_NREGS / BC_WIN_SIZE)

static unsigned char opcode[BC_NR_LIMIT];

static unsigned char uring_use[BC_NR_LIMIT]; /* by merged call's nr */
static struct bc_uring ring;  /* used under the lock only */
/* How a call whose failure kills natively dies (__bc_executor_arm). */
static void (*die)(int sig, int report);

static void die_abort(void)
{
	long dfl[4] = { 0 };
	unsigned long set = 1UL << (SIGABRT - 1);

	__bc_raw6(SYS_rt_sigaction, SIGABRT, (long)dfl, 0, 8, 0, 0);
	__bc_raw6(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&set, 0, 8, 0, 0);
	__bc_raw6(SYS_kill, __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0), SIGABRT, 0, 0, 0, 0);
}

/* A deferred call's real result differed from the one the program got:
 * noted in the op, applied when the batch is reaped.  A call whose
 * failure kills natively (its EPIPE came with SIGPIPE) kills here, before
 * any later call is issued; helper: on a raw thread of the engine. */
static void missed(struct flush_op *o, long err, int helper)
{
	if (o->sig == SIGPIPE && err == -EPIPE)
		die(SIGPIPE, !helper);
	o->nmiss++;
	o->err = err;
	if (E.cfg.abort) {
		__bc_say("misprediction: a deferred call failed after it was reported done (BC_ON_MISPREDICT=abort)");
		die_abort();
	}
}

/* A merged write came back short: issue the rest as the program's later
 * calls would have been, until done or an error.  Interrupted by a
 * handler before it wrote anything (a full pipe, no SA_RESTART), it is
 * issued again: natively the signal could as well have come later. */
static void finish_write(struct bc_batch *b, struct flush_op *o, long r, int helper)
{
	long done = r > 0 ? r : 0;

	while ((r > 0 || r == -EINTR) && done < o->a[2]) {
		b->issued++;
		if (o->nr == SYS_pwrite64)
			r = __bc_raw6(SYS_pwrite64, o->a[0], o->a[1] + done, o->a[2] - done,
				      o->a[3] + done, 0, 0);
		else
			r = __bc_raw6(SYS_write, o->a[0], o->a[1] + done, o->a[2] - done,
				      0, 0, 0);
		if (r > 0)
			done += r;
	}
	if (done < o->a[2])
		missed(o, r < 0 ? r : -EIO, helper);
}

static void check(struct bc_batch *b, struct flush_op *o, long r, int helper)
{
	if (r == o->want)
		return;
	switch (o->nr) {
	case SYS_write:
	case SYS_pwrite64:
		finish_write(b, o, r, helper);
		return;
	case SYS_sendmmsg:
		/* The messages not sent go one by one, for their error. */
		for (unsigned k = r > 0 ? r : 0; k < o->a[2]; k++) {
			const struct msghdr *m = &((struct mmsghdr *)o->a[1])[k].msg_hdr;
			long len = m->msg_iov->iov_len;
			b->issued++;
			r = __bc_raw6(SYS_sendto, o->a[0], (long)m->msg_iov->iov_base, len, 0,
				      (long)m->msg_name, m->msg_namelen);
			if (r != len)
				missed(o, r < 0 ? r : -EIO, helper);
		}
		return;
	}
	missed(o, r < 0 ? r : -EIO, helper);
}

/* The bc opcode of each call a flush makes, and which of them go
 * through io_uring (by their class's executor). */
static void compile_opcodes(void)
{
	static const struct { short nr; unsigned char pred; } class_of[] = {
		{ SYS_write, PRED_WRITE }, { SYS_pwrite64, PRED_PWRITE },
		{ SYS_sendto, PRED_SEND }, { SYS_sendmmsg, PRED_SEND },
		{ SYS_fchmod, PRED_META }, { SYS_fchown, PRED_META },
		{ SYS_utimensat, PRED_META }, { SYS_fadvise64, PRED_META },
		{ SYS_madvise, PRED_ADVISE }, { SYS_close, PRED_CLOSE },
		{ SYS_close_range, PRED_CLOSE },
	};

	for (unsigned op = 0; op < 256; op++)
		if (__bc_opinfo[op].name && __bc_opinfo[op].nr >= 0)
			opcode[__bc_opinfo[op].nr] = op;
	for (unsigned i = 0; i < sizeof class_of / sizeof *class_of; i++)
		uring_use[class_of[i].nr] = E.cfg.exec[class_of[i].pred] == EX_URING &&
					    __bc_uring_capable(class_of[i].nr);
	/* A write at the file position that comes back short from the ring
	 * leaves the position where it was (Linux 6.18, a write past
	 * RLIMIT_FSIZE: tests/edge fsize): its rest could not be finished.
	 * pwrites finish at explicit offsets. */
	uring_use[SYS_write] = 0;
}

/* Run ops[from..to) as one page.  Run here (bc_exec), each call is
 * followed by a jne of its result against the one the program was given
 * (its window's spare register) to the final stop: the page stops after
 * the first call that did not do what the program was told, which is
 * finished (a short write) or noted (check) before any later call is
 * issued, so that the kernel sees the program's order and a failure that
 * kills natively (SIGPIPE, SIGXFSZ: missed) kills there.  Through the
 * ring, which runs every call it is given (never one whose failure
 * kills), each is followed by a jneg to the next instruction.  Returns the
 * index after the last call issued. */
static unsigned run_page(struct bc_batch *b, unsigned from, unsigned to, int helper)
{
	struct bc_page *page = &b->page;
	uint64_t operand[3];
	unsigned ran, stop = (to - from) * (1 + 5);
	int uring = 0, fatal = 0;

	for (unsigned i = from; i < to; i++) {
		uring |= uring_use[b->ops[i].nr];
		fatal |= b->ops[i].sig;
	}
	uring = uring && !fatal && (ring.ready || (!ring.err && __bc_uring_setup(&ring) == 0));
	/* Only the code is new: the header stays valid, and every register
	 * the code reads is set below. */
	if (page->magic != BC_MAGIC)
		bc_page_init(page);
	page->code_len = 0;
	for (unsigned i = from; i < to; i++) {
		unsigned w = (i - from) * BC_WIN_SIZE;
		for (int k = 0; k < 6; k++)
			page->reg[w + 1 + k] = b->ops[i].a[k];
		page->reg[w + 7] = b->ops[i].want;
		bc_emit(page, opcode[b->ops[i].nr], NULL);
		operand[0] = w;
		if (uring) {
			operand[1] = page->code_len + 4;
			bc_emit(page, BC_OP_jneg, operand);
		} else {
			operand[1] = w + 7;
			operand[2] = stop;
			bc_emit(page, BC_OP_jne, operand);
		}
	}
	if (!uring)
		bc_emit(page, BC_OP_stop, NULL);
	/* A flush of file writes ends: a signal waits for it.  One that may
	 * wait for another party lets a handler run meanwhile (signals.c). */
	if (b->may_block)
		__bc_holder_blocks(helper, 1);
	if (uring) {
		uint64_t before = ring.enters;
		__bc_uring_exec(&ring, page, uring_use);
		E.n.uring_enters += ring.enters - before;
	} else {
		bc_exec(page, NULL);
	}
	ran = page->win / BC_WIN_SIZE;
	for (unsigned i = from; i < from + ran; i++)
		check(b, &b->ops[i], (long)page->reg[(i - from) * BC_WIN_SIZE], helper);
	if (b->may_block)
		__bc_holder_blocks(helper, -1);
	return from + ran;
}

static void run_batch(struct bc_batch *b, int helper)
{
	for (unsigned i = 0; i < b->nops; )
		i = run_page(b, i, i + PAGE_CALLS < b->nops ? i + PAGE_CALLS : b->nops, helper);
}

hidden void __bc_executor_run(struct bc_batch *b, int helper)
{
	if (!opcode[SYS_write])
		compile_opcodes();
	run_batch(b, helper);
}

hidden const char *__bc_uring_state(void)
{
	static char why[40] = "unavailable: errno ";
	char digits[12], *d = digits;
	long e = -ring.err;
	size_t at = 19;

	if (ring.ready)
		return "ok";
	if (!ring.err)
		return "unused";
	if (e == ENOSYS)
		return "unavailable: not in this kernel (ENOSYS)";
	if (e == EPERM)
		return "unavailable: disabled by sysctl or seccomp (EPERM)";
	do
		*d++ = '0' + e % 10;
	while ((e /= 10));
	while (d > digits)
		why[at++] = *--d;
	why[at] = 0;
	return why;
}

static long exec_pid;        /* the process whose executor thread runs */
static uint32_t exec_gen;    /* bumped to make the running thread end */
static uint32_t running_gen; /* the generation the running thread serves */
static struct bc_raw_thread executor;

static int retired(void)
{
	return __atomic_load_n(&exec_gen, __ATOMIC_ACQUIRE) != running_gen;
}

/* Bounded spin of the idle executor thread, in TSC cycles (~100 us). */
#define IDLE_SPIN 300000

static void executor_main(void)
{
	uint64_t idle_since = 0;

	for (;;) {
		uint32_t next = __atomic_load_n(&E.x.done, __ATOMIC_ACQUIRE) + 1;
		struct bc_batch *b = &E.batches[next % BC_NBATCH];
		uint32_t k;

		if (__atomic_load_n(&b->ready, __ATOMIC_ACQUIRE) == next) {
			run_batch(b, 1);
			__atomic_store_n(&E.x.done, next, __ATOMIC_SEQ_CST);
			if (__atomic_load_n(&E.x.waiting, __ATOMIC_SEQ_CST)) {
				__atomic_store_n(&E.x.waiting, 0, __ATOMIC_SEQ_CST);
				__bc_raw6(SYS_futex, (long)&E.x.done, FUTEX_WAKE_PRIVATE,
					  0x7fffffff, 0, 0, 0);
			}
			idle_since = 0;
			continue;
		}
		if (retired())
			return;
		if (!idle_since)
			idle_since = __builtin_ia32_rdtsc();
		if (__builtin_ia32_rdtsc() - idle_since < IDLE_SPIN) {
			__builtin_ia32_pause();
			continue;
		}
		k = __atomic_load_n(&E.x.kick, __ATOMIC_SEQ_CST);
		__atomic_store_n(&E.x.exec_asleep, 1, __ATOMIC_SEQ_CST);
		/* The next batch afresh: while this thread spun, the program
		 * may have run one itself (done moved on) and handed over the
		 * one after, seeing this thread awake (no wake-up). */
		next = __atomic_load_n(&E.x.done, __ATOMIC_SEQ_CST) + 1;
		b = &E.batches[next % BC_NBATCH];
		if (__atomic_load_n(&b->ready, __ATOMIC_SEQ_CST) != next && !retired())
			__bc_raw6(SYS_futex, (long)&E.x.kick, FUTEX_WAIT_PRIVATE, k, 0, 0, 0);
		__atomic_store_n(&E.x.exec_asleep, 0, __ATOMIC_SEQ_CST);
		idle_since = 0;
	}
}

hidden int __bc_executor_kick(void)
{
	long tid;

	if (exec_pid == E.owner)
		return 0;
	running_gen = __atomic_load_n(&exec_gen, __ATOMIC_ACQUIRE);
	tid = __bc_raw_thread(&executor, executor_main, 0);
	if (tid < 0)
		return tid;
	exec_pid = E.owner;
	return 0;
}

hidden void __bc_executor_hand(struct bc_batch *b)
{
	if (!opcode[SYS_write])
		compile_opcodes();
	__atomic_store_n(&b->ready, b->seq, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&E.x.kick, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&E.x.exec_asleep, __ATOMIC_SEQ_CST))
		__bc_raw6(SYS_futex, (long)&E.x.kick, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
}

hidden void __bc_executor_child(void)
{
	if (exec_pid) {
		exec_pid = 0;
		__bc_raw_thread_forget(&executor);
	}
	/* The ring is shared with the parent: the child sets up its own. */
	if (ring.ready) {
		__bc_uring_free(&ring);
		ring.err = 0;
	}
}

hidden void __bc_executor_retire(void)
{
	if (!exec_pid)
		return;
	/* Woken to see it must end, and waited for until it is off its
	 * stack: two must never run batches at once, and the next one
	 * reuses the stack.  It never waits for the lock the caller holds. */
	__atomic_fetch_add(&exec_gen, 1, __ATOMIC_RELEASE);
	__atomic_fetch_add(&E.x.kick, 1, __ATOMIC_SEQ_CST);
	__bc_raw6(SYS_futex, (long)&E.x.kick, FUTEX_WAKE_PRIVATE, 0x7fffffff, 0, 0, 0);
	__bc_raw_thread_join(&executor);
	exec_pid = 0;
}

hidden void __bc_executor_arm(void (*die_of)(int sig, int report))
{
	die = die_of;
}
