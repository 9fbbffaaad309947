"""The parameter model: unknown keys named, paths resolved, overrides applied."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from insats.params import ParameterError, ReportParameters, load_parameters

REPO = Path(__file__).resolve().parents[3]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_key_is_named(tmp_path):
    path = write(
        tmp_path, "project: X\nperiod: 2021-T2\nparticipants_path: a.csv\nhorizon_year: 5\n"
    )
    with pytest.raises(ParameterError) as err:
        load_parameters(path)
    assert "horizon_year" in str(err.value)
    assert "unknown key" in str(err.value)
    assert "p.yaml" in str(err.value)


def test_all_problems_at_once(tmp_path):
    path = write(tmp_path, "period: 2021-T2\ndiscount_rate: 3\nfoo: 1\n")
    with pytest.raises(ParameterError) as err:
        load_parameters(path)
    text = str(err.value)
    for key in ("project", "participants_path", "discount_rate", "foo"):
        assert key in text


def test_relative_paths_resolve_against_the_file(tmp_path):
    sub = tmp_path / "parameters"
    sub.mkdir()
    path = sub / "x.yaml"
    path.write_text(
        "project: X\nperiod: 2021\nparticipants_path: ../data/a.csv\ndata_root: ..\n",
        encoding="utf-8",
    )  # data_root: inputs outside the parameters folder must be allowed explicitly (issue 15)
    params = load_parameters(path)
    assert Path(params.participants_path) == (tmp_path / "data" / "a.csv").resolve()


def test_flags_override_file(tmp_path):
    path = write(tmp_path, "project: X\nperiod: 2021-T2\nparticipants_path: a.csv\n")
    params = load_parameters(path, period="2021-T3", language=None)
    assert params.period == "2021-T3"
    assert params.language == "sv"


def test_bad_period_is_rejected(tmp_path):
    path = write(tmp_path, "project: X\nperiod: 2021-T4\nparticipants_path: a.csv\n")
    with pytest.raises(ParameterError) as err:
        load_parameters(path)
    assert "period" in str(err.value)


def test_funder_shares_must_sum_to_one(tmp_path):
    path = write(
        tmp_path,
        "project: X\nperiod: 2021\nparticipants_path: a.csv\n"
        "funder_shares: {state: 0.5, region: 0.3, municipality: 0.3}\n",
    )
    with pytest.raises(ParameterError, match="sum to 1"):
        load_parameters(path)


def test_model_is_frozen():
    params = ReportParameters(project="X", period="2021", participants_path="a.csv")
    with pytest.raises(ValidationError, match="frozen"):
        params.project = "Y"  # type: ignore[misc]


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "parameters").glob("*.yaml")))
def test_shipped_parameter_files_are_valid(name):
    params = load_parameters(REPO / "parameters" / name)
    # participants_path is optional since issue 12 (ny_i_vasteras has activities instead)
    assert params.participants_path or params.activities_path
    for path in (params.participants_path, params.activities_path):
        assert path is None or Path(path).exists()
