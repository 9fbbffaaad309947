"""The README's map of modules matches the tree (issue 13).

The map between the README's ``<!-- module-map -->`` markers lists every package and
module of ``src/insats`` in layer order with the first line of its docstring. When the
tree changes, regenerate it::

    .venv/bin/python tests/unit/core/test_readme_module_map.py --write
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SRC = REPO / "src" / "insats"
START, END = "<!-- module-map:start -->", "<!-- module-map:end -->"


def _layers() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contract = config["tool"]["importlinter"]["contracts"][0]
    return [layer for line in contract["layers"] for layer in line.replace(" ", "").split("|")]


def _summary(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first = doc.strip().split("\n\n")[0].replace("\n", " ").strip()
    return first.split(". ")[0].rstrip(".")


def _entries(module: str) -> list[tuple[str, str]]:
    parts = module.split(".")[1:]
    base = SRC.joinpath(*parts)
    if base.with_suffix(".py").is_file():
        return [(module, _summary(base.with_suffix(".py")))]
    rows = [(module + "/", _summary(base / "__init__.py"))]
    for path in sorted(base.rglob("*.py")):
        if path.name == "__init__.py" and path.parent == base:
            continue
        rel = path.relative_to(base)
        name = "/".join(rel.with_suffix("").parts).replace("/__init__", "/")
        rows.append((f"  {name}", _summary(path)))
    return rows


def expected_map() -> str:
    lines = ["```"]
    for module in _layers():
        for name, summary in _entries(module):
            lines.append(f"{name.removeprefix('insats.'):<28} {summary}".rstrip())
    lines.append("```")
    return "\n".join(lines)


def _readme() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


def test_every_module_of_the_tree_is_in_a_layer():
    listed = set(_layers())
    top = {
        f"insats.{p.stem if p.is_file() else p.name}"
        for p in SRC.iterdir()
        if (p.suffix == ".py" and p.name != "__init__.py") or (p / "__init__.py").is_file()
    }
    assert top - listed == set(), "add the module to the layers contract in pyproject.toml"


def test_readme_module_map_matches_the_tree():
    text = _readme()
    assert START in text and END in text
    block = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert block == expected_map(), (
        "README's module map differs from src/insats: run "
        ".venv/bin/python tests/unit/core/test_readme_module_map.py --write"
    )


if __name__ == "__main__" and "--write" in sys.argv:
    text = _readme()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    (REPO / "README.md").write_text(
        f"{head}{START}\n{expected_map()}\n{END}{tail}", encoding="utf-8"
    )
