"""Entry point for `python -m segdash`."""

import sys

from segdash.cli import main

sys.exit(main())
