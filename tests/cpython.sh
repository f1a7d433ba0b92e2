#!/bin/sh
# CPython's own regression tests (Debian's libpython3.11-testsuite) as a
# real program's test suite: about forty modules that exercise files,
# processes, signals, pipes, sockets and mmap, run natively and under
# LD_PRELOAD=out/lib/libbcshim.so in three modes (every executor, both
# levels).  One result per module and mode: its outcome (passed, failed,
# skipped, altered the environment...) is the same as natively.  A module
# whose outcome differs is run again, alone, on both sides: only a
# difference that repeats fails (the modules time signals and threads, and
# CI's two cores are loaded).  Prints TAP for tests/run.sh; about 2 min.
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
w=$top/out/tests/cpython
rm -rf "$w" && mkdir -p "$w/tmp" || { echo "1..0 # SKIP cannot make $w"; exit 0; }
. tests/tap.sh
. tests/modes.sh
shim=$top/out/lib/libbcshim.so
modules="test_mmap test_fcntl test_pty test_posix test_select test_gzip
test_tarfile test_zipfile test_shutil test_tempfile test_os test_file
test_fileio test_pathlib test_sys test_print test_cmd_line_script test_popen
test_pipes test_uuid test_dbm test_shelve test_bz2 test_lzma test_zlib
test_csv test_json test_mailbox test_wait3 test_wait4 test_fork1
test_resource test_getpass test_openpty test_eintr test_threadsignals
test_urllib2_localnet test_httpservers test_smtplib"
run_modes="direct:strict uring:relaxed async:strict"

if [ ! -f /usr/lib/python3.11/test/regrtest.py ] || [ ! -x /usr/bin/python3 ]; then
	skip "CPython's regression tests" "libpython3.11-testsuite is not installed"
	echo "1..$n"
	exit 0
fi

# regrtest LOG MODE MODULE...: the modules in worker processes, natively
# (MODE empty) or under the engine in MODE; its own environment, so that a
# developer's PYTHONUNBUFFERED or BC_* never changes a result.
regrtest() {
	_log=$1 _mode=$2
	shift 2
	_pre=
	[ -n "$_mode" ] && _pre="LD_PRELOAD=$shim $(mode_env "$_mode")"
	# shellcheck disable=SC2086
	(cd "$w/tmp" && env -i PATH=/usr/bin:/bin HOME="$w/tmp" TMPDIR="$w/tmp" LC_ALL=C.UTF-8 \
		$_pre /usr/bin/python3 -m test -j4 --timeout 300 "$@" >"$_log" 2>&1)
	python3 tests/cpython/outcome.py "$_log" >"$_log.outcome" ||
		echo "(no summary: regrtest died, see $_log)" >"$_log.outcome"
}

# outcome FILE MODULE: the module's outcome in an outcome file.
outcome() {
	awk -v m="$2" '$1 == m { o = $2 } /^\(no summary/ { o = "no_summary" } END { print o ? o : "passed" }' "$1"
}

# shellcheck disable=SC2086
regrtest "$w/native.log" "" $modules
for mode in $run_modes; do
	tag=$(echo "$mode" | tr : -)
	# shellcheck disable=SC2086
	regrtest "$w/$tag.log" "$mode" $modules
	for m in $modules; do
		want=$(outcome "$w/native.log.outcome" "$m")
		got=$(outcome "$w/$tag.log.outcome" "$m")
		if [ "$want" != "$got" ]; then
			regrtest "$w/$tag.$m.native.log" "" "$m"
			regrtest "$w/$tag.$m.log" "$mode" "$m"
			want=$(outcome "$w/$tag.$m.native.log.outcome" "$m")
			got=$(outcome "$w/$tag.$m.log.outcome" "$m")
		fi
		if [ "$want" = "$got" ]; then
			ok "CPython $m: the same outcome as natively ($want) [$mode]"
		else
			not_ok "CPython $m: the same outcome as natively [$mode]" \
				"natively $want, batched $got, twice; see $w/$tag.$m.log" \
				"$(grep -E -A12 '^(FAIL|ERROR):|Traceback' "$w/$tag.$m.log" | head -n 30)"
		fi
	done
done
echo "1..$n"
