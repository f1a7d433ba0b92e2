/* The engine's raw threads (shim/thread.c): a mapping, its stack, TLS
 * block and the word the kernel clears at exit, is reused only once its
 * thread is off it; a thread's own fd table holds only what is lent.  A thread told to end but not waited for (a retired
 * timer) may still run when the next starts: sharing its stack with it
 * hung programs that changed credentials often under the async executor
 * (17 of 240 runs, each retirement starting a new timer thread).  The
 * threads here call nothing of libc: their TLS is the engine's block. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "raw.h"
#include "thread.h"

static int release, started;

static void hold(void)
{
	struct timespec pause = { 0, 100000 };

	__atomic_store_n(&started, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE))
		__bc_raw6(SYS_nanosleep, (long)&pause, 0, 0, 0, 0, 0);
}

static void quick(void)
{
}

/* Until top's thread is off its mapping. */
static void gone(struct bc_raw_top *top)
{
	struct timespec pause = { 0, 100000 };

	while (__atomic_load_n(&top->running, __ATOMIC_ACQUIRE))
		__bc_raw6(SYS_nanosleep, (long)&pause, 0, 0, 0, 0, 0);
}

Test(thread, a_running_threads_mapping_is_never_reused)
{
	struct bc_raw_thread t = { 0 };
	struct bc_raw_top *held, *next;

	cr_assert_gt(__bc_raw_thread(&t, hold, 0), 0);
	held = t.cur;
	while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
		;
	/* Started again and again while the first still runs: never on its
	 * mapping, and a gone thread's mapping is taken again. */
	for (int i = 0; i < 3 * BC_RAW_MAPS; i++) {
		cr_assert_gt(__bc_raw_thread(&t, quick, 0), 0, "start %d", i);
		cr_assert_neq(t.cur, held, "start %d ran on a running thread's mapping", i);
		__bc_raw_thread_join(&t);
	}
	next = t.cur;
	cr_assert(held->running, "the held thread is still on its mapping");
	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
	gone(held);
	/* Its mapping free, kept for reuse with the others: no new one made. */
	for (int i = 0; i < 2; i++) {
		cr_assert_gt(__bc_raw_thread(&t, quick, 0), 0);
		cr_assert(t.cur == held || t.cur == next, "a third mapping made");
		__bc_raw_thread_join(&t);
	}
}

Test(thread, a_fork_child_forgets_the_parents_threads)
{
	struct bc_raw_thread t = { 0 };

	__atomic_store_n(&release, 0, __ATOMIC_RELEASE);
	cr_assert_gt(__bc_raw_thread(&t, hold, 0), 0);
	/* What a fork child does with the copy: no thread is on it there. */
	__bc_raw_thread_forget(&t);
	cr_assert_eq(t.cur->running, 0);
	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
}

static int lent[2];
static long lender, own, before, borrowed, wrote[2];

/* With a table of its own: the program's fds are not in it until lent,
 * then written through under their own numbers, then given back. */
static void borrower(void)
{
	own = __bc_raw_own_fds();
	before = __bc_raw6(SYS_fcntl, lent[1], F_GETFD, 0, 0, 0, 0);
	borrowed = __bc_raw_borrow(lender, lent, 2);
	wrote[0] = __bc_raw6(SYS_write, lent[0], (long)"fd 0,", 5, 0, 0, 0);
	wrote[1] = __bc_raw6(SYS_write, lent[1], (long)"fd n.", 5, 0, 0, 0);
	__bc_raw_return();
}

Test(thread, a_table_of_its_own_holds_only_what_is_lent)
{
	struct bc_raw_thread t = { 0 };
	char buf[16] = { 0 };
	int p[2];

	/* Lent: the pipe's write end as fd 0 (where the pidfd lands in an
	 * empty table) and under its own number. */
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(dup2(p[1], 0), 0);
	lent[0] = 0, lent[1] = p[1], lender = getpid();
	cr_assert_gt(__bc_raw_thread(&t, borrower, 0), 0);
	__bc_raw_thread_join(&t);
	cr_assert_eq(own, 0);
	cr_assert_eq(before, -EBADF, "the thread's table held the program's fd");
	cr_assert_eq(borrowed, 0);
	cr_assert_eq(wrote[0], 5);
	cr_assert_eq(wrote[1], 5);
	/* The program's ends closed, the reader sees the end: the thread
	 * kept no reference. */
	close(0);
	close(p[1]);
	cr_assert_eq(read(p[0], buf, sizeof buf), 10);
	cr_assert_str_eq(buf, "fd 0,fd n.");
	cr_assert_eq(read(p[0], buf, sizeof buf), 0);
}
