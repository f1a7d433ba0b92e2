# tools/sites.c's proof on an object of known sites (prove.S): the clean
# one is proven, each of the others rejected for its reason; and the
# generated table names the object's build id.
d=$W/prove
mkdir -p "$d"
src=$top/tests/sites
t="tools/sites.c proves the clean site and rejects each unsafe one for its reason"
if ! cc -shared -nostdlib -Wl,--build-id -o "$d/prove.so" "$src/prove.S" 2>"$d/cc.log"; then
	not_ok "$t" "cannot build prove.so: $(cat "$d/cc.log")"
else
	"$top/out/bin/bc-sites" -v "t=$d/prove.so" >"$d/verdicts" 2>"$d/counts"
	p=$d/problems
	: >"$p"
	for want in clean:proven inside:target-inside table:indirect-jmp called:call-before \
		cloning:nr bare:no-fde pointed:target-inside; do
		f=${want%%:*} v=${want#*:}
		a=$(nm "$d/prove.so" | awk -v s="${f}_site" '$3 == s { print $1 }' | sed 's/^0*//')
		got=$(awk -v a="0x$a" '$2 == a { print $4 }' "$d/verdicts")
		[ "$got" = "$v" ] || echo "$f (0x$a): want $v, got '${got:-no site found}'" >>"$p"
	done
	grep -q '7 sites, 1 proven' "$d/counts" || echo "counts: $(cat "$d/counts")" >>"$p"
	"$top/out/bin/bc-sites" "$d/sites.c" "t=$d/prove.so" 2>/dev/null
	id=$(readelf -n "$d/prove.so" | awk '/Build ID/ { print $3 }')
	first=$(printf '%#x' "0x$(printf '%s' "$id" | cut -c1-2)")
	grep -q "{ \"t\", \"prove.so\", 20, { $first," "$d/sites.c" ||
		echo "the table does not hold the build id $id: $(grep prove.so "$d/sites.c")" >>"$p"
	[ "$(grep -c '^	{ 0x' "$d/sites.c")" = 1 ] || echo "the table holds other than the one proven site" >>"$p"
	verdict "$t" "$p"
fi
