"""The trace normaliser: one `strace -f -y` trace made comparable, so that a
native run and a run under bcshim can be compared line by line.  bctrial
--trace uses it (normalise, difference), and so does the engine's test
harness (tests/harness.sh, through tests/harness/normtrace.py):

    normtrace.py [--relaxed-fds] [--uring] [--sub OLD=NEW] [--hide PREFIX]... TRACE
    normtrace.py --compare NATIVE-NORM BCSHIM-NORM

The trace must come from
    strace -f -qq -y -s 32 -e signal=none \
        -e trace=%file,%desc,%process,%network,close_range
(one output file, tasks' lines in the order strace saw them).  Prints the
normalised operations, one process after another (processes named by their
place in the process tree: 1, 1.1 for its first child, ...), one operation
a line.

What is done, and why:
- Tasks are grouped into processes: a task made by a clone with CLONE_THREAD
  belongs to its creator's process, and a process's tasks' lines are merged
  in strace order (bcshim's helper thread issues flushed writes for the
  program).  A call that strace split (<unfinished ...>, <... resumed>) is
  joined at the place it started.
- Left out: thread creation and thread exit (the helper thread; the
  program's own threads too, on both sides alike); anonymous mmaps (memory,
  not files); the dynamic loader's work on shared objects and ld.so.* (the
  preload adds one); a task's lending after it gave up its share of the fd
  table (close_range(0, ~0U, CLOSE_RANGE_UNSHARE): the engine's timer
  thread, which borrows the fds it flushes to under their own numbers):
  its pidfd_open, pidfd_getfd, dup3, close and close_range.
- The shim's probes: calls shaped like them (fstat, fstatfs,
  newfstatat/statx(fd, "", AT_EMPTY_PATH), fcntl(fd, F_GETFL),
  getsockopt(fd, SOL_SOCKET, SO_TYPE or SO_DOMAIN), and the open, reads and close of
  /proc/thread-self/maps and smaps after a fork (/proc/self/ before Linux
  3.17), and of /proc/self/io, whose count of
  writes tells a process writing through stdio to arm) are marked "~ " and, like the reads below, go before directly
  preceding deferrable calls (a probe is made when a call is deferred,
  before the call reaches the kernel).  --compare lets the bcshim side hold
  extra "~ " lines and nothing else: the program's own fstat must still be
  there with the same st_size.
- --hide PREFIX (bctrial: its BC_STATS files, the preload, the profile):
  every call that names a path starting with PREFIX, an fd annotated with
  one, or returns one, is left out.
- Scheduling and chance: wait4(..., WNOHANG) polls that found no child
  are left out, a successful one is written as a blocking wait4 (a shell
  reaps from its SIGCHLD handler or in its main loop, as timing has it);
  bytes read from /dev/urandom become "RANDOM".
- Text: the --sub prefixes (scratch directories) replaced; pointers become
  0xADDR; execve's count of environment variables goes; pipe and socket inode numbers are numbered in order of first
  appearance; pids (results of fork/vfork/clone, wait4/waitid, kill's
  target, si_pid) become process names; strace's result padding goes.
  fd numbers are kept: they must not differ.
- Reordering the engine may legitimately make: a read of a regular file or
  a non-tty character device is not a dependency point for pending deferred
  calls on other files.  So both sides are put in one canonical order: such
  a read moves before any directly preceding deferrable call (write class,
  fchmod, fchown, futimens, fadvise64) on a different file.
- Merging: consecutive write-class calls (write, writev, pwrite64 at
  contiguous offsets, pwritev, send, sendto, sendmsg) on one fd and file
  become one "write" item with the total of their results; consecutive
  successful closes (close, close_range over fds known open) become one
  "close" item listing the fds.  A failed call is never merged.

For the engine's modes (tests/modes.sh), applied to both sides alike:
- --relaxed-fds (the relaxed level: a deferred close may complete after a
  later open, which then gets another number, and an open with O_CREAT|
  O_EXCL does not wait for deferred calls): per process, the k-th call that
  returned a new fd above 2 (its result, or pipe's and socketpair's array)
  names it Fk (Fk@PROC in a child process, which starts from its parent's
  names at the fork), and every later use of that number (/proc/self/fd/N
  in a path too) takes the name of its most recent allocation.  Then, as
  deferred calls may land after later calls on other fds, the order is
  compared in two projections, weaker than the strict one: "## in order",
  the calls the engine never defers (all but write, pwrite, close and the
  deferrable ones) in program order; and "## fd NAME" for each fd, every
  call that names it except probes, in order, writes merged again.  What
  is not checked is where a deferred call lands among calls on other fds.
- --uring (the io_uring executor): the calls io_uring may carry never reach
  strace on the bcshim side, so they are left out on both sides: write,
  writev, pwrite64, pwritev, send, sendto, sendmsg, sendmmsg, close,
  close_range, fadvise64, madvise; and the ring itself (io_uring_* calls,
  anything on an anon_inode:[io_uring] fd, its mmaps).  Weaker: their order
  against the other calls is not checked, only the outputs and files
  tests/harness.sh compares in full.
"""
import re
import sys

