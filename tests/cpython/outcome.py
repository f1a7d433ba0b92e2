"""outcome.py LOG: each test module's outcome in a regrtest log, one
"MODULE OUTCOME" line per module named in the summary's lists (failed,
skipped, altered the environment, ...); a module in none of them passed
and is not printed.  Exit 2 when the log has no summary (regrtest died)."""
import re
import sys

HEADING = re.compile(r'^(?:\d+|All \d+) tests? (.+?):?$')


def outcomes(lines):
    result, label, summary = {}, None, False
    for line in lines:
        line = line.rstrip('\n')
        if line.startswith('== Tests result:'):
            summary = True
            label = None
            continue
        if not summary:
            continue
        m = HEADING.match(line)
        if m:
            label = m.group(1).replace(' ', '_').rstrip('.')
            continue
        if label and line.startswith('    '):
            for name in line.split():
                result[name] = label
        else:
            label = None
    return summary, result


def main():
    with open(sys.argv[1], errors='replace') as f:
        summary, result = outcomes(f)
    if not summary:
        return 2
    for name in sorted(result):
        print(name, result[name])
    return 0


if __name__ == '__main__':
    sys.exit(main())
