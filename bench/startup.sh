#!/bin/sh
# bench/startup.sh: what a process that defers nothing pays for bcshim
# (issue 14), native against LD_PRELOAD=out/lib/libbcshim.so:
#   1. the system calls of /bin/true (strace -f, every call counted once),
#      natively, with an empty preloaded library (bench/empty.c) linked by
#      default and linked as libbcshim.so is (what the dynamic loader
#      charges for any preload), and with bcshim; the calls bcshim adds
#      beyond the latter's, by name.  Target: at most 3 more than native.
#   2. the instructions of the same (valgrind --tool=callgrind, Collected;
#      steady from run to run, unlike time on this VM).
#   3. a shell loop of 300 fork+exec of /bin/true (sh -c 'while ...;
#      do /bin/true; ...'): every child is preloaded too.  Target: >= 0.97.
#   4. a shell loop of 5000 `echo ... >> file` (bctrial's sh-append-loop:
#      open, dup, write, close, nothing merges).  Target: >= 0.97.
# Timed (3, 4): BENCH_RUNS (default 11) pairs after one untimed warm-up
# pair, the sides interleaved and their order alternated; each run a whole
# process timed by bench/timer.c (fork, exec, wait).  Reported: each side's
# median, the speedup (median native / median batched) and the range of
# the per-pair ratios, for wall time and for CPU time (user + system, the
# children's included: less disturbed by other load); and the same for
# the empty library linked alike, the floor of any preload.
# BENCH_SHIM=PATH: another libbcshim.so.
# Exits 0 whatever it measures: a benchmark never fails the build.
set -u
cd "$(dirname "$0")/.." || exit 2
. bench/turn.sh
runs=${BENCH_RUNS:-11}
shim=${BENCH_SHIM:-$PWD/out/lib/libbcshim.so}
out=$PWD/out/bench/startup
cc=${CC:-cc}
case $runs in '' | *[!0-9]*) runs=0 ;; esac
if [ "$runs" -lt 1 ]; then
	echo "bench/startup.sh: BENCH_RUNS must be a positive integer" >&2
	exit 0
fi
case $shim in /*) ;; *) shim=$PWD/$shim ;; esac
if [ ! -f "$shim" ]; then
	echo "bench/startup.sh: no $shim; run ninja first" >&2
	exit 0
fi
# The runs must not be disarmed, report, or read a developer's profile.
unset BC_STATS BC_DISABLE BC_PROFILE LD_PRELOAD
rm -rf "$out" && mkdir -p "$out/w" || exit 0
# The empty library, linked by default and as build.ninja's shimlink
# links libbcshim.so.
emptycc="$cc -std=c11 -O2 -fPIC -shared -nostdlib -Wl,-z,defs -Wl,--gc-sections"
if ! $cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -o "$out/timer" bench/timer.c ||
	! $emptycc -o "$out/empty-default.so" bench/empty.c -lgcc ||
	! $emptycc -Wl,-z,noseparate-code -Wl,-z,norelro -o "$out/empty.so" bench/empty.c -lgcc; then
	echo "bench/startup.sh: cannot build bench/timer.c or bench/empty.c with $cc" >&2
	exit 0
fi
true_bin=$(command -v true 2>/dev/null)
[ -x /bin/true ] && true_bin=/bin/true
clean="env -i PATH=/usr/bin:/bin HOME=$HOME"

echo "bench/startup.sh: load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc 2>/dev/null || echo ?) CPUs"
echo "  preload: $shim"

# ---- 1. system calls --------------------------------------------------

# calls TRACE: the calls in a strace -f trace, each once.
calls() { grep -v ' +++ \| --- \|resumed>' "$1" | grep -c '('; }
# names TRACE: "count name" per call name.
names() {
	grep -v ' +++ \| --- \|resumed>' "$1" | sed -n 's/^[0-9]* *\([a-z_0-9]*\)(.*/\1/p' | sort | uniq -c
}
if command -v strace >/dev/null; then
	for s in native default empty bcshim; do
		case $s in
		native) pre= ;;
		default) pre="-E LD_PRELOAD=$out/empty-default.so" ;;
		empty) pre="-E LD_PRELOAD=$out/empty.so" ;;
		bcshim) pre="-E LD_PRELOAD=$shim" ;;
		esac
		# shellcheck disable=SC2086 # words
		$clean strace -f -qq -o "$out/true.$s.trace" $pre "$true_bin" || :
	done
	n_nat=$(calls "$out/true.native.trace") n_emp=$(calls "$out/true.empty.trace")
	n_bc=$(calls "$out/true.bcshim.trace") n_def=$(calls "$out/true.default.trace")
	echo
	echo "1. system calls of $true_bin (target: bcshim at most 3 more than native)"
	printf '  %-44s %6s %10s\n' "" calls "vs native"
	printf '  %-44s %6d %10s\n' native "$n_nat" -
	printf '  %-44s %6d %+10d\n' "an empty preloaded library, default link" "$n_def" $((n_def - n_nat))
	printf '  %-44s %6d %+10d\n' "an empty preloaded library, linked alike" "$n_emp" $((n_emp - n_nat))
	printf '  %-44s %6d %+10d\n' "libbcshim.so" "$n_bc" $((n_bc - n_nat))
	echo "  the loader's share: $((n_emp - n_nat)); bcshim's own: $((n_bc - n_emp))"
	names "$out/true.empty.trace" >"$out/true.empty.names"
	names "$out/true.bcshim.trace" >"$out/true.bcshim.names"
	extra=$(awk 'NR == FNR { e[$2] = $1; next } $1 > e[$2] + 0 { printf " %s %d", $2, $1 - e[$2] }' \
		"$out/true.empty.names" "$out/true.bcshim.names")
	echo "  bcshim beyond the empty library:${extra:- nothing}"
	names "$out/true.native.trace" >"$out/true.native.names"
	extra=$(awk 'NR == FNR { e[$2] = $1; next } $1 > e[$2] + 0 { printf " %s %d", $2, $1 - e[$2] }' \
		"$out/true.native.names" "$out/true.empty.names")
	echo "  the empty library beyond native:${extra:- nothing}"
