"""Suites: workloads run one after another, one table."""

import argparse
import json
import math
import os
import sys

from . import paths
from . import SetupError
from .report import fmt, fmt_time, saved_text
from .runner import first_existing, one_trial, project_root
from .statistics import INCONCLUSIVE_WIDTH


def load_suite(name):
    """--suite NAME (trial/suites/NAME.json next to bctrial or in the
    source tree) or a FILE."""
    cands = [name] if (os.sep in name or name.endswith(".json")) else [
        os.path.join(paths.HERE, "suites", name + ".json"),
        os.path.join(project_root(), "trial", "suites", name + ".json"),
        os.path.join(paths.HERE, "..", "share", "bctrial", "suites",
                     name + ".json")]
    path = first_existing(cands)
    try:
        with open(path) as f:
            suite = json.load(f)
    except OSError as e:
        raise SetupError("suite %s: %s" % (path, e.strerror))
    except ValueError as e:
        raise SetupError("suite %s: not JSON: %s" % (path, e))
    if not isinstance(suite.get("workloads"), list):
        raise SetupError("suite %s has no \"workloads\" list" % path)
    for w in suite["workloads"]:
        bad = suite_number_problem(w)
        if bad:
            raise SetupError("suite %s: %s" % (path, bad))
    return suite, os.path.dirname(os.path.abspath(path))


def suite_number_problem(w):
    """A workload's "runs" (a whole number >= 2) and "max_time" (finite,
    positive: JSON as Python reads it allows NaN and Infinity); None if
    they are good or absent."""
    if not isinstance(w, dict):
        return "a workload is not an object: %r" % (w,)
    runs, cap = w.get("runs"), w.get("max_time")
    if runs is not None and (isinstance(runs, bool) or
                             not isinstance(runs, int) or runs < 2):
        return "workload %r: \"runs\" must be a whole number >= 2, not %r" % (
            w.get("name"), runs)
    if cap is not None and (isinstance(cap, bool) or
                            not isinstance(cap, (int, float)) or
                            not math.isfinite(cap) or cap <= 0):
        return ("workload %r: \"max_time\" must be a finite positive number,"
                " not %r" % (w.get("name"), cap))
    return None


def expand(value, subst):
    """{top} (the project) and {suite} (the suite's directory) in a
    workload's strings."""
    if isinstance(value, str):
        for k, v in subst.items():
            value = value.replace("{%s}" % k, v)
        return value
    if isinstance(value, list):
        return [expand(v, subst) for v in value]
    if isinstance(value, dict):
        return {k: expand(v, subst) for k, v in value.items()}
    return value


def run_suite(opts):
    """Each workload as its own trial, one after another; one table."""
    suite, sdir = load_suite(opts.suite)
    subst = {"top": project_root(), "suite": sdir}
    results = []
    for w in suite["workloads"]:
        w = expand(w, subst)
        name = w.get("name", " ".join(w.get("argv", [])))
        missing = [p for p in w.get("requires", []) if not os.path.exists(p)]
        if missing:
            results.append({"name": name, "skipped": "missing %s%s" % (
                missing[0], (" (%s)" % w["hint"]) if w.get("hint") else "")})
            continue
        wopts = argparse.Namespace(**vars(opts))
        wopts.setup = w.get("setup") or opts.setup
        wopts.stdin = w.get("stdin") or opts.stdin
        wopts.runs = w.get("runs") or opts.runs
        wopts.max_time = min(opts.max_time, w.get("max_time", opts.max_time))
        argv = w["argv"]
        if w.get("prebuilt"):
            mode, prog = "prebuilt", [w["prebuilt"]["native"],
                                      w["prebuilt"]["batched"]]
        elif w.get("musl"):
            mode, prog = "musl", argv[0]
        else:
            mode, prog = "preload", argv[0]
        if not opts.quiet and sys.stderr.isatty():
            sys.stderr.write("bctrial: %s\n" % name)
        try:
            rep = one_trial(wopts, prog, argv[1:], mode)
            rep["name"] = name
            results.append(rep)
        except SetupError as e:
            results.append({"name": name, "error": str(e)})
    return suite.get("name", opts.suite), results


def suite_table(name, results):
    lines = ["suite %s" % name,
             "%-20s %-27s %-10s %-10s %-11s %s" % (
                 "workload", "x faster (native/batched)", "native",
                 "batched", "equivalent", "syscalls"),
             "%-20s %-27s %-10s %-10s" % ("", "median [95% interval]",
                                          "median", "median")]
    for r in results:
        if "skipped" in r or "error" in r:
            lines.append("%-22s %s" % (r["name"], (
                "skipped: " + r["skipped"]) if "skipped" in r else
                "error: " + r["error"]))
            continue
        ci = r["ratio_ci"]
        eq = "yes" if r["equivalent"] else "NO"
        if r["nondeterministic_parts"]:
            eq += " (nd: %s)" % ",".join(r["nondeterministic_parts"])
        lines.append("%-20s %-27s %-10s %-10s %-11s %s" % (
            r["name"], "%.3f [%s, %s]%s" % (
                r["ratio"], fmt(ci and ci[0], "%.3f"),
                fmt(ci and ci[1], "%.3f"),
                " ?" if r.get("inconclusive") else ""),
            fmt_time(r["native"]["wall"]), fmt_time(r["batched"]["wall"]),
            eq, saved_text(r["entries_saved"])))
        for d in r["differences"][:3]:
            lines.append("    %s, pair %d: %s" % (d["part"], d["pair"],
                                                 d["detail"]))
    if any(r.get("inconclusive") for r in results):
        lines.append("? inconclusive: the interval spans 1 or is wider than "
                     "+-%d%%; run longer (--max-time, --runs)"
                     % (INCONCLUSIVE_WIDTH * 100))
    return "\n".join(lines)


def suite_status(results):
    """1 if any workload is not equivalent, else 2 if any failed to set up,
    else 0 (skips are not failures)."""
    if any(r.get("differences") for r in results):
        return 1
    if any("error" in r for r in results):
        return 2
    return 0
