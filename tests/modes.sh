# The engine's modes, EXECUTOR:LEVEL, that every differential and randomised
# test of the deferral engine runs its batched side under (tests/harness.sh,
# tests/random.sh); sourced after tests/tap.sh.  BC_TEST_MODES narrows or reorders them (at most 9: a mode's
# index names its run directories, one character like the native side's).
modes=${BC_TEST_MODES:-"direct:strict uring:strict async:strict direct:relaxed uring:relaxed async:relaxed"}
_k=0
for _m in $modes; do
	_k=$((_k + 1))
	case $_m in
	direct:strict | direct:relaxed | uring:strict | uring:relaxed | async:strict | async:relaxed) ;;
	*)
		not_ok "BC_TEST_MODES: '$_m' is a mode" "want EXECUTOR:LEVEL, EXECUTOR direct, uring or async, LEVEL strict or relaxed"
		echo "1..$n"
		exit 0
		;;
	esac
done
if [ "$_k" -eq 0 ] || [ "$_k" -gt 9 ]; then
	not_ok "BC_TEST_MODES holds 1 to 9 modes" "it holds $_k: '$modes'"
	echo "1..$n"
	exit 0
fi

# mode_env MODE: the batched side's environment, VAR=VAL words; BC_PROFILE
# is empty so that a developer's own profile never changes a result.  MODE
# empty: the same variables, empty, for a native side that must count as
# many (execve's "/* N vars */" in a trace).
mode_env() { echo "BC_EXECUTOR=${1%%:*} BC_LEVEL=${1#*:} BC_PROFILE="; }
# relaxed MODE: fd numbers above 2 may differ from a native run's.
relaxed() { [ "${1#*:}" = relaxed ]; }
# executor MODE: direct, uring or async.
executor() { echo "${1%%:*}"; }
