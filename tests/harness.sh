#!/bin/sh
# The deferral engine's differential harness: every test program or command
# runs natively and batched, under every mode of tests/modes.sh, and what
# the program could see must not differ.  Two ways in:
#   glibc  built with cc; native against LD_PRELOAD=out/lib/libbcshim.so
#   musl   built with bc-musl-gcc --bc=off (the native side) against
#          --bc=batch (the batched side)
#
#   sh tests/harness.sh [tests/DIR...]
#
# Without arguments: every directory tests/*/ that holds a file named
# defaults.  Prints TAP (tests/tap.sh; the mode ends each name), exits 0
# whatever the results.  Each directory's scratch is out/tests/DIR.
#
# A test directory holds:
#   *.c      a program: built for each way in, run as the cases say
#   *.case   a command (a Debian program, a shell line), no build: the
#            glibc way only
#   *.sh     a test of its own, for what fits no case (sysctls, say): run
#            in a subshell with tests/tap.sh's functions, top, lib and W
#            (its scratch directory); it prints ok/not_ok/skip results,
#            renumbered into the harness's, and no plan
#   defaults @-lines every file of the directory starts from
#   checks   optional shell functions for the directory's @check lines
# A new test is a file dropped there: nothing lists the tests.
#
# Options are @-lines (read by tests/harness/header.awk): in a .c file, in
# the comment it starts with, if it does (the leading "*" of a comment line
# is ignored); in a .case file or defaults, anywhere ("#" lines without @
# are comments).  "@KEY VALUE", one
# a line; a line ending in "\" goes on on the next.  The directory's
# defaults come first, then the file's lines before its first @case; each
# @case starts a case from those, and its own lines follow.  A file
# without @case is one case named after the file.  Keys:
#   @case NAME       a case: one TAP result per way in and mode, named
#                    "NAME (WAY): same WHAT [MODE]"
#   @prog WORDS      the program and its arguments, shell words (expanded
#                    as below); default "$BIN" (the built program)
#   @args WORDS      arguments after @prog's words
#   @run LINE        a shell line in which the word PROG stands for the
#                    program with its arguments and environment; only the
#                    program gets the preload and the mode, the shell and
#                    the rest of the line run natively (sh -c, with PATH and
#                    LC_ALL only).  E.g. "PROG | (sleep 1; wc -c)",
#                    "ulimit -n 20; PROG".  Default: the program, exec'd
#                    directly.
#   @ways LIST       glibc and/or musl (default both for .c, glibc for
#                    .case).  A .c file's ways before its first @case are
#                    the builds made; a failed build fails the directory's
#                    build result (add "@ways glibc" to a glibc-only test).
#   @modes PATTERNS  the modes of tests/modes.sh the batched side runs
#                    under, shell patterns such as "direct:* async:*" or
#                    "uring:*"; "all" (the default) every mode; "default"
#                    one run with the engine's defaults and no mode (no
#                    BC_EXECUTOR or BC_LEVEL, no suffix on the name)
#   @sides LIST      native batched (the default), or batched alone
#   @env WORDS       VAR=VALUE words (no blanks in a value) for the
#                    program on both sides; accumulates, the last VAR wins
#   @timeout SECONDS a side that runs longer is killed, status "timeout"
#                    (default 60; doubled under @strace)
#   @tmpfs [SIZE]    the program's directory on a tmpfs: a fresh SIZE
#                    tmpfs mounted per side (needs root, else a skip), or
#                    without SIZE a directory under /dev/shm
#   @setup LINE      a shell line run once, in an empty directory, that
#                    makes the template every side's directory starts as
#                    a copy of (cp -a)
#   @kill SIG [after SECONDS] [when FILE]  run the program in the
#                    background; once FILE (in its directory) starts with
#                    "1", or at once, wait SECONDS and send it SIG
#   @strace [OPTIONS]  run each side under strace -o SIDE/trace; OPTIONS
#                    default to the ones tests/harness/normtrace.py wants:
#                    -f -qq -y -s 32 -e signal=none
#                    -e trace=%file,%desc,%process,%network,close_range
#   @compare LIST    what must be the same on both sides: status (exit N,
#                    signal N or timeout), stdout, stderr, files (the tree
#                    the program leaves in its directory: names, types,
#                    modes, sizes, sha256, link targets), mtimes (files,
#                    modification times too), trace (the normalised strace
#                    operation sequences, tests/harness/normtrace.py:
#                    --relaxed-fds under the relaxed level, --uring under
#                    io_uring); "none" for no comparison.  Default:
#                    status stdout stderr files.
#   @unordered FILES files compared as a multiset of lines (their order is
#                    the scheduler's); accumulates
#   @check LINE      shell run after the sides (in a subshell, in the
#                    case's scratch directory, that has sourced the
#                    directory's checks file); whatever it
#                    prints is a problem of the case, except lines "# ..."
#                    (notes printed after the result) and a line
#                    "SKIP REASON" (the result is a skip if nothing else
#                    went wrong); accumulates
#   @needs LINE      a shell test; if it fails, every result of the case
#                    is a skip naming it; accumulates
#   @parallel        the sides of a way in run at once, not one after the
#                    other (for a test that mostly sleeps)
#   @cflags FLAGS    the compiler flags of a .c file (before its first
#                    @case); default -std=gnu11 -O2 -Wall -Wextra -Werror
#                    -pthread
# Words and lines are expanded by the shell, where these are set:
#   SRC  the test's directory (absolute); W its scratch (out/tests/DIR)
#   BIN  the built program of the side (in checks: of the native side)
#   D    the side's directory (options only): D/cwd is where the program
#        runs, D/status, D/stdout, D/stderr, D/trace what it left
#   N B  (checks) the native and batched sides' directories (N is empty
#        with "@sides batched")
#   WAY MODE EXECUTOR LEVEL top lib py  (checks) what they say
# and checks may use status_of DIR, is_prefix SHORT LONG and the other
# functions below.
#
# Every side runs under tests/harness/run.c in its own directory (D/cwd)
# with stdin /dev/null and the environment PATH=/usr/bin:/bin, LC_ALL=C,
# LD_PRELOAD (empty natively), the mode's BC_EXECUTOR, BC_LEVEL and an
# empty BC_PROFILE (empty natively, so that a trace counts as many
# variables), then @env.  The native side of a case runs once per way in;
# a side whose options are the same as an earlier case's (in one file) is
# not run again, so cases can make several assertions about one run.
# The directories of the two sides of a case have paths of one length.
#
# To check the harness itself before the engine exists (native against
# native, musl --bc=off against --bc=pass; the engine-only checks then fail
# by design):
#   BC_TEST_PRELOAD= BC_TEST_MUSL_MODE=pass sh tests/harness.sh tests/diff
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
lib=${BC_TEST_PRELOAD-$top/out/lib/libbcshim.so}
musl_mode=${BC_TEST_MUSL_MODE:-batch}
bcgcc=$top/out/bin/bc-musl-gcc
py=/usr/bin/python3
[ -x "$py" ] || py=python3
default_cflags="-std=gnu11 -O2 -Wall -Wextra -Werror -pthread"
strace_default="-f -qq -y -s 32 -e signal=none -e trace=%file,%desc,%process,%network,close_range"
umask 022
. tests/tap.sh
. tests/modes.sh

