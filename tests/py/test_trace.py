"""The one trace normaliser (bctrial.trace), shared by bctrial --trace and
the engine's harness (tests/harness/normtrace.py): on small traces written
by hand in the form strace -f -y prints."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.environ.get("BCTRIAL_PYTHON") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "trial"))

from bctrial import trace  # noqa: E402

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

NATIVE = """\
100 execve("/usr/bin/prog", ["prog"], 0x7ffd1 /* 12 vars */) = 0
100 openat(AT_FDCWD</w/run1>, "/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3</usr/lib/x86_64-linux-gnu/libc.so.6>
100 close(3</usr/lib/x86_64-linux-gnu/libc.so.6>) = 0
100 openat(AT_FDCWD</w/run1>, "out", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</w/run1/out>
100 write(3</w/run1/out>, "ab", 2) = 2
100 write(3</w/run1/out>, "cd", 2) = 2
100 write(3</w/run1/out>, "ef", 2) = 2
100 close(3</w/run1/out>) = 0
100 exit_group(0) = ?
"""

BATCHED = """\
200 execve("/usr/bin/prog", ["prog"], 0x7ffd2 /* 13 vars */) = 0
200 openat(AT_FDCWD</w/run2>, "/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3</usr/lib/x86_64-linux-gnu/libc.so.6>
200 close(3</usr/lib/x86_64-linux-gnu/libc.so.6>) = 0
200 openat(AT_FDCWD</w/run2>, "/home/u/.config/bcshim/profile", O_RDONLY|O_NONBLOCK|O_CLOEXEC) = -1 ENOENT (No such file or directory)
200 openat(AT_FDCWD</w/run2>, "out", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</w/run2/out>
200 fcntl(3</w/run2/out>, F_GETFL) = 0x8001 (flags O_WRONLY|O_LARGEFILE)
200 fstat(3</w/run2/out>, {st_mode=S_IFREG|0644, st_size=0, ...}) = 0
200 write(3</w/run2/out>, "abcdef", 6) = 6
200 close(3</w/run2/out>) = 0
200 exit_group(0) = ?
"""


class Normalise(unittest.TestCase):
    def read(self, text, how):
        with tempfile.NamedTemporaryFile("w", suffix=".trace",
                                         delete=False) as f:
            f.write(text)
        try:
            return how(f.name)
        finally:
            os.unlink(f.name)

    def norm(self, text, **kw):
        return self.read(text, lambda path: trace.normalise(path, **kw))

    def test_writes_merge_and_the_loader_goes(self):
        n = self.norm(NATIVE, subs=[("/w/run1", "RUN")])
        self.assertEqual(n[0], "### process 1")
        self.assertIn("write 3<RUN/out> bytes=6", n)
        self.assertFalse(any("libc.so" in l for l in n), n)
        self.assertIn("close 3<RUN/out>", n)

    def test_probes_marked_and_allowed_on_the_bcshim_side(self):
        n = self.norm(NATIVE, subs=[("/w/run1", "RUN")])
        b = self.norm(BATCHED, subs=[("/w/run2", "RUN")],
                      hide=["/bcshim/profile"])
        self.assertTrue(any(l.startswith("~ fcntl(") for l in b), b)
        self.assertIsNone(trace.difference(n, b))
        # ... but not on the native side.
        self.assertIsNotNone(trace.difference(b, n))

    def test_the_timer_threads_lending_goes(self):
        # The timer thread with an fd table of its own borrows fd 3 for
        # its flush: the flush stays, its lending goes; the program's own
        # close stays.
        lent = BATCHED.replace(
            '200 write(3</w/run2/out>, "abcdef", 6) = 6\n',
            '200 clone(child_stack=0x7f, flags=CLONE_VM|CLONE_FILES|CLONE_THREAD) = 201\n'
            '201 close_range(0, 4294967295, CLOSE_RANGE_UNSHARE) = 0\n'
            '201 pidfd_open(200, 0) = 0<anon_inode:[pidfd]>\n'
            '201 pidfd_getfd(0<anon_inode:[pidfd]>, 3</w/run2/out>, 0) = 1</w/run2/out>\n'
            '201 dup3(1</w/run2/out>, 3</w/run2/out>, O_CLOEXEC) = 3</w/run2/out>\n'
            '201 close(1</w/run2/out>) = 0\n'
            '201 close(0<anon_inode:[pidfd]>) = 0\n'
            '201 write(3</w/run2/out>, "abcdef", 6) = 6\n'
            '201 close_range(0, 4294967295, 0) = 0\n')
        n = self.norm(NATIVE, subs=[("/w/run1", "RUN")])
        b = self.norm(lent, subs=[("/w/run2", "RUN")], hide=["/bcshim/profile"])
        self.assertIn("write 3<RUN/out> bytes=6", b)
        self.assertFalse(any("pidfd" in l or "dup3" in l or "close_range" in l for l in b), b)
        self.assertIsNone(trace.difference(n, b))
        # A program's own dup3 and close_range are its operations.
        own = BATCHED.replace('200 close(3</w/run2/out>) = 0\n',
                              '200 dup3(3</w/run2/out>, 4</w/run2/out>, 0) = 4</w/run2/out>\n'
                              '200 close_range(3, 4294967295, 0) = 0\n')
        self.assertTrue(any(l.startswith("dup3(") for l in self.norm(own)), self.norm(own))
        # A program's own unsharing (of a part of the range, or not as a
        # task's first call) is not the timer's: its calls after it stay.
        for first in ('200 close_range(3, 4294967295, CLOSE_RANGE_UNSHARE) = 0\n',
                      '200 getpid() = 200\n200 close_range(0, 4294967295, CLOSE_RANGE_UNSHARE) = 0\n'):
            unshared = first + BATCHED.replace('200 close(3</w/run2/out>) = 0\n',
                                               '200 dup3(3</w/run2/out>, 4</w/run2/out>, 0) = 4</w/run2/out>\n')
            entries = self.read(unshared, lambda path: trace.without_lending(trace.read_entries(path)))
            self.assertTrue(any("dup3(" in t for _, t in entries), entries)

    def test_io_probes_anywhere_in_a_loop(self):
        # A loop's repeated lines, with the engine's looks at /proc/self/io
        # among them: allowed on the bcshim side, wherever they fall.
        step = ('{p} dup2(3</w/{r}/f>, 1</w/{r}/out>) = 1</w/{r}/f>\n'
                '{p} write(1</w/{r}/f>, "x\\n", 2) = 2\n'
                '{p} dup2(4</w/{r}/out>, 1</w/{r}/f>) = 1</w/{r}/out>\n')
        look = ('{p} open("/proc/self/io", O_RDONLY|O_CLOEXEC) = 5</proc/{p}/io>\n'
                '{p} read(5</proc/{p}/io>, "rchar: 1\\nwchar: 2\\n"..., 255) = 99\n'
                '{p} close(5</proc/{p}/io>) = 0\n')
        n = self.norm("".join(step.format(p=100, r="run1") for _ in range(8)),
                      subs=[("/w/run1", "RUN")])
        b = self.norm("".join(step.format(p=200, r="run2") +
                              (look.format(p=200) if i in (1, 5) else "")
                              for i in range(8)), subs=[("/w/run2", "RUN")])
        self.assertTrue(any("/proc/200/io" in l for l in b), b)
        self.assertIsNone(trace.difference(n, b))

    def test_maps_probes_of_the_thread(self):
        # The scan after a fork reads the thread's maps and smaps
        # (/proc/thread-self, which strace shows as the task's files).
        step = '{p} write(3</w/{r}/out>, "x", 1) = 1\n'
        look = "".join('{p} open("/proc/thread-self/%s", O_RDONLY|O_CLOEXEC) = 5</proc/{p}/task/{p}/%s>\n'
                       '{p} read(5</proc/{p}/task/{p}/%s>, "55d0-55d1 r--s 0"..., 4096) = 99\n'
                       '{p} close(5</proc/{p}/task/{p}/%s>) = 0\n' % (f, f, f, f)
                       for f in ("maps", "smaps"))
        n = self.norm("".join(step.format(p=100, r="run1") for _ in range(3)),
                      subs=[("/w/run1", "RUN")])
        b = self.norm(step.format(p=200, r="run2") + look.format(p=200) +
                      step.format(p=200, r="run2") * 2, subs=[("/w/run2", "RUN")])
        self.assertTrue(any("smaps" in l for l in b), b)
        self.assertIsNone(trace.difference(n, b))

    def test_environment_count_goes(self):
        n = self.norm(NATIVE)
        self.assertTrue(any("/* vars */" in l for l in n), n)

    def test_hidden_paths(self):
        b = self.norm(BATCHED, subs=[("/w/run2", "RUN")])
        self.assertTrue(any("bcshim/profile" in l for l in b))
        n = self.norm(NATIVE, subs=[("/w/run1", "RUN")])
        d = trace.difference(n, b)
        self.assertIsNotNone(d)
        self.assertIn("bcshim/profile", d)

    def test_a_different_call_is_a_difference(self):
        other = NATIVE.replace('"out", O_WRONLY', '"out2", O_WRONLY')
        d = trace.difference(self.norm(NATIVE), self.norm(other))
        self.assertIsNotNone(d)
        self.assertIn("out2", d)

    def test_children_are_named_by_their_place(self):
        text = NATIVE.replace(
            "100 exit_group(0) = ?\n",
            "100 clone(child_stack=NULL, flags=SIGCHLD) = 101\n"
            "101 exit_group(3) = ?\n"
            "100 wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL)"
            " = 101\n100 exit_group(0) = ?\n")
        n = self.norm(text)
        self.assertIn("### process 1.1", n)
        self.assertTrue(any(l.startswith("wait4(") and l.endswith("= P1.1")
                            for l in n), n)


class HarnessCommand(unittest.TestCase):
    """tests/harness/normtrace.py is the same normaliser."""

    def test_same_output(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "t")
            with open(path, "w") as f:
                f.write(BATCHED)
            r = subprocess.run(
                [sys.executable, os.path.join(TOP, "tests", "harness",
                                              "normtrace.py"),
                 "--sub", "/w/run2=RUN", "--hide", "/bcshim/profile", path],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.splitlines(), trace.normalise(
                path, [("/w/run2", "RUN")], hide=["/bcshim/profile"]))


if __name__ == "__main__":
    unittest.main()
