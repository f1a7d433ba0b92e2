# docs/classes.md is what tools/classes.c prints from shim/classes.h now:
# a change to the class table that the committed document does not show
# fails here (`ninja docs-classes` rewrites it).
t="docs/classes.md is what bc-classes prints from shim/classes.h"
if [ ! -x "$top/out/bin/bc-classes" ]; then
	not_ok "$t" "no out/bin/bc-classes (run ninja)"
elif ! "$top/out/bin/bc-classes" >"$W/classes.md" 2>"$W/classes.err"; then
	not_ok "$t" "bc-classes failed: $(cat "$W/classes.err")"
else
	if cmp -s "$top/docs/classes.md" "$W/classes.md"; then
		ok "$t"
	else
		not_ok "$t" "docs/classes.md is out of date: run ninja docs-classes and commit it" \
			"$(diff -u "$top/docs/classes.md" "$W/classes.md" | head -n 40)"
	fi
fi