[ $# -gt 0 ] || set -- $(for _f in tests/*/defaults; do [ -f "$_f" ] && dirname "$_f"; done)
if [ -n "$lib" ] && [ ! -e "$lib" ]; then
	not_ok "the engine is built" "no $lib (run ninja)"
	echo "1..$n"
	exit 0
fi

have_strace=yes
if ! command -v strace >/dev/null 2>&1; then
	have_strace="strace is not installed"
elif ! strace -f -qq -o /dev/null /bin/true >/dev/null 2>&1; then
	have_strace="strace cannot trace here"
fi

# ---- helpers for checks ---------------------------------------------------

status_of() { cat "$1/status" 2>/dev/null || echo none; }
# is_prefix SHORT LONG: SHORT's bytes (none if it is missing) start LONG's.
is_prefix() {
	[ -e "$1" ] || return 0
	[ -e "$2" ] || return 1
	_ls=$(wc -c <"$1") _ll=$(wc -c <"$2")
	[ "$_ls" -le "$_ll" ] && cmp -s -n "$_ls" "$1" "$2"
}
# size_of FILE: its size in bytes, 0 if it is missing.
size_of() { if [ -e "$1" ]; then wc -c <"$1"; else echo 0; fi; }

# ---- scratch ----------------------------------------------------------------

mounts_under() { awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r; }
shm=
cleanup() {
	for _m in $(mounts_under "$top/out/tests"); do umount "$_m" 2>/dev/null; done
	[ -z "$shm" ] || rm -rf "$shm"
}
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM HUP
# shm_dir: a directory of this run's on the tmpfs at /dev/shm, or fails.
shm_dir() {
	[ -n "$shm" ] && return
	[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && shm=$(mktemp -d /dev/shm/bcshim-harness.XXXXXX)
}

# q WORD...: the words quoted for sh -c.
q() { for _a; do printf "'%s' " "$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")"; done; }

# ---- one side ---------------------------------------------------------------

# snap SIDE MTIMES: the tree under SIDE/cwd, one line per entry, sorted;
# files named in @unordered as the sha256 of their sorted lines.
snap() {
	(
		cd "$1/cwd" || exit 1
		if [ "$2" = yes ]; then _t=' %T@'; else _t=; fi
		find . -mindepth 1 \( -type d -printf "%P dir %m$_t\n" \) -o \
			\( -type l -printf "%P link %l\n" \) -o \
			\( -type f -printf "%P file %m %s$_t\n" \) -o -printf '%P other %y\n'
		find . -type f -print0 | xargs -0 -r sha256sum | sed 's#  \./# sha256 #' |
			awk -v u=" ${c_unordered-} " '{ if (index(u, " " $3 " ") == 0) print $3, $2, $1 }'
		for _u in ${c_unordered-}; do
			[ -f "$_u" ] && echo "$_u sorted-sha256 $(LC_ALL=C sort "$_u" | sha256sum | cut -c1-64)"
		done
	) | LC_ALL=C sort
}

# template: the directory @setup made (made once per line and directory).
template() {
	_t=$W/tmpl/$(printf '%s' "$c_setup" | cksum | cut -d' ' -f1)
	if [ ! -d "$_t" ]; then
		mkdir -p "$_t" && (cd "$_t" && eval "$c_setup") >"$_t.log" 2>&1 ||
			echo "@setup failed: $c_setup: $(head -c 300 "$_t.log")" >"$_t.fail"
	fi
	echo "$_t"
}

# run_side KIND D MODE: run the current case's program as KIND (n native,
# b batched under MODE) in D, unless D holds a finished run already.
run_side() {
	_k=$1 D=$2 _m=$3
	[ -e "$D/done" ] && return
	rm -rf "$D" && mkdir -p "$D/cwd" || return
	BIN= _pre=
	if [ "$ftype" = c ]; then
		case $way.$_k in
		glibc.n) BIN=$W/bin/$base.glibc ;;
		glibc.b) BIN=$W/bin/$base.glibc _pre=$lib ;;
		musl.n) BIN=$W/bin/$base.off ;;
		musl.b) BIN=$W/bin/$base.bc ;;
		esac
		# Traced, both sides' programs have the same path but for D.
		[ -z "$c_strace" ] || { cp "$BIN" "$D/prog" && BIN=$D/prog; }
	elif [ "$_k" = b ]; then
		_pre=$lib
	fi
	case $_k.$_m in
	n.*) _me=$(mode_env "") ;;
	b.default) _me="BC_PROFILE=" ;;
	*) _me=$(mode_env "$_m") ;;
	esac
	_env=$({
		printf '%s\n' PATH=/usr/bin:/bin LC_ALL=C "LD_PRELOAD=$_pre" $_me
		eval "printf '%s\n' $c_env"
	} | awk -F= 'NF { if (!($1 in v)) o[++k] = $1; v[$1] = $0 } END { for (i = 1; i <= k; i++) print v[o[i]] }')
	_cwd=$D/cwd
	if [ -n "$c_tmpfs" ] && [ "$c_tmpfs" != shm ]; then
		mkdir -p "$D/mnt"
		if ! mount -t tmpfs -o "size=$c_tmpfs" bcshim-harness "$D/mnt" 2>"$D/mount.err"; then
			echo "cannot mount a $c_tmpfs tmpfs ($(head -n 1 "$D/mount.err")): needs root or CAP_SYS_ADMIN" >"$D/skip"
			: >"$D/done"
			return
		fi
		_cwd=$D/mnt
	fi
	if [ -n "$c_setup" ]; then
		_t=$(template)
		if [ -e "$_t.fail" ]; then cp "$_t.fail" "$D/problem"; else cp -a "$_t/." "$_cwd/"; fi
	fi
	eval "set -- ${c_prog:-\"\$BIN\"} $c_args"
	_to=${c_timeout:-60}
	_renv="-e PATH=/usr/bin:/bin -e LC_ALL=C"
	if [ -n "$c_run" ]; then
		# shellcheck disable=SC2046 # one VAR=VAL word a line
		_cmd="env $(q $_env) $(q "$@")"
		set -- sh -c "${c_run%%PROG*}$_cmd${c_run#*PROG}"
	elif [ -n "$c_strace" ]; then
		_o=$c_strace
		[ "$_o" = default ] && _o=$strace_default
		set -- strace $_o -o "$D/trace" $(printf '%s\n' "$_env" | sed 's/^/-E /') "$@"
		_to=$((_to * 2))
	else
		_renv=$(printf '%s\n' "$_env" | sed 's/^/-e /')
	fi
	# shellcheck disable=SC2086 # _renv: -e VAR=VAL words
	if [ -z "$c_kill" ]; then
		(cd "$_cwd" && "$runner" -o "$D/status" -t "$_to" $_renv -- "$@" \
			</dev/null >"$D/stdout" 2>"$D/stderr")
	else
		(cd "$_cwd" && exec "$runner" -o "$D/status" -t "$_to" -p "$D/pid" $_renv -- "$@" \
			</dev/null >"$D/stdout" 2>"$D/stderr") &
		_bg=$!
		set -- $c_kill
		_sig=$1 _after=0 _when=
		shift
		while [ $# -ge 2 ]; do
			case $1 in after) _after=$2 ;; when) _when=$2 ;; esac
			shift 2
		done
		# The runner writes the pid file after it forks: on a loaded
		# machine the program can be ready first.
		_i=0
		while { [ ! -s "$D/pid" ] || { [ -n "$_when" ] && [ "$(head -c 1 "$_cwd/$_when" 2>/dev/null)" != 1 ]; }; } &&
			[ ! -e "$D/status" ] && [ $_i -lt 3000 ]; do
			sleep 0.01
			_i=$((_i + 1))
		done
		[ "$_after" = 0 ] || sleep "$_after"
		[ -e "$D/status" ] || [ ! -s "$D/pid" ] || kill -s "$_sig" "$(cat "$D/pid")" 2>/dev/null
		wait "$_bg"
	fi
	if [ "$_cwd" != "$D/cwd" ]; then
		cp -a "$_cwd/." "$D/cwd/"
		umount "$_cwd"
	fi
	: >"$D/done"
}

