# io_uring refused (sysctl kernel.io_uring_disabled=2, restored after):
# BC_EXECUTOR=uring falls back to direct for good, says so in BC_STATS
# (config.uring "unavailable: ..."), and the pwrites still all land.  A
# test of its own (tests/harness.sh): the sysctl is the machine's, set
# around one run.

# uring_run NAME: 2000 pwrites of 64 bytes (pwrites.src, built plain)
# under BC_EXECUTOR=uring; NAME/stats and NAME/cwd/out.
uring_run() {
	mkdir -p "$W/$1/cwd"
	env -i PATH=/usr/bin:/bin LD_PRELOAD="$lib" BC_EXECUTOR=uring BC_PROFILE= \
		BC_STATS="$W/$1/stats" "$W/pwrites" "$W/$1/cwd/out" 2000 >"$W/$1/log" 2>&1
}
sysctl=/proc/sys/kernel/io_uring_disabled
t="io_uring refused by sysctl: BC_EXECUTOR=uring falls back, says why, loses nothing"
if [ ! -w "$sysctl" ] || ! old=$(cat "$sysctl"); then
	skip "$t" "$sysctl cannot be set here (not root, or a kernel without it)"
elif ! cc -O2 -o "$W/pwrites" -x c "$top/tests/executor/pwrites.src" 2>"$W/pwrites.log"; then
	not_ok "$t" "cannot build pwrites.src: $(cat "$W/pwrites.log")"
else
	uring_run uring-on
	trap 'echo "$old" >"$sysctl"' EXIT INT TERM
	echo 2 >"$sysctl" && uring_run uring-off
	echo "$old" >"$sysctl"
	trap - EXIT INT TERM
	p=$W/uring.problems
	: >"$p"
	grep -q '"uring":"ok"' "$W/uring-on/stats" ||
		echo "enabled: config.uring not ok: $(grep -o '"uring":"[^"]*"' "$W/uring-on/stats")" >>"$p"
	grep -q '"uring":"unavailable: [^"]*"' "$W/uring-off/stats" ||
		echo "refused: config.uring: $(grep -o '"uring":"[^"]*"' "$W/uring-off/stats")" >>"$p"
	for s in on off; do
		f=$(find "$W/uring-$s/cwd" -type f | head -n 1)
		[ -n "$f" ] && [ "$(wc -c <"$f")" -eq 128000 ] ||
			echo "$s: the workload's file is not 2000 x 64 bytes ($(cat "$W/uring-$s/log"))" >>"$p"
	done
	verdict "$t" "$p"
fi
