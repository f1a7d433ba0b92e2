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
#   pseudofs   writes to /proc are commands: never merged, failing at once
#   sigpipe_seen  EPIPE with SIGPIPE ignored or blocked is a result: not deferred
#   sigpipe_dies  a write whose failure kills (SIGPIPE, SIGXFSZ) kills there
#   seccomp_sys  a filter from syscall(SYS_seccomp) stops all prediction
#   shm_flag, shm_counter  processes that synchronise through shared memory
#   tcp_reset  a TCP peer's reset is a result (ECONNRESET): TCP writes go direct
#   exec_pipe  exec waits for a flush blocked on a full pipe (run as
#              "exec_pipe | (sleep 1; wc -c)")
#   vfork_sig  vfork and posix_spawn children's dispositions leave the parent's
#   py_subprocess  CPython with a SIGCHLD handler runs subprocesses (vfork)
#   xfd_order  a pwrite, then a datagram announcing it: a receiver finds it
#   sig_race   handlers changed while another thread's signals are on their way
# The native (or --bc=off) side runs once, the other under every mode of
# tests/modes.sh, the mode ending each name.
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
w=$top/out/tests/edge
rm -rf "$w" && mkdir -p "$w" || { echo "1..0 # SKIP cannot make $w"; exit 0; }
. tests/tap.sh
. tests/modes.sh
shim=$top/out/lib/libbcshim.so

# side NAME PROGRAM [LD_PRELOAD]: run it once, in its own directory, with
# $side_env (VAR=VAL words) too, recording output and status; "timeout"
# (not preloaded) bounds a hang, and SIGTERMs pipeterm2 (which blocks for
# good) after 1 s.
side_env=
side() {
	_d=$w/$1
	mkdir -p "$_d"
	if [ "$t" = exec_pipe ]; then
		(cd "$_d" || exit 1; timeout -k 2 "$limit" sh -c \
			"env -i PATH=/usr/bin:/bin ${3:+LD_PRELOAD=$3} $side_env '$2' | (sleep 1; wc -c)" \
			>out 2>err </dev/null; echo $? >rc)
		return
	fi
	(cd "$_d" || exit 1; timeout -k 2 "$limit" env -i PATH=/usr/bin:/bin ${3:+LD_PRELOAD=$3} $side_env "$2" \
		>out 2>err </dev/null; echo $? >rc)
}
mkdir -p "$w/bin"

for t in pipesig pipeterm2 thrd full privmap sigview clone_close close_getfd fsize dgram_err \
	pseudofs sigpipe_seen sigpipe_dies seccomp_sys shm_flag shm_counter tcp_reset \
	exec_pipe vfork_sig py_subprocess xfd_order sig_race; do
	limit=8
	[ "$t" = pipeterm2 ] && limit=1
	if ! cc -std=gnu11 -O2 -pthread -o "$w/bin/$t" "tests/edge/$t.c" 2>"$w/$t.cc"; then
		not_ok "$t: builds" "$(cat "$w/$t.cc")"
		continue
	fi
	musl=no
	"$top/out/bin/bc-musl-gcc" --bc=off -std=gnu11 -O2 -o "$w/bin/$t-off" "tests/edge/$t.c" 2>/dev/null &&
		"$top/out/bin/bc-musl-gcc" --bc=batch -std=gnu11 -O2 -o "$w/bin/$t-batch" "tests/edge/$t.c" 2>/dev/null &&
		musl=yes
	side "$t-native" "$w/bin/$t"
	[ $musl = yes ] && side "$t-off" "$w/bin/$t-off"
	i=0
	for m in $modes; do
		i=$((i + 1))
		side_env=$(mode_env "$m") tap_suffix=" [$m]"
		side "$t-shim.$i" "$w/bin/$t" "$shim"
		p=$w/$t.problems.$i
		: >"$p"
		for f in rc out err; do
			cmp -s "$w/$t-native/$f" "$w/$t-shim.$i/$f" ||
				echo "$f: native '$(head -c 200 "$w/$t-native/$f")', preloaded '$(head -c 200 "$w/$t-shim.$i/$f")'" >>"$p"
		done
		verdict "$t (glibc preload): same output and status as native" "$p"
		if [ $musl = yes ]; then
			side "$t-batch.$i" "$w/bin/$t-batch"
			p=$w/$t.musl.problems.$i
			: >"$p"
			for f in rc out err; do
				cmp -s "$w/$t-off/$f" "$w/$t-batch.$i/$f" ||
					echo "$f: off '$(head -c 200 "$w/$t-off/$f")', batch '$(head -c 200 "$w/$t-batch.$i/$f")'" >>"$p"
			done
			verdict "$t (musl --bc=batch): same output and status as --bc=off" "$p"
		fi
		side_env= tap_suffix=
	done
done
echo "1..$n"
