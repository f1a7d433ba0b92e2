"""The human report (table, progress bar, SVG plot) and the machine."""

import math
import os
import platform
import sys

from .statistics import median


def machine():
    """What the numbers were measured on."""
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    libc = " ".join(x for x in platform.libc_ver() if x) or None
    return {"kernel": platform.release(), "cpu": cpu,
            "cores": os.cpu_count(), "libc": libc}


def saved_text(n):
    """A saving, or for a negative one, what it cost."""
    if n is None:
        return "n/a"
    return "%d saved" % n if n >= 0 else "%d extra" % -n


def fmt(v, spec="%.4g", na="n/a"):
    return na if v is None else spec % v


def fmt_time(s):
    return "n/a" if s is None else (
        "%.2f ms" % (s * 1e3) if s < 1 else "%.3f s" % s)


def table(rep):
    """The human report."""
    ci = rep["ratio_ci"]
    rows = [
        ("program", rep["program"]),
        ("mode", rep["mode"]),
        ("pairs", "%d (%s)" % (rep["runs"], rep["stopped"])),
    ]
    for m in ("wall", "user", "sys"):
        rows.append(("median %s" % m, "native %s   batched %s" % (
            fmt_time(rep["native"][m]), fmt_time(rep["batched"][m]))))
    rows.append(("x faster", "%.3f  [%s, %s]  (native/batched median wall, "
                 "95%% interval)%s" % (rep["ratio"],
                                      fmt(ci and ci[0], "%.3f"),
                                      fmt(ci and ci[1], "%.3f"),
                                      "  inconclusive" if rep.get(
                                          "inconclusive") else "")))
    rows.append(("syscalls", "native %s   batched %s   %s" % (
        fmt(rep["native_syscalls"], "%d"), fmt(rep["batched_syscalls"], "%d"),
        saved_text(rep["entries_saved"]))))
    rows.append(("shim", "calls seen %s   coverage %s   deferred share %s   "
                 "mispredictions %s" % (
                     fmt(rep["calls_seen"], "%d"),
                     fmt(rep["coverage"] and rep["coverage"] * 100, "%.1f%%"),
                     fmt(rep["deferred_share"] and
                         rep["deferred_share"] * 100, "%.1f%%"),
                     fmt(rep["mispredictions"], "%d"))))
    eng = rep.get("engine")
    if eng:
        classes = eng.get("classes") or {}
        rows.append(("engine", "level %s   executor %s%s%s" % (
            eng.get("level") or "n/a", eng.get("executor") or "n/a",
            "   profile %s" % eng["profile"] if eng.get("profile") else "",
            "   (%s)" % ", ".join("%s %s" % kv for kv in sorted(classes.items()))
            if classes and eng.get("executor") == "profile" else "")))
        if eng.get("level") == "relaxed":
            rows.append(("", "relaxed: closes may complete after later opens; "
                         "fd numbers above 2 may differ from native"))
    fr = rep["flush_reasons"]
    rows.append(("flush reasons", ", ".join(
        "%s %s" % (k, v) for k, v in sorted(fr.items(), key=lambda x: -x[1])
        [:3]) if fr else "n/a"))
    rows.append(("equivalent", "yes" if rep["equivalent"] else "NO"))
    for d in rep["differences"][:10]:
        rows.append(("  difference", "%s, pair %d: %s" % (
            d["part"], d["pair"], d["detail"])))
    if len(rep["differences"]) > 10:
        rows.append(("", "... %d more" % (len(rep["differences"]) - 10)))
    rows.append(("nondeterministic", ", ".join(
        rep["nondeterministic_parts"]) or "none"))
    for part, detail in sorted(rep["nondeterministic_detail"].items()):
        rows.append(("  " + part, detail[:200]))
    if rep["scratch"]:
        rows.append(("scratch", rep["scratch"]))
    return "\n".join("%-18s %s" % r for r in rows)


