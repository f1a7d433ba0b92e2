#!/bin/sh
# Differential tests of the patched musl (musl-patches/) and of the
# pass-through entry (bc-musl-gcc --bc=pass), against Debian's stock musl.
# Compiles tests/musl/*.c into out/tests/musl/, runs them, and prints TAP
# ("ok N - name", "not ok N - name" with "# detail" lines, then "1..N") for
# tests/run.sh.  Exits 0 whatever the results: the runner counts the TAP.
#
#   1  --bc=off makes exactly stock musl's system calls (strace, per task)
#      and writes the same stdout
#   2  --bc=pass writes the same stdout; its BC_STATS report counts every
#      call that strace sees except the documented raw ones
#   3  cancellation, fork, posix_spawn and a signal storm behave the same
#      armed and unarmed
#   4  BC_DISABLE=1 leaves a pass build unarmed; a bad BC_STATS path is
#      harmless
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
w=$top/out/tests/musl
bcgcc=$top/out/bin/bc-musl-gcc
stockgcc=${MUSL_GCC:-musl-gcc}
cflags="-std=c11 -O2 -Wall -Wextra -Werror"
rm -rf "$w" && mkdir -p "$w/bin" || { echo "1..0 # SKIP cannot make $w"; exit 0; }
. tests/tap.sh

# Every program run gets the same small environment (env -i PATH LC_ALL,
# plus what a test adds), so that the traces' "/* N vars */" and the
# children's environments agree between runs.
rc_of() { cat "$1/rc" 2>/dev/null || echo none; }

# ---- building -------------------------------------------------------------

# build NAME COMPILER... : compile one program; a failure is remembered.
: >"$w/build.log"
build() {
	_out=$w/bin/$1
	shift
	"$@" -o "$_out" >>"$w/build.log" 2>&1 || echo "failed: $* -o $_out" >>"$w/build.fail"
}
build prog-off "$bcgcc" --bc=off $cflags tests/musl/prog.c
build prog-pass "$bcgcc" --bc=pass $cflags tests/musl/prog.c
build prog-stock "$stockgcc" -static $cflags tests/musl/prog.c
build acct-pass "$bcgcc" --bc=pass $cflags -DACCOUNTING tests/musl/prog.c
build behave-off "$bcgcc" --bc=off $cflags tests/musl/behave.c
build behave-pass "$bcgcc" --bc=pass $cflags tests/musl/behave.c
if [ -e "$w/build.fail" ]; then
	not_ok "build the test programs (off, pass, stock musl-gcc)" \
		"$(cat "$w/build.fail")" "$(head -n 30 "$w/build.log")"
else
	ok "build the test programs (off, pass, stock musl-gcc)"
fi
built() {
	for _p do [ -x "$w/bin/$_p" ] || return 1; done
}

# Can strace follow processes here (ptrace may be forbidden)?
have_strace=yes
if ! command -v strace >/dev/null 2>&1; then
	have_strace="strace is not installed"
elif ! strace -f -qq -o /dev/null /bin/true >/dev/null 2>&1; then
	have_strace="strace cannot trace here"
fi

# ---- trace normalisation --------------------------------------------------

