#!/bin/sh
# bench/yardstick.sh: bcshim against issue 13's yardstick (bench/yardstick.c,
# a preload that only coalesces writes to regular files, not transparent)
# in the same run, three sides interleaved, their order rotated each round:
#   write64 tmpfs   bench/write64.c, 1,000,000 x 64-byte write (/dev/shm)
#   write64 disk    the same into out/bench/yardstick
#   dd bs=64        dd if=/dev/zero bs=64 count=300000 into out/bench/yardstick
# Prints each side's median wall time (ms), the speedup (native median over
# the side's) and bcshim's speedup as a fraction of the yardstick's (the
# issue: at least 12x on small writes and at least 0.9 of the yardstick;
# dd at least 3.0x).  YARD_RUNS rounds (default 9).  Exits 0 whatever it
# measures: a benchmark never fails the build.
set -u
cd "$(dirname "$0")/.." || exit 0
. bench/turn.sh
runs=${YARD_RUNS:-9}
shim=$PWD/out/lib/libbcshim.so out=$PWD/out/bench/yardstick
cflags="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror"

case $runs in '' | *[!0-9]* | 0*) echo "bench/yardstick.sh: YARD_RUNS must be a positive integer" >&2; exit 0 ;; esac
if [ ! -f "$shim" ]; then
	echo "bench/yardstick.sh: no $shim (run ninja)" >&2
	exit 0
fi
rm -rf "$out" && mkdir -p "$out/bin" || exit 0
if ! ${CC:-cc} $cflags -o "$out/bin/timer" bench/timer.c ||
   ! ${CC:-cc} $cflags -o "$out/bin/write64" bench/write64.c ||
   ! ${CC:-cc} $cflags -shared -fPIC -o "$out/bin/yardstick.so" bench/yardstick.c -ldl; then
	echo "bench/yardstick.sh: cannot build its programs" >&2
	exit 0
fi
shm=$(mktemp -d /dev/shm/bcshim-yard.XXXXXX 2>/dev/null) || shm=$out
trap 'rm -rf "$shm"' EXIT
trap 'exit 1' INT TERM HUP

# side NAME: its LD_PRELOAD value ("" natively).
side() {
	case $1 in native) echo "" ;; yardstick) echo "$out/bin/yardstick.so" ;; bcshim) echo "$shim" ;; esac
}

# bench ID DIR CMD...: YARD_RUNS rounds of the three sides; CMD's output is
# DIR/out, removed before each run.
bench() {
	_id=$1 _dir=$2
	shift 2
	rm -f "$out/$_id".*
	_r=0
	while [ $_r -le "$runs" ]; do
		for _s in $(turn "$_r" native yardstick bcshim); do
			rm -f "$_dir/out"
			# Round 0 warms up, untimed.
			_f=$out/$_id.$_s
			[ $_r -eq 0 ] && _f=/dev/null
			(cd "$_dir" && env LD_PRELOAD="$(side "$_s")" "$out/bin/timer" -a "$_f" "$@") ||
				echo "bench/yardstick.sh: $_id under $_s failed" >&2
		done
		_r=$((_r + 1))
	done
	rm -f "$_dir/out"
	for _s in native yardstick bcshim; do
		if [ ! -s "$out/$_id.$_s" ]; then
			echo "bench/yardstick.sh: $_id: no run under $_s succeeded" >&2
			return 0
		fi
	done
	awk -v id="$_id" "$(cat bench/median.awk)"'
		FNR == 1 { s = FILENAME; sub(/.*\./, "", s) }
		{ n[s]++; w[s, n[s]] = $1 }
		END {
			split("native yardstick bcshim", sides, " ")
			for (i = 1; i <= 3; i++) {
				s = sides[i]
				for (j = 1; j <= n[s]; j++) v[j] = w[s, j]
				sort(v, n[s]); m[s] = med(v, n[s])
			}
			printf "%-16s %9.1f %9.1f %9.1f %8.2fx %8.2fx %6.2f\n", id, m["native"], m["yardstick"],
			       m["bcshim"], m["native"] / m["yardstick"], m["native"] / m["bcshim"],
			       m["yardstick"] / m["bcshim"]
		}' "$out/$_id.native" "$out/$_id.yardstick" "$out/$_id.bcshim"
}

unset BC_STATS BC_DISABLE LD_PRELOAD
printf '%-16s %9s %9s %9s %9s %9s %6s\n' "wall ms, medians" native yardstick bcshim "yard x" "bcshim x" "of yard"
bench "write64 tmpfs" "$shm" "$out/bin/write64" out
bench "write64 disk" "$out" "$out/bin/write64" out
bench "dd bs=64" "$out" dd if=/dev/zero of=out bs=64 count=300000 status=none
exit 0