class Progress:
    """One stderr line rewritten with \\r, only on a terminal."""

    def __call__(self, i, runs=None, ratios=(), elapsed=0, cap=0):
        if i is None:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            return
        frac = i / runs if runs else min(1.0, elapsed / cap if cap else 0)
        bar = "#" * int(frac * 20)
        sys.stderr.write("\r[%-20s] pair %d%s  ratio %.3f  %.1fs\033[K" % (
            bar, i, "/%d" % runs if runs else "", median(ratios), elapsed))
        sys.stderr.flush()


def svg_escape(s):
    return (str(s).replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def nice_ticks(lo, hi, want=5):
    """Round tick values covering [lo, hi], about want of them."""
    if hi <= lo:
        half = abs(hi) / 2 or 0.5
        lo, hi = lo - half, hi + half
    span = hi - lo
    raw = span / max(1, want - 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step + 1e-9)
    last = math.ceil(hi / step - 1e-9)
    return [round(k * step, 12) for k in range(first, max(last, first + 1) + 1)], step


def tick_label(v, step):
    """A tick's text with as many decimals as its step needs."""
    d = max(0, -int(math.floor(math.log10(step)))) if step < 1 else 0
    if step < 1 and abs(step * 10 ** d - round(step * 10 ** d)) > 1e-9:
        d += 1
    return "%.*f" % (d, v) if d else "%d" % round(v)


def plot_svg(rep):
    """Two panels, self-contained SVG: left, each pair's native/batched
    wall ratio with the median, its 95% interval and the no-change line;
    right, the system calls of each side (strace -c).  Axis titles, ticks,
    a legend; every text has a place of its own (the title above the
    panels, legends below them, bar values inside the panel's headroom)."""
    W, H = 760, 400
    top, bottom = 62, 300           # the panels' plot area, y
    lx0, lx1 = 70, 440              # ratio panel, x
    bx0, bx1 = 560, 720             # syscall panel, x
    ratios = rep["ratios"]
    ci = rep["ratio_ci"] or [min(ratios), max(ratios)]
    lo = min(ratios + [ci[0], 1.0])
    hi = max(ratios + [ci[1], 1.0])
    pad = (hi - lo) * 0.08 or 0.05
    yt, ystep = nice_ticks(lo - pad, hi + pad)
    ylo, yhi = yt[0], yt[-1]

    def y(v):
        return bottom - (bottom - top) * (v - ylo) / ((yhi - ylo) or 1)

    def x(i):
        return lx0 + (lx1 - lx0) * (i + 0.5) / len(ratios)

    def text(tx, ty, s, anchor="start", size=11, extra=""):
        el.append('<text x="%.1f" y="%.1f" text-anchor="%s" font-size="%d"%s>'
                  '%s</text>' % (tx, ty, anchor, size, extra, svg_escape(s)))

    el = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
          'viewBox="0 0 %d %d" font-family="sans-serif">' % (W, H, W, H),
          '<rect width="100%" height="100%" fill="white"/>']
    title = rep["program"]
    if len(title) > 90:
        title = title[:87] + "..."
    text(W / 2, 22, title, "middle", 13, ' font-weight="bold"')
    verdict = "%.3fx faster, 95%% interval %s to %s%s" % (
        rep["ratio"], fmt(ci and ci[0], "%.3f"), fmt(ci and ci[1], "%.3f"),
        " (inconclusive)" if rep.get("inconclusive") else "")
    text(W / 2, 40, "%s; %d pairs" % (verdict, len(ratios)), "middle", 11)

    def y_axis(ticks, step, x0, x1, to_y):
        """Grid lines from x0 to x1, ticks and their labels left of x0."""
        for t in ticks:
            el.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" '
                      'stroke="#e4e4e4"/>' % (x0, x1, to_y(t), to_y(t)))
            el.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" '
                      'stroke="black"/>' % (x0 - 4, x0, to_y(t), to_y(t)))
            text(x0 - 7, to_y(t) + 4, tick_label(t, step), "end", 10)

    # The ratio panel: grid and ticks, band, lines, points, axes.
    y_axis(yt, ystep, lx0, lx1, y)
    el.append('<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="#cde" '
              'opacity="0.8"/>' % (lx0, y(ci[1]), lx1 - lx0,
                                   max(0.5, y(ci[0]) - y(ci[1]))))
    el.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#888" '
              'stroke-dasharray="5,4"/>' % (lx0, lx1, y(1.0), y(1.0)))
    el.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#036" '
              'stroke-width="2"/>' % (lx0, lx1, y(rep["ratio"]),
                                      y(rep["ratio"])))
    for i, r in enumerate(ratios):
        el.append('<circle cx="%.1f" cy="%.1f" r="3.5" fill="#c30"/>' % (
            x(i), y(r)))
    every = max(1, math.ceil(len(ratios) / 12))
    for i in range(0, len(ratios), every):
        el.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="black"'
                  '/>' % (x(i), x(i), bottom, bottom + 4))
        text(x(i), bottom + 16, str(i + 1), "middle", 10)
    el.append('<path d="M%d %d V%d H%d" fill="none" stroke="black"/>' % (
        lx0, top, bottom, lx1))
    text((lx0 + lx1) / 2, bottom + 32, "pair (runs interleaved)", "middle")
    text(18, (top + bottom) / 2, "native / batched wall time", "middle", 11,
         ' transform="rotate(-90 18 %.1f)"' % ((top + bottom) / 2))

    # The legend, in two rows under the ratio panel.
    ly = bottom + 52
    items = [("point", "one pair's ratio"), ("line", "median"),
             ("band", "95% interval of the median"),
             ("dash", "1 = no difference")]
    for k, (kind, label) in enumerate(items):
        ix = lx0 + (k % 2) * 190
        iy = ly + (k // 2) * 18
        if kind == "point":
            el.append('<circle cx="%d" cy="%d" r="3.5" fill="#c30"/>' % (
                ix + 9, iy - 4))
        elif kind == "line":
            el.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#036" '
                      'stroke-width="2"/>' % (ix, ix + 18, iy - 4, iy - 4))
        elif kind == "band":
            el.append('<rect x="%d" y="%d" width="18" height="10" '
                      'fill="#cde"/>' % (ix, iy - 9))
        else:
            el.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#888" '
                      'stroke-dasharray="5,4"/>' % (ix, ix + 18, iy - 4,
                                                    iy - 4))
        text(ix + 24, iy, label, "start", 10)

    # The syscall panel: bars scaled to 85% of its height, leaving
    # headroom for their values.
    counts = [("native", rep["native_syscalls"]),
              ("batched", rep["batched_syscalls"])]
    most = max([c or 0 for _, c in counts] + [1])
    ct, cstep = nice_ticks(0, most / 0.85, 5)

    def cy(v):
        return bottom - (bottom - top) * v / (ct[-1] or 1)

    y_axis(ct, cstep, bx0, bx1, cy)
    slot = (bx1 - bx0) / len(counts)
    for j, (name, c) in enumerate(counts):
        cx = bx0 + slot * (j + 0.5)
        el.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" '
                  'fill="%s"/>' % (cx - slot * 0.3, cy(c or 0), slot * 0.6,
                                   bottom - cy(c or 0),
                                   "#678" if j == 0 else "#c30"))
        text(cx, bottom + 16, name, "middle", 10)
        text(cx, cy(c or 0) - 5, fmt(c, "%d"), "middle", 10)
    el.append('<path d="M%d %d V%d H%d" fill="none" stroke="black"/>' % (
        bx0, top, bottom, bx1))
    text((bx0 + bx1) / 2, bottom + 32, "side", "middle")
    ax = bx0 - 58
    text(ax, (top + bottom) / 2, "system calls (strace -c)", "middle", 11,
         ' transform="rotate(-90 %d %.1f)"' % (ax, (top + bottom) / 2))
    saved = rep.get("entries_saved")
    if saved is not None:
        text((bx0 + bx1) / 2, bottom + 52, saved_text(saved), "middle", 10)
    el.append("</svg>")
    return "\n".join(el) + "\n"
