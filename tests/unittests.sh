#!/bin/sh
# The Python unit tests (standard library unittest): every test_*.py in
# tests/py, as TAP for tests/run.sh.  They import the bctrial package
# from BCTRIAL_PYTHON (the built one, out/share/bctrial/python) and keep
# scratch files in BC_TEST_SCRATCH (out/tests/unittests).
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
BC_TEST_SCRATCH=$top/out/tests/unittests
BCTRIAL_PYTHON=$top/out/share/bctrial/python
[ -e "$BCTRIAL_PYTHON/bctrial/cli.py" ] || BCTRIAL_PYTHON=$top/trial
rm -rf "$BC_TEST_SCRATCH" && mkdir -p "$BC_TEST_SCRATCH" || { echo "1..0 # SKIP no scratch"; exit 0; }
TMPDIR=$BC_TEST_SCRATCH
export BC_TEST_SCRATCH BCTRIAL_PYTHON TMPDIR
exec /usr/bin/python3 -B tests/py/tap_unittest.py tests/py
