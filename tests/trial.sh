#!/bin/sh
# Tests of the bctrial command (out/bin/bctrial and its package, built by
# ninja from trial/), written against its specification.  Builds two preload libraries
# (tests/trial/noop.c: does nothing; tests/trial/corrupt.c: flips one bit of
# each process's first write to fd 1) and a small C program into
# out/tests/trial/, runs bctrial on them, and prints TAP ("ok N - name",
# "not ok N - name" with "# detail" lines, then "1..N") for tests/run.sh.
# Exits 0 whatever the results: the runner counts the TAP.  Progress and the
# tool's noise go to stderr.
#
#   equivalence  noop shim: equivalent (exit 0); corrupt shim: stdout or
#                files differ (exit 1); nondeterminism (exit 0 or 3)
#   errors       exit 2 and one "bctrial: " line for each refused case
#   options      --musl, --workdir, --setup, --stdin, --trace, --plot,
#                --keep, --json, the BC_STATS sums, suites
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
w=$top/out/tests/trial
bctrial=$top/out/bin/bctrial
bcgcc=$top/out/bin/bc-musl-gcc
py=/usr/bin/python3
[ -x "$py" ] || py=python3
rm -rf "$w" && mkdir -p "$w/tmp" || { echo "1..0 # SKIP cannot make $w"; exit 0; }
# Every scratch directory bctrial makes goes here, so that a leak shows.
TMPDIR=$w/tmp
export TMPDIR
. tests/tap.sh
start=$(date +%s)

# trial TAG ARGS...: run bctrial, keeping stdout, stderr and the exit
# status in $w/TAG.out, .err and .rc.
trial() {
	_t=$1
	shift
	echo "trial.sh: $_t: bctrial $*" >&2
	"$bctrial" "$@" >"$w/$_t.out" 2>"$w/$_t.err" </dev/null
	echo $? >"$w/$_t.rc"
}
rc_of() { cat "$w/$1.rc" 2>/dev/null || echo none; }

# want_rc TAG RC PROBLEMS: the exit status.
want_rc() {
	_rc=$(rc_of "$1")
	[ "$_rc" = "$2" ] || echo "exit status $_rc, want $2" >>"$3"
}

# check_json TAG PROBLEMS EXPR...: each Python expression, with r the JSON
# report on stdout, must be true; the false ones are listed in PROBLEMS.
check_json() {
	_t=$1 _p=$2
	shift 2
	"$py" - "$w/$_t.out" "$@" >>"$_p" 2>&1 <<'EOF'
import json
import sys
try:
    with open(sys.argv[1]) as f:
        r = json.load(f)
except (OSError, ValueError) as e:
    print("stdout is not a JSON report: %s" % e)
    sys.exit(0)
for expr in sys.argv[2:]:
    try:
        good = eval(expr, {"r": r})
    except Exception as e:  # a missing key is a failure like any other
        good = False
        expr += "  (%s: %s)" % (type(e).__name__, e)
    if not good:
        print("false: " + expr)
EOF
}

# show TAG PROBLEMS: append the run's status, stderr and stdout to PROBLEMS
# when there are problems, to say what happened.
show() {
	[ -s "$2" ] || return 0
	{
		echo "exit status: $(rc_of "$1")"
		echo "stderr:"
		head -n 12 "$w/$1.err"
		echo "stdout:"
		"$py" -c '
import json, sys
r = json.load(open(sys.argv[1]))
if isinstance(r, dict):
    r = [r]
for x in r:
    print(json.dumps({k: x.get(k) for k in ("program", "equivalent",
          "differences", "nondeterministic_parts", "nondeterministic_detail")
          if k in x}, indent=1))
' "$w/$1.out" 2>/dev/null || head -n 25 "$w/$1.out"
	} | head -n 60 >>"$2"
}

