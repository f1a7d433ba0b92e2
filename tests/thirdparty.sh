#!/bin/sh
# Third-party test: Debian's Lua 5.4 source (lua_src in config.ninja),
# unmodified, built with bc-musl-gcc --bc=off, --bc=pass, --bc=batch and
# stock musl-gcc, runs tests/thirdparty/workload.lua.  off, pass and batch
# must behave byte for byte alike, pass must account its calls in BC_STATS, and off
# must make stock musl's syscalls.  TAP on stdout, progress on stderr;
# exits 0 whatever fails (tests/run.sh counts the "not ok" lines).
set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
scratch=$top/out/tests/thirdparty
workload=$top/tests/thirdparty/workload.lua
. tests/tap.sh

note() { echo "thirdparty: $*" >&2; }
finish() { echo "1..$n"; exit 0; }

lua_src=$(sed -n 's/^lua_src *= *//p' config.ninja 2>/dev/null)
if [ -n "$lua_src" ] && [ -f "$lua_src" ]; then
	ok "lua source from config.ninja: $(basename "$lua_src")"
else
	not_ok "lua source from config.ninja" "lua_src is '${lua_src}': run ./configure"
	finish
fi

rm -rf "$scratch"
mkdir -p "$scratch/build" "$scratch/run"

# build NAME CC...: Lua built with CC (tools/build-lua.sh); static.
build() {
	name=$1 dir=$scratch/build/$1
	shift
	note "building lua with $* ($name)"
	if ! sh tools/build-lua.sh "$lua_src" "$dir" "$@" 2>"$scratch/build/$name.err"; then
		not_ok "lua builds with $*" "$(cat "$scratch/build/$name.err")"
	elif readelf -lW "$dir/src/lua" | grep -q INTERP; then
		not_ok "lua builds with $*" "$dir/src/lua is not static (it has PT_INTERP)"
	else
		ok "lua builds statically with $*"
	fi
}

build off "$top/out/bin/bc-musl-gcc" --bc=off
build pass "$top/out/bin/bc-musl-gcc" --bc=pass
build batch "$top/out/bin/bc-musl-gcc" --bc=batch
build stock musl-gcc -static

# run NAME BUILD [WRAPPER...]: the workload in a fresh cwd, BC_STATS named
# outside it, so that the cwd holds only what Lua wrote.
run() {
	r=$scratch/run/$1 lua=$scratch/build/$2/src/lua
	shift 2
	note "running the workload ($(basename "$r"))"
	mkdir -p "$r/cwd"
	if [ ! -x "$lua" ]; then
		echo "no lua binary" >"$r/err"
		echo 127 >"$r/rc"
		return
	fi
	(cd "$r/cwd" && BC_STATS=$r/stats timeout 60 "$@" "$lua" "$workload" \
		</dev/null >"$r/out" 2>"$r/err")
	echo $? >"$r/rc"
}

run off off
run pass pass
run batch batch

R=$scratch/run
if [ "$(cat "$R/off/rc")" = 0 ] && [ "$(tail -n 1 "$R/off/out")" = "workload: done" ]; then
	ok "the workload runs to the end under --bc=off"
else
	not_ok "the workload runs to the end under --bc=off" "exit status $(cat "$R/off/rc")" \
		"$(tail -5 "$R/off/err")"
fi
# alike B: build B behaves as off does, byte for byte, files included.
alike() {
	same "off and $1: identical stdout" "$R/off/out" "$R/$1/out"
	same "off and $1: identical stderr" "$R/off/err" "$R/$1/err"
	same "off and $1: identical exit status" "$R/off/rc" "$R/$1/rc"
	(cd "$R/off/cwd" && find . | sort) >"$R/off/files"
	(cd "$R/$1/cwd" && find . | sort) >"$R/$1/files"
	if ! cmp -s "$R/off/files" "$R/$1/files"; then
		not_ok "off and $1: identical files written" "$(diff "$R/off/files" "$R/$1/files" | head -20)"
	elif [ "$(wc -l <"$R/off/files")" -lt 2 ]; then
		not_ok "off and $1: identical files written" "the workload wrote no files"
	else
		differ=
		while read -r f; do
			[ -f "$R/off/cwd/$f" ] || continue
			cmp -s "$R/off/cwd/$f" "$R/$1/cwd/$f" || differ="$differ $f"
		done <"$R/off/files"
		if [ -z "$differ" ]; then
			ok "off and $1: identical files written ($(($(wc -l <"$R/off/files") - 1)))"
		else
			not_ok "off and $1: identical files written" "contents differ:$differ"
		fi
	fi
}
alike pass
alike batch

