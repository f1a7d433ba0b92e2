/* What the engine knows of each fd: learned once with raw probes (or from
 * the open that made it, or the fd it was duplicated from), forgotten
 * whenever its number can change meaning: close, dup2/dup3 onto it, fcntl
 * F_SETFL, exec, a new fd. */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>

#include "fdstate.h"
#include "raw.h"
#include "state.h"

#define E __bc_e

static int valid(const struct bc_fd *f)
{
	return f->gen == E.fdgen;
}

/* Terminals: ttyN, console and the pseudo-terminal slaves. */
static int tty_major(unsigned long rdev)
{
	unsigned major = (rdev >> 8 & 0xfff) | (rdev >> 32 & ~0xfffu);

	return major == 4 || major == 5 || (major >= 136 && major <= 143);
}

/* Does fd's file system hold data?  On a pseudo file system (proc, sysfs,
 * cgroup, debugfs, tracefs, configfs, securityfs, bpf...) a write is a
 * command to the kernel, each one its own, answered at once: nothing
 * there waits or merges.  Decided by the file system, never by the path;
 * unknown means a command.  0: no; 1: yes; LOCAL: yes, and closing one of
 * its files' fds, not the last, runs nothing (no flush method: a network
 * file system's writes back, or consumes an error, at every close). */
enum { LOCAL = 2 };
static int holds_data(int fd)
{
	struct statfs fs;

	E.n.probes++;
	if (__bc_raw6(SYS_fstatfs, fd, (long)&fs, 0, 0, 0, 0))
		return 0;
	switch ((unsigned long)fs.f_type & 0xffffffff) {
	case 0xef53:      /* ext2, ext3, ext4 */
	case 0x01021994:  /* tmpfs */
	case 0x858458f6:  /* ramfs */
	case 0x58465342:  /* xfs */
		return LOCAL;
	case 0x9123683e:  /* btrfs */
	case 0xf2f52010:  /* f2fs */
	case 0x794c7630:  /* overlayfs */
	case 0x2fc12fc1:  /* zfs */
	case 0xca451a4e:  /* bcachefs */
	case 0x3153464a:  /* jfs */
	case 0x52654973:  /* reiserfs */
	case 0x4d44:      /* vfat */
	case 0x2011bab0:  /* exfat */
	case 0x5346544e:  /* ntfs */
	case 0x7366746e:  /* ntfs3 */
	case 0x6969:      /* nfs */
	case 0xff534d42:  /* cifs */
	case 0xfe534d42:  /* smb2 */
	case 0x01021997:  /* 9p */
	case 0x00c36400:  /* ceph */
		return 1;
	}
	return 0;
}

static int unix_stream_certain(int fd)
{
	struct sockaddr_un peer;
	struct timeval t = { 1, 0 };
	long len = sizeof peer, tlen = sizeof t;

	E.n.probes += 2;
	return !__bc_raw6(SYS_getpeername, fd, (long)&peer, (long)&len, 0, 0, 0) &&
	       !__bc_raw6(SYS_getsockopt, fd, SOL_SOCKET, SO_SNDTIMEO, (long)&t, (long)&tlen, 0) &&
	       !t.tv_sec && !t.tv_usec;
}

/* fd's type (enum bc_ftype), and whether it may be lent (*lend). */
static int type_of(int fd, const struct stat *st, uint8_t *lend)
{
	int type = 0, data;
	long len = sizeof type;

	*lend = 0;
	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
		data = holds_data(fd);
		*lend = data == LOCAL;
		return !data ? FT_OTHER : S_ISREG(st->st_mode) ? FT_REG : FT_DIR;
	case S_IFIFO:
		*lend = 1;
		return FT_FIFO;
	case S_IFCHR:
		/* /dev/null and /dev/zero; /dev/full fails every write. */
		if (st->st_rdev == makedev(1, 3) || st->st_rdev == makedev(1, 5))
			return *lend = 1, FT_MEMDEV;
		if (st->st_rdev == makedev(1, 7))
			return FT_OTHER;
		return tty_major(st->st_rdev) ? FT_TTY : FT_CHR;
	case S_IFSOCK:
		E.n.probes++;
		if (__bc_raw6(SYS_getsockopt, fd, SOL_SOCKET, SO_TYPE, (long)&type, (long)&len, 0))
			return FT_OTHER;
		if (type != SOCK_STREAM && type != SOCK_DGRAM)
			return FT_OTHER;
		/* A datagram's address is checked against the socket's family.
		 * A stream's write fails only with EPIPE (and SIGPIPE) on a unix
		 * socket that is connected and has no send timeout (else
		 * ENOTCONN, EAGAIN); a TCP peer's reset is ECONNRESET: results
		 * the program sees. */
		E.n.probes++;
		len = sizeof E.fd[fd].domain;
		if (__bc_raw6(SYS_getsockopt, fd, SOL_SOCKET, SO_DOMAIN, (long)&E.fd[fd].domain,
			      (long)&len, 0))
			return FT_OTHER;
		if (type == SOCK_STREAM)
			return E.fd[fd].domain == AF_UNIX && unix_stream_certain(fd) ?
			       FT_STREAM : FT_OTHER;
		return FT_DGRAM;
	}
	return FT_OTHER;
}