# error_case NAME TAG WORDS -- BCTRIAL-ARGS...: exit 2, exactly one stderr
# line, starting "bctrial: " and containing WORDS (a fixed string; may be
# empty), nothing on stdout.
error_case() {
	_name=$1 _tag=$2 _words=$3
	shift 4
	trial "$_tag" "$@"
	_p=$w/$_tag.problems
	: >"$_p"
	want_rc "$_tag" 2 "$_p"
	head -n 1 "$w/$_tag.err" | grep -q '^bctrial: ' ||
		echo "stderr does not start with \"bctrial: \"" >>"$_p"
	[ "$(wc -l <"$w/$_tag.err")" -eq 1 ] ||
		echo "stderr is not one line" >>"$_p"
	[ -s "$w/$_tag.out" ] && echo "something on stdout" >>"$_p"
	if [ -n "$_words" ] && ! grep -qF -- "$_words" "$w/$_tag.err"; then
		echo "stderr does not mention \"$_words\"" >>"$_p"
	fi
	show "$_tag" "$_p"
	verdict "$_name" "$_p"
}

if [ ! -e "$bctrial" ]; then
	not_ok "bctrial exists" "no out/bin/bctrial (run ninja)"
	echo "1..$n"
	exit 0
fi

# ---- building ---------------------------------------------------------------

: >"$w/build.log"
: >"$w/build.fail"
for lib in noop corrupt; do
	gcc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$w/$lib.so" \
		"tests/trial/$lib.c" -ldl >>"$w/build.log" 2>&1 ||
		echo "failed: $lib.so" >>"$w/build.fail"
done
# A statically linked program: the patched musl's --bc=off build, else glibc.
if [ -x "$bcgcc" ] && "$bcgcc" --bc=off -std=c11 -O2 -o "$w/static" \
	tests/trial/prog.c >>"$w/build.log" 2>&1; then
	:
elif gcc -static -O2 -o "$w/static" tests/trial/prog.c >>"$w/build.log" 2>&1; then
	:
else
	echo "failed: a static program (bc-musl-gcc --bc=off, gcc -static)" >>"$w/build.fail"
fi
verdict "build noop.so, corrupt.so and a static program" "$w/build.fail"
noop=$w/noop.so
corrupt=$w/corrupt.so

# ---- statistics -------------------------------------------------------------
# The statistics are unit tests of the package: tests/py/test_statistics.py.

# ---- equivalence ------------------------------------------------------------

# A dynamically linked program under a preload that does nothing: equivalent.
# (dd's statistics line on stderr has the time and speed in it: stderr may be
# named nondeterministic, nothing else.)
cd "$w" || exit 0
trial dd --shim "$noop" --runs 6 --json -- \
	dd if=/dev/zero of=out.bin bs=64 count=20000
p=$w/dd.problems
: >"$p"
want_rc dd 0 "$p"
check_json dd "$p" \
	'r["equivalent"] is True' \
	'r["runs"] == 6 or (isinstance(r["runs"], list) and len(r["runs"]) == 6)' \
	'isinstance(r["ratio"], (int, float)) and r["ratio"] > 0' \
	'len(r["ratio_ci"]) == 2' \
	'r["ratio_ci"][0] <= r["ratio"] <= r["ratio_ci"][1]' \
	'r["differences"] == []' \
	'set(r["nondeterministic_parts"]) <= {"stderr"}' \
	'all(isinstance(r[s][k], (int, float)) for s in ("native", "batched") for k in ("wall", "user", "sys"))' \
	'"dd" in str(r["program"])' \
	'"mode" in r' \
	'all(k in r for k in ("native_entries", "kernel_entries", "mispredictions"))' \
	'r["native_entries"] is None and r["kernel_entries"] is None and r["mispredictions"] is None'
grep -q "$(printf '\r')" "$w/dd.err" && echo "a progress bar on stderr, which is not a tty" >>"$p"
show dd "$p"
verdict "noop shim, dd bs=64 x 20000, 6 pairs: equivalent, ratio inside ratio_ci, exit 0" "$p"

# The same without --json: a table on stdout that says "yes".
trial table --shim "$noop" --runs 2 -- /bin/true
p=$w/table.problems
: >"$p"
want_rc table 0 "$p"
grep -q 'yes' "$w/table.out" || echo "the table does not say yes" >>"$p"
grep -q 'true' "$w/table.out" || echo "the table does not name the program" >>"$p"
grep -q 'n/a' "$w/table.out" || echo "no n/a for the shim's missing counts" >>"$p"
grep -q '^[[:space:]]*[[{]' "$w/table.out" && echo "the table looks like JSON" >>"$p"
show table "$p"
verdict "noop shim, table report: names the program, says yes, n/a for missing counts" "$p"