# BC_STATS: pass writes one line for its one process; off is never armed.
if [ -e "$R/off/stats" ]; then
	not_ok "off writes no BC_STATS (never armed)" "$(head -c 300 "$R/off/stats")"
else
	ok "off writes no BC_STATS (never armed)"
fi
line=$(cat "$R/pass/stats" 2>/dev/null)
total=$(printf '%s\n' "$line" | sed -n 's/.*"calls":{"total":\([0-9]*\),.*/\1/p')
# count NAME: the calls of one syscall in the pass report, 0 if none.
count() { printf '%s\n' "$line" | sed -n "s/.*[{,]\"$1\":\([0-9]*\).*/\1/p" | grep . || echo 0; }
writes=$(($(count write) + $(count writev)))
if [ "$(wc -l 2>/dev/null <"$R/pass/stats")" != 1 ]; then
	not_ok "pass writes one BC_STATS line" "expected one line; got:" "$(head -c 600 "$R/pass/stats" 2>&1)"
elif [ "${total:-0}" -gt 0 ] && [ "${writes:-0}" -gt 0 ] &&
	printf '%s\n' "$line" | grep -q '^{"pid":[0-9]*,"mode":"pass",'; then
	ok "pass writes one BC_STATS line: $total calls, $writes write/writev"
else
	not_ok "pass writes one BC_STATS line" "no total > 0 with write/writev counted:" "$line"
fi

# syscalls F: the names of the calls in an strace -f log, one a line;
# signals, exits and "<... resumed>" halves are left out.
syscalls() {
	sed -n 's/^[0-9][0-9]* *//; s/^\([a-z_0-9][a-z_0-9]*\)(.*/\1/p' "$1"
}

if ! command -v strace >/dev/null; then
	not_ok "off makes stock musl's syscalls" "strace is not installed (configure installs it)"
	finish
fi
run off-strace off strace -f -qq -e trace=all -o "$R/off-strace/strace"
run stock-strace stock strace -f -qq -e trace=all -o "$R/stock-strace/strace"
same "stock musl build: same stdout as off" "$R/off/out" "$R/stock-strace/out"
syscalls "$R/off-strace/strace" >"$R/off-strace/names"
syscalls "$R/stock-strace/strace" >"$R/stock-strace/names"
if [ ! -s "$R/off-strace/names" ]; then
	not_ok "off makes stock musl's syscall sequence" "no calls traced; see $R/off-strace/err"
elif cmp -s "$R/stock-strace/names" "$R/off-strace/names"; then
	ok "off makes stock musl's syscall sequence ($(wc -l <"$R/off-strace/names") calls)"
else
	not_ok "off makes stock musl's syscall sequence" "diff stock off:" \
		"$(diff "$R/stock-strace/names" "$R/off-strace/names" | head -20)"
fi

# pass counts every call the program makes: what strace sees of the same
# workload under off, less execve, arch_prctl and set_tid_address, which
# come before the entry is armed (docs/musl.md, "BC_STATS").
grep -vxE 'execve|arch_prctl|set_tid_address' "$R/off-strace/names" |
	sort | uniq -c | awk '{ print $2, $1 }' >"$R/pass/want-counts"
printf '%s\n' "$line" | sed -n 's/.*"by_syscall":{\(.*\)}}}$/\1/p' | tr ',' '\n' |
	tr -d '"' | tr ':' ' ' | sort >"$R/pass/counts"
if [ -s "$R/pass/counts" ] && cmp -s "$R/pass/want-counts" "$R/pass/counts"; then
	ok "pass's BC_STATS counts match strace of off, call by call"
else
	not_ok "pass's BC_STATS counts match strace of off, call by call" \
		"diff strace BC_STATS:" "$(diff "$R/pass/want-counts" "$R/pass/counts" | head -20)"
fi
finish
