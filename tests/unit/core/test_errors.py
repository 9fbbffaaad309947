"""One exception base: every error insats raises for a user is an InsatsError (issue 13)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys

import insats
from insats.errors import InsatsError, UsageError


def _public_exceptions():
    for info in pkgutil.walk_packages(insats.__path__, "insats."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseException)
                and obj.__module__ == module.__name__
                and not name.startswith("_")
            ):
                yield f"{info.name}.{name}", obj


def test_every_public_exception_of_insats_is_an_insats_error():
    found = dict(_public_exceptions())
    assert len(found) >= 15, sorted(found)  # the walk saw the package, not an empty list
    outside = sorted(name for name, cls in found.items() if not issubclass(cls, InsatsError))
    assert outside == []


def test_errors_keep_their_builtin_base_so_old_callers_still_catch_them():
    from insats.params import ParameterError
    from insats.periods import PeriodError

    assert issubclass(ParameterError, ValueError) and ParameterError.exit_code == 2
    assert issubclass(PeriodError, ValueError) and PeriodError.exit_code == 2
    assert UsageError("x").exit_code == 2 and InsatsError("y").user_message() == "y"


def test_the_command_line_exits_with_the_errors_code_and_no_traceback(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "insats", "run", str(tmp_path / "missing.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2  # ParameterError: the command was asked wrongly
    assert "parameters file not found" in done.stderr
    assert "Traceback" not in done.stderr
