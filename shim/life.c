/* The engine's life: its settings from the environment, its start, its
 * end (exit, exec, unload), a fork child's fresh start, and its part of
 * the BC_STATS report.  A process that defers nothing pays for none of
 * it: the start reads the environment only, and everything deferral
 * needs waits for __bc_arm (arm.c). */
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>

#include "env.h"
#include "executor.h"
#include "flush.h"
#include "life.h"
#include "profile.h"
#include "queue.h"
#include "raw.h"
#include "rewrite.h"
#include "state.h"
#include "stats.h"
#include "sud.h"
#include "timer.h"

/* glibc's sites (rewrite.c; not in a musl build). */
hidden void __bc_rewrite_put(void) __attribute__((__weak__));

#define E __bc_e

static const char *way start_data;
static int reporting start_data; /* BC_STATS names a usable file */

/* A decimal setting from lo to hi, or the default with a message. */
static long setting(const char *name, long lo, long hi, long dflt, const char *range)
{
	const char *v = __bc_env(name), *s = v;
	long n = 0;

	if (!v)
		return dflt;
	while (*s >= '0' && *s <= '9' && n <= hi)
		n = n * 10 + (*s++ - '0');
	if (s != v && !*s && n >= lo && n <= hi)
		return n;
	__bc_say_parts((const char *const[]){ name, "=", v, ": not a number ", range,
					      "; using the default", 0 });
	return dflt;
}

static void settings(void)
{
	const char *v = __bc_env("BC_ON_MISPREDICT"), *d = __bc_env("BC_DISABLE");

	E.cfg.max_delay_us = setting("BC_MAX_DELAY_US", 0, 10000000, 1000,
				     "from 0 to 10000000 (microseconds)");
	E.cfg.max_bytes = setting("BC_MAX_BYTES", 0, 16777216, 65536,
				  "from 0 to 16777216 (bytes)");
	E.cfg.single_max = E.cfg.max_bytes < BC_SINGLE_MAX ? E.cfg.max_bytes : BC_SINGLE_MAX;
	if (v && !__builtin_strcmp(v, "abort"))
		E.cfg.abort = 1;
	else if (v && __builtin_strcmp(v, "report"))
		__bc_say("BC_ON_MISPREDICT: not \"report\" or \"abort\"; using report");
	if (d && __builtin_strcmp(d, "0") && __builtin_strcmp(d, "1"))
		__bc_say("BC_DISABLE: not 0 or 1; bcshim stays enabled");
}

static const char *const reason_name[FL_NREASONS] = {
	[FL_DEP] = "dependency", [FL_FULL] = "queue_full", [FL_BYTES] = "bytes",
	[FL_TIME] = "time", [FL_EXIT] = "exit", [FL_EXEC] = "exec", [FL_FORK] = "fork",
	[FL_SIGNAL] = "signal", [FL_LIBC] = "libc_function", [FL_UNLOAD] = "unload",
	[FL_CLOSES] = "closes", [FL_UNSEEN] = "unseen",
};

/* One number of the report: ,"name":v */
static void field(const char *name, uint64_t v)
{
	__bc_put(",\"");
	__bc_put(name);
	__bc_put("\":");
	__bc_put_num(v);
}

