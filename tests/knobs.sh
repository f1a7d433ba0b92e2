#!/bin/sh
# The knobs' edges (docs/settings.md, "Settings and the report"), on every
# way in: glibc by LD_PRELOAD=out/lib/libbcshim.so (its constructor, the
# same code, also as a program's needed library), static musl by
# bc-musl-gcc --bc=batch and --bc=pass, dynamic musl with libbcshim.so or
# bcshim-pass.so.  Prints TAP for tests/run.sh.
#   secure     a set-uid root program run by nobody (AT_SECURE) reads no
#              BC_* variable: BC_STATS in a root-only directory is not
#              created, a root-only BC_PROFILE (or XDG default) is not
#              opened (strace), a bad setting is not reported
#   symlink    BC_STATS that is a symbolic link (to a file, dangling, or
#              planted while the program runs) is not followed
#   bad knobs  BC_PROFILE a FIFO, a directory, /dev/zero, unreadable,
#              malformed; BC_STATS a FIFO, a directory, /dev/null, in a
#              missing or unwritable directory, unwritable: the program
#              runs to completion with its native output, and stderr holds
#              exactly one "bcshim: " line saying why
#   tree       a bad setting is said once in a tree of exec'd processes,
#              a child with other settings says its own, and the
#              environment the program sees is untouched
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
w=$top/out/tests/knobs
rm -rf "$w" && mkdir -p "$w/bin" || { echo "1..0 # SKIP cannot make $w"; exit 0; }
. tests/tap.sh
shim=$top/out/lib/libbcshim.so
passso=$top/out/musl/lib/bcshim-pass.so
mspecs=$top/out/musl/lib/musl-gcc.specs
bcgcc=$top/out/bin/bc-musl-gcc
nobody="setpriv --reuid=nobody --regid=nogroup --clear-groups"

# ---- building -------------------------------------------------------------

: >"$w/build.log"
build() {
	_out=$1
	shift
	"$@" -o "$_out" >>"$w/build.log" 2>&1 || echo "failed: $* -o $_out" >>"$w/build.fail"
}
src=tests/knobs/prog.c
cf="-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror"
build "$w/bin/prog" cc $cf $src
build "$w/bin/prog-batch" "$bcgcc" --bc=batch $cf $src
build "$w/bin/prog-pass" "$bcgcc" --bc=pass $cf $src
if [ -e "$w/build.fail" ]; then
	not_ok "build the programs (cc, bc-musl-gcc --bc=batch and --bc=pass)" \
		"$(cat "$w/build.fail")" "$(head -n 30 "$w/build.log")"
	echo "1..$n"
	exit 0
fi
ok "build the programs (cc, bc-musl-gcc --bc=batch and --bc=pass)"

# want UID: the program's native output as user UID.
want() {
	_i=0
	while [ $_i -lt 20 ]; do echo "line $_i"; _i=$((_i + 1)); done
	echo "euid $1"
}
want 0 >"$w/want.0"
want 65534 >"$w/want.65534"

# run DIR USER WAY [VAR=VAL...]: the way's program (glibc: preloaded;
# batch, pass: static musl), in DIR, as root or nobody, with only PATH and
# the VAR=VALs, its arguments $prog_args; DIR/out, err and rc.  timeout
# (not preloaded) ends a hang with 124.
prog_args=
run() {
	_d=$1 _u=$2 _way=$3
	shift 3
	mkdir -p "$_d"
	case $_way in
	glibc) _p=$w/bin/prog; set -- LD_PRELOAD="$shim" "$@" ;;
	*) _p=$w/bin/prog-$_way ;;
	esac
	_as=
	[ "$_u" = nobody ] && _as=$nobody
	(cd "$_d" && timeout -k 2 10 $_as env -i PATH=/usr/bin:/bin "$@" "$_p" $prog_args \
		>out 2>err </dev/null; echo $? >rc)
}

# said DIR UID WORDS: problems with a run that must end as natively, with
# one line on stderr, "bcshim: ", holding WORDS.
said() {
	[ "$(cat "$1/rc")" = 0 ] || echo "exit status $(cat "$1/rc") (124: hung)"
	cmp -s "$w/want.$2" "$1/out" || echo "stdout: $(head -c 300 "$1/out")"
	if [ "$(wc -l <"$1/err")" -ne 1 ] || ! grep -q '^bcshim: ' "$1/err"; then
		echo "want one \"bcshim: \" line on stderr; got:"
		head -n 10 "$1/err"
	elif ! grep -qF -- "$3" "$1/err"; then
		echo "stderr does not say \"$3\": $(cat "$1/err")"
	fi
}

