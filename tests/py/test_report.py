"""bctrial's reports: the inconclusive rule, the summary statistics, the
machine, "extra" for a negative saving, the suite table's header, and the
plot (axis titles, ticks, legend, no overlapping text, rendered to PNG by
rsvg-convert, which configure installs)."""
import math
import os
import platform
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.environ.get("BCTRIAL_PYTHON") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "trial"))

from bctrial import report as rp  # noqa: E402
from bctrial import runner as rn  # noqa: E402
from bctrial import statistics as st  # noqa: E402
from bctrial import suites  # noqa: E402


class bt:
    """The functions under test, wherever they live in the package."""
    median = staticmethod(st.median)
    inconclusive = staticmethod(st.inconclusive)
    describe = staticmethod(st.describe)
    machine = staticmethod(rp.machine)
    saved_text = staticmethod(rp.saved_text)
    nice_ticks = staticmethod(rp.nice_ticks)
    tick_label = staticmethod(rp.tick_label)
    plot_svg = staticmethod(rp.plot_svg)
    suite_table = staticmethod(suites.suite_table)


def report(ratios, ci, program="prog", native=1000, batched=400):
    """A report as Trial.report makes it, with what the plot reads."""
    return {"program": program, "ratios": ratios, "ratio": bt.median(ratios),
            "ratio_ci": ci, "inconclusive": bt.inconclusive(
                bt.median(ratios), ci),
            "native_syscalls": native, "batched_syscalls": batched,
            "entries_saved": None if native is None or batched is None
            else native - batched}


class Inconclusive(unittest.TestCase):
    def test_tight_interval_above_one(self):
        self.assertFalse(bt.inconclusive(2.0, [1.9, 2.1]))

    def test_tight_interval_below_one_is_a_result_too(self):
        self.assertFalse(bt.inconclusive(0.5, [0.45, 0.55]))

    def test_spanning_one(self):
        self.assertTrue(bt.inconclusive(1.1, [0.95, 1.2]))
        self.assertTrue(bt.inconclusive(1.0, [1.0, 1.01]))

    def test_wider_than_a_quarter(self):
        # half-width 0.6 of 2.0 is 30%; 0.4 of 2.0 is 20%
        self.assertTrue(bt.inconclusive(2.0, [1.4, 2.6]))
        self.assertFalse(bt.inconclusive(2.0, [1.6, 2.4]))

    def test_no_interval(self):
        self.assertTrue(bt.inconclusive(3.0, None))

    def test_the_issue_example(self):
        # tar-extract 0.572 [0.122, 1.966]
        self.assertTrue(bt.inconclusive(0.572, [0.122, 1.966]))


class Describe(unittest.TestCase):
    def test_known_sample(self):
        d = bt.describe([4.0, 1.0, 3.0, 2.0])
        self.assertEqual(d["mean"], 2.5)
        self.assertTrue(math.isclose(d["stdev"], math.sqrt(5 / 3)))
        self.assertEqual((d["min"], d["max"]), (1.0, 4.0))

    def test_one_value(self):
        self.assertEqual(bt.describe([7.0]),
                         {"mean": 7.0, "stdev": 0.0, "min": 7.0, "max": 7.0})

    def test_empty(self):
        self.assertIsNone(bt.describe([]))


class Machine(unittest.TestCase):
    def test_fields(self):
        m = bt.machine()
        self.assertEqual(set(m), {"kernel", "cpu", "cores", "libc"})
        self.assertEqual(m["kernel"], platform.release())
        self.assertIsInstance(m["cores"], int)
        self.assertGreaterEqual(m["cores"], 1)
        self.assertTrue(m["libc"].startswith("glibc"), m["libc"])


class Saved(unittest.TestCase):
    def test_saved_and_extra(self):
        self.assertEqual(bt.saved_text(12), "12 saved")
        self.assertEqual(bt.saved_text(0), "0 saved")
        self.assertEqual(bt.saved_text(-7), "7 extra")
        self.assertEqual(bt.saved_text(None), "n/a")


class SuiteTable(unittest.TestCase):
    def row(self, name, ratios, ci, native, batched):
        r = report(ratios, ci, native=native, batched=batched)
        r.update(name=name, equivalent=True, nondeterministic_parts=[],
                 differences=[], native={"wall": 0.02},
                 batched={"wall": 0.01})
        return r

    def test_header_times_extra_and_inconclusive(self):
        rows = [self.row("fast", [2.0] * 8, [1.95, 2.05], 100, 40),
                self.row("tar-extract", [0.5, 0.6, 1.9], [0.122, 1.966],
                         100, 130)]
        text = bt.suite_table("t", rows)
        self.assertIn("x faster (native/batched)", text)
        self.assertIn("median", text)
        fast = next(l for l in text.splitlines() if l.startswith("fast"))
        tar = next(l for l in text.splitlines()
                   if l.startswith("tar-extract"))
        self.assertIn("60 saved", fast)
        self.assertNotIn("?", fast)
        self.assertIn("20.00 ms", fast)
        self.assertIn("30 extra", tar)
        self.assertNotIn("-30", tar)
        self.assertIn("?", tar)
        self.assertIn("inconclusive", text.splitlines()[-1])


