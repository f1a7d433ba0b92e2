#!/bin/sh
# build-lua.sh SRC DIR CC...: Lua's posix target (no readline, no dlopen)
# from the source tarball SRC, extracted afresh into DIR and built with CC.
# CC replaces the Makefile's "gcc -std=gnu99", so the dialect goes back in
# through MYCFLAGS; AR="ar rc": binutils warns about the default's u.
set -eu
src=$1 dir=$2
shift 2
rm -rf "$dir" && mkdir -p "$dir"
tar -xzf "$src" -C "$dir" --strip-components=1 || {
	echo "build-lua.sh: cannot extract $src" >&2
	exit 1
}
make -C "$dir/src" -j"$(nproc 2>/dev/null || echo 2)" posix CC="$*" MYCFLAGS=-std=gnu99 \
	AR="ar rc" >"$dir/build.log" 2>&1 || {
	tail -5 "$dir/build.log" >&2
	echo "build-lua.sh: make failed; see $dir/build.log" >&2
	exit 1
}
