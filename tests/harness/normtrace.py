#!/usr/bin/python3
"""normtrace.py: the harness's command for the one trace normaliser, which
lives in bctrial's package (trial/bctrial/trace.py, whose docstring says
what it does); bctrial --trace uses the same code.

    normtrace.py [--relaxed-fds] [--uring] [--sub OLD=NEW] [--hide PREFIX]... TRACE
    normtrace.py --compare NATIVE-NORM BCSHIM-NORM
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "trial"))

from bctrial.trace import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