# The corrupt shim flips the first byte sh writes on stdout: "hello" becomes
# "iello", the status and files stay the same.
trial hello --shim "$corrupt" --runs 2 --json -- sh -c 'echo hello'
p=$w/hello.problems
: >"$p"
want_rc hello 1 "$p"
check_json hello "$p" \
	'r["equivalent"] is False' \
	'"stdout" in [d["part"] for d in r["differences"]]' \
	'not set(d["part"] for d in r["differences"]) & {"status", "files", "stderr"}' \
	'all("pair" in d and d.get("detail") for d in r["differences"])' \
	'r["nondeterministic"] is False'
show hello "$p"
verdict "corrupt shim, sh -c 'echo hello': not equivalent in stdout only, exit 1" "$p"

trial hellotab --shim "$corrupt" --runs 2 -- sh -c 'echo hello'
p=$w/hellotab.problems
: >"$p"
want_rc hellotab 1 "$p"
grep -q 'NO' "$w/hellotab.out" || echo "the table does not say NO" >>"$p"
grep -q 'stdout' "$w/hellotab.out" || echo "the table does not name stdout" >>"$p"
show hellotab "$p"
verdict "corrupt shim, table report: says NO and names stdout" "$p"

# echo's write to fd 1 goes to the file f: under the corrupt shim f holds
# "y\n" instead of "x\n", and nothing reaches stdout; so the part is
# "files", not "stdout".
trial files --shim "$corrupt" --runs 2 --json -- sh -c 'echo x > f'
p=$w/files.problems
: >"$p"
want_rc files 1 "$p"
check_json files "$p" \
	'r["equivalent"] is False' \
	'[d["part"] for d in r["differences"]] and all(d["part"] == "files" for d in r["differences"])' \
	'any("f" in str(d["detail"]) for d in r["differences"])'
show files "$p"
verdict "corrupt shim, sh -c 'echo x > f': the difference is in files, exit 1" "$p"

# date +%N differs from run to run: stdout is nondeterministic and excluded;
# status, stderr and files are stable, so it is not nondeterministic in every
# part: equivalent, exit 0.
trial date --shim "$noop" --runs 2 --json -- date +%N
p=$w/date.problems
: >"$p"
want_rc date 0 "$p"
check_json date "$p" \
	'r["nondeterministic"] is True' \
	'"stdout" in r["nondeterministic_parts"]' \
	'"status" not in r["nondeterministic_parts"]' \
	'r["equivalent"] is True' \
	'r["differences"] == []'
show date "$p"
verdict "date +%N: stdout nondeterministic, equivalent, exit 0" "$p"

# A counter outside the working directory makes every run differ in stdout,
# stderr, files and status: nondeterministic in every compared part, exit 3.
printf '0\n' >"$w/counter"
trial allnd --shim "$noop" --runs 2 --json -- sh -c \
	'n=$(cat "$1"); n=$((n + 1)); echo $n >"$1"; echo $n; echo $n >&2; echo $n >f; exit $((n % 100 + 1))' \
	sh "$w/counter"
p=$w/allnd.problems
: >"$p"
want_rc allnd 3 "$p"
check_json allnd "$p" \
	'r["nondeterministic"] is True' \
	'set(r["nondeterministic_parts"]) >= {"stdout", "stderr", "status", "files"}'
show allnd "$p"
verdict "nondeterministic in every part (stdout, stderr, files, status): exit 3" "$p"

# Each run gets a fresh copy of the template: a program appending to a file
# sees it anew every time (else native runs 1 and 2 would differ).
mkdir -p "$w/tmpl" && printf 'template\n' >"$w/tmpl/in.txt"
trial fresh --shim "$noop" --runs 2 --json --workdir "$w/tmpl" -- \
	sh -c 'cat in.txt >> log; cat log'
p=$w/fresh.problems
: >"$p"
want_rc fresh 0 "$p"
check_json fresh "$p" 'r["equivalent"] is True' 'r["nondeterministic"] is False'
[ -e "$w/tmpl/log" ] && echo "the template was written to (tmpl/log exists)" >>"$p"
show fresh "$p"
verdict "--workdir: a fresh copy per run, the template untouched" "$p"

