"""The command line: options, and main."""

import argparse
import json
import math
import os
import signal
import sys

from . import paths
from . import SetupError
from . import __doc__ as package_doc
from .report import plot_svg, table
from .runner import _terminate, exit_status, kill_children, one_trial, strace_usable
from .suites import run_suite, suite_status, suite_table


class Parser(argparse.ArgumentParser):
    def error(self, message):
        sys.stderr.write("bctrial: %s (see --help)\n" % message)
        sys.exit(2)


def count(text):
    """--runs: a whole number of pairs, at least 2."""
    try:
        v = int(text)
    except ValueError:
        v = None
    if v is None or v < 2:
        raise argparse.ArgumentTypeError(
            "not a whole number >= 2: %r" % text)
    return v


def seconds(text):
    """A duration: a finite, positive number; nan and inf are refused (nan
    compares false and would turn the cap off)."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not a number: %r" % text)
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError(
            "not a finite positive number: %r" % text)
    return v


def plot_problem(path):
    """Why --plot PATH could not be written, found before the trial runs;
    None if nothing yet."""
    d = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(d):
        return "no such directory %s" % d
    if os.path.isdir(path):
        return "a directory"
    if not os.access(d, os.W_OK | os.X_OK) or (
            os.path.exists(path) and not os.access(path, os.W_OK)):
        return "cannot be written"
    return None


def parse_args(argv):
    """Options before '--', PROGRAM and its arguments after."""
    if "--" in argv:
        k = argv.index("--")
        opts_argv, command = argv[:k], argv[k + 1:]
    else:
        opts_argv, command = argv, []
    p = Parser(prog="bctrial", description=package_doc.split("\n\n")[0],
               usage="bctrial [OPTIONS] -- PROGRAM [ARGS...]\n"
                     "       bctrial --suite NAME|FILE [OPTIONS]",
               formatter_class=argparse.RawDescriptionHelpFormatter,
               epilog="Exit status: 0 equivalent, 1 not equivalent, 2 usage "
                      "or setup error, 3 nondeterministic in every part.")
    p.add_argument("--version", action="version",
                   version="bctrial " + paths.VERSION)
    p.add_argument("--shim", metavar="PATH",
                   help="preload library for the batched side "
                        "[../lib/" + (paths.MULTIARCH + "/" if not paths.MULTIARCH.startswith("@") else "") + "libbcshim.so]")
    p.add_argument("--level", choices=["strict", "relaxed"],
                   help="the engine's level for the batched side (BC_LEVEL; "
                        "default: the environment's, else strict)")
    p.add_argument("--executor", choices=["direct", "uring", "async"],
                   help="the executor for every class on the batched side "
                        "(BC_EXECUTOR; default: the profile's choice)")
    p.add_argument("--profile", metavar="FILE",
                   help="the cost-model profile for the batched side "
                        "(BC_PROFILE; '' for none)")
    p.add_argument("--musl", action="store_true",
                   help="PROGRAM is a C source: build it with bc-musl-gcc "
                        "--bc=off (native) and --bc=MODE (batched)")
    p.add_argument("--musl-mode", default="batch", choices=["batch", "pass"],
                   metavar="MODE", help="batch (default) or pass")
    p.add_argument("--musl-gcc", help=argparse.SUPPRESS)
    p.add_argument("--runs", type=count, metavar="N",
                   help="exactly N interleaved pairs (N >= 2)")
    p.add_argument("--max-time", type=seconds, default=60.0, metavar="SECS",
                   help="adaptive mode's time cap [60]")
    p.add_argument("--workdir", metavar="DIR",
                   help="template directory copied afresh for every run")
    p.add_argument("--setup", metavar="CMD",
                   help="sh -c CMD in each fresh copy before the program")
    p.add_argument("--stdin", metavar="FILE",
                   help="replayed as every run's stdin [/dev/null]")
    p.add_argument("--trace", action="store_true",
                   help="also compare the normalised strace -f sequence")
    p.add_argument("--json", action="store_true",
                   help="print the JSON report instead of the table")
    p.add_argument("--plot", metavar="FILE.svg",
                   help="draw per-pair ratios and the syscall counts")
    p.add_argument("--keep", action="store_true",
                   help="keep the scratch directories")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--suite", metavar="NAME|FILE",
                   help="run a suite of workloads (default: trial/suites)")
    opts = p.parse_args(opts_argv)
    if opts.plot and plot_problem(opts.plot):
        p.error("--plot %s: %s" % (opts.plot, plot_problem(opts.plot)))
    if opts.suite and command:
        p.error("--suite takes no PROGRAM")
    if not opts.suite and not command:
        p.error("no PROGRAM (bctrial [OPTIONS] -- PROGRAM [ARGS...])")
    if opts.trace and not strace_usable():
        p.error("--trace needs strace, which is missing or cannot trace here")
    return opts, command


def main(argv):
    signal.signal(signal.SIGINT, _terminate)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    opts, command = parse_args(argv)
    try:
        if opts.suite:
            name, results = run_suite(opts)
            if opts.json:
                print(json.dumps({"suite": name, "workloads": results},
                                 indent=2))
            else:
                print(suite_table(name, results))
            return suite_status(results)
        mode = "musl" if opts.musl else "preload"
        rep = one_trial(opts, command[0], command[1:], mode)
        if opts.json:
            print(json.dumps(rep, indent=2))
        else:
            print(table(rep))
        if opts.plot:
            try:
                with open(opts.plot, "w") as f:
                    f.write(plot_svg(rep))
            except OSError as e:
                raise SetupError("--plot %s: %s" % (opts.plot, e.strerror))
        return exit_status(rep)
    except SetupError as e:
        sys.stderr.write("bctrial: %s\n" % e)
        return 2
    except KeyboardInterrupt:
        kill_children()
        sys.stderr.write("\nbctrial: interrupted\n")
        return 130
