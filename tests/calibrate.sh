#!/bin/sh
# bcshim-calibrate: its usage and errors, the profile it writes (format,
# choice, where it goes, --dry-run, --json), and what its workloads do,
# natively and under LD_PRELOAD=out/lib/libbcshim.so.  No speed is
# asserted: only that the choice follows from the table.
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
w=$top/out/tests/calibrate
rm -rf "$w" && mkdir -p "$w" || { echo "1..0 # SKIP cannot make $w"; exit 0; }
. tests/tap.sh
# Built with --enable-sanitizers, bcshim-calibrate runs itself under
# LD_PRELOAD, which ASan refuses unless told the order is meant.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
cal=$top/out/bin/bcshim-calibrate
shim=$top/out/lib/libbcshim.so
# The default profile path comes from these: each test sets its own.
unset BC_PROFILE XDG_CONFIG_HOME LD_PRELOAD BC_STATS

if [ ! -x "$cal" ] || [ ! -e "$shim" ]; then
	not_ok "bcshim-calibrate and the engine are built" "no $cal or $shim (run ninja)"
	echo "1..$n"
	exit 0
fi

p=$w/help.problems
: >"$p"
"$cal" --help >"$w/help.out" 2>"$w/help.err" || echo "exit status $?" >>"$p"
grep -q '^Usage: bcshim-calibrate' "$w/help.out" || echo "no usage on stdout" >>"$p"
! grep -q -- '--workload' "$w/help.out" || echo "--help shows --workload" >>"$p"
verdict "--help prints the usage and exits 0" "$p"

# Each error must come before any measuring: no scratch directory is made.
p=$w/errors.problems
: >"$p"
: >"$w/afile"
for args in "--bogus" "--rounds" "--rounds x" "--rounds 0" "--rounds 100" "--classes nope" \
	"--classes write,,meta" "--lib $w/nolib.so" "--dir $w/nodir" "--dir $w/afile" \
	"-o $w/afile/sub/profile" "-o $w"; do
	# shellcheck disable=SC2086
	"$cal" --dir "$w" $args >"$w/err.out" 2>"$w/err.err"
	rc=$?
	[ "$rc" -eq 2 ] || echo "$args: exit status $rc, not 2" >>"$p"
	grep -q '^bcshim-calibrate: ' "$w/err.err" || echo "$args: no message on stderr" >>"$p"
	[ ! -s "$w/err.out" ] || echo "$args: wrote to stdout" >>"$p"
done
for bad in "nope 1" "write 0" "write x" "write"; do
	# shellcheck disable=SC2086
	"$cal" --workload $bad "$w" 2>/dev/null
	rc=$?
	[ "$rc" -eq 2 ] || echo "--workload $bad: exit status $rc, not 2" >>"$p"
done
! ls -d "$w"/bcshim-calibrate.* >/dev/null 2>&1 || echo "a scratch directory was made" >>"$p"
verdict "bad options and numbers, no library, a bad --dir, an unwritable profile: exit 2" "$p"

p=$w/profile.problems
: >"$p"
f=$w/cfg/sub/profile
"$cal" --quick --classes write --dir "$w" -o "$f" >"$w/q.out" 2>"$w/q.err" ||
	echo "exit status $?: $(tail -n 5 "$w/q.err")" >>"$p"
if [ -f "$f" ]; then
	[ "$(head -n 1 "$f")" = "bcshim-profile 1" ] || echo "first line: $(head -n 1 "$f")" >>"$p"
	sed 1d "$f" | grep -v '^#' | grep -v '^$' |
		grep -Ev '^(write|pwrite|send|meta|close|advise) (direct|uring|async)$' |
		sed 's/^/a line that does not parse: /' >>"$p"
	[ "$(grep -c -v '^#' "$f")" -eq 2 ] || echo "not one class line" >>"$p"
	grep -Eq '^write (direct|uring|async)$' "$f" || echo "no write line" >>"$p"
	[ "$(ls "$w/cfg/sub")" = profile ] || echo "left beside it: $(ls "$w/cfg/sub")" >>"$p"
else
	echo "no profile at $f" >>"$p"
fi
! ls -d "$w"/bcshim-calibrate.* >/dev/null 2>&1 || echo "the scratch directory was left" >>"$p"
verdict "--quick --classes write -o F: a profile that parses, directories made" "$p"