# ---- secure execution -----------------------------------------------------

# Set-uid root copies of each way in, run by nobody with BC_STATS in a
# root-only directory, BC_PROFILE and XDG_CONFIG_HOME there too, and two
# bad settings (reported if read).  A root run of the same copies first
# shows each one armed and reporting.
s=$w/suid
r=$w/root
mkdir -p "$s" "$r/xdg/bcshim" && chmod 700 "$r"
printf 'bcshim-profile 1\nwrite direct\n' >"$r/profile"
cp "$r/profile" "$r/xdg/bcshim/profile"
chmod 600 "$r/profile" "$r/xdg/bcshim/profile"
ways="batch pass glibc muslbatch muslpass"
cp "$w/bin/prog-batch" "$s/batch"
cp "$w/bin/prog-pass" "$s/pass"
# What /etc/ld.so.preload would do (the loader honours LD_PRELOAD in a
# set-id program only from its trusted directories): libbcshim.so loaded
# first, ahead of libc, at start.
build "$s/glibc" cc $cf $src -L"$top/out/lib" -lbcshim -Wl,-rpath,"$top/out/lib"
build "$s/muslbatch" gcc -specs="$mspecs" $cf $src -L"$top/out/lib" -lbcshim \
	-Wl,-rpath,"$top/out/lib"
build "$s/muslpass" gcc -specs="$mspecs" $cf $src "$passso"
# Runs as nobody need root, setpriv and the user.
as_nobody=
if [ "$(id -u)" != 0 ]; then
	as_nobody="not root"
elif ! command -v setpriv >/dev/null 2>&1 || ! id nobody >/dev/null 2>&1; then
	as_nobody="no setpriv or no user nobody"
elif ! $nobody "$w/bin/prog-batch" 2>&1 </dev/null | grep -q '^euid 65534$'; then
	as_nobody="nobody cannot run $w/bin/prog-batch"
fi
skip_secure=$as_nobody
if [ -n "$skip_secure" ]; then
	:
elif [ -e "$w/build.fail" ]; then
	skip_secure="a set-uid copy did not build: $(cat "$w/build.fail")"
else
	for x in $ways; do chown root:root "$s/$x" && chmod 4755 "$s/$x"; done
	$nobody "$s/batch" >"$s/probe" 2>&1 </dev/null
	if ! grep -q '^euid 0$' "$s/probe"; then
		skip_secure="set-uid is not honoured for nobody here ($(tail -n 1 "$s/probe"))"
	fi
fi
# Without strace, the profile's not being opened is not checked.
traced=
if ! command -v strace >/dev/null 2>&1 || ! strace -f -qq -o /dev/null /bin/true >/dev/null 2>&1; then
	traced=" (no strace: the profile's open not checked)"
fi

