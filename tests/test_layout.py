"""The package's arrows point one way: the CLI imports the library, never the other way round."""

from __future__ import annotations

import ast
from pathlib import Path

import judgesmith

SRC = Path(judgesmith.__file__).resolve().parent


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0]
    return names + [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]


def test_no_library_module_imports_the_cli():
    upward = {str(p.relative_to(SRC)): m for p in SRC.rglob("*.py") if p.parent.name != "cli"
              and p.name != "__main__.py" for m in _imports(p) if m.startswith("judgesmith.cli")}
    assert not upward, f"library modules import the CLI (the CLI prints; the library returns what to print): {upward}"
    # the check reads what it claims to: the CLI itself does import the library
    assert any(m.startswith("judgesmith.data") for m in _imports(SRC / "cli" / "data_cmd.py"))