WRITE_CLASS = {"write", "writev", "send", "sendto", "sendmsg"}
PWRITE_CLASS = {"pwrite64", "pwritev", "pwritev2"}
READ_CLASS = {"read", "readv", "pread64", "preadv", "preadv2"}
DEFERRABLE = {"fchmod", "fchown", "fadvise64"}  # and utimensat(fd, NULL, ...)
FORKS = {"fork", "vfork", "clone", "clone3"}
PID_ARG0 = {"wait4", "kill", "tkill", "tgkill", "pidfd_open"}
URING_CARRIED = WRITE_CLASS | PWRITE_CLASS | {"sendmmsg", "close", "close_range", "fadvise64", "madvise"}
FD_FIRST = {"read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
            "close", "fstat", "fcntl", "ioctl", "lseek", "dup", "dup2", "dup3", "fsync",
            "fdatasync", "ftruncate", "fchmod", "fchown", "fadvise64", "getdents64", "flock",
            "fstatfs", "fchdir", "sendto", "sendmsg", "recvfrom", "recvmsg", "connect", "bind",
            "listen", "accept", "accept4", "getsockopt", "setsockopt", "shutdown"}

# The strace options the normaliser expects (tests/harness.sh uses them
# too).
TRACE_OPTIONS = ["-f", "-qq", "-y", "-s", "32", "-e", "signal=none", "-e",
                 "trace=%file,%desc,%process,%network,close_range"]

LOADER = re.compile(r'\.so(\.[0-9]+)*$|^/etc/ld\.so\.|/glibc-hwcaps(/|$)')
LINE = re.compile(r'^(\d+)\s+(.*)$')
CALL = re.compile(r'^([a-z_0-9]+)\((.*)\)\s+=\s+(.*)$', re.S)
UNFIN = " <unfinished ...>"
RESUMED = re.compile(r'^<\.\.\. ([a-z_0-9]+) resumed>(.*)$', re.S)
FDARG = re.compile(r'^(-?\d+)(?:<((?:[^<>]|<[^<>]*>)*)>)?')
ANNOT = re.compile(r'(\d+)<((?:[^<>]|<[^<>]*>)*)>')


def read_entries(path):
    """[(tid, text)] in strace order, split calls joined where they began."""
    entries = []
    pending = {}
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for raw in f:
            raw = raw.rstrip("\n")
            m = LINE.match(raw)
            if not m:
                continue
            tid, text = int(m.group(1)), m.group(2)
            # "???(": a task the group exit stopped before strace could
            # name its call (an engine thread, spinning or asleep); its
            # "<... ??? resumed>" too.
            if text.startswith(("+++", "---", "???(", "<... ??? resumed>")):
                continue
            r = RESUMED.match(text)
            if r and tid in pending:
                i = pending.pop(tid)
                entries[i][1] = entries[i][1] + r.group(2)
                continue
            if r:
                continue  # the rest of a "???(" left out above
            if text.endswith(UNFIN):
                pending[tid] = len(entries)
                text = text[: -len(UNFIN)]
            entries.append([tid, text])
    # A call that never returned (the process was killed in it).
    for i in pending.values():
        entries[i][1] += ") = ?"
    return entries


LENDING = {"pidfd_open", "pidfd_getfd", "dup3", "close", "close_range"}