# The report of a root run, by way: what shows the way armed.
armed() {
	case $1 in
	batch) echo '"mode":"batch".*"way":"musl-static"' ;;
	pass | muslpass) echo '"mode":"pass"' ;;
	glibc) echo '"mode":"batch".*"way":"glibc-preload"' ;;
	muslbatch) echo '"mode":"batch".*"way":"musl-preload"' ;;
	esac
}
secure_env="BC_PROFILE=$r/profile XDG_CONFIG_HOME=$r/xdg BC_MAX_DELAY_US=bogus BC_LEVEL=bogus"
for x in $ways; do
	name="secure, $x: run by nobody, set-uid root, no BC_* variable is read"
	if [ -n "$skip_secure" ]; then
		skip "$name" "$skip_secure"
		continue
	fi
	d=$s/$x.d
	mkdir -p "$d"
	p=$d/problems
	: >"$p"
	(cd "$d" && env -i PATH=/usr/bin:/bin BC_STATS="$d/root.jsonl" "$s/$x" >root.out 2>&1 </dev/null)
	grep -q "$(armed $x)" "$d/root.jsonl" 2>/dev/null ||
		echo "root's run is not armed: no report matching $(armed $x): $(head -c 300 "$d/root.jsonl" 2>&1)" >>"$p"
	(cd "$d" && timeout -k 2 10 $nobody env -i PATH=/usr/bin:/bin BC_STATS="$r/stats-$x.jsonl" \
		$secure_env "$s/$x" >out 2>err </dev/null; echo $? >rc)
	[ "$(cat "$d/rc")" = 0 ] || echo "exit status $(cat "$d/rc")" >>"$p"
	cmp -s "$w/want.0" "$d/out" || echo "stdout: $(head -c 300 "$d/out")" >>"$p"
	[ ! -s "$d/err" ] || echo "stderr: $(head -c 300 "$d/err")" >>"$p"
	[ ! -e "$r/stats-$x.jsonl" ] ||
		echo "BC_STATS was created in the root-only directory (as root)" >>"$p"
	if [ -z "$traced" ]; then
		# strace as root honours the set-uid bit (-u: the user to run as).
		env -i PATH=/usr/bin:/bin strace -f -qq -u nobody -o "$d/trace" -e trace=%file,%desc \
			-E BC_STATS="$r/stats-$x.jsonl" -E BC_PROFILE="$r/profile" \
			-E XDG_CONFIG_HOME="$r/xdg" "$s/$x" >"$d/traced.out" 2>&1 </dev/null
		cmp -s "$w/want.0" "$d/traced.out" ||
			echo "traced run: $(head -c 300 "$d/traced.out")" >>"$p"
		! grep -F "$r" "$d/trace" >>"$p" ||
			echo "^ calls naming the root-only directory" >>"$p"
	fi
	verdict "$name$traced" "$p"
done

# ---- BC_STATS a symbolic link ---------------------------------------------

for x in glibc batch pass; do
	d=$w/link.$x
	mkdir -p "$d"
	echo keep >"$d/target"
	ln -s target "$d/stats.jsonl"
	run "$d/a" root $x BC_STATS="$d/stats.jsonl"
	p=$d/problems
	said "$d/a" 0 "BC_STATS=$d/stats.jsonl: a symbolic link; no report" >"$p"
	[ "$(cat "$d/target")" = keep ] || echo "the link's target was written: $(head -c 300 "$d/target")" >>"$p"
	verdict "BC_STATS a symbolic link to a file ($x): not followed, said once" "$p"

	ln -s made "$d/dangling.jsonl"
	run "$d/b" root $x BC_STATS="$d/dangling.jsonl"
	said "$d/b" 0 "a symbolic link" >"$p"
	[ ! -e "$d/made" ] || echo "the dangling link's target was created" >>"$p"
	verdict "BC_STATS a dangling symbolic link ($x): no file created, said once" "$p"

	echo keep >"$d/target2"
	prog_args="plant $d/target2 $d/planted.jsonl"
	run "$d/c" root $x BC_STATS="$d/planted.jsonl"
	prog_args=
	said "$d/c" 0 "a symbolic link" >"$p"
	[ "$(cat "$d/target2")" = keep ] || echo "the link's target was written: $(head -c 300 "$d/target2")" >>"$p"
	[ -L "$d/planted.jsonl" ] || echo "the program did not plant its link" >>"$p"
	verdict "BC_STATS turned into a symbolic link while the program runs ($x): not followed, said once" "$p"
done

# ---- bad knobs ------------------------------------------------------------

b=$w/bad
mkdir -p "$b/dir" "$b/ro"
mkfifo "$b/fifo"
printf 'write direct\n' >"$b/noheader"
printf 'bcshim-profile 1\nwrite fast\nmeta direct\nbogus\n' >"$b/badline"
head -c 5000 /dev/zero | tr '\0' '#' >"$b/long"
printf 'bcshim-profile 1\n' >"$b/secret" && chmod 600 "$b/secret"
echo keep >"$b/ro/stats" && chmod 755 "$b/ro" && chmod 644 "$b/ro/stats"