# The program reads the template's file: under the corrupt shim the line it
# echoes differs (it would not if in.txt were missing: nothing on stdout).
# The corrupt shim only sees calls through the PLT, such as dash's echo:
# glibc's stdio writes internally and coreutils' cat uses copy_file_range,
# so neither cat nor ls would do.
trial workdir --shim "$corrupt" --runs 2 --json --workdir "$w/tmpl" -- \
	sh -c 'read l < in.txt && echo "$l"'
p=$w/workdir.problems
: >"$p"
want_rc workdir 1 "$p"
check_json workdir "$p" '[d["part"] for d in r["differences"]] and all(d["part"] == "stdout" for d in r["differences"])'
show workdir "$p"
verdict "--workdir: the program reads the template's file (cwd = the copy)" "$p"

# --setup runs in each fresh copy before the program: the program says that
# it sees what setup made, and the corrupt shim changes that (without the
# directory it would print nothing); with the noop shim it is equivalent.
trial setup --shim "$corrupt" --runs 2 --json --workdir "$w/tmpl" --setup 'mkdir made' -- \
	sh -c 'test -d made && test -f in.txt && echo made'
p=$w/setup.problems
: >"$p"
want_rc setup 1 "$p"
check_json setup "$p" '[d["part"] for d in r["differences"]] and all(d["part"] == "stdout" for d in r["differences"])'
show setup "$p"
trial setup2 --shim "$noop" --runs 2 --json --workdir "$w/tmpl" \
	--setup 'mkdir made && printf "made\n" > made/x' -- sh -c 'test -d made && cat made/x'
want_rc setup2 0 "$p"
check_json setup2 "$p" 'r["equivalent"] is True'
show setup2 "$p"
verdict "--setup: runs in the copy before the program" "$p"

# --stdin: replayed to every run; the default is /dev/null.
printf 'to stdin\n' >"$w/stdin.txt"
trial stdin --shim "$corrupt" --runs 2 --json --stdin "$w/stdin.txt" -- \
	sh -c 'read l && echo "$l"'
p=$w/stdin.problems
: >"$p"
want_rc stdin 1 "$p"
check_json stdin "$p" '"stdout" in [d["part"] for d in r["differences"]]'
show stdin "$p"
trial stdin0 --shim "$corrupt" --runs 2 --json -- sh -c 'read l && echo "$l"'
want_rc stdin0 0 "$p"
check_json stdin0 "$p" 'r["equivalent"] is True'
show stdin0 "$p"
verdict "--stdin FILE replayed to every run; /dev/null by default" "$p"

# A script is fine: its interpreter (dynamic) is checked instead.
printf '#!/bin/sh\necho script\n' >"$w/script.sh"
chmod +x "$w/script.sh"
trial script --shim "$noop" --runs 2 --json -- "$w/script.sh"
p=$w/script.problems
: >"$p"
want_rc script 0 "$p"
check_json script "$p" 'r["equivalent"] is True'
show script "$p"
verdict "a #! script with a dynamic interpreter: accepted, equivalent" "$p"

# --trace: one traced run per side; the preload's own loading before main is
# allowed to differ, so the noop shim stays equivalent: first without a
# child process, then with children (whose pids the normalisation drops).
if command -v strace >/dev/null 2>&1; then
	trial trace1 --shim "$noop" --runs 2 --json --trace -- sh -c 'echo a; echo b > f'
	p=$w/trace1.problems
	: >"$p"
	want_rc trace1 0 "$p"
	check_json trace1 "$p" 'r["equivalent"] is True' \
		'"trace" in r.get("compared_parts", ["trace"])' \
		'"trace" not in r["nondeterministic_parts"]'
	show trace1 "$p"
	verdict "--trace, noop shim, one process: the normalised strace sequences agree" "$p"
	trial trace --shim "$noop" --runs 2 --json --trace -- sh -c 'echo a; echo b > f; cat f'
	p=$w/trace.problems
	: >"$p"
	want_rc trace 0 "$p"
	check_json trace "$p" 'r["equivalent"] is True' \
		'"trace" not in r["nondeterministic_parts"]'
	show trace "$p"
	verdict "--trace, noop shim, with children: the sequences agree, trace not nondeterministic" "$p"
	# The engine itself (probes, merged writes), through the normaliser
	# the engine's harness uses (bctrial/trace.py).
	trial traceng --runs 2 --json --trace -- sh -c \
		'for i in 1 2 3 4 5 6; do echo $i >> log; done; dd if=/dev/zero of=z bs=64 count=2000 status=none; cat log'
	p=$w/traceng.problems
	: >"$p"
	want_rc traceng 0 "$p"
	check_json traceng "$p" 'r["equivalent"] is True' '"trace" in r["compared_parts"]' \
		'"trace" not in r["nondeterministic_parts"]'
	show traceng "$p"
	verdict "--trace, the engine: probes and merged writes normalised, equivalent" "$p"
	trial tracemusl --musl --runs 2 --json --trace -- "$top/tests/trial/prog.c"
	p=$w/tracemusl.problems
	: >"$p"
	want_rc tracemusl 0 "$p"
	check_json tracemusl "$p" 'r["equivalent"] is True' '"trace" not in r["nondeterministic_parts"]'
	show tracemusl "$p"
	verdict "--trace --musl: the two builds' sequences agree despite their names" "$p"
	# A call only the batched side makes is a trace difference.
	trial tracediff --shim "$noop" --runs 2 --json --trace -- sh -c \
		'if [ -n "$LD_PRELOAD" ]; then exec 3< /etc/hostname; fi; echo x'
	p=$w/tracediff.problems
	: >"$p"
	want_rc tracediff 1 "$p"
	check_json tracediff "$p" 'r["equivalent"] is False' \
		'[d["part"] for d in r["differences"]] == ["trace"]' \
		'"/etc/hostname" in r["differences"][0]["detail"]'
	show tracediff "$p"
	verdict "--trace: an extra call on the batched side is a difference" "$p"
