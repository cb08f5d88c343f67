"""The package's layers: no import cycle, and each layer imports only the layers below it.

Every import counts, wherever it stands: at the top of a module, inside a function, or under
`if TYPE_CHECKING:` (a type-only cycle is still a cycle). Layers, bottom to top (docs/architecture.md):

    common -> strategies -> scenario -> game -> story -> results -> experiments, teaching -> web -> cli
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "negotiation"
ORDER = ["common", "strategies", "scenario", "game", "story", "results", "experiments", "teaching", "web", "cli"]
BELOW = {layer: set(ORDER[: k + 1]) for k, layer in enumerate(ORDER)}
BELOW["teaching"].discard("experiments")  # teaching and experiments are siblings: neither imports the other


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(path: Path, known: set[str]) -> set[str]:
    """The package's modules that `path` imports (from any statement in it)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and target != "negotiation":
                out.add(target)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports(path, known) for name, path in mods.items()}


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_there_is_no_import_cycle():
    g = graph()
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(g[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(g):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_each_layer_imports_only_the_layers_below_it():
    wrong = []
    for module, targets in graph().items():
        own = layer(module)
        if own is None or own not in BELOW:  # the package's face and shared data modules
            continue
        for target in targets:
            other = layer(target)
            if other is not None and other in BELOW and other not in BELOW[own]:
                wrong.append(f"{module} imports {target} ({own} may import only {', '.join(sorted(BELOW[own]))})")
    assert not wrong, "\n".join(wrong)


def test_only_the_web_layer_imports_solara():
    for module, path in modules().items():
        if layer(module) != "web":
            text = path.read_text(encoding="utf-8")
            assert "import solara" not in text and "from solara" not in text, module


def test_the_checker_sees_imports_of_every_kind(tmp_path):
    """The check itself: top-level, function-level and type-only imports all count."""
    sample = PACKAGE / "game" / "view.py"
    found = imports(sample, set(modules()))
    assert "negotiation.game.protocol" in found and "negotiation.strategies.moves" in found
