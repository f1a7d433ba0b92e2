"""python3 -m bctrial: the same as the bctrial command."""
import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
