"""Running a trial: the children, the checks of what can be trialled, the
sides (preload, musl, prebuilt), the interleaved runs and the counts."""

import json
import os
import re
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time

from . import paths
from . import SetupError
from .report import Progress, machine
from .snapshot import entry_difference, files_difference, line_excerpt, sha256_file, snapshot
from .statistics import SCHEMA_VERSION, converged, describe, inconclusive, median, sign_test_interval
from .trace import TRACE_OPTIONS, difference, excerpt, normalise


_LIVE = set()  # process groups of running children, killed on interrupt
# How much older than the trial's start an mtime must be to count: the
# kernel stamps files with a coarse clock, which lags the fine one.
STAMP_SLACK_NS = 1000000000


def _terminate(signum, frame):
    """SIGINT (even if inherited as ignored), SIGTERM and SIGHUP all raise
    KeyboardInterrupt, so that the children are killed and the scratch
    root removed."""
    raise KeyboardInterrupt


def kill_children():
    """Kill every child's process group (each child leads its own session,
    so its descendants go too) and reap the children."""
    for pgid in list(_LIVE):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(pgid, 0)
        except OSError:
            pass
        _LIVE.discard(pgid)


def spawn(argv, cwd, env, stdin, stdout, stderr):
    """Run argv to completion; return (wait status, wall, user, sys).

    os.wait4 gives the child's own rusage (not the sum over every child we
    ever reaped), perf_counter the wall time including fork and exec, which
    both sides pay alike."""
    with open(stdin, "rb") as si, open(stdout, "wb") as so, \
            open(stderr, "wb") as se:
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=si,
                                    stdout=so, stderr=se,
                                    start_new_session=True)
        except OSError as e:
            raise SetupError("cannot run %s: %s" % (argv[0], e.strerror))
        _LIVE.add(proc.pid)
        _, wstatus, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        _LIVE.discard(proc.pid)
        proc.returncode = os.waitstatus_to_exitcode(wstatus)
    return wstatus, wall, ru.ru_utime, ru.ru_stime


def describe_status(wstatus):
    """'exit N' or 'signal N (NAME)': what the status part compares."""
    if os.WIFSIGNALED(wstatus):
        sig = os.WTERMSIG(wstatus)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = "?"
        return "signal %d (%s)" % (sig, name)
    return "exit %d" % os.WEXITSTATUS(wstatus)


def resolve_program(name):
    """PROGRAM as a path: with a slash as given, else searched in PATH."""
    path = name if "/" in name else shutil.which(name)
    if not path or not os.path.exists(path):
        raise SetupError("program not found: %s" % name)
    if os.path.isdir(path) or not os.access(path, os.X_OK):
        raise SetupError("program not executable: %s" % path)
    return os.path.abspath(path)


def elf_has_interp(path):
    """True if path is an ELF with a PT_INTERP program header, False if it is
    an ELF without one (static), None if it is not an ELF at all."""
    with open(path, "rb") as f:
        ident = f.read(16)
        if len(ident) < 16 or ident[:4] != b"\x7fELF":
            return None
        is64 = ident[4] == 2
        end = "<" if ident[5] == 1 else ">"
        if is64:
            hdr = f.read(48)
            phoff, = struct.unpack(end + "Q", hdr[16:24])
            phentsize, phnum = struct.unpack(end + "HH", hdr[38:42])
        else:
            hdr = f.read(36)
            phoff, = struct.unpack(end + "I", hdr[12:16])
            phentsize, phnum = struct.unpack(end + "HH", hdr[26:30])
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            ptype, = struct.unpack(end + "I", f.read(4))
            if ptype == 3:  # PT_INTERP
                return True
    return False


