"""The import structure of ``src/insats`` (issue 13).

* every import of an insats module inside a function is either a documented lazy hook
  (``_repr_html_``, which reaches ``insats.report.sections``) or carries a ``# lazy:``
  comment giving its reason;
* the import-linter layers contract in pyproject.toml holds;
* ``import insats.cli`` loads no papermill, nbconvert or nbclient, so a refusal of
  ``insats run`` (missing parameters file) does not pay for them.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"


def function_level_insats_imports(root: Path) -> list[tuple[str, int, str, str, str]]:
    """``(file, line, function, module, source)`` for each insats import inside a function."""
    found: list[tuple[str, int, str, str, str]] = []
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        rel = str(path.relative_to(root.parent))
        found.extend(_visit(ast.parse(source, filename=rel), None, rel, source.splitlines()))
    return found


def _visit(
    node: ast.AST, function: str | None, rel: str, lines: list[str]
) -> list[tuple[str, int, str, str, str]]:
    found: list[tuple[str, int, str, str, str]] = []
    for child in ast.iter_child_nodes(node):
        inner = function
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = child.name
        if function is not None and isinstance(child, ast.Import | ast.ImportFrom):
            if isinstance(child, ast.Import):
                modules = [alias.name for alias in child.names]
            else:
                modules = ["." * child.level + (child.module or "")]
            for module in modules:
                if module == "insats" or module.startswith(("insats.", ".")):
                    text = "\n".join(lines[child.lineno - 1 : child.end_lineno])
                    found.append((rel, child.lineno, function, module, text))
        found.extend(_visit(child, inner, rel, lines))
    return found


def test_the_walk_finds_a_function_level_import(tmp_path: Path) -> None:
    pkg = tmp_path / "src" / "insats"
    pkg.mkdir(parents=True)
    (pkg / "a.py").write_text(
        "import insats.b\n\n\ndef f():\n    from insats import c\n\n\n"
        "class R:\n    def _repr_html_(self):\n        from insats.report import s\n",
        encoding="utf-8",
    )
    found = function_level_insats_imports(tmp_path / "src")
    assert [(f, line, fn, m) for f, line, fn, m, _ in found] == [
        ("src/insats/a.py", 5, "f", "insats"),
        ("src/insats/a.py", 10, "_repr_html_", "insats.report"),
    ]


def test_function_level_imports_are_lazy_hooks_or_say_why() -> None:
    offenders = [
        f"{file}:{line} in {function}(): {text.strip()}"
        for file, line, function, _module, text in function_level_insats_imports(SRC)
        if function != "_repr_html_" and "# lazy:" not in text
    ]
    assert offenders == [], "move to module level or add '# lazy: <reason>':\n" + "\n".join(
        offenders
    )


def test_repr_html_hooks_reach_only_report_sections() -> None:
    hooks = [
        (file, module)
        for file, _line, function, module, _text in function_level_insats_imports(SRC)
        if function == "_repr_html_"
    ]
    assert hooks, "the _repr_html_ hooks of the results were not found"
    assert [h for h in hooks if not h[1].startswith("insats.report.sections")] == []


def test_layers_contract_holds() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_importing_the_cli_loads_no_notebook_machinery() -> None:
    code = (
        "import json, sys\n"
        "import insats.cli\n"
        "print(json.dumps(sorted(m for m in ('papermill', 'nbconvert', 'nbclient')"
        " if m in sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_kernel_template_starts_on_the_standard_library() -> None:
    # The template process imports insats.run.template before it binds its socket;
    # the runner waits for that socket.
    code = (
        "import json, sys\n"
        "from insats.run.template import _template_main\n"
        "print(json.dumps(sorted(m for m in ('pandas', 'numpy', 'jupyter_client')"
        " if m in sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
