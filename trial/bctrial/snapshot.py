"""The working tree a run leaves, and how two of them differ."""

import hashlib
import os
import stat

from . import EXCERPT


def sha256_file(path):
    """sha256 of a file's content, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def snapshot(root):
    """The working directory after a run: relative path -> (type, size,
    mode, sha256, symlink target, mtime_ns)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in dirnames + sorted(filenames):
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            st = os.lstat(full)
            mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("symlink", None, mode, None, os.readlink(full),
                            st.st_mtime_ns)
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", None, mode, None, None, st.st_mtime_ns)
            elif stat.S_ISREG(st.st_mode):
                out[rel] = ("file", st.st_size, mode, sha256_file(full),
                            None, st.st_mtime_ns)
            else:
                out[rel] = ("other", None, mode, None, None, st.st_mtime_ns)
    root_st = os.lstat(root)
    out["."] = ("dir", None, stat.S_IMODE(root_st.st_mode), None, None,
                root_st.st_mtime_ns)
    return out


FIELD_NAMES = ("type", "size", "mode", "content", "symlink target", "mtime")


def entry_difference(a, b, with_mtime):
    """The name of the first field in which two snapshot entries differ."""
    n = 6 if with_mtime else 5
    for i in range(n):
        if a[i] != b[i]:
            return FIELD_NAMES[i]
    return None


def first_byte_difference(pa, pb, limit=64 << 20):
    """Offset of the first differing byte of two files (None if equal in
    the first `limit` bytes), reading both in blocks."""
    off = 0
    with open(pa, "rb") as fa, open(pb, "rb") as fb:
        while off < limit:
            a, b = fa.read(65536), fb.read(65536)
            if a != b:
                for i in range(min(len(a), len(b))):
                    if a[i] != b[i]:
                        return off + i
                return off + min(len(a), len(b))
            if not a:
                return None
            off += len(a)
    return None


def line_excerpt(pa, pb, labels=("native", "batched")):
    """A short excerpt: the first differing line of two output files."""
    off = first_byte_difference(pa, pb)
    if off is None:
        return "differs beyond the first 64 MiB"
    pieces = []
    for label, p in zip(labels, (pa, pb)):
        with open(p, "rb") as f:
            f.seek(max(0, off - 200))
            chunk = f.read(400)
        rel = off - max(0, off - 200)
        start = chunk.rfind(b"\n", 0, rel) + 1
        end = chunk.find(b"\n", rel)
        line = chunk[start:end if end >= 0 else len(chunk)]
        if rel >= len(chunk):
            line = b"<end of output>"
        pieces.append("%s %r" % (label, line[:EXCERPT].decode(
            "utf-8", "backslashreplace")))
    return "byte %d: %s" % (off, "; ".join(pieces))


def files_difference(sa, sb, roots, stable_mtimes, skip=(),
                     labels=("native", "batched")):
    """First difference between two directory snapshots, or None.  mtimes
    count only for paths in stable_mtimes; paths in skip not at all."""
    for rel in sorted(set(sa) | set(sb)):
        if rel in skip:
            continue
        if rel not in sb:
            return "%s only in %s" % (rel, labels[0])
        if rel not in sa:
            return "%s only in %s" % (rel, labels[1])
        field = entry_difference(sa[rel], sb[rel], rel in stable_mtimes)
        if field == "content" and roots:
            off = first_byte_difference(os.path.join(roots[0], rel),
                                        os.path.join(roots[1], rel))
            return "%s: content differs at byte %s" % (rel, off)
        if field:
            return "%s: %s differs (%s %r, %s %r)" % (
                rel, field, labels[0], sa[rel][FIELD_NAMES.index(field)],
                labels[1], sb[rel][FIELD_NAMES.index(field)])
    return None
