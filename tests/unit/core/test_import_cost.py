"""insats blocks the slow optional `rfc3987_syntax` import (issue 14) without weakening
notebook validation: a bad notebook is still refused, a good one accepted."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_nbformat_after_insats_does_not_import_rfc3987_syntax() -> None:
    out = _run(
        """
        import sys
        import insats, nbformat, jsonschema
        print("rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is not None)
        """
    )
    assert out == "False"


def test_notebook_validation_still_refuses_a_bad_notebook() -> None:
    out = _run(
        """
        import insats, nbformat
        good = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        nbformat.validate(good)
        bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
        bad.cells[0]["cell_type"] = "no-such-type"
        try:
            nbformat.validate(bad)
        except nbformat.ValidationError:
            print("refused")
        """
    )
    assert out == "refused"
