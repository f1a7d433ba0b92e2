/* Per-thread pages and call counts, and the BC_STATS report. */
#ifndef BC_STATS_H
#define BC_STATS_H

#include <stdint.h>

#include "bc.h"

#define hidden __attribute__((__visibility__("hidden")))

/* Syscall numbers counted by name; others count as "other". */
#define BC_NSYS 512

struct bc_thread {
	struct bc_page page;       /* this thread's bc page */
	uint32_t calls[BC_NSYS];   /* calls seen, by number */
	uint32_t other;            /* calls seen with a number >= BC_NSYS */
	struct bc_thread *next;    /* every thread's, for the report */
};

/* This thread's page and counters, made on first use; NULL if no memory. */
hidden struct bc_thread *__bc_thread(void);
/* Count a call about to be issued by thread t. */
hidden void __bc_count(struct bc_thread *t, long nr);
/* Remember the mode and read BC_STATS; call once before arming. */
hidden void __bc_stats_start(const char *mode);
/* Append this process's report to the BC_STATS file, if one is named. */
hidden void __bc_stats_report(void);
/* Start counting from zero, after a report before a failed exec, or in a
 * fork child, where only the calling thread goes on (only_this_thread). */
hidden void __bc_stats_forget(int only_this_thread);

#endif
