#!/bin/sh
# Fault tests of the deferral engine: what a program sees when a deferred
# call fails, when a signal arrives, when it is killed.  Each program in
# tests/faults/ runs natively and under bcshim: glibc builds natively and
# with LD_PRELOAD=out/lib/libbcshim.so, and musl builds with bc-musl-gcc
# --bc=off and --bc=batch.  What is asserted, per build:
#   ENOSPC   (a 64 KiB tmpfs; 64-byte writes until one fails)  natively a
#            write fails with ENOSPC; under bcshim a write fails with ENOSPC
#            at the same record or later (never earlier), the process exits
#            0, BC_STATS counts mispredictions >= 1, and the file is a
#            prefix of the native file.  With BC_ON_MISPREDICT=abort: death
#            by SIGABRT, "bcshim: misprediction" on stderr, the file a
#            prefix of the native file.  1100 records then close, with
#            BC_MAX_DELAY_US=10000000: a write or the close fails with
#            ENOSPC (a close still closes the fd but reports the deferred
#            write's error).
#   EPIPE    (the only reader took the first record and exited)
#            SIGPIPE ignored, writing until one fails: a write fails with
#            EPIPE (at any record: the deferred ones looked done); SIGPIPE
#            ignored, one write then close: either the write fails with
#            EPIPE and close returns 0 (as natively), or the write returns
#            64 and close fails with EPIPE; SIGPIPE default: death by
#            SIGPIPE both ways, writing until failure and writing once then
#            closing.
#   EINTR    a blocking pipe read interrupted by a handler without
#            SA_RESTART: identical stdout (read -1 EINTR, the handler ran,
#            the 500 bytes written before it were in the file while it
#            blocked, as seen by another process) and identical file.
#   EAGAIN   a non-blocking pipe filled until EAGAIN, twice (100-byte and
#            5000-byte writes): identical sequence of results.
#   handler  SIGALRM handler writing to the fd the main loop writes to:
#            every m line in order, every h line in order, "h<j> after
#            m<k>" preceded by at least k m lines, and the counts the
#            program reports.
#   SIGTERM  (BC_MAX_DELAY_US=10000000, so only the signal can flush) 1000
#            records written, then killed while spinning: death by SIGTERM
#            and all 1000 records in the file.
#   SIGKILL  default BC_MAX_DELAY_US, killed 0.3 s after the writes: all
#            1000 records present.  BC_MAX_DELAY_US=10000000, killed at
#            once: the file is a prefix of the records (what is lost is
#            printed as a TAP comment, not asserted).
# Every build runs under every mode of tests/modes.sh (the bcshim side gets
# the mode; the native side runs again beside it), the mode ending each name.
# Prints TAP (tests/tap.sh) for tests/run.sh; exits 0 whatever the results.
# BC_TEST_PRELOAD= and BC_TEST_MUSL_MODE=pass check the harness itself
# (native against native); the engine-only assertions then fail by design.
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
w=$top/out/tests/faults
lib=${BC_TEST_PRELOAD-$top/out/lib/libbcshim.so}
musl_mode=${BC_TEST_MUSL_MODE:-batch}
cflags="-std=c11 -O2 -Wall -Wextra -Werror"
mnt=$w/mnt
umount "$mnt" 2>/dev/null
rm -rf "$w" && mkdir -p "$w/bin" || { echo "1..0 # SKIP cannot make $w"; exit 0; }
. tests/tap.sh
. tests/modes.sh

progs="enospc epipe eintr eagain sighandler killme"
: >"$w/build.log"
build() {
	_out=$w/bin/$1
	shift
	"$@" -o "$_out" >>"$w/build.log" 2>&1 || echo "failed: $* -o $_out" >>"$w/build.fail"
}
build run cc $cflags tests/diff/run.c
for p in $progs; do
	build "$p" cc $cflags "tests/faults/$p.c"
	build "$p-off" "$top/out/bin/bc-musl-gcc" --bc=off $cflags "tests/faults/$p.c"
	build "$p-bc" "$top/out/bin/bc-musl-gcc" --bc="$musl_mode" $cflags "tests/faults/$p.c"
