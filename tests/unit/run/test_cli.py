"""The `insats` console command: exit codes and listings as a user sees them."""

from pathlib import Path

from typer.testing import CliRunner

from insats.cli import app

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "data" / "sample"
runner = CliRunner()

BAD_CSV = (
    "Deltagar-ID;Insats;Grupp;Kommun;Kön;Startdatum;Slutdatum;Avslutsorsak\n"
    "A1;Första steget;1;Klippan;Kvinna;2021-02-01;2021-06-01;Fullföljt\n"
    "A2;Första steget;1;Klippan;Kvnna;2021-02-01;2021-01-01;Fullföljt\n"
    "A2;Första steget;1;Klippan;Man;2021-02-01;;\n"
)


def test_validate_clean_sample_exits_0():
    result = runner.invoke(app, ["validate", str(SAMPLE / "forsta_steget_deltagare.csv")])
    assert result.exit_code == 0, result.output


def test_validate_lists_every_problem_and_exits_1(tmp_path):
    path = tmp_path / "deltagare.csv"
    path.write_text(BAD_CSV, encoding="cp1252")
    before = path.read_bytes()
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    out = result.output
    assert "row 3" in out and "kvnna" in out.lower()  # unknown code, with its row
    assert "before" in out.lower() or "end" in out.lower()  # end date before start
    assert "row 4" in out  # the duplicate A2
    assert path.read_bytes() == before, "the input file must never change"


def test_run_refuses_invalid_data_and_writes_nothing(tmp_path):
    data = tmp_path / "deltagare.csv"
    data.write_text(BAD_CSV, encoding="cp1252")
    params = tmp_path / "p.yaml"
    params.write_text(
        "project: Första steget\nperiod: 2021-T2\nparticipants_path: deltagare.csv\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(params), "--out", str(out)])
    assert result.exit_code == 1
    assert "kvnna" in result.output.lower()
    assert not out.exists()


def test_run_names_an_unknown_parameter(tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text("project: X\nperiod: 2021\nparticipants_path: a.csv\ndeadwieght: 0.2\n")
    result = runner.invoke(app, ["run", str(params)])
    assert result.exit_code == 2
    assert "deadwieght" in result.output


def test_run_without_key_for_personnummer_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("INSATS_PSEUDONYM_KEY", raising=False)
    result = runner.invoke(
        app,
        ["run", str(REPO / "parameters" / "etableringssparet.yaml"), "--out", str(tmp_path / "o")],
    )
    assert result.exit_code == 1
    assert "INSATS_PSEUDONYM_KEY" in result.output
    assert not (tmp_path / "o").exists()


def test_period_command():
    result = runner.invoke(app, ["period", "210501-210831"])
    assert result.exit_code == 0
    assert "2021-05-01\t2021-08-31" in result.output


def test_run_lists_problems_of_every_input_file_at_once(tmp_path):
    data = tmp_path / "deltagare.csv"
    data.write_text(BAD_CSV, encoding="cp1252")
    finance = tmp_path / "ekonomi.csv"
    finance.write_text(
        "Insats;Kommun;Period;Beviljade medel;Fakturerade kostnader\n"
        "Första steget;Klippan;2021-T7;100;abc\n",
        encoding="cp1252",
    )
    params = tmp_path / "p.yaml"
    params.write_text(
        "project: Första steget\nperiod: 2021-T2\nparticipants_path: deltagare.csv\n"
        "finance_path: ekonomi.csv\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["run", str(params), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "deltagare.csv" in result.output and "ekonomi.csv" in result.output
    assert "2021-T7" in result.output and "abc" in result.output