# How the engine's timer thread gives its share of the fd table up: the
# whole range, unshared, as its first call.
UNSHARING = "0, 4294967295, CLOSE_RANGE_UNSHARE"


def without_lending(entries):
    """entries less the unsharing and the lending of the engine's tasks
    with an fd table of their own (a task whose first call unshares the
    whole range: a program's own close_range is kept)."""
    own, seen, kept = set(), set(), []
    for tid, text in entries:
        c = parse(text)
        first = tid not in seen
        seen.add(tid)
        if first and c and c[0] == "close_range" and c[1].strip() == UNSHARING:
            own.add(tid)
        elif not (tid in own and c and c[0] in LENDING):
            kept.append([tid, text])
    return kept


def parse(text):
    """(name, args, result) or None for what is not a call line."""
    m = CALL.match(text)
    if not m:
        return None
    return m.group(1), m.group(2), m.group(3).strip()


def first_fd(args):
    """(fd, path or None) of a call's first argument."""
    m = FDARG.match(args)
    if not m:
        return None, None
    return int(m.group(1)), m.group(2)


def result_value(result):
    m = re.match(r'^(-?\d+)', result)
    return int(m.group(1)) if m else None


def is_probe(name, args):
    if name == "fstatfs":
        return True
    if name in ("open", "openat") and re.search(r'"/proc/(self|thread-self)/(maps|smaps|io)"', args):
        return True
    if name in ("read", "close"):
        _, path = first_fd(args)
        return path is not None and re.fullmatch(r'/proc/\d+/(task/\d+/)?(maps|smaps|io)', path) is not None
    if name in ("fstat", "newfstatat", "statx"):
        fd, _ = first_fd(args)
        if name == "fstat":
            return True
        return fd is not None and fd >= 0 and ', "",' in args and "AT_EMPTY_PATH" in args
    if name == "fcntl":
        return re.match(r'^\d+(<[^>]*>)?, F_GETFL\b', args) is not None
    if name == "getsockopt":
        return "SOL_SOCKET, SO_TYPE" in args or "SOL_SOCKET, SO_DOMAIN" in args
    return False


def loader_path(name, args):
    m = re.search(r'"([^"]*)"', args)
    return m is not None and LOADER.search(m.group(1)) is not None


class Proc:
    def __init__(self, name, fds):
        self.name = name
        self.children = 0
        self.fds = dict(fds)      # fd -> path, as far as the trace tells
        self.items = []


def main(argv=None):
    """The command line (tests/harness/normtrace.py); the exit status."""
    subs, hide = [], []
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "--compare":
        if len(args) != 3:
            sys.exit("usage: normtrace.py --compare NATIVE-NORM BCSHIM-NORM")
        return compare(args[1], args[2])
    relaxed = uring = False
    while args and args[0] in ("--sub", "--relaxed-fds", "--uring", "--hide"):
        if args[0] == "--relaxed-fds":
            relaxed = True
        elif args[0] == "--uring":
            uring = True
        elif len(args) < 2:
            break
        elif args[0] == "--hide":
            hide.append(args[1])
            args = args[1:]
        else:
            old, _, new = args[1].partition("=")
            subs.append((old, new))
            args = args[1:]
        args = args[1:]
    if len(args) != 1:
        sys.exit("usage: normtrace.py [--relaxed-fds] [--uring] [--sub OLD=NEW] [--hide PREFIX]... TRACE")
    sys.stdout.write("\n".join(normalise(args[0], subs, relaxed, uring, hide)) + "\n")
    return 0


