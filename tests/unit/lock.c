/* The engine's lock and its lane (shim/lock.c): the lane's owner goes in
 * without an atomic read-modify-write, and every other taker of the word
 * waits it out, a membarrier making the owner's plain store seen.  Here
 * the owner is this test's thread and the other takers are raw threads
 * of their own (shim/thread.c), as the engine's timer is. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "raw.h"
#include "thread.h"

enum { ROUNDS = 200000 };

static int owner_flag;       /* the test thread's bc_tls.lane */
static long counted;         /* written only under the lock or the lane */
static int taker_done, taker_in, owner_going;

static void pause_us(long us)
{
	struct timespec t = { 0, us * 1000 };

	__bc_raw6(SYS_nanosleep, (long)&t, 0, 0, 0, 0, 0);
}

static void count_locked(void)
{
	while (!__atomic_load_n(&owner_going, __ATOMIC_ACQUIRE))
		;
	for (int i = 0; i < ROUNDS / 20; i++) {
		__bc_lock_as(NULL, 0);
		/* Torn if the owner were in the lane: read, pause, write. */
		long c = __atomic_load_n(&counted, __ATOMIC_RELAXED);
		if (i % 64 == 0)
			__builtin_ia32_pause();
		__atomic_store_n(&counted, c + 1, __ATOMIC_RELAXED);
		__bc_unlock();
	}
	__atomic_store_n(&taker_done, 1, __ATOMIC_RELEASE);
}

static void take_once(void)
{
	__bc_lock_as(NULL, 0);
	__atomic_store_n(&taker_in, 1, __ATOMIC_RELEASE);
	__bc_unlock();
}

static void lane_open_or_skip(void)
{
	__bc_lane_open(&owner_flag);
	if (!__bc_lane_owner)
		cr_skip_test("membarrier's expedited kind cannot be registered here");
}

/* The owner in the lane, a raw thread takes the lock: it gets in only
 * once the owner is out. */
static void taker_waits_lane_out(void)
{
	struct bc_raw_thread t = { 0 };

	cr_assert(__bc_lane_enter(&owner_flag));
	cr_assert_gt(__bc_raw_thread(&t, take_once, 0), 0);
	pause_us(50000);
	cr_assert_not(__atomic_load_n(&taker_in, __ATOMIC_ACQUIRE),
		      "the other thread took the lock while the owner was in the lane");
	__bc_lane_leave();
	while (!__atomic_load_n(&taker_in, __ATOMIC_ACQUIRE))
		pause_us(100);
	__bc_raw_thread_join(&t);
}

Test(lock, the_owner_enters_the_lane_only_while_the_word_is_free)
{
	lane_open_or_skip();
	cr_assert(owner_flag, "the owner is marked");
	cr_assert(__bc_lane_enter(&owner_flag));
	cr_assert(__bc_lane_busy);
	__bc_lane_leave();
	cr_assert_not(__bc_lane_busy);

	__bc_lock_as(NULL, 1);  /* held: the lane refuses, and says so */
	cr_assert_not(__bc_lane_enter(&owner_flag));
	cr_assert_not(__bc_lane_busy, "a refused entry leaves no mark");
	__bc_unlock();

	int other = 0;
	cr_assert_not(__bc_lane_enter(&other), "not the owner's flag");

	__bc_lock_as(NULL, 1);
	__bc_lane_close();
	__bc_unlock();
	cr_assert_null(__bc_lane_owner);
	cr_assert_not(__bc_lane_enter(&owner_flag));
	cr_assert_not(owner_flag, "an owner that finds the lane closed drops its flag");
}

/* Asked to close by a thread that may not wait (its first call), the lane
 * closes at the next taker's wait, the owner still waited out. */
Test(lock, a_close_asked_for_is_made_by_the_next_taker)
{
	lane_open_or_skip();
	__bc_lane_close_soon();
	cr_assert_not_null(__bc_lane_owner, "nothing closes without the word");
	taker_waits_lane_out();
	cr_assert_null(__bc_lane_owner, "the next taker closed it");
	cr_assert_not(__bc_lane_enter(&owner_flag));
}

Test(lock, another_taker_waits_the_lane_out)
{
	lane_open_or_skip();
	taker_waits_lane_out();
	__bc_lock_as(NULL, 0);
	__bc_lane_close();
	__bc_unlock();
}

/* The owner in the lane and a raw thread by the word, both adding to one
 * counter with a plain load and store: an increment lost is two of them
 * inside at once. */
Test(lock, the_lane_and_the_word_exclude_each_other)
{
	struct bc_raw_thread t = { 0 };
	long mine = 0;

	lane_open_or_skip();
	counted = 0;
	cr_assert_gt(__bc_raw_thread(&t, count_locked, 0), 0);
	__atomic_store_n(&owner_going, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < ROUNDS || !__atomic_load_n(&taker_done, __ATOMIC_ACQUIRE); i++) {
		int lane = __bc_lane_enter(&owner_flag);
		if (!lane)
			__bc_lock_as(NULL, 1);
		long c = __atomic_load_n(&counted, __ATOMIC_RELAXED);
		__atomic_store_n(&counted, c + 1, __ATOMIC_RELAXED);
		mine++;
		if (lane)
			__bc_lane_leave();
		else
			__bc_unlock();
	}
	__bc_raw_thread_join(&t);
	cr_assert_eq(counted, mine + ROUNDS / 20, "counted %ld, owner %ld, taker %d", counted, mine,
		     ROUNDS / 20);
	__bc_lock_as(NULL, 0);
	__bc_lane_close();
	__bc_unlock();
}

/* A fork child's one thread is the lane's owner, whoever forked: the
 * registration is the memory's, which it copied. */
Test(lock, a_fork_childs_one_thread_owns_the_lane)
{
	int child_flag = 0;
	int status;
	pid_t pid;

	lane_open_or_skip();
	__bc_lane_busy = 1;  /* as if the parent's owner were in the lane */
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int held = __bc_lock_child(&child_flag);
		_exit(held != 0 || __bc_lane_busy || !child_flag ||
		      __bc_lane_owner != &child_flag || !__bc_lane_enter(&child_flag));
	}
	__bc_lane_busy = 0;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child's lane was not its own");
	__bc_lock_as(NULL, 1);
	__bc_lane_close();
	__bc_unlock();
}

/* A seccomp filter the engine did not see refuses the membarrier: the
 * taker closes the lane and, this once, a long pause stands in for the
 * barrier; it still waits the owner out. */
Test(lock, a_refused_membarrier_closes_the_lane_and_still_waits)
{
	struct sock_filter deny[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_membarrier, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof deny / sizeof *deny, deny };

	lane_open_or_skip();
	cr_assert_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	cr_assert_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0);
	taker_waits_lane_out();  /* the taker under the filter too */
	cr_assert_null(__bc_lane_owner, "the lane is closed");
	cr_assert_not(__bc_lane_enter(&owner_flag));
}
