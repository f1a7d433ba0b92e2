/* bc-bench-uring: ns per call of each operation class the engine defers,
 * run through a straight-line page (the engine's shape: each call, then a
 * jneg) by bc_exec and by the io_uring executor, at batch sizes 1 to 64
 * (a page holds 32 calls: 64 is two pages, two enters).  The two run
 * interleaved in one process, medians of the repeats compared.  The last
 * column is the CPU time io_uring's io-wq worker threads took while a row
 * ran, per ring call: a class that has it is punted off the submitting
 * thread to io_uring's worker threads.
 * Exits 0 whatever it measures, io_uring missing included. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bc.h"
#include "uring.h"

#define PAGE_CALLS (BC_NREGS / BC_WIN_SIZE)
#define CHUNK_CALLS 512   /* calls prepared at once (close: fds opened) */

static const unsigned batches[] = { 1, 2, 4, 8, 16, 32, 64 };

enum cls { W_SHM, W_DISK, PWRITE, CLOSE, FADVISE, MADVISE, SENDTO, NUL, NCLASSES };

static const char *const cls_name[NCLASSES] = {
	[W_SHM] = "write 64 B, tmpfs", [W_DISK] = "write 64 B, disk",
	[PWRITE] = "pwrite64 64 B, tmpfs", [CLOSE] = "close", [FADVISE] = "fadvise DONTNEED",
	[MADVISE] = "madvise WILLNEED", [SENDTO] = "sendto 64 B UDP loopback",
	[NUL] = "null: getppid / NOP",
};

static struct bc_uring ring;
static unsigned char use[512];
static struct bc_page pages[CHUNK_CALLS];
static int shm_fd, disk_fd, sink_fd, udp_fd, close_src;
static char *mem;
static struct sockaddr_in sink_addr;
static char payload[64];
static int fds[CHUNK_CALLS];
static unsigned ops_per_sample = 8192, repeats = 9;

static void die(const char *what)
{
	fprintf(stderr, "bc-bench-uring: %s: %s\n", what, strerror(errno));
	exit(0);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ull + t.tv_nsec;
}

static unsigned opcode_of(long nr)
{
	for (unsigned op = 0; op < 256; op++)
		if (bc_op_info(op) && bc_op_info(op)->shape == BC_SHAPE_CALL && bc_op_info(op)->nr == nr)
			return op;
	return 0;
}

/* Call i of the class, into window w of p. */
static long set_call(struct bc_page *p, unsigned w, enum cls c, unsigned i)
{
	uint64_t *a = &p->reg[w + 1];

	memset(a, 0, 6 * sizeof *a);
	switch (c) {
	case W_SHM:
	case W_DISK:
		a[0] = c == W_SHM ? shm_fd : disk_fd;
		a[1] = (uintptr_t)payload;
		a[2] = sizeof payload;
		return SYS_write;
	case PWRITE:
		a[0] = shm_fd;
		a[1] = (uintptr_t)payload;
		a[2] = sizeof payload;
		a[3] = (i % 64) * sizeof payload;
		return SYS_pwrite64;
	case CLOSE:
		a[0] = fds[i];
		return SYS_close;
	case FADVISE:
		a[0] = disk_fd;
		a[2] = 4096;
		a[3] = POSIX_FADV_DONTNEED;
		return SYS_fadvise64;
	case MADVISE:
		a[0] = (uintptr_t)mem + (i % 16) * 4096;
		a[1] = 4096;
		a[2] = MADV_WILLNEED;
		return SYS_madvise;
	case SENDTO:
		a[0] = udp_fd;
		a[1] = (uintptr_t)payload;
		a[2] = sizeof payload;
		a[4] = (uintptr_t)&sink_addr;
		a[5] = sizeof sink_addr;
		return SYS_sendto;
	default:
		return SYS_getppid;
	}
}

/* Build the pages for n calls in batches of b: returns the page count. */
static unsigned build(enum cls c, unsigned b, unsigned n)
{
	unsigned np = 0;
	uint64_t operand[2];

	for (unsigned done = 0; done < n; done += b)
		for (unsigned k = 0; k < b; k += PAGE_CALLS) {
			struct bc_page *p = &pages[np++];
			unsigned m = b - k < PAGE_CALLS ? b - k : PAGE_CALLS;
			bc_page_init(p);
			for (unsigned j = 0; j < m; j++) {
				long nr = set_call(p, j * BC_WIN_SIZE, c, done + k + j);
				bc_emit(p, opcode_of(nr), NULL);
				operand[0] = j * BC_WIN_SIZE;
				operand[1] = p->code_len + 4;
				bc_emit(p, BC_OP_jneg, operand);
			}
		}
	return np;
}

/* Before a chunk: what its calls consume. */
static void refill(enum cls c, unsigned n)
{
	if (c == CLOSE)
		for (unsigned i = 0; i < n; i++)
			if ((fds[i] = dup(close_src)) < 0)
				die("dup");
}

