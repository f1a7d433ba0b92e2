#!/bin/sh
# gen-sysnames.sh UNISTD_64_H: a C table of x86_64 syscall names by number.
set -eu
echo "/* Generated from $1 by tools/gen-sysnames.sh. */"
echo "static const char *const bc_sysname[] = {"
sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9][0-9]*\)$/	[\2] = "\1",/p' "$1"
echo "};"
