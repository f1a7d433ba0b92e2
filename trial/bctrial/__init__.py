"""bctrial: run a program natively and batched (under bcshim), interleaved,
prove the results identical, and report the speedup and the syscalls saved.

    bctrial [OPTIONS] -- PROGRAM [ARGS...]
    bctrial --suite NAME|FILE [OPTIONS]

Exit status: 0 equivalent; 1 not equivalent; 2 usage or setup error;
3 the program is nondeterministic in every compared part.

A package: statistics (the median, its interval, the stop rule), snapshot
(working trees), trace (strace sequences), runner (a trial), report (the
table and the plot), suites, cli; tests/py tests them with unittest.
"""

EXCERPT = 120


class SetupError(Exception):
    """A usage or setup problem: one line on stderr and exit status 2."""
