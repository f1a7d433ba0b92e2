#!/bin/sh
# The bcshim command (tools/bcshim.c, out/bin/bcshim): its options and
# their errors, its refusals (set-uid, file capabilities, static, a script
# whose interpreter is static), that it behaves as LD_PRELOAD= does (the
# same output, files and report configuration), its exit status and death
# by signal, and the --stats summary checked against the JSON report.
# TAP on stdout for tests/run.sh; scratch in out/tests/wrapper.
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
w=$top/out/tests/wrapper
rm -rf "$w" && mkdir -p "$w/tmp" || { echo "1..0 # SKIP cannot make $w"; exit 0; }
. tests/tap.sh
TMPDIR=$w/tmp
export TMPDIR
unset LD_PRELOAD BC_STATS BC_LEVEL BC_EXECUTOR BC_PROFILE BC_MAX_DELAY_US BC_MAX_BYTES BC_DISABLE
bcshim=$top/out/bin/bcshim
shim=$top/out/lib/libbcshim.so
py=/usr/bin/python3

if [ ! -x "$bcshim" ] || [ ! -e "$shim" ]; then
	not_ok "bcshim and the engine are built" "no $bcshim or $shim (run ninja)"
	echo "1..$n"
	exit 0
fi

p=$w/info.problems
: >"$p"
"$bcshim" --help >"$w/help.out" 2>&1 || echo "--help: exit status $?" >>"$p"
grep -q '^Usage: bcshim ' "$w/help.out" || echo "--help: no usage" >>"$p"
v=$("$bcshim" --version) || echo "--version: exit status $?" >>"$p"
[ "$v" = "bcshim $(cat VERSION)" ] || echo "--version said '$v', not 'bcshim $(cat VERSION)'" >>"$p"
verdict "--help and --version" "$p"

# Every bad use: exit 125, one line naming the problem, nothing run.
p=$w/usage.problems
: >"$p"
for args in "--bogus true" "--level=fast true" "--level" "-x turbo true" "--executor=" \
	"--max-delay=-1 true" "--max-delay=10000001 true" "--max-bytes=x true" \
	"--max-bytes 16777217 true" "--stats-file= true" "--lib=$w/none.so true"; do
	# shellcheck disable=SC2086
	(cd "$w" && "$bcshim" $args touch ran) >"$w/u.out" 2>"$w/u.err"
	rc=$?
	[ $rc -eq 125 ] || echo "'$args': exit status $rc, want 125" >>"$p"
	grep -q '^bcshim: ' "$w/u.err" || echo "'$args': no 'bcshim: ' line: $(cat "$w/u.err")" >>"$p"
	[ ! -e "$w/ran" ] || { echo "'$args': the program ran" >>"$p"; rm -f "$w/ran"; }
done
for args in "" "--stats" "-l relaxed --"; do
	# shellcheck disable=SC2086
	"$bcshim" $args >"$w/u.out" 2>"$w/u.err"
	rc=$?
	[ $rc -eq 125 ] || echo "'$args' and no program: exit status $rc, want 125" >>"$p"
	grep -q '^bcshim: no program' "$w/u.err" || echo "'$args' and no program: $(cat "$w/u.err")" >>"$p"
done
verdict "bad options: exit 125 and a reason, nothing run" "$p"

p=$w/notfound.problems
: >"$p"
"$bcshim" -- no-such-program-here 2>"$w/nf.err"
rc=$?
[ $rc -eq 127 ] || echo "a missing program: exit $rc, want 127" >>"$p"
grep -q 'no-such-program-here' "$w/nf.err" || echo "the message does not name it" >>"$p"
printf 'not a program\n' >"$w/plain" && chmod 644 "$w/plain"
"$bcshim" "$w/plain" 2>/dev/null
rc=$?
[ $rc -eq 126 ] || echo "a file that is not executable: exit $rc, want 126" >>"$p"
verdict "a missing program exits 127, one that cannot run 126" "$p"

# Refusals: the loader would not preload into these.
cp /bin/true "$w/suid" && chmod 4755 "$w/suid"
cp /bin/true "$w/sgid" && chmod 2755 "$w/sgid"
for f in suid sgid; do
	"$bcshim" "$w/$f" 2>"$w/$f.err"
	rc=$?
	if [ $rc -eq 126 ] && grep -q "refusing .*set-.id" "$w/$f.err"; then
		ok "a $f program is refused with a reason"
	else
		not_ok "a $f program is refused with a reason" "exit $rc: $(cat "$w/$f.err")"
	fi
done
if command -v setcap >/dev/null || [ -x /usr/sbin/setcap ] || [ -x /sbin/setcap ]; then
	cp /bin/true "$w/caps"
	if PATH=$PATH:/usr/sbin:/sbin setcap cap_net_raw+ep "$w/caps" 2>/dev/null; then
		"$bcshim" "$w/caps" 2>"$w/caps.err"
		rc=$?
		if [ $rc -eq 126 ] && grep -q "file capabilities" "$w/caps.err"; then
			ok "a program with file capabilities is refused"
		else
			not_ok "a program with file capabilities is refused" "exit $rc: $(cat "$w/caps.err")"
		fi
	else
		skip "a program with file capabilities is refused" "setcap not permitted here"
	fi
