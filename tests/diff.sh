#!/bin/sh
# Differential tests of the deferral engine on real Debian programs: each
# case runs a command natively and under LD_PRELOAD=out/lib/libbcshim.so
# (for the musl case: a bc-musl-gcc --bc=off build against a --bc=batch
# build), each in a fresh copy of the same scratch directory, with
# `env -i PATH=/usr/bin:/bin LC_ALL=C` (LD_PRELOAD empty natively) plus
# what the case adds, and compares
#   - stdout bytes, stderr bytes, and exit status or terminating signal;
#   - the resulting file tree: names, types, modes, sizes, content hashes,
#     symlink targets, and modification times where the program sets them
#     (tar -x, cp -a, gzip);
#   - for the cases marked "trace", the normalised strace operation sequence
#     of a second pair of runs (tests/diff/normtrace.py says what is
#     normalised and why; fd numbers are kept).
# The native side runs once; the bcshim side under every mode of
# tests/modes.sh, each compared with it (the mode ends the test's name).
# Traces under the relaxed level are compared with fds above 2 renamed by
# allocation (normtrace.py --relaxed-fds).  Under io_uring they are weaker:
# the calls io_uring may carry are invisible to strace, so they are left out
# on both sides (normtrace.py --uring); what they did still shows in the
# outputs and files, compared in full.
# Cases: dd (bs=64 from /dev/zero to a file and to stdout, bs=100 file to
# file), tar -c and tar -x of a generated tree (~200 files, nested
# directories, varied modes and mtimes, symlinks), cp -r and cp -a of it,
# gzip, gzip -d and gzip -c of a 1 MB file, sort (stdout, -o), python3 -u,
# perl with $|=1, bash loops appending with >> and >&3, dash's `echo one >
# in1` with stdout a file, a four-thread write(2) program, a shell
# pipeline, a program whose children share its stdout across fork, exec,
# vfork, posix_spawn, system and popen, `yes | head -1` and a SIGPIPE death,
# a static musl program, and the BC_STATS reports of dd bs=64 and bs=100
# (deferred > 0, fewer kernel entries than native).  Traced: dd, tar -c,
# tar -x, cp -r (on the tmpfs at /dev/shm), gzip, sort -o, python3, perl,
# bash, dash, forkexec and the musl program, with smaller sizes.
#
# Prints TAP (tests/tap.sh) for tests/run.sh; exits 0 whatever the results.
# To check the harness itself before the engine exists (native against
# native, musl off against pass):
#   BC_TEST_PRELOAD= BC_TEST_MUSL_MODE=pass sh tests/diff.sh
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
w=$top/out/tests/diff
lib=${BC_TEST_PRELOAD-$top/out/lib/libbcshim.so}
musl_mode=${BC_TEST_MUSL_MODE:-batch}
cflags="-std=c11 -O2 -Wall -Wextra -Werror"
py=/usr/bin/python3
[ -x "$py" ] || py=python3
umask 022
rm -rf "$w" && mkdir -p "$w/bin" "$w/tmpl" || { echo "1..0 # SKIP cannot make $w"; exit 0; }
. tests/tap.sh
. tests/modes.sh

# ---- building -------------------------------------------------------------

: >"$w/build.log"
build() {
	_out=$w/bin/$1
	shift
	"$@" -o "$_out" >>"$w/build.log" 2>&1 || echo "failed: $* -o $_out" >>"$w/build.fail"
}
build run cc $cflags tests/diff/run.c
build threads cc $cflags -pthread tests/diff/threads.c
build forkexec cc $cflags tests/diff/forkexec.c
build pipewriter cc $cflags tests/diff/pipewriter.c
build musl-off "$top/out/bin/bc-musl-gcc" --bc=off $cflags tests/diff/musl_prog.c
build musl-bc "$top/out/bin/bc-musl-gcc" --bc="$musl_mode" $cflags tests/diff/musl_prog.c
built "test programs"
runner=$w/bin/run