def normalise(path, subs=(), relaxed=False, uring=False, hide=()):
    """The trace in file path, normalised: a list of lines, "### process
    NAME" before each process's operations."""
    entries = without_lending(read_entries(path))

    # Pass 1: tasks to processes, processes named by their place in the tree.
    proc_of = {}
    procs = {}
    root = None
    for tid, text in entries:
        if tid not in proc_of:
            if root is None:
                root = Proc("1", {})
                procs["1"] = root
                proc_of[tid] = root
            else:  # a task whose creation strace did not show
                p = Proc("?%d" % tid, {})
                procs[p.name] = p
                proc_of[tid] = p
        c = parse(text)
        if not c or c[0] not in FORKS:
            continue
        child = result_value(c[2])
        if child is None or child <= 0:
            continue
        parent = proc_of[tid]
        if "CLONE_THREAD" in c[1]:
            proc_of[child] = parent
        else:
            parent.children += 1
            p = Proc("%s.%d" % (parent.name, parent.children), {})
            procs[p.name] = p
            proc_of[child] = p
    names = {}  # pid -> process name, for the pid normalisation
    for tid, p in proc_of.items():
        names.setdefault(tid, p.name)

    def pidname(num):
        n = int(num)
        if n in names:
            return "P" + names[n]
        return num if n <= 0 else "PID"

    pipes = {}

    def text_subs(s):
        for old, new in subs:
            s = s.replace(old, new)
        s = re.sub(r'0x[0-9a-fA-F]+', '0xADDR', s)
        # execve's environment: bctrial preloads with strace -E, one more.
        s = re.sub(r'/\* \d+ vars \*/', '/* vars */', s)

        def inode(m):
            key = (m.group(1), m.group(2))
            if key not in pipes:
                pipes[key] = "%s%d" % (m.group(1)[0].upper(), len(pipes) + 1)
            return "%s:[%s]" % (m.group(1), pipes[key])
        return re.sub(r'(pipe|socket):\[(\d+)\]', inode, s)

    # Pass 2: per process, the kept calls as items.
    for p in procs.values():
        p.children = 0
    fds_at_fork = {}
    group_exited = set()
    for tid, text in entries:
        p = proc_of[tid]
        if p.name in fds_at_fork:  # first line of a child: inherit the fds
            p.fds = dict(fds_at_fork.pop(p.name))
        c = parse(text)
        if not c:
            p.items.append(("other", None, None, text_subs(text)))
            continue
        name, cargs, result = c
        if hide and any(h in cargs or h in result for h in hide):
            if name == "close":
                p.fds.pop(first_fd(cargs)[0], None)
            continue
        cargs, result = text_subs(cargs), text_subs(result)
        fd, path = first_fd(cargs)
        rv = result_value(result)
        # What the trace tells about the fd table.
        for m in ANNOT.finditer(cargs + " " + result):
            p.fds[int(m.group(1))] = m.group(2)
        if name in FORKS:
            if "CLONE_THREAD" in cargs or rv is None or rv <= 0:
                continue
            p.children += 1
            fds_at_fork["%s.%d" % (p.name, p.children)] = dict(p.fds)
            p.items.append(("other", None, None, "%s(%s) = P%s.%d" % (
                name, cargs, p.name, p.children)))
            continue
        if name == "exit":  # a thread's end
            continue
        # strace may show a process's other threads (the engine's) in the
        # exit_group that ends them too: one is the process's.
        if name == "exit_group":
            if p.name in group_exited:
                continue
            group_exited.add(p.name)
        if uring and (name in URING_CARRIED or name.startswith("io_uring_")
                      or "anon_inode:[io_uring]" in cargs + result):
            continue
        # The dynamic loader's work on shared objects.
        if name in ("open", "openat", "access", "newfstatat", "stat", "statx",
                    "readlink", "faccessat", "faccessat2") and loader_path(name, cargs):
            if rv is not None and rv >= 0 and name in ("open", "openat"):
                p.fds.pop(rv, None)
            continue
        if any(LOADER.search(m.group(2)) for m in ANNOT.finditer(cargs)):
            if name == "close":
                p.fds.pop(fd, None)
            continue
        if name == "mmap":
            mm = re.search(r', (-1|\d+)(<[^>]*>)?, [^,]+$', cargs)
            if mm and mm.group(1) == "-1":
                continue
        if is_probe(name, cargs):
            p.items.append(("probe", fd, path, "~ %s(%s) = %s" % (name, cargs, result)))
            continue
        if name in ("close", "close_range"):
            if name == "close":
                closed = [fd] if rv == 0 else None
            else:
                mm = re.match(r'^(\d+)(?:<[^>]*>)?, (\d+)(?:<[^>]*>)?, (\S+)$', cargs)
                closed = None
                if mm and rv == 0 and mm.group(3) == "0":
                    lo, hi = int(mm.group(1)), int(mm.group(2))
                    closed = sorted(f for f in p.fds if lo <= f <= hi)
            if closed is None:
                p.items.append(("other", None, None, "%s(%s) = %s" % (name, cargs, result)))
            else:
                p.items.append(("close", None, None,
                                ["%d<%s>" % (f, p.fds.get(f, "?")) for f in closed]))
                for f in closed:
                    p.fds.pop(f, None)
            continue
        line = "%s(%s) = %s" % (name, cargs, result)
        kind = "other"
        if name in WRITE_CLASS and rv is not None and rv >= 0:
            kind = "write"
        elif name in PWRITE_CLASS and rv is not None and rv >= 0:
            kind = "pwrite"
        elif name in READ_CLASS and path is not None and commuting(path):
            kind = "read"
        elif (name in DEFERRABLE or (name == "utimensat" and re.match(r'^\d+<[^>]*>, NULL, ', cargs))) \
                and rv == 0:
            kind = "deferrable"
        if kind in ("write", "pwrite"):
            off = None
            if kind == "pwrite":
                mm = re.search(r', (\d+)$', cargs)
                off = int(mm.group(1)) if mm else None
            p.items.append((kind, fd, path, (rv, off, name)))
            continue
        # Random bytes, legitimately different in every run.
        if name in READ_CLASS and path is not None and path in ("/dev/urandom", "/dev/random"):
            line = re.sub(r'^(\w+\([^,]+, )"(?:[^"\\]|\\.)*"(\.\.\.)?', r'\1"RANDOM"', line)
        # A shell's polling reap (bash reaps from its SIGCHLD handler too):
        # whether a child is ready yet is the scheduler's business.
        if name == "wait4" and "WNOHANG" in cargs:
            if rv is None or rv <= 0:
                continue
            line = line.replace("WNOHANG", "0")
        # pids
        if name in ("wait4", "waitid") and rv is not None and rv > 0:
            line = re.sub(r'= (\d+)$', lambda m: "= " + pidname(m.group(1)), line)
        if name in PID_ARG0 or name == "waitid":
            line = re.sub(r'^(\w+\((?:P_PID, )?)(\d+)', lambda m: m.group(1) + pidname(m.group(2)), line)
        if name == "tgkill":
            line = re.sub(r'^(tgkill\([^,]+, )(\d+)', lambda m: m.group(1) + pidname(m.group(2)), line)
        line = re.sub(r'si_pid=(\d+)', lambda m: "si_pid=" + pidname(m.group(1)), line)
        line = re.sub(r'si_(u|s)time=\d+', r'si_\1time=TIME', line)
        line = re.sub(r'ru_(u|s)time=\{[^}]*\}', r'ru_\1time=TIME', line)
        p.items.append((kind, fd, path, line))

    out = []
    for pname in sorted(procs, key=lambda s: [int(x) if x.isdigit() else -1 for x in s.split(".")]):
        p = procs[pname]
        out.append("### process %s" % pname)
        out.extend(render(canonical(p.items)))
    if relaxed:
        out = project(rename_fds(out))
    return out


