#!/bin/sh
# gen-sysnames.sh UNISTD_64_H: the x86_64 syscall names by number, as one
# string and each name's offset in it (plus one; 0: no name), so that the
# table needs no relocation when a library holding it is loaded.
set -eu
echo "/* Generated from $1 by tools/gen-sysnames.sh. */"
sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9][0-9]*\)$/\2 \1/p' "$1" | awk '
{ num[NR] = $1; name[NR] = $2 }
END {
	print "static const char bc_sysname_text[] ="
	for (i = 1; i <= NR; i++)
		printf "\t\"%s\\0\"%s\n", name[i], i == NR ? ";" : ""
	print "static const unsigned short bc_sysname_at[] = {"
	at = 1
	for (i = 1; i <= NR; i++) {
		printf "\t[%d] = %d,\n", num[i], at
		at += length(name[i]) + 1
	}
	print "};"
}'