# normalise DIR: DIR/trace/trace.TID, one file per task (strace -ff), into
# DIR/norm/RANK (tasks ranked by tid, that is by creation order), then
#   DIR/multiset   the sorted checksums of the normalised tasks
#   DIR/all        the normalised tasks in rank order, for a readable diff.
# What is normalised, and why it legitimately differs between two runs of
# two binaries:
#   - hexadecimal numbers (0x...): pointers and addresses; the binaries'
#     layouts differ, ASLR moves stacks, heaps and mappings, and strace
#     prints every pointer argument and mmap/brk result in hex;
#   - the spaces before " = result": strace pads a call to a column, so
#     their number depends on how long the (hex) arguments were;
#   - the scratch directory's absolute path (the spawned dash stats its
#     cwd), and the program's own path, "./prog" (the same in both runs
#     anyway), as CWD and PROG;
#   - getrandom's buffer: the kernel's random bytes (glibc in the spawned
#     /bin/true and /bin/sh);
#   - stat structures' inode and device numbers and times (strace abbreviates
#     them away by default; normalised in case it does not);
#   - times: si_utime/si_stime of SIGCHLD, ru_utime/ru_stime of rusage;
#   - pids and tids, wherever strace prints one: the results of
#     set_tid_address, getpid, getppid, gettid, fork, vfork, clone, clone3,
#     wait4 and waitid, the first argument of kill, tkill, tgkill and wait4,
#     tgkill's second, clone's parent_tid=[...], and si_pid=.  A pid of a
#     traced task becomes T<rank>, so that which task a call names is still
#     compared; any other pid (a parent outside the trace) becomes PID.
#   - futex calls are left out: whether pthread_join waits, and whether an
#     exiting thread's wake finds a waiter, depends on scheduling alone.
# Not normalised, because the program is built to make them deterministic:
# SIGCHLD deliveries (SIGCHLD stays blocked), stdio's buffer flushes.
# "/* N vars */" is the same because every run gets the same environment.
normalise() {
	_d=$1
	_cwd=$(printf '%s\n' "$_d/cwd" | sed 's/[][\.*^$|+?(){}]/\\&/g')
	_tids=$(ls "$_d/trace" | sed -n 's/^trace\.\([0-9][0-9]*\)$/\1/p' | sort -n)
	rm -rf "$_d/norm" && mkdir -p "$_d/norm"
	: >"$_d/all"
	_rank=0
	for _t in $_tids; do
		_rank=$((_rank + 1))
		sed -E \
			-e '/^futex\(/d' \
			-e 's/0x[0-9a-fA-F]+/0xADDR/g' \
			-e 's/\) +=( |$)/) =\1/' \
			-e "s|$_cwd|CWD|g" \
			-e 's#"(\./|CWD/)prog"#"PROG"#g' \
			-e 's/^getrandom\("[^"]*"(\.\.\.)?/getrandom("RANDOM"/' \
			-e 's/st_ino=[0-9]+/st_ino=INO/g' \
			-e 's/st_(r?dev)=makedev\([^)]*\)/st_\1=DEV/g' \
			-e 's/(st_[amc]time(_nsec)?)=[^,}]*/\1=TIME/g' \
			-e 's/si_([us]time)=[0-9]+/si_\1=TIME/g' \
			-e 's/ru_([us]time)=\{[^}]*\}/ru_\1=TIME/g' \
			-e 's/^((set_tid_address|getpid|getppid|gettid|fork|vfork|clone|clone3|wait4|waitid)\(.*\) = )([0-9]+)$/\1@@\3@@/' \
			-e 's/^((kill|tkill|tgkill|wait4)\()([0-9]+)/\1@@\3@@/' \
			-e 's/^(tgkill\(@@[0-9]+@@, )([0-9]+)/\1@@\2@@/' \
			-e 's/parent_tid=\[([0-9]+)\]/parent_tid=[@@\1@@]/g' \
			-e 's/si_pid=([0-9]+)/si_pid=@@\1@@/g' \
			"$_d/trace/trace.$_t" |
			awk -v tids="$(echo $_tids)" '
				BEGIN { k = split(tids, t, " "); for (i = 1; i <= k; i++) rank[t[i]] = i }
				{
					out = ""; s = $0
					while (match(s, /@@[0-9]+@@/)) {
						num = substr(s, RSTART + 2, RLENGTH - 4)
						out = out substr(s, 1, RSTART - 1) ((num in rank) ? "T" rank[num] : "PID")
						s = substr(s, RSTART + RLENGTH)
					}
					print out s
				}' >"$_d/norm/$_rank"
		echo "### task $_rank" >>"$_d/all"
		cat "$_d/norm/$_rank" >>"$_d/all"
	done
	for _f in "$_d"/norm/*; do
		[ -e "$_f" ] && cksum <"$_f"
	done | sort >"$_d/multiset"
}

# traces_equal NAME DIR-A DIR-B: the multisets of normalised per-task
# sequences are identical; on mismatch, a diff of the tasks in rank order.
traces_equal() {
	normalise "$2"
	normalise "$3"
	_na=$(ls "$2/norm" | wc -l) _nb=$(ls "$3/norm" | wc -l)
	if [ "$_na" -lt 2 ]; then
		not_ok "$1" "only $_na traced task(s) in $2/trace: strace did not follow the program"
	elif cmp -s "$2/multiset" "$3/multiset"; then
		ok "$1 ($_na tasks)"
	else
		not_ok "$1" "$_na tasks against $_nb; diff of the normalised tasks in creation order:" \
			"$(diff -u "$2/all" "$3/all" | head -n 60)"
	fi
}

# traced DIR BINARY VAR=VALUE...: run BINARY, copied to DIR/cwd/prog, in
# the fresh directory DIR/cwd under strace -f -ff (one trace file per task
# in DIR/trace), with the environment above plus the given variables;
# stdout, stderr and the exit status go to DIR/stdout, DIR/stderr, DIR/rc.
traced() {
	_d=$1 _b=$2
	shift 2
	rm -rf "$_d" && mkdir -p "$_d/cwd" "$_d/trace" && cp "$_b" "$_d/cwd/prog" || return
	(
		cd "$_d/cwd" &&
			env -i PATH=/usr/bin:/bin LC_ALL=C "$@" \
				strace -f -ff -qq -o "$_d/trace/trace" ./prog >"$_d/stdout" 2>"$_d/stderr"
		echo $? >"$_d/rc"
	)
}
# plain DIR BINARY VAR=VALUE...: the same without strace.
plain() {
	_d=$1 _b=$2
	shift 2
	rm -rf "$_d" && mkdir -p "$_d/cwd" "$_d/trace" && cp "$_b" "$_d/cwd/prog" || return
	(
		cd "$_d/cwd" && env -i PATH=/usr/bin:/bin LC_ALL=C "$@" ./prog >"$_d/stdout" 2>"$_d/stderr"
		echo $? >"$_d/rc"
	)
}

# ---- BC_STATS reports -----------------------------------------------------

# stats_problems FILE WANT-LINES: what is wrong with a BC_STATS file that
# should hold WANT-LINES reports of mode pass, one per process; each must be
# well formed and its total the sum of its by_syscall counts.
stats_problems() {
	if [ ! -e "$1" ]; then
		echo "no BC_STATS file $1"
		return
	fi
	_lines=$(wc -l <"$1" | tr -d ' ')
	[ "$_lines" -eq "$2" ] || echo "$_lines report lines, want $2 (one per armed process)"
	_bad=$(grep -cvE '^\{"pid":[0-9]+,"mode":"pass","calls":\{"total":[0-9]+,"by_syscall":\{("[a-z0-9_]+":[0-9]+(,"[a-z0-9_]+":[0-9]+)*)?\}\}\}$' "$1")
	[ "$_bad" -eq 0 ] && _bad=
	[ -z "$_bad" ] || echo "$_bad malformed report line(s)"
	_dups=$(sed -E 's/^\{"pid":([0-9]+),.*/\1/' "$1" | sort | uniq -d)
	[ -z "$_dups" ] || echo "more than one report from pid(s) $_dups"
	awk '{
		line = $0
		if (!match(line, /"total":[0-9]+/)) next
		total = substr(line, RSTART + 8, RLENGTH - 8) + 0
		sub(/.*"by_syscall":\{/, "", line); sub(/\}\}\}$/, "", line)
		k = split(line, kv, ","); sum = 0
		for (i = 1; i <= k; i++) { split(kv[i], p, ":"); sum += p[2] }
		if (sum != total) printf "report %d: total %d but by_syscall sums to %d\n", NR, total, sum
	}' "$1"
	if [ -s "$1" ] && [ "$_lines" -ne "$2" ]; then
		sed 's/^/  /' "$1"
	fi
}

