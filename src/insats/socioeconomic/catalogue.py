"""The unit-cost catalogue and the price index it is rebased with.

The catalogue is a CSV with one row per status, actor and kind::

    status, actor, kind, amount_sek, per, price_year, source, note[, low_sek, high_sek]

- ``status`` is a code of the data contract: a support code (``social_assistance`` …:
  who pays a transfer, who spends caseworker time) or an outcome code
  (``employment``, ``subsidised_employment``: what is produced, who pays a subsidy).
- ``kind`` is ``wage`` (actor ``individual``; production, income tax and employer
  contributions are derived from it with the rates in the parameters), ``transfer``
  (actor = the payer; the individual receives it), ``service`` (actor = the producer)
  or ``subsidy`` (actor = the payer; the employer receives it).
- ``per`` is ``year``, ``month`` (× 12) or ``day`` (× 260: five days a week).
- ``price_year`` is the year the amount is priced in; amounts are rebased to the
  report's price year with the KPI table (SCB, annual averages, 1980 = 100).

Where the files live (one source of truth: ``data/unit_costs/`` in the repository):

1. ``params.unit_costs_path`` / ``params.price_index_path`` when given;
2. else ``$INSATS_DATA_DIR/unit_costs/`` when that variable is set;
3. else ``data/unit_costs/`` of the repository the package is imported from
   (the editable install used for reports);
4. else the copy shipped inside the package (``insats/resources/unit_costs/``) for
   non-editable installs; a test keeps that copy identical to ``data/unit_costs/``.

Values without an official source (caseworker time) are not in the CSV: they are
parameters with a stated estimate and enter the catalogue here, marked as estimates.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from insats.cohort.schema import OUTCOME, SUPPORT
from insats.errors import InsatsError

DAYS_PER_YEAR = 260  # five days a week, as Arbetsförmedlingen and FK pay day rates
PER_FACTOR = {"year": 1.0, "month": 12.0, "day": float(DAYS_PER_YEAR)}
KINDS = ("wage", "transfer", "service", "subsidy")
STATE_PARTS = ("employment_service", "social_insurance", "other_state")
CATALOGUE_ACTORS = ("municipality", "region", "state", *STATE_PARTS, "individual")
CATALOGUE_COLUMNS = ("status", "actor", "kind", "amount_sek", "per", "price_year", "source", "note")
OPTIONAL_COLUMNS = ("low_sek", "high_sek")
# Optional text columns: ``duration_months`` (how long the status lasts, blank = as long
# as the account; all rows of a status must agree) and ``moves_with`` (the item, as
# ``status:actor:kind``, whose uncertainty this derived amount follows, e.g. the
# extratjänst subsidy = wage × (1 + employer contribution) moves with the wage).
EXTRA_COLUMNS = ("duration_months", "moves_with")
# Support codes that need no catalogue row: a wage is booked from the outcome's wage
# row, "none" has no transfer. Every other support code in the data needs a row.
SUPPORT_WITHOUT_ROW = ("wage", "none", "unknown")
UNIT_COSTS_FILE = "unit_costs_2024.csv"
PRICE_INDEX_FILE = "kpi.csv"
STATUS_CODES = (set(SUPPORT) | set(OUTCOME)) - {"unknown"}


class CatalogueError(InsatsError, ValueError):
    """A unit-cost catalogue or price index that cannot be used; lists every problem."""


def default_unit_costs_dir() -> Path:
    """The folder holding the shipped catalogue (see the module docstring for the order).

    Raises:
        CatalogueError: when ``$INSATS_DATA_DIR`` is set but holds no ``unit_costs/``.
    """
    env = os.environ.get("INSATS_DATA_DIR")
    if env:
        folder = Path(env) / "unit_costs"
        if not (folder / UNIT_COSTS_FILE).is_file():
            raise CatalogueError(
                f"INSATS_DATA_DIR={env}: expected {folder / UNIT_COSTS_FILE} to exist"
            )
        return folder
    repo = Path(__file__).resolve().parents[3] / "data" / "unit_costs"
    if (repo / UNIT_COSTS_FILE).is_file():
        return repo
    return Path(str(resources.files("insats") / "resources" / "unit_costs"))


def packaged_unit_costs_dir() -> Path:
    """The copy inside the package (for installs without the repository)."""
    return Path(str(resources.files("insats") / "resources" / "unit_costs"))


def read_price_index(path: str | Path) -> pd.Series:
    """Read the price index table: ``year, index_1980_100, status, source``.

    Returns:
        The index by year (float), only the years that have a value.

    Raises:
        CatalogueError: naming file, row, column and value of every problem.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError as exc:
        raise CatalogueError(f"{path}: price index file not found") from exc
    problems = []
    for column in ("year", "index_1980_100"):
        if column not in raw.columns:
            problems.append(f"{path}: missing column {column!r}")
    if problems:
        raise CatalogueError("\n".join(problems))
    values: dict[int, float] = {}
    for i, row in raw.iterrows():
        line = int(i) + 2  # header is row 1
        try:
            year = int(row["year"])
        except ValueError:
            problems.append(f"{path}, row {line}, column year: {row['year']!r} is not a year")
            continue
        text = row["index_1980_100"].strip()
        if not text:
            continue  # a year listed without a verified value (see the README)
        try:
            value = float(text)
        except ValueError:
            problems.append(f"{path}, row {line}, column index_1980_100: {text!r} is not a number")
            continue
        if value <= 0:
            problems.append(f"{path}, row {line}, column index_1980_100: {text!r} must be > 0")
        values[year] = value
    if problems:
        raise CatalogueError("\n".join(problems))
    return pd.Series(values, name="index_1980_100", dtype=float).sort_index()


