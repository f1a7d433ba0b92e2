# Every citation of a section of docs/ in the tree (docs/NAME.md, "Title"
# or docs/NAME.md "Title", as code comments, man pages, README, tests and
# the documents themselves write them) names a document that exists and a
# heading it has ("Title" is a heading's whole text, or its start up to a
# colon or a parenthesis).  The measurements' file is dated, so its name
# is matched as docs/measured-*.md.
t="every cited docs/ section exists"
p=$W/problems
: >"$p"
cd "$top" || exit 1
git ls-files -co --exclude-standard 2>/dev/null | grep -v '^out/' | grep -v '^tests/docs/citations\.sh$' >"$W/files" ||
	find . -path ./out -prune -o -type f -print | sed 's|^\./||' >"$W/files"
# One citation a line, joined across a line break inside the quotes.
while IFS= read -r f; do
	[ -f "$f" ] || continue
	awk -v f="$f" '
	{ gsub(/^[ \t]*(\*|#|\/\/|\.\\")?[ \t]*/, " "); text = text $0 }
	END {
		while (match(text, /docs\/[a-z0-9-]+\.md,? "[^"]+"/)) {
			c = substr(text, RSTART, RLENGTH)
			text = substr(text, RSTART + RLENGTH)
			doc = c; sub(/,? ".*/, "", doc)
			title = c; sub(/^[^"]*"/, "", title); sub(/"$/, "", title)
			gsub(/  +/, " ", title); sub(/^ /, "", title)
			print f "\t" doc "\t" title
		}
	}' "$f"
done <"$W/files" >"$W/cited"
while IFS="$(printf '\t')" read -r f doc title; do
	if [ ! -f "$doc" ]; then
		echo "$f: $doc, \"$title\": no such document" >>"$p"
	elif ! sed -n 's/^#\{1,6\} //p' "$doc" |
		awk -v t="$title" '{ h = $0; sub(/[.:(].*/, "", h); sub(/ +$/, "", h) }
			$0 == t || h == t { found = 1 } END { exit !found }'; then
		echo "$f: $doc has no section \"$title\"" >>"$p"
	fi
done <"$W/cited"
[ -s "$W/cited" ] || echo "no citation found at all: the pattern is wrong" >>"$p"
verdict "$t ($(wc -l <"$W/cited") citations)" "$p"
