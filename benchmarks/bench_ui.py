"""How long the classroom page takes to show a step of the default scenario.

Serves the page (`python run.py ui`) on 127.0.0.1, opens it in Debian's headless Chromium, and
times each click on Step until the page shows the new round (the plot, tables and story are
redrawn in the same update). Prints the median and the slowest of `--steps` steps (default 20).
The aim (issue 6): well under half a second.

    .venv/bin/python benchmarks/bench_ui.py [--steps N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import Session, chromium, serve  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    times = []
    with serve() as url, chromium() as browser:
        s = Session(browser, url)
        s.step(1)  # warm-up
        for _ in range(args.steps):
            start = time.perf_counter()
            s.step(1)
            times.append(time.perf_counter() - start)
        s.close()
    ms = [1000 * t for t in times]
    print(f"page update per step, default scenario, {len(ms)} steps: median {statistics.median(ms):.0f} ms, "
          f"slowest {max(ms):.0f} ms, fastest {min(ms):.0f} ms (aim: well under 500 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