else
	skip "--trace, noop shim, one process: the normalised strace sequences agree" "no strace"
	skip "--trace, noop shim, with children: the sequences agree, trace not nondeterministic" "no strace"
	skip "--trace, the engine: probes and merged writes normalised, equivalent" "no strace"
	skip "--trace --musl: the two builds' sequences agree despite their names" "no strace"
	skip "--trace: an extra call on the batched side is a difference" "no strace"
fi

# The order of the timed runs alternates which side goes first: N1 B1 B2 N2
# N3 B3 B4 N4.  Each run appends N or B (LD_PRELOAD set) to a log outside its
# working directory; the untimed extra runs may come before or after.
: >"$w/order.log"
trial order --shim "$noop" --runs 4 --json -- sh -c \
	'if [ -n "${LD_PRELOAD-}" ]; then printf B; else printf N; fi >>"$1"' sh "$w/order.log"
p=$w/order.problems
: >"$p"
want_rc order 0 "$p"
check_json order "$p" 'r["equivalent"] is True'
grep -q NBBNNBBN "$w/order.log" || echo "run order: $(cat "$w/order.log"), want NBBNNBBN in it" >>"$p"
show order "$p"
verdict "runs interleaved N1 B1 B2 N2 N3 B3 B4 N4" "$p"

# Adaptive mode (no --runs): at least 6 pairs, then it stops because the
# interval is within +-3% of the ratio (checked) or at the time cap; which
# one depends on the machine's noise, so the reason is checked, not a time.
trial adaptive --shim "$noop" --max-time 3 --json -- /bin/true
p=$w/adaptive.problems
: >"$p"
want_rc adaptive 0 "$p"
check_json adaptive "$p" 'r["runs"] >= 6' 'r["ratio_ci"][0] <= r["ratio"] <= r["ratio_ci"][1]' \
	'r["stopped"].startswith("time cap") or (r["stopped"].startswith("converged") and r["ratio_ci"][0] >= 0.97 * r["ratio"] and r["ratio_ci"][1] <= 1.03 * r["ratio"])'
show adaptive "$p"
verdict "adaptive mode: at least 6 pairs, then converged within +-3% or the time cap" "$p"

# BC_STATS: the batched side's lines are summed.  The program itself plays
# the shim's part and appends two lines (only where BC_STATS is set, outside
# the working directory, so nothing observable differs).
trial bcstats --shim "$noop" --runs 2 --json -- sh -c \
	'[ -n "${BC_STATS-}" ] || exit 0
	 echo "{\"pid\":1,\"calls\":{\"total\":10},\"deferred\":4,\"kernel_entries\":3,\"native_entries\":10,\"mispredictions\":1,\"flush_reasons\":{\"read\":2}}" >>"$BC_STATS"
	 echo "{\"pid\":2,\"calls\":{\"total\":10},\"deferred\":4,\"kernel_entries\":3,\"native_entries\":10,\"mispredictions\":1,\"flush_reasons\":{\"read\":2}}" >>"$BC_STATS"'
