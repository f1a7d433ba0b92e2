#!/bin/sh
# ninja install, as tools/install.sh does it: into a scratch DESTDIR with
# the configured prefix, then the installed tools run from there (bcshim
# --stats on dd, bctrial's default suite, pkg-config against the DESTDIR,
# --version of each, every manual page); and into a scratch prefix with no
# DESTDIR, where bc-musl-gcc's rewritten specs must point, to build and
# run a static program with the installed patched musl.
# TAP on stdout for tests/run.sh; scratch in out/tests/install.
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
w=$top/out/tests/install
rm -rf "$w" && mkdir -p "$w/tmp" || { echo "1..0 # SKIP cannot make $w"; exit 0; }
. tests/tap.sh
TMPDIR=$w/tmp
export TMPDIR
unset LD_PRELOAD BC_STATS BC_LEVEL BC_EXECUTOR BC_PROFILE BC_MAX_DELAY_US BC_MAX_BYTES BC_DISABLE
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR
py=/usr/bin/python3

var() { sed -n "s/^$1 = //p" config.ninja; }
prefix=$(var prefix) libdir=$(var libdir) version=$(var version) multiarch=$(var multiarch)
if [ -z "$prefix" ] || [ -z "$libdir" ] || [ -z "$version" ]; then
	not_ok "config.ninja names the prefix, libdir and version" "run ./configure"
	echo "1..$n"
	exit 0
fi

# 1. DESTDIR install with the configured prefix.
d=$w/dest
if DESTDIR=$d sh tools/install.sh "$prefix" "$libdir" "$version" >"$w/install.log" 2>&1; then
	ok "install into a DESTDIR"
else
	not_ok "install into a DESTDIR" "$(tail -5 "$w/install.log")"
	echo "1..$n"
	exit 0
fi
root=$d$prefix lib=$d$libdir

p=$w/layout.problems
: >"$p"
for f in bin/bcshim bin/bcvm bin/bctrial bin/bcshim-calibrate bin/bc-musl-gcc \
	include/bc/bc.h include/bc/bc_ops.h share/bctrial/suites/default.json; do
	[ -e "$root/$f" ] || echo "no $prefix/$f" >>"$p"
done
for f in libbcshim.so libbc.so.1 libbc.so libbc.a pkgconfig/libbc.pc bcshim/musl/lib/libc.a \
	bcshim/musl/lib/musl-gcc.specs bcshim/musl/lib/bc-batch.specs bcshim/musl/lib/bc-pass.specs \
	bcshim/musl/lib/bcshim-batch.o bcshim/musl/include/bc_entry.h; do
	[ -e "$lib/$f" ] || echo "no $libdir/$f" >>"$p"
done
[ -z "$multiarch" ] || case $libdir in */lib/"$multiarch") ;; *) echo "libdir $libdir is not lib/$multiarch" >>"$p" ;; esac
[ ! -e "$root/include/bc.h" ] || echo "bc.h loose in include/" >>"$p"
for m in man/*.[137]; do
	s=${m##*.}
	[ -e "$root/share/man/man$s/${m#man/}" ] || echo "no man$s/${m#man/}" >>"$p"
done
# Every installed program has a manual page.
for b in "$root"/bin/*; do
	[ -e "$root/share/man/man1/${b##*/}.1" ] || echo "no manual page for ${b##*/}" >>"$p"
done
# Nothing installed names the build tree.
grep -rlI "$top" "$d" >"$w/leaks" 2>/dev/null
[ ! -s "$w/leaks" ] || echo "names the build tree: $(head -3 "$w/leaks")" >>"$p"
verdict "the layout: programs, multiarch libraries, include/bc, suites, musl, manual pages" "$p"

p=$w/version.problems
: >"$p"
for t in bcshim bcvm bctrial bcshim-calibrate bc-musl-gcc; do
	v=$("$root/bin/$t" --version 2>&1) || echo "$t --version: exit status $?" >>"$p"
	case $v in "$t $version"*) ;; *) echo "$t --version said '$v'" >>"$p" ;; esac
done
verdict "--version of every installed program" "$p"

