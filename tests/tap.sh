# TAP for the test scripts, sourced by each: ok, skip and not_ok print one
# result; the script ends with echo "1..$n".  tests/run.sh counts them.
# tap_suffix, if set, ends every name (the engine's mode, tests/modes.sh).
n=0
tap_suffix=

ok() { n=$((n + 1)); echo "ok $n - $1$tap_suffix"; }
# skip NAME REASON: only for a missing optional facility.
skip() { n=$((n + 1)); echo "ok $n - $1$tap_suffix # SKIP $2"; }
# not_ok NAME [DETAIL...]: a failure and its detail lines.
not_ok() {
	n=$((n + 1))
	echo "not ok $n - $1$tap_suffix"
	shift
	for l in "$@"; do printf '%s\n' "$l"; done | sed 's/^/# /'
}
# verdict NAME PROBLEMS-FILE: ok if the file is empty, else not ok with
# (the start of) the file as detail.
verdict() {
	if [ -s "$2" ]; then
		not_ok "$1" "$(head -n 60 "$2")"
	else
		ok "$1"
	fi
}
# same NAME WANT GOT [PROBLEM...]: byte-identical files and no problems.
same() {
	_name=$1 _want=$2 _got=$3
	shift 3
	if [ $# -eq 0 ] && cmp -s "$_want" "$_got"; then
		ok "$_name"
	else
		not_ok "$_name" "$@" "$(diff -u "$_want" "$_got" | head -n 40)"
	fi
}
