# Sourced by the benchmark scripts.  turn ROUND A B C: the three sides in
# the order of that round, turned by one each round, so that drift and
# warm caches hit each side alike.
turn() {
	case $(($1 % 3)) in
	0) echo "$2 $3 $4" ;;
	1) echo "$3 $4 $2" ;;
	*) echo "$4 $2 $3" ;;
	esac
}