# ---- 1. unarmed equivalence -----------------------------------------------

# The traced runs' directories have names of the same length, so that the
# length of their paths (getcwd's result in the spawned dash) agrees too.
# BC_DISABLE=1 is in every traced run's environment (only a pass build reads
# it) so that test 4 can compare a disarmed pass build with these traces.
if [ "$have_strace" != yes ]; then
	skip "off and stock musl make the same system calls" "$have_strace"
	skip "off and stock musl write the same stdout" "$have_strace"
elif built prog-off prog-stock; then
	traced "$w/t-off" "$w/bin/prog-off" BC_DISABLE=1
	traced "$w/t-std" "$w/bin/prog-stock" BC_DISABLE=1
	if [ "$(rc_of "$w/t-off")" != 0 ] || [ "$(rc_of "$w/t-std")" != 0 ]; then
		not_ok "off and stock musl make the same system calls" \
			"exit status off $(rc_of "$w/t-off"), stock $(rc_of "$w/t-std")" \
			"$(cat "$w/t-off/stderr" "$w/t-std/stderr" | head -n 20)"
	else
		traces_equal "off and stock musl make the same system calls" "$w/t-off" "$w/t-std"
	fi
	same "off and stock musl write the same stdout" "$w/t-std/stdout" "$w/t-off/stdout"