# The table's row: class calls native direct uring async chosen ratio.
p=$w/choice.problems
: >"$p"
want=$(sed -n 's/^write //p' "$f" 2>/dev/null)
awk -v want="$want" '$1 == "write" {
	found = 1
	if ($7 != want)
		print "the table chose " $7 ", the profile " want
	if (want == "direct")
		next
	col = want == "uring" ? 5 : 6
	for (i = 4; i <= 6; i++)
		if ($i != "failed" && $i + 0 < $col + 0)
			print want " is not the fastest: " $0
	if ($col + 0 > 0.97 * $4 + 0.01)
		print want " is not 3% faster than direct: " $0
}
END { if (!found) print "no write row in the table" }' "$w/q.out" >>"$p"
verdict "the profile chose the fastest executor by 3%, or direct" "$p"

p=$w/dry.problems
: >"$p"
BC_PROFILE=$w/bp/profile "$cal" --quick --rounds 1 --classes advise --dir "$w" --dry-run --json \
	>"$w/dry.out" 2>"$w/dry.err" || echo "exit status $?: $(tail -n 5 "$w/dry.err")" >>"$p"
[ ! -e "$w/bp" ] || echo "it wrote $w/bp" >>"$p"
if command -v python3 >/dev/null; then
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
assert j["profile"] is None, j["profile"]
assert [c["class"] for c in j["classes"]] == ["advise"], j["classes"]
assert j["classes"][0]["chosen"] in ("direct", "uring", "async")' "$w/dry.out" >>"$p" 2>&1
fi
verdict "--dry-run writes nothing; --json is JSON" "$p"

p=$w/where.problems
: >"$p"
XDG_CONFIG_HOME=$w/xdg "$cal" --quick --rounds 1 --classes advise --dir "$w" >/dev/null 2>&1
[ -f "$w/xdg/bcshim/profile" ] || echo "nothing at \$XDG_CONFIG_HOME/bcshim/profile" >>"$p"
BC_PROFILE=$w/bp/profile XDG_CONFIG_HOME=$w/xdg2 "$cal" --quick --rounds 1 --classes advise \
	--dir "$w" >/dev/null 2>&1
[ -f "$w/bp/profile" ] || echo "nothing at \$BC_PROFILE" >>"$p"
[ ! -e "$w/xdg2" ] || echo "\$BC_PROFILE did not win over \$XDG_CONFIG_HOME" >>"$p"
HOME=$w/home "$cal" --quick --rounds 1 --classes advise --dir "$w" >/dev/null 2>&1
[ -f "$w/home/.config/bcshim/profile" ] || echo "nothing at ~/.config/bcshim/profile" >>"$p"
verdict "without -o: \$BC_PROFILE, else \$XDG_CONFIG_HOME/bcshim, else ~/.config/bcshim" "$p"

# wl SIDE CLASS N: one workload run in a fresh $d, natively or preloaded.
wl() {
	d=$w/wl-$1
	rm -rf "$d" && mkdir -p "$d"
	if [ "$1" = shim ]; then
		LD_PRELOAD=$shim "$cal" --workload "$2" "$3" "$d" 2>>"$p"
	else
		"$cal" --workload "$2" "$3" "$d" 2>>"$p"
	fi || echo "$1: $2 $3: exit status $?" >>"$p"
}
for side in native shim; do
	p=$w/wl-$side.problems
	: >"$p"
	wl "$side" write 100
	[ "$(stat -c %s "$d/write.out")" = 6400 ] || echo "write: $(stat -c %s "$d/write.out") bytes" >>"$p"
	[ "$(sort -u "$d/write.out" | wc -l)" = 1 ] || echo "write: records differ" >>"$p"
	wl "$side" pwrite 100
	[ "$(stat -c %s "$d/pwrite.out")" = 6400 ] || echo "pwrite: $(stat -c %s "$d/pwrite.out") bytes" >>"$p"
	# 12 calls: fchmod 0644, 0600, ... (the last, call 10, 0600); futimens
	# 10^9 + index (the last, call 11).
	wl "$side" meta 12
	got=$(stat -c '%a %X %Y' "$d/meta.out")
	[ "$got" = "600 1000000011 1000000011" ] || echo "meta: mode atime mtime $got" >>"$p"
	wl "$side" close 130
	[ "$(find "$d" -name 'c*.*' -type f -empty | wc -l)" = 130 ] ||
		echo "close: $(ls "$d" | wc -l) files" >>"$p"
	wl "$side" send 100
	wl "$side" advise 100
	verdict "--workload (${side}): each class's calls have their effects" "$p"
done

echo "1..$n"