def text_boxes(svg):
    """Each <text>'s approximate box (x0, y0, x1, y1) and its string:
    glyphs about 0.6 em wide, the baseline at y; rotated by -90 degrees
    about its own point, the box turns with it."""
    boxes = []
    for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"):
        size = float(t.get("font-size", "11"))
        w, h = 0.6 * size * len(t.text or ""), size
        x, y = float(t.get("x")), float(t.get("y"))
        x0 = {"start": x, "middle": x - w / 2, "end": x - w}[
            t.get("text-anchor", "start")]
        box = (x0, y - 0.8 * h, x0 + w, y + 0.2 * h)
        if "rotate(-90" in (t.get("transform") or ""):
            # (dx, dy) about (x, y) goes to (dy, -dx)
            box = (x + (box[1] - y), y - (box[2] - x),
                   x + (box[3] - y), y - (box[0] - x))
        boxes.append((box, t.text))
    return boxes


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class Plot(unittest.TestCase):
    def plots(self):
        long_name = "python3 -u -c " + "x" * 200
        yield "few pairs", report([2.1, 1.9, 2.3, 2.0, 2.2, 1.8],
                                  [1.8, 2.3])
        yield "many pairs, long name", report(
            [1 + (i % 7) / 10 for i in range(40)], [0.9, 1.6], long_name,
            native=1234567, batched=1234)
        yield "slower, no counts", report([0.5, 0.6, 0.55, 0.58],
                                          [0.5, 0.6], native=None,
                                          batched=None)
        yield "all ratios equal", report([1.0] * 6, [1.0, 1.0])

    def test_axes_ticks_legend(self):
        for what, rep in self.plots():
            with self.subTest(what):
                texts = [s for _, s in text_boxes(bt.plot_svg(rep))]
                for want in ("pair (runs interleaved)",
                             "native / batched wall time",
                             "system calls (strace -c)", "median",
                             "one pair's ratio", "1 = no difference",
                             "95% interval of the median"):
                    self.assertIn(want, texts)
                numbers = [s for s in texts
                           if s.replace(".", "", 1).isdigit()]
                self.assertGreaterEqual(len(numbers), 6, texts)

    def test_no_text_overlaps_and_all_inside(self):
        for what, rep in self.plots():
            with self.subTest(what):
                svg = bt.plot_svg(rep)
                root = ET.fromstring(svg)
                width, height = float(root.get("width")), float(
                    root.get("height"))
                boxes = text_boxes(svg)
                for i, (a, sa) in enumerate(boxes):
                    self.assertTrue(a[0] >= 0 and a[1] >= 0 and
                                    a[2] <= width and a[3] <= height,
                                    "%r outside the canvas: %r" % (sa, a))
                    for b, sb in boxes[i + 1:]:
                        self.assertFalse(overlap(a, b), "%r overlaps %r" % (
                            sa, sb))

    def test_ticks_cover_the_data(self):
        for lo, hi in ((0.93, 2.26), (0.5, 0.6), (1.0, 1.0), (0, 1.5e6)):
            ticks, step = bt.nice_ticks(lo, hi)
            self.assertLessEqual(ticks[0], lo)
            self.assertGreaterEqual(ticks[-1], hi)
            self.assertTrue(3 <= len(ticks) <= 12, ticks)
            for a, b in zip(ticks, ticks[1:]):
                self.assertTrue(math.isclose(b - a, step), (ticks, step))
        self.assertEqual(bt.tick_label(0.25, 0.25), "0.25")
        self.assertEqual(bt.tick_label(1.5, 0.5), "1.5")
        self.assertEqual(bt.tick_label(20000, 10000), "20000")

    def test_renders_to_png(self):
        rsvg = shutil.which("rsvg-convert")
        self.assertIsNotNone(rsvg, "rsvg-convert missing (librsvg2-bin: "
                             "./configure installs it)")
        scratch = os.environ.get("BC_TEST_SCRATCH") or tempfile.gettempdir()
        for k, (what, rep) in enumerate(self.plots()):
            with self.subTest(what):
                svg = os.path.join(scratch, "plot%d.svg" % k)
                png = os.path.join(scratch, "plot%d.png" % k)
                with open(svg, "w") as f:
                    f.write(bt.plot_svg(rep))
                r = subprocess.run([rsvg, "-o", png, svg],
                                   stderr=subprocess.PIPE, text=True)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stderr, "")
                with open(png, "rb") as f:
                    data = f.read()
                self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
                w, h = struct.unpack(">II", data[16:24])
                self.assertEqual((w, h), (760, 400))
                # A blank or broken rendering compresses to almost nothing.
                self.assertGreater(len(data), 8000)


class StableMtimes(unittest.TestCase):
    """Which modification times the native runs say the program set: equal
    in both and older than the trial, or still to come, not a write's time
    that two runs share by chance of the kernel's coarse clock."""

    def test_only_old_or_future_equal_times_count(self):
        t = rn.Trial.__new__(rn.Trial)
        t.nondet, t.nondet_paths, t.stable_mtimes = {}, set(), set()
        t.began_ns = 10 ** 18
        old, now = 10 ** 9, 10 ** 18 + 5

        class Run:
            status = 0
            hashes = {"stdout": "a", "stderr": "b"}

        runs = [Run(), Run()]
        future = rn.time.time_ns() + 3600 * 10 ** 9
        for r in runs:
            r.files = {".": ("dir", None, 0o755, None, None, now),
                       "set": ("file", 1, 0o644, "h", None, old),
                       "ahead": ("file", 1, 0o644, "h", None, future),
                       "written": ("file", 1, 0o644, "h", None, now)}
        t.check_nondeterminism(*runs)
        self.assertEqual(t.stable_mtimes, {"set", "ahead"})
        self.assertEqual(t.nondet, {})

if __name__ == "__main__":
    unittest.main()
