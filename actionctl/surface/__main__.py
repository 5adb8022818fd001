"""`python -m actionctl.surface`: print the README's table of the emulated surface."""

import sys

from actionctl.surface import table

sys.stdout.write(table())
