#!/bin/sh
# build-musl.sh SRC OUT [none]: extract musl (a tarball or a directory),
# apply musl-patches/series (none: no patches, for the benchmarks'
# like-for-like baseline), and build and install it under OUT.  The install's
# syslibdir is OUT/lib too: musl's default would overwrite /lib's loader.
set -eu
src=$1
mkdir -p "$2"
out=$(cd "$2" && pwd) || exit 1
top=$(pwd)
rm -rf "$out/src" "$out/build"
mkdir -p "$out/src" "$out/build"
echo "musl: unpacking $src"
if [ -d "$src" ]; then
	cp -R "$src/." "$out/src/"
else
	tar -xzf "$src" -C "$out/src" --strip-components=1
fi
if [ "${3:-}" != none ]; then
	while read -r patch; do
		echo "musl: applying $patch"
		patch -d "$out/src" -p1 -s <"$top/musl-patches/$patch"
	done <musl-patches/series
fi
echo "musl: building (about 30 s on 2 cores)"
cd "$out/build"
"$out/src/configure" --prefix="$out" --syslibdir="$out/lib" >configure.log 2>&1 ||
	{ echo "musl: configure failed; see $out/build/configure.log" >&2; exit 1; }
make -j"$(nproc)" >make.log 2>&1 ||
	{ tail -20 make.log >&2; echo "musl: build failed; see $out/build/make.log" >&2; exit 1; }
make install >install.log 2>&1 ||
	{ echo "musl: install failed; see $out/build/install.log" >&2; exit 1; }
echo "musl: installed under $out"