p=$w/bcstats.problems
: >"$p"
want_rc bcstats 0 "$p"
# Summed over the lines of one run: 20, 6, 2 (a multiple, if the tool sums
# over several runs; the proportions are the same either way).
check_json bcstats "$p" 'r["equivalent"] is True' \
	'r["native_entries"] and r["native_entries"] % 20 == 0' \
	'r["kernel_entries"] and r["kernel_entries"] * 20 == r["native_entries"] * 6' \
	'r["mispredictions"] and r["mispredictions"] * 20 == r["native_entries"] * 2' \
	'abs(r["deferred_share"] - 0.4) < 1e-9' \
	'r["flush_reasons"]["read"] * 20 == r["native_entries"] * 4'
show bcstats "$p"
verdict "BC_STATS lines of the batched side are summed (entries, mispredictions, deferred share, flush reasons)" "$p"

# ---- --plot, --keep, scratch ------------------------------------------------

trial plot --shim "$noop" --runs 6 --quiet --plot "$w/plot.svg" -- /bin/true
p=$w/plot.problems
: >"$p"
want_rc plot 0 "$p"
"$py" - "$w/plot.svg" >>"$p" 2>&1 <<'EOF'
import sys
import xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError) as e:
    print("plot: %s" % e)
    sys.exit(0)
if not root.tag.endswith("svg"):
    print("plot: the root element is %s, not svg" % root.tag)
if sum(1 for _ in root.iter()) < 10:
    print("plot: fewer than 10 elements")
text = open(sys.argv[1]).read()
if "<script" in text or "href=\"http" in text:
    print("plot: not self-contained")
EOF
show plot "$p"
verdict "--plot FILE.svg: a well-formed, self-contained SVG" "$p"
[ -z "$(ls -A "$w/tmp")" ] || echo "left in TMPDIR: $(ls -A "$w/tmp")" >"$w/clean.problems"
verdict "no scratch directory left behind without --keep (all runs so far)" "$w/clean.problems"

trial keep --shim "$noop" --runs 2 --keep -- /bin/true
p=$w/keep.problems
: >"$p"
want_rc keep 0 "$p"
[ -n "$(ls -A "$w/tmp")" ] || echo "nothing kept in TMPDIR" >>"$p"
kept=$(ls -A "$w/tmp" | head -n 1)
[ -n "$kept" ] && ! grep -qF "$kept" "$w/keep.out" "$w/keep.err" &&
	echo "does not print where ($kept)" >>"$p"
show keep "$p"
verdict "--keep keeps the scratch directory and says where" "$p"

# ---- --musl -----------------------------------------------------------------

if [ -x "$bcgcc" ] && [ -d "$top/out/musl/lib" ]; then
	trial muslpass --musl --musl-mode pass --runs 2 --json -- "$top/tests/trial/prog.c"
	p=$w/muslpass.problems
	: >"$p"
	want_rc muslpass 0 "$p"
	check_json muslpass "$p" 'r["equivalent"] is True' 'r["differences"] == []' \
		'"pass" in str(r["mode"])' \
		'isinstance(r["coverage"], (int, float)) and r["coverage"] > 0.5'
	show muslpass "$p"
	verdict "--musl --musl-mode pass tests/trial/prog.c: equivalent, coverage from BC_STATS, exit 0" "$p"

	trial muslbatch --musl --runs 2 --json -- "$top/tests/trial/prog.c"
	p=$w/muslbatch.problems
	: >"$p"
	want_rc muslbatch 0 "$p"
	check_json muslbatch "$p" 'r["equivalent"] is True' 'r["differences"] == []' \
		'"batch" in str(r["mode"])' 'r["kernel_entries"] <= r["native_entries"]'
	show muslbatch "$p"
	verdict "--musl (mode batch, the default) tests/trial/prog.c: equivalent, exit 0" "$p"
	printf 'int main(void) { return syntax error; }\n' >"$w/bad.c"
	error_case "--musl with a source that does not build: exit 2" muslbad "" \
		-- --musl --musl-mode pass --runs 2 -- "$w/bad.c"
