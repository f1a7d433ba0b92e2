#!/bin/sh
# ninja test: run every part of the suite; the last line sums them all.
set -u
cd "$(dirname "$0")/.." || exit 2
mkdir -p out/tests
passed=0 failed=0 skipped=0

# tally PART TAPFILE: count a TAP report, show what failed.
tally() {
	p=$(grep -c '^ok ' "$2" | tr -d ' ')
	s=$(grep -c '^ok .*# SKIP' "$2" | tr -d ' ')
	f=$(grep -c '^not ok ' "$2" | tr -d ' ')
	p=$((p - s))
	if [ "$f" -gt 0 ]; then
		echo "$1: failures:"
		awk '/^not ok /{show=1} /^ok /{show=0} show' "$2" | sed 's/^/  /'
	fi
	grep '# SKIP' "$2" | sed "s/^/$1: skipped: /"
	echo "$1: $p passed, $f failed, $s skipped"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

# A part that dies without reporting still counts as a failure.
part_failed() {
	echo "$1: $2"
	failed=$((failed + 1))
}

# script PART [CMD...]: run CMD (default: tests/PART.sh) and count its TAP;
# one that stops before its plan line counts as a failure.
script() {
	_part=$1
	shift
	[ $# -gt 0 ] || set -- "tests/$_part.sh"
	sh "$@" >"out/tests/$_part.tap" 2>"out/tests/$_part.log"
	tally "$_part" "out/tests/$_part.tap"
	grep -q '^1\.\.' "out/tests/$_part.tap" || part_failed "$_part" "stopped early; see out/tests/$_part.log"
}

# Criterion unit tests (the mutation test included).
rm -f out/tests/unit.tap
out/tests/unit --tap=out/tests/unit.tap -j2 >out/tests/unit.log 2>&1
rc=$?
if [ -s out/tests/unit.tap ]; then
	tally unit out/tests/unit.tap
	[ $rc -eq 0 ] || grep -q '^not ok ' out/tests/unit.tap ||
		part_failed unit "exit status $rc with no failing test; see out/tests/unit.log"
else
	part_failed unit "no report (exit status $rc); see out/tests/unit.log"
fi

# Golden tests of bcvm.
script golden

# The patched musl against Debian's stock musl, and the pass-through entry.
script musl

# Debian's Lua 5.4 built unmodified against the patched musl.
script thirdparty

# The deferral engine: random call sequences with and without it; then the
# differential harness over each directory of test files (tests/*/defaults:
# Debian's programs, edge cases, the executors under stress, faults, what
# it merges), each under every executor and level (tests/modes.sh).
script random
for _d in tests/*/defaults; do
	_d=${_d%/defaults}
	script "${_d#tests/}" tests/harness.sh "$_d"
done

# CPython's own regression tests, natively and under the engine.
script cpython

# The knobs: secure execution ignores them on every way in; BC_STATS is not
# followed through a symbolic link; bad ones are said once, harmlessly.
script knobs

# bcshim-calibrate: its options, the profile it writes, its workloads.
script calibrate

# bctrial: statistics, equivalence, nondeterminism, errors, suites.
script trial

# The Python unit tests (unittest, tests/py): bctrial's reports and plot.
script unittests

# The bcshim command: options, refusals, LD_PRELOAD's equal, --stats.
script wrapper

# ninja install into scratch directories, and the installed tools run.
script install

# The libFuzzer harness over the seed corpus plus fixed-seed mutations; it
# writes new inputs into its first directory, so that one is scratch.
rm -rf out/tests/fuzz-corpus && mkdir -p out/tests/fuzz-corpus
if out/tests/fuzz-bc -seed=1 -runs=200000 out/tests/fuzz-corpus tests/fuzz/corpus \
	>out/tests/fuzz.log 2>&1; then
	echo "fuzz: 1 passed, 0 failed (200000 fixed-seed runs)"
	passed=$((passed + 1))
else
	part_failed fuzz "the fuzzer found a crash; see out/tests/fuzz.log"
fi

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
