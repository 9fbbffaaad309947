"""Compose a report: load and check inputs, compute every result, render the sections.

The report notebook is thin: it calls :func:`build_report` and then one method per
section of :class:`ReportModel`. All results are computed up front so that disclosure
control can protect every count table of the report jointly before anything is shown.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from insats import outcomes as oc
from insats.cohort import (
    ValidationFailed,
    load_finance,
    load_funnel,
    load_participants,
    resolve_pseudonym_key,
)
from insats.cohort.activities import empty_participants, load_activities, load_product_goals
from insats.cohort.categories import (
    GROUPS_BY_MUNICIPALITY,
    group_keys,
    group_municipalities,
)
from insats.cohort.schema import FUNNEL_STEPS, normalise_token
from insats.disclosure import SUPPRESSED, count_key, guard_outputs
from insats.disclosure.attack import audit_html, audit_publication, raise_if_exposed
from insats.disclosure.control import REST, Overlap
from insats.disclosure.personnummer_guard import guard_personnummer
from insats.errors import InsatsError
from insats.outcomes import exits as exits_mod
from insats.outcomes import participants as part_mod
from insats.outcomes._common import level_label, level_series
from insats.params import ReportParameters, validate_parameters
from insats.paths import repository_root
from insats.periods import (
    Period,
    exited_mask,
    parse_period,
    parts_within,
    previous_period,
    year_to_date,
)
from insats.programme import budget as budget_mod
from insats.programme import recruitment as rec_mod
from insats.report import FIGURES_MIMETYPE, compose
from insats.report.context import Html, RenderContext, escape, section
from insats.report.labels import Labels
from insats.report.manifest import build_manifest, provenance_html, restore_original_paths
from insats.report.narrative import load_narrative
from insats.report.register import (
    NOTES_KEY,
    RELEASED_IN,
    RELEASED_KEY,
    PublicationRegister,
    encode_key,
    grown_follow_up,
    grown_since,
    grows,
    holds_since,
    mark_scope,
    nesting,
    overlap_of,
    scope_municipalities,
    scope_text,
    shared_municipalities,
    without,
)
from insats.report.sections import exits as sec_exits
from insats.report.sections import goals as sec_goals
from insats.report.sections import participants as sec_participants
from insats.report.sections import regression as sec_regression
from insats.report.sections import results as sec_results
from insats.report.sections import self_assessment as sec_self_assessment
from insats.report.sections import survival as sec_survival
from insats.report.sections import trend as sec_trend
from insats.report.sections.budget import render_budget
from insats.report.sections.disclosure import render_appendix
from insats.report.sections.programme import ProgrammeSections
from insats.report.sections.recruitment import funnel_figure_data, render_recruitment
from insats.report.sections.socioeconomic import (
    SUCCESS_KEYS,
    render_socioeconomic,
    socioeconomic_figure_data,
)
from insats.socioeconomic import build_account
from insats.socioeconomic.catalogue import check_catalogue_covers, load_catalogue

SECTIONS = (
    "summary",
    "about",
    "timeline",
    "activities",
    "participants",
    "outcomes",
    "follow_up",
    "goals",
    "recruitment",
    "budget",
    "socioeconomic",
    "other",
    "method",
    "disclosure",
    "provenance",
)
# figures.json keys computed from the participant register (left out without one).
PARTICIPANT_FIGURES = (
    "participants", "outcomes_at_exit", "work_or_studies_at_exit", "self_sufficient_at_exit",
    "work_or_studies_to_date", "self_sufficient_to_date", "exits", "follow_up", "regression",
)  # fmt: skip
SUBGROUPS = ("group", "municipality", "gender", "age_band", "education", "referral")
# Inputs of one row per participant: a shared report's manifest gives no row count
# (nor byte size) of them, see Inputs.rows_for_manifest.
PERSON_LEVEL_INPUTS = frozenset({"participants"})


def collect_parameters(namespace: dict[str, Any]) -> ReportParameters:
    """Build the parameter model from a notebook's globals (the papermill parameters)."""
    keys = ReportParameters.model_fields
    return validate_parameters({k: namespace[k] for k in keys if k in namespace}, source="notebook")


@dataclass
class Inputs:
    """Checked inputs of a report, and what the guard needs to know about them."""

    params: ReportParameters
    participants: pd.DataFrame
    finance: pd.DataFrame | None
    funnel: pd.DataFrame | None
    narrative: Any
    files: dict[str, Path]
    catalogue_info: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    rows_in_file: int = 0
    # Rows of the project per table input (what the manifest lists), see rows_for_manifest.
    rows_used: dict[str, int] = field(default_factory=dict)
    activities: pd.DataFrame | None = None
    product_goals: pd.DataFrame | None = None
    # The project's rows of every input before a subset report keeps its municipalities
    # (role → frame): the reports of other scopes are recomputed from them (disclosure).
    project_frames: dict[str, pd.DataFrame | None] = field(default_factory=dict)

    def rows_for_manifest(self) -> dict[str, int | None]:
        """Rows used per input, under the report's disclosure rule: a shared report
        hides a count from 1 to min_cell_count - 1, and never gives the row count of a
        person-level input (:data:`PERSON_LEVEL_INPUTS`, one row a participant).

        That count is a count of people outside the publication model: a subset
        report's 44 rows beside the whole project's 47 gave the hidden 3 of the other
        municipality back, and a later export's rows beside the enrolled of the year so
        far bounded a hidden count (attack F5). None: hidden.
        """
        shared = self.params.audience == "namnd"
        low = self.params.min_cell_count
        return {
            k: None if shared and (k in PERSON_LEVEL_INPUTS or 0 < v < low) else v
            for k, v in self.rows_used.items()
        }

    def withheld_in_manifest(self) -> frozenset[str]:
        """The inputs whose row count and size a shared report's manifest leaves out
        (``rows`` and ``bytes`` null, ``rows_withheld`` true); the SHA-256 stays.
        """
        if self.params.audience != "namnd":
            return frozenset()
        return frozenset(k for k in PERSON_LEVEL_INPUTS if k in self.files)

    def guard(self, files: dict[str, bytes]) -> None:
        """Stop before writing when a shared artefact could single out a participant."""
        ids = self.participants["participant_id"].dropna().astype(str).tolist()
        pseudonyms = (
            self.participants["pseudonym"].dropna().astype(str).tolist()
            if "pseudonym" in self.participants
            else []
        )
        guard_outputs(
            {name: content.decode("utf-8", "replace") for name, content in files.items()},
            pseudonyms=pseudonyms,
            participant_ids=ids,
            min_cell_count=self.params.min_cell_count,
        )
        if self.params.audience == "namnd" and "report.html" in files:
            # The independent attacker on the final page (issue 15; the kernel attacked
            # the whole publication model before emitting the figures).

            raise_if_exposed(
                audit_html(
                    files["report.html"].decode("utf-8", "replace"),
                    total_label=Labels(self.params.language)("table.total"),
                    all_label=Labels(self.params.language)("outcomes.all"),
                    base_label=Labels(self.params.language)("outcomes.table.n"),
                ),
                "report.html",
            )

    def guard_personnummer(self, files: dict[str, bytes]) -> None:
        """Stop before writing an internal report that holds a personnummer anywhere."""
        guard_personnummer(files)


@dataclass
class InputsReport:
    """The validation reports of several input files, listed together."""

    reports: list[Any]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.reports)

    @property
    def problems(self) -> list[Any]:
        return [p for r in self.reports for p in r.problems]

    def format(self, limit: int | None = None) -> str:
        return "\n\n".join(r.format(limit=limit) for r in self.reports)


def _select_project(frame: pd.DataFrame, project: str) -> pd.DataFrame:
    wanted = normalise_token(project)
    projects = frame["project"].astype(str)
    same = {v: normalise_token(v) == wanted for v in projects.unique()}  # distinct values
    mask = projects.map(same).astype(bool)
    return frame.loc[mask].copy()


