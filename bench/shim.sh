#!/bin/sh
# bench/shim.sh: what the deferral engine gains and costs, native against
# batched (glibc programs natively against LD_PRELOAD=out/lib/libbcshim.so;
# bench/*.c built with bc-musl-gcc --bc=off against --bc=batch).
#   1. bench/write64.c, 1,000,000 writes of 64 bytes to a regular file, on
#      disk and on tmpfs, glibc and musl: target speedup >= 8x.
#   2. dd if=/dev/zero bs=64 count=1000000 to a file on disk: >= 2.5x.
#   3. bench/nodefer.c, 1,000,000 x (getppid, fstat), nothing deferrable,
#      glibc and musl: overhead <= 10% (speedup >= 0.91).
#   4. tar -xf of 2,000 small files (100..3000 bytes, a few dirs) into an
#      empty dir on disk, and on tmpfs (creating a file costs 0.2-0.9 ms
#      on this VM's ext4, which hides the engine's cost; tmpfs does not):
#      no slower than 3% (speedup >= 0.97).
#   5. bench/tarlike.c, 20,000 x (open O_CREAT|O_EXCL, write 1 KiB, fchmod,
#      futimens, close), on tmpfs and on disk, batched with BC_EXECUTOR=async
#      BC_LEVEL=relaxed: >= 1.6x.
#   6. benchmark 2's dd with BC_EXECUTOR=async (strict): >= 3.5x.
# Timed: BENCH_RUNS (default 11) pairs per benchmark after one untimed
# warm-up pair, the sides interleaved and their order alternated (N B, B N,
# N B, ...) so that drift hits both alike; each run is a whole process
# timed by a small C timer (fork, exec, wait: the exit-time flush counts);
# preparation (removing the last run's output, sync) is outside the timed
# part.  Reported: each side's median, speedup = median native / median
# batched, the range of the per-pair ratios; the same for CPU time (user +
# system, from wait4: less disturbed by other load than wall time); and
# instructions:u from perf stat where the machine counts them.
# Coverage: per program, one untimed run of BENCH_COV_N (default 20000)
# iterations under the shim with BC_STATS and one natively under
# strace -f -c (strace costs ~100 us a call here: the full size would take
# minutes); the syscalls the shim saw against the kernel's count, and
# BC_STATS's deferred, kernel and native entries.  The two runs' outputs
# are compared: a fast wrong answer is no speedup.
# Environment: BENCH_ENV="VAR=VAL..." for the batched side of every
# benchmark (then 5 and 6 do not set their own executor); BENCH_BASE_ENV
# ="VAR=VAL...": the "native" side also runs batched, with these settings
# (BENCH_BASE_ENV="BC_EXECUTOR=direct BC_PROFILE=" BENCH_ENV=BC_PROFILE=F
# measures a calibrated profile against the direct executor);
# BENCH_RUNS, BENCH_COV_N; BENCH_SHIM=PATH (default
# out/lib/libbcshim.so) or none (both sides native: the noise floor);
# BENCH_MUSL_MODE=batch (default) or pass; BENCH_ONLY="ID..." runs only
# those benchmarks (IDs 1g 1m 1gt 1mt 2 3g 3m 4 4t 5 5t 6: g glibc, m musl,
# t tmpfs).
# Exits 0 whatever it measures: a benchmark never fails the build.
set -u
cd "$(dirname "$0")/.." || exit 2
runs=${BENCH_RUNS:-11} covn=${BENCH_COV_N:-20000} n=1000000
shim=${BENCH_SHIM:-$PWD/out/lib/libbcshim.so} mmode=${BENCH_MUSL_MODE:-batch}
out=out/bench/shim bin=out/bench/shim/bin
cflags="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror"
t_start=$(date +%s)

case $runs in '' | *[!0-9]*) runs=0 ;; esac
case $covn in '' | *[!0-9]*) covn=0 ;; esac
if [ "$runs" -lt 1 ] || [ "$covn" -lt 1 ]; then
	echo "bench/shim.sh: BENCH_RUNS and BENCH_COV_N must be positive integers" >&2
	exit 0
fi
case $mmode in batch | pass) ;; *)
	echo "bench/shim.sh: BENCH_MUSL_MODE must be batch or pass" >&2
	exit 0 ;;