p=$w/man.problems
: >"$p"
if command -v man >/dev/null; then
	for m in "$root"/share/man/man*/*; do
		# .so requests name pages from the top of the manual tree.
		(cd "$root/share/man" && MANWIDTH=80 man -l "$m" >/dev/null 2>"$w/man.err" </dev/null) ||
			echo "${m#$root/}: man -l failed" >>"$p"
		[ ! -s "$w/man.err" ] || echo "${m#$root/}: $(head -2 "$w/man.err")" >>"$p"
	done
	verdict "every installed manual page formats without a warning" "$p"
else
	skip "every installed manual page formats without a warning" "no man"
fi

# The issue's check: the installed bcshim on dd, with a summary.
p=$w/bcshim.problems
: >"$p"
mkdir -p "$w/run"
(cd "$w/run" && "$root/bin/bcshim" --stats -- dd if=/dev/zero of=f bs=64 count=100000 status=none) \
	2>"$w/bcshim.err"
rc=$?
[ $rc -eq 0 ] || echo "exit status $rc" >>"$p"
[ "$(wc -c <"$w/run/f" 2>/dev/null)" = 6400000 ] || echo "f is not 6400000 bytes" >>"$p"
grep -q '^bcshim: summary of 1 process (glibc-preload' "$w/bcshim.err" ||
	echo "no summary: $(head -3 "$w/bcshim.err")" >>"$p"
grep -Eq '^  write +100000 +[0-9]{5,}' "$w/bcshim.err" ||
	echo "no write row with 100000 seen and most deferred" >>"$p"
grep -q 'saved' "$w/bcshim.err" || echo "no kernel entries saved" >>"$p"
verdict "installed bcshim --stats -- dd if=/dev/zero of=f bs=64 count=100000" "$p"

# The installed bctrial runs its default suite from share/bctrial (two
# pairs a workload: the table, not the numbers, is what is checked).
p=$w/bctrial.problems
: >"$p"
(cd "$w/run" && "$root/bin/bctrial" --suite default --runs 2 --quiet) >"$w/suite.out" 2>"$w/suite.err"
rc=$?
[ $rc -eq 0 ] || echo "exit status $rc: $(tail -3 "$w/suite.err")" >>"$p"
grep -q '^suite default' "$w/suite.out" || echo "no table: $(head -3 "$w/suite.out")" >>"$p"
for wl in dd-bs64 tar-extract python3-unbuffered perl-unbuffered sh-append-loop; do
	grep -Eq "^$wl +[0-9]" "$w/suite.out" || echo "no result for $wl" >>"$p"
done
grep -q '^lua-workload *skipped' "$w/suite.out" || echo "lua-workload not skipped" >>"$p"
verdict "installed bctrial --suite default prints its table" "$p"

# pkg-config against the DESTDIR, and a program built with what it says.
p=$w/pc.problems
: >"$p"
flags=$(PKG_CONFIG_SYSROOT_DIR=$d PKG_CONFIG_PATH=$lib/pkgconfig pkg-config --cflags --libs libbc 2>&1)
# shellcheck disable=SC2086
flags=$(echo $flags)
[ "$flags" = "-I$root/include/bc -L$lib -lbc" ] || echo "pkg-config said '$flags'" >>"$p"
v=$(PKG_CONFIG_SYSROOT_DIR=$d PKG_CONFIG_PATH=$lib/pkgconfig pkg-config --modversion libbc 2>&1)
[ "$v" = "$version" ] || echo "--modversion said '$v'" >>"$p"
cat >"$w/usebc.c" <<'EOF'
#include <bc.h>
#include <stdio.h>
int main(void)
{
	printf("%s\n", bc_status_name(BC_ST_DONE));
	return 0;
}
EOF
# With the build's sanitizers: an instrumented libbc needs their runtime.
san=$(var san)
# shellcheck disable=SC2086
if cc $san -o "$w/usebc" "$w/usebc.c" $flags 2>"$w/usebc.log"; then
	o=$(LD_LIBRARY_PATH=$lib "$w/usebc" 2>&1)
	[ -n "$o" ] && [ "$o" = "$(printf '%s' "$o" | tr -d ' ')" ] ||
		echo "the program printed '$o', want a status name" >>"$p"
else
	echo "cc with pkg-config's flags failed: $(head -3 "$w/usebc.log")" >>"$p"
fi
verdict "pkg-config --cflags --libs libbc against the DESTDIR builds a program" "$p"

# 2. A scratch prefix, no DESTDIR: bc-musl-gcc's specs point at it.
pre=$w/prefix
if sh tools/install.sh "$pre" "$pre/lib/${multiarch:-.}" "$version" >"$w/install2.log" 2>&1; then
	p=$w/musl.problems
	: >"$p"
	cat >"$w/hello.c" <<'EOF'
#include <stdio.h>
int main(void)
{
	for (int i = 0; i < 1000; i++)
		printf("line %d\n", i);
	return 0;
}
EOF
	for mode in off batch; do
		if "$pre/bin/bc-musl-gcc" --bc=$mode -O2 -o "$w/hello-$mode" "$w/hello.c" 2>"$w/m.log"; then
			(cd "$w" && BC_STATS=$w/hello-$mode.jsonl "./hello-$mode" >"hello-$mode.out")
			[ "$(wc -l <"$w/hello-$mode.out")" -eq 1000 ] || echo "--bc=$mode: wrong output" >>"$p"
		else
			echo "--bc=$mode: $(head -3 "$w/m.log")" >>"$p"
		fi
	done
	[ -s "$w/hello-batch.jsonl" ] && grep -q '"way":"musl-static"' "$w/hello-batch.jsonl" ||
		echo "--bc=batch did not report as the engine" >>"$p"
	[ ! -s "$w/hello-off.jsonl" ] || echo "--bc=off reported" >>"$p"
	grep -rlI "$top/out/musl" "$pre" >"$w/leaks2"
	[ ! -s "$w/leaks2" ] || echo "names the build's musl: $(head -3 "$w/leaks2")" >>"$p"
	verdict "installed bc-musl-gcc builds with the installed patched musl" "$p"
else
	not_ok "install into a scratch prefix" "$(tail -5 "$w/install2.log")"
fi

echo "1..$n"