done
built "fault programs"
runner=$w/bin/run

# ---- running one side ---------------------------------------------------------

# Builds: glibc (native: no preload; bcshim: the preload) and musl (native:
# --bc=off; bcshim: --bc=batch).  Sides: n (native) and s (bcshim).
binary() {
	case ${1%@*}.$2 in
	glibc.*) echo "$w/bin/$3" ;;
	musl.n) echo "$w/bin/$3-off" ;;
	musl.s) echo "$w/bin/$3-bc" ;;
	esac
}
preload() { if [ "${1%@*}.$2" = glibc.s ]; then echo "$lib"; fi; }

# frun DIR BUILD SIDE PROG ARG...: run in a fresh DIR/cwd with the
# environment env -i PATH LC_ALL LD_PRELOAD plus $fenv ("-e VAR=VAL"
# words) and, on the bcshim side, the mode $bm (set by under); DIR/stdout,
# DIR/stderr, DIR/status.  $fbg=yes: in the background, the program's pid in DIR/pid.
fenv= fbg=no
frun() {
	_d=$1 _b=$2 _s=$3 _p=$4
	shift 4
	rm -rf "$_d" && mkdir -p "$_d/cwd" || return
	_bin=$(binary "$_b" "$_s" "$_p")
	_pre=$(preload "$_b" "$_s")
	_me=
	[ "$_s" = s ] && _me=$(mode_opts "$bm" -e)
	# shellcheck disable=SC2086 # fenv is a list of words
	if [ "$fbg" = yes ]; then
		(cd "$_d/cwd" && exec "$runner" -o "$_d/status" -t 30 -p "$_d/pid" -e PATH=/usr/bin:/bin \
			-e LC_ALL=C -e "LD_PRELOAD=$_pre" $_me $fenv -- "$_bin" "$@" \
			</dev/null >"$_d/stdout" 2>"$_d/stderr") &
	else
		(cd "$_d/cwd" && "$runner" -o "$_d/status" -t 30 -e PATH=/usr/bin:/bin \
			-e LC_ALL=C -e "LD_PRELOAD=$_pre" $_me $fenv -- "$_bin" "$@" \
			</dev/null >"$_d/stdout" 2>"$_d/stderr")
	fi
}
status_of() { cat "$1/status" 2>/dev/null || echo none; }
# mispredictions FILE: the sum over a BC_STATS file's reports.
mispredictions() {
	sed -n 's/.*"mispredictions":\([0-9][0-9]*\).*/\1/p' "$1" 2>/dev/null |
		awk '{ s += $1 } END { print s + 0 }'
}
# is_prefix SHORT LONG: SHORT's bytes are the start of LONG's.
is_prefix() {
	_ls=$(wc -c <"$1") _ll=$(wc -c <"$2")
	[ "$_ls" -le "$_ll" ] && cmp -s -n "$_ls" "$1" "$2"
}
# failed_at FILE: the record number of "write N failed: ..." or "none".
failed_at() { sed -n 's/^write \([0-9][0-9]*\) failed: .*/\1/p' "$1" | grep . || echo none; }

# A build is a way in and a mode's index, as glibc@2.
builds=
i=0
for m in $modes; do
	i=$((i + 1))
	builds="$builds glibc@$i musl@$i"
done
# under BUILD: bw its way in, bm its mode, the mode ending each TAP name.
under() {
	bw=${1%@*}
	set -- "${1#*@}" $modes
	shift "$1"
	bm=$1
	tap_suffix=" [$bm]"
}

# ---- ENOSPC -------------------------------------------------------------------

mkdir -p "$mnt"
if mount -t tmpfs -o size=64k bcshim-faults "$mnt" 2>"$w/mount.err"; then
	mounted=yes
	trap 'umount "$mnt" 2>/dev/null' EXIT
	trap 'umount "$mnt" 2>/dev/null; exit 1' INT TERM
else
	mounted="cannot mount a 64 KiB tmpfs ($(head -n 1 "$w/mount.err")): needs root or CAP_SYS_ADMIN"