# knob NAME WAYS USER WORDS VAR=VAL: one bad knob, on each of WAYS.
knob() {
	for _x in $2; do
		_d=$b/$(echo "$1" | tr -c 'a-z0-9\n' '_').$_x
		run "$_d" "$3" "$_x" "$5"
		said "$_d" "$([ "$3" = nobody ] && echo 65534 || echo 0)" "$4" >"$_d/problems"
		verdict "$1 ($_x): native output, said once" "$_d/problems"
	done
}
engine="glibc batch"
all="glibc batch pass"
knob "BC_PROFILE a FIFO" "$engine" root "not a regular file" BC_PROFILE="$b/fifo"
knob "BC_PROFILE a directory" "$engine" root "not a regular file" BC_PROFILE="$b/dir"
knob "BC_PROFILE /dev/zero" "$engine" root "not a regular file" BC_PROFILE=/dev/zero
knob "BC_PROFILE without its header" "$engine" root "not a bcshim profile" BC_PROFILE="$b/noheader"
knob "BC_PROFILE with bad lines" "$engine" root "line 2 is not" BC_PROFILE="$b/badline"
knob "BC_PROFILE too long" "$engine" root "longer than 4095 bytes" BC_PROFILE="$b/long"
knob "BC_STATS a FIFO" "$all" root "not a regular file; no report" BC_STATS="$b/fifo"
knob "BC_STATS a directory" "$all" root "not a regular file; no report" BC_STATS="$b/dir"
knob "BC_STATS /dev/null" "$all" root "not a regular file; no report" BC_STATS=/dev/null
knob "BC_STATS in a missing directory" "$all" root "no such directory; no report" \
	BC_STATS="$b/no-such-dir/stats"
if [ -z "$as_nobody" ]; then
	knob "BC_PROFILE unreadable" "$engine" nobody "cannot be read" BC_PROFILE="$b/secret"
	knob "BC_STATS unwritable" "$all" nobody "cannot be written; no report" BC_STATS="$b/ro/stats"
	knob "BC_STATS in an unwritable directory" "$all" nobody "cannot be created; no report" \
		BC_STATS="$b/ro/new"
	[ "$(cat "$b/ro/stats")" = keep ] || not_ok "an unwritable BC_STATS is left alone" "$(cat "$b/ro/stats")"
else
	for k in "BC_PROFILE unreadable" "BC_STATS unwritable" "BC_STATS in an unwritable directory"; do
		skip "$k (as nobody)" "$as_nobody"
	done
fi

# ---- once per process tree ---------------------------------------------------
# A refusal is said by the first process of a tree with those settings; an
# exec'd child whose parent has the engine and the same settings stays
# quiet, one with other settings speaks; the environment is untouched.
t=$w/tree
mkdir -p "$t"
(cd "$t" && env -i PATH=/usr/bin:/bin BC_MAX_DELAY_US=x LD_PRELOAD="$shim" \
	sh -c '/bin/true; sh -c "/bin/true; /bin/true" & wait; /bin/true' >out 2>err)
c=$(grep -c 'bcshim: BC_MAX_DELAY_US=x: not a number' "$t/err")
[ "$c" = 1 ] && ok "a bad knob is said once in a tree of exec'd processes" ||
	not_ok "a bad knob is said once in a tree of exec'd processes" "said $c times:" "$(cat "$t/err")"
(cd "$t" && env -i PATH=/usr/bin:/bin BC_MAX_DELAY_US=x LD_PRELOAD="$shim" \
	sh -c 'BC_MAX_DELAY_US=y /bin/true; BC_PROFILE=/dev/zero /bin/true' >out 2>err2)
# The second child has other settings but the same BC_MAX_DELAY_US: only
# its own new refusal.
if [ "$(grep -c 'BC_MAX_DELAY_US=x' "$t/err2")" = 1 ] && [ "$(grep -c 'BC_MAX_DELAY_US=y' "$t/err2")" = 1 ] &&
	[ "$(grep -c 'profile: /dev/zero' "$t/err2")" = 1 ] && [ "$(wc -l <"$t/err2")" = 3 ]; then
	ok "a child with other settings says its own refusals, not its parent's"
else
	not_ok "a child with other settings says its own refusals, not its parent's" "$(cat "$t/err2")"
fi
env -i A=1 BC_MAX_DELAY_US=x LD_PRELOAD="$shim" /usr/bin/env >"$t/env" 2>/dev/null
printf 'A=1\nBC_MAX_DELAY_US=x\nLD_PRELOAD=%s\n' "$shim" >"$t/env.want"
same "the program's environment is left as it was" "$t/env.want" "$t/env"

# No set-uid root program stays behind in the build tree.
for x in $ways; do [ -e "$s/$x" ] && chmod u-s "$s/$x"; done

echo "1..$n"
exit 0
