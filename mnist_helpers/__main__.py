"""`python -m mnist_helpers {doctor,fetch,run,learner}`: the series' commands (mnist_helpers/series/cli.py)."""

import sys

from mnist_helpers.series.cli import main

if __name__ == "__main__":
    sys.exit(main())
