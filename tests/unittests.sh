#!/bin/sh
# The Python unit tests (standard library unittest): every test_*.py in
# tests/py, as TAP for tests/run.sh.  They find what they test through
# BCTRIAL (the built bctrial, out/bin/bctrial) and keep scratch files in
# BC_TEST_SCRATCH (out/tests/unittests).
set -u
cd "$(dirname "$0")/.." || exit 0
top=$(pwd)
BC_TEST_SCRATCH=$top/out/tests/unittests
BCTRIAL=$top/out/bin/bctrial
[ -e "$BCTRIAL" ] || BCTRIAL=$top/trial/bctrial
rm -rf "$BC_TEST_SCRATCH" && mkdir -p "$BC_TEST_SCRATCH" || { echo "1..0 # SKIP no scratch"; exit 0; }
TMPDIR=$BC_TEST_SCRATCH
export BC_TEST_SCRATCH BCTRIAL TMPDIR
exec /usr/bin/python3 -B tests/py/tap_unittest.py tests/py
