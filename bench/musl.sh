#!/bin/sh
# bench/musl.sh [REPEATS [CALLS]]: what the patched musl's bc entry costs
# per syscall.  bench/calls.c is built three ways: stock (musl 1.2.3
# unpatched, built by tools/build-musl.sh as the patched one is, so that
# only the patch differs; Debian's musl-gcc -static if that build is
# missing), off (bc-musl-gcc --bc=off) and pass (--bc=pass).
#   (1) unarmed: off against stock; target: no measurable difference.
#   (2) armed pass-through: pass against off; target: <= 20 ns per call.
# Timed: REPEATS runs (default 51, at least 21) of each build, each timing
# CALLS getppid and CALLS write calls, the builds interleaved in alternating
# order (stock off pass, pass off stock, ...) so that drift and warm-up hit
# all alike; medians.  Instructions: callgrind, user space only, per call.
# Exits 0 whatever it measures: a benchmark never fails the build.
set -u
cd "$(dirname "$0")/.." || exit 2
repeats=${1:-51} calls=${2:-200000} cgcalls=10000
out=out/bench
cflags="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra"
floor=1 # percent: below this, process-to-process layout noise hides it

case $repeats$calls in *[!0-9]*) repeats=0 ;; esac
if [ "$repeats" -lt 21 ] || [ "$calls" -lt 1000 ]; then
	echo "usage: sh bench/musl.sh [REPEATS >= 21 [CALLS >= 1000]]" >&2
	exit 2
fi
if [ ! -x out/bin/bc-musl-gcc ] || [ ! -f out/musl/lib/bc-pass.specs ]; then
	echo "bench/musl.sh: no bc-musl-gcc; run ninja first" >&2
	exit 0
fi
# The environment must not disarm pass or add its report to what is timed.
unset BC_STATS BC_DISABLE

rm -rf "$out" && mkdir -p "$out"
builds="off pass"
for m in off pass; do
	if ! out/bin/bc-musl-gcc --bc=$m $cflags -o "$out/$m" bench/calls.c; then
		echo "bench/musl.sh: cannot build bench/calls.c with bc-musl-gcc --bc=$m" >&2
		exit 0
	fi
done
if [ -f out/musl-plain/lib/musl-gcc.specs ]; then
	stockcc="gcc -specs=out/musl-plain/lib/musl-gcc.specs -static"
	stockname="unpatched musl 1.2.3 built as off's"
else
	stockcc="musl-gcc -static"
	stockname="Debian's musl-gcc -static"
fi
if command -v ${stockcc%% *} >/dev/null && $stockcc $cflags -o "$out/stock" bench/calls.c; then
	builds="stock off pass"
else
	echo "bench/musl.sh: no stock musl-gcc (musl-tools): part (1) left out" >&2
fi

# pass must really be armed: its report counts the getppid calls.
BC_STATS=$out/pass.stats "$out/pass" getppid 1000
if ! grep -q '"mode":"pass".*"getppid":100[01]' "$out/pass.stats" 2>/dev/null; then
	echo "bench/musl.sh: the pass build did not report its getppid calls; is it armed?" >&2
	exit 0
fi

echo "bench/musl.sh: $repeats interleaved runs of each of: $builds ($calls calls each)" >&2
rev=$(echo "$builds" | awk '{ for (i = NF; i > 0; i--) printf "%s ", $i }')
r=0
while [ $r -lt "$repeats" ]; do
	if [ $((r % 2)) = 0 ]; then order=$builds; else order=$rev; fi
	for b in $order; do
		if ! "$out/$b" time "$calls" >>"$out/$b.times"; then
			echo "bench/musl.sh: $out/$b failed; no numbers" >&2
			exit 0
		fi
	done
	r=$((r + 1))
done

# Instructions per call in user space: the loop, libc's wrapper, the entry.
have_cg=no
if command -v valgrind >/dev/null; then
	have_cg=yes
	echo "bench/musl.sh: callgrind, $cgcalls calls of each" >&2
	for b in $builds; do
		for c in getppid write; do
			valgrind --tool=callgrind --toggle-collect="bench_$c" \
				--callgrind-out-file="$out/$b.$c.cg" "$out/$b" "$c" "$cgcalls" \
				>/dev/null 2>"$out/$b.$c.cg.log" || have_cg=no
		done
	done
fi
# ir BUILD CALL: instructions per call, or "-".
ir() {
	if [ "$have_cg" = yes ]; then
		awk -v n="$cgcalls" '/^totals:/ { printf "%.1f", $2 / n; f = 1 } END { if (!f) printf "-" }' \
			"$out/$1.$2.cg"
	else
		printf -
	fi
}