/* After a sample: undo what it built up. */
static void reset(enum cls c)
{
	char buf[256];

	if (c == W_SHM || c == W_DISK) {
		if (ftruncate(c == W_SHM ? shm_fd : disk_fd, 0) || lseek(c == W_SHM ? shm_fd : disk_fd, 0, SEEK_SET))
			die("ftruncate");
	}
	if (c == SENDTO)
		while (recv(sink_fd, buf, sizeof buf, MSG_DONTWAIT) >= 0)
			;
}

/* ns per call of one sample; mode: 0 bc_exec, 1 ring (the executor: each
 * page one chain), 2 ring, NOPs not linked (the ring's own cost). */
static double sample(enum cls c, unsigned b, int mode)
{
	unsigned chunk = CHUNK_CALLS / b * b, np = 0;
	uint64_t t = 0, calls = 0;

	if (c != CLOSE)
		np = build(c, b, chunk);
	while (calls < ops_per_sample) {
		uint64_t t0;
		refill(c, chunk);
		if (c == CLOSE)
			np = build(c, b, chunk);
		t0 = now_ns();
		for (unsigned i = 0; i < np; i++) {
			if (!mode)
				bc_exec(&pages[i], NULL);
			else if (c == NUL)
				__bc_uring_nops(&ring, pages[i].code_len / 5, mode == 1);
			else
				__bc_uring_exec(&ring, &pages[i], use);
		}
		t += now_ns() - t0;
		calls += chunk;
	}
	reset(c);
	return (double)t / calls;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof *v, cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* CPU time the io-wq workers have had so far, from their schedstat. */
static uint64_t io_wq_ns(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	uint64_t ns = 0;
	unsigned long long run;
	char path[300], name[32];

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		FILE *f;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		if (!fgets(name, sizeof name, f) || strncmp(name, "iou-wrk", 7))
			name[0] = 0;
		fclose(f);
		snprintf(path, sizeof path, "/proc/self/task/%s/schedstat", e->d_name);
		if (name[0] && (f = fopen(path, "r"))) {
			if (fscanf(f, "%llu", &run) == 1)
				ns += run;
			fclose(f);
		}
	}
	closedir(d);
	return ns;
}

static void row(enum cls c, unsigned b, int chain_mode)
{
	double d[64], u[64];
	uint64_t wq = io_wq_ns();

	for (unsigned r = 0; r < repeats; r++) {
		/* Alternate which goes first, so drift hits both alike. */
		if (r % 2) {
			u[r] = sample(c, b, chain_mode);
			d[r] = sample(c, b, 0);
		} else {
			d[r] = sample(c, b, 0);
			u[r] = sample(c, b, chain_mode);
		}
	}
	/* Workers that exited took their time with them. */
	wq = io_wq_ns() > wq ? io_wq_ns() - wq : 0;
	double md = median(d, repeats), mu = median(u, repeats);
	printf("| %s%s | %u | %.0f | %.0f | %.2f | %.0f |\n", cls_name[c],
	       chain_mode == 2 ? " (not linked)" : "", b, md, mu, mu / md,
	       (double)wq / (repeats * ops_per_sample));
	fflush(stdout);
}

static void setup(void)
{
	socklen_t len = sizeof sink_addr;
	int big = 4 << 20;

	memset(payload, 'x', sizeof payload);
	if ((shm_fd = open("/dev/shm/bc-bench-uring", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		die("/dev/shm/bc-bench-uring");
	unlink("/dev/shm/bc-bench-uring");
	mkdir("out", 0755);
	mkdir("out/bench", 0755);
	if ((disk_fd = open("out/bench/uring.dat", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		die("out/bench/uring.dat");
	unlink("out/bench/uring.dat");
	if ((close_src = open("/dev/null", O_RDONLY)) < 0)
		die("/dev/null");
	mem = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	memset(mem, 1, 16 * 4096);
	sink_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sink_fd < 0 || udp_fd < 0)
		die("socket");
	setsockopt(sink_fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	sink_addr = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (bind(sink_fd, (struct sockaddr *)&sink_addr, sizeof sink_addr) ||
	    getsockname(sink_fd, (struct sockaddr *)&sink_addr, &len))
		die("bind");
}

int main(int argc, char **argv)
{
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			ops_per_sample = 1024;
			repeats = 7;
		} else {
			printf("usage: bc-bench-uring [--quick]\n"
			       "ns per call, bc_exec against the io_uring executor, per operation\n"
			       "class and batch size; a markdown table on stdout.\n");
			return strcmp(argv[i], "--help") != 0;
		}
	}
	err = __bc_uring_setup(&ring);
	if (err) {
		printf("bc-bench-uring: io_uring unavailable (%s): nothing to measure\n", strerror(-err));
		return 0;
	}
	memset(use, 1, sizeof use);
	setup();
	printf("| class | batch | bc_exec ns/call | io_uring ns/call | uring/direct | io-wq CPU ns/call |\n");
	printf("|---|---:|---:|---:|---:|---:|\n");
	for (enum cls c = 0; c < NCLASSES; c++) {
		for (unsigned k = 0; k < sizeof batches / sizeof *batches; k++)
			row(c, batches[k], 1);
		if (c == NUL)
			row(c, 64, 2);
	}
	printf("\nmedian of %u samples of %u calls each; one enter per page of up to 32 calls\n",
	       repeats, ops_per_sample);
	return 0;
}
