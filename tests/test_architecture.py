"""The core works without Scrapy; Scrapy components are thin adapters around it."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from archiver.store.document import (
    SCHEMA_PATH,
    SNAPSHOT_SCHEMA_PATH,
    article_json_schema,
    snapshot_json_schema,
)

PACKAGE = Path(__file__).resolve().parent.parent / "archiver"

#: Layers, lowest first: a part may import its own layer and those below, nothing above.
LAYERS: list[set[str]] = [
    # the package root and shared utilities (files, HTTP servers, text for terminals)
    {"archiver", "fsutil", "httpserver", "textsafe"},
    {"warc", "config"},
    {"extraction"},
    {"store"},
    {"crawl"},
    {"replay", "jobs"},
    {
        "items",
        "signals",
        "settings",
        "extensions",
        "middlewares",
        "pipelines",
        "queues",
        "redis_scheduler",
        "spiders",
        "runner",
        "browser",
    },
    {"cli", "__main__"},
]
#: The Scrapy adapters: the only parts that may import Scrapy (with the CLI, lazily).
ADAPTERS = LAYERS[6]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(module: str) -> str:
    """The layer part a module belongs to: its subpackage or top-level module."""
    parts = module.split(".")
    return "archiver" if len(parts) == 1 else parts[1]


def imported(tree: ast.Module, *, top_level_only: bool) -> set[str]:
    """Modules of this package a module imports (at run time: TYPE_CHECKING blocks left out)."""
    found: set[str] = set()
    nodes: list[ast.stmt] = list(tree.body)
    while nodes:
        node = nodes.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("archiver"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                is_module = (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists() or (
                    PACKAGE.parent / candidate.replace(".", "/") / "__init__.py"
                ).exists()
                found.add(candidate if is_module else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("archiver"))
        body = [n for n in ast.iter_child_nodes(node) if isinstance(n, ast.stmt)]
        if top_level_only and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        nodes.extend(body)
    return found


def package_modules() -> dict[str, ast.Module]:
    return {
        module_name(path): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "demo_site" not in path.parts
    }


def layer_of(part: str) -> int:
    for index, layer in enumerate(LAYERS):
        if part in layer:
            return index
    raise AssertionError(f"{part} is in no layer: add it to LAYERS")


def test_layers_only_look_down() -> None:
    wrong = []
    for module, tree in package_modules().items():
        mine = layer_of(part_of(module))
        for target in imported(tree, top_level_only=False):
            if layer_of(part_of(target)) > mine:
                wrong.append(f"{module} imports {target}")
    assert not wrong, wrong


def test_no_import_cycles() -> None:
    graph = {
        module: {t for t in imported(tree, top_level_only=True) if t != module}
        for module, tree in package_modules().items()
    }

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), list(graph.get(start, ()))
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, ()))
        return False

    cycles = sorted(f"{a} <-> {b}" for a in graph for b in graph[a] if reaches(b, a))
    assert not cycles, cycles


def test_core_imports_without_scrapy() -> None:
    core = [
        m
        for m in package_modules()
        if part_of(m) not in ADAPTERS | {"__main__"} and not m.endswith(".__main__")
    ]
    code = (
        "import sys; sys.modules['scrapy'] = None\n"
        + "".join(f"import {m}\n" for m in core)
        + "print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_read_only_commands_load_neither_scrapy_nor_trafilatura(tmp_path: Path) -> None:
    """`--help`, `list`, `show`, `search` and the replay server start without the crawler
    or the extractor (seconds of imports a reader should not wait for)."""
    archive = tmp_path / "archive"
    code = (
        "import sys\n"
        "from archiver.cli import main\n"
        f"for args in {READ_ONLY_RUNS!r}:\n"
        "    try:\n"
        f"        main([a.replace('ARCHIVE', {str(archive)!r}) for a in args])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "import archiver.replay.server, archiver.replay.app\n"
        "heavy = {m.split('.')[0] for m in sys.modules} & {'scrapy', 'trafilatura', 'twisted'}\n"
        "print('LOADED', sorted(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True
    )
    assert "LOADED []" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]
    assert "scrapy" not in result.stderr.split("LOADED")[0]  # -X importtime lists every import
    assert "| trafilatura" not in result.stderr


READ_ONLY_RUNS = [
    ["--help"],
    ["list", "--help"],
    ["show", "--help"],
    ["search", "--help"],
    ["replay", "--help"],
    ["list", "--archive", "ARCHIVE"],
    ["search", "harbour", "--archive", "ARCHIVE"],
]


def test_shipped_article_schema_matches_the_model() -> None:
    shipped = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert shipped == article_json_schema(), "run: python -m archiver.store.document"


def test_shipped_snapshot_schema_matches_the_model() -> None:
    shipped = json.loads(SNAPSHOT_SCHEMA_PATH.read_text(encoding="utf-8"))
    assert shipped == snapshot_json_schema(), "run: python -m archiver.store.document"
