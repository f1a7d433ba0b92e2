/* bc-bench: the interpreter's own cost per instruction, on top of the
 * syscall it issues.  A page of 32 getppid calls run by bc_exec(p, NULL)
 * is timed against 32 raw getppid syscalls, and so are bc_run (verify,
 * then execute), the executor path and bc_verify alone, the two interleaved in one
 * process so that frequency drift and noise hit both alike; medians of
 * the per-iteration times are compared.  Exits 0 whatever it measures:
 * a benchmark never fails the build.
 *
 * Usage: bc-bench [repeats [iterations per batch]] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bc.h"

enum { INSNS = 32, TARGET_NS = 5 };

enum { RAW, EXEC, RUN, EXECUTOR, VERIFY, NVARIANTS };

static const char *const variant_name[NVARIANTS] = {
	[RAW] = "raw getppid (inline asm syscall)",
	[EXEC] = "bc_exec(p, NULL)",
	[RUN] = "bc_run(p, NULL): verify + exec",
	[EXECUTOR] = "bc_exec(p, {bc_direct_call})",
	[VERIFY] = "bc_verify(p) alone",
};

/* The executor path with the library's own raw call: the cost of the
 * indirection alone. */
static const struct bc_executor executor = { bc_direct_call, NULL, NULL };

/* Not libc's getppid: no wrapper cost, the same instruction bc issues. */
static inline void raw_getppid(void)
{
	long ret;

	__asm__ __volatile__("syscall" : "=a"(ret) : "a"((long)SYS_getppid) : "rcx", "r11", "memory");
}

static volatile long sink;

/* One function per variant, never inlined, so that callgrind counts each. */
static __attribute__((__noinline__)) void raw_batch(struct bc_page *p, unsigned n)
{
	(void)p;
	for (unsigned i = 0; i < n; i++)
		for (int k = 0; k < INSNS; k++)
			raw_getppid();
}

static __attribute__((__noinline__)) void exec_batch(struct bc_page *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		sink = bc_exec(p, NULL);
}

static __attribute__((__noinline__)) void run_batch(struct bc_page *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		sink = bc_run(p, NULL);
}

static __attribute__((__noinline__)) void executor_batch(struct bc_page *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		sink = bc_exec(p, &executor);
}

static __attribute__((__noinline__)) void verify_batch(struct bc_page *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		sink = bc_verify(p, NULL);
}

static void (*const batch[NVARIANTS])(struct bc_page *, unsigned) = {
	[RAW] = raw_batch, [EXEC] = exec_batch, [RUN] = run_batch,
	[EXECUTOR] = executor_batch, [VERIFY] = verify_batch,
};

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	while (path && *path) {
		size_t k = strcspn(path, ":");
		snprintf(buf, sizeof buf, "%.*s/%s", (int)k, path, prog);
		if (k && !access(buf, X_OK))
			return 1;
		path += k + !!path[k];
	}
	return 0;
}

static int die(const char *msg)
{
	fprintf(stderr, "bc-bench: %s\n", msg);
	return 1;
}

static unsigned arg(int argc, char **argv, int i, unsigned def)
{
	char *end;
	unsigned long v;

	if (argc <= i)
		return def;
	v = strtoul(argv[i], &end, 10);
	if (*end || !v || v > 1000000) {
		fprintf(stderr, "usage: %s [repeats [iterations per batch]]\n", argv[0]);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned repeats = arg(argc, argv, 1, 201), iters = arg(argc, argv, 2, 2000);
	static struct bc_page page;
	double *t[NVARIANTS], med[NVARIANTS], over;

	bc_page_init(&page);
	for (int k = 0; k < INSNS; k++)
		if (bc_emit(&page, BC_OP_getppid, NULL) < 0)
			return die("bc_emit failed");
	if (bc_run(&page, NULL) != BC_ST_DONE || page.calls != INSNS ||
	    bc_run(&page, &executor) != BC_ST_DONE || (pid_t)page.reg[BC_WIN_MAX] != getppid())
		return die("the getppid page does not run to the end");
	for (int v = 0; v < NVARIANTS; v++) {
		if (!(t[v] = malloc(repeats * sizeof *t[v])))
			return die("out of memory");
		batch[v](&page, iters); /* warm up caches and predictors */
	}
	for (unsigned r = 0; r < repeats; r++)
		for (int v = 0; v < NVARIANTS; v++) {
			double t0 = now_ns();
			batch[v](&page, iters);
			t[v][r] = (now_ns() - t0) / iters;
		}
	for (int v = 0; v < NVARIANTS; v++)
		med[v] = median(t[v], repeats);
	over = (med[EXEC] - med[RAW]) / INSNS;

	printf("bc-bench: %d getppid calls per iteration, %u repeats of %u iterations, "
	       "variants interleaved, medians\n\n", INSNS, repeats, iters);
	printf("  %-34s %12s %12s\n", "variant", "ns/iter", "ns/insn");
	for (int v = 0; v < NVARIANTS; v++)
		printf("  %-34s %12.1f %12.2f\n", variant_name[v], med[v], med[v] / INSNS);
	printf("\n  %-52s %7.2f ns\n", "interpreter per instruction, (bc_exec - raw)/32", over);
	printf("  %-52s %7.2f ns\n", "with verification, (bc_run - raw)/32",
	       (med[RUN] - med[RAW]) / INSNS);
	printf("  %-52s %7.2f ns\n", "  verification alone, bc_verify/32", med[VERIFY] / INSNS);
	printf("  %-52s %7.2f ns\n", "executor path, (bc_exec with bc_direct_call - raw)/32",
	       (med[EXECUTOR] - med[RAW]) / INSNS);
	printf("\ntarget: interpreter overhead <= %d ns per instruction: %.2f ns, %s\n", TARGET_NS,
	       over, over <= TARGET_NS ? "within target (PASS)" : "over target (MISS)");
	if (on_path("valgrind"))
		printf("hint: to count instructions instead: valgrind --tool=callgrind "
		       "--callgrind-out-file=bc-bench.cg %s 1 100 && callgrind_annotate --inclusive=yes "
		       "--threshold=100 bc-bench.cg | grep '_batch \\['\n      then Ir / %d per instruction "
		       "(a warm-up and a timed batch of 100 iterations of %d)\n", argv[0], 2 * 100 * INSNS, INSNS);
	for (int v = 0; v < NVARIANTS; v++)
		free(t[v]);
	return 0;
}