else
	not_ok "off and stock musl make the same system calls" "not built"
	not_ok "off and stock musl write the same stdout" "not built"
fi

# ---- 2. armed pass-through -----------------------------------------------

# The reference output: an untraced unarmed run.
if built prog-off prog-pass; then
	plain "$w/p-off" "$w/bin/prog-off"
	plain "$w/p-pass" "$w/bin/prog-pass" BC_STATS="$w/p-pass/stats.jsonl"
	: >"$w/p-pass/problems"
	[ "$(rc_of "$w/p-off")" = 0 ] || echo "off: exit status $(rc_of "$w/p-off")" >>"$w/p-pass/problems"
	[ "$(rc_of "$w/p-pass")" = 0 ] || echo "pass: exit status $(rc_of "$w/p-pass")" >>"$w/p-pass/problems"
	if [ -s "$w/p-pass/problems" ]; then
		same "pass writes the same stdout as off" "$w/p-off/stdout" "$w/p-pass/stdout" \
			"$(cat "$w/p-pass/problems" "$w/p-off/stderr" "$w/p-pass/stderr")"
	else
		same "pass writes the same stdout as off" "$w/p-off/stdout" "$w/p-pass/stdout"
	fi
	# Two armed processes: prog and its fork child.  The posix_spawn and
	# system() children run bypassed until they exec (glibc programs), so
	# they must not report.
	stats_problems "$w/p-pass/stats.jsonl" 2 >"$w/p-pass/stats.problems"
	verdict "pass: one well-formed report per armed process, none from spawned children" \
		"$w/p-pass/stats.problems"
else
	not_ok "pass writes the same stdout as off" "not built"
	not_ok "pass: one well-formed report per armed process, none from spawned children" "not built"
fi

# The accounting run: prog without posix_spawn and system() (-DACCOUNTING),
# so that every traced task belongs to an armed process.  strace's count of
# each call, over all tasks, against the sum of the reports.  The calls that
# may be missing from the reports (they never pass through the entry):
raw_set="execve arch_prctl set_tid_address clone rt_sigreturn gettid mmap futex exit munmap set_robust_list open write close getpid newfstatat faccessat fstat"
#   execve           the exec that started the program
#   arch_prctl, set_tid_address   libc and TLS initialisation before arming
#   clone            the raw __clone asm (pthread_create)
#   rt_sigreturn     the raw __restore_rt
#   gettid           the fork child's fixup, bypassed
#   mmap             the entry's page for each thread
#   futex, exit, munmap, set_robust_list   the thread-exit tail after the
#                    thread is unlinked, bypassed
#   open, write, close, getpid   the report itself, written with raw calls,
#                    and the owner's pid taken at arming
#   newfstatat, faccessat, fstat   BC_STATS looked at when armed (is it a
#                    symbolic link, can it be written), and the report's
#                    file checked to be a regular one
if [ "$have_strace" != yes ]; then
	skip "pass: the reports count every call but the raw ones, by name" "$have_strace"
	skip "pass: report totals equal strace's total less the raw calls" "$have_strace"
	skip "pass: one report per process of the accounting run" "$have_strace"
