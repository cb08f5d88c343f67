"""How long the classroom page takes to show a step of the default scenario, beside the page's own floor.

Serves the page (`python run.py ui`) on 127.0.0.1, opens it in Debian's headless Chromium, and
alternates two round trips through the same server, websocket and browser:

- a step: a click on Step, until the page shows the new round (tables, story and the chart's data
  go in the same update), and until the browser has drawn the new chart;
- the baseline: one notch of the "Pause between rounds" slider, until the page shows its new value.
  It runs nothing of the game: what a Solara round trip costs on this machine, at this moment.

For each it prints the median, fastest and slowest wall time of `--steps` trials, and the
server's mean CPU time per trial (user + system, read from /proc; Linux only; the kernel counts it in
ticks of 10 ms, so only a mean over many trials says much). The order alternates
(step first, then baseline first) so that a change in the machine's load falls on both.
The aim (issues 6 and 15): a step well under half a second.

    .venv/bin/python benchmarks/bench_ui.py [--steps N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import Session, chromium, serving  # noqa: E402

PAUSE = "Pause between rounds when playing: {} ms"
# The chart's canvas is replaced when the spec's data change; a mark on the old one tells the new one apart.
MARK = "() => document.querySelectorAll('.vega-embed canvas').forEach(c => { c.__old = true; })"
DRAWN = "() => { const c = document.querySelector('.vega-embed canvas'); return c !== null && !c.__old; }"


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process and all its threads so far, or None where /proc is missing."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Trials:
    def __init__(self, pid: int):
        self.pid, self.wall, self.cpu = pid, {}, {}

    def time(self, name: str, act, *waits) -> None:
        """Run `act`, then each wait in turn; record the wall time to each, and the server's CPU to the last."""
        cpu, start = cpu_seconds(self.pid), time.perf_counter()
        act()
        for i, wait in enumerate(waits):
            wait()
            self.wall.setdefault(f"{name}{i}", []).append(1000 * (time.perf_counter() - start))
        after = cpu_seconds(self.pid)
        if cpu is not None and after is not None:
            self.cpu.setdefault(name, []).append(1000 * (after - cpu))

    def line(self, label: str, key: str, cpu: str) -> str:
        ms = self.wall[key]
        text = (f"{label:<38} median {statistics.median(ms):4.0f} ms, fastest {min(ms):4.0f}, "
                f"slowest {max(ms):4.0f}")
        if cpu in self.cpu:
            text += f"; server CPU mean {statistics.mean(self.cpu[cpu]):3.0f} ms"
        return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    with serving() as (url, server), chromium() as browser:
        s = Session(browser, url)
        page, trials = s.page, Trials(server.pid)
        slider = page.get_by_role("slider").first  # the sidebar's first slider: the pause between rounds
        value = int(slider.get_attribute("aria-valuenow") or 0)
        s.step(2)  # warm-up: the chart's layout is built once per game
        page.locator(".vega-embed canvas").first.wait_for(timeout=15_000)

        def step() -> None:
            done, total = s.progress()
            if done == total:  # the run is over: a new game, untimed
                page.get_by_role("button", name="Reset").click()
                page.get_by_text("Round 0 of", exact=False).first.wait_for(timeout=15_000)
                s.step(1)
                slider.focus()
            before = s.round()
            page.evaluate(MARK)
            trials.time("step", lambda: page.get_by_role("button", name="Step").click(),
                        lambda: page.get_by_text(f"Round {before + 1} of", exact=False).first.wait_for(timeout=15_000),
                        lambda: page.wait_for_function(DRAWN, timeout=15_000))

        def notch(key: str) -> None:
            nonlocal value
            value += 100 if key == "ArrowRight" else -100
            trials.time("baseline", lambda: slider.press(key),
                        lambda: page.get_by_text(PAUSE.format(value)).wait_for(timeout=15_000))

        slider.focus()
        notch("ArrowRight")  # warm-up
        for i in range(args.steps):
            key = "ArrowLeft" if i % 2 == 0 else "ArrowRight"  # back and forth: the slider stays in its range
            if i % 2 == 0:
                step()
                notch(key)
            else:
                notch(key)
                step()
        s.close()
    print(f"the classroom page, default scenario, {args.steps} trials each, alternating "
          f"(aim: a step well under 500 ms)")
    print(trials.line("step: the page shows the new round", "step0", "step"))
    print(trials.line("step: the browser has drawn the chart", "step1", "step"))
    print(trials.line("baseline: a slider notch shows", "baseline0", "baseline"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
