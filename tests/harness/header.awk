# header.awk: read the @-lines of a directory's defaults file and of one
# test file and print them as shell for tests/harness.sh (which documents
# the format):
#   f_cflags='...' f_ways='...'          the file's build
#   c_reset; c_name='...'; ...; h_case    one per case, options merged
#   h_error 'FILE:LINE: ...'              a header that cannot be read
# Usage: awk -v file=PATH -v base=NAME -f tests/harness/header.awk DEFAULTS PATH
# (DEFAULTS may be /dev/null).
function q(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
BEGIN {
	nkeys = split("case prog args run ways modes sides env timeout tmpfs setup kill strace compare unordered check needs parallel cflags", k, " ")
	for (i = 1; i <= nkeys; i++) known[k[i]] = 1
	sep["env"] = " "; sep["unordered"] = " "; sep["check"] = "\n"; sep["needs"] = "\n"
	incase = 0; cont = ""
	cfile = file ~ /\.[ch]$/
}
function set(scope, key, val) {
	if ((key in sep) && (key in scope) && scope[key] != "")
		scope[key] = scope[key] sep[key] val
	else
		scope[key] = val
}
function emit(   key, line) {
	line = "c_reset; c_name=" q(incase ? cur["case"] : base)
	for (key in known)
		if (key != "case" && key != "cflags" && (key in cur))
			line = line "; c_" key "=" q(cur[key])
	print line "; h_case"
}
FNR == 1 { inhdr = (FILENAME == file && cfile) ? -1 : 1 }
{
	line = $0
	if (inhdr == 0) next
	if (inhdr == -1) {
		# A C file's header is its first comment, when the file starts with one.
		if (line !~ /^[ \t]*\/\*/) { inhdr = 0; next }
		inhdr = 2
	}
	if (inhdr == 2 && line ~ /\*\//) { sub(/\*\/.*$/, "", line); inhdr = 0 }
	sub(/^[ \t]*(\/\*+|\*+|#+|\/\/)?[ \t]*/, "", line)
	if (cont != "") {
		line = cont " " line; cont = ""
	} else if (line !~ /^@[a-z]+([ \t]|$)/)
		next
	if (line ~ /\\$/) { sub(/[ \t]*\\$/, "", line); cont = line; next }
	key = substr(line, 2); sub(/[ \t].*$/, "", key)
	val = substr(line, length(key) + 2); sub(/^[ \t]+/, "", val); sub(/[ \t]+$/, "", val)
	where = FILENAME ":" FNR
	if (!(key in known)) { print "h_error " q(where ": unknown option @" key); next }
	if (key == "strace" && val == "") val = "default"
	if (key == "tmpfs" && val == "") val = "shm"
	if (key == "parallel" && val == "") val = "yes"
	if (key == "cflags") {
		if (incase) { print "h_error " q(where ": @cflags belongs before the first @case"); next }
		cflags = val; next
	}
	if (key == "ways" && !incase) fways = val
	if (key == "case") {
		if (FILENAME != file) { print "h_error " q(where ": @case in a defaults file"); next }
		if (incase) emit()
		incase = 1
		delete cur
		for (o in opt) cur[o] = opt[o]
		cur["case"] = val
		next
	}
	if (incase) set(cur, key, val)
	else set(opt, key, val)
}
END {
	print "f_cflags=" q(cflags) "; f_ways=" q(fways)
	if (!incase) { delete cur; for (o in opt) cur[o] = opt[o] }
	emit()
}