def check_inputs(params: ReportParameters, today: date | None = None) -> Inputs:
    """Load and validate every input named in the parameters, all problems at once.

    Raises:
        insats.cohort.ValidationFailed: with the problems of every file together.
        ValueError: when the data hold no rows of the project.
    """
    key = resolve_pseudonym_key(params.pseudonym_key_path)
    reports: list[Any] = []
    results: dict[str, Any] = {}
    words = params.export_words()  # the evaluator's columns: / codes: (issue 11)
    loaders = {
        "participants": (
            params.participants_path,
            lambda p: load_participants(p, key=key, today=today, words=words),
        ),
        "finance": (params.finance_path, lambda p: load_finance(p, words=words)),
        "funnel": (
            params.funnel_path,
            lambda p: load_funnel(p, words=words, project=params.project),
        ),
        "activities": (params.activities_path, load_activities),
        "product_goals": (params.product_goals_path, load_product_goals),
    }
    for role, (path, loader) in loaders.items():
        if not path:
            continue
        try:
            results[role] = loader(path)
        except ValidationFailed as exc:
            reports.append(exc.report)
    if reports:
        raise ValidationFailed(reports[0] if len(reports) == 1 else InputsReport(reports))

    # An insats without a participant register (activities only) has an empty cohort.
    cohort = results.get("participants") or empty_participants()
    participants = _select_project(cohort.data, params.project)
    if participants.empty and params.participants_path:
        found = sorted(cohort.data["project"].dropna().astype(str).unique())
        raise ValueError(
            f"{Path(params.participants_path).name}: no participants of project "
            f"{params.project!r}; the file has: {', '.join(found) or 'no projects'}"
        )
    finance = _select_project(results["finance"], params.project) if "finance" in results else None
    funnel = _select_project(results["funnel"], params.project) if "funnel" in results else None
    activities = (
        _select_project(results["activities"], params.project) if "activities" in results else None
    )
    product_goals = (
        _select_project(results["product_goals"], params.project)
        if "product_goals" in results
        else None
    )
    files = {"participants": Path(params.participants_path)} if params.participants_path else {}
    for role, path in (
        ("activities", params.activities_path),
        ("product_goals", params.product_goals_path),
        ("finance", params.finance_path),
        ("funnel", params.funnel_path),
        ("narrative", params.narrative_path),
    ):
        if path:
            files[role] = Path(path)

    catalogue = load_catalogue(params)  # fails early, naming the file, if it is broken

    check_catalogue_covers(catalogue, participants, params)  # no support costs a silent zero
    files["unit_costs"] = Path(catalogue.unit_costs_path)
    files["price_index"] = Path(catalogue.price_index_path)
    catalogue_info = {
        "unit_costs": Path(catalogue.unit_costs_path).name,
        "price_index": Path(catalogue.price_index_path).name,
        "price_year": catalogue.price_year,
        "items": int(len(catalogue.items)),
        "estimates": int(catalogue.items["is_estimate"].sum()),
    }
    warn = [str(w) for w in cohort.warnings]
    # Rows of other projects are not used, and the run says so (nothing silently dropped).
    selected = {
        "participants": (cohort.data, participants),
        "finance": (results.get("finance"), finance),
        "funnel": (results.get("funnel"), funnel),
        "activities": (results.get("activities"), activities),
        "product_goals": (results.get("product_goals"), product_goals),
    }
    for role, (whole, used) in selected.items():
        if role in files and whole is not None and len(whole) > len(used):
            warn.append(
                f"{files[role].name}: {len(whole) - len(used)} rows belong to other projects "
                f"than {params.project!r} and are not part of this report"
            )
    project_frames = {role: used for role, (_, used) in selected.items()}
    if params.subset_municipalities:
        frames = _restrict_to_subset(params, dict(project_frames), files, warn)
        participants, finance, funnel, activities = (
            frames[r] for r in ("participants", "finance", "funnel", "activities")
        )
        selected = {role: (whole, frames[role]) for role, (whole, _) in selected.items()}
    return Inputs(
        params=params,
        participants=participants,
        finance=finance,
        funnel=funnel,
        narrative=load_narrative(params.narrative_path),
        files=files,
        catalogue_info=catalogue_info,
        warnings=warn,
        rows_in_file=int(cohort.n_rows),
        rows_used={role: len(used) for role, (whole, used) in selected.items() if used is not None},
        activities=activities,
        product_goals=product_goals,
        project_frames=project_frames,
    )


def scope_inputs(inputs: Inputs, municipalities: Sequence[str]) -> Inputs:
    """The inputs of the project's report of another scope (``municipalities``; none:
    the whole project), from the project's rows, with no publication register.
    """
    params = inputs.params.model_copy(
        update={
            "subset_municipalities": list(municipalities) or None,
            "publication_register_path": None,
        }
    )
    frames = dict(inputs.project_frames)
    if municipalities:
        frames = _restrict_to_subset(params, frames, inputs.files, [])
    return dataclasses.replace(
        inputs,
        params=params,
        participants=frames["participants"],
        finance=frames.get("finance"),
        funnel=frames.get("funnel"),
        activities=frames.get("activities"),
        warnings=[],
    )


#: The column that places a row of each input in a municipality (subset reports).
_SUBSET_COLUMN = {
    "participants": "municipality",
    "funnel": "municipality",
    "activities": "municipality",
    "finance": "funder",
}


def _restrict_to_subset(
    params: ReportParameters,
    frames: dict[str, pd.DataFrame | None],
    files: dict[str, Path],
    warn: list[str],
) -> dict[str, pd.DataFrame | None]:
    """The project's rows of the municipalities in ``subset_municipalities`` only.

    Every problem is listed at once: a municipality no input names, an input that cannot
    be placed in a municipality. The rows left out are said (nothing silently dropped).
    Groups keep the names the whole project's report gives them ("Klippan, grupp 5").
    """
    names = list(params.subset_municipalities or [])
    wanted = {normalise_token(m) for m in names}
    problems: list[str] = []
    out: dict[str, pd.DataFrame | None] = {}
    seen: set[str] = set()
    for role, frame in frames.items():
        column = _SUBSET_COLUMN.get(role)
        if frame is None or column is None or frame.empty:
            out[role] = frame  # product goals are the project's: kept as they are
            continue
        name = files[role].name if role in files else role
        if column not in frame.columns or frame[column].isna().all():
            problems.append(
                f"{name}: subset_municipalities needs a column {column!r} "
                f"({'Kommun' if column == 'municipality' else 'Finansiär'}) to pick the "
                "rows of the subset; the file has none"
            )
            out[role] = frame
            continue
        values = frame[column].astype(str)
        match = {v: normalise_token(v) in wanted for v in values.unique()}
        seen |= {normalise_token(v) for v, keep in match.items() if keep}
        mask = values.map(match).astype(bool)
        kept = frame.loc[mask].copy()
        if role in ("participants", "funnel") and "group" in frame.columns:
            _, groups = group_keys(frame)
            kept[GROUPS_BY_MUNICIPALITY] = any(m is not None for m, _ in groups.values())
        if len(kept) < len(frame):
            warn.append(
                f"{name}: {len(frame) - len(kept)} rows of other municipalities than "
                f"{', '.join(names)} are not part of this report (subset_municipalities)"
            )
        out[role] = kept
    unknown = [m for m in names if normalise_token(m) not in seen]
    if unknown and not problems:
        found = sorted(
            {
                str(v)
                for role, frame in frames.items()
                if frame is not None and _SUBSET_COLUMN.get(role) in frame.columns
                for v in frame[_SUBSET_COLUMN[role]].dropna().unique()
            }
        )
        problems.append(
            f"subset_municipalities: {', '.join(map(repr, unknown))} is in none of the inputs; "
            f"they name: {', '.join(found) or 'no municipality'}"
        )
    if problems:
        raise ValueError("; ".join(problems))
    return out


#: The dimensions of a participants count (the measures table's cells).
_PARTICIPANT_DIMENSIONS = {"filter:period", "filter:measure", "group", "municipality"}


def _released_in(key, label: str):
    """A cell of the report of an earlier period ``label``, in this report's model."""
    return frozenset({*key, (RELEASED_IN, label)})


def _earlier_relation(marked, period: str | None = None) -> Overlap:
    """How a cell of an earlier period's report relates to this report's cells: a count
    since the start is this report's minus the exits since (:func:`grown_since`; with
    ``period``, the report just before this one: the exits of this period); any other
    count (T1's exits of its period, the recruitment funnel) is this report's cell of
    the same key when the counts agree.
    """
    key = frozenset(p for p in marked if p[0] != RELEASED_IN)
    if ("filter:window", "to_date") in key:
        return grown_since(marked, period)
    if grows(key):
        return grown_follow_up(marked)
    if any(d == "filter:period" for d, _ in key):
        return Overlap(equal=(key,))
    return Overlap(equal=(key,), changed=False)


