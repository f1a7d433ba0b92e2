#!/usr/bin/python3
"""check.py TRACE LIST: in an `strace -f` trace of order.c, every child's
MARK write must come before its system call.  A child is known by the file
it opens, dNR; its threads (the async executor) count as its own.  Prints
one line per call out of order or lost, then "checked N, skipped M"
(skipped: the call is not in the trace, e.g. glibc has no function of that
name, or the child crashed before making it).  Of a thread with an fd
table of its own (its close_range(..., CLOSE_RANGE_UNSHARE): the engine's
timer thread, which borrows the fds it flushes to), only the writes
count: its lending makes some of the calls checked."""
import re
import sys

start = re.compile(r'^(\d+)\s+(\w+)\((.*)')
resumed = re.compile(r'^(\d+)\s+<\.\.\. (\w+) resumed>(.*)')
names = dict((int(nr), name) for nr, name in (l.split() for l in open(sys.argv[2])))

parent = {}     # task -> the task that cloned it
events = {}     # task -> [(call, rest)]
own = set()     # tasks with an fd table of their own
for line in open(sys.argv[1]):
    m = start.match(line) or resumed.match(line)
    if not m:
        continue
    tid, call, rest = m.groups()
    if call == 'close_range' and 'CLOSE_RANGE_UNSHARE' in rest:
        own.add(tid)
    events.setdefault(tid, []).append((call, rest))
    r = re.search(r'\)\s+=\s+(\d+)$', rest.strip())
    if call in ('clone', 'clone3') and r:
        parent[r.group(1)] = tid

child_nr = {}   # child process -> the call it makes
for tid, evs in events.items():
    for call, rest in evs:
        m = re.match(r'AT_FDCWD, "d(\d+)"', rest)
        if call == 'openat' and m:
            child_nr[tid] = int(m.group(1))
            break
merged = {c: [] for c in child_nr}
order = []
for line in open(sys.argv[1]):
    m = start.match(line) or resumed.match(line)
    if not m:
        continue
    tid = m.group(1)
    if tid in own and not m.group(2).startswith(('write', 'pwrite')):
        continue
    while tid in parent and tid not in child_nr:
        tid = parent[tid]
    if tid in merged:
        merged[tid].append((m.group(2), m.group(3)))

def minus_one(args):
    return args.startswith('-1') or '0xffffffff' in args or ', -1' in args.split(')')[0] \
        and 'MARK' not in args and not args.startswith(('AT_FDCWD, "d', 'NULL'))


bad = checked = skipped = 0
for c, nr in sorted(child_nr.items(), key=lambda x: x[1]):
    evs = merged[c]
    want = {names.get(nr), 'syscall_%#x' % nr}
    mark = next((i for i, (call, rest) in enumerate(evs)
                 if 'MARK' in rest and call.startswith(('write', 'pwrite'))), None)
    # The call's own line: of its name, with an argument of -1 (the
    # child's setup and the engine make some of the same calls: open,
    # alarm, write, fstat, mmap...), or the last of its name if strace
    # shows no arguments.  None: libc answered without the kernel.
    target = next((i for i in range(len(evs) - 1, -1, -1)
                   if evs[i][0] in want and (minus_one(evs[i][1]) or
                                             evs[i][1].startswith(')'))), None)
    if target is None:
        skipped += 1
        continue
    checked += 1
    if mark is None or mark > target:
        bad += 1
        print('%d %s: the MARK write %s' % (nr, names.get(nr), 'is lost' if mark is None
                                             else 'comes after the call'))
skipped += len(names) - len(child_nr)
print('checked %d, skipped %d' % (checked, skipped))
sys.exit(1 if bad else 0)
