#!/usr/bin/python3
"""bctrial: the command.  The package sits in ../share/bctrial/python from
here (out/bin in the build tree, PREFIX/bin once installed); see
bctrial(1)."""
import os
import sys

HERE = os.path.dirname(os.path.realpath(__file__))
PYTHON = os.path.normpath(os.path.join(HERE, "..", "share", "bctrial",
                                       "python"))
if not os.path.isfile(os.path.join(PYTHON, "bctrial", "cli.py")):
    sys.stderr.write("bctrial: its package is not in %s (run ninja, or "
                     "ninja install)\n" % PYTHON)
    sys.exit(2)
sys.path.insert(0, PYTHON)
sys.dont_write_bytecode = True

import bctrial.paths  # noqa: E402

bctrial.paths.HERE = HERE
from bctrial.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
