/* The cost model's choice: which executor runs each class of deferred
 * call.  bcshim-calibrate measures them and writes a profile; the engine
 * reads BC_PROFILE's at start, the default one (XDG) only when it arms
 * for its first deferral.  BC_EXECUTOR overrides it, BC_LEVEL chooses
 * the level.  No profile: the direct executor for every class. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "env.h"
#include "profile.h"
#include "raw.h"
#include "state.h"

#define E __bc_e

static const char *const class_names[] = {
	[PRED_WRITE] = "write", [PRED_PWRITE] = "pwrite", [PRED_SEND] = "send",
	[PRED_META] = "meta", [PRED_ADVISE] = "advise", [PRED_CLOSE] = "close",
};
static const char *const executor_names[] = {
	[EX_DIRECT] = "direct", [EX_URING] = "uring", [EX_ASYNC] = "async",
};
static char path[1024];

hidden const char *__bc_executor_name(int ex)
{
	return executor_names[ex];
}

hidden const char *__bc_class_name(int pred)
{
	return class_names[pred];
}

static size_t length(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* Index of word w[0..n) in names[lo..hi], or -1. */
static int lookup(const char *const *names, int lo, int hi, const char *w, size_t n)
{
	for (int i = lo; i <= hi; i++)
		if (!__builtin_strncmp(names[i], w, n) && !names[i][n])
			return i;
	return -1;
}

static void complain(const char *what, const char *v, const char *why)
{
	__bc_say_parts((const char *const[]){ what, ": ", v, ": ", why, 0 });
}

/* Append s to path at at; the new end, or -1 if it does not fit. */
static int append(int at, const char *s)
{
	if (at < 0)
		return -1;
	while (*s && at < (int)sizeof path - 1)
		path[at++] = *s++;
	path[at] = 0;
	return *s ? -1 : (int)at;
}

/* The default profile's path, from the directory found at start; NULL
 * if too long. */
static const char *default_path(void)
{
	int at = append(0, E.cfg.profile_later);

	if (E.cfg.profile_later_home)
		at = append(at, "/.config");
	return at >= 0 && append(at, "/bcshim/profile") >= 0 ? path : NULL;
}

/* Words of one line: "CLASS EXECUTOR"; the header; comments.  0: the
 * line is good (or empty). */
static int parse_line(char *line, int *header)
{
	char *w[3] = { 0 };
	size_t len[3] = { 0 };
	int n = 0, c, x;

	for (char *s = line; *s && n < 3; ) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s || *s == '#')
			break;
		w[n] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r')
			s++;
		len[n] = s - w[n];
		n++;
	}
	if (!n)
		return 0;
	if (!*header) {
		*header = n == 2 && len[0] == 14 && !__builtin_strncmp(w[0], "bcshim-profile", 14) &&
			  len[1] == 1 && *w[1] == '1' ? 1 : -1;
		return 0;
	}
	if (n != 2 || (c = lookup(class_names, PRED_WRITE, PRED_CLOSE, w[0], len[0])) < 0 ||
	    (x = lookup(executor_names, EX_DIRECT, EX_ASYNC, w[1], len[1])) < 0)
		return -1;
	E.cfg.exec[c] = x;
	return 0;
}

/* The file's text into text (size bytes, NUL-terminated); NULL, or why
 * it is refused.  Only a regular file: a FIFO would block the program
 * before main, a device or a directory is no profile. */