else
	skip "a program with file capabilities is refused" "no setcap"
fi
printf 'int main(void) { return 0; }\n' >"$w/s.c"
if cc -static -o "$w/static" "$w/s.c" 2>"$w/static.log"; then
	printf '#!%s\necho hi\n' "$w/static" >"$w/script" && chmod 755 "$w/script"
	"$bcshim" "$w/static" 2>"$w/static.err"
	rc1=$?
	"$bcshim" "$w/script" 2>"$w/script.err"
	rc2=$?
	if [ $rc1 -eq 126 ] && grep -q "statically linked" "$w/static.err" &&
		[ $rc2 -eq 126 ] && grep -q "interpreter $w/static" "$w/script.err"; then
		ok "a static program, and a script whose interpreter is static, are refused"
	else
		not_ok "a static program, and a script whose interpreter is static, are refused" \
			"static: exit $rc1: $(cat "$w/static.err")" "script: exit $rc2: $(cat "$w/script.err")"
	fi
else
	not_ok "a static program is refused" "cannot build one: $(head -3 "$w/static.log")"
fi

# The same as LD_PRELOAD=: output, files, and what the engine reports of
# its configuration (way, level, executor), for each option.
p=$w/same.problems
: >"$p"
cmd='for i in 1 2 3 4 5 6 7 8; do echo "line $i"; done > out.txt; echo done; cat out.txt >&2'
for opts in "" "--level=relaxed" "--executor=async" "-l relaxed -x direct" "--max-delay=0" \
	"--max-bytes=4096"; do
	env=
	for o in $opts; do
		case $o in
		--level=*) env="$env BC_LEVEL=${o#*=}" ;;
		--executor=*) env="$env BC_EXECUTOR=${o#*=}" ;;
		--max-delay=*) env="$env BC_MAX_DELAY_US=${o#*=}" ;;
		--max-bytes=*) env="$env BC_MAX_BYTES=${o#*=}" ;;
		esac
	done
	case $opts in "-l relaxed -x direct") env=" BC_LEVEL=relaxed BC_EXECUTOR=direct" ;; esac
	for side in pre wrap; do
		rm -rf "$w/$side" && mkdir "$w/$side"
		if [ $side = pre ]; then
			# shellcheck disable=SC2086
			(cd "$w/pre" && env BC_STATS="$w/pre/stats" LD_PRELOAD="$shim" $env sh -c "$cmd" \
				>stdout 2>stderr; echo "exit $?" >status)
		else
			# shellcheck disable=SC2086
			(cd "$w/wrap" && BC_STATS="$w/wrap/stats" "$bcshim" $opts -- sh -c "$cmd" \
				>stdout 2>stderr; echo "exit $?" >status)
		fi
		"$py" -c '
import json, sys
for l in open(sys.argv[1]):
    c = json.loads(l)["config"]
    print(c["way"], c["level"], c["executor"], c["max_delay_us"], c["max_bytes"])
' "$w/$side/stats" >"$w/$side/config" 2>&1 && rm "$w/$side/stats"
	done
	if ! diff -r "$w/pre" "$w/wrap" >"$w/same.diff"; then
		echo "bcshim $opts differs from LD_PRELOAD=...$env:" >>"$p"
		head -20 "$w/same.diff" >>"$p"
	fi
	[ -s "$w/wrap/config" ] || echo "bcshim $opts: no report" >>"$p"
done
verdict "bcshim OPTIONS is LD_PRELOAD= with the options' variables" "$p"

# LD_PRELOAD already set: the engine goes first, the rest is kept.
v=$("$bcshim" -- sh -c 'echo "$LD_PRELOAD"' 2>&1)
[ "$v" = "$shim" ] && ok "LD_PRELOAD is the engine alone when none was set" ||
	not_ok "LD_PRELOAD is the engine alone when none was set" "got '$v'"
v=$(LD_PRELOAD=libkeep.so "$bcshim" -- sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)
[ "$v" = "$shim:libkeep.so" ] && ok "an LD_PRELOAD already set is kept after the engine" ||
	not_ok "an LD_PRELOAD already set is kept after the engine" "got '$v'"

# Exit status and signals pass through, with and without --stats.
p=$w/status.problems
: >"$p"
for s in "" "--stats"; do
	# shellcheck disable=SC2086
	"$bcshim" $s -- sh -c 'exit 7' 2>/dev/null
	rc=$?
	[ $rc -eq 7 ] || echo "bcshim $s: exit 7 came back as $rc" >>"$p"
	# shellcheck disable=SC2086
	sh -c "'$bcshim' $s -- sh -c 'kill -TERM \$\$'; echo \$? >'$w/sig.rc'" 2>/dev/null
	rc=$(cat "$w/sig.rc")
	[ "$rc" = 143 ] || echo "bcshim $s: death by SIGTERM came back as $rc, want 143" >>"$p"