# ---- comparing --------------------------------------------------------------

# compare: what differs between $N and $B, by @compare.
compare() {
	_fl=
	for _w in $c_compare; do
		case $_w in
		status)
			_sa=$(status_of "$N") _sb=$(status_of "$B")
			[ "$_sa" = "$_sb" ] || echo "status: native '$_sa', batched '$_sb'"
			;;
		stdout | stderr)
			if ! cmp -s "$N/$_w" "$B/$_w"; then
				echo "$_w differs: native $(size_of "$N/$_w") bytes, batched $(size_of "$B/$_w") bytes; $(cmp "$N/$_w" "$B/$_w" 2>&1 | head -n 1)"
				diff -u "$N/$_w" "$B/$_w" | head -n 20
			fi
			;;
		files) _fl=${_fl:-no} ;;
		mtimes) _fl=yes ;;
		trace) compare_traces ;;
		none) ;;
		esac
	done
	[ -n "$_fl" ] || return 0
	_f=files$([ "$_fl" = yes ] && echo .mtimes)$(echo " ${c_unordered-}" | tr ' /' '._')
	[ -e "$N/$_f" ] || snap "$N" "$_fl" >"$N/$_f"
	[ -e "$B/$_f" ] || snap "$B" "$_fl" >"$B/$_f"
	if ! cmp -s "$N/$_f" "$B/$_f"; then
		echo "file trees differ (native -, batched +):"
		diff -u "$N/$_f" "$B/$_f" | sed -n '3,40p'
	fi
}