else
	skip "--musl --musl-mode pass tests/trial/prog.c: equivalent, exit 0" "no bc-musl-gcc (run ninja)"
	skip "--musl (mode batch, the default) tests/trial/prog.c: equivalent, exit 0" "no bc-musl-gcc"
	skip "--musl with a source that does not build: exit 2" "no bc-musl-gcc"
fi

# ---- errors -----------------------------------------------------------------

error_case "no program: usage error" noprog "" -- --shim "$noop" --runs 2
error_case "--runs 1: usage error (N >= 2)" runs1 "" -- --shim "$noop" --runs 1 -- /bin/true
# Every numeric option refuses what is not finite and positive: nan would
# compare false with everything and turn the time cap off.
for v in nan inf -inf 0 -5 1e999 abc; do
	error_case "--max-time $v: usage error" "maxtime$v" "--max-time" \
		-- --shim "$noop" --max-time="$v" -- /bin/true
done
for v in nan inf 0 -3 2.5; do
	error_case "--runs $v: usage error" "runs$v" "--runs" -- --shim "$noop" --runs="$v" -- /bin/true
done
printf '%s\n' '{"name": "nancap", "workloads": [{"name": "t", "argv": ["true"], "max_time": NaN}]}' \
	>"$w/nancap.json"
error_case "--suite with \"max_time\": NaN: exit 2" nancap "max_time" \
	-- --shim "$noop" --suite "$w/nancap.json"
printf '%s\n' '{"name": "runs1", "workloads": [{"name": "t", "argv": ["true"], "runs": 1}]}' \
	>"$w/runs1.json"
error_case "--suite with \"runs\": 1: exit 2" suiteruns1 "runs" \
	-- --shim "$noop" --suite "$w/runs1.json"
# --plot into a missing directory: refused before anything runs (nothing
# new in TMPDIR, where --keep's run above left its directory).
before=$(ls -A "$w/tmp")
error_case "--plot into a missing directory: one line, exit 2" plotnodir "no such directory" \
	-- --shim "$noop" --runs 2 --plot "$w/no-such-dir/plot.svg" -- /bin/true
p=$w/plotnodir.more
: >"$p"
[ ! -e "$w/no-such-dir" ] || echo "$w/no-such-dir was made" >>"$p"
[ "$(ls -A "$w/tmp")" = "$before" ] || echo "a trial ran (scratch in TMPDIR: $(ls -A "$w/tmp"))" >>"$p"
verdict "--plot into a missing directory: no trial run, nothing made" "$p"
mkdir -p "$w/plotdir"
error_case "--plot naming a directory: one line, exit 2" plotisdir "a directory" \
	-- --shim "$noop" --runs 2 --plot "$w/plotdir" -- /bin/true
error_case "program not found" notfound "" -- --shim "$noop" --runs 2 -- "$w/no-such-program"
error_case "program not on PATH" notonpath "" -- --shim "$noop" --runs 2 -- no-such-program-bctrial
printf 'echo hi\n' >"$w/notexec"
chmod 644 "$w/notexec"
error_case "program not executable" notexec "" -- --shim "$noop" --runs 2 -- "$w/notexec"
error_case "--shim missing: shim not built" noshim "shim not built: $w/no-such.so does not exist" \
	-- --shim "$w/no-such.so" --runs 2 -- /bin/true
# The default shim is ../lib/libbcshim.so from bctrial's own directory: a
# copy of bctrial with no lib next to it has none.
mkdir -p "$w/lonely/bin" "$w/lonely/share/bctrial" && cp "$bctrial" "$w/lonely/bin/bctrial" &&
	cp -R "$top/out/share/bctrial/python" "$w/lonely/share/bctrial/"
bctrial_saved=$bctrial bctrial=$w/lonely/bin/bctrial
error_case "default shim missing: shim not built" defshim "libbcshim.so" \
	-- --runs 2 -- /bin/true
bctrial=$bctrial_saved
cp /bin/true "$w/suid-true" && chmod u+s "$w/suid-true"
error_case "setuid program: the loader ignores LD_PRELOAD" suid "ignores LD_PRELOAD" \
	-- --shim "$noop" --runs 2 -- "$w/suid-true"
cp /bin/true "$w/sgid-true" && chmod g+s "$w/sgid-true"
error_case "setgid program: the loader ignores LD_PRELOAD" sgid "ignores LD_PRELOAD" \
	-- --shim "$noop" --runs 2 -- "$w/sgid-true"