elif built acct-pass; then
	a=$w/acct
	traced "$a" "$w/bin/acct-pass" BC_STATS="$a/stats.jsonl"
	for f in "$a"/trace/trace.*; do
		[ -e "$f" ] && sed -n -E 's/^([a-z_][a-z0-9_]*)\(.*/\1/p' "$f"
	done | sort | uniq -c | awk '{ print $2, $1 }' >"$a/strace.counts"
	[ -e "$a/stats.jsonl" ] || : >"$a/stats.jsonl"
	sed -n -E 's/.*"by_syscall":\{([^}]*)\}.*/\1/p' "$a/stats.jsonl" | tr ',' '\n' |
		sed -n -E 's/^"([a-z0-9_]+)":([0-9]+)$/\1 \2/p' |
		awk '{ c[$1] += $2 } END { for (k in c) print k, c[k] }' | sort >"$a/stats.counts"
	# The per-name table, and the checks on it.
	awk -v raw="$raw_set" -v table="$a/table" '
		BEGIN { k = split(raw, r, " "); for (i = 1; i <= k; i++) israw[r[i]] = 1 }
		FILENAME ~ /strace/ { st[$1] = $2; names[$1] = 1; next }
		{ bc[$1] = $2; names[$1] = 1 }
		END {
			for (nm in names) {
				d = st[nm] - bc[nm]
				flag = ""
				if (d < 0) { flag = "  <- counted more often than made"; bad++ }
				else if (d > 0 && !(nm in israw)) { flag = "  <- not counted, not in the raw set"; bad++ }
				printf "%-20s %8d %8d %8d%s\n", nm, st[nm], bc[nm], d, flag >table
				if (d > 0 && (nm in israw)) rawmissing += d
				tst += st[nm]
			}
			print bad + 0, tst + 0, rawmissing + 0
		}' "$a/strace.counts" "$a/stats.counts" >"$a/summary"
	read -r bad strace_total raw_missing <"$a/summary"
	{ printf '%-20s %8s %8s %8s\n' syscall strace stats missing; sort "$a/table"; } >"$a/table.sorted"
	mv "$a/table.sorted" "$a/table"
	stats_total=$(sed -n -E 's/.*"total":([0-9]+).*/\1/p' "$a/stats.jsonl" | awk '{ s += $1 } END { print s + 0 }')
	if [ "$(rc_of "$a")" != 0 ] || [ ! -s "$a/stats.jsonl" ]; then
		not_ok "pass: the reports count every call but the raw ones, by name" \
			"exit status $(rc_of "$a"), $(wc -l <"$a/stats.jsonl") report line(s)" \
			"$(head -n 20 "$a/stderr")"
	elif [ "$bad" -eq 0 ]; then
		ok "pass: the reports count every call but the raw ones, by name"
	else
		not_ok "pass: the reports count every call but the raw ones, by name" \
			"raw set: $raw_set" "$(cat "$a/table")"
	fi
	want=$((strace_total - raw_missing))
	if [ "$stats_total" -eq "$want" ] && [ "$stats_total" -gt 0 ]; then
		ok "pass: report totals equal strace's total less the raw calls ($stats_total = $strace_total - $raw_missing)"
	else
		not_ok "pass: report totals equal strace's total less the raw calls" \
			"reports' totals $stats_total, strace $strace_total, raw calls not counted $raw_missing: want $want" \
			"the names that differ:" "$(awk 'NR == 1 || $4 != 0' "$a/table")"
	fi
	# The processes: the task that exec'd the program, and every task made
	# by fork or by a clone without CLONE_THREAD.
	{
		for f in "$a"/trace/trace.*; do
			head -n 1 "$f" | grep -q '^execve(' && echo "${f##*.}"
		done
		cat "$a"/trace/trace.* | sed -n -E \
			-e 's/^(fork|vfork)\(\) += ([0-9]+)$/\2/p' \
			-e '/CLONE_THREAD/!s/^clone3?\(.*\) += ([0-9]+)$/\1/p'
	} | sort -n >"$a/procs"
	sed -n -E 's/^\{"pid":([0-9]+),.*/\1/p' "$a/stats.jsonl" | sort -n >"$a/reporters"
	stats_problems "$a/stats.jsonl" "$(wc -l <"$a/procs" | tr -d ' ')" >"$a/stats.problems"
	cmp -s "$a/procs" "$a/reporters" ||
		echo "processes $(tr '\n' ' ' <"$a/procs"), reports from $(tr '\n' ' ' <"$a/reporters")" >>"$a/stats.problems"
	verdict "pass: one report per process of the accounting run ($(wc -l <"$a/procs" | tr -d ' ') processes)" \
		"$a/stats.problems"
