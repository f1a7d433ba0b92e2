#!/bin/sh
# The coalescing executor, seen from the kernel: tests/merge/merge.c's
# writes, contiguous pwrites, closes of consecutive fds and datagrams run
# natively and batched (glibc preload; static musl --bc=off against
# --bc=batch) must give the same output and files, and strace of the
# batched run must show them merged: fewer writes, pwrite64s and sendtos,
# and (musl, where closes wait) a close_range and a sendmmsg.  The batched
# runs go under every mode of tests/modes.sh, the mode ending each name.
# Under the io_uring executor the merged calls are carried by io_uring_enter,
# which strace does not look into: there the test asserts what is observable
# instead, the same output and files, and BC_STATS uring_enters > 0 when
# config.uring is "ok" (a skip naming the reason when it is unavailable).
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
w=$top/out/tests/merge
rm -rf "$w" && mkdir -p "$w" || { echo "1..0 # SKIP cannot make $w"; exit 0; }
. tests/tap.sh
. tests/modes.sh
cflags="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror"

: >"$w/build.log"
cc $cflags -o "$w/glibc.bin" tests/merge/merge.c >>"$w/build.log" 2>&1 &&
	"$top/out/bin/bc-musl-gcc" --bc=off $cflags -o "$w/off.bin" tests/merge/merge.c >>"$w/build.log" 2>&1 &&
	"$top/out/bin/bc-musl-gcc" --bc=batch $cflags -o "$w/batch.bin" tests/merge/merge.c >>"$w/build.log" 2>&1
if [ $? -ne 0 ]; then
	not_ok "build tests/merge/merge.c" "$(cat "$w/build.log")"
	echo "1..$n"
	exit 0
fi
ok "build tests/merge/merge.c (glibc, musl off, musl batch)"

# run NAME PRELOAD PROGRAM: in a fresh directory (BC_STATS into its
# stats.jsonl), then again traced, calls that strace split (another thread
# ran meanwhile) joined; PRELOAD (or "") and $run_env (VAR=VAL words) go to
# the program, never to strace itself.
run_env=
run() {
	_d=$w/$1 _pre=$2
	shift 2
	mkdir -p "$_d"
	(cd "$_d" || exit 1; env -i PATH=/usr/bin:/bin ${_pre:+LD_PRELOAD=$_pre} $run_env \
		BC_STATS="$_d/stats.jsonl" "$@" >out 2>err; echo $? >rc)
	(cd "$_d" && env -i PATH=/usr/bin:/bin strace -f -qq -o trace.raw ${_pre:+-E LD_PRELOAD=$_pre} \
		$(for _v in $run_env; do echo "-E $_v"; done) \
		-e trace=write,pwrite64,close,close_range,sendto,sendmmsg "$@" >/dev/null 2>&1)
	awk '/ <unfinished \.\.\.>$/ { sub(/ <unfinished \.\.\.>$/, ""); u[$1] = $0; next }
		/^[0-9]+ +<\.\.\. [a-z_0-9]+ resumed>/ && ($1 in u) {
			r = $0
			sub(/^[0-9]+ +<\.\.\. [a-z_0-9]+ resumed>/, "", r)
			print u[$1] r
			delete u[$1]
			next
		}
		{ print }' "$_d/trace.raw" >"$_d/trace"
}
run native "" "$w/glibc.bin"
run off "" "$w/off.bin"

# alike A B: same exit status, output and files.
alike() {
	p=$w/$2.problems
	: >"$p"
	for f in rc out err w.out c0.out c4.out; do
		cmp -s "$w/$1/$f" "$w/$2/$f" || echo "$f differs" >>"$p"
	done
	[ "$(cat "$w/$1/rc")" = 0 ] || echo "exit status $(cat "$w/$1/rc")" >>"$p"
	verdict "${2%.*} against $1: same status, output and files" "$p"
}

# calls NAME SYSCALL: how many times the trace shows it (merges aside).
calls() { grep -c "^[0-9]* *$2(" "$w/$1/trace"; }

