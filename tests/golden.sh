#!/bin/sh
# Golden tests of bcvm: assemble, disassemble and run the examples, and
# feed it corrupted programs.  Prints TAP lines for tests/run.sh.
set -u
bcvm=${BCVM:-out/bin/bcvm}
gold=tests/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/tap.sh

# expect NAME WANT GOT: compare two files byte for byte.
expect() {
	if cmp -s "$2" "$3"; then ok "$1"; else not_ok "$1" "$(diff "$2" "$3" | head -20)"; fi
}

# status NAME WANT GOT
status() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "exit status $3, expected $2"; fi
}

# Pointers from la differ run to run.
normalise() { sed -E 's/0x[0-9a-f]{9,}/ADDR/g' "$1"; }

for src in examples/*.bcs; do
	name=$(basename "$src" .bcs)
	"$bcvm" asm "$src" -o "$tmp/$name.bc"
	status "$name: assembles" 0 $?
	"$bcvm" dis "$tmp/$name.bc" >"$tmp/$name.dis"
	expect "$name: disassembly matches $gold/$name.dis" "$gold/$name.dis" "$tmp/$name.dis"
	"$bcvm" asm "$gold/$name.dis" -o "$tmp/$name.again.bc"
	expect "$name: disassembly reassembles to identical bytes" "$tmp/$name.bc" "$tmp/$name.again.bc"
	"$bcvm" verify "$tmp/$name.bc" >/dev/null
	status "$name: verifies" 0 $?
done

# hello: exactly one line on stdout, from text and from binary.
printf 'hello, bc\n' >"$tmp/hello.want"
for prog in examples/hello.bcs "$tmp/hello.bc"; do
	"$bcvm" run "$prog" >"$tmp/hello.out" 2>"$tmp/hello.err"
	status "hello: run $prog exits 0" 0 $?
	expect "hello: stdout of $prog" "$tmp/hello.want" "$tmp/hello.out"
	normalise "$tmp/hello.err" >"$tmp/hello.report"
	expect "hello: report of $prog" "$gold/hello.run" "$tmp/hello.report"
done

# file: writes the file named by r2; without r2 the error branch is taken.
"$bcvm" run --str "r2=$tmp/written.txt" examples/file.bcs >"$tmp/file.out" 2>"$tmp/file.err"
status "file: run exits 0" 0 $?
printf 'written by bc.\n' >"$tmp/file.want"
expect "file: file content" "$tmp/file.want" "$tmp/written.txt"
mode=$(stat -c %a "$tmp/written.txt" 2>/dev/null)
want_mode=$(printf '%o' $((0644 & ~$(umask))))
status "file: file mode" "$want_mode" "$mode"
normalise "$tmp/file.err" >"$tmp/file.report"
expect "file: report" "$gold/file.run" "$tmp/file.report"
"$bcvm" run --str "r2=$tmp/no/such/dir/x" examples/file.bcs >/dev/null 2>"$tmp/nodir.err"
status "file: failed openat takes the error branch" 0 $?
normalise "$tmp/nodir.err" >"$tmp/nodir.report"
expect "file: error branch report" "$gold/file-nodir.run" "$tmp/nodir.report"

# A failed call the program does not test stops it: exit 3.
printf '\tli\tr1, -9\n\tclose\n\tgetpid\n' >"$tmp/fault.bcs"
"$bcvm" run "$tmp/fault.bcs" 2>"$tmp/fault.err"
status "fault: untested error exits 3" 3 $?
expect "fault: report" "$gold/fault.run" "$tmp/fault.err"

# Corrupted binaries: rejected with the offset, never a crash.
corrupt() { # corrupt NAME OFFSET BYTES (printf escapes)
	cp "$tmp/hello.bc" "$tmp/$1.bc"
	printf "$3" | dd of="$tmp/$1.bc" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
check_bad() { # check_bad NAME MESSAGE
	for cmd in verify dis run; do
		"$bcvm" $cmd "$tmp/$1.bc" >/dev/null 2>"$tmp/$1.$cmd.err"
		status "$1: $cmd exits 1" 1 $?
		echo "$tmp/$1.bc: $2" >"$tmp/$1.want"
		expect "$1: $cmd names the offset" "$tmp/$1.want" "$tmp/$1.$cmd.err"
	done
}
corrupt badop 88 '\377'
check_bad badop "offset 88 (pc 24): unknown opcode 0xff"
corrupt backjump 64 '\010\000\000'
check_bad backjump "offset 64 (pc 0): backward jump to pc 0"
corrupt selfjump 64 '\010\001\000'
check_bad selfjump "offset 64 (pc 0): jump into the middle of the instruction at pc 0"
corrupt truncated 6 '\024\000\020'
check_bad truncated "offset 78 (pc 14): truncated operand: li needs 10 bytes, 6 remain"
corrupt framing 7 '\001'
check_bad framing "offset 6: header gives 282 code and 10 data bytes, the file has 36"
corrupt badmagic 0 '\000'
check_bad badmagic "offset 0: not a bc program (magic 0x47504300, expected 0x47504342)"
corrupt reserved 40 '\001'
check_bad reserved "offset 40: reserved header byte is 0x01, not zero"
head -c 70 "$tmp/hello.bc" >"$tmp/short.bc"
check_bad short "offset 6: header gives 26 code and 10 data bytes, the file has 6"

# A program that rewrites its own code mid-run (read into its next
# opcode) is stopped as invalid: exit 1, never a crash.
cat >"$tmp/selfmod.bcs" <<'PROG'
	li	r1, 0
	la	r2, buf
	li	r9, -5
	add	r2, r9
	li	r3, 1
	read
	stop
	stop
	stop
	stop
	stop
buf:
	.zero	4
PROG
printf '\377' | "$bcvm" run "$tmp/selfmod.bcs" >/dev/null 2>"$tmp/selfmod.err"
status "selfmod: a rewritten opcode stops the run as invalid" 1 $?
grep -q '^status: invalid at pc 38: the program changed its own code, 1 call$' "$tmp/selfmod.err"
status "selfmod: the report says so" 0 $?

# Usage errors exit 2 with a message.
"$bcvm" >/dev/null 2>&1
status "usage: no command exits 2" 2 $?
"$bcvm" frob >/dev/null 2>&1
status "usage: unknown command exits 2" 2 $?
"$bcvm" verify "$tmp/missing.bc" 2>"$tmp/missing.err"
status "usage: missing file exits 2" 2 $?
echo "bcvm: $tmp/missing.bc: No such file or directory" >"$tmp/missing.want"
expect "usage: missing file message" "$tmp/missing.want" "$tmp/missing.err"
"$bcvm" --help | grep -q '^Usage: bcvm asm'
status "usage: --help" 0 $?

# Assembler errors name the line.
printf '\tli\tr1, 1\n\tbogus\n' >"$tmp/bad.bcs"
"$bcvm" asm "$tmp/bad.bcs" -o "$tmp/bad.bc" 2>"$tmp/bad.err"
status "asm: bad source exits 1" 1 $?
echo "$tmp/bad.bcs:2: unknown instruction 'bogus'" >"$tmp/bad.want"
expect "asm: error names the line" "$tmp/bad.want" "$tmp/bad.err"

echo "1..$n"