def rebase(amount: float, from_year: int, to_year: int, index: pd.Series) -> float:
    """Express an amount priced in ``from_year`` in ``to_year`` prices.

    >>> idx = pd.Series({2022: 371.91, 2024: 415.01})
    >>> round(rebase(34200, 2022, 2024, idx))
    38163
    """
    missing = [y for y in (from_year, to_year) if y not in index.index]
    if missing:
        raise CatalogueError(
            f"the price index has no value for {missing}: add SCB's KPI annual average "
            f"(data/unit_costs/{PRICE_INDEX_FILE}) or choose another price_year"
        )
    return float(amount) * float(index[to_year]) / float(index[from_year])


def read_unit_costs(path: str | Path) -> pd.DataFrame:  # noqa: C901 - one check per column of the catalogue, all problems at once
    """Read and check a unit-cost catalogue CSV (columns in the module docstring).

    Returns:
        One row per catalogue line with ``amount_sek``, ``low_sek``, ``high_sek`` (float,
        NaN when not given), ``price_year`` (int) and ``source_row`` (header = row 1).

    Raises:
        CatalogueError: naming file, row, column, value and what was expected, for every
            problem at once.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError as exc:
        raise CatalogueError(f"{path}: unit-cost catalogue not found") from exc
    missing = [c for c in CATALOGUE_COLUMNS if c not in raw.columns]
    if missing:
        raise CatalogueError(
            f"{path}: missing column(s) {missing}; expected {list(CATALOGUE_COLUMNS)}"
        )
    problems: list[str] = []
    rows = []
    for i, row in raw.iterrows():
        line = int(i) + 2

        def bad(column: str, value: object, expected: str, line: int = line) -> None:
            problems.append(f"{path}, row {line}, column {column}: {value!r} — expected {expected}")

        status, actor, kind, per = (row[c].strip() for c in ("status", "actor", "kind", "per"))
        if status not in STATUS_CODES:
            bad("status", status, "a support or outcome code of insats.cohort.schema")
        if kind not in KINDS:
            bad("kind", kind, f"one of {list(KINDS)}")
        if actor not in CATALOGUE_ACTORS:
            bad("actor", actor, f"one of {list(CATALOGUE_ACTORS)}")
        elif kind == "wage" and actor != "individual":
            bad("actor", actor, "'individual' for a wage")
        elif kind in ("transfer", "subsidy") and actor == "individual":
            bad("actor", actor, "the paying public actor for a transfer or subsidy")
        if kind == "wage" and status not in ("employment", "subsidised_employment"):
            bad("status", status, "employment or subsidised_employment for a wage")
        if per not in PER_FACTOR:
            bad("per", per, f"one of {list(PER_FACTOR)}")
        numbers = {}
        for column in ("amount_sek", *OPTIONAL_COLUMNS):
            text = str(row.get(column, "")).strip().replace(" ", "").replace("\u00a0", "")
            if not text:
                numbers[column] = np.nan
                if column == "amount_sek":
                    bad(column, text, "an amount in kronor")
                continue
            try:
                numbers[column] = float(text.replace(",", "."))
            except ValueError:
                bad(column, text, "a number (kronor)")
                numbers[column] = np.nan
                continue
            if numbers[column] < 0:
                bad(column, text, "a non-negative amount")
        low, amount, high = numbers["low_sek"], numbers["amount_sek"], numbers["high_sek"]
        if not np.isnan(low) and not np.isnan(amount) and low > amount:
            bad("low_sek", row["low_sek"], f"at most amount_sek ({amount:g})")
        if not np.isnan(high) and not np.isnan(amount) and high < amount:
            bad("high_sek", row["high_sek"], f"at least amount_sek ({amount:g})")
        try:
            price_year = int(row["price_year"])
        except ValueError:
            bad("price_year", row["price_year"], "a year such as 2024")
            price_year = -1
        if not row["source"].strip():
            bad("source", "", "the source of the value (every value carries one)")
        duration_text = str(row.get("duration_months", "")).strip()
        duration = np.nan
        if duration_text:
            try:
                duration = float(int(duration_text))
                if duration <= 0:
                    raise ValueError
            except ValueError:
                bad("duration_months", duration_text, "a whole number of months > 0, or blank")
        moves_with = str(row.get("moves_with", "")).strip()
        rows.append(
            {
                "status": status,
                "actor": actor,
                "kind": kind,
                "amount_sek": amount,
                "per": per,
                "price_year": price_year,
                "source": row["source"].strip(),
                "note": row["note"].strip(),
                "low_sek": low,
                "high_sek": high,
                "duration_months": duration,
                "moves_with": moves_with,
                "source_row": line,
            }
        )
    keys = pd.DataFrame(rows)
    if not keys.empty:
        dupes = keys[keys.duplicated(["status", "actor", "kind"], keep=False)]
        for (status, actor, kind), group in dupes.groupby(["status", "actor", "kind"]):
            problems.append(
                f"{path}, rows {list(group['source_row'])}: status {status!r}, actor {actor!r}, "
                f"kind {kind!r} appear more than once — expected one row per status, actor, kind"
            )
        for status, group in keys.groupby("status"):
            durations = set(group["duration_months"].dropna())
            if len(durations) > 1 or (durations and group["duration_months"].isna().any()):
                problems.append(
                    f"{path}, rows {list(group['source_row'])}, column duration_months: "
                    f"status {status!r} has different durations — expected one value "
                    "(or blank) on every row of a status"
                )
        names = set(keys["status"] + ":" + keys["actor"] + ":" + keys["kind"])
        for r in keys[keys["moves_with"] != ""].itertuples(index=False):
            if r.moves_with not in names:
                problems.append(
                    f"{path}, row {r.source_row}, column moves_with: {r.moves_with!r} — "
                    "expected another row of this file as status:actor:kind"
                )
    if problems:
        raise CatalogueError(f"{path}: {len(problems)} problem(s):\n" + "\n".join(problems))
    return keys


@dataclass(frozen=True)
class UnitCostCatalogue:
    """Unit costs in the report's price year, per person-year.

    Attributes:
        items: one row per item with columns ``item`` (name), ``status``, ``actor``,
            ``kind``, ``amount_sek_per_year``, ``low_sek_per_year``,
            ``high_sek_per_year`` (the Monte Carlo range), ``range_source``
            (``catalogue`` or ``relative``), ``original_amount_sek``, ``per``,
            ``original_price_year``, ``source``, ``note``, ``is_estimate``.
        price_year: the year all amounts are priced in.
        unit_costs_path: the CSV read.
        price_index_path: the KPI table used for rebasing.
    """

    items: pd.DataFrame
    price_year: int
    unit_costs_path: str
    price_index_path: str

    def to_frame(self) -> pd.DataFrame:
        return self.items.copy()

    def durations(self) -> dict[str, int]:
        """Months each time-limited status lasts (statuses without a limit are absent)."""
        rows = self.items.dropna(subset=["duration_months"])
        return {
            str(s): int(d) for s, d in zip(rows["status"], rows["duration_months"], strict=True)
        }

    def check_supports(self, codes) -> None:
        """Fail, naming the code, when a support code in use has no catalogue row.

        Raises:
            CatalogueError: a support other than wage/none/unknown without any row.
        """
        known = set(self.items["status"])
        missing = sorted({str(c) for c in codes} - known - set(SUPPORT_WITHOUT_ROW) - set(OUTCOME))
        if missing:
            raise CatalogueError(
                f"{self.unit_costs_path}: no unit cost for support code(s) {missing}: "
                "the saving of leaving it and the cost of moving to it cannot be booked. "
                "Add a row per code (status, actor, kind, amount_sek, per, price_year, "
                "source) to the catalogue"
            )


def build_catalogue(
    unit_costs: pd.DataFrame,
    price_index: pd.Series,
    *,
    price_year: int,
    relative_cost_range: float,
    estimates: pd.DataFrame | None = None,
    unit_costs_path: str = "<frame>",
    price_index_path: str = "<series>",
) -> UnitCostCatalogue:
    """Annualise and rebase catalogue rows; add parameter estimates.

    Args:
        unit_costs: rows as returned by :func:`read_unit_costs`.
        price_index: KPI by year (:func:`read_price_index`).
        price_year: the report's price year.
        relative_cost_range: ± share used for the Monte Carlo range of rows without
            ``low_sek``/``high_sek`` (e.g. 0.2 = ±20 %).
        estimates: extra rows (same columns, amounts per year in ``price_year``
            prices) with ``is_estimate`` True: the caseworker-time parameters.
    """
    frame = unit_costs.copy()
    factor_year = frame["per"].map(PER_FACTOR).astype(float)
    price = np.array(
        [rebase(1.0, int(y), price_year, price_index) for y in frame["price_year"]], dtype=float
    )
    scale = factor_year.to_numpy() * price
    out = pd.DataFrame(
        {
            "status": frame["status"],
            "actor": frame["actor"],
            "kind": frame["kind"],
            "amount_sek_per_year": frame["amount_sek"].to_numpy() * scale,
            "low_sek_per_year": frame["low_sek"].to_numpy() * scale,
            "high_sek_per_year": frame["high_sek"].to_numpy() * scale,
            "original_amount_sek": frame["amount_sek"],
            "per": frame["per"],
            "original_price_year": frame["price_year"].astype(int),
            "source": frame["source"],
            "note": frame["note"],
            "is_estimate": False,
            "duration_months": frame["duration_months"] if "duration_months" in frame else np.nan,
            "moves_with": frame["moves_with"] if "moves_with" in frame else "",
        }
    )
    if estimates is not None and not estimates.empty:
        extra = estimates.copy()
        for column, default in (("duration_months", np.nan), ("moves_with", "")):
            if column not in extra:
                extra[column] = default
        out = pd.concat([out, extra[out.columns]], ignore_index=True)
    has_low = out["low_sek_per_year"].notna()
    has_high = out["high_sek_per_year"].notna()
    out["range_source"] = np.where(has_low | has_high, "catalogue", "relative")
    out["low_sek_per_year"] = out["low_sek_per_year"].where(
        has_low, out["amount_sek_per_year"] * (1 - relative_cost_range)
    )
    out["high_sek_per_year"] = out["high_sek_per_year"].where(
        has_high, out["amount_sek_per_year"] * (1 + relative_cost_range)
    )
    out.insert(0, "item", out["status"] + ":" + out["actor"] + ":" + out["kind"])
    return UnitCostCatalogue(
        items=out.reset_index(drop=True),
        price_year=price_year,
        unit_costs_path=unit_costs_path,
        price_index_path=price_index_path,
    )


def caseworker_estimates(params) -> pd.DataFrame:
    """The caseworker-time parameters as catalogue rows (service, per person-year)."""
    rows = [
        {
            "status": "social_assistance",
            "actor": "municipality",
            "amount": params.caseworker_social_services_sek_per_year,
            "source": "Uppskattning (parameter caseworker_social_services_sek_per_year)",
            "note": "Socialtjänstens handläggning per hushåll och år; officiell enhetskostnad saknas",
        },
        *(
            {
                "status": status,
                "actor": "employment_service",
                "amount": params.caseworker_employment_service_sek_per_year,
                "source": "Uppskattning (parameter caseworker_employment_service_sek_per_year)",
                "note": "Arbetsförmedlingens handläggning per deltagare och år; "
                "officiell enhetskostnad saknas",
            }
            for status in ("establishment_allowance", "activity_support")
        ),
    ]
    return pd.DataFrame(
        {
            "status": [r["status"] for r in rows],
            "actor": [r["actor"] for r in rows],
            "kind": "service",
            "amount_sek_per_year": [float(r["amount"]) for r in rows],
            "low_sek_per_year": [0.5 * float(r["amount"]) for r in rows],
            "high_sek_per_year": [2.0 * float(r["amount"]) for r in rows],
            "original_amount_sek": [float(r["amount"]) for r in rows],
            "per": "year",
            "original_price_year": params.price_year,
            "source": [r["source"] for r in rows],
            "note": [r["note"] for r in rows],
            "is_estimate": True,
        }
    )


SUPPORT_COLUMNS = ("support_at_start", "support_at_exit", "support_6m", "support_12m")


def check_catalogue_covers(catalogue: UnitCostCatalogue, participants: pd.DataFrame, params):
    """Stop before a report is made when a support code in the data (or in the
    parameters' fallbacks) has no unit cost: leaving it or moving to it would otherwise
    be booked as a silent zero.

    Raises:
        CatalogueError: naming the catalogue file and every code without a row.
    """
    codes: set[str] = set()
    for column in SUPPORT_COLUMNS:
        if column in participants:
            codes |= {str(c) for c in participants[column].dropna().unique()}
    for key in ("fallback_support", "support_after_time_limit"):
        value = getattr(params, key, None)
        if value:
            codes.add(str(value))
    catalogue.check_supports(codes)


def load_catalogue(params) -> UnitCostCatalogue:
    """The catalogue a report uses: its own files if the parameters name them, else the
    shipped ones, rebased to ``params.price_year``, plus the caseworker estimates.
    """
    folder = None
    if params.unit_costs_path:
        unit_path = Path(params.unit_costs_path)
    else:
        folder = default_unit_costs_dir()
        unit_path = folder / UNIT_COSTS_FILE
    if params.price_index_path:
        index_path = Path(params.price_index_path)
    else:
        index_path = (folder or default_unit_costs_dir()) / PRICE_INDEX_FILE
    return build_catalogue(
        read_unit_costs(unit_path),
        read_price_index(index_path),
        price_year=params.price_year,
        relative_cost_range=params.relative_cost_range,
        estimates=caseworker_estimates(params),
        unit_costs_path=str(unit_path),
        price_index_path=str(index_path),
    )


INCOME_TAX_RULES_FILE = "income_tax_rules.csv"
INCOME_TAX_COLUMNS = ("year", "rule", "from_pbb", "base_pbb", "rate", "amount_sek", "source")
INCOME_TAX_RULES = (
    "prisbasbelopp",
    "grundavdrag",
    "jobbskatteavdrag",
    "jobbskatteavdrag_avtrappning",
)


@dataclass(frozen=True)
class IncomeTaxRules:
    """Grundavdrag and jobbskatteavdrag of one income year (persons under 66 at the
    start of the year), from ``data/unit_costs/income_tax_rules.csv``.

    Each rule is a list of brackets ``(from_pbb, base_pbb, rate)``: in the bracket that
    starts at ``from_pbb`` price base amounts the value is ``base_pbb`` × pbb + ``rate`` ×
    (income − ``from_pbb`` × pbb).

    Attributes:
        year: the income year the rules are for.
        prisbasbelopp: the price base amount of that year (kronor).
        basic_deduction: the grundavdrag brackets (inkomstskattelagen 63 kap. 3 §).
        work_credit: the brackets of the jobbskatteavdrag's base (67 kap. 7 §), before
            the grundavdrag is subtracted and the municipal tax rate applied.
        work_credit_phase_out: ``(from_pbb, rate)`` of the reduction at high incomes.
        source: the file the rules were read from.
    """

    year: int
    prisbasbelopp: float
    basic_deduction: tuple[tuple[float, float, float], ...]
    work_credit: tuple[tuple[float, float, float], ...]
    work_credit_phase_out: tuple[float, float] | None
    source: str

    @staticmethod
    def _bracket(brackets, income: float, pbb: float) -> float:
        chosen = brackets[0]
        for bracket in brackets:
            if income > bracket[0] * pbb or bracket[0] == 0:
                chosen = bracket
        start, base, rate = chosen
        return base * pbb + rate * (income - start * pbb)

    def grundavdrag(self, income: float) -> float:
        """The grundavdrag on a fastställd förvärvsinkomst (rounded down to hundreds);
        the deduction is rounded up to hundreds and never exceeds the income.

        >>> rules = income_tax_rules(2024)
        >>> rules.grundavdrag(258_840)  # 0,77 × 57 300 − 0,1 × (258 800 − 3,11 × 57 300)
        36100.0
        >>> rules.grundavdrag(30_000)  # 0,423 × 57 300 = 24 237,9 → 24 300
        24300.0
        """
        income = math.floor(max(float(income), 0.0) / 100) * 100
        value = self._bracket(self.basic_deduction, income, self.prisbasbelopp)
        return float(min(math.ceil(round(value, 6) / 100) * 100, income))

    def jobbskatteavdrag(self, work_income: float, local_tax_rate: float) -> float:
        """The jobbskatteavdrag (skattereduktion för arbetsinkomst) in whole kronor, at
        most the local income tax (it is credited against it only).

        >>> rules = income_tax_rules(2024)
        >>> rules.jobbskatteavdrag(258_840, 0.3237)  # (103 884,9 + 12 018,2 − 36 100) × 0,3237
        25832.0
        """
        income = math.floor(max(float(work_income), 0.0) / 100) * 100
        if income <= 0:
            return 0.0
        pbb = self.prisbasbelopp
        deduction = self.grundavdrag(income)
        base = self._bracket(self.work_credit, income, pbb) - deduction
        credit = max(base, 0.0) * local_tax_rate
        if self.work_credit_phase_out is not None:
            start, rate = self.work_credit_phase_out
            credit -= rate * max(income - start * pbb, 0.0)
        local_tax = max(income - deduction, 0.0) * local_tax_rate
        return float(math.floor(min(max(credit, 0.0), local_tax) + 1e-9))


def read_income_tax_rules(path: str | Path, year: int) -> IncomeTaxRules:
    """Read the rules of ``year`` from an income tax rules CSV (see the README).

    The rules of the nearest year in the file are used when ``year`` has none, with
    that year's prisbasbelopp (the report says which year's rules it used).

    Raises:
        CatalogueError: naming file, row and column of every problem.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError as exc:
        raise CatalogueError(f"{path}: income tax rules file not found") from exc
    missing = [c for c in INCOME_TAX_COLUMNS if c not in raw.columns]
    if missing:
        raise CatalogueError(f"{path}: missing column(s) {', '.join(missing)}")
    problems: list[str] = []
    rows: list[tuple[int, str, float, float, float, float]] = []
    for i, row in raw.iterrows():
        line = int(i) + 2
        if row["rule"] not in INCOME_TAX_RULES:
            problems.append(
                f"{path}, row {line}, column rule: {row['rule']!r} is not one of "
                f"{', '.join(INCOME_TAX_RULES)}"
            )
            continue
        values = []
        for column in ("year", "from_pbb", "base_pbb", "rate", "amount_sek"):
            text = row[column].strip()
            try:
                values.append(float(text) if text else float("nan"))
            except ValueError:
                problems.append(f"{path}, row {line}, column {column}: {text!r} is not a number")
                values.append(float("nan"))
        if math.isnan(values[0]):
            problems.append(f"{path}, row {line}, column year: a year is required")
            continue
        rows.append((int(values[0]), row["rule"], *values[1:]))
    if problems:
        raise CatalogueError("\n".join(problems))
    years = sorted({r[0] for r in rows})
    if not years:
        raise CatalogueError(f"{path}: no income tax rules")
    chosen = min(years, key=lambda y: (abs(y - year), -y))
    of_year = [r for r in rows if r[0] == chosen]
    pbb = [r[5] for r in of_year if r[1] == "prisbasbelopp"]
    if len(pbb) != 1 or math.isnan(pbb[0]) or pbb[0] <= 0:
        raise CatalogueError(f"{path}: year {chosen} needs one prisbasbelopp row with amount_sek")

    def brackets(rule: str) -> tuple[tuple[float, float, float], ...]:
        found = sorted((r[2], r[3], r[4]) for r in of_year if r[1] == rule)
        if not found or found[0][0] != 0 or any(math.isnan(v) for b in found for v in b):
            raise CatalogueError(
                f"{path}: year {chosen}, rule {rule}: brackets need from_pbb, base_pbb and "
                "rate, the first from 0"
            )
        return tuple(found)

    phase = [(r[2], r[4]) for r in of_year if r[1] == "jobbskatteavdrag_avtrappning"]
    return IncomeTaxRules(
        year=chosen,
        prisbasbelopp=pbb[0],
        basic_deduction=brackets("grundavdrag"),
        work_credit=brackets("jobbskatteavdrag"),
        work_credit_phase_out=phase[0] if phase else None,
        source=str(path),
    )


def income_tax_rules(year: int, folder: str | Path | None = None) -> IncomeTaxRules:
    """The shipped income tax rules for ``year`` (the folder of the unit costs)."""
    folder = Path(folder) if folder is not None else default_unit_costs_dir()
    return read_income_tax_rules(folder / INCOME_TAX_RULES_FILE, year)