def check_privileges(path):
    """The loader ignores LD_PRELOAD for setuid/setgid programs and ones with
    file capabilities: a trial of them would measure nothing."""
    st = os.stat(path)
    why = None
    if st.st_mode & (stat.S_ISUID | stat.S_ISGID):
        why = "setuid/setgid"
    else:
        try:
            os.getxattr(path, "security.capability")
            why = "has file capabilities"
        except OSError:
            pass
    if why:
        raise SetupError("%s is %s: the loader ignores LD_PRELOAD for it: "
                         "a trial would measure nothing" % (path, why))


def script_interpreter(path):
    """For a #! script, the interpreter that really runs (through env)."""
    with open(path, "rb") as f:
        head = f.read(256)
    if not head.startswith(b"#!"):
        return None
    words = head[2:].split(b"\n")[0].decode(errors="replace").split()
    if not words:
        raise SetupError("%s: empty #! line" % path)
    interp = words[0]
    if os.path.basename(interp) == "env" and len(words) > 1:
        found = shutil.which(words[1])
        if found:
            return found
    return interp


def check_preloadable(path, depth=0):
    """Refuse programs that LD_PRELOAD cannot reach; scripts are judged by
    their interpreter."""
    check_privileges(path)
    interp = script_interpreter(path)
    if interp is not None:
        if depth > 3:
            raise SetupError("%s: too many levels of #! interpreters" % path)
        check_preloadable(resolve_program(interp), depth + 1)
        return
    if elf_has_interp(path) is False:
        raise SetupError("%s is statically linked: nothing to preload into "
                         "(build it with bc-musl-gcc and use --musl)" % path)


def first_existing(candidates):
    """The first candidate that exists, else the first (named in errors)."""
    for c in candidates:
        if os.path.exists(c):
            return c
    return candidates[0]


def default_shim():
    """<dir of bctrial>/../lib/libbcshim.so; from the source tree (trial/),
    the build output out/lib/libbcshim.so."""
    cands = [os.path.join(paths.HERE, "..", "lib", "libbcshim.so"),
             os.path.join(paths.HERE, "..", "out", "lib", "libbcshim.so")]
    if not paths.MULTIARCH.startswith("@"):
        cands.insert(0, os.path.join(paths.HERE, "..", "lib", paths.MULTIARCH,
                                     "libbcshim.so"))
    if os.path.basename(paths.HERE) == "trial":
        cands.reverse()
    return os.path.normpath(first_existing(cands))


def default_musl_gcc():
    """<dir of bctrial>/bc-musl-gcc, or out/bin/ from the source tree."""
    cands = [os.path.join(paths.HERE, "bc-musl-gcc"),
             os.path.join(paths.HERE, "..", "out", "bin", "bc-musl-gcc")]
    if os.path.basename(paths.HERE) == "trial":
        cands.reverse()
    return os.path.normpath(first_existing(cands))


def project_root():
    """The tree bctrial belongs to (out/bin/.. /.. or trial/..)."""
    up = os.path.normpath(os.path.join(paths.HERE, ".."))
    if os.path.basename(up) == "out":
        return os.path.dirname(up)
    return up


_STRACE_OK = None