# compare_traces: the normalised traces, for the mode.
compare_traces() {
	_nf=
	relaxed "$mode" && _nf=--relaxed-fds
	[ "$(executor "$mode")" = uring ] && _nf="$_nf --uring"
	_nn=$N/norm$(echo "$_nf" | tr -d ' -')
	_nt=tests/harness/normtrace.py
	[ -e "$_nn" ] || "$py" $_nt $_nf --sub "$N=RUN" "$N/trace" >"$_nn" 2>"$_nn.err"
	cat "$_nn.err"
	"$py" $_nt $_nf --sub "$B=RUN" "$B/trace" >"$B/norm" 2>&1
	if [ "$(wc -l <"$_nn")" -lt 5 ]; then
		echo "the native trace has $(wc -l <"$_nn") operations: strace did not work"
	elif ! "$py" $_nt --compare "$_nn" "$B/norm" >"$B/tdiff" 2>&1; then
		echo "normalised traces differ (native -, batched +; $_nn, $B/norm):"
		head -n 60 "$B/tdiff"
	fi
}

# ---- one case -----------------------------------------------------------------

c_reset() {
	c_prog= c_args= c_run= c_ways= c_modes=all c_sides="native batched" c_env= c_timeout=
	c_tmpfs= c_setup= c_kill= c_strace= c_compare="status stdout stderr files" c_unordered=
	c_check= c_needs= c_parallel=
}

