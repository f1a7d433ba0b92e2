# gdb on a rewritten process (it writes first, and gdb's breakpoint in
# getppid comes after: the sites are rewritten at the first deferral, and
# a breakpoint already on a site would leave libc as it is): stopped in
# getppid (its site rewritten: the
# first instruction a jmp) a backtrace reaches main; stopped in the
# engine (__bc_site_call) one goes through site.S's unwind information,
# getppid and main; the program then ends normally.
d=$W/gdb
mkdir -p "$d"
t="gdb: a backtrace from a rewritten getppid and from the engine below it reaches main"
if ! command -v gdb >/dev/null; then
	skip "$t" "no gdb"
else
	printf '#include <stdio.h>\n#include <unistd.h>\n#include <fcntl.h>\nint main(void) {\n int fd = open("%s/w", O_WRONLY | O_CREAT | O_TRUNC, 0644); write(fd, "a", 1); write(fd, "b", 1); write(fd, "c", 1);\n printf("%%d\\n", getppid() > 0); return 0; }\n' "$d" >"$d/g.c"
	cc -g -O0 -o "$d/g" "$d/g.c"
	timeout 120 gdb -q -batch -nx -ex 'set startup-with-shell off' \
		-ex "set environment LD_PRELOAD=$lib" -ex 'break 6' -ex run \
		-ex 'break getppid' -ex continue -ex bt -ex 'x/1i $pc' \
		-ex 'break __bc_site_call if nr == 110' -ex continue -ex bt -ex continue \
		"$d/g" >"$d/out" 2>&1
	p=$d/problems
	: >"$p"
	grep -q '=> 0x[0-9a-f]* <[_A-Za-z]*getppid[^>]*>:[[:space:]]*jmp ' "$d/out" ||
		echo "getppid's first instruction is not the rewritten jmp" >>"$p"
	awk '/^#0 .*getppid/ { a = 1 } a && /^#1 .* in main \(\)/ { ok = 1 } END { exit !ok }' "$d/out" ||
		echo "no backtrace from getppid to main" >>"$p"
	awk '/^#0 .*__bc_site_call/ { a = 1 } a && /^#1 .*__bc_site_entry/ { b = 1 }
	     b && /^#2 .*getppid/ { c = 1 } c && /^#3 .* in main \(\)/ { ok = 1 } END { exit !ok }' "$d/out" ||
		echo "no backtrace from __bc_site_call through site.S and getppid to main" >>"$p"
	grep -q 'exited normally' "$d/out" || echo "the program did not end normally" >>"$p"
	[ -s "$p" ] && sed -n '/^Breakpoint 2,/,$p' "$d/out" | head -n 30 >>"$p"
	verdict "$t" "$p"
fi