def strace_usable():
    """strace installed and allowed to trace here (ptrace may be denied)."""
    global _STRACE_OK
    if _STRACE_OK is None:
        exe = shutil.which("strace")
        _STRACE_OK = False
        if exe:
            r = subprocess.run([exe, "-f", "-qq", "-o", "/dev/null", "true"],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            _STRACE_OK = r.returncode == 0
    return _STRACE_OK


def parse_strace_counts(path):
    """strace -c output -> (total calls, {syscall: calls})."""
    per, total = {}, None
    try:
        with open(path, errors="replace") as f:
            for line in f:
                w = line.split()
                if len(w) < 5 or not re.match(r"^\d+\.\d+$", w[0]):
                    continue
                try:
                    calls = int(w[3])
                except ValueError:
                    continue
                if w[-1] == "total":
                    total = calls
                else:
                    per[w[-1]] = per.get(w[-1], 0) + calls
    except OSError:
        return None, {}
    if total is None and per:
        total = sum(per.values())
    return total, per


STATS_FIELDS = ("calls_seen", "deferred", "kernel_entries", "native_entries",
                "mispredictions")


def parse_bc_stats(path):
    """Sum the BC_STATS lines of one run: calls.total, deferred,
    kernel_entries, native_entries, mispredictions, flushes.reasons (as
    flush_reasons).  A field no line has stays None (reported as n/a)."""
    acc = dict.fromkeys(STATS_FIELDS)
    acc["flush_reasons"] = None
    acc["config"] = None
    try:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    for line in lines:
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        calls = obj.get("calls") if isinstance(obj.get("calls"), dict) else {}

        def pick(name):
            v = obj.get(name, calls.get(name))
            return v if isinstance(v, (int, float)) else None

        values = {"calls_seen": calls.get("total"),
                  "deferred": pick("deferred"),
                  "kernel_entries": pick("kernel_entries"),
                  "native_entries": pick("native_entries"),
                  "mispredictions": pick("mispredictions")}
        for k, v in values.items():
            if isinstance(v, (int, float)):
                acc[k] = (acc[k] or 0) + v
        if isinstance(obj.get("config"), dict):
            acc["config"] = obj["config"]
        flushes = obj.get("flushes") if isinstance(obj.get("flushes"), dict) else {}
        fr = flushes.get("reasons", obj.get("flush_reasons"))
        if isinstance(fr, dict):
            acc["flush_reasons"] = acc["flush_reasons"] or {}
            for k, v in fr.items():
                if isinstance(v, (int, float)) and v > 0:
                    acc["flush_reasons"][k] = acc["flush_reasons"].get(k, 0) + v
    return acc if lines else None


class Side:
    """One side of the trial: its argv and the environment it adds."""

    def __init__(self, name, argv, env, strace_env=()):
        self.name = name
        self.argv = argv
        self.env = env
        self.strace_env = list(strace_env)  # -E for the tracee only


class Run:
    """One finished run: where it happened and what it produced."""

    def __init__(self, side, index, rundir):
        self.side, self.index, self.rundir = side, index, rundir
        self.work = os.path.join(rundir, "work")
        self.stdout = os.path.join(rundir, "stdout")
        self.stderr = os.path.join(rundir, "stderr")
        self.status = self.wall = self.user = self.sys = None
        self.files = self.hashes = self.stats = None


class Trial:
    """A trial of one program: runs, judgements, statistics, report."""

    def __init__(self, opts, program, args, mode, progress=None):
        self.opts = opts
        self.program, self.args, self.mode = program, args, mode
        self.root = tempfile.mkdtemp(prefix="bctrial-")
        self.progress = progress
        self.pairs = []          # (native Run, batched Run, ratio)
        self.differences = []    # {part, pair, detail}
        self.nondet = {}         # part -> detail
        self.nondet_paths = set()
        self.stable_mtimes = set()
        self.stopped = None
        self.stats_runs = []
        self.counts = {}
        self.trace_note = None

    # -- preparation

    def env_for(self, extra):
        """The caller's environment, without a BC_STATS of its own."""
        env = dict(os.environ)
        env.pop("BC_STATS", None)
        env.update(extra)
        return env

    def prepare(self):
        """Build (--musl) or check the program; make the two sides."""
        o = self.opts
        if self.mode == "preload":
            path = resolve_program(self.program)
            shim = os.path.abspath(o.shim or default_shim())
            if not os.path.exists(shim):
                raise SetupError("shim not built: %s does not exist (run "
                                 "ninja, or pass --shim PATH)" % shim)
            check_preloadable(path)
            self.shim = shim
            argv = [path] + self.args
            self.native = Side("native", argv, {})
            self.batched = Side("batched", argv, {"LD_PRELOAD": shim},
                                ["LD_PRELOAD=" + shim])
        elif self.mode == "musl":
            self.native = Side("native", [self.build("off")] + self.args, {})
            self.batched = Side("batched",
                                [self.build(o.musl_mode)] + self.args, {})
        else:  # prebuilt pair (suites): [native, batched] binaries
            nat, bat = self.program
            self.native = Side("native", [resolve_program(nat)] + self.args,
                               {})
            self.batched = Side("batched",
                                [resolve_program(bat)] + self.args, {})
        self.stdin = os.path.abspath(o.stdin or "/dev/null")
        if not os.path.exists(self.stdin):
            raise SetupError("--stdin %s does not exist" % o.stdin)
        if o.workdir and not os.path.isdir(o.workdir):
            raise SetupError("--workdir %s is not a directory" % o.workdir)
        # The engine's settings, for the batched side only.
        for var, val in (("BC_LEVEL", o.level), ("BC_EXECUTOR", o.executor),
                         ("BC_PROFILE", o.profile)):
            if val is not None:
                self.batched.env[var] = val

    def build(self, bcmode):
        """Compile the C source with bc-musl-gcc --bc=MODE into the scratch
        root; a refusal or a compile error is a setup error."""
        src = os.path.abspath(self.program)
        if not os.path.isfile(src):
            raise SetupError("C source not found: %s" % self.program)
        gcc = os.path.abspath(self.opts.musl_gcc or default_musl_gcc())
        if not os.access(gcc, os.X_OK):
            raise SetupError("--musl needs bc-musl-gcc: %s does not exist "
                             "(run ninja)" % gcc)
        out = os.path.join(self.root, "prog-" + bcmode)
        r = subprocess.run([gcc, "--bc=" + bcmode, "-O2", src, "-o", out],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace")
        if r.returncode != 0:
            msg = r.stdout.strip().splitlines()
            errs = [m for m in msg if "error" in m] or msg
            first = errs[0] if errs else "exit status %d" % r.returncode
            if first.startswith("bc-musl-gcc:"):
                raise SetupError(first)
            raise SetupError("%s does not build with bc-musl-gcc --bc=%s: %s"
                             % (self.program, bcmode, first))
        return out

    def fresh_dir(self, tag):
        """A fresh copy of the workdir template, with setup run in it."""
        rundir = os.path.join(self.root, tag)
        os.mkdir(rundir)
        work = os.path.join(rundir, "work")
        if self.opts.workdir:
            shutil.copytree(self.opts.workdir, work, symlinks=True)
        else:
            os.mkdir(work)
        if self.opts.setup:
            log = os.path.join(rundir, "setup.log")
            ws, _, _, _ = spawn(["sh", "-c", self.opts.setup], work,
                                self.env_for({}), "/dev/null", log, log)
            if ws != 0:
                with open(log, errors="replace") as f:
                    tail = f.read().strip().splitlines()[-1:] or [
                        "sh -c %s" % self.opts.setup]
                raise SetupError("setup failed (%s): %s" % (
                    describe_status(ws), tail[0][:200]))
        return rundir

    # -- running

    def run(self, side, index, wrapper=None, wrapper_tag=""):
        """One run of a side in a fresh directory.  wrapper: an strace
        command prefix (the untimed extra runs)."""
        tag = "%s%s-%d" % (side.name[0], wrapper_tag, index)
        r = Run(side, index, self.fresh_dir(tag))
        extra = dict(side.env)
        if side.name == "batched":
            extra["BC_STATS"] = os.path.join(
                self.root, "stats-%s%d.jsonl" % (wrapper_tag, index))
        env = self.env_for(extra)
        argv = side.argv
        if wrapper:
            for kv in side.strace_env:  # the preload for the tracee only
                env.pop(kv.split("=", 1)[0], None)
            argv = wrapper + [a for kv in side.strace_env
                              for a in ("-E", kv)] + ["--"] + argv
        ws, r.wall, r.user, r.sys = spawn(argv, r.work, env, self.stdin,
                                          r.stdout, r.stderr)
        r.status = describe_status(ws)
        if side.name == "batched":
            r.stats = parse_bc_stats(extra["BC_STATS"])
        return r

    def finish_run(self, r):
        """Record what the comparisons need; the directory may then go."""
        r.hashes = {"stdout": sha256_file(r.stdout),
                    "stderr": sha256_file(r.stderr)}
        r.files = snapshot(r.work)

    def discard(self, *runs):
        """Remove run directories unless --keep."""
        if not self.opts.keep:
            for r in runs:
                shutil.rmtree(r.rundir, ignore_errors=True)

    def timed_pairs(self):
        """Interleaved pairs N1 B1 B2 N2 N3 B3 ...; the nondeterminism check
        after the second pair; adaptive stop or exactly --runs pairs."""
        o = self.opts
        start = time.monotonic()
        self.began_ns = time.time_ns()
        held = []
        i = 0
        while True:
            i += 1
            order = ((self.native, self.batched) if i % 2
                     else (self.batched, self.native))
            done = {}
            for side in order:
                done[side.name] = self.run(side, i)
                self.finish_run(done[side.name])
            n, b = done["native"], done["batched"]
            ratio = n.wall / b.wall if b.wall > 0 else float("inf")
            self.pairs.append((n, b, ratio))
            if b.stats is not None:
                self.stats_runs.append(b.stats)
            if i <= 2:
                held.append((n, b))
                if i == 2:
                    self.check_nondeterminism(held[0][0], held[1][0])
                    for k, (hn, hb) in enumerate(held, 1):
                        self.compare_pair(k, hn, hb)
                        self.discard(hn, hb)
            else:
                self.compare_pair(i, n, b)
                self.discard(n, b)
            elapsed = time.monotonic() - start
            ratios = [p[2] for p in self.pairs]
            if self.progress:
                self.progress(i, o.runs, ratios, elapsed, o.max_time)
            if o.runs:
                if i >= o.runs:
                    self.stopped = "fixed %d pairs" % o.runs
                    break
            elif i >= 2 and converged(ratios):
                self.stopped = "converged (interval within +-3%)"
                break
            elif i >= 2 and elapsed >= o.max_time:
                self.stopped = "time cap %gs" % o.max_time
                break

    # -- judging

    def check_nondeterminism(self, n1, n2):
        """Native run 1 against native run 2: the parts that differ are the
        program's own nondeterminism, named and left out of the judgement."""
        for part in ("stdout", "stderr"):
            if n1.hashes[part] != n2.hashes[part]:
                self.nondet[part] = line_excerpt(
                    getattr(n1, part), getattr(n2, part),
                    ("native 1", "native 2"))
        if n1.status != n2.status:
            self.nondet["status"] = "%s against %s" % (n1.status, n2.status)
        a, b = n1.files, n2.files
        now = time.time_ns()
        for rel in set(a) | set(b):
            if rel not in a or rel not in b:
                self.nondet_paths.add(rel)
            elif entry_difference(a[rel], b[rel], False):
                self.nondet_paths.add(rel)
            elif a[rel][5] == b[rel][5] and not (self.began_ns - STAMP_SLACK_NS <= a[rel][5] <=
                                                 now + STAMP_SLACK_NS):
                # Older than the runs, or still to come: set by the
                # template, the setup or the program (utime), not the
                # time of a write, which two runs share by chance of the
                # kernel's coarse clock.
                self.stable_mtimes.add(rel)
        if self.nondet_paths:
            self.nondet["files"] = "differ between native runs: " + ", ".join(
                sorted(self.nondet_paths)[:5])

    def compare_pair(self, k, n, b):
        """Native against batched on every stable part; differences go into
        the report with the part, the pair and a short excerpt."""
        for part in ("stdout", "stderr"):
            if part not in self.nondet and n.hashes[part] != b.hashes[part]:
                self.differ(part, k, line_excerpt(getattr(n, part),
                                                  getattr(b, part)))
        if "status" not in self.nondet and n.status != b.status:
            self.differ("status", k, "native %s, batched %s" % (n.status,
                                                                 b.status))
        d = files_difference(n.files, b.files, (n.work, b.work),
                             self.stable_mtimes, self.nondet_paths)
        if d:
            self.differ("files", k, d)

    def differ(self, part, pair, detail):
        self.differences.append({"part": part, "pair": pair,
                                 "detail": detail})

    # -- untimed extra runs

    def count_syscalls(self):
        """One strace -f -c run per side: what the kernel saw."""
        if not strace_usable():
            return
        for side in (self.native, self.batched):
            out = os.path.join(self.root, "count-%s.txt" % side.name)
            r = self.run(side, 0, ["strace", "-f", "-c", "-o", out], "c")
            total, per = parse_strace_counts(out)
            self.counts[side.name] = {"total": total, "by_syscall": per}
            if side.name == "batched" and r.stats is not None \
                    and not self.stats_runs:
                self.stats_runs.append(r.stats)
            self.discard(r)

    def compare_traces(self):
        """--trace: two traced native runs (so that the trace's own
        nondeterminism shows) and one traced batched run, normalised by
        the trace normaliser the engine's test harness uses (trace.py)."""
        env = self.env_for(dict(self.batched.env))
        # The report's file, and its directory looked at when the file is
        # not there yet.
        hide = [self.root + "/stats-", '"%s/"' % self.root]
        if self.mode == "preload":
            hide.append(self.shim)
        # The engine reads its profile at start (BC_PROFILE, else the
        # XDG default); the native side does not.
        profile = env.get("BC_PROFILE")
        if profile is None:
            profile = os.path.join(
                env.get("XDG_CONFIG_HOME") or os.path.join(
                    env.get("HOME", ""), ".config"), "bcshim", "profile")
        if profile:
            hide.append(profile)
        traces = []
        for side, idx in ((self.native, 1), (self.native, 2),
                          (self.batched, 1)):
            out = os.path.join(self.root, "trace-%s-%d.txt" % (side.name,
                                                                idx))
            r = self.run(side, idx, ["strace"] + TRACE_OPTIONS + ["-o", out],
                         "t")
            # The two sides' programs differ by name with --musl and in
            # suites' prebuilt pairs.
            subs = [(side.argv[0], "PROGRAM"), (r.work, "WORKDIR"),
                    (r.rundir, "RUNDIR"), (self.root, "SCRATCH")]
            traces.append(normalise(out, subs, hide=hide))
            self.discard(r)
        nd = difference(traces[0], traces[1])
        if nd:
            self.nondet["trace"] = excerpt(nd)
        else:
            d = difference(traces[0], traces[2])
            if d:
                self.differ("trace", 1, excerpt(d))
        self.trace_calls = [sum(1 for x in t if not x.startswith("### "))
                            for t in traces]

    # -- the whole trial

    def execute(self):
        """Prepare, run the pairs and the extra runs; return the report."""
        self.prepare()
        self.timed_pairs()
        if self.progress:
            self.progress(None)
        self.count_syscalls()
        if self.opts.trace:
            self.compare_traces()
        return self.report()

    def cleanup(self):
        if self.opts.keep:
            print("bctrial: scratch kept in %s" % self.root, file=sys.stderr)
        else:
            shutil.rmtree(self.root, ignore_errors=True)

    # -- the report

    def report(self):
        """Everything measured and judged, as a JSON-ready dict."""
        ratios = [p[2] for p in self.pairs]
        ci = sign_test_interval(ratios)
        parts = ["stdout", "stderr", "status", "files"] + (
            ["trace"] if self.opts.trace else [])
        side = {}
        for k, name in ((0, "native"), (1, "batched")):
            side[name] = {m: median([getattr(p[k], m) for p in self.pairs])
                          for m in ("wall", "user", "sys")}
            side[name]["wall_stats"] = describe(
                [p[k].wall for p in self.pairs])
        stats = self.median_stats()
        nat = self.counts.get("native", {}).get("total")
        bat = self.counts.get("batched", {}).get("total")
        seen = stats.get("calls_seen")
        prog = self.program if isinstance(self.program, str) else \
            self.program[0]
        rep = {
            "schema_version": SCHEMA_VERSION,
            "machine": machine(),
            "program": " ".join([prog] + self.args),
            "mode": self.mode if self.mode != "musl" else
            "musl-" + self.opts.musl_mode,
            "runs": len(self.pairs),
            "stopped": self.stopped,
            "ratio": median(ratios),
            "ratio_ci": list(ci) if ci else None,
            "inconclusive": inconclusive(median(ratios), ci),
            "ratio_stats": describe(ratios),
            "ratios": ratios,
            "native": side["native"],
            "batched": side["batched"],
            "pairs": [{"native": {"wall": n.wall, "user": n.user,
                                  "sys": n.sys},
                       "batched": {"wall": b.wall, "user": b.user,
                                   "sys": b.sys},
                       "ratio": r} for n, b, r in self.pairs],
            "equivalent": not self.differences,
            "compared_parts": parts,
            "nondeterministic": bool(self.nondet),
            "nondeterministic_parts": sorted(self.nondet),
            "nondeterministic_detail": self.nondet,
            "differences": self.differences,
            "native_syscalls": nat,
            "batched_syscalls": bat,
            "entries_saved": nat - bat if nat is not None and bat is not None
            else None,
            "syscalls_by_name": {k: v.get("by_syscall") for k, v in
                                 self.counts.items()} or None,
            "calls_seen": seen,
            "deferred": stats.get("deferred"),
            "kernel_entries": stats.get("kernel_entries"),
            "native_entries": stats.get("native_entries"),
            "mispredictions": stats.get("mispredictions"),
            "flush_reasons": stats.get("flush_reasons"),
            "engine": engine_summary(stats.get("config")),
            "coverage": seen / nat if seen is not None and nat else None,
            "deferred_share": stats["deferred"] / seen
            if stats.get("deferred") is not None and seen else None,
            "scratch": self.root if self.opts.keep else None,
        }
        rep["all_nondeterministic"] = all(p in self.nondet for p in parts)
        return rep

    def median_stats(self):
        """Per BC_STATS field, the median over the batched runs that
        reported it (a deterministic program reports the same each time)."""
        out = {}
        for f in STATS_FIELDS:
            vals = [s[f] for s in self.stats_runs if s.get(f) is not None]
            out[f] = median(vals) if vals else None
            if isinstance(out[f], float) and out[f].is_integer():
                out[f] = int(out[f])
        frs = [s["flush_reasons"] for s in self.stats_runs
               if s.get("flush_reasons")]
        out["flush_reasons"] = frs[0] if frs else None
        cfgs = [s["config"] for s in self.stats_runs if s.get("config")]
        out["config"] = cfgs[0] if cfgs else None
        return out


def engine_summary(cfg):
    """The engine's settings from its report: level, executor, profile and
    the executor chosen per class; None if it reported none."""
    if not cfg:
        return None
    return {"level": cfg.get("level"), "executor": cfg.get("executor"),
            "profile": cfg.get("profile"), "classes": cfg.get("classes"),
            "uring": cfg.get("uring")}


def exit_status(rep):
    """0 equivalent, 1 not, 3 nondeterministic in every compared part."""
    if rep["differences"]:
        return 1
    if rep["all_nondeterministic"]:
        return 3
    return 0


def one_trial(opts, program, args, mode):
    """A whole trial, its scratch root removed however it ends."""
    progress = Progress() if (not opts.quiet and sys.stderr.isatty()) \
        else None
    trial = Trial(opts, program, args, mode, progress)
    try:
        return trial.execute()
    finally:
        kill_children()
        if progress:
            progress(None)
        trial.cleanup()
