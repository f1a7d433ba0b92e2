#!/bin/sh
# musl-specs.sh SPECS OBJECT: musl-gcc's specs with OBJECT linked first,
# before the program's own objects, so that libc resolves what it needs.
set -eu
obj=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
sed "/^\*startfile:/{n;s|\$| $obj|;}" "$1"