/* The engine's fields of the report; total: the calls it saw. */
static void report(uint64_t total)
{
	/* Counted as their batch goes: the queue's too, if any is left. */
	uint64_t flushes = 0, deferred = E.n.deferred + E.ncalls;
	int first = 1;

	/* Never armed: the profile the process would have used. */
	__bc_profile_later();
	for (int i = 0; i < FL_NREASONS; i++)
		flushes += E.n.flushes[i];
	field("deferred", deferred);
	field("kernel_entries", total - deferred - E.n.answered + E.n.issued + E.n.probes);
	field("native_entries", total);
	field("issued_by_flushes", E.n.issued);
	field("answered", E.n.answered);
	field("probes", E.n.probes);
	field("mispredictions", E.n.mispredictions);
	__bc_why_report();
	__bc_put(",\"flushes\":{\"total\":");
	__bc_put_num(flushes);
	__bc_put(",\"reasons\":{");
	for (int i = 0; i < FL_NREASONS; i++) {
		__bc_put(i ? ",\"" : "\"");
		__bc_put(reason_name[i]);
		__bc_put("\":");
		__bc_put_num(E.n.flushes[i]);
	}
	__bc_put("},\"by_syscall\":{");
	for (int nr = 0; nr <= BC_NR_LIMIT; nr++) {
		if (!E.n.flush_by[nr])
			continue;
		__bc_put(first ? "\"" : ",\"");
		if (nr < BC_NR_LIMIT) {
			__bc_sys_put(nr);
		} else {
			__bc_put("other");
		}
		__bc_put("\":");
		__bc_put_num(E.n.flush_by[nr]);
		first = 0;
	}
	__bc_put("}},\"timer_wakeups\":");
	__bc_put_num(E.n.timer_wakeups);
	field("backoffs", E.n.backoffs);
	field("async_batches", E.n.async_batches);
	field("uring_enters", E.n.uring_enters);
	field("inflight_waits", E.n.inflight_waits);
	field("unseen", E.n.unseen);
	field("shared_memory", !!(E.off & BC_OFF_SHARED));
	field("seccomp", !!(E.off & BC_OFF_SECCOMP));
	field("fd_tables", !!(E.off & BC_OFF_TABLES));
	__bc_put(",\"config\":{\"way\":\"");
	__bc_put(way);
	__bc_put("\",\"level\":\"");
	__bc_put(E.cfg.relaxed ? "relaxed" : "strict");
	__bc_put("\",\"executor\":\"");
	__bc_put(E.cfg.forced >= 0 ? __bc_executor_name(E.cfg.forced) :
		 E.cfg.profile ? "profile" : "direct");
	__bc_put("\",\"profile\":");
	if (E.cfg.profile) {
		__bc_put("\"");
		__bc_put_str(E.cfg.profile);
		__bc_put("\"");
	} else {
		__bc_put("null");
	}
	__bc_put(",\"classes\":{");
	for (int c = PRED_WRITE; c <= PRED_CLOSE; c++) {
		__bc_put(c == PRED_WRITE ? "\"" : ",\"");
		__bc_put(__bc_class_name(c));
		__bc_put("\":\"");
		__bc_put(__bc_executor_name(E.cfg.exec[c]));
		__bc_put("\"");
	}
	__bc_put("},\"uring\":\"");
	__bc_put(__bc_uring_state());
	__bc_put("\",\"net\":\"");
	__bc_put(__bc_sud_state());
	__bc_put("\",\"max_delay_us\":");
	__bc_put_num(E.cfg.max_delay_us);
	field("max_bytes", E.cfg.max_bytes);
	__bc_put(",\"on_mispredict\":\"");
	__bc_put(E.cfg.abort ? "abort" : "report");
	__bc_put("\"");
	if (__bc_rewrite_put)
		__bc_rewrite_put();
	__bc_put("}");
}

hidden void __bc_engine_start(int close_ok, const char *how)
{
	settings();
	__bc_profile_start();
	E.cfg.close_ok = close_ok;
	/* Where every fd allocation is seen, every call is (musl). */
	E.cfg.sud = !close_ok && __bc_sud_wanted();
	E.fdgen = 1;
	E.obs_gen = 1;
	E.ok_nr = -1;
	E.euid = -1;
	E.sigpipe_kills = E.fsize_limited = -1;
	E.arena_size = E.cfg.max_bytes + BC_SINGLE_MAX + 4096;
	way = how;
	if ((reporting = __bc_stats_start("batch", 1)))
		E.owner = __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
	E.quiet = !reporting;
	__bc_stats_extra = report;
	__atomic_store_n(&__bc_on, 1, __ATOMIC_RELEASE);
}

hidden long __bc_owner_pid(void)
{
	if (!E.owner) {
		E.owner = __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
		__bc_stats_own(E.owner);
	}
	return E.owner;
}