else
	not_ok "pass: the reports count every call but the raw ones, by name" "not built"
	not_ok "pass: report totals equal strace's total less the raw calls" "not built"
	not_ok "pass: one report per process of the accounting run" "not built"
fi

# ---- 3. behaviour armed and unarmed ---------------------------------------

# behave_pair NAME REPORTS ARGS...: run behave ARGS built off and pass (the
# pass one with BC_STATS) under timeout 10 in fresh directories; stdout must
# be identical and both must exit 0.  REPORTS is the number of armed
# processes, checked later.  Sets $bd_off and $bd_pass.
behave_pair() {
	_name=$1 _reports=$2
	shift 2
	_tag=$(echo "$*" | tr ' ' '-')
	bd_off=$w/b-$_tag-off bd_pass=$w/b-$_tag-pass
	rm -rf "$bd_off" "$bd_pass" && mkdir -p "$bd_off/cwd" "$bd_pass/cwd"
	(cd "$bd_off/cwd" && env -i PATH=/usr/bin:/bin LC_ALL=C \
		timeout 10 "$w/bin/behave-off" "$@" >../stdout 2>../stderr; echo $? >../rc)
	(cd "$bd_pass/cwd" && env -i PATH=/usr/bin:/bin LC_ALL=C BC_STATS="$bd_pass/stats.jsonl" \
		timeout 10 "$w/bin/behave-pass" "$@" >../stdout 2>../stderr; echo $? >../rc)
	_p=
	[ "$(rc_of "$bd_off")" = 0 ] || _p="off: exit status $(rc_of "$bd_off") (124: timed out)"
	[ "$(rc_of "$bd_pass")" = 0 ] || _p="$_p${_p:+
}pass: exit status $(rc_of "$bd_pass") (124: timed out)"
	[ -s "$bd_off/stdout" ] || _p="$_p${_p:+
}off: no output"
	if [ -n "$_p" ]; then
		same "$_name" "$bd_off/stdout" "$bd_pass/stdout" "$_p" \
			"off stdout:" "$(head -n 30 "$bd_off/stdout")" \
			"stderr:" "$(cat "$bd_off/stderr" "$bd_pass/stderr" | head -n 20)"
	else
		same "$_name" "$bd_off/stdout" "$bd_pass/stdout"
	fi
	stats_problems "$bd_pass/stats.jsonl" "$_reports" | sed "s/^/behave $*: /" >>"$w/behave-reports"
}

: >"$w/behave-reports"
if built behave-off behave-pass; then
	behave_pair "pthread_cancel of a thread blocked in read(), armed and not" 1 cancel
	behave_pair "fork, also from a threaded process, armed and not" 4 fork
	behave_pair "posix_spawn and posix_spawnp, armed and not" 1 spawn
	awk 'BEGIN { for (i = 0; i < 20000; i++) printf "%05d\n", i }' >"$w/storm.want"
	for mode in restart norestart; do
		behave_pair "signal storm during 20000 write()s ($mode), armed and not" 2 storm $mode
		: >"$w/storm.problems"
		for d in "$bd_off" "$bd_pass"; do
			cmp -s "$w/storm.want" "$d/cwd/storm.dat" ||
				echo "${d##*/}: storm.dat is not the 20000 records" >>"$w/storm.problems"
			grep '^behave: storm' "$d/stderr" | sed "s/^/${d##*/}: /" >>"$w/storm.info"
		done
		verdict "signal storm ($mode): the file is exactly right, off and pass" "$w/storm.problems"
	done
	sed 's/^/# /' "$w/storm.info"
	verdict "pass: one report per armed process in the behaviour runs (none from spawned children)" \
		"$w/behave-reports"
