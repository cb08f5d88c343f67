"""Pinned outputs: the files a run, the briefs and a debrief write, byte for byte.

These are the safety net for changes of structure: a refactoring keeps every pinned file
identical. A change of behaviour updates them on purpose, in a commit of its own that says why:

    UPDATE_PINNED=1 python -m pytest tests/test_pinned.py
"""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, SCENARIOS

PINNED = ROOT / "tests" / "pinned"
SEEDS = (1, 4, 7)
RUN_FILES = ("rounds.csv", "log.csv", "story.md", "summary.json")
DEBRIEF_RUN = ("june_2025_call", 4)
UPDATE = bool(os.environ.get("UPDATE_PINNED"))


def check(record: Path, text: str) -> None:
    """Compare `text` with a pinned file (or write it when updating)."""
    if UPDATE:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(text, encoding="utf-8", newline="")
    assert record.exists(), f"no pinned file {record.relative_to(ROOT)}: run UPDATE_PINNED=1 python -m pytest {__file__}"
    want = record.read_text(encoding="utf-8")
    if text != want:
        got, exp = text.splitlines(), want.splitlines()
        first = next((i for i, (a, b) in enumerate(zip(got, exp)) if a != b), min(len(got), len(exp)))
        pytest.fail(f"{record.relative_to(ROOT)} differs from line {first + 1}:\n"
                    f"  pinned: {exp[first] if first < len(exp) else '(end of file)'}\n"
                    f"  now:    {got[first] if first < len(got) else '(end of file)'}")


def write(scenario_path: Path, seed: int, out: Path) -> Path:
    from negotiation.results import run, write_run
    from negotiation.scenario import load_scenario

    result = run(load_scenario(scenario_path), seed=seed, source=str(scenario_path))
    return write_run(result, out / f"{scenario_path.stem}-seed{seed}", plot=False)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_run_files_are_pinned(path, seed, tmp_path):
    folder = write(path, seed, tmp_path)
    for name in RUN_FILES:
        check(PINNED / "runs" / folder.name / name, (folder / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_printed_summary_is_pinned(path):
    from negotiation.cli import summary_text
    from negotiation.results import run
    from negotiation.scenario import load_scenario

    check(PINNED / "summary" / f"{path.stem}-seed1.txt", summary_text(run(load_scenario(path), seed=1)) + "\n")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_briefs_markdown_is_pinned(path, tmp_path):
    from negotiation.scenario import load_scenario
    from negotiation.teaching.briefs import write_briefs

    written = write_briefs(load_scenario(path), tmp_path)
    markdown = sorted(p for p in written if p.suffix == ".md")
    assert markdown
    if not UPDATE:
        assert sorted(p.name for p in markdown) == sorted(p.name for p in (PINNED / "briefs" / path.stem).glob("*.md"))
    for p in markdown:
        check(PINNED / "briefs" / path.stem / p.name, p.read_text(encoding="utf-8"))


class _Text(HTMLParser):
    """The text a reader sees in an HTML page: no styles, scripts or embedded pictures."""

    BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "section", "figcaption", "table", "ul", "ol", "br", "td", "th"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def text_content(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def test_debrief_text_is_pinned(tmp_path):
    from negotiation.teaching.debrief import write_debrief

    name, seed = DEBRIEF_RUN
    folder = write(ROOT / "scenarios" / f"{name}.yaml", seed, tmp_path)
    report = write_debrief(folder)
    text = text_content(report.read_text(encoding="utf-8"))
    text = text.replace(str(tmp_path), "<tmp>").replace(str(ROOT), "<project>")
    check(PINNED / "debrief" / f"{name}-seed{seed}.txt", text)
