# seen.c's check: the calls only rewritten sites see are counted, and
# config.sites counts each object's rewritten sites.
import json, sys

lines = open(sys.argv[1]).read().splitlines()
if len(lines) != 1:
    sys.exit("%d report lines, want 1" % len(lines))
r = json.loads(lines[0])
by = r["calls"]["by_syscall"]
for name, want in (("getppid", 3), ("sched_yield", 1), ("getrandom", 1), ("preadv2", 1)):
    if by.get(name) != want:
        print("by_syscall %s: %r, want %d" % (name, by.get(name), want))
sites = r["config"].get("sites")
if not isinstance(sites, dict) or not all(isinstance(sites.get(k), int) and sites[k] > 0
                                          for k in ("libc", "ld.so")):
    print("config.sites: %r, want a count above 0 for libc and ld.so" % (sites,))
