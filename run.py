"""Run the trade-talks game: `python run.py` plays the default scenario; `python run.py --help` for more."""

import os
import sys
from pathlib import Path

try:
    import matplotlib  # noqa: F401
    import mesa  # noqa: F401

    from negotiation.cli import main
except ModuleNotFoundError as missing:  # run with a Python that lacks the packages
    venv = Path(__file__).resolve().parent / ".venv"
    python = venv / "bin" / "python"
    if python.exists() and Path(sys.prefix).resolve() != venv.resolve():
        os.execv(str(python), [str(python), __file__, *sys.argv[1:]])  # the project's own environment
    sys.exit(f"run.py needs its packages ({missing.name} is missing). Set up once with:\n"
             f"  python3 -m venv .venv && .venv/bin/pip install -e .\n(see README.md)")

if __name__ == "__main__":
    sys.exit(main())