fi
for b in $builds; do
	under "$b"
	t1="ENOSPC ($bw): the error comes back on a later call, mispredictions counted, the file a prefix of native's"
	t2="ENOSPC ($bw), BC_ON_MISPREDICT=abort: SIGABRT, 'bcshim: misprediction', the file a prefix of native's"
	if [ "$mounted" != yes ]; then
		skip "$t1" "$mounted"
		skip "$t2" "$mounted"
		skip "ENOSPC ($bw), 1100 records then close: a write or the close fails with ENOSPC" "$mounted"
		continue
	fi
	c=$w/enospc-$b
	p=$c/problems
	mkdir -p "$c"
	: >"$p"
	rm -f "$mnt"/*
	frun "$c/n" "$b" n enospc "$mnt/out"
	cp "$mnt/out" "$c/n/file" 2>/dev/null || : >"$c/n/file"
	rm -f "$mnt"/*
	fenv="-e BC_STATS=$c/stats.jsonl"
	frun "$c/s" "$b" s enospc "$mnt/out"
	fenv=
	cp "$mnt/out" "$c/s/file" 2>/dev/null || : >"$c/s/file"
	rm -f "$mnt"/*
	kn=$(failed_at "$c/n/stdout") ks=$(failed_at "$c/s/stdout")
	if [ "$(status_of "$c/n")" != "exit 0" ] || ! grep -q '^write [0-9]* failed: ENOSPC$' "$c/n/stdout"; then
		echo "native: $(status_of "$c/n"), stdout: $(cat "$c/n/stdout")" >>"$p"
	fi
	[ "$(status_of "$c/s")" = "exit 0" ] || echo "bcshim: status $(status_of "$c/s"); stderr: $(head -c 300 "$c/s/stderr")" >>"$p"
	if ! grep -q '^write [0-9]* failed: ENOSPC$' "$c/s/stdout"; then
		echo "bcshim: no write failed with ENOSPC; stdout: $(head -c 300 "$c/s/stdout")" >>"$p"
	elif [ "$kn" != none ] && [ "$ks" -lt "$kn" ]; then
		echo "bcshim: the error came at record $ks, before native's $kn" >>"$p"
	fi
	m=$(mispredictions "$c/stats.jsonl")
	[ "$m" -ge 1 ] || echo "BC_STATS mispredictions: $m, want >= 1 ($(head -c 400 "$c/stats.jsonl" 2>/dev/null))" >>"$p"
	is_prefix "$c/s/file" "$c/n/file" ||
		echo "the file ($(wc -c <"$c/s/file") bytes) is not a prefix of native's ($(wc -c <"$c/n/file") bytes): $(cmp "$c/s/file" "$c/n/file" 2>&1)" >>"$p"
	echo "# native: failed at record $kn, $(wc -c <"$c/n/file") bytes; bcshim: at $ks, $(wc -c <"$c/s/file") bytes, $m misprediction(s)$tap_suffix" >"$c/note"
	verdict "$t1" "$p"
	cat "$c/note"

	p=$c/problems.abort
	: >"$p"
	fenv="-e BC_ON_MISPREDICT=abort"
	frun "$c/a" "$b" s enospc "$mnt/out"
	fenv=
	cp "$mnt/out" "$c/a/file" 2>/dev/null || : >"$c/a/file"
	rm -f "$mnt"/*
	[ "$(status_of "$c/a")" = "signal 6" ] || echo "status $(status_of "$c/a"), want signal 6; stdout: $(head -c 200 "$c/a/stdout")" >>"$p"
	grep -q 'bcshim: misprediction' "$c/a/stderr" || echo "stderr lacks 'bcshim: misprediction': $(head -c 300 "$c/a/stderr")" >>"$p"
	is_prefix "$c/a/file" "$c/n/file" ||
		echo "the file ($(wc -c <"$c/a/file") bytes) is not a prefix of native's ($(wc -c <"$c/n/file") bytes)" >>"$p"
	verdict "$t2" "$p"

	# 1100 records: natively write 1024 fails; deferred (and with a time
	# bound that cannot expire first), the failure is found only when close
	# flushes, and close must then report it.
	p=$c/problems.close
	: >"$p"
	frun "$c/n-1100" "$b" n enospc "$mnt/out" 1100
	rm -f "$mnt"/*
	fenv="-e BC_MAX_DELAY_US=10000000"
	frun "$c/s-1100" "$b" s enospc "$mnt/out" 1100
	fenv=
	rm -f "$mnt"/*
	grep -q '^write [0-9]* failed: ENOSPC$' "$c/n-1100/stdout" ||
		echo "native: $(cat "$c/n-1100/stdout")" >>"$p"
	if ! grep -q '^write [0-9]* failed: ENOSPC$' "$c/s-1100/stdout" &&
		! grep -q '^close: -1 ENOSPC$' "$c/s-1100/stdout"; then
		echo "bcshim ($(status_of "$c/s-1100")): $(cat "$c/s-1100/stdout")" >>"$p"
		echo "want a write or the close to fail with ENOSPC" >>"$p"
	fi
	verdict "ENOSPC ($bw), 1100 records then close: a write or the close fails with ENOSPC" "$p"
done
if [ "$mounted" = yes ]; then
	umount "$mnt" 2>/dev/null
	trap - EXIT INT TERM
fi

# ---- EPIPE --------------------------------------------------------------------

for b in $builds; do
	under "$b"
	c=$w/epipe-$b
	frun "$c/n-ign-loop" "$b" n epipe ign loop
	frun "$c/s-ign-loop" "$b" s epipe ign loop
	p=$c/problems.ign-loop
	: >"$p"
	grep -q '^write 0 failed: EPIPE$' "$c/n-ign-loop/stdout" ||
		echo "native: $(status_of "$c/n-ign-loop"), $(cat "$c/n-ign-loop/stdout")" >>"$p"
	[ "$(status_of "$c/s-ign-loop")" = "exit 0" ] || echo "bcshim: status $(status_of "$c/s-ign-loop")" >>"$p"
	grep -q '^write [0-9]* failed: EPIPE$' "$c/s-ign-loop/stdout" ||
		echo "bcshim: no write failed with EPIPE: $(cat "$c/s-ign-loop/stdout")" >>"$p"
	verdict "EPIPE ($bw), SIGPIPE ignored, writing until failure: a write fails with EPIPE" "$p"

	frun "$c/n-ign-single" "$b" n epipe ign single
	frun "$c/s-ign-single" "$b" s epipe ign single
	p=$c/problems.ign-single
	: >"$p"
	printf 'write: -1 EPIPE\nclose: 0 \n' >"$c/want1"
	printf 'write: 64 \nclose: -1 EPIPE\n' >"$c/want2"
	cmp -s "$c/want1" "$c/n-ign-single/stdout" || echo "native: $(cat "$c/n-ign-single/stdout")" >>"$p"
	if ! cmp -s "$c/want1" "$c/s-ign-single/stdout" && ! cmp -s "$c/want2" "$c/s-ign-single/stdout"; then
		echo "bcshim ($(status_of "$c/s-ign-single")): $(cat "$c/s-ign-single/stdout")" >>"$p"
		echo "want the write to fail with EPIPE, or the write to succeed and the close to fail with EPIPE" >>"$p"
	fi
	verdict "EPIPE ($bw), SIGPIPE ignored, one write then close: EPIPE from the write or the close" "$p"

	for mode in loop single; do
		frun "$c/n-dfl-$mode" "$b" n epipe dfl $mode
		frun "$c/s-dfl-$mode" "$b" s epipe dfl $mode
		p=$c/problems.dfl-$mode
		: >"$p"
		for s in n s; do
			[ "$(status_of "$c/$s-dfl-$mode")" = "signal 13" ] ||
				echo "$s: status $(status_of "$c/$s-dfl-$mode"), want signal 13; stdout: $(cat "$c/$s-dfl-$mode/stdout")" >>"$p"
		done
		verdict "EPIPE ($bw), SIGPIPE default, $mode: death by SIGPIPE both ways" "$p"
	done
done

# ---- EINTR --------------------------------------------------------------------

printf 'read: -1 EINTR, handler ran: 1\nfile size seen while blocked: 500\nobserver: ok\n' >"$w/eintr.want"
: >"$w/eintr.file"
i=0
while [ $i -lt 100 ]; do printf 'w%03d\n' $i; i=$((i + 1)); done >>"$w/eintr.file"
i=0
while [ $i -lt 100 ]; do printf 'x%03d\n' $i; i=$((i + 1)); done >>"$w/eintr.file"
for b in $builds; do
	under "$b"
	c=$w/eintr-$b
	t="EINTR ($bw): read fails with EINTR both ways, the earlier writes in the file while it blocks"
	frun "$c/n" "$b" n eintr
	frun "$c/s" "$b" s eintr
	if grep -q '^observer: failed' "$c/n/stdout" && [ ! -r /proc/self/syscall ]; then
		skip "$t" "no /proc/PID/syscall to see the read block"
		continue
	fi
	p=$c/problems
	: >"$p"
	for s in n s; do
		[ "$(status_of "$c/$s")" = "exit 0" ] || echo "$s: status $(status_of "$c/$s")" >>"$p"
		cmp -s "$w/eintr.want" "$c/$s/stdout" ||
			{ echo "$s: stdout:"; cat "$c/$s/stdout"; } >>"$p"
		cmp -s "$w/eintr.file" "$c/$s/cwd/out" ||
			echo "$s: the file differs from w000..w099 x000..x099: $(cmp "$w/eintr.file" "$c/$s/cwd/out" 2>&1)" >>"$p"
	done
	verdict "$t" "$p"
done

# ---- EAGAIN -------------------------------------------------------------------

for b in $builds; do
	under "$b"
	c=$w/eagain-$b
	frun "$c/n" "$b" n eagain
	frun "$c/s" "$b" s eagain
	p=$c/problems
	: >"$p"
	[ "$(status_of "$c/n")" = "$(status_of "$c/s")" ] || echo "status: native $(status_of "$c/n"), bcshim $(status_of "$c/s")" >>"$p"
	grep -q 'content ok' "$c/n/stdout" || echo "native: $(cat "$c/n/stdout")" >>"$p"
	cmp -s "$c/n/stdout" "$c/s/stdout" || { echo "results differ (native -, bcshim +):"; diff -u "$c/n/stdout" "$c/s/stdout" | sed -n '3,30p'; } >>"$p"
	verdict "EAGAIN ($bw): a non-blocking pipe filled to EAGAIN gives the same results" "$p"
done

# ---- a handler writing to the same fd -----------------------------------------

# check_handler DIR: the problems with DIR/cwd/out and DIR/stdout.
check_handler() {
	awk -v report="$(cat "$1/stdout")" '
		function bad(s) { if (nbad++ < 10) print "line " NR ": " s }
		/^m[0-9]+$/ {
			if (substr($0, 2) + 0 != m) bad("\"" $0 "\" where m" m " was due")
			m++
			next
		}
		/^h[0-9]+ after m[0-9]+$/ {
			j = substr($1, 2) + 0; k = substr($3, 2) + 0
			if (j != h) bad("\"" $0 "\" where h" h " was due")
			if (k > m) bad("\"" $0 "\" but only " m " m lines precede it")
			h++
			next
		}
		{ bad("not a record: \"" $0 "\"") }
		END {
			if (report != "m " m " h " h)
				print "the program reported \"" report "\", the file holds m " m " h " h
			if (h == 0) print "no handler line at all"
		}' "$1/cwd/out"
}
for b in $builds; do
	under "$b"
	c=$w/handler-$b
	frun "$c/n" "$b" n sighandler
	frun "$c/s" "$b" s sighandler
	p=$c/problems
	: >"$p"
	for s in n s; do
		[ "$(status_of "$c/$s")" = "exit 0" ] || echo "$s: status $(status_of "$c/$s")" >>"$p"
		check_handler "$c/$s" | sed "s/^/$s: /" >>"$p"
	done
	verdict "handler ($bw): SIGALRM handler and main loop writing one fd: a valid interleaving" "$p"
done

# ---- SIGTERM and SIGKILL ------------------------------------------------------

"$w/bin/killme" - >"$w/killme.want"

# killed DIR BUILD SIDE SIGNAL PAUSE: run killme in the background, wait
# until it has written (its mapped READY byte), sleep PAUSE, send SIGNAL,
# wait for the end.
killed() {
	_d=$1
	fbg=yes
	frun "$1" "$2" "$3" killme out ready
	fbg=no
	_i=0
	# The runner writes the pid file after it forks: on a loaded machine
	# the program can be ready first.
	while { [ "$(head -c 1 "$_d/cwd/ready" 2>/dev/null)" != 1 ] || [ ! -s "$_d/pid" ]; } &&
		[ ! -e "$_d/status" ] && [ $_i -lt 3000 ]; do
		sleep 0.01
		_i=$((_i + 1))
	done
	[ "$5" = 0 ] || sleep "$5"
	if [ -e "$_d/pid" ]; then kill -s "$4" "$(cat "$_d/pid")" 2>/dev/null; fi
	wait
}
for b in $builds; do
	under "$b"
	c=$w/kill-$b
	p=$c/problems.term
	mkdir -p "$c"
	: >"$p"
	fenv="-e BC_MAX_DELAY_US=10000000"
	killed "$c/n-term" "$b" n TERM 0
	killed "$c/s-term" "$b" s TERM 0
	fenv=
	for s in n s; do
		[ "$(status_of "$c/$s-term")" = "signal 15" ] ||
			echo "$s: status $(status_of "$c/$s-term"), want signal 15; stderr: $(head -c 200 "$c/$s-term/stderr")" >>"$p"
		cmp -s "$w/killme.want" "$c/$s-term/cwd/out" ||
			echo "$s: the file holds $(wc -c <"$c/$s-term/cwd/out") of 64000 bytes, or other bytes: $(cmp "$w/killme.want" "$c/$s-term/cwd/out" 2>&1)" >>"$p"
	done
	verdict "SIGTERM ($bw), BC_MAX_DELAY_US=10000000: dies by SIGTERM, all 1000 records written" "$p"

	p=$c/problems.kill
	: >"$p"
	killed "$c/n-kill" "$b" n KILL 0.3
	killed "$c/s-kill" "$b" s KILL 0.3
	for s in n s; do
		[ "$(status_of "$c/$s-kill")" = "signal 9" ] ||
			echo "$s: status $(status_of "$c/$s-kill"), want signal 9" >>"$p"
		cmp -s "$w/killme.want" "$c/$s-kill/cwd/out" ||
			echo "$s: the file holds $(wc -c <"$c/$s-kill/cwd/out") of 64000 bytes, or other bytes: $(cmp "$w/killme.want" "$c/$s-kill/cwd/out" 2>&1)" >>"$p"
	done
	verdict "SIGKILL ($bw), default BC_MAX_DELAY_US, killed 0.3 s after the writes: all 1000 records written" "$p"

	p=$c/problems.kill-late
	: >"$p"
	fenv="-e BC_MAX_DELAY_US=10000000"
	killed "$c/s-kill-late" "$b" s KILL 0
	fenv=
	[ "$(status_of "$c/s-kill-late")" = "signal 9" ] ||
		echo "status $(status_of "$c/s-kill-late"), want signal 9" >>"$p"
	is_prefix "$c/s-kill-late/cwd/out" "$w/killme.want" ||
		echo "the file ($(wc -c <"$c/s-kill-late/cwd/out") bytes) is not a prefix of the 1000 records" >>"$p"
	verdict "SIGKILL ($bw), BC_MAX_DELAY_US=10000000, killed at once: the file is a prefix of the records" "$p"
	echo "# SIGKILL ($bw) with BC_MAX_DELAY_US=10000000: $(($(wc -c <"$c/s-kill-late/cwd/out") / 64)) of 1000 records kept$tap_suffix"
done

echo "1..$n"
