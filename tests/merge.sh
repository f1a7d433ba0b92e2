#!/bin/sh
# The coalescing executor, seen from the kernel: tests/merge/merge.c's
# writes, contiguous pwrites, closes of consecutive fds and datagrams run
# natively and batched (glibc preload; static musl --bc=off against
# --bc=batch) must give the same output and files, and strace of the
# batched run must show them merged: fewer writes, pwrite64s and sendtos,
# and (musl, where closes wait) a close_range and a sendmmsg.
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
w=$top/out/tests/merge
rm -rf "$w" && mkdir -p "$w" || { echo "1..0 # SKIP cannot make $w"; exit 0; }
. tests/tap.sh
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

# run NAME PRELOAD PROGRAM: in a fresh directory, then again traced;
# PRELOAD (or "") goes to the program, never to strace itself.
run() {
	_d=$w/$1 _pre=$2
	shift 2
	mkdir -p "$_d"
	(cd "$_d" || exit 1; env -i PATH=/usr/bin:/bin ${_pre:+LD_PRELOAD=$_pre} "$@" >out 2>err; echo $? >rc)
	(cd "$_d" && env -i PATH=/usr/bin:/bin strace -f -qq -o trace ${_pre:+-E LD_PRELOAD=$_pre} \
		-e trace=write,pwrite64,close,close_range,sendto,sendmmsg "$@" >/dev/null 2>&1)
}
run native "" "$w/glibc.bin"
run preload "$top/out/lib/libbcshim.so" "$w/glibc.bin"
run off "" "$w/off.bin"
run batch "" "$w/batch.bin"

# alike A B: same exit status, output and files.
alike() {
	p=$w/$2.problems
	: >"$p"
	for f in rc out err w.out c0.out c4.out; do
		cmp -s "$w/$1/$f" "$w/$2/$f" || echo "$f differs" >>"$p"
	done
	[ "$(cat "$w/$1/rc")" = 0 ] || echo "exit status $(cat "$w/$1/rc")" >>"$p"
	verdict "$2 against $1: same status, output and files" "$p"
}
alike native preload
alike off batch

# calls NAME SYSCALL: how many times the trace shows it (merges aside).
calls() { grep -c "^[0-9]* *$2(" "$w/$1/trace"; }

# merged NAME SYSCALL MAX: the batched run made at most MAX of them.
merged() {
	_n=$(calls "$1" "$2")
	if [ "$_n" -le "$3" ]; then
		ok "$1: $2 merged ($_n calls for $(calls "${4:-native}" "$2") natively)"
	else
		not_ok "$1: $2 merged" "$_n calls, want at most $3" "$(grep "$2(" "$w/$1/trace" | head -5)"
	fi
}
merged preload write 3
merged preload pwrite64 3
merged batch write 3 off
merged batch pwrite64 3 off
merged preload sendto 1
merged batch sendto 1 off
if grep -q 'close_range(' "$w/batch/trace"; then
	ok "batch: consecutive closes became close_range"
else
	not_ok "batch: consecutive closes became close_range" "$(grep 'close' "$w/batch/trace" | head -8)"
fi
# The first datagram goes direct: the engine probes a socket on its second
# deferrable call.
for r in preload batch; do
	if grep -q 'sendmmsg(.*= 19$' "$w/$r/trace"; then
		ok "$r: 19 of 20 datagrams became one sendmmsg"
	else
		not_ok "$r: 19 of 20 datagrams became one sendmmsg" \
			"$(grep 'send' "$w/$r/trace" | cut -c1-200 | head -5)"
	fi
done
# A terminal is not a file: writes to it go out at once (script(1), from
# bsdutils, gives the program a pseudo-terminal for stdout).
if command -v script >/dev/null 2>&1; then
	script -qec "env -i PATH=/usr/bin:/bin LD_PRELOAD=$top/out/lib/libbcshim.so \
		BC_STATS=$w/tty.json dd if=/dev/zero bs=64 count=100 status=none" /dev/null \
		>"$w/tty.out" 2>&1
	if [ "$(wc -c <"$w/tty.out")" -ge 6400 ] &&
		grep -q '"write":100[,}].*"deferred":0,' "$w/tty.json" 2>/dev/null; then
		ok "writes to a terminal are not deferred (dd to a pty: 100 writes, 0 deferred)"
	else
		not_ok "writes to a terminal are not deferred" "$(wc -c <"$w/tty.out") bytes out" \
			"$(cat "$w/tty.json" 2>&1 | head -c 600)"
	fi
else
	skip "writes to a terminal are not deferred" "no script(1) to make a pseudo-terminal"
fi
echo "1..$n"