hidden int __bc_owner(int bypassed)
{
	/* A child sharing the memory is marked before it can exist (vfork,
	 * clone), or bypasses the musl entry; its pid tells.  The owner's pid
	 * is known by then wherever the owner may ask this way: unknown, it
	 * was never needed, and the caller is not the owner. */
	if (bypassed || __bc_tls.vforked || __atomic_load_n(&E.vm_child, __ATOMIC_RELAXED))
		return E.owner && __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0) == E.owner;
	return 1;
}

hidden void __bc_engine_end(int reason, long nr, int final, int bypassed)
{
	if (!__atomic_load_n(&__bc_on, __ATOMIC_ACQUIRE))
		return;
	/* Never armed: nothing was queued, nothing is held; the end only
	 * stops deferral, and not for a vfork child's exit (below). */
	if (!E.armed && !reporting) {
		if (final && __bc_owner(bypassed))
			__atomic_store_n(&__bc_on, 0, __ATOMIC_RELEASE);
		return;
	}
	/* A vfork child's exit or exec shares the parent's memory but not
	 * its queue's fds: it is not the parent's end. */
	if (!__bc_owner(bypassed))
		return;
	/* Interrupting the engine itself (a handler that exits): the queue
	 * is mid-change and cannot be run. */
	/* The end waits for a flush under way, as the program would have
	 * waited at the blocked call; only a handler (of a signal that
	 * arrived meanwhile) must not be held up by it. */
	if (!__bc_tls.depth && (__bc_tls.in_handler ? __bc_lock_briefly(__bc_tls.lane) : (__bc_lock(), 1))) {
		__bc_tls.depth++;
		if (__bc_tls.in_handler)
			__bc_settle(reason, -1, 1);
		else
			__bc_settle(reason, nr, 0);
		if (final)
			__atomic_store_n(&__bc_on, 0, __ATOMIC_RELEASE);
		else
			E.hold = 1;
		__bc_unverdict();
		__bc_unlock();
		__bc_leave();
	}
	__bc_stats_report(-1);
}

hidden void __bc_engine_settle(int reason)
{
	if (!__bc_on || __bc_tls.depth || !__atomic_load_n(&E.busy, __ATOMIC_ACQUIRE))
		return;
	/* A vfork child: the queue is its parent's, for the parent's fds. */
	if (!__bc_owner(0))
		return;
	__bc_tls.depth++;
	__bc_lock();
	__bc_settle(reason, -1, 0);
	__bc_unlock();
	__bc_leave();
}

hidden void __bc_engine_unseen(long nr)
{
	if (nr >= 0)
		__bc_seen(nr);
	if (__bc_tls.depth)
		return;
	__bc_tls.depth++;
	__bc_lock();
	E.n.unseen++;
	__bc_settle(FL_UNSEEN, nr, 0);
	/* What it did is unknown: the next deferral learns afresh what an
	 * unseen call may change (fds, credentials, a filter, and the maps
	 * if it could map memory). */
	__bc_fds_new();
	E.euid = -1;
	if (nr < 0 || nr == SYS_mmap || nr == SYS_mremap || nr == SYS_mprotect ||
	    nr == SYS_shmat || nr == SYS_remap_file_pages || nr == SYS_io_uring_setup ||
	    nr == SYS_clone || nr == SYS_clone3 || nr == SYS_fork || nr == SYS_vfork)
		E.maps_unknown = 1;
	E.filter_unknown = 1;
	__bc_unlock();
	__bc_leave();
}

hidden void __bc_engine_threaded(void)
{
	if (!__bc_on || E.threaded)
		return;
	__bc_tls.depth++;
	__bc_lock();
	__bc_settle(FL_DEP, SYS_clone, 0);
	E.threaded = 1;
	__bc_lane_close();
	__bc_timer_share(0);
	__bc_unverdict();
	__bc_unlock();
	__bc_leave();
}