def commuting(path):
    """Reads of this file need not wait for deferred calls on others."""
    if path.startswith("pipe:") or path.startswith("socket:") or path.startswith("anon_inode:"):
        return False
    if path.startswith("/dev/"):
        return not (path.startswith("/dev/tty") or path.startswith("/dev/pts/")
                    or path.startswith("/dev/console"))
    return True


def canonical(items):
    out = []
    for it in items:
        if it[0] in ("read", "probe"):
            j = len(out)
            while j > 0 and out[j - 1][0] in ("write", "pwrite", "deferrable") \
                    and (it[0] == "probe" or (out[j - 1][2] != it[2] and out[j - 1][1] != it[1])):
                j -= 1
            out.insert(j, it)
        else:
            out.append(it)
    return out


QUOTED = re.compile(r'("(?:[^"\\]|\\.)*"(?:\.\.\.)?)')
FDANNOT = re.compile(r'(?<![\w.])(\d+)<')


FDNAME = re.compile(r'(?<![\w.@])((?:F\d+(?:@[\d.]+)?)|\d+)<((?:[^<>]|<[^<>]*>)*)>')
DEFERRED = re.compile(r'^(write|pwrite|close) |^(fchmod|fchown|fadvise64)\(.*\) = 0$'
                      r'|^utimensat\([^,]+>, NULL, .*\) = 0$')


