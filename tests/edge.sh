#!/bin/sh
# Edge cases a review found, each a small program in tests/edge/ run
# natively and under LD_PRELOAD=out/lib/libbcshim.so (glibc) and, where it
# builds, as bc-musl-gcc --bc=off against --bc=batch: the same stdout,
# stderr and exit status (124: killed by timeout, i.e. a hang).
#   pipesig    a handler must run while a flush is blocked on a full pipe
#   pipeterm2  SIGTERM must kill while the timer thread's flush is blocked
#   thrd       a C11 thread drains a pipe (thrd_create, past pthread_create)
#   full       writes to /dev/full fail at once, as they do natively
#   privmap    a private mapping sees pwrite's data through the page cache
#   sigview    sigset and siginterrupt leave the view sigaction reports
#   clone_close  clone() without CLONE_VM: the child neither repeats the
#              parent's queued output nor inherits an fd whose close waits
#   close_getfd  calls of any class on an fd whose close waits find it closed
#   fsize      a write past RLIMIT_FSIZE still kills by SIGXFSZ
#   dgram_err  datagram sends that fail at once are not predicted to succeed
#   exec_pipe  exec waits for a flush blocked on a full pipe (run as
#              "exec_pipe | (sleep 1; wc -c)")
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
w=$top/out/tests/edge
rm -rf "$w" && mkdir -p "$w" || { echo "1..0 # SKIP cannot make $w"; exit 0; }
. tests/tap.sh
shim=$top/out/lib/libbcshim.so

# side NAME PROGRAM [LD_PRELOAD]: run it once, in its own directory,
# recording output and status; "timeout" (not preloaded) bounds a hang,
# and SIGTERMs pipeterm2 (which blocks for good) after 1 s.
side() {
	_d=$w/$1
	mkdir -p "$_d"
	if [ "$t" = exec_pipe ]; then
		(cd "$_d" || exit 1; timeout -k 2 "$limit" sh -c \
			"env -i PATH=/usr/bin:/bin ${3:+LD_PRELOAD=$3} '$2' | (sleep 1; wc -c)" \
			>out 2>err </dev/null; echo $? >rc)
		return
	fi
	(cd "$_d" || exit 1; timeout -k 2 "$limit" env -i PATH=/usr/bin:/bin ${3:+LD_PRELOAD=$3} "$2" \
		>out 2>err </dev/null; echo $? >rc)
}
mkdir -p "$w/bin"

for t in pipesig pipeterm2 thrd full privmap sigview clone_close close_getfd fsize dgram_err \
	exec_pipe; do
	limit=8
	[ "$t" = pipeterm2 ] && limit=1
	if ! cc -std=gnu11 -O2 -pthread -o "$w/bin/$t" "tests/edge/$t.c" 2>"$w/$t.cc"; then
		not_ok "$t: builds" "$(cat "$w/$t.cc")"
		continue
	fi
	side "$t-native" "$w/bin/$t"
	side "$t-shim" "$w/bin/$t" "$shim"
	p=$w/$t.problems
	: >"$p"
	for f in rc out err; do
		cmp -s "$w/$t-native/$f" "$w/$t-shim/$f" ||
			echo "$f: native '$(head -c 200 "$w/$t-native/$f")', preloaded '$(head -c 200 "$w/$t-shim/$f")'" >>"$p"
	done
	verdict "$t (glibc preload): same output and status as native" "$p"
	if "$top/out/bin/bc-musl-gcc" --bc=off -std=gnu11 -O2 -o "$w/bin/$t-off" "tests/edge/$t.c" 2>/dev/null &&
		"$top/out/bin/bc-musl-gcc" --bc=batch -std=gnu11 -O2 -o "$w/bin/$t-batch" "tests/edge/$t.c" 2>/dev/null; then
		side "$t-off" "$w/bin/$t-off"
		side "$t-batch" "$w/bin/$t-batch"
		p=$w/$t.musl.problems
		: >"$p"
		for f in rc out err; do
			cmp -s "$w/$t-off/$f" "$w/$t-batch/$f" ||
				echo "$f: off '$(head -c 200 "$w/$t-off/$f")', batch '$(head -c 200 "$w/$t-batch/$f")'" >>"$p"
		done
		verdict "$t (musl --bc=batch): same output and status as --bc=off" "$p"
	fi
done
echo "1..$n"