hidden void __bc_threads_retire(void)
{
	/* Under the lock: no batch may go to a thread being retired. */
	__bc_timer_retire();
	__bc_executor_retire();
}

hidden void __bc_engine_clones(long flags)
{
	if ((flags & CLONE_FILES) ? !(flags & CLONE_VM) : (flags & CLONE_THREAD) != 0)
		__bc_off(BC_OFF_TABLES);
}

hidden void __bc_creds_changed(void)
{
	E.euid = -1;
	__bc_threads_retire();
}

hidden void __bc_engine_forget_fds(int creds)
{
	__bc_tls.depth++;
	__bc_lock();
	__bc_fds_new();
	for (int fd = 0; fd < BC_FD_MAX; fd++)
		E.fd[fd].err = 0;
	if (creds)
		__bc_creds_changed();
	__bc_unlock();
	__bc_leave();
}

hidden void __bc_engine_limits(void)
{
	/* A vfork child's limits are its own: the parent's timer goes on. */
	if (!__bc_owner(0))
		return;
	__bc_tls.depth++;
	__bc_lock();
	__bc_timer_share(1);
	__bc_unlock();
	__bc_leave();
}

hidden struct bc_thread *__bc_thread_first(void)
{
	if (__atomic_add_fetch(&E.nthreads, 1, __ATOMIC_RELAXED) > 1) {
		__atomic_store_n(&E.threaded, 1, __ATOMIC_RELEASE);
		__bc_unverdict();
		/* A thread the engine did not see start: the lane closes,
		 * by the next taker of the word (this call must not wait
		 * for it: the holder may be blocked on a pipe it drains). */
		__bc_lane_close_soon();
	}
	return __bc_thread_new();
}

/* Per thread: this thread holds the lock for a __synccall. */
static __thread int in_synccall;
hidden int __bc_synccall;

hidden void __bc_engine_synccall(int begin)
{
	if (begin) {
		/* From a handler that interrupted the engine: its calls are
		 * raw already, and the lock may be this thread's. */
		if (!__bc_on || __bc_aside())
			return;
		__bc_tls.depth++;
		__bc_lock();
		__bc_settle(FL_LIBC, -1, 0);
		in_synccall = 1;
		/* The stopped threads make calls (the synccall's own) that
		 * must not wait for the lock: nothing is pending to order. */
		__atomic_store_n(&__bc_synccall, 1, __ATOMIC_SEQ_CST);
	} else if (in_synccall) {
		in_synccall = 0;
		__bc_fds_new();
		__atomic_store_n(&__bc_synccall, 0, __ATOMIC_SEQ_CST);
		__bc_creds_changed();
		/* musl's setrlimit is one: the fd limit may have changed. */
		__bc_timer_share(1);
		__bc_unlock();
		__bc_leave();
	}
}

/* Kept to what the child must have: one that execs at once writes (so
 * copies) as few of the parent's pages as it can. */
hidden void __bc_engine_child(void)
{
	int locked = __bc_lock_child(&__bc_tls.lane);

	if (E.armed) {
		__bc_batches_child(locked);
		__bc_timer_forget();
	}
	if (E.npend) {
		__bc_queue_drop();
		__bc_busy_update();
	}
	E.hold = 0;
	E.threaded = 0;
	E.nthreads = 1;
	E.vm_child = 0;
	if (E.any_owed)
		for (int fd = 0; fd < BC_FD_MAX; fd++)
			E.fd[fd].err = 0;
	E.any_owed = 0;
	E.backoff = E.backoff_len = 0;
	E.win_flushes = E.win_deferred = E.win_saved = 0;
	E.win_tries = E.win_merged = 0;
	__atomic_store_n(&__bc_idle, 0, __ATOMIC_RELAXED);
	__bc_fds_new();
	/* Its own pid at once: the parent's handlers, inherited, ask whose
	 * the records are. */
	E.owner = __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
	if (reporting)
		__builtin_memset(&E.n, 0, sizeof E.n);
	__bc_stats_forget(1, E.owner);
}