def project(lines):
    """--relaxed-fds: each process as "## in order" and "## fd NAME"."""
    out = []
    procs = []
    for line in lines:
        if line.startswith("### process "):
            procs.append((line, []))
        elif procs:
            procs[-1][1].append(line)
    for head, body in procs:
        out.append(head)
        out.append("## in order")
        per = {}
        for line in body:
            if not DEFERRED.match(line):
                out.append(line)
            if line.startswith("~ "):
                continue
            if line.startswith("close "):
                for f in line[6:].split(" "):
                    m = FDNAME.match(f)
                    per.setdefault(m.group(1) if m else f, []).append("close " + f)
                continue
            for name in dict.fromkeys(m.group(1) for m in FDNAME.finditer(
                    "".join(QUOTED.split(line)[0::2]))):
                per.setdefault(name, []).append(line)
        for name in sorted(per, key=lambda n: (len(n), n)):
            out.append("## fd " + name)
            out.extend(remerge(per[name]))
    return out


def remerge(lines):
    """Writes (contiguous pwrites) to one fd that met again: one line."""
    out = []
    for line in lines:
        m = re.match(r'^(write|pwrite) (\S+)(?: offset=(\d+))? bytes=(\d+)$', line)
        p = out and re.match(r'^(write|pwrite) (\S+)(?: offset=(\d+))? bytes=(\d+)$', out[-1])
        if m and p and m.group(1, 2) == p.group(1, 2) and (
                m.group(1) == "write" or int(p.group(3)) + int(p.group(4)) == int(m.group(3))):
            total = int(p.group(4)) + int(m.group(4))
            out[-1] = re.sub(r'bytes=\d+$', "bytes=%d" % total, out[-1])
            continue
        out.append(line)
    return out


def rename_fds(lines):
    """--relaxed-fds: fds above 2 named by allocation, per process."""
    out = []
    inherited = {}
    names = proc = None
    by_path = {}
    count = 0
    for line in lines:
        if line.startswith("### process "):
            proc = line[len("### process "):]
            names = dict(inherited.pop(proc, {}))
            by_path = {}
            count = 0
            out.append(line)
            continue
        m = re.match(r'^(?:fork|vfork|clone|clone3)\(.*\) = P([0-9.]+)$', line)
        if m:
            inherited[m.group(1)] = dict(names)
        call = re.match(r'^(?:~ )?(\w+)\(', line)
        cname = call.group(1) if call else None
        # The result: a new fd, or (pipe, socketpair) the array's fds.
        head, sep, tail = line.rpartition(" = ")
        if not sep or not call:
            head, tail = line, ""
        made = cname in ("pipe", "pipe2", "socketpair")

        # strace -y names each fd's file: a deferred close that strace
        # shows after a later open got the same number is still named
        # for the file it closed.
        def path_of(m):
            rest = m.string[m.end():]
            a = FDNAME.match(m.string, m.start())
            return a.group(2) if a else rest.split(">", 1)[0]

        def use(m):
            n = int(m.group(1))
            if n <= 2:
                return m.group(0)
            return "%s<" % by_path.get((n, path_of(m)), names.get(n, n))

        def new(m):
            nonlocal count
            n = int(m.group(1))
            if n <= 2:
                return m.group(0)
            count += 1
            names[n] = "F%d" % count if proc == "1" else "F%d@%s" % (count, proc)
            by_path[(n, path_of(m))] = names[n]
            return "%s<" % names[n]
        parts = QUOTED.split(head)
        for i in range(0, len(parts), 2):
            parts[i] = FDANNOT.sub(new if made else use, parts[i])
        for i in range(1, len(parts), 2):  # tar's chmod("/proc/self/fd/4", ...)
            parts[i] = re.sub(r'(/proc/self/fd/)(\d+)',
                              lambda m: m.group(1) + str(names.get(int(m.group(2)), m.group(2))), parts[i])
        head = "".join(parts)
        if cname in FD_FIRST:
            head = re.sub(r'^((?:~ )?\w+\()(\d+)(?=[,)])',
                          lambda m: m.group(1) + str(names.get(int(m.group(2)), m.group(2))
                                                     if int(m.group(2)) > 2 else m.group(2)), head)
        if cname in ("dup2", "dup3"):
            head = re.sub(r'^(\w+\([^,]+, )(\d+)(?=[,)])',
                          lambda m: m.group(1) + str(names.get(int(m.group(2)), m.group(2))
                                                     if int(m.group(2)) > 2 else m.group(2)), head)
        if tail:
            # A probe's own fd (/proc/self/maps, io) is no allocation of the
            # program's: it must not shift the names of the ones after.
            if not line.startswith("~ "):
                tail = re.sub(r'^(\d+)<', new, tail)
            line = head + " = " + tail
        else:
            line = head
        out.append(line)
    return out


