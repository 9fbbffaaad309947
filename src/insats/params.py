"""The parameters of one report: a frozen pydantic model read from ``parameters/*.yaml``.

Unknown keys fail loudly with their name (``extra="forbid"``); relative paths resolve
against the folder of the parameters file. Command-line flags override file values.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from insats.cohort.activities import parse_indicator_target
from insats.cohort.activity_schema import GOAL_KIND, GOAL_STATUS
from insats.cohort.read import SCHEMAS
from insats.cohort.schema import SUPPORT, normalise_token
from insats.cohort.words import ExportWords, check_words
from insats.errors import InsatsError
from insats.paramfile import ParameterFileError, check_input_paths, read_parameters_file
from insats.periods import parse_period

# --- entries of the programme view: product goals and phases -------------------------


def _to_code(value: Any, vocabulary: dict[str, tuple[str, ...]], what: str) -> str:
    token = normalise_token(str(value))
    for code, words in vocabulary.items():
        if token in {normalise_token(w) for w in (code, *words)}:
            return code
    accepted = ", ".join(f"{words[0]} ({code})" for code, words in vocabulary.items())
    raise ValueError(f"{what} {value!r} is not one of: {accepted}")


class ProductGoal(BaseModel):
    """One goal in ``product_goals``: text, kind, status, target date, evidence, indicator.

    ``kind`` and ``status`` take the canonical code or a Swedish word (``produktmål``,
    ``uppnått`` …). ``indicator`` may hold its target, e.g. ``antal aktörer kartlagda ≥ 100``;
    ``indicator_value`` is the value reached so far.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    goal: str = Field(min_length=1)
    kind: str = "product"
    status: str = "not_started"
    target_date: date | None = None
    evidence: str | None = None
    indicator: str | None = None
    indicator_target: str | None = None
    indicator_value: float | None = Field(None, ge=0)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> str:
        return _to_code(value, GOAL_KIND, "kind")

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> str:
        return _to_code(value, GOAL_STATUS, "status")

    @field_validator("indicator_target", mode="before")
    @classmethod
    def _target(cls, value: Any) -> Any:
        return (
            str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        )

    @model_validator(mode="after")
    def _target_readable(self) -> ProductGoal:
        if (
            self.indicator_target is not None
            and parse_indicator_target(self.indicator_target) is None
        ):
            raise ValueError(
                f"indicator_target {self.indicator_target!r}: expected a target like ≥ 100, "
                "> 5, ≤ 10 or a number (means ≥)"
            )
        return self