# compare A B COLUMN (1 getppid, 2 write): "medA medB med(B-A) lo hi conf",
# lo..hi the sign-test interval of the paired differences' median, conf%.
compare() {
	paste "$out/$1.times" "$out/$2.times" | awk -v c="$3" "$(cat bench/median.awk)"'
	{ n++; a[n] = $c; b[n] = $(c + 2); d[n] = b[n] - a[n] }
	END {
		sort(a, n); sort(b, n); sort(d, n)
		# smallest k with P(Bin(n, 1/2) <= k) > 2.5%: d[k]..d[n+1-k] is
		# a >= 95% interval for the median difference.
		p = 0.5 ^ n; cum = p; k = 0
		while (cum <= 0.025) { k++; p = p * (n - k + 1) / k; cum += p }
		printf "%.2f %.2f %.2f %.2f %.2f %.1f\n", med(a, n), med(b, n), med(d, n),
			d[k], d[n + 1 - k], 100 * (1 - 2 * (cum - p))
	}'
}

cg_diff() { # cg_diff A B CALL: B's instructions per call minus A's
	x=$(ir "$1" "$3") y=$(ir "$2" "$3")
	if [ "$x" = - ] || [ "$y" = - ]; then printf -; else awk -v x="$x" -v y="$y" 'BEGIN { printf "%+.1f", y - x }'; fi
}

echo
echo "bench/musl.sh: bench/calls.c; $repeats runs of each build interleaved, $calls calls per run"
echo "  stock: $stockname   off: bc-musl-gcc --bc=off   pass: bc-musl-gcc --bc=pass"
echo
printf '  %-8s' "call"
for b in $builds; do printf ' %10s' "$b ns"; done
for b in $builds; do printf ' %10s' "$b Ir"; done
echo
for c in getppid write; do
	col=1
	[ $c = write ] && col=2
	printf '  %-8s' "$c"
	for b in $builds; do
		sort -n -k$col,$col "$out/$b.times" |
			awk -v c=$col '{ v[NR] = $c } END { printf " %10.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
	done
	for b in $builds; do printf ' %10s' "$(ir "$b" "$c")"; done
	echo
done
echo "  (ns: median over runs of ns per call; Ir: callgrind instructions per call, loop included)"

if [ -f "$out/stock.times" ]; then
	echo
	echo "(1) unarmed cost, off against stock; target: no measurable difference"
	echo "    measurable: the paired interval excludes 0 and the difference exceeds $floor% of stock"
	printf '  %-8s %9s %9s %9s %22s %8s  %s\n' call "stock ns" "off ns" off/stock \
		"off-stock ns [interval]" "Ir diff" verdict
	for c in getppid write; do
		col=1
		[ $c = write ] && col=2
		set -- $(compare stock off $col)
		verdict=$(awk -v a="$1" -v b="$2" -v d="$3" -v lo="$4" -v hi="$5" -v f="$floor" 'BEGIN {
			if (lo > 0 && d > a * f / 100) printf "over target (off %.1f%% slower)", 100 * d / a
			else if (hi < 0 && -d > a * f / 100) printf "within target (off %.1f%% faster)", -100 * d / a
			else printf "within target (no measurable difference)" }')
		printf '  %-8s %9.2f %9.2f %9.4f %+7.2f [%+.2f, %+.2f] %8s  %s\n' "$c" "$1" "$2" \
			"$(awk -v a="$1" -v b="$2" 'BEGIN { print b / a }')" "$3" "$4" "$5" \
			"$(cg_diff stock off $c)" "$verdict"
		conf=$6
	done
	echo "    (interval: sign-test ${conf}% interval of the median paired difference)"
	case $stockname in
	Debian*)
		echo "    note: stock links Debian's libc.a (Debian's CFLAGS, stack protector on), off musl's"
		echo "    default -Os build: (1) measures the build flags and the patch together" ;;
	esac
fi

echo
echo "(2) armed pass-through cost, pass against off; target: <= 20 ns per call"
printf '  %-8s %9s %9s %10s %22s %8s  %s\n' call "off ns" "pass ns" "pass-off" \
	"paired [interval]" "Ir diff" verdict
for c in getppid write; do
	col=1
	[ $c = write ] && col=2
	set -- $(compare off pass $col)
	over=$(awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }')
	verdict=$(awk -v o="$over" 'BEGIN { print o <= 20 ? "within target" : "over target" }')
	printf '  %-8s %9.2f %9.2f %+10.2f %+7.2f [%+.2f, %+.2f] %8s  %s\n' "$c" "$1" "$2" "$over" \
		"$3" "$4" "$5" "$(cg_diff off pass $c)" "$verdict"
	conf=$6
done
echo "    (pass-off: difference of the medians; paired: median of the per-repeat differences,"
echo "     sign-test ${conf}% interval)"
[ "$have_cg" = yes ] ||
	echo "note: valgrind is not installed or failed (see $out/*.cg.log): no instruction counts"
exit 0