def _chain_two(
    label: str,
    cells: Mapping[frozenset, int],
    before: str,
    cells_before: Mapping[frozenset, int],
    lines: list,
    rests: dict,
) -> None:
    """The lines (and rests) between the report of ``label`` and the one just before
    (``before``), both as cells of this report's model (see
    ``ReportModel._chain_earlier_periods``).
    """
    mine, theirs = partial(_released_in, label=label), partial(_released_in, label=before)

    def loose(key: frozenset) -> frozenset:
        return without(key, "filter:n")

    def undated(key: frozenset) -> frozenset:
        return without(key, "filter:as_of", "filter:n")

    old_to_date: dict[frozenset, list[frozenset]] = {}
    old_follow_up: dict[frozenset, list[frozenset]] = {}
    for key in sorted(cells_before, key=sorted):
        if grows(key):
            old_follow_up.setdefault(undated(key), []).append(key)
        elif ("filter:window", "to_date") in key:
            old_to_date.setdefault(loose(key), []).append(key)
    here: dict[frozenset, list[frozenset]] = {}
    for key in sorted(cells, key=sorted):
        here.setdefault(loose(key), []).append(key)
    for key, value in cells.items():
        if grows(key):
            olds, mark = old_follow_up.get(undated(key), []), ("followed_up_since", before)
        elif ("filter:window", "to_date") in key:
            olds, mark = old_to_date.get(loose(key), []), ("grown_since", before)
        else:
            continue
        for old in olds:
            grown = value - cells_before[old]
            if grown < 0:
                continue  # another population after all
            # since the start grows by the period's exits: that cell where it agrees
            exits = () if grows(key) else grown_since(theirs(old), period=label).rest_is
            same = next(
                (c for p in exits for c in here.get(loose(p), []) if cells[c] == grown), None
            )
            if same is None:
                same = frozenset({*key, mark, REST})
                rests[mine(same)] = grown
            lines.append((mine(key), (theirs(old), mine(same))))


def _in(result, window: str):
    """The result with its window set: ``period`` or ``to_date`` (who left when)."""
    return dataclasses.replace(result, window=window)


def _section(anchor: str, title: str, *parts: str) -> Html:
    return section(anchor, title, *parts)