else
	echo "1. system calls: strace is not installed; left out"
fi

# ---- 2. instructions --------------------------------------------------

# ir [PRELOAD]: callgrind's instruction count of /bin/true.
ir() {
	# shellcheck disable=SC2086 # words
	$clean ${1:+LD_PRELOAD=$1} valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		"$true_bin" 2>&1 | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
echo
if command -v valgrind >/dev/null; then
	i_nat=$(ir) i_emp=$(ir "$out/empty.so") i_bc=$(ir "$shim")
	echo "2. instructions of $true_bin (callgrind, user space, loader included)"
	if [ -n "$i_nat" ] && [ -n "$i_emp" ] && [ -n "$i_bc" ]; then
		printf '  %-44s %10s %10s\n' "" Ir "vs native"
		printf '  %-44s %10d %10s\n' native "$i_nat" -
		printf '  %-44s %10d %+10d\n' "an empty preloaded library, linked alike" "$i_emp" $((i_emp - i_nat))
		printf '  %-44s %10d %+10d\n' "libbcshim.so" "$i_bc" $((i_bc - i_nat))
		echo "  the loader's share: $((i_emp - i_nat)); bcshim's own: $((i_bc - i_emp))"
	else
		echo "  callgrind gave no count"
	fi
else
	echo "2. instructions: valgrind is not installed; left out"
fi

# ---- 3, 4. timed ------------------------------------------------------

cat >"$out/forkexec.sh" <<EOF
i=0; while [ \$i -lt 300 ]; do $true_bin; i=\$((i+1)); done
EOF
cat >"$out/append.sh" <<'EOF'
i=0; while [ $i -lt 5000 ]; do echo "entry $i" >> log.txt; i=$((i+1)); done
EOF

# timed ID LABEL: the interleaved runs of sh SCRIPT in $out/w: native,
# bcshim and the empty library, in an order that turns each round.
timed() {
	_id=$1
	for _s in native bcshim empty; do : >"$out/$_id.$_s"; done
	_r=0
	while [ "$_r" -le "$runs" ]; do # round 0: the warm-up, untimed
		for _s in $(turn "$_r" native bcshim empty); do
			rm -f "$out/w/log.txt"
			_f=$out/$_id.$_s
			[ "$_r" = 0 ] && _f=/dev/null
			case $_s in
			native) _p= ;;
			bcshim) _p="-p $shim" ;;
			empty) _p="-p $out/empty.so" ;;
			esac
			# shellcheck disable=SC2086 # words
			(cd "$out/w" && $clean "$out/timer" -a "$_f" $_p sh "$out/$_id.sh") || {
				echo "  $_id: the $_s run failed"
				return
			}
		done
		_r=$((_r + 1))
	done
	for _s in bcshim empty; do
		paste "$out/$_id.native" "$out/$_id.$_s" | awk -v label="$2" -v side=$_s "$(cat bench/median.awk)"'
		{ n++; a[n] = $1; b[n] = $3; r[n] = $1 / $3; ca[n] = $2; cb[n] = $4; rc[n] = $2 / $4 }
		END {
			sort(a, n); sort(b, n); sort(r, n); sort(ca, n); sort(cb, n); sort(rc, n)
			printf "  %-38s %-6s %9.2f %9.2f %7.3fx (%.3f-%.3f) %7.3fx (%.3f-%.3f)\n",
				side == "bcshim" ? label : "", side, med(a, n), med(b, n), med(a, n) / med(b, n),
				r[1], r[n], med(ca, n) / med(cb, n), rc[1], rc[n]
		}'
	done
}
echo
echo "3, 4. whole runs, $runs interleaved rounds, medians (target: speedup >= 0.97)"
printf '  %-38s %-6s %9s %9s %-22s %s\n' "" "" "native" "preload" "speedup, wall (pairs)" \
	"speedup, CPU (pairs)"
timed forkexec "3 sh: 300 x fork+exec $true_bin"
timed append "4 sh: 5000 x echo >> file"
exit 0
