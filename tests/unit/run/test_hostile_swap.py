"""An input swapped during a run: validated, reported and hashed must be the same bytes.

Before issue 15 the runner validated file A, the kernel read it again (B) and the
manifest hashed it a third time (C). Now each input is read once into a private copy.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "data" / "sample"

pytestmark = pytest.mark.e2e


def test_a_file_swapped_during_the_run_cannot_split_validated_reported_hashed(
    tmp_path, monkeypatch
):
    import insats.report.build as build
    import insats.report.manifest as manifest_mod
    import insats.run.runner as runner_mod
    from insats.params import load_parameters
    from insats.run.runner import run_report

    # A name no other run uses: concurrent runs of the sample leave their own snapshots.
    data = tmp_path / f"swap-{tmp_path.name}-deltagare.csv"
    shutil.copy(SAMPLE / "forsta_steget_deltagare.csv", data)
    a = data.read_bytes()
    lines = a.split(b"\n")
    b = b"\n".join(lines[:-12]) + b"\n"  # B: twelve participants fewer
    c = b"\n".join(lines[:-24]) + b"\n"  # C: twenty-four fewer
    (tmp_path / "p.yaml").write_text(
        "project: Första steget\nperiod: 2021-T2\naudience: internal\n"
        f"participants_path: {data.name}\n",
        encoding="utf-8",
    )
    real_check, real_manifest = build.check_inputs, manifest_mod.build_manifest

    def check_then_swap(*args, **kwargs):
        result = real_check(*args, **kwargs)
        data.write_bytes(b)  # after validation, before the kernel reads
        return result

    def swap_then_hash(*args, **kwargs):
        data.write_bytes(c)  # after the kernel, before the manifest hashes
        return real_manifest(*args, **kwargs)

    monkeypatch.setattr(build, "check_inputs", check_then_swap)
    monkeypatch.setattr(manifest_mod, "build_manifest", swap_then_hash)
    # the runner imports build_manifest at module level: patch the name it calls
    monkeypatch.setattr(runner_mod, "build_manifest", swap_then_hash)
    result = run_report(load_parameters(tmp_path / "p.yaml"), tmp_path / "out")

    sha = {name: hashlib.sha256(x).hexdigest() for name, x in (("a", a), ("b", b), ("c", c))}
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    entry = manifest["inputs"]["participants"]
    assert entry["sha256"] == sha["a"] and entry["bytes"] == len(a)
    assert entry["path"] == data.name and "outside_base_dir" in entry  # the original's name
    html = result.html_path.read_text(encoding="utf-8")
    assert sha["a"] in html  # the kernel's own provenance: it computed from A
    assert sha["b"] not in html and sha["c"] not in html
    assert data.read_bytes() == c  # the input itself is never changed by the run
    leftovers = list(Path(__import__("tempfile").gettempdir()).glob("insats-inputs-*"))
    assert not [p for p in leftovers if (p / "participants_path" / data.name).exists()]
