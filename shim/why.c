/* Per deferrable syscall: its calls deferred, and those not by the reason
 * the decision that refused them gave (decide.h), for the report. */
#include "state.h"
#include "stats.h"
#include "why.h"

#define E __bc_e

static const char *const why_name[WHY_N] = {
	[WHY_NO_DELAY] = "no_delay", [WHY_FDS_UNSEEN] = "fds_unseen",
	[WHY_NO_GAIN] = "no_gain",
	[WHY_EXEC] = "exec", [WHY_SHARED] = "shared_memory", [WHY_SECCOMP] = "seccomp",
	[WHY_TABLES] = "fd_tables",
	[WHY_BACKOFF] = "backoff", [WHY_HIGH_FD] = "high_fd", [WHY_FIRST_USE] = "fd_unknown",
	[WHY_OWED] = "error_owed", [WHY_CLOSING] = "closing", [WHY_TTY] = "terminal",
	[WHY_KIND] = "file_kind", [WHY_THREADS] = "threads", [WHY_MAPPED] = "mapped",
	[WHY_OPEN_MODE] = "open_mode", [WHY_SIGPIPE] = "sigpipe", [WHY_FSIZE] = "fsize_limit",
	[WHY_SIZE] = "size", [WHY_PENDING] = "calls_pending", [WHY_IDENTITY] = "identity",
	[WHY_ARGS] = "arguments",
};

/* Syscall nr's slot in the counts, taken on first use; -1 if they are
 * all taken.  Its index is kept by number (1 + slot), so that a deferred
 * call finds it at once. */
static int slot(long nr)
{
	static unsigned char slot_of[BC_NR_LIMIT];
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

hidden void __bc_why_note(long nr, int why, int locked)
{
	struct bc_why_counts *w = &E.n.why;
	uint64_t *n;
	int i;

	if (nr <= 0 || nr >= BC_NR_LIMIT || (i = slot(nr)) < 0)
		return;
	n = why >= WHY_N ? &w->s[i].deferred : &w->s[i].why[why];
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
