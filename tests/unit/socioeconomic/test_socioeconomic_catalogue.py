"""The unit-cost catalogue and the KPI table: reading, checking, rebasing, locating."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from insats.params import ReportParameters
from insats.socioeconomic.catalogue import (
    DAYS_PER_YEAR,
    CatalogueError,
    build_catalogue,
    default_unit_costs_dir,
    load_catalogue,
    packaged_unit_costs_dir,
    read_price_index,
    read_unit_costs,
    rebase,
)

REPO_DATA = Path(__file__).resolve().parents[3] / "data" / "unit_costs"


def params(**kw) -> ReportParameters:
    base = dict(project="X", period="2024", participants_path="x.csv")
    base.update(kw)
    return ReportParameters(**base)


def test_shipped_catalogue_reads_and_holds_the_domain_values():
    costs = read_unit_costs(REPO_DATA / "unit_costs_2024.csv").set_index(
        ["status", "actor", "kind"]
    )
    # values and sources as in docs/domain.md
    assert costs.loc[("social_assistance", "municipality", "transfer"), "amount_sek"] == 75_045
    assert (
        costs.loc[("establishment_allowance", "social_insurance", "transfer"), "amount_sek"] == 308
    )
    assert costs.loc[("activity_support", "social_insurance", "transfer"), "amount_sek"] == 223
    assert costs.loc[("employment", "individual", "wage"), "amount_sek"] == 21_570
    # extratjänst subsidy = full wage + employer contributions: 21 570 × 1.3142
    assert costs.loc[
        ("subsidised_employment", "employment_service", "subsidy"), "amount_sek"
    ] == pytest.approx(21_570 * 1.3142, abs=0.01)
    assert costs["source"].str.len().min() > 10


def test_annual_amounts_day_rates_times_260():
    cat = load_catalogue(params())
    items = cat.items.set_index("item")
    # 308 kr/day × 260 days = 80 080 kr a year; 223 × 260 = 57 980
    assert DAYS_PER_YEAR == 260
    assert items.loc[
        "establishment_allowance:social_insurance:transfer", "amount_sek_per_year"
    ] == pytest.approx(80_080)
    assert items.loc[
        "activity_support:social_insurance:transfer", "amount_sek_per_year"
    ] == pytest.approx(57_980)
    # 21 570 kr/month × 12 = 258 840 kr a year
    assert items.loc["employment:individual:wage", "amount_sek_per_year"] == pytest.approx(258_840)
    # low 231 kr/day × 260 = 60 060 from the catalogue; default range ±20 % elsewhere
    assert items.loc[
        "establishment_allowance:social_insurance:transfer", "low_sek_per_year"
    ] == pytest.approx(60_060)
    assert items.loc[
        "social_assistance:municipality:transfer", "low_sek_per_year"
    ] == pytest.approx(75_045 * 0.8)
    est = cat.items[cat.items["is_estimate"]]
    assert set(est["status"]) == {
        "social_assistance",
        "establishment_allowance",
        "activity_support",
    }
    assert est["source"].str.contains("Uppskattning").all()


def test_kpi_values_and_rebasing():
    kpi = read_price_index(REPO_DATA / "kpi.csv")
    # SCB, KPI fastställda tal 1980=100, årsmedel
    assert kpi[2014] == 313.49
    assert kpi[2022] == 371.91
    assert kpi[2023] == 403.70
    assert 2025 not in kpi.index  # listed without a verified value
    assert set(range(2014, 2025)) <= set(kpi.index)
    # 34 200 kr (2022) in 2024 prices: 34 200 × 415.01 / 371.91 = 38 163.38
    assert rebase(34_200, 2022, 2024, kpi) == pytest.approx(34_200 * 415.01 / 371.91)
    with pytest.raises(CatalogueError, match="2025"):
        rebase(1.0, 2024, 2025, kpi)


def test_price_year_rebases_every_row():
    costs = read_unit_costs(REPO_DATA / "unit_costs_2024.csv")
    kpi = read_price_index(REPO_DATA / "kpi.csv")
    cat = build_catalogue(costs, kpi, price_year=2023, relative_cost_range=0.2)
    fbs = cat.items.set_index("item").loc["social_assistance:municipality:transfer"]
    assert fbs["amount_sek_per_year"] == pytest.approx(75_045 * 403.70 / 415.01)


def test_bad_catalogue_lists_every_problem(tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text(
        "status,actor,kind,amount_sek,per,price_year,source,note\n"
        "social_assistance,municipality,transfer,75045,year,2024,Socialstyrelsen,ok\n"
        "employment,municipality,wage,21570,month,2024,ka.se,wrong actor\n"
        "social_assistance,municipality,gift,abc,week,20x4,,three problems\n"
        "social_assistance,municipality,transfer,1,year,2024,dup,duplicate key\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as err:
        read_unit_costs(path)
    text = str(err.value)
    assert "row 3, column actor: 'municipality'" in text
    assert "row 4, column kind: 'gift'" in text
    assert "row 4, column amount_sek: 'abc'" in text
    assert "row 4, column per: 'week'" in text
    assert "row 4, column price_year: '20x4'" in text
    assert "row 4, column source" in text
    assert "rows [2, 5]" in text and "more than once" in text
    assert str(path) in text


def test_missing_columns_and_files(tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text("status,actor\nx,y\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="missing column"):
        read_unit_costs(path)
    with pytest.raises(CatalogueError, match="not found"):
        read_unit_costs(tmp_path / "nope.csv")
    bad = tmp_path / "kpi.csv"
    bad.write_text("year,index_1980_100\n2024,abc\n20x5,1\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        read_price_index(bad)
    assert "row 2" in str(err.value) and "row 3" in str(err.value)


def test_catalogue_location_env_var_and_project_files(tmp_path, monkeypatch):
    folder = tmp_path / "unit_costs"
    folder.mkdir()
    text = (REPO_DATA / "unit_costs_2024.csv").read_text(encoding="utf-8")
    (folder / "unit_costs_2024.csv").write_text(
        text.replace(",75045,", ",80000,"), encoding="utf-8"
    )
    (folder / "kpi.csv").write_text(
        (REPO_DATA / "kpi.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.setenv("INSATS_DATA_DIR", str(tmp_path))
    assert default_unit_costs_dir() == folder
    items = load_catalogue(params()).items.set_index("item")
    assert items.loc["social_assistance:municipality:transfer", "amount_sek_per_year"] == 80_000
    monkeypatch.delenv("INSATS_DATA_DIR")
    assert default_unit_costs_dir() == REPO_DATA
    # a project's own catalogue via the parameters
    own = load_catalogue(params(unit_costs_path=str(folder / "unit_costs_2024.csv")))
    assert own.unit_costs_path == str(folder / "unit_costs_2024.csv")
    monkeypatch.setenv("INSATS_DATA_DIR", str(tmp_path / "missing"))
    with pytest.raises(CatalogueError, match="INSATS_DATA_DIR"):
        default_unit_costs_dir()


def test_packaged_copy_is_identical_to_the_repository_catalogue():
    # data/unit_costs/ is the source of truth; the package ships a copy for wheels
    for name in ("unit_costs_2024.csv", "kpi.csv", "income_tax_rules.csv"):
        assert (packaged_unit_costs_dir() / name).read_bytes() == (REPO_DATA / name).read_bytes(), (
            f"copy data/unit_costs/{name} to src/insats/resources/unit_costs/"
        )


def test_catalogue_frame_is_tidy():
    frame = load_catalogue(params()).to_frame()
    assert frame["item"].is_unique
    assert (frame["low_sek_per_year"] <= frame["amount_sek_per_year"]).all()
    assert (frame["high_sek_per_year"] >= frame["amount_sek_per_year"]).all()
    assert set(frame["range_source"]) <= {"catalogue", "relative"}
    assert isinstance(frame, pd.DataFrame)
