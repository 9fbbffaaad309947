"""Hostile parameters files: each refused with a clear message, never a traceback (issue 15)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from insats.params import ParameterError, load_parameters, validate_parameters

REPO = Path(__file__).resolve().parents[3]
MINIMAL = "project: X\nperiod: 2021-T2\nparticipants_path: a.csv\n"


def write(folder: Path, text: str | bytes, name: str = "p.yaml") -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(ParameterError) as error:
        load_parameters(path)
    message = str(error.value)
    assert "Traceback" not in message
    return message


def test_min_cell_count_below_three_is_refused_for_the_namnd(tmp_path):
    for value in (1, 2):
        message = refused(write(tmp_path, MINIMAL + f"min_cell_count: {value}\n"))
        assert "min_cell_count" in message and "at least 3" in message and "namnd" in message
    assert load_parameters(write(tmp_path, MINIMAL + "min_cell_count: 3\n")).min_cell_count == 3
    assert load_parameters(write(tmp_path, MINIMAL)).min_cell_count == 5  # default unchanged
    internal = MINIMAL + "audience: internal\nmin_cell_count: 1\n"
    assert load_parameters(write(tmp_path, internal)).min_cell_count == 1
    with pytest.raises(ParameterError, match="min_cell_count"):
        validate_parameters(
            {"project": "X", "period": "2021", "participants_path": "a.csv", "min_cell_count": 2}
        )


def test_duplicate_keys_are_refused_naming_both_lines(tmp_path):
    message = refused(
        write(tmp_path, MINIMAL + "audience: namnd\nlanguage: sv\naudience: internal\n")
    )
    assert "'audience' is given twice (lines 4 and 6)" in message


def test_deeply_nested_yaml_is_refused(tmp_path):
    message = refused(write(tmp_path, MINIMAL + "funder_shares: " + "[" * 100_000 + "]" * 100_000))
    assert "nested deeper than" in message
    message = refused(write(tmp_path, MINIMAL + "x:\n" + "".join(
        "  " * i + f"k{i}:\n" for i in range(1, 50)
    ) + "  " * 50 + "v\n"))  # fmt: skip
    assert "nested deeper than" in message


def test_binary_yaml_is_refused(tmp_path):
    assert "binary" in refused(write(tmp_path, b"\x00\x01\x02\xff\xfe" * 100))
    assert "not UTF-8" in refused(write(tmp_path, b"project: \xff\xfe\n"))
    assert "control character" in refused(write(tmp_path, b"project: X\x07\n"))
    assert "tag" in refused(write(tmp_path, MINIMAL + "title: !!binary aGVsbG8=\n"))
    assert "aliases" in refused(write(tmp_path, MINIMAL + "a: &x [1, 2]\nb: *x\n"))


def test_a_huge_parameters_file_is_refused_before_parsing(tmp_path):
    message = refused(write(tmp_path, MINIMAL + "# " + "x" * 2_000_000 + "\n"))
    assert "at most 1000000 bytes" in message


def test_narrative_path_outside_the_parameters_folder_is_refused(tmp_path):
    message = refused(write(tmp_path, MINIMAL + "narrative_path: /etc/passwd\n"))
    assert "narrative_path" in message and "outside" in message and "data_root" in message
    assert "root:" not in message  # nothing of the file is quoted
    both = refused(write(tmp_path, MINIMAL + "narrative_path: /etc/passwd\nmin_cell_count: 1\n"))
    assert "narrative_path" in both and "min_cell_count" in both  # all problems at once


def test_a_symlink_out_of_the_folder_is_refused(tmp_path):
    (tmp_path / "p").mkdir()
    os.symlink("/etc/passwd", tmp_path / "p" / "text.md")
    message = refused(write(tmp_path / "p", MINIMAL + "narrative_path: text.md\n"))
    assert "narrative_path" in message and "outside" in message


def test_inputs_must_be_regular_files_of_the_expected_kind(tmp_path):
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    message = refused(write(tmp_path, "project: X\nperiod: 2021\nparticipants_path: notes.md\n"))
    assert "participants_path" in message and ".csv" in message
    message = refused(write(tmp_path, "project: X\nperiod: 2021\nparticipants_path: folder.csv\n"))
    assert "not a regular file" in message


def test_data_root_allows_a_data_folder_elsewhere(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "parameters").mkdir()
    text = "project: X\nperiod: 2021\nparticipants_path: ../data/a.csv\n"
    assert "outside" in refused(write(tmp_path / "parameters", text))
    params = load_parameters(write(tmp_path / "parameters", text + "data_root: ../data\n"))
    assert Path(params.participants_path) == (tmp_path / "data" / "a.csv").resolve()
    assert "data_root" in refused(write(tmp_path / "parameters", text + "data_root: ../none\n"))


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "parameters").glob("*.yaml")))
def test_bundled_parameters_still_load(name):
    assert load_parameters(REPO / "parameters" / name).min_cell_count >= 3
