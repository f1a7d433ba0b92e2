# Every x86_64 system call made while writes are pending, three ways
# (glibc's function of its name, syscall(2), an inline syscall
# instruction): in an strace of the batched run, each child's last write
# reaches the kernel before the call.  Calls the classification marks
# independent (DEP_NONE in shim/classes.h), or whose class its arguments
# decide (CL_REFINE: with every argument -1, an O_PATH open or an
# anonymous mmap is independent), may go first through glibc's function
# and syscall(2), and are left out of those two ways; inline, every call
# is past the engine, and the net settles the queue.  Calls
# that end, replace or fork the caller, wait for ever, or trap by design
# are never made.  A test of its own (tests/harness.sh): it reads the
# trace itself, since normtrace knows the calls programs make, not these.
t="every system call made while writes are pending finds them done"
if ! command -v strace >/dev/null; then
	skip "$t" "strace is not installed"
	return 0 2>/dev/null || exit 0
fi
deny=" exit exit_group rt_sigreturn pause rt_sigsuspend vfork fork clone clone3 execve execveat
	vhangup reboot kexec_load kexec_file_load restart_syscall uretprobe "
mkdir -p "$W/run"
cc -O2 -o "$W/order" "$top/tests/unseen/order/order.c" 2>"$W/build.log" || {
	not_ok "$t" "order.c does not build: $(cat "$W/build.log")"
	return 0 2>/dev/null || exit 0
}
independent=$(sed -n -e 's/^[[:space:]]*X(\([a-z0-9_]*\), *DEP_NONE.*/\1/p' \
	-e 's/^[[:space:]]*X(\([a-z0-9_]*\),.*CL_REFINE.*/\1/p' "$top/shim/classes.h")
awk '/^#define __NR_/ { sub("__NR_", "", $2); print $3, $2 }' \
	/usr/include/x86_64-linux-gnu/asm/unistd_64.h | sort -n |
	while read -r nr name; do
		case "$deny" in *" $name "*) continue ;; esac
		echo "$nr $name"
	done >"$W/all"
: >"$W/dependent"
while read -r nr name; do
	case " $(echo $independent) " in *" $name "*) ;; *) echo "$nr $name" >>"$W/dependent" ;; esac
done <"$W/all"
for m in $modes; do
	for way in inline syscall libc; do
		list=$W/dependent
		[ "$way" = inline ] && list=$W/all
		d=$W/run/$way.$(echo "$m" | tr : .)
		mkdir -p "$d"
		(cd "$d" && env $(mode_env "$m") LD_PRELOAD="$lib" \
			strace -f -qq -o "$d/trace" -e signal=none -s 16 "$W/order" "$way" <"$list" \
			>"$d/out" 2>&1)
		p=$d/problems
		python3 "$top/tests/unseen/order/check.py" "$d/trace" "$list" >"$d/check" 2>&1 ||
			cp "$d/check" "$p"
		tap_suffix=" [$m]"
		if [ -s "$p" ]; then
			not_ok "$t ($way)" "$(head -n 20 "$p")"
		else
			ok "$t ($way: $(tail -n 1 "$d/check"))"
		fi
		tap_suffix=
		rm -f "$d"/d*
	done
done