esac
case $shim in none | /*) ;; *) shim=$PWD/$shim ;; esac
# Nothing may disarm the batched side or add a report to what is timed.
unset BC_STATS BC_DISABLE LD_PRELOAD

rm -rf "$out" && mkdir -p "$bin" "$out/cov" "$out/disk" || exit 0
disk=$PWD/$out/disk
tmpfs=$(mktemp -d /dev/shm/bcshim-bench.XXXXXX) || tmpfs=
trap 'rm -rf "$tmpfs" "$disk"' EXIT
trap 'exit 1' INT TERM HUP

# The timer (bench/timer.c): the child's wall time, fork to wait, and its
# CPU time, appended in ms; LD_PRELOAD is set in the child only.
cc=${CC:-cc}
timer=$bin/timer
for p in timer:bench/timer.c write64-glibc:bench/write64.c nodefer-glibc:bench/nodefer.c \
	tarlike:bench/tarlike.c; do
	if ! $cc $cflags -o "$bin/${p%%:*}" "${p#*:}"; then
		echo "bench/shim.sh: cannot build ${p#*:} with $cc" >&2
		exit 0
	fi
done

# Which sides exist.
have_preload=yes
if [ "$shim" != none ] && [ ! -f "$shim" ]; then
	have_preload=no
	echo "bench/shim.sh: no $shim (run ninja; BENCH_SHIM=none times native against native):" \
		"the glibc benchmarks are left out" >&2
fi
have_musl=yes
for p in write64 nodefer; do
	for m in off $mmode; do
		[ "$have_musl" = yes ] || break
		if ! out/bin/bc-musl-gcc --bc=$m $cflags -o "$bin/$p-$m" bench/$p.c 2>"$out/musl-cc.err"; then
			have_musl=no
			echo "bench/shim.sh: bc-musl-gcc --bc=$m cannot build bench/$p.c" \
				"($(head -n 1 "$out/musl-cc.err")): the musl benchmarks are left out" >&2
		fi
	done
done
if [ "$have_preload$have_musl" = nono ]; then
	echo "bench/shim.sh: nothing to compare" >&2
	exit 0
fi

# Instructions: perf stat, if the machine counts user-space instructions.
have_perf=no perf_note="perf is not installed"
if command -v perf >/dev/null; then
	perf_note="perf stat -e instructions:u does not count here: $(
		perf stat -x, -e instructions:u -o "$out/perf.probe" true 2>&1 | head -n 1)"
	c=$(grep -v '^#' "$out/perf.probe" 2>/dev/null | awk -F, 'NF > 2 { print $1; exit }')
	case $c in
	'' | *[!0-9]*) [ -n "$c" ] && perf_note="perf stat -e instructions:u: $c (no PMU in this VM?)" ;;
	*) have_perf=yes ;;
	esac
fi

# The tar archive: generated once per run of this script, reproducibly.
src=$out/tar-src
mkdir -p "$src/a/b" "$src/c" "$src/d/e" "$src/f"
awk -v root="$src" 'BEGIN {
	srand(20240601)
	for (i = 0; i < 4096; i++) pool = pool sprintf("%c", 32 + int(rand() * 95))
	nd = split("a a/b c d/e f", dir, " ")
	for (i = 0; i < 2000; i++) {
		size = 100 + int(rand() * 2901)
		f = sprintf("%s/%s/f%04d.txt", root, dir[i % nd + 1], i)
		printf "%s", substr(pool, 1 + int(rand() * (4096 - size)), size) > f
		close(f)
	}
}'
if ! tar --sort=name -cf "$out/files.tar" -C "$src" . 2>/dev/null &&
	! tar -cf "$out/files.tar" -C "$src" .; then
	echo "bench/shim.sh: cannot create the tar archive" >&2
	exit 0
fi
head -c 4096 "$out/files.tar" >"$out/nodefer.dat"

# side SIDE KIND CMD...: run CMD as SIDE (native or batched) runs it.  KIND
# preload: CMD itself, batched with LD_PRELOAD; KIND musl: CMD's first
# word is a stem, $bin/STEM-off or $bin/STEM-$mmode.  Prefixed by $wrap
# (words); through the timer, timed into $tf, unless tf is empty (strace,
# native side only: the timer's own calls would count).
# The settings of the sides: words VAR=VAL for env(1); benv: a
# benchmark's own (5, 6), used unless BENCH_ENV is set.
wrap= tf= benv=
base_env=${BENCH_BASE_ENV-} bat_env=${BENCH_ENV-}
side() {
	_s=$1 _k=$2 _e="${bat_env:-$benv}"
	shift 2
	[ "$_s" = native ] && _e=$base_env
	if [ "$_k" = musl ]; then
		_stem=$1
		shift
		if [ "$_s" = native ] && [ -z "$base_env" ]; then _b=$bin/$_stem-off; else _b=$bin/$_stem-$mmode; fi
		set -- "$_b" "$@"
	elif { [ "$_s" = batched ] || [ -n "$base_env" ]; } && [ "$shim" != none ]; then
		set -- -p "$shim" "$@"
	fi
	# shellcheck disable=SC2086 # the settings are words
	if [ -n "$tf" ]; then $wrap env $_e "$timer" -a "$tf" "$@"; else $wrap env $_e "$@"; fi
}

# What each run starts from: no output of the last (outside the timed part).
wd=$disk
prep_w64() { rm -f "$wd/w64.out"; [ "$wd" != "$disk" ] || sync; }
prep_dd() { rm -f "$disk/dd.out"; sync; }
prep_tar() { rm -rf "$wd/x" && mkdir "$wd/x" && { [ "$wd" != "$disk" ] || sync; }; }
prep_tl() { rm -rf "$wd/tl" && mkdir "$wd/tl" && { [ "$wd" != "$disk" ] || sync; }; }
prep_none() { :; }

# only ID: whether BENCH_ONLY (if set) names ID
only() {
	case " ${BENCH_ONLY:-$1} " in *" $1 "*) return 0 ;; esac
	return 1
}

# bench ID KIND TARGET LABEL PREP CMD...: the interleaved runs; one line
# "ID|TARGET|LABEL|ok or failed" in $out/list, the times in $out/ID.native, .batched.
bench() {
	_id=$1 _kind=$2 _target=$3 _label=$4 _prep=$5
	shift 5
	[ "$_kind" = musl ] && [ "$have_musl" = no ] && return
	[ "$_kind" = preload ] && [ "$have_preload" = no ] && return
	only "$_id" || return
	echo "bench/shim.sh: $_label: $runs pairs" >&2
	: >"$out/$_id.native"
	: >"$out/$_id.batched"
	_r=0
	while [ $_r -le "$runs" ]; do # pair 0: the warm-up, untimed
		if [ $((_r % 2)) = 1 ]; then _order="native batched"; else _order="batched native"; fi
		for _side in $_order; do
			$_prep
			tf=$out/$_id.$_side
			[ $_r = 0 ] && tf=/dev/null
			if ! side $_side $_kind "$@"; then
				echo "bench/shim.sh: $_label: the $_side run failed; no numbers" >&2
				echo "$_id|$_target|$_label|failed" >>"$out/list"
				tf=
				return
			fi
		done
		_r=$((_r + 1))
	done
	if [ "$have_perf" = yes ]; then
		for _side in native batched; do
			$_prep
			tf=/dev/null wrap="perf stat -x, -e instructions:u -o $out/$_id.$_side.perf --"
			side $_side $_kind "$@" || :
			wrap=
		done
	fi
	tf=
	echo "$_id|$_target|$_label|ok" >>"$out/list"
}

fstype() { df -T "$1" 2>/dev/null | awk 'NR == 2 { print $2 }'; }
nat=native bat=preload
[ "$shim" = none ] && bat="native again"
[ -n "$base_env" ] && nat="preload $base_env"
[ -n "$bat_env" ] && bat="preload $bat_env"
mb="--bc=$mmode"
mnat=--bc=off mbat=$mb
[ -n "$base_env" ] && mnat="$mb $base_env"
[ -n "$bat_env" ] && mbat="$mb $bat_env"
{
	echo "bench/shim.sh: $runs pairs per benchmark, N=$n; load average $(cut -d' ' -f1-3 /proc/loadavg)," \
		"$(nproc 2>/dev/null || echo ?) CPUs"
	echo "  disk: $disk ($(fstype "$disk")); tmpfs: ${tmpfs:-none} ($(fstype "${tmpfs:-/}"))"
	echo "  preload side: $([ "$have_preload" = yes ] && echo "$shim" || echo "left out")"
	echo "  musl sides: $([ "$have_musl" = yes ] && echo "bc-musl-gcc --bc=off vs $mb" || echo "left out")"
	[ -z "$base_env$bat_env" ] || echo "  settings: \"native\" side: ${base_env:-none}; batched side: ${bat_env:-none}"
} >"$out/header"
cat "$out/header" >&2

bench 1g preload 8 "1 write64 glibc, disk: $nat vs $bat" prep_w64 \
	"$bin/write64-glibc" "$disk/w64.out" $n
bench 1m musl 8 "1 write64 musl, disk: $mnat vs $mbat" prep_w64 \
	write64 "$disk/w64.out" $n
if [ -n "$tmpfs" ]; then
	wd=$tmpfs
	bench 1gt preload 8 "1 write64 glibc, tmpfs: $nat vs $bat" prep_w64 \
		"$bin/write64-glibc" "$tmpfs/w64.out" $n
	bench 1mt musl 8 "1 write64 musl, tmpfs: $mnat vs $mbat" prep_w64 \
		write64 "$tmpfs/w64.out" $n
	rm -f "$tmpfs/w64.out"
	wd=$disk
fi
bench 2 preload 2.5 "2 dd bs=64 count=$n, disk: $nat vs $bat" prep_dd \
	dd if=/dev/zero of="$disk/dd.out" bs=64 count=$n status=none
bench 3g preload 0.91 "3 nodefer glibc: $nat vs $bat" prep_none \
	"$bin/nodefer-glibc" "$out/nodefer.dat" $n
bench 3m musl 0.91 "3 nodefer musl: $mnat vs $mbat" prep_none \
	nodefer "$out/nodefer.dat" $n
bench 4 preload 0.97 "4 tar -xf 2000 files, disk: $nat vs $bat" prep_tar \
	tar -xf "$out/files.tar" -C "$disk/x"
if [ -n "$tmpfs" ]; then
	wd=$tmpfs
	bench 4t preload 0.97 "4 tar -xf 2000 files, tmpfs: $nat vs $bat" prep_tar \
		tar -xf "$out/files.tar" -C "$tmpfs/x"
	rm -rf "$tmpfs/x"
	wd=$disk
fi
benv="BC_EXECUTOR=async BC_LEVEL=relaxed"
bench 5 preload 1.6 "5 tarlike 20000 files, disk: $nat vs ${bat_env:+$bat}${bat_env:-$bat $benv}" prep_tl \
	"$bin/tarlike" "$disk/tl" 20000
if [ -n "$tmpfs" ]; then
	wd=$tmpfs
	bench 5t preload 1.6 "5 tarlike 20000 files, tmpfs: $nat vs ${bat_env:+$bat}${bat_env:-$bat $benv}" prep_tl \
		"$bin/tarlike" "$tmpfs/tl" 20000
	rm -rf "$tmpfs/tl"
	wd=$disk
fi
benv="BC_EXECUTOR=async"
bench 6 preload 3.5 "6 dd bs=64 count=$n, disk: $nat vs ${bat_env:+$bat}${bat_env:-$bat $benv}" prep_dd \
	dd if=/dev/zero of="$disk/dd.out" bs=64 count=$n status=none
benv=
rm -rf "$disk/w64.out" "$disk/dd.out" "$disk/tl"

# Coverage: cov ID KIND LABEL PREP RESULT CMD...: one run under the shim
# with BC_STATS, its RESULT (file or dir; - for none) put aside, one native
# under strace, then the two RESULTs compared.
cov() {
	_id=$1 _kind=$2 _label=$3 _prep=$4 _res=$5
	shift 5
	[ -z "$base_env" ] || return  # both sides batched: nothing to cover
	[ "$_kind" = musl ] && [ "$have_musl" = no ] && return
	[ "$_kind" = preload ] && [ "$have_preload" = no ] && return
	only "$_id" || return
	_st=$out/cov/$_id.stats
	$_prep
	tf=/dev/null
	export BC_STATS="$PWD/$_st"
	if ! side batched $_kind "$@"; then
		echo "$_id|$_label|failed" >>"$out/cov/list"
		unset BC_STATS
		tf=
		return
	fi
	unset BC_STATS
	[ "$_res" = - ] || { rm -rf "$_res.batched" && mv "$_res" "$_res.batched"; }
	$_prep
	tf= wrap="strace -f -c -o $out/cov/$_id.strace"
	if ! side native $_kind "$@"; then
		echo "$_id|$_label|failed" >>"$out/cov/list"
		wrap=
		return
	fi
	wrap=
	if [ "$_res" = - ]; then
		_same=-
	elif diff -r "$_res" "$_res.batched" >/dev/null 2>&1; then
		_same=same
	else
		_same=DIFFERENT
	fi
	[ "$_res" = - ] || rm -rf "$_res" "$_res.batched"
	echo "$_id|$_label|$_same" >>"$out/cov/list"
}
if command -v strace >/dev/null; then
	echo "bench/shim.sh: coverage runs, N=$covn" >&2
	cov 1g preload "write64 glibc" prep_w64 "$disk/w64.out" \
		"$bin/write64-glibc" "$disk/w64.out" $covn
	cov 1m musl "write64 musl" prep_w64 "$disk/w64.out" \
		write64 "$disk/w64.out" $covn
	cov 2 preload "dd bs=64" prep_dd "$disk/dd.out" \
		dd if=/dev/zero of="$disk/dd.out" bs=64 count=$covn status=none
	cov 3g preload "nodefer glibc" prep_none - \
		"$bin/nodefer-glibc" "$out/nodefer.dat" $covn
	cov 3m musl "nodefer musl" prep_none - \
		nodefer "$out/nodefer.dat" $covn
	cov 4 preload "tar -xf 2000 files" prep_tar "$disk/x" \
		tar -xf "$out/files.tar" -C "$disk/x"
else
	echo "bench/shim.sh: strace is not installed: no coverage" >&2
fi

# The report.
# stats ID COL: "medN medB speedup pairmin pairmax pairmedian" of column
# COL (1 wall, 2 CPU)
stats() {
	paste "$out/$1.native" "$out/$1.batched" | awk -v c="$2" "$(cat bench/median.awk)"'
	NF == 4 && $(c + 2) > 0 { n++; a[n] = $c; b[n] = $(c + 2); r[n] = $c / $(c + 2) }
	END {
		if (!n) exit
		sort(a, n); sort(b, n); sort(r, n)
		printf "%.1f %.1f %.3f %.3f %.3f %.3f\n", med(a, n), med(b, n), med(a, n) / med(b, n),
			r[1], r[n], med(r, n)
	}'
}
# ins ID SIDE: instructions:u in millions, or "-"
ins() {
	awk -F, '!/^#/ && NF > 2 && $1 ~ /^[0-9]+$/ { printf "%.1f", $1 / 1e6; f = 1; exit }
		END { if (!f) printf "-" }' "$out/$1.$2.perf" 2>/dev/null || printf -
}

echo
echo "bench/shim.sh: the deferral engine, native vs batched"
cat "$out/header"
echo
printf '  %-52s %10s %10s %8s %15s %7s  %s\n' benchmark "native ms" "batched ms" speedup \
	"pairs min..max" target verdict
[ -f "$out/list" ] || : >"$out/list"
while IFS='|' read -r id target label state; do
	if [ "$state" != ok ] || [ -z "$(stats "$id" 1)" ]; then
		printf '  %-52s %s\n' "$label" "failed: no numbers"
		continue
	fi
	set -- $(stats "$id" 1)
	verdict=$(awk -v s="$3" -v t="$target" 'BEGIN { print (s >= t ? "met" : "missed") }')
	printf '  %-52s %10.1f %10.1f %7.2fx %7.2f..%-6.2f %6sx  %s\n' "$label" "$1" "$2" "$3" "$4" "$5" \
		">=$target" "$verdict"
done <"$out/list"
echo "  (ms: median wall time of a whole run; speedup: median native / median batched;"
echo "   pairs: the range of the $runs per-pair ratios native/batched)"
echo
printf '  %-52s %10s %10s %8s %15s\n' "CPU time, user + system, all threads" "native ms" "batched ms" \
	ratio "pairs min..max"
while IFS='|' read -r id target label state; do
	[ "$state" = ok ] && [ -n "$(stats "$id" 2)" ] || continue
	set -- $(stats "$id" 2)
	printf '  %-52s %10.1f %10.1f %7.2fx %7.2f..%-6.2f\n' "$label" "$1" "$2" "$3" "$4" "$5"
done <"$out/list"
echo "  (less sensitive than wall time to other load on the machine; the batched side's"
echo "   helper thread counts, the time it sleeps does not)"
if [ "$have_perf" = yes ]; then
	echo
	printf '  %-52s %14s %14s %8s\n' "instructions:u (one run each)" "native M" "batched M" ratio
	while IFS='|' read -r id target label state; do
		[ "$state" = ok ] || continue
		a=$(ins "$id" native) b=$(ins "$id" batched)
		printf '  %-52s %14s %14s %8s\n' "$label" "$a" "$b" \
			"$(awk -v a="$a" -v b="$b" 'BEGIN { if (a + 0 && b + 0) printf "%.2f", a / b; else printf "-" }')"
	done <"$out/list"
else
	echo "  instructions: none ($perf_note)"
fi

# bcstats FILE: the sums over its processes' lines:
# "total deferred kernel_entries native_entries mispredictions flushes reasons"
bcstats() {
	python3 - "$1" <<'EOF' 2>/dev/null || echo "- - - - - - -"
import json, sys
keys = ["total", "deferred", "kernel_entries", "native_entries", "mispredictions", "flushes"]
sums, reasons = {}, {}
try:
    lines = open(sys.argv[1]).read().splitlines()
except OSError:
    lines = []
for line in lines:
    try:
        o = json.loads(line)
    except ValueError:
        continue
    vals = {"total": (o.get("calls") or {}).get("total"), "flushes": (o.get("flushes") or {}).get("total")}
    for k in keys[1:5]:
        vals[k] = o.get(k)
    for k, v in vals.items():
        if isinstance(v, int):
            sums[k] = sums.get(k, 0) + v
    for r, v in ((o.get("flushes") or {}).get("reasons") or {}).items():
        if isinstance(v, int):
            reasons[r] = reasons.get(r, 0) + v
top = sorted(reasons.items(), key=lambda kv: -kv[1])[:4]
print(" ".join(str(sums.get(k, "-")) for k in keys),
      ",".join("%s:%d" % kv for kv in top) or "-")
EOF
}
# strace_total FILE: the calls column of strace -c's total line
strace_total() {
	awk '$NF == "total" { print $4; f = 1 } END { if (!f) print "-" }' "$1" 2>/dev/null || echo -
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9]+$/ && b + 0 > 0) printf "%.1f%%", 100 * a / b; else printf "-" }'; }

if [ -f "$out/cov/list" ]; then
	echo
	echo "coverage, N=$covn (one run under the shim with BC_STATS, one native under strace -f -c)"
	printf '  %-20s %9s %9s %7s %9s %7s %9s %9s %7s %5s  %s\n' program "shim saw" "kernel" seen \
		deferred "def/saw" "kern ent" "nat ent" "k/n" mispr output
	while IFS='|' read -r id label same; do
		if [ "$same" = failed ]; then
			printf '  %-20s %s\n' "$label" "a run failed: no numbers"
			continue
		fi
		set -- $(bcstats "$out/cov/$id.stats")
		k=$(strace_total "$out/cov/$id.strace")
		printf '  %-20s %9s %9s %7s %9s %7s %9s %9s %7s %5s  %s\n' "$label" "$1" "$k" "$(pct "$1" "$k")" \
			"$2" "$(pct "$2" "$1")" "$3" "$4" "$(pct "$3" "$4")" "$5" "$same"
		echo "  $(printf '%-20s' '') flushes: $6; top reasons: $7"
	done <"$out/cov/list"
	echo "  (shim saw: BC_STATS calls.total; kernel: strace's total calls of the native run, errors"
	echo "   included; def/saw: deferred / calls.total; kern ent / nat ent: BC_STATS kernel_entries"
	echo "   against native_entries; output: the two runs' files compared)"
fi
echo
echo "bench/shim.sh: $(($(date +%s) - t_start)) s"
exit 0
