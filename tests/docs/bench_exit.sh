# bench/yardstick.sh says it exits 0 whatever it measures (a benchmark
# never fails `ninja bench`): even when every run of a side fails.  Its
# programs are built by a CC that makes write64 fail at once, and dd is
# one that fails, so that nothing is timed.
t="bench/yardstick.sh exits 0 when every run fails"
# Only inside the harness's scratch directory: run alone, with W unset,
# this would write /bin/dd.
[ -n "${W:-}" ] && [ -d "$W" ] || { echo "bench_exit.sh: run it with tests/harness.sh" >&2; exit 1; }
W=$W/bench_exit
mkdir -p "$W/bin"
printf '#!/bin/sh\nexit 1\n' >"$W/bin/dd"
real_cc=$(command -v "${CC:-cc}")
cat >"$W/cc" <<CC
#!/bin/sh
case "\$*" in
*write64.c*)
	while [ "\$1" != -o ]; do shift; done
	printf '#!/bin/sh\\nexit 1\\n' >"\$2" && chmod +x "\$2" ;;
*) exec "$real_cc" "\$@" ;;
esac
CC
chmod +x "$W/bin/dd" "$W/cc"
if [ ! -f "$top/out/lib/libbcshim.so" ]; then
	not_ok "$t" "no out/lib/libbcshim.so (run ninja)"
elif PATH=$W/bin:$PATH CC=$W/cc YARD_RUNS=1 sh "$top/bench/yardstick.sh" \
	>"$W/yard.out" 2>"$W/yard.err"; then
	ok "$t"
else
	not_ok "$t" "status $?" "$(tail -n 5 "$W/yard.err")"
fi