cp /bin/true "$w/cap-true"
if command -v setcap >/dev/null 2>&1 && setcap cap_net_raw+ep "$w/cap-true" 2>/dev/null; then
	error_case "program with file capabilities: the loader ignores LD_PRELOAD" cap \
		"ignores LD_PRELOAD" -- --shim "$noop" --runs 2 -- "$w/cap-true"
else
	skip "program with file capabilities: the loader ignores LD_PRELOAD" "cannot setcap here"
fi
if [ -x "$w/static" ]; then
	error_case "static program in preload mode: statically linked" static \
		"statically linked" -- --shim "$noop" --runs 2 -- "$w/static"
	printf '#!%s\n' "$w/static" >"$w/static-script"
	chmod +x "$w/static-script"
	error_case "script whose interpreter is static: statically linked" staticscript \
		"statically linked" -- --shim "$noop" --runs 2 -- "$w/static-script"
else
	skip "static program in preload mode: statically linked" "no static program"
	skip "script whose interpreter is static: statically linked" "no static program"
fi
error_case "--setup that fails: setup error" setupfail "" \
	-- --shim "$noop" --runs 2 --setup 'exit 7' -- /bin/true

# ---- suites -----------------------------------------------------------------

cat >"$w/suite.json" <<'EOF'
{"name": "tiny",
 "workloads": [
  {"name": "echo-lines", "argv": ["sh", "-c", "echo one; echo two"], "runs": 2},
  {"name": "made-file", "argv": ["sh", "-c", "cat made/x"],
   "setup": "mkdir made && echo content > made/x", "runs": 2}
 ]}
EOF
trial suitejson --shim "$noop" --json --suite "$w/suite.json"
p=$w/suite.problems
: >"$p"
want_rc suitejson 0 "$p"
check_json suitejson "$p" \
	'len(r if isinstance(r, list) else [v for v in r.values() if isinstance(v, list)][0]) == 2' \
	'all(x["equivalent"] is True for x in (r if isinstance(r, list) else [v for v in r.values() if isinstance(v, list)][0]))'
show suitejson "$p"
trial suitetab --shim "$noop" --suite "$w/suite.json"
want_rc suitetab 0 "$p"
grep -q 'echo-lines' "$w/suitetab.out" || echo "the summary does not name echo-lines" >>"$p"
grep -q 'made-file' "$w/suitetab.out" || echo "the summary does not name made-file" >>"$p"
show suitetab "$p"
verdict "--suite FILE with two workloads: one summary, a JSON list of two" "$p"

error_case "--suite with no such suite: exit 2" nosuite "" -- --shim "$noop" --suite "$w/no-such-suite.json"

# The default suite: a JSON object with six workloads (dd, tar, python3,
# perl, a sh loop, Lua), each with a name and an argv.  (Running it takes up
# to two minutes: not here.)
p=$w/defsuite.problems
"$py" - "$top/trial/suites/default.json" >"$p" 2>&1 <<'EOF'
import json
import sys
try:
    s = json.load(open(sys.argv[1]))
    ws = s["workloads"]
    if len(ws) != 6:
        print("%d workloads, want 6" % len(ws))
    for x in ws:
        if not (isinstance(x["name"], str) and isinstance(x["argv"], list)
                and x["argv"]):
            print("workload without a name or argv: %r" % x)
    text = json.dumps(ws)
    for word in ("dd", "bs=64", "tar", "python3", "perl", "workload.lua"):
        if word not in text:
            print("no %s workload" % word)
except (OSError, ValueError, KeyError, TypeError) as e:
    print("trial/suites/default.json: %s" % e)
EOF
verdict "trial/suites/default.json: the six workloads of the spec" "$p"

# ---- help -------------------------------------------------------------------

trial help --help
p=$w/help.problems
: >"$p"
want_rc help 0 "$p"
for o in --shim --musl --musl-mode --runs --max-time --workdir --setup --stdin \
	--trace --json --plot --keep --quiet --suite; do
	grep -q -- "$o" "$w/help.out" || echo "--help does not mention $o" >>"$p"
done
show help "$p"
verdict "--help: exit 0, names every option" "$p"

echo "trial.sh: $(($(date +%s) - start)) s" >&2
echo "1..$n"
exit 0
