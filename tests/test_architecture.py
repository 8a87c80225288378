"""The rooms of DESIGN.md, held by the import graph: imports run one way, every module stands alone.

The graph is read from the source (``ast``), not from a running interpreter: an edge is an import
statement executed when the module loads (imports under ``if TYPE_CHECKING`` and inside functions
are not), to the module it names (``from a.b import c`` names ``a.b.c`` when that is a module, else
``a.b``).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "harness"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def load_time_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for statement in (node.body if isinstance(node, (ast.If, ast.Try)) else [node]):
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                found.append(statement)
    return found


def imports_of(name: str) -> set[str]:
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    edges: set[str] = set()
    for statement in load_time_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(statement, ast.Import):
            edges |= {alias.name for alias in statement.names if alias.name in MODULES}
            continue
        base = statement.module or ""
        if statement.level:
            anchor = package.split(".")[: len(package.split(".")) - statement.level + 1]
            base = ".".join([*anchor, *([statement.module] if statement.module else [])])
        for alias in statement.names:
            target = f"{base}.{alias.name}"
            edges.add(target if target in MODULES else base)
    return {edge for edge in edges if edge in MODULES and edge != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def reachable(start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for target in GRAPH[stack.pop()]:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def test_the_graph_is_read() -> None:
    # the reader sees real edges, so an empty graph cannot pass the tests below by accident
    assert "harness.findings" in GRAPH["harness.reducer"]
    assert "harness.providers.base" in GRAPH["harness.registry"]
    assert len(MODULES) > 80


def test_no_import_cycle_inside_harness() -> None:
    cycles = sorted(name for name in MODULES if name in reachable(name))
    assert not cycles, f"modules on an import cycle: {cycles}"


# What each room may not reach, directly or through others (DESIGN.md, "The flow" and "On the wire").
FOUNDATION = ["harness.events", "harness.state", "harness.findings", "harness.checkspec", "harness.catalogue",
              "harness.values", "harness.exchange", "harness.reducer", "harness.sequencer", "harness.structural",
              "harness.schemas", "harness.wire.sse", "harness.wire.eventstream", "harness.wire.jsonstream",
              "harness.wire.jsonlines", "harness.wire.frames"]
ABOVE_PROVIDERS = ("harness.providers", "harness.registry", "harness.pipeline", "harness.report", "harness.cli",
                   "harness.live", "harness.run")
ABOVE_PIPELINE = ("harness.report.terminal", "harness.report.json_report", "harness.report.markdown",
                  "harness.report.junit", "harness.report.replay", "harness.report.differences",
                  "harness.report.catalogue", "harness.cli", "harness.live", "harness.run")


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


@pytest.mark.parametrize("name", FOUNDATION)
def test_the_foundation_knows_no_provider_and_no_pipeline(name: str) -> None:
    assert not [m for m in reachable(name) if _under(m, ABOVE_PROVIDERS)]


def test_the_pipeline_never_imports_renderers_or_the_live_rooms() -> None:
    assert not [m for m in reachable("harness.pipeline") if _under(m, ABOVE_PIPELINE)]


@pytest.mark.parametrize("name", [n for n in MODULES if n.startswith("harness.report.")])
def test_renderers_never_import_the_pipeline_or_a_family(name: str) -> None:
    assert not [m for m in reachable(name) if _under(m, ("harness.pipeline", "harness.providers", "harness.registry"))]


FAMILIES = sorted({name.split(".")[2] for name in MODULES if name.count(".") >= 2 and name.startswith("harness.providers.")
                   and (PACKAGE / "providers" / name.split(".")[2]).is_dir()})
BUILT_ON = {"bedrock_invoke_model": {"anthropic_messages", "bedrock_converse"}}  # Anthropic events, and Nova's ConverseStream events, inside AWS frames


@pytest.mark.parametrize("family", FAMILIES)
def test_a_family_imports_no_other_family_and_nothing_above_it(family: str) -> None:
    reached = reachable(f"harness.providers.{family}")
    others = {m.split(".")[2] for m in reached if m.startswith("harness.providers.") and m.count(".") >= 2
              and m.split(".")[2] in FAMILIES} - {family} - BUILT_ON.get(family, set())
    assert not others, f"{family} imports the families {sorted(others)}"
    assert not [m for m in reached if _under(m, ABOVE_PROVIDERS[1:])]


def test_every_module_imports_alone_in_a_fresh_interpreter() -> None:
    def load(name: str) -> tuple[str, str]:
        run = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True, timeout=120)
        return name, run.stderr.strip().splitlines()[-1] if run.returncode else ""

    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = {name: error for name, error in pool.map(load, MODULES) if error}
    assert not failures, failures


_LOADED_PARTS = """
import sys
from pathlib import Path
from harness import registry
from harness.pipeline import check_path
registry.providers()
before = {m for m in sys.modules if m.startswith("harness.providers.")}
check_path(Path(sys.argv[1]))
after = {m for m in sys.modules if m.startswith("harness.providers.")}
print(" ".join(sorted(before)), "|", " ".join(sorted(after - before)))
"""


def test_a_run_loads_only_the_families_it_meets() -> None:
    # loading every family to recognise exchanges must not load their translators, encoders and
    # resume contracts: those come with the first exchange a family speaks (bench/README.md, cold start)
    cassette = ROOT / "cassettes" / "anthropic-messages" / "text-with-pings.yaml"
    run = subprocess.run([sys.executable, "-c", _LOADED_PARTS, str(cassette)], capture_output=True, text=True,
                         timeout=120, check=True)
    at_start, met = (set(part.split()) for part in run.stdout.strip().split("|"))
    parts = {"translator", "encode", "resume"}
    assert not {m for m in at_start if m.rpartition(".")[2] in parts}
    assert {f"harness.providers.{family}" for family in FAMILIES} <= at_start
    assert "harness.providers.anthropic_messages.translator" in met
    assert not {m for m in met if m.split(".")[2] != "anthropic_messages"}
