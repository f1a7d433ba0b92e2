#!/bin/sh
# ninja install: copy the built files under $DESTDIR (default none) and
# the prefix, libraries in the multiarch directory (LIBDIR).
#   install.sh PREFIX LIBDIR VERSION
set -eu
prefix=$1 libdir=$2 version=$3
root=${DESTDIR:-}$prefix
lib=${DESTDIR:-}$libdir
musl=$libdir/bcshim/musl       # the patched musl, where its specs point
top=$(pwd)
install -d "$root/bin" "$lib/pkgconfig" "$root/include/bc" "$root/share/bctrial/suites" \
	"$root/share/man/man1" "$root/share/man/man3" "$root/share/man/man7" \
	"${DESTDIR:-}$musl/lib" "${DESTDIR:-}$musl/include"

# Programs.
install -m 755 out/bin/bcshim out/bin/bcvm out/bin/bctrial out/bin/bcshim-calibrate \
	out/bin/bc-musl-gcc "$root/bin/"
install -m 644 trial/suites/*.json "$root/share/bctrial/suites/"
install -d "$root/share/bctrial/python/bctrial"
install -m 644 out/share/bctrial/python/bctrial/*.py "$root/share/bctrial/python/bctrial/"

# Libraries: the engine, libbc, its headers and pkg-config file.
install -m 755 out/lib/libbcshim.so out/lib/libbc.so.1 "$lib/"
ln -sf libbc.so.1 "$lib/libbc.so"
install -m 644 out/lib/libbc.a "$lib/"
install -m 644 batcher/bc.h batcher/bc_ops.h "$root/include/bc/"
cat >"$lib/pkgconfig/libbc.pc" <<PC
prefix=$prefix
libdir=$libdir
includedir=\${prefix}/include

Name: libbc
Description: bcshim's bc ABI: encoder, verifier, interpreter, assembler, disassembler
Version: $version
Cflags: -I\${includedir}/bc
Libs: -L\${libdir} -lbc
PC
chmod 644 "$lib/pkgconfig/libbc.pc"

# The patched musl bc-musl-gcc links against: its specs name the build
# tree, so they are rewritten for where it now lives.
cp -R out/musl/include/. "${DESTDIR:-}$musl/include/"
for f in out/musl/lib/*; do
	case $f in
	*.specs) sed "s|$top/out/musl|$musl|g" "$f" >"${DESTDIR:-}$musl/lib/${f##*/}" ;;
	*/ld-musl-*) ln -sf libc.so "${DESTDIR:-}$musl/lib/${f##*/}" ;;
	*) install -m 644 "$f" "${DESTDIR:-}$musl/lib/" ;;
	esac
done
chmod 755 "${DESTDIR:-}$musl/lib/libc.so" "${DESTDIR:-}$musl/lib/bcshim-pass.so"

# Manual pages.
install -m 644 man/*.1 "$root/share/man/man1/"
install -m 644 man/*.3 "$root/share/man/man3/"
install -m 644 man/*.7 "$root/share/man/man7/"
echo "installed under $root (libraries in ${DESTDIR:-}$libdir)"
