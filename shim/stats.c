/* Per-thread pages and counters, and the BC_STATS report: one JSON object
 * per line, appended by every armed process that exits or execs, so that
 * fork children and exec'd programs never overwrite each other. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "env.h"
#include "raw.h"
#include "stats.h"
#include "sysnames.h"

static struct bc_thread *threads start_data;
hidden __thread struct bc_thread *__bc_self;
static const char *mode start_data, *report_path;
static int reported start_data; /* this process's report is out (once) */
static long owner start_data; /* the pid the counters belong to: a vfork child
			  shares this memory and must not report (0: not
			  asked yet, see __bc_stats_own) */
static int sink_ok start_data; /* threads may share __bc_sink */
hidden struct bc_thread __bc_sink;

/* A new thread takes over an exited thread's page and counters: the
 * counts stay in the report's sum, and memory stays bounded by the most
 * threads alive at once. */
static struct bc_thread *reuse(void)
{
	for (struct bc_thread *t = __atomic_load_n(&threads, __ATOMIC_ACQUIRE); t; t = t->next) {
		int idle = 1;
		if (__atomic_load_n(&t->idle, __ATOMIC_RELAXED) &&
		    __atomic_compare_exchange_n(&t->idle, &idle, 0, 0, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return t;
	}
	return NULL;
}

hidden struct bc_thread *__bc_thread_new(void)
{
	struct bc_thread *t;
	long m;

	if (sink_ok && !report_path)
		return __bc_self = &__bc_sink;
	if ((t = reuse()))
		return __bc_self = t;
	m = __bc_raw6(SYS_mmap, 0, sizeof *t, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if ((unsigned long)m > -4096UL)
		return NULL;
	t = (struct bc_thread *)m;
	t->page.magic = BC_MAGIC;    /* fresh mappings are zero: an empty page */
	t->page.version = BC_VERSION;
	t->next = __atomic_load_n(&threads, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&threads, &t->next, t, 1, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED))
		;
	return __bc_self = t;
}

hidden void __bc_thread_exit(void)
{
	struct bc_thread *t = __bc_self;

	__bc_self = NULL;
	if (t && t != &__bc_sink)
		__atomic_store_n(&t->idle, 1, __ATOMIC_RELEASE);
}

hidden void (*__bc_stats_extra)(uint64_t total) start_data;

/* No report after all, and why: once, for the whole process (a fork
 * child inherits the silence). */
static void refuse(const char *why)
{
	__bc_say_parts((const char *const[]){ "BC_STATS=", report_path, ": ", why, "; no report", 0 });
	report_path = NULL;
}

/* The same at the report: what this process found, whatever its parent did. */
static void refuse_late(const char *why)
{
	__bc_say_always((const char *const[]){ "BC_STATS=", report_path, ": ", why, "; no report", 0 });
	report_path = NULL;
}

/* Path p does not exist: can its directory take it? */
static const char *uncreatable(const char *p)
{
	static char dir[4096];
	size_t n = 0, slash = 0;
	long r;

	for (; p[n]; n++)
		if (p[n] == '/')
			slash = n + 1;
	if (slash >= sizeof dir)
		return NULL;    /* the open will tell */
	__builtin_memcpy(dir, slash ? p : ".", slash ? slash : 2);
	dir[slash ? slash : 1] = 0;
	r = __bc_raw6(SYS_faccessat, AT_FDCWD, (long)dir, W_OK | X_OK, 0, 0, 0);
	if (r == -ENOENT || r == -ENOTDIR)
		return "no such directory";
	return r < 0 ? "cannot be created" : NULL;
}

/* Why the report could not go to p, found at start, while stderr is
 * still the caller's (programs close it before they exit); NULL if
 * nothing yet. */
static const char *unfit(const char *p)
{
	struct stat st;
	long r = __bc_raw6(SYS_newfstatat, AT_FDCWD, (long)p, (long)&st, AT_SYMLINK_NOFOLLOW, 0, 0);

	if (r == -ENOENT)
		return uncreatable(p);
	if (r < 0)
		return "cannot be reached";
	if (S_ISLNK(st.st_mode))
		return "a symbolic link";
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if (__bc_raw6(SYS_faccessat, AT_FDCWD, (long)p, W_OK, 0, 0, 0) < 0)
		return "cannot be written";
	return NULL;
}

hidden int __bc_stats_start(const char *m, int sink)
{
	const char *why, *p = __bc_env("BC_STATS");

	mode = m;
	sink_ok = sink;
	if (p && *p && (why = unfit(report_path = p)))
		refuse(why);
	/* Without a report the pid is asked only when something needs it. */
	if (report_path || !sink)
		owner = __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
	return report_path != NULL;
}

hidden void __bc_stats_own(long pid)
{
	owner = pid;
}

hidden int __bc_stats_wanted(void)
{
	return report_path != NULL;
}

hidden void __bc_sys_put(unsigned nr)
{
	if (nr < sizeof bc_sysname_at / sizeof *bc_sysname_at && bc_sysname_at[nr]) {
		__bc_put(bc_sysname_text + bc_sysname_at[nr] - 1);
	} else {
		__bc_put("nr_");
		__bc_put_num(nr);
	}
}

hidden void __bc_stats_forget(int only_this_thread, long pid)
{
	__atomic_store_n(&reported, 0, __ATOMIC_RELEASE);
	if (only_this_thread) {
		owner = pid;
		struct bc_thread *t = __bc_self;
		if (t == &__bc_sink)
			t = NULL;
		if (t)
			t->next = NULL;
		__atomic_store_n(&threads, t, __ATOMIC_RELEASE);
	}
	/* Nothing counted without a report (a fork child that execs at
	 * once writes none of its parent's pages). */
	if (!report_path)
		return;
	for (struct bc_thread *t = __atomic_load_n(&threads, __ATOMIC_ACQUIRE); t; t = t->next) {
		for (unsigned i = 0; i < BC_NR_LIMIT; i++)
			__atomic_store_n(&t->calls[i], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&t->other, 0, __ATOMIC_RELAXED);
	}
}

/* The report being written: only the one writer that won `reported`. */
static struct {
	char buf[32768];
	size_t len;
} o;

hidden void __bc_put(const char *s)
{
	while (*s && o.len < sizeof o.buf)
		o.buf[o.len++] = *s++;
}

hidden void __bc_put_str(const char *s)
{
	static const char hex[] = "0123456789abcdef";

	for (; *s; s++) {
		unsigned char c = *s;
		char esc[7] = { '\\', (char)c, 0 };
		if (c < 0x20)
			__builtin_memcpy(esc, (char[]){ '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 }, 7);
		else if (c != '"' && c != '\\')
			esc[0] = c, esc[1] = 0;
		__bc_put(esc);
	}
}

hidden void __bc_put_num(uint64_t v)
{
	char tmp[24], *p = tmp + sizeof tmp;

	*--p = 0;
	do
		*--p = '0' + v % 10;
	while (v /= 10);
	__bc_put(p);
}

/* The report's file, or -1 (refused).  Not through a symbolic link (one
 * planted where the file was to be), never blocking (a FIFO), and only a
 * regular file: what start found may have changed since. */
static int open_report(void)
{
	struct stat st;
	long fd = __bc_raw6(SYS_open, (long)report_path,
			    O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
			    O_NOCTTY, 0644, 0, 0, 0);

	if (fd < 0) {
		refuse_late(fd == -ELOOP ? "a symbolic link" :
			    fd == -ENXIO || fd == -EISDIR ? "not a regular file" : "cannot be written");
		return -1;
	}
	if (__bc_raw6(SYS_fstat, fd, (long)&st, 0, 0, 0, 0) < 0 || !S_ISREG(st.st_mode)) {
		__bc_raw6(SYS_close, fd, 0, 0, 0, 0, 0);
		refuse_late("not a regular file");
		return -1;
	}
	return fd;
}

hidden void __bc_stats_report(long final_nr)
{
	uint64_t total = 0, sum[BC_NR_LIMIT + 1] = { 0 };
	int first = 1, fd;

	long pid = __bc_raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);

	struct bc_thread *self;

	if (!report_path || (owner && pid != owner) ||
	    __atomic_exchange_n(&reported, 1, __ATOMIC_ACQ_REL))
		return;
	if (final_nr >= 0 && (self = __bc_thread()))
		__bc_count(self, final_nr);
	for (struct bc_thread *t = __atomic_load_n(&threads, __ATOMIC_ACQUIRE); t; t = t->next) {
		for (unsigned i = 0; i < BC_NR_LIMIT; i++)
			sum[i] += __atomic_load_n(&t->calls[i], __ATOMIC_RELAXED);
		sum[BC_NR_LIMIT] += __atomic_load_n(&t->other, __ATOMIC_RELAXED);
	}
	for (unsigned i = 0; i <= BC_NR_LIMIT; i++)
		total += sum[i];
	o.len = 0;
	__bc_put("{\"pid\":");
	__bc_put_num(pid);
	__bc_put(",\"mode\":\"");
	__bc_put(mode);
	__bc_put("\",\"calls\":{\"total\":");
	__bc_put_num(total);
	__bc_put(",\"by_syscall\":{");
	for (unsigned i = 0; i <= BC_NR_LIMIT; i++) {
		if (!sum[i])
			continue;
		__bc_put(first ? "\"" : ",\"");
		if (i == BC_NR_LIMIT)
			__bc_put("other");
		else
			__bc_sys_put(i);
		__bc_put("\":");
		__bc_put_num(sum[i]);
		first = 0;
	}
	__bc_put("}}");
	if (__bc_stats_extra)
		__bc_stats_extra(total);
	__bc_put("}\n");
	if ((fd = open_report()) < 0)
		return;
	__bc_raw6(SYS_write, fd, (long)o.buf, o.len, 0, 0, 0);
	__bc_raw6(SYS_close, fd, 0, 0, 0, 0, 0);
}
