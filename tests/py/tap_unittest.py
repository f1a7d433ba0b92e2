#!/usr/bin/python3
"""tap_unittest.py DIR...: discover the standard library unittest tests
(test_*.py) in each DIR and report them as TAP for tests/run.sh: one line
per test method, "ok N - module.Class.method", "not ok" with the traceback
as "# " lines, skips as "# SKIP reason", then "1..N"."""
import sys
import unittest


class TapResult(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.n = 0

    def line(self, test, ok, note=""):
        self.n += 1
        print("%s %d - %s%s" % ("ok" if ok else "not ok", self.n, test.id(),
                                note), flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self.line(test, True)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.line(test, True, " # SKIP %s" % reason)

    def _bad(self, test, err):
        self.line(test, False)
        for text in self._exc_info_to_string(err, test).splitlines():
            print("# " + text)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._bad(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        self._bad(test, err)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.line(test, True)

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.line(test, False, " (unexpected success)")


def main(dirs):
    result = TapResult()
    loader = unittest.TestLoader()
    for d in dirs:
        try:
            suite = loader.discover(d, pattern="test_*.py", top_level_dir=d)
        except ImportError as e:
            result.n += 1
            print("not ok %d - import of the tests in %s\n# %s" % (
                result.n, d, e))
            continue
        suite.run(result)
    print("1..%d" % result.n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