have_strace=yes
if ! command -v strace >/dev/null 2>&1; then
	have_strace="strace is not installed"
elif ! strace -f -qq -o /dev/null /bin/true >/dev/null 2>&1; then
	have_strace="strace cannot trace here"
fi

# ---- scratch templates ----------------------------------------------------

# Every input is generated here, deterministically; each run gets a fresh
# copy (cp -a keeps the modes and mtimes) of one template directory.
"$py" - "$w/tmpl" <<'EOF' || echo "generating the templates failed" >"$w/tmpl.fail"
import os, random, sys
base = sys.argv[1]
rnd = random.Random(20240601)
def mk(name):
    d = os.path.join(base, name)
    os.makedirs(d)
    return d
mk("empty")
# 200000 bytes of text: dd bs=100 file to file.
with open(os.path.join(mk("copy"), "in"), "w") as f:
    f.write("".join("%07d %s\n" % (i, "abcdefghij"[i % 10] * (i % 50)) for i in range(7000))[:200000])
# The tree: 200 files in nested directories, an empty file and directory,
# symlinks, varied sizes, modes and mtimes (some with nanoseconds).
t = os.path.join(mk("tree"), "tree")
fmodes = [0o644, 0o600, 0o755, 0o444, 0o640, 0o700]
dirs = set()
for i in range(200):
    d = os.path.join(t, "d%d" % (i % 5), "s%d" % (i // 5 % 4))
    if i % 7 == 0:
        d = os.path.join(d, "n%d" % (i % 3))
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, "f%03d" % i)
    size = 150000 if i % 50 == 0 else (0 if i % 37 == 0 else rnd.randrange(1, 6000))
    with open(p, "wb") as f:
        f.write(rnd.randbytes(size))
    os.chmod(p, fmodes[i % 6])
    os.utime(p, ns=((1600000000 + i * 7919) * 10**9 + (i % 4) * 123456789,) * 2)
    while d != t:
        dirs.add(d)
        d = os.path.dirname(d)
os.makedirs(os.path.join(t, "emptydir"))
dirs.add(os.path.join(t, "emptydir"))
for k, target in enumerate(["d0/s0/f000", "d1/s1/f006", "nowhere"]):
    os.symlink(target, os.path.join(t, "link%d" % k))
dmodes = [0o755, 0o750, 0o700]
for k, d in enumerate(sorted(dirs, key=lambda s: (-s.count("/"), s))):
    os.chmod(d, dmodes[k % 3])
    os.utime(d, (1500000000 + k * 86400,) * 2)
os.utime(t, (1400000000, 1400000000))
# 1 MB of compressible text with some noise, for gzip and sort.
lines = []
size = 0
i = 0
while size < 1 << 20:
    l = "%d %s %08x\n" % (i, "the quick brown fox"[: i % 19], rnd.getrandbits(32))
    lines.append(l)
    size += len(l)
    i += 1
data = "".join(lines)[: 1 << 20]
with open(os.path.join(mk("data"), "data"), "w") as f:
    f.write(data)
os.utime(os.path.join(base, "data", "data"), (1234567890, 1234567890))
with open(os.path.join(mk("sortin"), "in"), "w") as f:
    f.write("".join("%08x %d\n" % (rnd.getrandbits(32), j) for j in range(50000)))
EOF
# The tarball and the .gz are made natively, once.
mkdir -p "$w/tmpl/tarball" "$w/tmpl/gz"
(cd "$w/tmpl/tree" && tar --sort=name -cf "$w/tmpl/tarball/tree.tar" tree) || echo "tar of the template failed" >>"$w/tmpl.fail"
cp -a "$w/tmpl/data/data" "$w/tmpl/gz/data" && gzip "$w/tmpl/gz/data" || echo "gzip of the template failed" >>"$w/tmpl.fail"
if [ -e "$w/tmpl.fail" ]; then
	not_ok "generate the inputs" "$(cat "$w/tmpl.fail")"
fi

# ---- one side of a case -----------------------------------------------------

# Per case, set before calling: tmpl (template name), case_env ("-e VAR=VAL"
# words for run), case_stdin (a file), mtimes (yes: compare modification
# times), tree_skip (a path left out of the tree comparison).  mode_e: the
# bcshim side's mode (words "-e VAR=VAL" for side, "-E VAR=VAL" for traced;
# empty natively).
strace_opts="-f -qq -y -s 32 -e signal=none -e trace=%file,%desc,%process,%network,close_range"
reset_case() { tmpl=empty case_env= case_stdin=/dev/null mtimes=no tree_skip=; }
mode_e=
reset_case

# side DIR PRELOAD CMD...: run CMD in DIR/cwd, a fresh copy of the
# template; DIR/stdout, DIR/stderr, DIR/status.  The two sides' DIRs have
# paths of the same length (n and a mode's index, tn and t with it).
side() {
	_d=$1 _pre=$2
	shift 2
	rm -rf "$_d" && mkdir -p "$_d" && cp -a "$w/tmpl/$tmpl" "$_d/cwd" || return
	# shellcheck disable=SC2086 # case_env is a list of words
	(cd "$_d/cwd" && "$runner" -o "$_d/status" -t 60 -e PATH=/usr/bin:/bin -e LC_ALL=C \
		-e "LD_PRELOAD=$_pre" $mode_e $case_env -- "$@" <"$case_stdin" >"$_d/stdout" 2>"$_d/stderr")
}
# traced DIR PRELOAD CMD...: the same under strace (into DIR/trace); the
# preload and the mode are given to the traced command only, never to
# strace.
traced() {
	_d=$1 _pre=$2
	shift 2
	rm -rf "$_d" && mkdir -p "$_d" && cp -a "$w/tmpl/$tmpl" "$_d/cwd" || return
	# shellcheck disable=SC2086
	(cd "$_d/cwd" && "$runner" -o "$_d/status" -t 120 -e PATH=/usr/bin:/bin -e LC_ALL=C \
		$case_env -- strace $strace_opts -E "LD_PRELOAD=$_pre" $mode_e \
		-o "$_d/trace" "$@" \
		<"$case_stdin" >"$_d/stdout" 2>"$_d/stderr")
}

# snap DIR: the tree under DIR/cwd, one line per entry, sorted.
snap() {
	(
		cd "$1/cwd" || exit 1
		if [ "$mtimes" = yes ]; then _t=' %T@'; else _t=; fi
		find . -mindepth 1 \( -type d -printf "%P dir %m$_t\n" \) -o \
			\( -type l -printf "%P link %l\n" \) -o \
			\( -type f -printf "%P file %m %s$_t\n" \) -o -printf '%P other %y\n'
		find . -type f -print0 | xargs -0 -r sha256sum | sed 's#  \./# sha256 #' |
			awk '{ print $3, $2, $1 }'
	) | LC_ALL=C sort | { if [ -n "$tree_skip" ]; then grep -v "^$tree_skip "; else cat; fi; }
}

# compare DIR-N DIR-S PROBLEMS: what differs between the two sides.
compare() {
	_a=$1 _b=$2 _p=$3
	: >"$_p"
	_sa=$(cat "$_a/status" 2>/dev/null || echo none) _sb=$(cat "$_b/status" 2>/dev/null || echo none)
	[ "$_sa" = "$_sb" ] || echo "status: native '$_sa', bcshim '$_sb'" >>"$_p"
	for _f in stdout stderr; do
		if ! cmp -s "$_a/$_f" "$_b/$_f"; then
			{
				echo "$_f differs: native $(wc -c <"$_a/$_f") bytes, bcshim $(wc -c <"$_b/$_f") bytes; $(cmp "$_a/$_f" "$_b/$_f" 2>&1 | head -n 1)"
				diff -u "$_a/$_f" "$_b/$_f" | head -n 20
			} >>"$_p"
		fi
	done
	snap "$_a" >"$_a/tree"
	snap "$_b" >"$_b/tree"
	if ! cmp -s "$_a/tree" "$_b/tree"; then
		{ echo "file trees differ (native -, bcshim +):"; diff -u "$_a/tree" "$_b/tree" | sed -n '3,40p'; } >>"$_p"
	fi
}

# dcase NAME CMD...: run the native side and the bcshim side under each
# mode (DIR n and 1, 2...) untraced, compare everything.
dcase() {
	_name=$1
	shift
	_c=$w/case/$(echo "$_name" | tr -c 'a-zA-Z0-9\n' '_')
	side "$_c/n" "" "$@"
	_i=0
	for _m in $modes; do
		_i=$((_i + 1))
		mode_e=$(mode_opts "$_m" -e)
		side "$_c/$_i" "$lib" "$@"
		mode_e=
		compare "$_c/n" "$_c/$_i" "$_c/problems.$_i"
		verdict "$_name: same output, status and files [$_m]" "$_c/problems.$_i"
	done
}

# dtrace NAME CMD...: run both sides under strace, compare the normalised
# operation sequences (and the outputs, status and files once more).
dtrace() {
	_name=$1
	shift
	if [ "$have_strace" != yes ]; then
		skip "$_name: same operations" "$have_strace"
		return
	fi
	_c=${case_root:-$w/case}/$(echo "$_name" | tr -c 'a-zA-Z0-9\n' '_')
	mode_e=$(mode_opts "" -E)
	traced "$_c/tn" "" "$@"
	_i=0
	for _m in $modes; do
		_i=$((_i + 1))
		mode_e=$(mode_opts "$_m" -E)
		traced "$_c/t$_i" "$lib" "$@"
		mode_e=
		trace_verdict "$_name" "$_c" "$_c/tn" "$_c/t$_i" "$_m"
	done
}

# trace_verdict NAME CASEDIR DIR-N DIR-S MODE: normalise both for the mode
# (into DIR-N/norm.MODE and DIR-S/norm) and compare.
trace_verdict() {
	_name=$1 _c=$2 _a=$3 _b=$4 _m=$5
	_p=$_c/tproblems.$_m
	_nf=
	relaxed "$_m" && _nf=--relaxed-fds
	[ "$(executor "$_m")" = uring ] && _nf="$_nf --uring"
	compare "$_a" "$_b" "$_p"
	"$py" tests/diff/normtrace.py $_nf --sub "$_a=RUN" "$_a/trace" >"$_a/norm.$_m" 2>>"$_p"
	"$py" tests/diff/normtrace.py $_nf --sub "$_b=RUN" "$_b/trace" >"$_b/norm" 2>>"$_p"
	if [ "$(wc -l <"$_a/norm.$_m")" -lt 5 ]; then
		echo "the native trace has $(wc -l <"$_a/norm.$_m") operations: strace did not work" >>"$_p"
	elif ! "$py" tests/diff/normtrace.py --compare "$_a/norm.$_m" "$_b/norm" >"$_c/tdiff.$_m" 2>&1; then
		{
			echo "normalised traces differ (native -, bcshim +; $_a/norm.$_m, $_b/norm):"
			head -n 60 "$_c/tdiff.$_m"
		} >>"$_p"
	fi
	verdict "$_name: same operations [$_m]" "$_p"
}

# ---- the cases ----------------------------------------------------------------

# dd: small blocks, so that every block is one write(2).
dcase "dd bs=64 count=20000 /dev/zero to a file" dd if=/dev/zero of=out bs=64 count=20000 status=noxfer
dtrace "dd bs=64 count=2000 /dev/zero to a file" dd if=/dev/zero of=out bs=64 count=2000 status=noxfer
dcase "dd bs=64 count=20000 /dev/zero to stdout" dd if=/dev/zero bs=64 count=20000 status=noxfer
tmpl=copy
dcase "dd bs=100 file to file" dd if=in of=out bs=100 status=noxfer
dtrace "dd bs=100 count=300 file to file" dd if=in of=out bs=100 count=300 status=noxfer
reset_case

# tar and cp of the tree.
tmpl=tree
dcase "tar -c of a tree" tar --sort=name -cf out.tar tree
dtrace "tar -c of a tree" tar --sort=name -cf out.tar tree
dcase "cp -r of a tree" cp -r tree copy
# cp visits a directory's entries in inode order on ext4 (coreutils sorts
# them so where that reads faster), and two copies of the template get
# different inode numbers; on tmpfs it takes readdir order, which follows
# the order of creation, the same in every copy.
if [ "$have_strace" = yes ] && [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] &&
	shm=$(mktemp -d /dev/shm/bcshim-diff.XXXXXX); then
	case_root=$shm
	dtrace "cp -r of a tree (on tmpfs)" cp -r tree copy
	case_root=
	rm -rf "$shm"
else
	skip "cp -r of a tree (on tmpfs): same operations" "no writable tmpfs at /dev/shm, and on other file systems cp's order of visit follows inode numbers"
fi
mtimes=yes
dcase "cp -a of a tree (mtimes compared)" cp -a tree copy
reset_case
tmpl=tarball mtimes=yes
dcase "tar -x of a tree (mtimes compared)" tar -xf tree.tar
dtrace "tar -x of a tree" tar -xf tree.tar
reset_case

# gzip of 1 MB.
tmpl=data mtimes=yes
dcase "gzip of 1 MB (mtimes compared)" gzip data
dtrace "gzip of 1 MB" gzip data
dcase "gzip -c of 1 MB to stdout" gzip -c data
reset_case
tmpl=gz mtimes=yes
dcase "gzip -d of 1 MB (mtimes compared)" gzip -d data.gz
reset_case

# sort of 50000 lines.
tmpl=sortin
dcase "sort to stdout" sort in
dcase "sort -o file" sort -o out in
dtrace "sort -o file" sort -o out in
reset_case

# Interpreters writing many small lines, each a write(2).
pyprog='
import os, sys
n = int(sys.argv[1])
for i in range(n):
    print(i)
for i in range(n):
    sys.stdout.write("w%d\n" % i)
for i in range(n):
    os.write(1, b"o%d\n" % i)
fd = os.open("pyfile", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
for i in range(n):
    os.write(fd, b"f%d\n" % i)
os.close(fd)
sys.stderr.write("done\n")
'
case_env="-e PYTHONHASHSEED=0"
dcase "python3 -u, 4 x 5000 small writes" python3 -u -B -S -c "$pyprog" 5000
dtrace "python3 -u, 4 x 300 small writes" python3 -u -B -S -c "$pyprog" 300
reset_case
plprog='
$| = 1;
my $n = shift;
print "$_\n" for 1 .. $n;
open(my $f, ">", "plfile") or die "plfile: $!";
select((select($f), $| = 1)[0]);
print $f "f $_\n" for 1 .. $n;
close($f) or die "close: $!";
printf "%s\n", "end";
'
dcase "perl with \$|=1, 2 x 5000 small writes" perl -e "$plprog" 5000
dtrace "perl with \$|=1, 2 x 300 small writes" perl -e "$plprog" 300

# Shells: appending redirections, fd 3, and fd 1 meaning another file for a
# moment (dash saves fd 1 with F_DUPFD, dup2s the file onto it, restores).
# (No child processes: bash reaps them from its SIGCHLD handler, wherever
# that lands in its trace.)
bashprog='n=$1
for ((i = 1; i <= n; i++)); do echo "$i" >>f; done
exec 3>>g
for ((i = 1; i <= n; i++)); do echo "g $i" >&3; echo "out $i"; done
exec 3>&-
echo "end"'
dcase "bash loops appending with >> and >&3" bash -c "$bashprog" bash 2000
dtrace "bash loops appending with >> and >&3 (100)" bash -c "$bashprog" bash 100
dashprog='echo one > in1; echo two; echo three >> in1; echo four 2>&1 >in2; echo five; printf "six\n" >&2'
dcase "sh -c 'echo one > in1' with stdout a file" sh -c 'echo one > in1'
dcase "dash redirections of fd 1 and 2 with stdout a file" sh -c "$dashprog"
dtrace "dash redirections of fd 1 and 2 with stdout a file" sh -c "$dashprog"

# Four threads: per-thread files byte-exact, the shared O_APPEND file as a
# multiset, each thread's records in its own order.
tree_skip=shared
dcase "4 threads writing with write(2) (shared file apart)" "$w/bin/threads"
c=$w/case/$(echo "4 threads writing with write(2) (shared file apart)" | tr -c 'a-zA-Z0-9\n' '_')
i=0
for m in $modes; do
	i=$((i + 1))
	p=$c/shared.problems.$i
	: >"$p"
	for s in n $i; do
		[ -e "$c/$s/cwd/shared" ] || echo "$s: no shared file" >>"$p"
	done
	if [ ! -s "$p" ]; then
		LC_ALL=C sort "$c/n/cwd/shared" >"$c/n/shared.sorted"
		LC_ALL=C sort "$c/$i/cwd/shared" >"$c/$i/shared.sorted"
		cmp -s "$c/n/shared.sorted" "$c/$i/shared.sorted" ||
			{ echo "the shared file's records differ as a multiset:"; diff "$c/n/shared.sorted" "$c/$i/shared.sorted" | head -n 20; } >>"$p"
		for k in 0 1 2 3; do
			grep "^t$k " "$c/$i/cwd/shared" | cmp -s - "$c/$i/cwd/t$k" ||
				echo "thread $k's records in the shared file are not in its own order" >>"$p"
		done
	fi
	verdict "4 threads: the shared O_APPEND file holds the same records, each thread's in order [$m]" "$p"
done
reset_case

# Processes sharing one stdout.
dcase "pipeline seq | sed | sort > out" sh -c 'seq 1 20000 | sed s/1/x/ | sort > out'
dcase "forkexec: children share stdout across fork, exec, vfork, posix_spawn, system, popen" "$w/bin/forkexec"
dtrace "forkexec" "$w/bin/forkexec"
dcase "forkexec piped through cat" sh -c "$w/bin/forkexec | cat"

# SIGPIPE.
dcase "yes | head -1; echo done" sh -c 'yes | head -1; echo done'
dcase "yes | head -1: the pipeline's and yes's status" sh -c '(yes; echo "yes: $?" >&2) | head -n 1; echo "pipeline: $?"'
dcase "a writer to a pipe whose reader exited dies by SIGPIPE" "$w/bin/pipewriter"

# A static musl program, --bc=off against --bc=batch: no preload.  Each
# side's binary sits beside its run directory (n.prog, tn.prog, 1.prog,
# t1.prog...: the same length, and RUN.prog in the normalised traces).
c=$w/case/musl
mkdir -p "$c"
cp "$w/bin/musl-off" "$c/n.prog" && cp "$w/bin/musl-off" "$c/tn.prog"
side "$c/n" "" "$c/n.prog"
mode_e=$(mode_opts "" -E)
[ "$have_strace" = yes ] && traced "$c/tn" "" "$c/tn.prog"
mode_e=
i=0
for m in $modes; do
	i=$((i + 1))
	cp "$w/bin/musl-bc" "$c/$i.prog" && cp "$w/bin/musl-bc" "$c/t$i.prog"
	mode_e=$(mode_opts "$m" -e)
	side "$c/$i" "" "$c/$i.prog"
	mode_e=
	compare "$c/n" "$c/$i" "$c/problems.$i"
	verdict "musl --bc=off against --bc=$musl_mode: same output, status and files [$m]" "$c/problems.$i"
	if [ "$have_strace" != yes ]; then
		skip "musl --bc=off against --bc=$musl_mode: same operations [$m]" "$have_strace"
	else
		mode_e=$(mode_opts "$m" -E)
		traced "$c/t$i" "" "$c/t$i.prog"
		mode_e=
		trace_verdict "musl --bc=off against --bc=$musl_mode" "$c" "$c/tn" "$c/t$i" "$m"
	fi
done

# BC_STATS: dd under the shim defers, and enters the kernel less often than
# it would have natively: with bs=64 from /dev/zero, and with bs=100 from a
# file (writes whose length is not a multiple of 8 must merge too).  Once
# the report names config.uring (the engine with its executors), its
# config.executor and config.level must be the mode's.
# stats_case NAME TEMPLATE DD-ARG...
stats_case() {
	_name=$1 _t=$2
	shift 2
	for _m in $modes; do
		tmpl=$_t
		_c=$w/case/stats-$tmpl-$(echo "$_m" | tr : -)
		if [ -z "$lib" ]; then
			skip "$_name [$_m]" "no engine (BC_TEST_PRELOAD is empty)"
			continue
		fi
		mkdir -p "$_c"
		case_env="-e BC_STATS=$_c/stats.jsonl"
		mode_e=$(mode_opts "$_m" -e)
		side "$_c/s" "$lib" dd "$@" status=noxfer
		mode_e=
		reset_case
		"$py" - "$_c/stats.jsonl" "$(cat "$_c/s/status" 2>/dev/null)" "$_m" >"$_c/problems" 2>&1 <<'EOF2'
import json, sys
path, status, mode = sys.argv[1], sys.argv[2], sys.argv[3]
problems = []
if status != "exit 0":
    problems.append("dd: status %r" % status)
try:
    lines = open(path).read().splitlines()
except OSError as e:
    sys.exit("no report: %s" % e)
if len(lines) != 1:
    problems.append("%d report lines, want 1 (dd only)" % len(lines))
for l in lines:
    try:
        r = json.loads(l)
    except ValueError as e:
        problems.append("not JSON (%s)" % e)
        continue
    missing = [k for k in ("pid", "mode", "calls", "deferred", "kernel_entries",
                           "native_entries", "mispredictions", "flushes") if k not in r]
    if missing:
        problems.append("missing fields %s" % missing)
        continue
    if r["mode"] != "batch":
        problems.append("mode %r, want batch" % r["mode"])
    if not r["deferred"] > 0:
        problems.append("deferred = %r, want > 0" % r["deferred"])
    if not r["kernel_entries"] < r["native_entries"]:
        problems.append("kernel_entries %r not < native_entries %r"
                        % (r["kernel_entries"], r["native_entries"]))
    if r["mispredictions"] != 0:
        problems.append("mispredictions = %r, want 0" % r["mispredictions"])
    if not (isinstance(r["calls"], dict) and {"total", "by_syscall"} <= set(r["calls"])):
        problems.append("calls lacks total or by_syscall")
    if not (isinstance(r["flushes"], dict) and {"total", "reasons", "by_syscall"} <= set(r["flushes"])):
        problems.append("flushes lacks total, reasons or by_syscall")
    cfg = r.get("config", {})
    if "uring" in cfg and [cfg.get("executor"), cfg.get("level")] != mode.split(":"):
        problems.append("config.executor %r and config.level %r, want the mode %s"
                        % (cfg.get("executor"), cfg.get("level"), mode))
if problems:
    print("\n".join(problems))
    print("the report: %s" % "\n".join(lines)[:800])
EOF2
		verdict "$_name [$_m]" "$_c/problems"
	done
	reset_case
}
stats_case "BC_STATS of dd bs=64 count=20000 from /dev/zero: parses, deferred > 0, kernel_entries < native_entries" \
	empty if=/dev/zero of=out bs=64 count=20000
stats_case "BC_STATS of dd bs=100 file to file: parses, deferred > 0, kernel_entries < native_entries" \
	copy if=in of=out bs=100

echo "1..$n"
