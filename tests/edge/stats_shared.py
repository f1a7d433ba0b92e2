# Check the BC_STATS lines of stats_shared.c, stats_unseen_map.c and
# stats_map_replaced.c:
# prints the problems, if any.
import json, sys
what, path = sys.argv[1], sys.argv[2]
try:
    rs = [json.loads(l) for l in open(path)]
except (OSError, ValueError) as e:
    sys.exit(print("no report: %s" % e))
got = sorted((r.get("shared_memory"), r["deferred"]) for r in rs)
if what == "plain":
    ok = len(got) == 1 and got[0][0] == 0 and got[0][1] > 0
elif what == "shared":
    # The child defers nothing; the parent only before the fork.
    ok = len(got) == 2 and all(s == 1 for s, _ in got) and got[0][1] == 0 and got[1][1] > 0
elif what == "on":
    # The parent defers after the fork, nothing shared.
    ok = any(s == 0 and d > 0 for s, d in got)
elif what == "seen":
    # Some process saw shared memory.
    ok = any(s == 1 for s, _ in got)
else:
    # Nothing deferred anywhere; the parent saw shared memory.
    ok = all(d == 0 for _, d in got) and any(s == 1 for s, _ in got)
if not ok:
    print("(shared_memory, deferred) per process: %s" % got)