# header_problems: what is wrong with the case's options.
header_problems() {
	for _w in $c_ways; do
		case $ftype.$_w in
		c.glibc | c.musl | case.glibc) ;;
		case.musl) echo "@ways: a .case runs the glibc way only" ;;
		*) echo "@ways: '$_w' is not glibc or musl" ;;
		esac
	done
	[ "$ftype" = c ] || [ -n "$c_prog" ] || echo "a .case needs @prog"
	if [ -n "$c_run" ]; then
		case $c_run in *PROG*) ;; *) echo "@run: no PROG in '$c_run'" ;; esac
		[ -z "$c_strace" ] || echo "@run and @strace together"
	fi
	for _w in $c_compare; do
		case $_w in
		status | stdout | stderr | files | mtimes | none) ;;
		trace) [ "$c_strace" = default ] || echo "@compare trace needs @strace with its default options" ;;
		*) echo "@compare: '$_w' is not status, stdout, stderr, files, mtimes, trace or none" ;;
		esac
	done
	case " $c_sides " in
	" native batched " | " batched native ") ;;
	" batched ") [ "$c_compare" = none ] || echo "@sides batched: nothing to compare with (@compare none)" ;;
	*) echo "@sides: '$c_sides' is not 'native batched' or 'batched'" ;;
	esac
	[ -z "$c_kill" ] || [ -z "$c_run" ] || echo "@kill and @run together"
}

# describe: the words of @compare, for the name.
describe() {
	_o=
	for _w in $c_compare; do
		case $_w in trace) _w=operations ;; mtimes) _w="files (mtimes too)" ;; esac
		_o="$_o${_o:+, }$_w"
	done
	echo "$_o" | sed 's/\(.*\), /\1 and /'
}

# mode_index MODE: its place in $modes (1..9), 0 for "default": the name
# of its batched side's directory (the native side's is n).
mode_index() {
	_x=0
	for _m in $modes; do
		_x=$((_x + 1))
		[ "$_m" = "$1" ] && echo "$_x" && return
	done
	echo 0
}