class ReportModel(ProgrammeSections):
    """Every result of one report, computed once; one method per section."""

    def __init__(self, params: ReportParameters, inputs: Inputs, today: date | None = None) -> None:

        self.params = params
        self.inputs = inputs
        self._manifest: dict | None = None
        self.ctx = RenderContext(
            language=params.language, audience=params.audience, min_cell_count=params.min_cell_count
        )
        self.period: Period = parse_period(params.period, today=today)
        self.year_to_date = year_to_date(self.period)
        self._today = today
        today = today or date.today()
        self.as_of = min(self.period.end, today)

        data = compose.as_known_at_period_end(inputs.participants, self.period)
        self.data = data
        self.exited_period = data.loc[exited_mask(data, self.period)]
        self.exited_to_date = data.loc[data["end_date"].notna()]

        self.counts = part_mod.count_participants(data, self.period)
        enrolled = data.loc[data["start_date"] <= pd.Timestamp(self.period.end)]
        # Per intake group, cells of 10–12 people are mostly below the disclosure threshold;
        # a shared report describes the participants per municipality instead.
        by = "municipality" if self.ctx.disclosure.active else "group"
        self.profile = part_mod.describe_participants(enrolled, by=by)
        # Every result says who left when (the period, or since the start): its
        # tables' populations are told apart by it across reports (proportions._population).
        period, to_date = self.exited_period, self.exited_to_date
        self.outcome_shares = _in(oc.estimate_outcome_shares(period), "period")
        self.outcome_shares_to_date = _in(
            oc.estimate_outcome_shares(to_date, by="municipality"), "to_date"
        )
        self.work_or_studies = _in(oc.estimate_composite(period, kind="work_or_studies"), "period")
        self.self_sufficient = _in(oc.estimate_composite(period, kind="self_sufficient"), "period")
        self.work_or_studies_to_date = _in(
            oc.estimate_composite(to_date, kind="work_or_studies"), "to_date"
        )
        self.self_sufficient_to_date = _in(
            oc.estimate_composite(to_date, kind="self_sufficient"), "to_date"
        )
        self.subgroups = {
            by: _in(oc.estimate_composite(to_date, kind="work_or_studies", by=by), "to_date")
            for by in SUBGROUPS
        }
        self.exits = _in(exits_mod.summarise_exits(period), "period")
        self.exits_to_date = _in(exits_mod.summarise_exits(to_date), "to_date")
        self.transitions = _in(exits_mod.tabulate_transitions(to_date), "to_date")
        self.follow_up_result = exits_mod.summarise_follow_up(data, as_of=self.as_of)
        self.trend = _in(oc.estimate_trend(to_date), "to_date")
        # Other exits compete with work or studies (Aalen–Johansen, not 1 − KM).
        self.survival = oc.estimate_cumulative_incidence(data, as_of=self.as_of)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.regression = _in(
                oc.fit_outcome_model(
                    self.exited_to_date, min_events_per_parameter=params.min_events_per_parameter
                ),
                "to_date",
            )
        self.self_assessment = oc.test_self_assessment(self.exited_to_date)

        # Every goal the parameters set (self-sufficiency first); `goal` is the first.
        self.goal_assessments = compose.assess_goals(
            params, self.self_sufficient_to_date, self.work_or_studies_to_date
        )
        self.goal = self.goal_assessments[0] if self.goal_assessments else None
        self.reference = compose.reference_comparison(params, self.work_or_studies_to_date)
        self.funnel = (
            rec_mod.summarise_funnel(inputs.funnel)
            if inputs.funnel is not None and len(inputs.funnel)
            else None
        )
        self.budget_result = (
            budget_mod.summarise_budget(
                inputs.finance, self.period, reason=params.budget_deviation_reason
            )
            if inputs.finance is not None and len(inputs.finance)
            else None
        )
        self.investment = compose.investment_to_date(
            params.investment_sek, inputs.finance, self.period
        )
        self.socioeconomic_result = self._build_socioeconomic()
        self._build_programme()
        self._load_released()
        self._plan_disclosure()

    def _load_released(self) -> None:
        """Counts released to the nämnd in earlier reports of the project are fixed: the
        plan protects against them (publication register, issue 15).
        """
        path = self.params.publication_register_path
        if not self.ctx.disclosure.active or not path:
            return

        register = PublicationRegister(path)
        scope = scope_text(self.params.subset_municipalities)
        released = register.released(
            self.params.project,
            except_period=self.period.label,
            language=self.params.language,
            scope=scope,
        )
        self.ctx.disclosure.load_released(released)
        # A re-run after a data correction shows no cell an earlier run of it hid.
        self.ctx.disclosure.load_earlier_runs(
            register.earlier_runs(
                self.params.project,
                period=self.period.label,
                scope=scope,
                language=self.params.language,
            )
        )
        # A subset report against the whole project's releases, and the other way round.
        overlapping = register.overlapping(
            self.params.project,
            period=self.period.label,
            scope=scope,
            language=self.params.language,
        )
        for other, cells in overlapping.items():
            # The released report counts everyone this one counts ("whole"), the other
            # way round, or some of the same people ("partial": the released whole is
            # the shared municipality's cell here plus a rest).
            kind = nesting(scope, other)
            released_is_whole = kind in ("whole", "partial")
            relate = partial(
                overlap_of,
                subset=shared_municipalities(scope, other),
                released_is_whole=released_is_whole,
                partial=kind == "partial",
            )
            self.ctx.disclosure.load_overlapping(
                {mark_scope(k, other): v for k, v in cells.items()},
                relate,
                released_is_whole=released_is_whole,
            )
            own = register.released_in(
                self.params.project,
                period=self.period.label,
                scope=other,
                language=self.params.language,
            )
            if own:
                self._load_other_scope(other, own, relate, released_is_whole)
        recomputed = self._load_earlier_periods(register, scope)
        self._load_later_periods(register, scope, recomputed)
        # Since the start now = since the start in an earlier report + the exits since;
        # the follow-up now = an earlier report's + those followed up since.
        earlier = register.earlier_to_date(
            self.params.project,
            before=self.period.start,
            scope=scope,
            language=self.params.language,
        )
        just_before = previous_period(self.period).label
        for label, cells in earlier.items():
            self.ctx.disclosure.load_overlapping(
                {frozenset({*k, (RELEASED_IN, label)}): v for k, v in cells.items()},
                partial(
                    _earlier_relation, period=self.period.label if label == just_before else None
                ),
                released_is_whole=False,
            )
        self._chain_earlier_periods(recomputed, earlier)

    def _chain_earlier_periods(
        self, recomputed: Mapping[str, dict], earlier: Mapping[str, dict]
    ) -> None:
        """Each earlier report recomputed against the report just before it: its count
        since the start is that one's plus its own exits of its period, as its own report
        knew (attack round 7: T3's 14 studies since the start minus its period's 6 is
        T2's hidden 8 since the start, and 8 minus T1's released 6 gave T2's hidden 2
        exits to studies; across a year the same with 2020-T3's counts), and its
        follow-up counts are that one's plus those followed up since. The earlier one's
        cells are its recomputed ones, or else its released counts since the start;
        where no exits cell agrees in value, the difference is a rest no report shows.
        """
        lines: list[tuple[frozenset, tuple[frozenset, ...]]] = []
        rests: dict[frozenset, int] = {}
        for label, cells in recomputed.items():
            before = previous_period(parse_period(label)).label
            cells_before = recomputed.get(before) or earlier.get(before)
            if cells_before:
                _chain_two(label, cells, before, cells_before, lines, rests)
        if lines:
            self.ctx.publish({}, lines, unpublished=rests)

    def _load_other_scope(self, other: str, released: dict, relate, released_is_whole) -> None:
        """The other scope's report of this period as a whole: its cells that it hid and
        its relations, recomputed from the project's rows (the register holds only what
        it released). Without them a cell this report shows could give one of its
        secondary cells back, and its margins then its small cells (issue 15, attack of
        stop 21: Klippan's 7 of 45–54 år against the whole project's 14, then Perstorp's
        column).
        """
        self._load_other_report(
            f"the report of {other or 'the whole project'}",
            lambda: scope_inputs(self.inputs, scope_municipalities(other)),
            released,
            partial(mark_scope, scope=other),
            relate,
            released_is_whole=released_is_whole,
        )

    def _load_earlier_periods(
        self, register: PublicationRegister, scope: str
    ) -> dict[str, dict[frozenset, int]]:
        """The reports of this year's earlier periods (same scope), and the last one of
        the year before, as wholes, the same way: this report's year to date minus its period is their count, so a cell one
        of them hid could come back, and its margins then its small cells.

        Returns:
            {period: its cells put into the plan} of the reports recomputed.
        """
        p = previous_period(self.period)
        recomputed: dict[str, dict] = {}
        # This year's reports, and the last one of the years before (its follow-up and
        # since the start are this year's first report's, minus what came since).
        start = self.year_to_date.start
        earliest = start.replace(year=start.year - 1)
        while p.start >= earliest and p.end < self.period.start:
            released = register.released_in(
                self.params.project, period=p.label, scope=scope, language=self.params.language
            )
            if released:
                just_before = p.label == previous_period(self.period).label
                cells = self._recompute_period(p.label, released, just_before=just_before)
                if cells is not None:
                    recomputed[p.label] = cells
                if p.start < start:
                    break  # the last report before this year
            p = previous_period(p)
        # A year's (or half's) own tertials, halves and quarters: the year's counts are
        # theirs (attack round 10: the year's 15 exits in Klippan minus T2's 12 so far
        # this year gave T3's hidden 3; T3's counts so far this year are the year's).
        for part in parts_within(self.period):
            released = register.released_in(
                self.params.project, period=part.label, scope=scope, language=self.params.language
            )
            if released:
                cells = self._recompute_period(part.label, released, just_before=False)
                if cells is not None:
                    recomputed[part.label] = cells
        return recomputed

    def _load_later_periods(
        self, register: PublicationRegister, scope: str, recomputed: Mapping[str, dict]
    ) -> None:
        """Reports of later periods (same scope) the nämnd received before this one (T2,
        then T1; or T1 re-run after T2): their counts so far this year and since the
        start hold this report's and more (:func:`holds_since`), so this report's cell
        must not give their hidden rest.

        Those of this year, and the one just after this period, join as wholes (their
        hidden cells and relations, recomputed): their carried-over and earlier-in-the-
        year counts are this report's own cells (attack round 10, F7e: T2's 14 enrolled,
        its Bjuv 5 and T1's enrolled gave T1's exits in Klippan and Perstorp, then T1's
        total, and T2's 27 exits so far this year its hidden 4 of the period). Others, and
        those the data no longer give as released, are known by their released counts.
        """
        own = self.year_to_date.label
        for label in register.periods(self.params.project, scope=scope):
            try:
                later = parse_period(label)
            except ValueError:
                continue
            if later.end <= self.period.end:
                continue
            released = register.released_in(
                self.params.project, period=label, scope=scope, language=self.params.language
            )
            later_ytd = year_to_date(later)
            same_year = later_ytd.start == self.year_to_date.start
            relate = partial(
                holds_since,
                own_year_to_date=own,
                later_year_to_date=later_ytd.label if same_year else None,
            )
            if same_year or previous_period(later).label == self.period.label:
                params = self.params.model_copy(
                    update={"period": label, "publication_register_path": None}
                )
                here = {self.period.label: None, own: None, **{p: p for p in recomputed}}

                def same_as(key, here=here):
                    """This plan's cell of the later report's ``key``, if it has one: a
                    participants count (enrolled, new, exits) of a period here.
                    """
                    d = dict(key)
                    period = d.get("filter:period")
                    if period not in here or not set(d) <= _PARTICIPANT_DIMENSIONS:
                        return None
                    return key if here[period] is None else _released_in(key, here[period])

                loaded = self._load_other_report(
                    f"the report of {label}",
                    lambda params=params: dataclasses.replace(
                        self.inputs, params=params, warnings=[]
                    ),
                    released,
                    partial(_released_in, label=label),
                    relate,
                    released_is_whole=True,
                    same_as=same_as,
                )
                if loaded is not None:
                    continue  # else (the data changed since) by its released counts
            cells = {_released_in(k, label): v for k, v in released.items()}
            related = {k: v for k, v in cells.items() if relate(k) != Overlap()}
            if related:
                self.ctx.disclosure.load_overlapping(related, relate, released_is_whole=True)

    def _recompute_period(self, label: str, released: dict, *, just_before: bool) -> dict | None:
        """The report of another period of this scope, recomputed into this plan."""
        params = self.params.model_copy(update={"period": label, "publication_register_path": None})
        return self._load_other_report(
            f"the report of {label}",
            lambda: dataclasses.replace(self.inputs, params=params, warnings=[]),
            released,
            partial(_released_in, label=label),
            partial(_earlier_relation, period=self.period.label if just_before else None),
            released_is_whole=False,
        )

    def _load_other_report(
        self,
        what: str,
        inputs,
        released: dict,
        mark,
        relate,
        *,
        released_is_whole: bool,
        same_as=None,
    ) -> dict | None:
        """Recompute another report the nämnd has (``inputs()``: its inputs) and put its
        hidden cells and relations into this report's plan, its keys marked by ``mark``.
        Skipped, with a note, when the data no longer give what it released.

        ``same_as(key)``: this plan's cell of the very same people as the other report's
        cell ``key`` (a later report's counts of this period), or None; each such cell,
        the other's rests and slacks too, is tied to it.

        Returns:
            Its cells put into the plan (unmarked keys, their counts), or None if skipped.
        """
        try:
            other = inputs()
            model = ReportModel(other.params, other, today=self._today)
        except (ValueError, InsatsError) as error:
            self.ctx.disclosure.overlap_notes.append(
                f"{what} could not be recomputed ({error}); only its released counts are used"
            )
            return None
        values, _, lines = model.ctx.disclosure.published()
        # Its inequalities' slacks are no counts of its report: they join as slacks.
        slack = model.ctx.disclosure.slack
        slack_values = {k: values.pop(k) for k in slack if k in values}
        changed = [k for k, v in released.items() if k in values and values[k] != v]
        if changed:
            self.ctx.disclosure.overlap_notes.append(
                f"the data give {len(changed)} counts of {what} other than it released; "
                "only its released counts are used"
            )
            return None
        rests = model.ctx.disclosure.unpublished
        control = self.ctx.disclosure
        loaded = {k: v for k, v in values.items() if k not in rests}
        control.load_overlapping(
            {mark(k): v for k, v in released.items()}, relate, released_is_whole=released_is_whole
        )
        control.load_released(  # zeros of its tables are always shown (not its rests)
            {
                mark(k): 0
                for k, v in values.items()
                if v == 0 and k not in released and k not in rests
            }
        )
        control.load_overlapping_model(
            {
                mark(k): v
                for k, v in values.items()
                if k not in released and v > 0 and k not in rests
            },
            [(mark(line.total), tuple(map(mark, line.members))) for line in lines],
            relate,
            released_is_whole=released_is_whole,
            unpublished={mark(k): values[k] for k in rests if k not in released},
            slack={mark(k): v for k, v in slack_values.items()},
        )
        if same_as is not None:
            ties = []
            for k in [*values, *slack_values]:
                cell = same_as(k)
                if cell is not None:
                    ties.append((mark(k), (cell,)))
            if ties:
                self.ctx.publish({}, ties)
        return loaded

    def _plan_disclosure(self) -> None:
        """Render once without showing anything to learn every count table, then protect
        them jointly, so no cell is shown in one table and hidden in another.
        """
        if not self.ctx.disclosure.active:
            return
        import matplotlib.pyplot as plt

        # The period's exits are the participants table's "Avslutade" and "varav i
        # förtid" of the period: the same people under two keys, one cell.
        exit_keys = self.exits._keys(self.ctx)
        self.ctx.publish(
            {},
            [
                (self.counts._key(self.ctx, "period", "exited"), (exit_keys["exited"],)),
                (self.counts._key(self.ctx, "period", "early_exits"), (exit_keys["early_exits"],)),
            ],
        )
        # Those who left = those with a known status + those without (the composites'
        # and the outcome shares' "uppgift saknas"): the missing are a count too.
        for exits, results in (
            (self.exits, (self.work_or_studies, self.self_sufficient, self.outcome_shares)),
            (
                self.exits_to_date,
                (self.work_or_studies_to_date, self.self_sufficient_to_date),
            ),
        ):
            exited = exits._keys(self.ctx)["exited"]
            for r in results:
                base, missing = r.missing_keys()
                if r.n + r.n_missing == exits.exited:  # the same people, by construction
                    # the base too: with no one known ("andelen kan inte skattas") no table
                    # registers its 0, and the line would be left out (issue 15, attack
                    # round 9: "Uppgift saknas för 30" gave the period's hidden 30 exits)
                    self.ctx.publish({base: r.n, missing: r.n_missing}, [(exited, (base, missing))])
        # Those who left since the start tie the to-date tables together. Their number
        # is shown as the to-date composite's base when everyone who left has a status;
        # the relations below go through that cell (none is made without it: a cell no
        # table shows would only make the greedy plan hide more than it needs).
        exited = self._exited_to_date_cell()
        if exited is not None:
            # ... = this year so far + the years before (a count no table shows, zero
            # when the project began this year)
            earlier = self.exits_to_date.exited - int(self.counts.total("year_to_date")["exited"])
            ytd_key = self.counts._key(self.ctx, "year_to_date", "exited")
            if earlier == 0 and self._began_this_year(self.data):
                # The report shows when its groups started: no one left before the year
                # (attack F7d: a Klippan report's 8 since the start and its 6 of T2 gave
                # the 2 exits of T1 the whole project's report hid).
                self.ctx.publish({}, [(exited, (ytd_key,))])
                self._relate_levels_to_date(None)
            elif earlier >= 0:
                rest = count_key(
                    {
                        "period": f"−{self.counts.year_to_date.start.isoformat()}",
                        "measure": "exited",
                    }
                )
                self.ctx.publish({}, [(exited, (ytd_key, rest))], unpublished={rest: earlier})
                self._relate_levels_to_date(rest)
            # ... = those with a recorded support after (the transitions' n) + those without
            t = self.transitions
            if t.n + t.excluded == self.exits_to_date.exited:
                tk = t._publish(self.ctx)
                self.ctx.publish({}, [(exited, (tk["n"], tk["excluded"]))])
        self._relate_began_this_year()
        self._relate_funnel()
        self._relate_inequalities()
        self._relate_survival(exited)
        self._relate_support_tables()
        for by in SUBGROUPS:
            self.ctx.publish({}, self.subgroups[by].level_part_lines(self.ctx))
        self._prefer_summary_counts()
        self._declare_groups()

        self.ctx.start_recording()
        try:
            for name in SECTIONS:
                getattr(self, name)()
            # figures.json is published too: its numbers are planned with the tables.
            self.figures()
        finally:
            specs = self.ctx.stop_recording()
            plt.close("all")
        self.ctx.plan_count_tables(specs)
        self.ctx.disclosure.suppressed_values = 0  # the dry run counted prose values

    def _declare_groups(self) -> None:
        """Name each intake group's municipality to the plan, wherever the data nest the
        group in one: a municipality's count is then the sum of its groups' counts in
        every table split both ways.

        Not only groups named with their municipality ("Klippan, grupp 5"): a group
        number unique across the project ("Grupp 1", only in Perstorp) belongs to one
        municipality all the same, and the report says which (the trend table's Kommun
        column). Attack round 10, F6: Perstorp's shown 6 exits were Grupp 1's hidden
        ones, and the total 15 − Grupp 2's 6 − 6 gave Grupp 5's hidden 3.

        Both labels of a group are named: the participant tables' ("Grupp 1") and the
        outcome tables' ("1"), each from the rows its tables count (the groups of those
        who left are named from those rows).
        """
        parents: dict[str, str] = {}
        for frame in (self.data, self.exited_to_date, self.exited_period):
            if "group" not in frame.columns or frame.empty:
                continue
            _, names = group_keys(frame)
            for key, municipality in group_municipalities(frame).items():
                parent = part_mod.category_label(self.ctx, "municipality", municipality)
                for label in (
                    part_mod.group_label(self.ctx, key, names),
                    level_label(self.ctx, "group", key),
                ):
                    parents.setdefault(label, parent)
        self.ctx.disclosure.declare_groups(parents)

    def _prefer_summary_counts(self) -> None:
        """The counts the summary leads with (the period's participants, the share in
        work or studies since the start and of the period, the socio-economic account's
        successes and base): the plan hides them only when nothing else protects a cell.
        """
        keys = [self.counts._key(self.ctx, "period", m) for m in part_mod.MEASURES]
        keys += SUCCESS_KEYS  # the socio-economic amounts are sums over the successes
        # The self-assessment's pairs: a hidden part withholds the parts anyway, so hide
        # another part rather than the pairs (the sample kept its 38 after the release
        # pass had hidden them instead of 25 and 10, which no sentence shows).
        keys.append(self.self_assessment.cell_keys()["n"])
        for composite in (self.work_or_studies_to_date, self.work_or_studies):
            if composite.overall.n:
                k = composite._keys(self.ctx)
                keys += [k["n"], k["yes"], k["no"]]
        self.ctx.disclosure.prefer_shown(keys)

    def _relate_support_tables(self) -> None:
        """The follow-up's support at start × at exit and the socio-economic account's
        support at start × after split the same people (who left, by their support at
        start): a row of the one is the same count as the row of the other where the two
        agree (attack of stop 21: Försörjningsstöd's 17 shown in the account's table gave
        the follow-up's hidden row total).
        """
        account, t = self.socioeconomic_result, self.transitions
        if account is None or account.transitions.empty or t.before != "support_at_start":
            return
        ctx = self.ctx
        population = {"population": f"recorded:{t.after}"}
        ours = t.table.sum(axis=1)
        theirs = account.transitions.sum(axis=1)
        lines = [
            (
                count_key(support_at_start=ctx.code("support", code)),
                (
                    count_key(
                        population, **{t.before: part_mod.category_label(ctx, t.before, code)}
                    ),
                ),
            )
            for code, n in theirs.items()
            if code in ours.index and int(ours[code]) == int(n)
        ]
        if lines:
            ctx.publish({}, lines)

    def _relate_funnel(self) -> None:
        """The funnel's "Började" of a group and the group's size elsewhere (among the
        results since the start, for a finished group; the new participants of the
        period or the year, for a group that began in it) are the same people when the
        two files agree: a reader who sees one of them knows the other (attack R1: a
        group's size shown with the results gave the funnel's hidden "Började" back, and
        the funnel's total then a second group's). Where the counts agree the two keys
        are one cell (a relation true of the counts, even by chance, only makes the plan
        more careful); where they differ, no equality holds for a reader to use.
        """
        if self.funnel is None:
            return
        by_group = self.subgroups["group"]
        keys = by_group.level_keys(self.ctx)
        # A group's size: those who left since the start (with a status), and those who
        # started in the period or the year so far (a group that began this year).
        sizes: dict = {}
        for group, n in zip(by_group.frame["group"], by_group.frame["n"], strict=True):
            sizes.setdefault(group, []).append((keys[group], int(n)))
        for scope in ("period", "year_to_date"):
            started = self.counts.wide("group", scope)
            for group in started.index:
                key = self.counts._key(self.ctx, scope, "started", "group", group)
                sizes.setdefault(group, []).append((key, int(started.at[group, "started"])))
        lines = []
        for group, started in self.funnel.counts["started"].dropna().items():
            funnel_key = count_key(
                {"population": "recruitment", "measure": "started"},
                group=part_mod.group_label(self.ctx, group, self.funnel.group_names),
            )
            lines += [(funnel_key, (k,)) for k, n in sizes.get(group, []) if n == int(started)]
        if lines:
            self.ctx.publish({}, lines)

    def _relate_inequalities(self) -> None:
        """What a reader knows without a sum: the exits of a period are among its
        enrolled, and so are its new participants; the early exits are among the exits;
        each step of the funnel is among the step before, where the counts say so
        (attack of stop 23: a group whose enrolled all left in the period pins its
        hidden enrolled by its shown exits, and the column's margin then another
        group's small count).
        """
        ctx = self.ctx
        pairs = self.counts.subsets(ctx)
        funnel = self.funnel
        if funnel is not None and len(funnel.counts) > 1:
            base = {"population": "recruitment"}
            names = funnel.group_names

            def key(group: str, step: str):
                if group == rec_mod.TOTAL:
                    return count_key({**base, "measure": step})
                label = part_mod.group_label(ctx, group, names)
                return count_key({**base, "measure": step}, group=label)

            previous = dict(zip(FUNNEL_STEPS[1:], FUNNEL_STEPS, strict=False))
            pairs += [
                (key(g, step), n, key(g, previous[step]), before)
                for g, step, n, before in funnel.subsets()
            ]
        ctx.at_most(pairs)

    def _began_this_year(self, frame: pd.DataFrame) -> bool:
        """Whether everyone in ``frame`` started this year: the report shows its groups'
        start, so a reader knows no one of them left before the year.
        """
        starts = frame["start_date"].dropna() if "start_date" in frame.columns else None
        return (
            starts is not None
            and len(starts) == len(frame) > 0
            and (starts.min() >= pd.Timestamp(self.counts.year_to_date.start))
        )

    def _relate_began_this_year(self) -> None:
        """A row (the whole, a group, a municipality) whose participants all started in
        the period, or this year, has its enrolled of that span = its new of it: the
        report shows the groups' start, so a reader knows no one was carried over
        (attack F7d: a Klippan report's 14 new so far this year were its hidden 14
        enrolled, and its 12 enrolled of T2 then gave the 2 exits of T1).
        """
        ctx, counts = self.ctx, self.counts
        lines = []
        for scope, span in (("period", counts.period), ("year_to_date", counts.year_to_date)):
            start = pd.Timestamp(span.start)
            rows: list[tuple] = [(None, None, counts.total(scope), self.data)]
            for by in ("group", "municipality"):
                levels = level_series(self.data, by) if by in self.data.columns else None
                if levels is None:
                    continue
                wide = counts.wide(by, scope)
                for level in wide.index:
                    rows.append((by, level, wide.loc[level], self.data.loc[levels == str(level)]))
            for by, level, row, frame in rows:
                starts = frame["start_date"]
                began = len(frame) > 0 and starts.notna().all() and starts.min() >= start
                if began and int(row["enrolled"]) == int(row["started"]):
                    lines.append(
                        (
                            counts._key(ctx, scope, "enrolled", by, level),
                            (counts._key(ctx, scope, "started", by, level),),
                        )
                    )
        if lines:
            ctx.publish({}, lines)

    def _relate_levels_to_date(self, rest) -> None:
        """Per group and per municipality, as for the whole: those who left since the start
        (the to-date composite's n of the level, when all of them have a status) = the
        level's exits of the year so far (the period's, when the period starts the year)
        + the level's earlier ones, a count no table shows; the levels' earlier counts
        add up to the whole's ``rest`` (None: the whole began this year). A level whose
        participants all started this year left no one earlier (:meth:`_began_this_year`).

        A reader who sees that no one was enrolled before the period (new = enrolled)
        knows the earlier counts are 0 (attack round 10, after F6: Perstorp's 6 since the
        start in the outcome table by Kommun were its 6 exits of T1 the participants
        table hid, and 15 − Bjuv's 6 − 6 gave Klippan's 3).
        """
        ctx = self.ctx
        same = self.counts.year_to_date.start == self.counts.period.start
        scope = "period" if same else "year_to_date"
        start = self.counts.year_to_date.start.isoformat()
        for by in ("group", "municipality"):
            sub = self.subgroups[by]
            if sub.by != by or self.exited_to_date.empty:
                continue
            left = level_series(self.exited_to_date, by).value_counts().to_dict()
            known = dict(zip(sub.frame[by], sub.frame["n"], strict=True))
            wide = self.counts.wide(by, scope)
            keys = sub.level_keys(ctx)
            lines: list[tuple] = []
            unpublished: dict = {}
            parts: list = []
            levels = level_series(self.data, by)
            for level, n in left.items():
                if level not in wide.index or int(known.get(level, -1)) != int(n):
                    continue
                before = int(n) - int(wide.at[level, "exited"])
                if before < 0:
                    continue
                own = self.counts._key(ctx, scope, "exited", by, level)
                if before == 0 and self._began_this_year(self.data.loc[levels == level]):
                    lines.append((keys[level], (own,)))
                    continue
                part = count_key(
                    {"period": f"−{start}", "measure": "exited"},
                    **{by: level_label(ctx, by, level)},
                )
                lines.append((keys[level], (own, part)))
                unpublished[part] = before
                parts.append(part)
            if not lines:
                continue
            if rest is not None and len(lines) == len(left) and parts:
                # every level: their earlier counts make the whole's
                lines.append((rest, tuple(parts)))
            ctx.publish({}, lines, unpublished=unpublished)

    def _exited_to_date_cell(self):
        """The key of a shown cell that counts everyone who left since the start: the
        to-date composite's base when no one lacks a status, else None.
        """
        composite = self.work_or_studies_to_date
        if composite.n_missing == 0 and composite.n == self.exits_to_date.exited > 0:
            return composite._keys(self.ctx)["n"]
        return None

    def _relate_survival(self, exited) -> None:
        """The time-to-event counts are counts of other tables too, when they agree: its
        events are those who left for work or studies since the start (the composite's
        "yes"), and events + competing exits are everyone who left since the start.
        """
        result = self.survival
        if result.n == 0 or result.method != "aalen_johansen":
            return
        parts = result.outcome_cells(self.ctx)
        composite = self.work_or_studies_to_date
        lines: list[tuple[frozenset, tuple[frozenset, ...]]] = []
        if composite.n_missing == 0 and composite.count == result.events:
            lines.append((composite._keys(self.ctx)["yes"], (parts["events"],)))
        if exited is not None and result.events + result.competing == self.exits_to_date.exited:
            lines.append((exited, (parts["events"], parts["competing"])))
        if lines:
            self.ctx.publish({}, lines)

    # --- composition helpers -------------------------------------------------------
    def _investment_sek(self) -> float | None:
        # The latest cumulative row per funder and year, summed (insats.programme.budget).
        return self.investment.total_sek if self.investment is not None else None

    def _investment_text(self) -> Html:
        """Which finance rows (or which parameter) the investment is taken from."""
        ctx, inv = self.ctx, self.investment
        if inv is None:
            return Html("")
        if inv.source == "parameter":
            return ctx.paragraph(
                self.t("build.socioeconomic.investment_parameter", total=ctx.sek(inv.total_sek))
            )
        assert inv.invoiced is not None  # source "finance": the rows it sums
        rows = "; ".join(
            f"{funder} {', '.join(labels)}" for funder, labels in inv.invoiced.row_labels().items()
        )
        return ctx.paragraph(
            self.t(
                "build.socioeconomic.investment_rows",
                total=ctx.sek(inv.total_sek),
                end=ctx.date(self.period.end),
                rows=rows,
            )
        )

    def _build_socioeconomic(self):

        investment = self._investment_sek()
        if investment is None or self.exited_to_date.empty:
            return None
        # the account's own share and interval (issue 10 item 5), not work or studies'
        return build_account(self.exited_to_date, self.params, investment_sek=investment)

    def t(self, key: str, **fields: object) -> str:
        return self.ctx.t(key, **fields)

    def _narrative(self, key: str) -> str:
        narrative = self.inputs.narrative
        return str(narrative.section_html(key)) if narrative is not None else ""

    # --- sections ------------------------------------------------------------------
    def header(self) -> Html:
        p = self.params
        title = p.title or self.t("build.title", project=p.project)
        if p.subset_municipalities and not p.title:
            title = f"{title} – {', '.join(p.subset_municipalities)}"
        period_text = self.t(
            "build.period_line",
            label=self.period.label,
            start=self.ctx.date(self.period.start),
            end=self.ctx.date(self.period.end),
        )
        org = f'<p class="kicker">{escape(p.organisation)}</p>' if p.organisation else ""
        rec = (
            f"<p>{escape(self.t('build.recipient', recipient=p.recipient))}</p>"
            if p.recipient
            else ""
        )
        subset = (
            f'<p class="subset">{escape(self.t("build.subset_line", municipalities=names))}</p>'
            if (names := ", ".join(p.subset_municipalities or []))
            else ""
        )
        return Html(
            f'<header class="report-header">{org}<h1>{escape(title)}</h1>'
            f'<p class="period">{escape(period_text)}</p>{subset}{rec}</header>'
        )

    def summary(self) -> Html:
        ctx = self.ctx
        items = (
            []
            if not self.has_participants
            else [
                # the cells of the participants table; a hidden one is left out
                sec_participants.counts_sentence(
                    self.counts, ctx, "period", self.t("publication.counts.lead_period")
                ),
            ]
        )
        items += self.programme_summary_items()
        w = self.work_or_studies_to_date.overall
        if w.n:
            items.append(
                self.t(
                    "build.summary.outcome",
                    # hidden wherever the plan hides the composite (not only when small)
                    proportion=ctx.t("stat.proportion_suppressed", mark=SUPPRESSED)
                    if self.work_or_studies_to_date.overall_hidden(ctx)
                    else ctx.proportion(w.count, w.n, w.ci_low, w.ci_high),
                )
            )
        for goal in self.goal_assessments:
            g = goal.figure_data(ctx)
            items.append(
                self.t(
                    f"build.summary.goal_of.{g['status']}",
                    what=self.t(goal.label_key),
                    target=ctx.pct(g["target_share"]),
                    observed=ctx.share(g["observed_share"], g.get("n")),
                    interval=ctx.share_range(g.get("ci_low"), g.get("ci_high"), g.get("n")),
                )
            )
        if self.budget_result is not None:
            b = self.budget_result.figure_data(ctx)
            flagged = [
                f"{name} ({ctx.pct(f['deviation_share'], 1)})"
                for name, f in (b.get("by_funder") or {}).items()
                if f.get("needs_explanation")
            ]
            if not b["needs_explanation"]:
                key = "build.summary.budget_ok"
            elif abs(b["deviation_share"] or 0) > 0.10 or not flagged:
                key = "build.summary.budget_deviation"
            else:
                key = "build.summary.budget_deviation_funder"
            text = self.t(
                key,
                granted=ctx.sek(b["granted_sek"]),
                invoiced=ctx.sek(b["invoiced_sek"]),
                forecast=ctx.sek(b["forecast_sek"]),
                deviation=ctx.pct(b["deviation_share"], 1),
                funders=", ".join(flagged),
            )
            if b["needs_explanation"]:
                text += " " + self.t(
                    "build.summary.budget_reason_given"
                    if b.get("explanation_given")
                    else "build.summary.budget_reason_missing"
                )
            items.append(text)
        items += self.grant_summary_item()
        if self.socioeconomic_result is not None:
            s = socioeconomic_figure_data(self.socioeconomic_result, ctx)
            payback = s["payback_years"].get("society")
            if s.get("withheld"):
                items.append(
                    self.t(
                        "build.summary.socioeconomic_withheld_split"
                        if s.get("withheld_because") == "split"
                        else "build.summary.socioeconomic_withheld",
                        investment=ctx.sek(sum(v for v in s["investment_sek"].values() if v)),
                        horizon=s["horizon_years"],
                        years=s["account_years"],
                    )
                )
            else:
                items.append(
                    self.t(
                        "build.summary.socioeconomic",
                        investment=ctx.sek(sum(v for v in s["investment_sek"].values() if v)),
                        horizon=s["horizon_years"],
                        years=s["account_years"],
                        npv=ctx.sek(s["npv_sek"]["society"]),
                        payback=ctx.years(payback)
                        if payback is not None
                        else self.t("build.summary.not_within_horizon"),
                        probability=ctx.pct(s["probability_positive"].get("society")),
                    )
                )
            standard = s.get("standard_success")
            if standard is not None:
                # parameters and unit costs only: in every report (issue 15)
                needed = standard["break_even_participants"].get("society")
                items.append(
                    self.t(
                        "build.summary.socioeconomic_standard"
                        if needed is not None
                        else "build.summary.socioeconomic_standard_never",
                        horizon=standard["horizon_years"],
                        n=ctx.number(needed),
                    )
                )
            gains = s.get("who_gains") or []  # largest gain first, employer included
            if gains:
                items.append(
                    self.t(
                        "build.summary.who_gains",
                        gains=self.t(f"socioeconomic.actor.{gains[0]}")
                        if self.ctx.labels.has(f"socioeconomic.actor.{gains[0]}")
                        else gains[0],
                        payers=", ".join(
                            self.t(f"socioeconomic.actor.{a}")
                            if self.ctx.labels.has(f"socioeconomic.actor.{a}")
                            else a
                            for a, v in s["investment_sek"].items()
                            if v
                        ),
                    )
                )
        if self.has_participants:
            items.append(self.t("build.summary.uncertainty"))
        body = '<ul class="summary">' + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"
        if not self.has_participants:
            body += self.no_participants_note()
        return _section("summary", self.t("report.section.summary"), body)

    def about(self) -> Html:
        parts = [self._narrative(k) for k in ("purpose", "goals", "method")]
        if not any(parts):
            return Html("")
        return _section("about", self.t("report.section.about"), *parts)

    def participants(self) -> Html:
        ctx = self.ctx
        if not self.has_participants:
            return Html("")
        return _section(
            "participants",
            self.t("report.section.participants"),
            sec_participants.render_participant_counts(self.counts, ctx),
            self._narrative("period"),
            sec_participants.render_participant_profile(self.profile, ctx),
        )

    def outcomes(self) -> Html:
        ctx = self.ctx
        if not self.has_participants:
            return Html("")
        parts = [
            ctx.heading(self.t("build.outcomes.period_heading"), 3),
            sec_results.render_outcome_shares(self.outcome_shares, ctx),
            sec_results.render_composite_shares(self.work_or_studies, ctx),
            sec_results.render_composite_shares(self.self_sufficient, ctx),
            sec_exits.render_exit_summary(self.exits, ctx),
            ctx.heading(self.t("build.outcomes.to_date_heading"), 3),
            sec_results.render_composite_shares(self.work_or_studies_to_date, ctx),
            sec_results.render_outcome_shares(self.outcome_shares_to_date, ctx),
            ctx.heading(self.t("build.outcomes.subgroups_heading"), 3),
            *[sec_results.render_composite_shares(self.subgroups[by], ctx) for by in SUBGROUPS],
            ctx.heading(self.t("build.outcomes.trend_heading"), 3),
            sec_trend.render_trend_result(self.trend, ctx),
            ctx.heading(self.t("build.outcomes.survival_heading"), 3),
            sec_survival.render_survival_result(self.survival, ctx),
            ctx.heading(self.t("build.outcomes.regression_heading"), 3),
            sec_regression.render_regression_result(self.regression, ctx),
            ctx.heading(self.t("build.outcomes.self_assessment_heading"), 3),
            sec_self_assessment.render_self_assessment_result(
                self.self_assessment,
                ctx,
                exited=(self.exits_to_date._keys(ctx)["exited"], self.exits_to_date.exited),
            ),
        ]
        return _section("outcomes", self.t("report.section.outcomes"), *parts)

    def follow_up(self) -> Html:
        ctx = self.ctx
        if not self.has_participants:
            return Html("")
        return _section(
            "follow-up",
            self.t("report.section.follow_up"),
            sec_exits.render_transition_table(self.transitions, ctx),
            sec_exits.render_follow_up(self.follow_up_result, ctx),
        )

    def goals(self) -> Html:
        ctx = self.ctx
        parts = [sec_goals.render_goal_assessment(goal, ctx) for goal in self.goal_assessments]
        if self.reference is not None:
            parts.append(sec_goals.render_reference_comparison(self.reference, ctx))
        if self.product_goals_result is not None:
            parts.append(self.product_goals_html())
        if not parts and not self.has_participants:
            return Html("")
        if not parts:
            parts.append(ctx.paragraph(self.t("build.goals.none")))
        return _section("goals", self.t("report.section.goals"), *parts)

    def recruitment(self) -> Html:
        if self.funnel is None:
            return Html("")
        return _section(
            "recruitment",
            self.t("report.section.recruitment"),
            render_recruitment(self.funnel, self.ctx),
        )

    def budget(self) -> Html:
        ctx = self.ctx
        if self.budget_result is None and self.grant_result is None and not self.has_participants:
            return Html("")
        if self.budget_result is None and self.grant_result is not None:
            return _section("budget", self.t("report.section.budget"), self.grant_html())
        if self.budget_result is None:
            return _section(
                "budget",
                self.t("report.section.budget"),
                ctx.paragraph(self.t("build.budget.none")),
            )
        return _section(
            "budget",
            self.t("report.section.budget"),
            render_budget(self.budget_result, ctx),
            self.grant_html(),
            self._narrative("budget_deviation"),
        )

    def socioeconomic(self) -> Html:
        ctx = self.ctx
        if self.socioeconomic_result is None and not self.has_participants:
            return Html("")
        if self.socioeconomic_result is None:
            return _section(
                "socioeconomic",
                self.t("report.section.socioeconomic"),
                ctx.paragraph(self.t("build.socioeconomic.none")),
            )
        return _section(
            "socioeconomic",
            self.t("report.section.socioeconomic"),
            self._investment_text(),
            render_socioeconomic(self.socioeconomic_result, ctx),
        )

    def other(self) -> Html:
        parts = [self._narrative(k) for k in ("cooperation", "other")]
        if not any(parts):
            return Html("")
        return _section("other", self.t("report.section.other"), *parts)

    def method(self) -> Html:
        ctx = self.ctx
        items = (
            [
                self.t(f"build.method.{k}")
                for k in (
                    "population",
                    "intervals",
                    "small",
                    "survival",
                    "regression",
                    "self_assessment",
                    "follow_up",
                )
            ]
            if self.has_participants
            else []
        )
        items += self.programme_method_items()
        body = "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"
        extra = (
            self.socioeconomic_result.render_assumptions(ctx)
            if self.socioeconomic_result is not None
            and hasattr(self.socioeconomic_result, "render_assumptions")
            else ""
        )
        return _section("method", self.t("report.section.method"), body, extra)

    def disclosure(self) -> Html:

        return _section(
            "disclosure", self.t("report.section.disclosure"), render_appendix(self.ctx)
        )

    def provenance(self) -> Html:
        from datetime import UTC, datetime

        if self._manifest is None:
            now = datetime.now(UTC)
            self._manifest = build_manifest(
                self.params,
                self.inputs.files,
                catalogue_info=self.inputs.catalogue_info,
                started_at=now,
                finished_at=now,
                base_dir=repository_root(),
                rows_used=self.inputs.rows_for_manifest(),
                withheld=self.inputs.withheld_in_manifest(),
            )
            self._manifest.get("run", {}).pop("duration_seconds", None)
            restore_original_paths(self._manifest, self.inputs.files, repository_root())
        return _section(
            "provenance",
            self.t("report.section.provenance"),
            provenance_html(self._manifest, self.ctx),
        )

    def figures(self) -> dict[str, Any]:
        """The key figures for figures.json, under the same disclosure rules as the HTML."""
        ctx = self.ctx
        data: dict[str, Any] = {
            "project": self.params.project,
            "period": {
                "label": self.period.label,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
            },
            "language": self.params.language,
            "audience": self.params.audience,
            "participants": self.counts.figure_data(ctx),
            "outcomes_at_exit": self.outcome_shares.figure_data(ctx),
            "work_or_studies_at_exit": self.work_or_studies.figure_data(ctx),
            "self_sufficient_at_exit": self.self_sufficient.figure_data(ctx),
            "work_or_studies_to_date": self.work_or_studies_to_date.figure_data(ctx),
            "self_sufficient_to_date": self.self_sufficient_to_date.figure_data(ctx),
            "exits": self.exits.figure_data(ctx),
            "follow_up": self.follow_up_result.figure_data(ctx),
            "time_to_work_or_studies": self.survival.figure_data(ctx),
            # the logistic model of "Samband": withheld where the HTML withholds it
            "regression": self.regression.figure_data(ctx),
            # per intake group, keyed by (municipality, group): "Klippan: 5"
            "trend": self.trend.figure_data(ctx),
            "work_or_studies_by_group": self.subgroups["group"].figure_data(ctx).get("by", {}),
            "support_before_after": {
                k: v
                for k, v in self.transitions.figure_data(ctx).items()
                if k in ("n", "before", "before_unknown", "after")
            },
        }
        if self.goal is not None:
            data["goal"] = self.goal.figure_data(ctx)
        data["goals"] = [g.figure_data(ctx) for g in self.goal_assessments]
        if self.reference is not None:
            data["reference"] = self.reference.figure_data(ctx)
        if self.budget_result is not None:
            data["budget"] = self.budget_result.figure_data(ctx)
        if self.funnel is not None:
            data["recruitment"] = funnel_figure_data(self.funnel, ctx)
        if self.socioeconomic_result is not None:
            data["socioeconomic"] = socioeconomic_figure_data(self.socioeconomic_result, ctx)
        if self.investment is not None:
            data["investment"] = self.investment.figure_data()
        if not self.has_participants:  # no register: no participant figures at all
            for key in PARTICIPANT_FIGURES:
                data.pop(key, None)
        data.update(self.programme_figures())
        return data

    def emit_figures(self):
        """Display the figures under a private MIME type; the runner takes them out."""

        class _Figures:
            def __init__(self, data):
                self.data = data

            def _repr_mimebundle_(self, include=None, exclude=None):
                return {FIGURES_MIMETYPE: self.data, "text/plain": "figures.json"}

        data = self.figures()
        self.audit_publication()
        if self.ctx.disclosure.active:
            # For the runner's publication register (taken out before figures.json).
            data[RELEASED_KEY] = [
                [encode_key(k, self.params.language), v]
                for k, v in self.ctx.disclosure.released_cells().items()
            ]
            data[NOTES_KEY] = list(dict.fromkeys(self.ctx.disclosure.overlap_notes))
        return _Figures(data)

    def audit_publication(self) -> None:
        """Attack every number the report publishes (tables, sentences, figures.json)
        with their relations, by linear programming; stop if a hidden count can be
        narrowed to less than one whole person (issue 15).
        """
        if not self.ctx.disclosure.active:
            return

        raise_if_exposed(audit_publication(self.ctx.disclosure), "the report's numbers")


def build_report(params: ReportParameters, today: date | None = None) -> ReportModel:
    """Load, check and compute everything a report shows."""
    inputs = check_inputs(params, today=today)
    return ReportModel(params, inputs, today=today)