hidden int __bc_fd_identify(int fd)
{
	struct bc_fd *f = &E.fd[fd];
	struct stat st;
	long r;

	E.n.probes++;
	r = __bc_raw6(SYS_fstat, fd, (long)&st, 0, 0, 0, 0);
	if (r < 0)
		return r;
	if (f->type == FT_UNKNOWN || f->type == FT_FILE)
		f->type = type_of(fd, &st, &f->lend);
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->uid = st.st_uid;
	f->known_id = 1;
	return 0;
}

/* Probe fd: its open flags if not known, its type and identity. */
static struct bc_fd *learn(int fd)
{
	struct bc_fd *f = &E.fd[fd];
	long flags;

	if (!valid(f)) {
		E.n.probes++;
		flags = __bc_raw6(SYS_fcntl, fd, F_GETFL, 0, 0, 0, 0);
		if (flags < 0)
			return NULL;
		f->flags = flags;
		f->type = FT_UNKNOWN;
		f->gen = E.fdgen;
	}
	if (__bc_fd_identify(fd) < 0) {
		__bc_fd_forget(fd);
		return NULL;
	}
	return f;
}

hidden struct bc_fd *__bc_fd_get(int fd)
{
	struct bc_fd *f;

	if (fd < 0 || fd >= BC_FD_MAX)
		return NULL;
	f = &E.fd[fd];
	return valid(f) && f->known_id ? f : learn(fd);
}

hidden struct bc_fd *__bc_fd_for_defer(int fd, int probe)
{
	struct bc_fd *f;

	if (fd < 0 || fd >= BC_FD_MAX)
		return NULL;
	f = &E.fd[fd];
	if (valid(f) && f->type != FT_UNKNOWN && f->type != FT_FILE)
		return f;
	/* Probes cost what deferring one call saves: an fd used once
	 * (a shell's redirection) goes direct. */
	if (!probe || ++f->uses < 2)
		return NULL;
	return learn(fd);
}

hidden void __bc_fd_copy(int from, int to)
{
	if (to < 0 || to >= BC_FD_MAX)
		return;
	__bc_fd_forget(to);
	if (from < 0 || from >= BC_FD_MAX || !valid(&E.fd[from]))
		return;
	uint32_t epoch = E.fd[to].epoch;
	E.fd[to] = E.fd[from];
	E.fd[to].epoch = epoch;
	E.fd[to].npend = 0;
	E.fd[to].closing = 0;
	E.fd[to].err = 0;
	E.fd[to].uses = 0;
}

hidden void __bc_fd_forget(int fd)
{
	struct bc_fd *f;

	if (fd < 0 || fd >= BC_FD_MAX)
		return;
	__bc_unverdict();
	f = &E.fd[fd];
	f->epoch++;
	f->close_seq = 0;
	f->gen = 0;
	f->type = FT_UNKNOWN;
	f->lend = 0;
	f->known_id = 0;
	f->closing = 0;
	__atomic_store_n(&f->clear, 0, __ATOMIC_RELAXED);
	f->uses = 0;
	f->uid = -1;
	f->err = 0;
}

hidden void __bc_fd_opened(int fd, const char *path, long flags)
{
	struct bc_fd *f;

	__bc_fd_forget(fd);
	if (fd < 0 || fd >= BC_FD_MAX || (flags & O_PATH) || !path)
		return;
	/* Its flags, without a probe; what it is, and on which file system,
	 * only a probe says (a path says neither: /sys/fs/cgroup, a FIFO, a
	 * symbolic link into /dev). */
	f = &E.fd[fd];
	f->gen = E.fdgen;
	f->flags = flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY | O_CLOEXEC);
	f->type = FT_FILE;
}