else
	for t in cancel fork spawn "storm restart" "storm restart file" "storm norestart" \
		"storm norestart file" reports; do
		not_ok "behaviour: $t" "not built"
	done
fi

# ---- 4. BC_DISABLE and a bad BC_STATS --------------------------------------

if built prog-off prog-pass; then
	d=$w/dis
	plain "$d" "$w/bin/prog-pass" BC_DISABLE=1 BC_STATS="$d/stats.jsonl"
	: >"$d/problems"
	[ "$(rc_of "$d")" = 0 ] || echo "exit status $(rc_of "$d")" >>"$d/problems"
	[ ! -e "$d/stats.jsonl" ] || { echo "a report was written:"; cat "$d/stats.jsonl"; } >>"$d/problems"
	cmp -s "$w/p-off/stdout" "$d/stdout" || diff -u "$w/p-off/stdout" "$d/stdout" >>"$d/problems"
	verdict "BC_DISABLE=1: a pass build writes no report and the same stdout" "$d/problems"

	if [ "$have_strace" != yes ]; then
		skip "BC_DISABLE=1: a pass build makes the same system calls as off" "$have_strace"
	elif [ -d "$w/t-off/norm" ]; then
		traced "$w/t-dis" "$w/bin/prog-pass" BC_DISABLE=1
		traces_equal "BC_DISABLE=1: a pass build makes the same system calls as off" \
			"$w/t-off" "$w/t-dis"
	else
		not_ok "BC_DISABLE=1: a pass build makes the same system calls as off" "no off trace"
	fi

	d=$w/bad
	plain "$d" "$w/bin/prog-pass" BC_STATS="$d/no-such-dir/stats.jsonl"
	: >"$d/problems"
	[ "$(rc_of "$d")" = 0 ] || { echo "exit status $(rc_of "$d")"; head -n 20 "$d/stderr"; } >>"$d/problems"
	[ ! -e "$d/no-such-dir" ] || echo "$d/no-such-dir was created" >>"$d/problems"
	cmp -s "$w/p-off/stdout" "$d/stdout" || diff -u "$w/p-off/stdout" "$d/stdout" >>"$d/problems"
	verdict "BC_STATS in a missing directory: no crash, the same stdout" "$d/problems"
else
	not_ok "BC_DISABLE=1: a pass build writes no report and the same stdout" "not built"
	not_ok "BC_DISABLE=1: a pass build makes the same system calls as off" "not built"
	not_ok "BC_STATS in a missing directory: no crash, the same stdout" "not built"
fi

# ---- dynamic musl: the patched libc.so armed by a preloaded entry ------

# libc.so must export the arming API, and a program linked against it is
# armed only when out/musl/lib/bcshim-pass.so is preloaded.
d=$w/dyn
rm -rf "$d" && mkdir -p "$d"
: >"$d/problems"
for sym in __bc_set_entry __bc_syscall; do
	nm -D --defined-only "$top/out/musl/lib/libc.so" | grep -q " T $sym\$" ||
		echo "libc.so does not export $sym" >>"$d/problems"