h_case() {
	cnum=$((cnum + 1))
	[ -n "$c_ways" ] || if [ "$ftype" = c ]; then c_ways=${f_ways:-glibc musl}; else c_ways=glibc; fi
	_hp=$(header_problems)
	if [ -n "$_hp" ]; then
		not_ok "$f ($c_name): its header" "$_hp"
		return
	fi
	# Why every result of the case is a skip, if one is.
	_skip=$(printf '%s\n' "$c_needs" | while IFS= read -r _l; do
		[ -z "$_l" ] || (eval "$_l") >/dev/null 2>&1 || { echo "needs: $_l"; break; }
	done)
	[ -n "$_skip" ] || [ -z "$c_strace" ] || [ "$have_strace" = yes ] || _skip=$have_strace
	_root=$W
	if [ -z "$_skip" ] && [ "$c_tmpfs" = shm ]; then
		if shm_dir; then
			_root=$shm/$dname
		else
			_skip="no tmpfs at /dev/shm"
		fi
	fi
	_key=$(printf '%s\n' "$c_prog" "$c_args" "$c_run" "$c_env" "$c_timeout" "$c_tmpfs" "$c_setup" \
		"$c_kill" "$c_strace" | cksum | cut -d' ' -f1)
	if [ "$c_modes" = default ]; then
		_ms=default
	else
		_ms=
		for _m in $modes; do
			for _p in $c_modes; do
				# shellcheck disable=SC2254 # a pattern
				case $_m in $_p) _ms="$_ms $_m" && break ;; esac
				[ "$_p" = all ] && _ms="$_ms $_m" && break
			done
		done
	fi
	for way in $c_ways; do
		case $way in glibc) _wl="glibc preload" ;; musl) _wl="musl --bc=$musl_mode" ;; esac
		_name="$c_name ($_wl)"
		[ "$c_compare" = none ] || _name="$_name: same $(describe)"
		if [ -z "$_skip" ] && [ "$ftype" = c ]; then
			case " $built " in
			*" $base.$way "*) ;;
			*) continue ;; # the build result failed
			esac
		fi
		_cd=$_root/$base.$way.$_key
		if [ -n "$c_parallel" ] && [ -z "$_skip" ]; then
			[ -z "$c_setup" ] || template >/dev/null
			case " $c_sides " in *" native "*) run_side n "$_cd/n" "" & ;; esac
			for mode in $_ms; do
				run_side b "$_cd/$(mode_index "$mode")" "$mode" &
			done
			wait
		fi
		for mode in $_ms; do
			_i=$(mode_index "$mode")
			tap_suffix=" [$mode]"
			[ "$mode" != default ] || tap_suffix=
			if [ -n "$_skip" ]; then
				skip "$_name" "$_skip"
				continue
			fi
			N=
			case " $c_sides " in *" native "*) N=$_cd/n && run_side n "$N" "" ;; esac
			B=$_cd/$_i
			run_side b "$B" "$mode"
			_p=$_cd/result.$cnum.$_i
			if [ -e "$B/skip" ] || { [ -n "$N" ] && [ -e "$N/skip" ]; }; then
				skip "$_name" "$(cat "$B/skip" "${N:-$B}/skip" 2>/dev/null | head -n 1)"
				continue
			fi
			{
				cat "$N/problem" "$B/problem" 2>/dev/null
				# (Both sides failing to start would compare equal.)
				grep -h '^run: cannot execute' "$N/stderr" "$B/stderr" 2>/dev/null
				[ -z "$N" ] || compare
			} >"$_p.problems"
			[ -z "$c_check" ] || (
				cd "$_cd" || exit 1
				WAY=$way MODE=$mode EXECUTOR=$(executor "$mode") LEVEL=${mode#*:}
				BIN=
				[ "$ftype" != c ] || case $way in glibc) BIN=$W/bin/$base.glibc ;; musl) BIN=$W/bin/$base.off ;; esac
				[ ! -f "$SRC/checks" ] || . "$SRC/checks"
				eval "$c_check"
			) >"$_p.check" 2>&1
			[ -z "$c_check" ] || grep -v '^# \|^SKIP ' "$_p.check" >>"$_p.problems"
			if [ -s "$_p.problems" ]; then
				not_ok "$_name" "$(head -n 60 "$_p.problems")"
			elif [ -n "$c_check" ] && grep -q '^SKIP ' "$_p.check"; then
				skip "$_name" "$(sed -n 's/^SKIP //p' "$_p.check" | head -n 1)"
			else
				ok "$_name"
			fi
			[ -z "$c_check" ] || grep '^# ' "$_p.check" | sed "s/\$/$tap_suffix/"
		done
	done
	tap_suffix=
}
h_error() { echo "$1" >>"$W/hdr/$f.err"; }

