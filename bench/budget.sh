#!/bin/sh
# bench/budget.sh: the engine's instruction budgets (issue 13), counted by
# valgrind's callgrind in user space: per call (or per unit of work) above
# native, for
#   write64   a deferred 64-byte write (bench/write64.c)             <= 120
#   dd pair   dd if=/dev/zero bs=64, one read and one write           <= 200
#   observer  getppid + fstat with nothing pending (bench/nodefer.c)  <= 20
#   tar-like  open, write 1 KiB, fchmod, futimens, close (tarlike.c)  <= 500
#             by default (the direct executor: nothing of it waits,
#             docs/engine.md "What is deferred"), and under
#             BC_EXECUTOR=async, where its metadata calls and close wait
# Each program runs natively and under LD_PRELOAD=out/lib/libbcshim.so
# with N and 2N iterations; a side's cost per iteration is the difference
# over N, so that start-up and exit cancel out.  The counts repeat within
# a few instructions from run to run (the timer thread's flushes vary a
# little), so one run of each suffices.
# Under valgrind the net and the site rewriter stand aside (sud.c): what is
# counted is the function-level way in, the preload's wrappers.  valgrind
# runs with --vgdb=no: its gdbserver's shared mapping would turn deferral
# off (docs/glibc.md); a row whose shim side defers nothing under valgrind
# says so rather than count the undeferred path.
# BUDGET_N (default 10000; tar-like uses a tenth of it).  Prints a table;
# exits 0 whatever it measures: a benchmark never fails the build.
set -u
cd "$(dirname "$0")/.." || exit 0
n=${BUDGET_N:-10000}
shim=$PWD/out/lib/libbcshim.so out=out/bench/budget
cflags="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror"

case $n in '' | *[!0-9]* | 0*) echo "bench/budget.sh: BUDGET_N must be a positive integer" >&2; exit 0 ;; esac
if ! command -v valgrind >/dev/null; then
	echo "bench/budget.sh: valgrind is not installed: no budgets measured" >&2
	exit 0
fi
if [ ! -f "$shim" ]; then
	echo "bench/budget.sh: no $shim (run ninja): no budgets measured" >&2
	exit 0
fi
rm -rf "$out" && mkdir -p "$out/bin" || exit 0
for p in write64 nodefer tarlike; do
	if ! ${CC:-cc} $cflags -o "$out/bin/$p" "bench/$p.c"; then
		echo "bench/budget.sh: cannot build bench/$p.c" >&2
		exit 0
	fi
done
# tar-like's files on tmpfs where there is one: creating a file on disk
# costs no more instructions, only time.
scratch=$(mktemp -d /dev/shm/bcshim-budget.XXXXXX 2>/dev/null) || scratch=$PWD/$out/scratch
mkdir -p "$scratch" || exit 0
trap 'rm -rf "$scratch"' EXIT
trap 'exit 1' INT TERM HUP
unset BC_STATS BC_DISABLE LD_PRELOAD
head -c 4096 /dev/zero >"$scratch/nodefer.dat"

# count SIDE CMD...: the instructions callgrind counts for CMD (every
# thread, the loader included), or nothing if it failed.
count() {
	_side=$1
	shift
	rm -rf "$scratch/t" && mkdir "$scratch/t" || return
	if [ "$_side" = shim ]; then
		set -- env LD_PRELOAD="$shim" $row_env valgrind "$@"
	else
		set -- valgrind "$@"
	fi
	# valgrind's launcher keeps the program's LD_PRELOAD and adds its own.
	"$@" >/dev/null 2>"$out/valgrind.err" || return
	awk '/^(summary|totals):/ { print $2; exit }' "$out/cg.out"
}
vg="--tool=callgrind --vgdb=no --dump-instr=no --dump-line=no --callgrind-out-file=$out/cg.out"

# per SIDE N CMD...: instructions per iteration of CMD, whose last word
# is the iteration count (written as @N).
per() {
	_s=$1 _n=$2
	shift 2
	_a=$(count "$_s" $vg $(echo "$@" | sed "s/@N/$_n/g")) &&
		_b=$(count "$_s" $vg $(echo "$@" | sed "s/@N/$((2 * _n))/g")) &&
		[ -n "$_a" ] && [ -n "$_b" ] && echo $(((_b - _a) / _n))
}

printf '%-44s %8s %8s %8s %8s\n' "instructions per iteration" native shim above budget
# defers N CMD...: does CMD defer under valgrind (its report says so)?  A
# run of its own: the report's counting is not in the budgets' runs.
defers() {
	rm -rf "$scratch/t" "$out/stats.jsonl" && mkdir "$scratch/t" &&
		env LD_PRELOAD="$shim" BC_STATS="$out/stats.jsonl" $row_env valgrind --tool=none --vgdb=no \
			$(echo "$@" | sed "s/@N/$1/; s/^[0-9]* //") >/dev/null 2>&1 &&
		grep -q '"deferred":[1-9]' "$out/stats.jsonl"
}

# row LABEL BUDGET DEFERS N CMD...: DEFERS is yes where the shim side must
# defer, or no; the shim side's environment has row_env's VAR=VALUE words.
row_env=
row() {
	_label=$1 _budget=$2 _defers=$3 _n=$4
	shift 4
	if [ "$_defers" = yes ] && ! defers "$_n" "$@"; then
		printf '%-44s %s\n' "$_label" "not measured: the shim side deferred nothing"
		return
	fi
	if _nat=$(per native "$_n" "$@") && _sh=$(per shim "$_n" "$@"); then
		printf '%-44s %8s %8s %8s %8s%s\n' "$_label" "$_nat" "$_sh" $((_sh - _nat)) "$_budget" \
			"$([ $((_sh - _nat)) -le "$_budget" ] || echo '  over')"
	else
		printf '%-44s %s\n' "$_label" "failed: $(tail -n 1 "$out/valgrind.err")"
	fi
}
row "deferred 64-byte write (write64)" 120 yes "$n" "$out/bin/write64" "$scratch/t/w.out" @N
row "dd bs=64: read + write" 200 yes "$n" dd if=/dev/zero "of=$scratch/t/dd.out" bs=64 count=@N status=none
row "observer, nothing pending (getppid + fstat)" 20 no "$n" "$out/bin/nodefer" "$scratch/nodefer.dat" @N
row "tar-like file (5 calls)" 500 no $((n / 10 > 0 ? n / 10 : 1)) "$out/bin/tarlike" "$scratch/t" @N
row_env=BC_EXECUTOR=async
row "tar-like file, BC_EXECUTOR=async" 500 yes $((n / 10 > 0 ? n / 10 : 1)) "$out/bin/tarlike" "$scratch/t" @N
exit 0
