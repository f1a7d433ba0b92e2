# Check stats_shared.c's BC_STATS lines: prints the problems, if any.
import json, sys
what, path = sys.argv[1], sys.argv[2]
try:
    rs = [json.loads(l) for l in open(path)]
except (OSError, ValueError) as e:
    sys.exit(print("no report: %s" % e))
got = sorted((r.get("shared_memory"), r["deferred"]) for r in rs)
if what == "plain":
    ok = len(got) == 1 and got[0][0] == 0 and got[0][1] > 0
else:
    # The child defers nothing; the parent only before the fork.
    ok = len(got) == 2 and all(s == 1 for s, _ in got) and got[0][1] == 0 and got[1][1] > 0
if not ok:
    print("(shared_memory, deferred) per process: %s" % got)