static const char *slurp(const char *file, char *text, long size)
{
	struct stat st;
	long fd, n = 0, got = 0;
	const char *why = NULL;

	fd = __bc_raw6(SYS_openat, AT_FDCWD, (long)file,
		       O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0, 0, 0);
	if (fd < 0)
		return fd == -ENOENT ? "" : "cannot be read";
	if (__bc_raw6(SYS_fstat, fd, (long)&st, 0, 0, 0, 0) < 0 || !S_ISREG(st.st_mode))
		why = "not a regular file";
	while (!why && got < size - 1 &&
	       (n = __bc_raw6(SYS_read, fd, (long)text + got, size - 1 - got, 0, 0, 0)) > 0)
		got += n;
	__bc_raw6(SYS_close, fd, 0, 0, 0, 0, 0);
	if (!why && n < 0)
		why = "cannot be read";
	else if (!why && got == size - 1)
		why = "longer than 4095 bytes";
	text[got] = 0;
	return why;
}

/* One decimal number, for a message. */
static const char *decimal(unsigned v, char buf[12])
{
	char *p = buf + 11;

	*p = 0;
	do
		*--p = '0' + v % 10;
	while (v /= 10);
	return p;
}

/* Load file's profile; loud: say on stderr why it is refused. */
static void load(const char *file, int loud)
{
	static char text[4097];
	const char *why = slurp(file, text, sizeof text);
	int header = 0, bad = 0, at = 0;
	char num[12];

	if (why) {
		/* A missing profile is an uncalibrated machine: no news. */
		if (*why && loud)
			__bc_say_parts((const char *const[]){ "profile: ", file, ": ", why, "; using none", 0 });
		return;
	}
	for (char *line = text, *end; *line && header >= 0; line = end) {
		for (end = line; *end && *end != '\n'; end++)
			;
		if (*end)
			*end++ = 0;
		at++;
		if (parse_line(line, &header) && !bad)
			bad = at;
	}
	if (header > 0) {
		E.cfg.profile = file;
		if (bad && loud)
			__bc_say_parts((const char *const[]){ "profile: ", file, ": line ", decimal(bad, num),
				" is not \"CLASS direct|uring|async\"; lines like it ignored", 0 });
		return;
	}
	__builtin_memset(E.cfg.exec, EX_DIRECT, sizeof E.cfg.exec);
	if (loud)
		complain("profile", file, "not a bcshim profile version 1; using none");
}

hidden void __bc_profile_start(void)
{
	const char *level = __bc_env("BC_LEVEL"), *ex = __bc_env("BC_EXECUTOR"), *file;
	int x = -1;

	if (level && !__builtin_strcmp(level, "relaxed"))
		E.cfg.relaxed = 1;
	else if (level && __builtin_strcmp(level, "strict"))
		complain("BC_LEVEL", level, "not \"strict\" or \"relaxed\"; using strict");
	if (ex && (x = lookup(executor_names, EX_DIRECT, EX_ASYNC, ex, length(ex))) < 0)
		complain("BC_EXECUTOR", ex, "not \"direct\", \"uring\" or \"async\"; using the profile");
	E.cfg.forced = x;
	if (x >= 0) {
		__builtin_memset(E.cfg.exec, x, sizeof E.cfg.exec);
		return;
	}
	/* Named, it is the user's choice: read now, while stderr is still
	 * the caller's to be told.  The default waits for the first
	 * deferral (most processes never make one); where it is, is the
	 * environment's say at start. */
	if ((file = __bc_env("BC_PROFILE"))) {
		if (*file)
			load(file, 1);
	} else if ((file = __bc_env("XDG_CONFIG_HOME")) && *file == '/') {
		E.cfg.profile_later = file;
	} else if ((file = __bc_env("HOME")) && *file == '/') {
		E.cfg.profile_later = file;
		E.cfg.profile_later_home = 1;
	}
}

hidden void __bc_profile_now(void)
{
	if (E.threaded)
		E.cfg.profile_later = NULL;
	__bc_profile_later();
}

hidden void __bc_profile_later(void)
{
	const char *file;

	if (!E.cfg.profile_later)
		return;
	file = default_path();
	/* Said mid-run, a refusal would land in whatever the program has
	 * made of fd 2: the report tells instead ("profile":null). */
	E.cfg.profile_later = NULL;
	if (file)
		load(file, 0);
}
