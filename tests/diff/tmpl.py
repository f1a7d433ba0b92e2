#!/usr/bin/python3
"""tmpl.py NAME: make the input template NAME in the current directory, for
tests/diff's @setup lines.  Deterministic (each template has its own seed):

    copy     in: 200000 bytes of text (dd bs=100 file to file)
    tree     tree/: 200 files in nested directories, an empty file and
             directory, symlinks, varied sizes, modes and mtimes (some
             with nanoseconds)
    tarball  tree.tar: tar --sort=name of the tree, made natively
    data     data: 1 MB of compressible text with some noise
    gz       data.gz: gzip of data, made natively
    sortin   in: 50000 lines to sort
"""
import os
import random
import subprocess
import sys


def copy():
    with open("in", "w") as f:
        f.write("".join("%07d %s\n" % (i, "abcdefghij"[i % 10] * (i % 50)) for i in range(7000))[:200000])


def tree():
    rnd = random.Random(20240601)
    t = "tree"
    fmodes = [0o644, 0o600, 0o755, 0o444, 0o640, 0o700]
    dirs = set()
    for i in range(200):
        d = os.path.join(t, "d%d" % (i % 5), "s%d" % (i // 5 % 4))
        if i % 7 == 0:
            d = os.path.join(d, "n%d" % (i % 3))
        os.makedirs(d, exist_ok=True)
        p = os.path.join(d, "f%03d" % i)
        size = 150000 if i % 50 == 0 else (0 if i % 37 == 0 else rnd.randrange(1, 6000))
        with open(p, "wb") as f:
            f.write(rnd.randbytes(size))
        os.chmod(p, fmodes[i % 6])
        os.utime(p, ns=((1600000000 + i * 7919) * 10**9 + (i % 4) * 123456789,) * 2)
        while d != t:
            dirs.add(d)
            d = os.path.dirname(d)
    os.makedirs(os.path.join(t, "emptydir"))
    dirs.add(os.path.join(t, "emptydir"))
    for k, target in enumerate(["d0/s0/f000", "d1/s1/f006", "nowhere"]):
        os.symlink(target, os.path.join(t, "link%d" % k))
    dmodes = [0o755, 0o750, 0o700]
    for k, d in enumerate(sorted(dirs, key=lambda s: (-s.count("/"), s))):
        os.chmod(d, dmodes[k % 3])
        os.utime(d, (1500000000 + k * 86400,) * 2)
    os.utime(t, (1400000000, 1400000000))


def tarball():
    tree()
    subprocess.run(["tar", "--sort=name", "-cf", "tree.tar", "tree"], check=True)
    subprocess.run(["rm", "-rf", "tree"], check=True)


def data():
    rnd = random.Random(20240602)
    lines = []
    size = 0
    i = 0
    while size < 1 << 20:
        l = "%d %s %08x\n" % (i, "the quick brown fox"[: i % 19], rnd.getrandbits(32))
        lines.append(l)
        size += len(l)
        i += 1
    with open("data", "w") as f:
        f.write("".join(lines)[: 1 << 20])
    os.utime("data", (1234567890, 1234567890))


def gz():
    data()
    subprocess.run(["gzip", "data"], check=True)


def sortin():
    rnd = random.Random(20240603)
    with open("in", "w") as f:
        f.write("".join("%08x %d\n" % (rnd.getrandbits(32), j) for j in range(50000)))


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("copy", "tree", "tarball", "data", "gz", "sortin"):
        sys.exit(__doc__)
    os.umask(0o022)
    globals()[sys.argv[1]]()