class Phase(BaseModel):
    """One project phase in ``phases``: name, first and last day, what it is about."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    start_date: date
    end_date: date
    description: str | None = None

    @field_validator("name", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value

    @model_validator(mode="after")
    def _order(self) -> Phase:
        if self.end_date < self.start_date:
            raise ValueError(f"phase {self.name!r}: end_date is before start_date")
        return self


PATH_KEYS = (
    "participants_path",
    "finance_path",
    "funnel_path",
    "narrative_path",
    "pseudonym_key_path",
    "unit_costs_path",
    "price_index_path",
    "publication_register_path",
    "activities_path",
    "product_goals_path",
)

#: The path keys whose files are copied (the key file is a secret and is not).
SNAPSHOT_KEYS = (
    "participants_path",
    "finance_path",
    "funnel_path",
    "narrative_path",
    "unit_costs_path",
    "price_index_path",
    "activities_path",
    "product_goals_path",
)

#: The smallest min_cell_count a shared (namnd) report accepts.
MIN_SHARED_CELL_COUNT = 3


class ParameterError(InsatsError, ValueError):
    """A parameters file that cannot be used; the message names file and keys."""

    exit_code = 2  # the command was asked wrongly (see insats.errors)


class ReportParameters(BaseModel):
    """Everything a report run needs, with units in the key names."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # --- what and when -------------------------------------------------------------
    project: str = Field(description="Name of the insats as in the data, e.g. 'Första steget'.")
    period: str = Field(
        description="Report period: 2021-T2, 2021-H1, 2021-Q3, 2021, "
        "2021-01-01/2021-08-31, 210501-210831, previous, current."
    )
    title: str | None = Field(None, description="Report title; default from project and period.")
    organisation: str | None = Field(
        None, description="Who reports, e.g. 'Samordningsförbundet NNV Skåne'."
    )
    recipient: str | None = Field(None, description="Who receives it, e.g. the nämnd.")
    language: Literal["sv", "en"] = "sv"
    audience: Literal["namnd", "internal"] = "namnd"
    subset_municipalities: list[str] | None = Field(
        None,
        description="A report of only these municipalities of the project (one kommun of "
        "a samordningsförbund): the participants, recruitment and activities are restricted "
        "to them, the finance to rows whose funder is one of them, and the report is "
        "protected against what reports of the whole project released to the nämnd.",
    )

    # --- inputs --------------------------------------------------------------------
    # Optional: an insats without a participant register reports activities instead.
    participants_path: str | None = None
    finance_path: str | None = None
    funnel_path: str | None = None
    narrative_path: str | None = Field(None, description="Markdown with the evaluator's own texts.")
    pseudonym_key_path: str | None = Field(
        None, description="File holding the pseudonymisation key; else $INSATS_PSEUDONYM_KEY."
    )

    # --- insatser without (or besides) participants: activities, goals, phases --------
    activities_path: str | None = Field(
        None, description="Table of activities (workshop, utbildning, möte …) with attendance."
    )
    product_goals_path: str | None = Field(
        None, description="Table of effekt-, produkt- and leveransmål with status."
    )
    product_goals: list[ProductGoal] | None = Field(
        None, description="Product goals listed here instead of (or besides) a table."
    )
    phases: list[Phase] | None = Field(
        None, description="Project phases with dates; default: from the activities' fas column."
    )
    project_start_date: date | None = Field(None, description="First day of the project.")
    project_end_date: date | None = Field(None, description="Last day of the project.")
    grant_total_sek: float | None = Field(
        None, ge=0, description="Granted for the whole project; default: the sum over years."
    )

    # --- outcomes and goals --------------------------------------------------------
    goal_self_sufficiency_share: float | None = Field(None, ge=0, le=1)
    goal_work_or_studies_share: float | None = Field(None, ge=0, le=1)
    reference_work_or_studies_share: float | None = Field(
        None, ge=0, le=1, description="Share of a comparable group in work or studies."
    )
    reference_n: int | None = Field(
        None, ge=1, description="Size of the reference group, if known."
    )
    reference_source: str | None = None
    budget_deviation_reason: str | None = Field(
        None, description="Why the forecast deviates > 10 % from the grant (shown in the report)."
    )
    min_events_per_parameter: int = Field(10, ge=1, description="Rule for fitting a regression.")

    # --- socio-economic account ----------------------------------------------------
    unit_costs_path: str | None = None  # default: the catalogue shipped in data/unit_costs/
    price_index_path: str | None = None  # default: the KPI table shipped with it
    price_year: int = Field(2024, ge=1980, le=2100)
    horizon_years: int = Field(5, ge=1, le=50)
    # Real discount rate; 3.5 % as in the UK Green Book (HM Treasury 2022) and the
    # Greater Manchester CBA model; Trafikverket's ASEK uses 3.5 % too.
    discount_rate: float = Field(0.035, ge=0, le=0.2)
    # Deadweight: blank = derived from the reference rate when one is given (the
    # counterfactual successes are reference share × participants), else 0.
    deadweight: float | None = Field(None, ge=0, le=1)
    attribution: float = Field(1.0, ge=0, le=1)
    displacement: float = Field(0.0, ge=0, le=1)
    drop_off_rate: float = Field(0.0, ge=0, le=1)
    employer_contribution_rate: float = Field(0.3142, ge=0, le=1)  # ekonomifakta.se, 2024
    # Income tax, national averages 2024. The total 32.37 % is verified (SCB via
    # ekonomifakta.se, "Kommunalskatter" 2024). The split between municipality and
    # region below was NOT verified against SCB's table: it keeps the verified total;
    # check SCB "Kommunalskatter 2024" (kommunal resp. regional skattesats, riket).
    municipal_tax_rate: float = Field(0.2070, ge=0, le=1)  # unverified split, see above
    regional_tax_rate: float = Field(0.1167, ge=0, le=1)  # unverified split, see above
    investment_sek: float | None = Field(None, ge=0)
    funder_shares: dict[str, float] = Field(
        default_factory=lambda: {"state": 0.5, "region": 0.25, "municipality": 0.25}
    )  # the Finsam split: state half, region and municipality a quarter each
    monte_carlo_draws: int = Field(2000, ge=0, le=1_000_000)
    seed: int = 20240101
    relative_cost_range: float = Field(
        0.2, ge=0, le=1, description="± range of unit costs without low/high."
    )
    deadweight_range: float = Field(
        0.1, ge=0, le=1, description="± absolute range of deadweight in the Monte Carlo."
    )
    # No official unit cost exists for caseworker time: these are ESTIMATES, shown as
    # such in the report (the Monte Carlo lets them range from half to double).
    # Socialtjänsten: a socialsekreterare at about 820 000 kr a year with employer
    # contributions and overhead, about 45 households each -> about 18 000 kr.
    caseworker_social_services_sek_per_year: float = Field(18_000, ge=0)
    # Arbetsförmedlingen: a handläggare at about 750 000 kr a year all in, about 100
    # participants each -> about 7 500 kr.
    caseworker_employment_service_sek_per_year: float = Field(7_500, ge=0)
    split_state: bool = Field(
        False,
        description="Show the state as Arbetsförmedlingen, Försäkringskassan and "
        "other state instead of one actor.",
    )
    # Who employs a person in a subsidised job (and so receives the state's wage
    # subsidy): usually the municipality itself (extratjänster in schools, förskolor,
    # äldreboenden in seed 002); "employer" keeps a separate actor for private employers.
    subsidised_employer_actor: Literal["municipality", "region", "state", "employer"] = (
        "municipality"
    )
    # After a time-limited outcome ends (catalogue column duration_months, extratjänst
    # 12 months) the person falls back to: blank = the counterfactual status (job seeking
    # on the support at start), or job seeking on this support code.
    fallback_support: str | None = None
    # After a time-limited support ends (etableringsersättning: 24 months) a person
    # without work moves to this support: ekonomiskt bistånd is the common next step;
    # use activity_support when they enter Arbetsförmedlingen's programmes instead.
    support_after_time_limit: str = "social_assistance"

    # --- disclosure control ----------------------------------------------------------
    min_cell_count: int = Field(5, ge=1, le=100)  # SCB: fewer than five persons shown as ".."
    # Counts released to the nämnd before (insats.report.register); default:
    # reports/<project>/publication_register.sqlite (register.default_register_path).
    publication_register_path: str | None = None

    # --- execution -----------------------------------------------------------------
    execution_timeout_seconds: int = Field(600, ge=1)
    kernel_start_timeout_seconds: int = Field(60, ge=1)

    # --- the evaluator's own words (issue 11) ----------------------------------------
    columns: dict[str, str] = Field(
        default_factory=dict,
        description="Export header -> contract column, e.g. {'Pnr': 'personnummer'}.",
    )
    codes: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Per contract column, export word -> contract code, e.g. "
        "{'outcome_at_exit': {'Jobb': 'employment'}}.",
    )
    allow_anonymous: bool = Field(
        False,
        description="Rows with a blank deltagar-id and a blank personnummer are anonymous "
        "participants (SUS registers people without consent so): counted, never linked.",
    )

    @model_validator(mode="after")
    def _words_known(self) -> ReportParameters:
        problems = check_words(ExportWords(self.columns, self.codes), SCHEMAS)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def export_words(self):
        """The ``columns:`` / ``codes:`` / ``allow_anonymous`` mappings for the readers."""
        return ExportWords(dict(self.columns), dict(self.codes), self.allow_anonymous)

    @field_validator("period", "project", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        # YAML reads `period: 2021` as an integer; a year label is meant.
        return (
            str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        )

    @field_validator("subset_municipalities")
    @classmethod
    def _subset(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        names = [str(v).strip() for v in value]
        if not names or any(not n for n in names):
            raise ValueError("give at least one municipality, none blank (or leave the key out)")
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"municipality named twice: {', '.join(twice)}")
        if any("," in n or "=" in n for n in names):
            raise ValueError("a municipality name must not hold ',' or '='")
        return names

    @field_validator("funder_shares")
    @classmethod
    def _shares_sum_to_one(cls, value: dict[str, float]) -> dict[str, float]:
        if value and abs(sum(value.values()) - 1.0) > 1e-6:
            raise ValueError(f"funder_shares must sum to 1, got {sum(value.values()):.4f}")
        if any(v < 0 for v in value.values()):
            raise ValueError("funder_shares must not be negative")
        return value

    @field_validator("fallback_support", "support_after_time_limit")
    @classmethod
    def _support_code(cls, value: str | None) -> str | None:
        if value is not None and value not in set(SUPPORT) - {"unknown"}:
            raise ValueError(
                f"expected a support code ({', '.join(sorted(set(SUPPORT) - {'unknown'}))}), "
                f"got {value!r}"
            )
        return value

    @model_validator(mode="after")
    def _shared_reports_suppress_at_least_three(self) -> ReportParameters:
        # SCB and the ONS never publish counts below 3 in shared tables; 1 or 2 would
        # suppress nothing that matters. The default stays 5.
        if self.audience == "namnd" and self.min_cell_count < MIN_SHARED_CELL_COUNT:
            raise ValueError(
                f"min_cell_count is {self.min_cell_count}, but a report for audience namnd "
                f"needs at least {MIN_SHARED_CELL_COUNT} (default 5, SCB's rule); lower "
                "values only for audience: internal"
            )
        return self

    @model_validator(mode="after")
    def _has_data(self) -> ReportParameters:
        if not (self.participants_path or self.activities_path):
            raise ValueError(
                "give participants_path (a participant register) or activities_path "
                "(an insats without participants), or both"
            )
        if (
            self.project_start_date
            and self.project_end_date
            and self.project_end_date < self.project_start_date
        ):
            raise ValueError("project_end_date is before project_start_date")
        return self

    @model_validator(mode="after")
    def _period_parses(self) -> ReportParameters:
        parse_period(self.period)
        return self

    def notebook_parameters(self) -> dict[str, Any]:
        """The parameters as papermill injects them (JSON-able literals)."""
        return self.model_dump(mode="json")


def load_parameters(path: str | Path, **overrides: Any) -> ReportParameters:
    """Read a parameters YAML, apply overrides (``None`` means not given), resolve paths.

    Raises:
        ParameterError: naming the file and every offending key at once.
    """
    path = Path(path)
    try:
        raw = read_parameters_file(path) or {}
    except FileNotFoundError as exc:
        raise ParameterError(f"{path}: parameters file not found") from exc
    except ParameterFileError as exc:
        raise ParameterError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ParameterError(f"{path}: expected a mapping of keys to values at the top level")
    raw.update({k: v for k, v in overrides.items() if v is not None})
    base = path.resolve().parent
    # data_root: the folder (besides this file's own folder tree) inputs may come from.
    data_root = raw.pop("data_root", None)
    if data_root is not None and not isinstance(data_root, str):
        raise ParameterError(f"{path}: invalid parameters:\n  data_root: expected a folder")
    root = (base / data_root).resolve() if data_root else None
    if root is not None and not root.is_dir():
        raise ParameterError(f"{path}: invalid parameters:\n  data_root: not a folder")
    for key in PATH_KEYS:
        value = raw.get(key)
        if isinstance(value, str) and value and not Path(value).is_absolute():
            raw[key] = str((base / value).resolve())
    outside = check_input_paths(raw, base, root)
    if outside:  # listed together with any other problem of the file
        try:
            validate_parameters(raw, source=str(path))
            others: list[str] = []
        except ParameterError as exc:
            others = [line.strip() for line in str(exc).splitlines()[1:]]
        raise ParameterError(f"{path}: invalid parameters:\n  " + "\n  ".join(outside + others))
    return validate_parameters(raw, source=str(path))


def validate_parameters(raw: dict[str, Any], source: str = "<parameters>") -> ReportParameters:
    """Validate a mapping, turning pydantic's errors into one readable listing."""
    try:
        return ReportParameters(**raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(file)"
            if err["type"] == "extra_forbidden":
                msg = "unknown key (check the spelling; see insats.params.ReportParameters)"
            elif err["type"] == "missing":
                msg = "required key is missing"
            else:
                msg = err["msg"]
            lines.append(f"  {key}: {msg}")
        if not raw.get("participants_path") and not raw.get("activities_path"):
            lines.append(
                "  participants_path: required key is missing (or give activities_path for "
                "an insats without participants)"
            )
        raise ParameterError(f"{source}: invalid parameters:\n" + "\n".join(lines)) from None