# merged NAME SYSCALL MAX: the batched run made at most MAX of them.
merged() {
	_n=$(calls "$1" "$2")
	if [ "$_n" -le "$3" ]; then
		ok "${1%.*}: $2 merged ($_n calls for $(calls "${4:-native}" "$2") natively)"
	else
		not_ok "${1%.*}: $2 merged" "$_n calls, want at most $3" "$(grep "$2(" "$w/$1/trace" | head -5)"
	fi
}

# uring NAME: the io_uring executor ran (BC_STATS uring_enters > 0) when
# the report's config.uring says "ok".
uring() {
	_u=$(python3 - "$w/$1/stats.jsonl" <<'EOF2'
import json, sys
try:
    rs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
except (OSError, ValueError) as e:
    print("bad", "no readable BC_STATS report: %s" % e)
    sys.exit(0)
us = {r.get("config", {}).get("uring") for r in rs}
enters = sum(r.get("uring_enters", 0) for r in rs)
if us == {None}:
    print("skip", "the report has no config.uring (an engine without the io_uring executor)")
elif us == {"ok"}:
    print("ok" if enters > 0 else "bad", "uring_enters %d" % enters)
elif all(u and u.startswith("unavailable") for u in us):
    print("skip", "config.uring: %s" % "; ".join(sorted(us)))
else:
    print("bad", "config.uring %s, uring_enters %d" % (sorted(map(str, us)), enters))
EOF2
)
	_t="${1%.*}: the io_uring executor entered the kernel (BC_STATS uring_enters > 0)"
	case $_u in
	ok*) ok "$_t (${_u#ok })" ;;
	skip*) skip "$_t" "${_u#skip }" ;;
	*) not_ok "$_t" "${_u#bad }" "$(head -c 600 "$w/$1/stats.jsonl" 2>&1)" ;;
	esac
}

i=0
for m in $modes; do
	i=$((i + 1))
	tap_suffix=" [$m]" run_env=$(mode_env "$m")
	run "preload.$i" "$top/out/lib/libbcshim.so" "$w/glibc.bin"
	run "batch.$i" "" "$w/batch.bin"
	alike native "preload.$i"
	alike off "batch.$i"
	if [ "$(executor "$m")" = uring ]; then
		uring "preload.$i"
		uring "batch.$i"
	else
		merged "preload.$i" write 3
		merged "preload.$i" pwrite64 3
		merged "batch.$i" write 3 off
		merged "batch.$i" pwrite64 3 off
		merged "preload.$i" sendto 1
		merged "batch.$i" sendto 1 off
		if grep -q 'close_range(' "$w/batch.$i/trace"; then
			ok "batch: consecutive closes became close_range"
		else
			not_ok "batch: consecutive closes became close_range" "$(grep 'close' "$w/batch.$i/trace" | head -8)"
		fi
		# The first datagram goes direct: the engine probes a socket on its
		# second deferrable call.
		for r in "preload.$i" "batch.$i"; do
			if grep -q 'sendmmsg(.*= 19$' "$w/$r/trace"; then
				ok "${r%.*}: 19 of 20 datagrams became one sendmmsg"
			else
				not_ok "${r%.*}: 19 of 20 datagrams became one sendmmsg" \
					"$(grep 'send' "$w/$r/trace" | cut -c1-200 | head -5)"
			fi
		done
	fi
	# A terminal is not a file: writes to it go out at once (script(1),
	# from bsdutils, gives the program a pseudo-terminal for stdout).  Under
	# the relaxed level dd's closes may wait: deferred counts those too.
	if command -v script >/dev/null 2>&1; then
		rm -f "$w/tty.$i.json"
		script -qec "env -i PATH=/usr/bin:/bin LD_PRELOAD=$top/out/lib/libbcshim.so $run_env \
			BC_STATS=$w/tty.$i.json dd if=/dev/zero bs=64 count=100 status=none" /dev/null \
			>"$w/tty.$i.out" 2>&1
		if [ "$(wc -c <"$w/tty.$i.out")" -ge 6400 ] && python3 - "$w/tty.$i.json" "$m" <<'EOF2'; then
import json, sys
r = json.load(open(sys.argv[1]))
calls = r["calls"]["by_syscall"]
closes = calls.get("close", 0) if sys.argv[2].endswith(":relaxed") else 0
sys.exit(not (calls.get("write") == 100 and r["deferred"] <= closes))
EOF2
			ok "writes to a terminal are not deferred (dd to a pty: 100 writes, 0 deferred)"
		else
			not_ok "writes to a terminal are not deferred" "$(wc -c <"$w/tty.$i.out") bytes out" \
				"$(cat "$w/tty.$i.json" 2>&1 | head -c 600)"
		fi
	else
		skip "writes to a terminal are not deferred" "no script(1) to make a pseudo-terminal"
	fi
	tap_suffix= run_env=
done
echo "1..$n"