done
verdict "the program's exit status and fatal signal are bcshim's" "$p"

# --stats: the summary against the JSON report of the same run.
p=$w/stats.problems
: >"$p"
(cd "$w" && "$bcshim" --stats --stats-file="$w/dd.jsonl" -- dd if=/dev/zero of=f bs=64 count=20000 \
	status=none) 2>"$w/dd.err"
rc=$?
[ $rc -eq 0 ] || echo "exit status $rc" >>"$p"
[ "$(wc -c <"$w/f")" -eq 1280000 ] || echo "f has $(wc -c <"$w/f") bytes, want 1280000" >>"$p"
"$py" - "$w/dd.jsonl" "$w/dd.err" >>"$p" 2>&1 <<'EOF'
import json, re, sys
r = [json.loads(l) for l in open(sys.argv[1])]
err = open(sys.argv[2]).read()
if len(r) != 1:
    print("want one report line, got %d" % len(r)); sys.exit()
r = r[0]
seen = r["calls"]["by_syscall"]
dfr = r.get("deferred_by_syscall", {})
why = r.get("not_deferred", {})
if sum(dfr.values()) != r["deferred"]:
    print("deferred_by_syscall sums to %d, deferred is %d" % (sum(dfr.values()), r["deferred"]))
if dfr.get("write", 0) < 19000:
    print("only %d of 20000 writes deferred" % dfr.get("write", 0))
for name, reasons in why.items():
    if dfr.get(name, 0) + sum(reasons.values()) > seen.get(name, 0):
        print("%s: deferred + not deferred > seen" % name)
m = re.search(r"kernel entries: (\d+) instead of (\d+) natively: (\d+) saved", err)
if not m:
    print("no kernel entries line in:\n" + err)
elif (int(m.group(1)), int(m.group(2))) != (r["kernel_entries"], r["native_entries"]):
    print("summary says %s/%s, report %d/%d" % (m.group(1), m.group(2),
          r["kernel_entries"], r["native_entries"]))
for name, n in seen.items():
    row = re.search(r"^  %s +(\d+) +(\d+) +(\d+)  " % re.escape(name), err, re.M)
    if not row:
        print("no row for %s" % name)
    elif (int(row.group(1)), int(row.group(2))) != (n, dfr.get(name, 0)):
        print("%s row %s, want seen %d deferred %d" % (name, row.group(0), n, dfr.get(name, 0)))
if "coverage:" not in err:
    print("no coverage line")
EOF
verdict "--stats prints a summary that agrees with the JSON report" "$p"

# Why not: a write to an fd used once, writes over the size bound, and
# BC_MAX_DELAY_US=0, each in the summary and in the report.
p=$w/why.problems
: >"$p"
(cd "$w" && "$bcshim" -s --stats-file="$w/why.jsonl" -- sh -c \
	'echo once > one; dd if=/dev/zero of=big bs=16384 count=3 status=none') 2>"$w/why.err"
grep -q 'fd not known yet' "$w/why.err" || echo "no 'fd not known yet'" >>"$p"
grep -q 'over the size bounds' "$w/why.err" || echo "no 'over the size bounds'" >>"$p"
"$py" -c '
import json, sys
nd = {}
for l in open(sys.argv[1]):
    for k, v in json.loads(l)["not_deferred"].get("write", {}).items():
        nd[k] = nd.get(k, 0) + v
if nd.get("size", 0) < 2: print("not_deferred.write.size %r, want >= 2" % nd)
' "$w/why.jsonl" >>"$p" 2>&1
(cd "$w" && "$bcshim" -s --max-delay=0 -- dd if=/dev/zero of=f0 bs=64 count=100 status=none) \
	2>"$w/why0.err"
grep -q 'write .* 100: BC_MAX_DELAY_US is 0' "$w/why0.err" ||
	echo "--max-delay=0: no '100: BC_MAX_DELAY_US is 0' for write" >>"$p"
verdict "--stats says why calls were not deferred" "$p"

# --stats without --stats-file leaves no file behind; with BC_STATS set,
# the lines already there are not counted again.
p=$w/files.problems
: >"$p"
"$bcshim" -s -- true 2>/dev/null
[ -z "$(ls "$w/tmp")" ] || echo "left in TMPDIR: $(ls "$w/tmp")" >>"$p"
BC_STATS=$w/twice.jsonl "$bcshim" -s -- true 2>/dev/null
BC_STATS=$w/twice.jsonl "$bcshim" -s -- true 2>"$w/twice.err"
grep -q 'summary of 1 process' "$w/twice.err" || echo "second run: $(head -1 "$w/twice.err")" >>"$p"
[ "$(wc -l <"$w/twice.jsonl")" -eq 2 ] || echo "BC_STATS holds $(wc -l <"$w/twice.jsonl") lines, want 2" >>"$p"
verdict "--stats cleans up, and counts only its own run's lines" "$p"

echo "1..$n"
