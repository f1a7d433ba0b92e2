#!/bin/sh
# The engine's executors under stress, each a small program in
# tests/executor/ run natively and batched (glibc: cc, natively and under
# LD_PRELOAD=out/lib/libbcshim.so; musl: bc-musl-gcc --bc=off against
# --bc=batch): the same stdout, stderr, exit status (124: killed by
# timeout, i.e. a hang) and files left (names, sizes, checksums; a file
# named shared as a multiset of lines, its order being the scheduler's).
#   forkrec  fork while pages are in flight; parent and child write one file
#   execrec  exec while pages are in flight; the exec'd shell appends
#   threads  8 threads x 10000 records to their own files and to one shared
#            O_APPEND file (the program checks that one: each thread's
#            records once each, in its own order)
#   stall    the executor stalled by a slow call: a pipe whose reader sleeps
#            0.5 s ("stall | (sleep 0.5; cat >drained)") while the program
#            writes a regular file, loops on getpid, exits
#   lowfd    0, 1 and 2 keep the lowest-fd rule under the relaxed level too
#   retire   setgid in a loop (the executor retired) while another thread's
#            writes flush async: nothing hangs, nothing is lost (on musl,
#            setgid's __synccall stops the writer, perhaps inside the
#            engine: musl patch 0006)
#   bigtls   1 MiB of TLS, a profile with writes async and pwrites direct,
#            stdout a slow pipe: the timer thread must not touch TLS
#   reuse    (every mode) closed fds stay closed while relaxed opens reuse
#            their numbers before the closes' batches are reaped
#   prctl    prctl(PR_SET_SECUREBITS) after each 64 KiB: the retired
#            threads' stacks do not pile up
#   ringfd   (uring modes) RLIMIT_NOFILE 20: the ring takes no low fd
# And io_uring refused (sysctl kernel.io_uring_disabled=2, restored after):
# BC_EXECUTOR=uring falls back to direct for good, says so in BC_STATS
# (config.uring "unavailable: ..."), and the pwrites still all land.
# lowfd and reuse run under every mode of tests/modes.sh, ringfd under the
# uring ones, bigtls once with its profile, the others under those whose
# executor is async, and direct as a control; the mode ends each name.
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
w=$top/out/tests/executor
rm -rf "$w" && mkdir -p "$w/bin" || { echo "1..0 # SKIP cannot make $w"; exit 0; }
. tests/tap.sh
. tests/modes.sh
shim=$top/out/lib/libbcshim.so
cflags="-std=gnu11 -O2 -Wall -Wextra -Werror -pthread"

# side NAME PROGRAM [LD_PRELOAD]: run it in NAME/cwd with $side_env
# (VAR=VAL words) too; NAME/rc, out, err, and files, the listing of what
# it left in cwd (a file named shared sorted first).
side_env=
side() {
	_d=$w/$1
	mkdir -p "$_d/cwd"
	if [ "$t" = stall ] || [ "$t" = bigtls ]; then
		(cd "$_d/cwd" || exit 1; timeout -k 2 20 sh -c \
			"env -i PATH=/usr/bin:/bin LC_ALL=C ${3:+LD_PRELOAD=$3} $side_env '$2' | (sleep 0.5; cat >drained)" \
			>../out 2>../err </dev/null; echo $? >../rc)
	elif [ "$t" = ringfd ]; then
		(cd "$_d/cwd" || exit 1; ulimit -n 20; timeout -k 2 20 env -i PATH=/usr/bin:/bin LC_ALL=C \
			${3:+LD_PRELOAD=$3} $side_env "$2" >../out 2>../err </dev/null; echo $? >../rc)
	else
		(cd "$_d/cwd" || exit 1; timeout -k 2 20 env -i PATH=/usr/bin:/bin LC_ALL=C \
			${3:+LD_PRELOAD=$3} $side_env "$2" >../out 2>../err </dev/null; echo $? >../rc)
	fi
	(
		cd "$_d/cwd" || exit 1
		find . -type f ! -name shared -exec cksum {} + | awk '{ print $3, $2, $1 }'
		[ -e shared ] && echo "./shared sorted $(LC_ALL=C sort shared | cksum)"
	) | LC_ALL=C sort >"$_d/files"
}

# differ A B: what differs between two sides, "" if nothing.
differ() {
	for _f in rc out err files; do
		cmp -s "$w/$1/$_f" "$w/$2/$_f" ||
			echo "$_f: $1 '$(head -c 300 "$w/$1/$_f")', $2 '$(head -c 300 "$w/$2/$_f")'"
	done
}

