/* Per-thread pages and call counts, and the BC_STATS report. */
#ifndef BC_STATS_H
#define BC_STATS_H

#include <stdint.h>

#include "bc.h"
#include "hidden.h"

/* For what every process writes at start: kept in .data, on the page the
 * loader has dirtied anyway (it zeroes the rest of it for .bss), so that
 * a process that defers nothing touches no page more. */
#define start_data __attribute__((__section__(".data.bc_start")))

struct bc_thread {
	struct bc_page page;       /* this thread's bc page */
	uint32_t calls[BC_NR_LIMIT]; /* calls seen, by number */
	uint32_t other;            /* calls seen with a higher number */
	int idle;                  /* its thread exited: free for the next one */
	struct bc_thread *next;    /* every thread's, for the report */
};

/* The calling thread's, or NULL before its first call. */
extern hidden __thread struct bc_thread *__bc_self;
/* Every thread's while nothing is reported and no page is needed (the
 * deferral engine without BC_STATS): nothing is mapped, nothing counted. */
extern hidden struct bc_thread __bc_sink;

/* Make the calling thread's page and counters; NULL if no memory. */
hidden struct bc_thread *__bc_thread_new(void);

/* This thread's page and counters, made on first use; NULL if no memory. */
static inline struct bc_thread *__bc_thread(void)
{
	struct bc_thread *t = __bc_self;
	return t ? t : __bc_thread_new();
}
/* The calling thread made its last call: its page goes to the next thread. */
hidden void __bc_thread_exit(void);
/* Count a call about to be issued by thread t.  Only the owning thread
 * writes its counters, the report reads them: relaxed, without a lock. */
static inline void __bc_count(struct bc_thread *t, long nr)
{
	uint32_t *c = (unsigned long)nr < BC_NR_LIMIT ? &t->calls[nr] : &t->other;

	if (t != &__bc_sink)
		__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}
/* Remember the mode and read BC_STATS; call once before arming.  sink:
 * threads need no page of their own, so that without a report none is
 * mapped (__bc_sink).  Returns whether a report is wanted. */
hidden int __bc_stats_start(const char *mode, int sink);
/* The pid the counters belong to, once known (0: the caller's process,
 * its pid not asked yet; a report is then written only from a caller
 * that knows it is that process). */
hidden void __bc_stats_own(long pid);
/* Append this process's report to the BC_STATS file, if one is named, it
 * is not out yet, and the caller is the counters' owner (not a vfork
 * child); count final_nr first if it is not -1.  Safe from a signal
 * handler that interrupted a call. */
hidden void __bc_stats_report(long final_nr);
/* The engine's fields of the report, written after "calls" (total: the
 * calls counted), with __bc_put and __bc_put_num; NULL for none. */
extern hidden void (*__bc_stats_extra)(uint64_t total);
/* Append text, or a decimal number, to the report being written. */
hidden void __bc_put(const char *s);
hidden void __bc_put_num(uint64_t v);
/* Append s to the report as the inside of a JSON string, escaped. */
hidden void __bc_put_str(const char *s);
/* Write a syscall's name into the report ("nr_N" if it has none). */
hidden void __bc_sys_put(unsigned nr);
/* Start counting from zero, after a report before a failed exec, or in a
 * fork child, the counters' new owner (pid), where only the calling
 * thread goes on (only_this_thread). */
hidden void __bc_stats_forget(int only_this_thread, long pid);
/* Whether a report is wanted (BC_STATS named a usable file). */
hidden int __bc_stats_wanted(void);

#endif
