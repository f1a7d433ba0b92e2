"""Where bctrial runs from, and what the build filled in.

HERE is the directory of the bctrial command: out/bin in the build tree,
PREFIX/bin once installed (the package beside it in
../share/bctrial/python), trial/ when the package is used from the source
tree.  The launcher sets it; the default works it out from the package's
own place."""

import os

_PKG = os.path.dirname(os.path.realpath(__file__))


def _default_here():
    parent = os.path.dirname(_PKG)
    if os.path.basename(parent) == "python":
        # X/share/bctrial/python/bctrial -> X/bin
        return os.path.normpath(os.path.join(parent, "..", "..", "..",
                                             "bin"))
    return parent


HERE = _default_here()
# Filled in by the build; from the source tree, read there.
VERSION = "@BC_VERSION@"
MULTIARCH = "@BC_MULTIARCH@"
if VERSION.startswith("@"):
    try:
        with open(os.path.join(_PKG, "..", "..", "VERSION")) as _f:
            VERSION = _f.read().strip()
    except OSError:
        VERSION = "unknown"
