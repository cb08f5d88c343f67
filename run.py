"""Run the trade-talks game: `python run.py` plays the default scenario; `python run.py --help` for more."""

import os
import sys
from importlib.util import find_spec
from pathlib import Path

# Look the packages up without importing them: a command loads only what it uses (validate never loads Mesa).
missing = next((name for name in ("mesa", "matplotlib", "numpy", "pydantic", "yaml") if find_spec(name) is None), None)
if missing is not None:  # run with a Python that lacks the packages
    venv = Path(__file__).resolve().parent / ".venv"
    python = venv / "bin" / "python"
    if python.exists() and Path(sys.prefix).resolve() != venv.resolve():
        os.execv(str(python), [str(python), __file__, *sys.argv[1:]])  # the project's own environment
    sys.exit(f"run.py needs its packages ({missing} is missing). Set up once with:\n"
             f"  python3 -m venv .venv && .venv/bin/pip install -e .\n(see README.md)")

from negotiation.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
