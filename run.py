"""Run the trade-talks game: `python run.py` plays the default scenario; `python run.py --help` for more."""

import sys

from negotiation.cli import main

if __name__ == "__main__":
    sys.exit(main())
