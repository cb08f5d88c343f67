"""Helpers for the real-browser tests: serve the page on 127.0.0.1 and drive Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic"]


def need_browser() -> None:
    """Skip where Chromium or Playwright is missing, except in CI, where .ci/run installs them."""
    missing = not Path(CHROMIUM).exists()
    try:
        import playwright  # noqa: F401
        import solara  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium, Playwright and Solara (see .ci/run)")
        pytest.skip("needs Debian's chromium and the [ui] and [test] extras")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(scenario: str = "june_2025_call"):
    """`python run.py ui` on a free port; yields its address once it answers."""
    with serving(scenario) as (url, _):
        yield url


@contextmanager
def serving(scenario: str = "june_2025_call"):
    """As `serve`, yielding the server's process beside its address (the benchmark reads its CPU time)."""
    import tempfile

    port = free_port()
    seats = tempfile.mkdtemp(prefix="seats-")
    proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "ui", scenario, "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "NEGOTIATION_SEAT_OUT": seats})
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"the page did not come up:\n{proc.stdout.read() if proc.poll() is not None else ''}") from None
                time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(seats, ignore_errors=True)


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Session:
    """One browser tab on the page, recording console errors and requests that leave the machine."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.external: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", self._request)
        self.page.goto(url)
        self.page.get_by_role("button", name="Step").wait_for(timeout=30_000)

    def _request(self, request) -> None:
        if not request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            self.external.append(request.url)

    def broken(self) -> bool:
        """Did a Python error reach the page (Solara shows tracebacks in place of a component)?"""
        return "Traceback (most recent call last)" in self.page.content()

    def step(self, times: int = 1) -> None:
        for _ in range(times):
            before = self.round()
            self.page.get_by_role("button", name="Step").click()
            self.page.get_by_text(f"Round {before + 1} of", exact=False).first.wait_for(timeout=15_000)

    def round(self) -> int:
        return self.progress()[0]

    def progress(self) -> tuple[int, int]:
        """The round the page shows, and the game's last: from its "Round R of N" title."""
        text = self.page.get_by_text(" of ", exact=False).filter(has_text="Round").first.inner_text()
        done, total = text.split("Round", 1)[1].split(":", 1)[0].split("of", 1)
        return int(done), int(total)

    def story(self) -> list[str]:
        return self.page.locator(".story-line").all_inner_texts()

    def plot(self) -> bytes:
        """The chart as drawn now (its pixels): it changes when a step redraws it."""
        chart = self.page.locator(".vega-embed").first
        chart.wait_for(timeout=15_000)
        self.page.wait_for_timeout(300)  # Vega draws on the next animation frames
        return chart.screenshot()

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()
