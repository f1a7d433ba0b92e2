#!/bin/sh
# ninja install: copy the built files under $DESTDIR$1 (the prefix).
set -eu
prefix=$1
root=${DESTDIR:-}$prefix
install -d "$root/bin" "$root/lib" "$root/include" "$root/share/man/man1" "$root/share/man/man3" \
	"$root/share/man/man7"
install -m 755 out/bin/bcvm out/bin/bctrial out/bin/bcshim-calibrate "$root/bin/"
install -m 644 out/lib/libbc.a "$root/lib/"
install -m 755 out/lib/libbc.so.1 "$root/lib/"
ln -sf libbc.so.1 "$root/lib/libbc.so"
install -m 755 out/lib/libbcshim.so "$root/lib/"
install -m 644 batcher/bc.h batcher/bc_ops.h "$root/include/"
install -m 644 man/*.1 "$root/share/man/man1/"
install -m 644 man/*.3 "$root/share/man/man3/"
install -m 644 man/*.7 "$root/share/man/man7/"
echo "installed under $root"