# ---- one directory --------------------------------------------------------------

# script_test FILE: a *.sh test, its results renumbered into ours.
script_test() {
	_sw=$W/${1%.sh}
	mkdir -p "$_sw"
	(
		n=0 tap_suffix=
		W=$_sw
		. "$SRC/$1"
	) >"$_sw/tap" 2>"$_sw/log"
	_k=$(grep -c '^\(not \)\{0,1\}ok [0-9]' "$_sw/tap")
	awk -v n="$n" '/^1\.\./ { next } /^(not )?ok [0-9]+/ { sub(/[0-9]+/, ++n) } { print }' "$_sw/tap"
	n=$((n + _k))
}

run_dir() {
	case $1 in /*) SRC=${1%/} ;; *) SRC=$top/${1%/} ;; esac
	dname=$(basename "$SRC")
	W=$top/out/tests/$dname
	for _m in $(mounts_under "$W"); do umount "$_m"; done
	if ! rm -rf "$W" || ! mkdir -p "$W/bin" "$W/hdr"; then
		not_ok "$dname: make $W"
		return
	fi
	defaults=$SRC/defaults
	[ -f "$defaults" ] || defaults=/dev/null
	runner=$W/bin/run
	files=$(cd "$SRC" && LC_ALL=C ls -1 | grep '\.\(c\|case\|sh\)$')

	# Read every header; build the programs.
	: >"$W/build.log"
	built=
	_progs=
	cc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$runner" tests/harness/run.c >>"$W/build.log" 2>&1 ||
		echo "cc tests/harness/run.c" >>"$W/build.fail"
	for f in $files; do
		case $f in *.sh) continue ;; esac
		base=${f%.*} ftype=${f##*.}
		awk -v file="$SRC/$f" -v base="$base" -f tests/harness/header.awk "$defaults" "$SRC/$f" >"$W/hdr/$f.sh"
		f_cflags= f_ways=
		(h_case() { :; } && c_reset() { :; } && . "$W/hdr/$f.sh") || echo "$f: cannot read its header" >>"$W/hdr/$f.err"
		eval "$(grep '^f_cflags=' "$W/hdr/$f.sh")"
		[ "$ftype" = c ] || continue
		_progs="$_progs $f"
		# shellcheck disable=SC2086 # flags are words
		for way in ${f_ways:-glibc musl}; do
			case $way in
			glibc) cc ${f_cflags:-$default_cflags} -o "$W/bin/$base.glibc" "$SRC/$f" >>"$W/build.log" 2>&1 ;;
			musl) "$bcgcc" --bc=off ${f_cflags:-$default_cflags} -o "$W/bin/$base.off" "$SRC/$f" >>"$W/build.log" 2>&1 &&
				"$bcgcc" --bc="$musl_mode" ${f_cflags:-$default_cflags} -o "$W/bin/$base.bc" "$SRC/$f" >>"$W/build.log" 2>&1 ;;
			*) false ;;
			esac && built="$built $base.$way" || echo "$f ($way)" >>"$W/build.fail"
		done
	done
	if [ -e "$W/build.fail" ]; then
		not_ok "build tests/$dname's programs (glibc: cc; musl: bc-musl-gcc --bc=off and --bc=$musl_mode)" \
			"failed: $(cat "$W/build.fail" | tr '\n' ' ')" "$(tail -n 30 "$W/build.log")"
	elif [ -n "$_progs" ]; then
		ok "build tests/$dname's programs (glibc: cc; musl: bc-musl-gcc --bc=off and --bc=$musl_mode)"
	fi
	[ -x "$runner" ] || return

	for f in $files; do
		base=${f%.*} ftype=${f##*.}
		if [ "$ftype" = sh ]; then
			script_test "$f"
			continue
		fi
		if [ -e "$W/hdr/$f.err" ]; then
			not_ok "$f: its header" "$(cat "$W/hdr/$f.err")"
			continue
		fi
		cnum=0
		. "$W/hdr/$f.sh"
	done
}

for _d; do
	run_dir "$_d"
done
echo "1..$n"