printf 'bcshim-profile 1\nwrite async\npwrite direct\n' >"$w/mixed.profile"
for t in forkrec execrec threads stall lowfd retire bigtls reuse prctl ringfd; do
	if ! cc $cflags -o "$w/bin/$t" "tests/executor/$t.c" 2>"$w/$t.cc"; then
		not_ok "$t: builds" "$(cat "$w/$t.cc")"
		continue
	fi
	musl=no
	if "$top/out/bin/bc-musl-gcc" --bc=off $cflags -o "$w/bin/$t-off" "tests/executor/$t.c" 2>>"$w/$t.cc" &&
		"$top/out/bin/bc-musl-gcc" --bc=batch $cflags -o "$w/bin/$t-batch" "tests/executor/$t.c" 2>>"$w/$t.cc"; then
		musl=yes
	fi
	[ $musl = yes ] || not_ok "$t: builds with bc-musl-gcc" "$(cat "$w/$t.cc")"
	side "$t-native" "$w/bin/$t"
	[ $musl = yes ] && side "$t-off" "$w/bin/$t-off"
	i=0
	for m in $modes; do
		i=$((i + 1))
		case $t.$(executor "$m").$(relaxed "$m" && echo relaxed) in
		bigtls.async.) ;;
		bigtls.* | ringfd.direct.* | ringfd.async.*) continue ;;
		lowfd.* | reuse.* | ringfd.* | *.direct.* | *.async.*) ;;
		*) continue ;;
		esac
		side_env=$(mode_env "$m") tap_suffix=" [$m]"
		[ $t = bigtls ] && side_env="BC_PROFILE=$w/mixed.profile" tap_suffix=" [mixed profile]"
		side "$t-shim.$i" "$w/bin/$t" "$shim"
		differ "$t-native" "$t-shim.$i" >"$w/$t.problems.$i"
		verdict "$t (glibc preload): same output, status and files as native" "$w/$t.problems.$i"
		if [ $musl = yes ]; then
			side "$t-batch.$i" "$w/bin/$t-batch"
			differ "$t-off" "$t-batch.$i" >"$w/$t.musl.problems.$i"
			verdict "$t (musl --bc=batch): same output, status and files as --bc=off" "$w/$t.musl.problems.$i"
		fi
		side_env= tap_suffix=
	done
done
# uring_run NAME: bcshim-calibrate's pwrite workload (2000 pwrites of 64
# bytes) under BC_EXECUTOR=uring; NAME/stats and NAME/cwd/out.
uring_run() {
	mkdir -p "$w/$1/cwd"
	# (ASAN_OPTIONS: a sanitized build of bcshim-calibrate under LD_PRELOAD)
	env -i PATH=/usr/bin:/bin LD_PRELOAD="$shim" BC_EXECUTOR=uring BC_PROFILE= \
		ASAN_OPTIONS=verify_asan_link_order=0 \
		BC_STATS="$w/$1/stats" "$top/out/bin/bcshim-calibrate" --workload pwrite 2000 \
		"$w/$1/cwd" >"$w/$1/log" 2>&1
}
sysctl=/proc/sys/kernel/io_uring_disabled
t="io_uring refused by sysctl: BC_EXECUTOR=uring falls back, says why, loses nothing"
if [ ! -w "$sysctl" ] || ! old=$(cat "$sysctl"); then
	skip "$t" "$sysctl cannot be set here (not root, or a kernel without it)"
else
	uring_run uring-on
	trap 'echo "$old" >"$sysctl"' EXIT INT TERM
	echo 2 >"$sysctl" && uring_run uring-off
	echo "$old" >"$sysctl"
	trap - EXIT INT TERM
	p=$w/uring.problems
	: >"$p"
	grep -q '"uring":"ok"' "$w/uring-on/stats" ||
		echo "enabled: config.uring not ok: $(grep -o '"uring":"[^"]*"' "$w/uring-on/stats")" >>"$p"
	grep -q '"uring":"unavailable: [^"]*"' "$w/uring-off/stats" ||
		echo "refused: config.uring: $(grep -o '"uring":"[^"]*"' "$w/uring-off/stats")" >>"$p"
	for s in on off; do
		f=$(find "$w/uring-$s/cwd" -type f | head -n 1)
		[ -n "$f" ] && [ "$(wc -c <"$f")" -eq 128000 ] ||
			echo "$s: the workload's file is not 2000 x 64 bytes ($(cat "$w/uring-$s/log"))" >>"$p"
	done
	verdict "$t" "$p"
fi
echo "1..$n"