done
verdict "dynamic: the patched libc.so exports the arming API" "$d/problems"
: >"$d/problems"
if gcc -specs="$top/out/musl/lib/musl-gcc.specs" -std=c11 -Wall -Wextra -Werror \
	-o "$d/dyn" "$top/tests/musl/dyn.c" 2>"$d/cc.err"; then
	env -i PATH=/usr/bin:/bin BC_STATS="$d/plain.jsonl" "$d/dyn" >"$d/plain.out" 2>&1 ||
		echo "unarmed run failed" >>"$d/problems"
	env -i PATH=/usr/bin:/bin BC_STATS="$d/armed.jsonl" \
		LD_PRELOAD="$top/out/musl/lib/bcshim-pass.so" "$d/dyn" >"$d/armed.out" 2>&1 ||
		echo "preloaded run failed" >>"$d/problems"
	printf 'dynamic 7\nraw\n' >"$d/want"
	cmp -s "$d/want" "$d/plain.out" || echo "unarmed output differs" >>"$d/problems"
	cmp -s "$d/want" "$d/armed.out" || echo "preloaded output differs" >>"$d/problems"
	[ ! -e "$d/plain.jsonl" ] || echo "the unarmed run wrote a report" >>"$d/problems"
	grep -q '"mode":"pass".*"write":1[,}].*"exit_group":1' "$d/armed.jsonl" 2>/dev/null ||
		{ echo "the preloaded run's report lacks its write and exit_group:"; cat "$d/armed.jsonl"; } \
			>>"$d/problems" 2>&1
else
	cat "$d/cc.err" >>"$d/problems"
fi
verdict "dynamic: LD_PRELOAD=bcshim-pass.so arms a dynamic musl program, and only it" "$d/problems"

# The deferral engine's libbcshim.so, linked against no libc, arms the same
# program's entry (and interposes nothing there).
: >"$d/problems"
if [ -x "$d/dyn" ]; then
	env -i PATH=/usr/bin:/bin BC_STATS="$d/batch.jsonl" \
		LD_PRELOAD="$top/out/lib/libbcshim.so" "$d/dyn" >"$d/batch.out" 2>&1 ||
		echo "run with libbcshim.so failed" >>"$d/problems"
	cmp -s "$d/want" "$d/batch.out" || echo "output with libbcshim.so differs" >>"$d/problems"
	grep -q '"mode":"batch".*"write":1[,}].*"deferred":[1-9].*"way":"musl-preload"' \
		"$d/batch.jsonl" 2>/dev/null ||
		{ echo "the report lacks its write, a deferral or the way in:"; cat "$d/batch.jsonl"; } \
			>>"$d/problems" 2>&1
fi
verdict "dynamic: LD_PRELOAD=libbcshim.so arms a dynamic musl program's entry, deferring" "$d/problems"

# ---- entry state across vfork and an exit from a signal handler ---------

d=$w/state
rm -rf "$d" && mkdir -p "$d"
for t in vfork handler_exit; do
	: >"$d/$t.problems"
	if "$top/out/bin/bc-musl-gcc" --bc=pass -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
		-o "$d/$t" "$top/tests/musl/$t.c" 2>"$d/$t.cc"; then
		env -i PATH=/usr/bin:/bin BC_STATS="$d/$t.jsonl" timeout 10 "$d/$t" ||
			echo "exit status $?" >>"$d/$t.problems"
	else
		cat "$d/$t.cc" >>"$d/$t.problems"
	fi
done
[ "$(wc -l <"$d/vfork.jsonl" 2>/dev/null)" = 1 ] &&
	grep -q '"by_syscall":{"wait4":2,"getppid":100,"exit_group":1}' "$d/vfork.jsonl" ||
	{ echo "want one report, the parent's: 2 wait4, 100 getppid, 1 exit_group:"; cat "$d/vfork.jsonl"; } \
		>>"$d/vfork.problems" 2>&1
verdict "vfork: children that exec or _exit leave the parent's entry and report alone" "$d/vfork.problems"
grep -q '"read":1,.*"exit_group":1' "$d/handler_exit.jsonl" 2>/dev/null ||
	{ echo "want a report with the blocked read and the exit:"; cat "$d/handler_exit.jsonl"; } \
		>>"$d/handler_exit.problems" 2>&1
verdict "exit from a handler that interrupted a call: the report is written" "$d/handler_exit.problems"

echo "1..$n"
exit 0
