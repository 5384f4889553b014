"""`python -m gait` runs the command-line interface."""

import sys

from gait.cli import main

sys.exit(main())