def compare(native, shim):
    """Exit 0 if the normalised traces in the files match, the shim's
    allowed to hold extra probe lines ("~ "); else print where they differ
    and exit 1."""
    with open(native, encoding="utf-8", errors="surrogateescape") as f:
        a = f.read().splitlines()
    with open(shim, encoding="utf-8", errors="surrogateescape") as f:
        b = f.read().splitlines()
    d = difference(a, b)
    if d is None:
        return 0
    sys.stdout.write(d + "\n")
    return 1


def difference(a, b):
    """Where normalised traces a (native) and b (bcshim) differ, as text, or
    None if they match, b being allowed extra probe lines ("~ ")."""
    import difflib
    bad = []
    # The engine's looks at /proc/self/io (a process writing through
    # stdio) come anywhere, and in a loop's repeated lines an extra line
    # can make the matcher pair the rest wrongly: left out first, unless
    # the program read the file itself.
    if not any(is_io_probe(l) for l in a):
        b = [l for l in b if not is_io_probe(l)]
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        if tag == "insert" and all(l.startswith("~ ") for l in b[j1:j2]):
            continue
        bad.append((i1, i2, j1, j2))
    if not bad:
        return None
    out = []
    for i1, i2, j1, j2 in bad[:6]:
        out.append("@@ native line %d, bcshim line %d (%s)" % (
            i1 + 1, j1 + 1, context_of(a, i1)))
        lo = max(0, i1 - 3)
        out.extend("  " + l for l in a[lo:i1])
        out.extend("- " + l for l in a[i1:i2][:15])
        out.extend("+ " + l for l in b[j1:j2][:15])
        out.extend("  " + l for l in a[i2:i2 + 2])
    if len(bad) > 6:
        out.append("... and %d more differences" % (len(bad) - 6))
    return "\n".join(out)


def is_io_probe(line):
    return line.startswith("~ ") and re.search(r'/proc/(self|\d+)/io\b', line) is not None


def excerpt(diff, lines=12, width=160):
    """The start of a difference's text, for a one-line report."""
    return " | ".join(l[:width] for l in diff.splitlines()[:lines])


def context_of(lines, i):
    """The process a line belongs to."""
    for k in range(min(i, len(lines) - 1), -1, -1):
        if lines[k].startswith("### "):
            return lines[k][4:]
    return "?"


def render(items):
    lines = []
    prev = None  # the item being merged: [kind, fd, path, total, next_offset]
    closes = None

    def flush():
        nonlocal prev, closes
        if prev is not None:
            kind, fd, path, total, start = prev[0], prev[1], prev[2], prev[3], prev[5]
            if kind == "pwrite":
                lines.append("pwrite %d<%s> offset=%s bytes=%d" % (fd, path, start, total))
            else:
                lines.append("write %d<%s> bytes=%d" % (fd, path, total))
            prev = None
        if closes is not None:
            lines.append("close " + " ".join(closes))
            closes = None

    for kind, fd, path, data in items:
        if kind in ("write", "pwrite"):
            rv, off, _ = data
            if closes is not None:
                flush()
            if prev is not None and prev[0] == kind and prev[1] == fd and prev[2] == path \
                    and (kind == "write" or prev[4] == off):
                prev[3] += rv
                if off is not None:
                    prev[4] = off + rv
                continue
            flush()
            prev = [kind, fd, path, rv, None if off is None else off + rv, off]
            continue
        if kind == "close":
            if prev is not None:
                flush()
            closes = (closes or []) + data
            continue
        flush()
        lines.append(data)
    flush()
    return lines


if __name__ == "__main__":
    sys.exit(main())
