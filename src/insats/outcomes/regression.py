"""Logistic regression of a positive outcome on background, only when the data allow it.

The rule of thumb of at least 10 events per estimated parameter (Peduzzi et al. 1996,
J Clin Epidemiol 49:1373–1379) decides whether a model is fitted; "events" are the rarer
of the two outcomes. Groups of 8–30 persons almost never pass it, and then the report
says so in one sentence instead of printing unstable odds ratios.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from insats.disclosure import count_key
from insats.outcomes._common import (
    level_label,
    level_series,
    ordered_levels,
    require_columns,
)
from insats.outcomes.proportions import COMPOSITES, _population, composite_flags

REASONS = ("too_few_events", "separation", "no_variation", "no_data", "not_converged")


@dataclass(frozen=True)
class RegressionResult:
    """Odds ratios of a logistic model, or the reason it was not fitted.

    Attributes:
        outcome: The composite outcome modelled (``work_or_studies``, ``self_sufficient``).
        is_fitted: Whether a model was fitted.
        reason: None, or one of ``REASONS``.
        n: Persons in the model (known outcome).
        events: The rarer of successes and failures.
        n_parameters: Parameters besides the intercept.
        required_events: ``min_events_per_parameter × n_parameters``.
        odds_ratios: ``term, covariate, level, reference, n_level, odds_ratio, ci_low,
            ci_high, p_value`` (empty when not fitted).
        references: Reference level of each covariate (its most frequent level).
        dropped: Covariates left out because everyone had the same level.
        level_counts: {covariate: {level: persons}} of every covariate in the model,
            its reference level included (the counts add up to n).
        successes: Persons with the outcome (events are the rarer of these and the rest).
        level_successes: {covariate: {level: persons with the outcome}}, like
            ``level_counts``.
        column: The outcome column the model read.
        window: ``to_date`` or ``period`` in a report (who left when), else "".
    """

    outcome: str
    is_fitted: bool
    reason: str | None
    n: int
    events: int
    n_parameters: int
    required_events: int
    min_events_per_parameter: int
    odds_ratios: pd.DataFrame
    references: dict[str, str] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()
    model: object | None = field(default=None, repr=False, compare=False)
    level_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    successes: int = 0
    column: str = ""
    window: str = ""
    level_successes: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        return self.odds_ratios.copy()

    def cell_keys(self, ctx) -> dict:
        """Keys of the model's counts as cells of the report's plan (issue 15).

        The persons in the model are those with a known outcome among who left: the
        population of the composite's tables, so n, the events (its "yes" or "no" total)
        and each level's n (a row total of the composite by that covariate) are the same
        cells there and here. Each covariate's levels add up to n.

        Returns:
            ``{"n": key, "events": key, "levels": {covariate: {level: key}}}``.
        """
        population = _population(self.column, self.n, self.window)
        events_are = "yes" if self.successes <= self.n - self.successes else "no"
        return {
            "n": count_key(population),
            "events": count_key(population, **{self.outcome: events_are}),
            "yes": count_key(population, **{self.outcome: "yes"}),
            "no": count_key(population, **{self.outcome: "no"}),
            "levels": {
                cov: {
                    lv: count_key(population, **{cov: level_label(ctx, cov, lv)}) for lv in counts
                }
                for cov, counts in self.level_counts.items()
            },
            # each level's persons with and without the outcome: the cells of the
            # composite's table by the covariate ("Kvinnor", "yes")
            "level_outcomes": {
                cov: {
                    lv: {
                        answer: count_key(
                            population,
                            **{cov: level_label(ctx, cov, lv), self.outcome: answer},
                        )
                        for answer in ("yes", "no")
                    }
                    for lv in counts
                }
                for cov, counts in self.level_successes.items()
            },
        }

    def publish(self, ctx) -> dict:
        """Register the model's counts and their sums with the plan; its keys."""
        keys = self.cell_keys(ctx)
        if ctx.disclosure.active and self.n > 0:
            values = {keys["n"]: self.n, keys["events"]: self.events}
            lines = []
            # the levels are shown only with a fitted model
            for cov, counts in self.level_counts.items() if self.is_fitted else ():
                level_keys = keys["levels"][cov]
                values.update({level_keys[lv]: int(c) for lv, c in counts.items()})
                lines.append((keys["n"], tuple(level_keys[lv] for lv in counts)))
            if self.is_fitted and self.level_successes:
                # Issue 15, attack on the odds ratio: with one covariate the model's odds
                # ratio is the crude one, (k/(10−k))/((17−k)/(13+k)) = 0.25 only for k =
                # 2, so "Män | 10 | 0,25" with 17 of 40 and 30 women gave the men's
                # hidden 2 back. The estimates stand for every level's persons with and
                # without the outcome: they are published as those counts, and the
                # estimates are withheld wherever the plan hides one of them.
                values[keys["yes"]] = self.successes
                values[keys["no"]] = self.n - self.successes
                lines.append((keys["n"], (keys["yes"], keys["no"])))
                for cov, successes in self.level_successes.items():
                    outcome_keys = keys["level_outcomes"][cov]
                    for lv, k in successes.items():
                        values[outcome_keys[lv]["yes"]] = int(k)
                        values[outcome_keys[lv]["no"]] = int(self.level_counts[cov][lv]) - int(k)
                        lines.append(
                            (
                                keys["levels"][cov][lv],
                                (outcome_keys[lv]["yes"], outcome_keys[lv]["no"]),
                            )
                        )
                    for answer in ("yes", "no"):
                        lines.append(
                            (keys[answer], tuple(outcome_keys[lv][answer] for lv in successes))
                        )
            ctx.publish(values, lines)
        return keys

    def estimates_withheld(self, ctx) -> bool:
        """Whether the odds ratios, their intervals and p-values are withheld: the plan
        hides a count they stand for, n, a level's n or a level's persons with or
        without the outcome, of any covariate, the reference level included (issue 15,
        attack on the odds ratio: "Män | 10 | 0,25" gave the men's hidden 2 back). A
        covariate's adjusted estimates depend on every other covariate's counts too, so
        one hidden count withholds the model's estimates, not only its covariate's.
        """
        if not self.is_fitted:
            return False
        if any(
            ctx.is_suppressed(c) for counts in self.level_counts.values() for c in counts.values()
        ):
            return True
        if not ctx.disclosure.active:
            return False
        keys = self.publish(ctx)
        if ctx.hidden(keys["n"], self.n):
            return True
        for cov, counts in self.level_counts.items():
            for lv, c in counts.items():
                if ctx.hidden(keys["levels"][cov][lv], int(c)):
                    return True
                k = self.level_successes.get(cov, {}).get(lv)
                if k is None:
                    continue
                outcome_keys = keys["level_outcomes"][cov][lv]
                if ctx.hidden(outcome_keys["yes"], int(k)) or ctx.hidden(
                    outcome_keys["no"], int(c) - int(k)
                ):
                    return True
        return False

    def level_hidden(self, ctx, covariate: str, level: str, n_level: int) -> bool:
        """Whether a level's row hides its n and its odds ratio."""
        keys = self.cell_keys(ctx)["levels"].get(covariate, {})
        if level not in keys:
            return ctx.is_suppressed(n_level)
        return ctx.hidden(keys[level], n_level)

    def figure_data(self, ctx) -> dict:
        """figures.json's ``regression``: what the section shows, under the same plan.

        ``outcome``, ``is_fitted``, ``reason`` (None or one of ``REASONS``), ``n`` and
        ``events`` (the cells of the sentence: None where the plan hides them),
        ``min_events_per_parameter``, ``required_events``, ``withheld`` and ``terms``:
        ``[{term, covariate, level, reference, n_level, odds_ratio, ci_low, ci_high,
        p_value}]`` in the table's order, codes not labels (empty when not fitted).

        Where the estimates are withheld (:meth:`estimates_withheld`) the HTML shows no
        table, only a sentence: ``withheld`` is true and ``terms`` None, so neither an
        estimate nor a level's n, the levels present or the reference level (the most
        frequent, which bounds a hidden count) is given. ``required_events`` is given
        where the HTML gives it or its terms (too few events, or a table shown); a level
        whose n the plan hides has None for its n and its estimates, as in the table.
        An internal report gives everything.
        """
        keys = self.publish(ctx)
        withheld = self.estimates_withheld(ctx)
        shows_terms = self.is_fitted and not withheld
        required_shown = not ctx.disclosure.active or shows_terms or self.reason == "too_few_events"
        data: dict[str, Any] = {
            "outcome": self.outcome,
            "is_fitted": self.is_fitted,
            "reason": self.reason,
            "n": ctx.cell_value(keys["n"], self.n) if self.n else ctx.count_value(self.n),
            "events": ctx.cell_value(keys["events"], self.events)
            if self.n
            else ctx.count_value(self.events),
            "min_events_per_parameter": self.min_events_per_parameter,
            "required_events": self.required_events if required_shown else None,
            "withheld": withheld,
            "terms": None if withheld else [],
        }
        if not shows_terms:
            return data
        level_keys = keys["levels"]
        for r in self.odds_ratios.itertuples():
            # the table's n column and its "..": the level's cell of the plan
            key = level_keys.get(r.covariate, {}).get(r.level)
            n_level = (
                ctx.cell_value(key, int(r.n_level))
                if key is not None
                else ctx.count_value(int(r.n_level))
            )
            hidden = self.level_hidden(ctx, r.covariate, r.level, r.n_level)
            data["terms"].append(
                {
                    "term": str(r.term),
                    "covariate": str(r.covariate),
                    "level": str(r.level),
                    "reference": str(r.reference),
                    "n_level": None if hidden else n_level,
                    "odds_ratio": None if hidden else float(r.odds_ratio),
                    "ci_low": None if hidden else float(r.ci_low),
                    "ci_high": None if hidden else float(r.ci_high),
                    "p_value": None if hidden else float(r.p_value),
                }
            )
        return data

    def sentence(self, ctx) -> str:
        what = ctx.t(f"outcomes.composite.{self.outcome}")
        keys = self.publish(ctx)
        events = ctx.cell(keys["events"], self.events) if self.n else ctx.count(self.events)
        if not self.is_fitted:
            return ctx.t(
                f"outcomes.regression.reason.{self.reason}",
                events=events,
                required=ctx.number(self.required_events),
                what=what,
            )
        return ctx.t(
            "outcomes.regression.sentence",
            n=ctx.cell(keys["n"], self.n),
            events=events,
            what=what,
        )

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections import regression as section

        return section.repr_html(self)


def _not_fitted(outcome, reason, n, events, n_params, epp, references=None, dropped=(), **cells):
    return RegressionResult(
        outcome=outcome,
        is_fitted=False,
        reason=reason,
        n=n,
        events=events,
        n_parameters=n_params,
        required_events=epp * n_params,
        min_events_per_parameter=epp,
        odds_ratios=pd.DataFrame(
            columns=[
                "term",
                "covariate",
                "level",
                "reference",
                "n_level",
                "odds_ratio",
                "ci_low",
                "ci_high",
                "p_value",
            ]
        ),
        references=references or {},
        dropped=tuple(dropped),
        **cells,
    )


def fit_outcome_model(
    df: pd.DataFrame,
    outcome: str = "work_or_studies",
    covariates: Sequence[str] = ("gender", "age_band", "education", "municipality"),
    min_events_per_parameter: int = 10,
    column: str | None = None,
) -> RegressionResult:
    """Fit a logistic model (statsmodels GLM, Binomial family) of an outcome on background.

    Each covariate is categorical (missing values form the level ``unknown``) with its
    most frequent level as reference. The model is fitted only when the rarer outcome
    has at least ``min_events_per_parameter`` events per non-intercept parameter, and
    not when a level has only one outcome (separation: the maximum-likelihood odds ratio
    is infinite).

    Args:
        df: Participants frame (with ``age_band`` if it is a covariate).
        outcome: ``work_or_studies`` or ``self_sufficient``.
        covariates: Background columns.
        min_events_per_parameter: The events-per-parameter rule.
        column: The outcome column (default: the composite's own).

    Returns:
        A :class:`RegressionResult`.
    """
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    covariates = list(covariates)
    require_columns(df, covariates, "fit_outcome_model")
    flags = composite_flags(df, outcome, column)
    known = flags.notna()
    data = df.loc[known]
    y = flags[known].astype(bool).astype(float).to_numpy()
    n = len(y)
    successes = int(y.sum())
    events = min(successes, n - successes)
    if n == 0:
        return _not_fitted(outcome, "no_data", 0, 0, 0, min_events_per_parameter)

    columns, info, references, dropped = [], [], {}, []
    level_counts: dict[str, dict[str, int]] = {}
    level_successes: dict[str, dict[str, int]] = {}
    for cov in covariates:
        levels = level_series(data, cov)
        present = ordered_levels(data, cov)
        if len(present) < 2:
            dropped.append(cov)
            continue
        counts = levels.value_counts()
        level_counts[cov] = {lv: int(counts[lv]) for lv in present}
        level_successes[cov] = {lv: int(y[(levels == lv).to_numpy()].sum()) for lv in present}
        reference = max(present, key=lambda lv: (counts[lv], -present.index(lv)))
        references[cov] = reference
        for lv in present:
            if lv == reference:
                continue
            columns.append((levels == lv).astype(float).to_numpy())
            info.append((f"{cov}[{lv}]", cov, lv, reference, int(counts[lv])))
    n_params = len(columns)
    cells: dict[str, Any] = {
        "level_counts": level_counts,
        "level_successes": level_successes,
        "successes": successes,
        "column": column or COMPOSITES[outcome][0],
    }
    if n_params == 0:
        return _not_fitted(
            outcome,
            "no_variation",
            n,
            events,
            0,
            min_events_per_parameter,
            references,
            dropped,
            **cells,
        )
    if events < min_events_per_parameter * n_params:
        return _not_fitted(
            outcome,
            "too_few_events",
            n,
            events,
            n_params,
            min_events_per_parameter,
            references,
            dropped,
            **cells,
        )
    # Separation: a level in which everyone has the same outcome gives an infinite
    # odds ratio; statsmodels only warns, so check before fitting.
    for cov in references:
        levels = level_series(data, cov)
        for lv in levels.unique():
            outcome_in_level = y[(levels == lv).to_numpy()]
            if outcome_in_level.min() == outcome_in_level.max():
                return _not_fitted(
                    outcome,
                    "separation",
                    n,
                    events,
                    n_params,
                    min_events_per_parameter,
                    references,
                    dropped,
                    **cells,
                )
    exog = sm.add_constant(np.column_stack(columns), has_constant="add")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitted = sm.GLM(y, exog, family=sm.families.Binomial()).fit()
    kinds = {type(w.message) for w in caught} | {w.category for w in caught}
    if PerfectSeparationWarning in kinds:
        return _not_fitted(
            outcome,
            "separation",
            n,
            events,
            n_params,
            min_events_per_parameter,
            references,
            dropped,
            **cells,
        )
    if ConvergenceWarning in kinds or not fitted.converged:
        return _not_fitted(
            outcome,
            "not_converged",
            n,
            events,
            n_params,
            min_events_per_parameter,
            references,
            dropped,
            **cells,
        )
    ci = np.asarray(fitted.conf_int())
    params = np.asarray(fitted.params)
    pvalues = np.asarray(fitted.pvalues)
    rows = [
        {
            "term": term,
            "covariate": cov,
            "level": lv,
            "reference": ref,
            "n_level": n_level,
            "odds_ratio": float(np.exp(params[i + 1])),
            "ci_low": float(np.exp(ci[i + 1, 0])),
            "ci_high": float(np.exp(ci[i + 1, 1])),
            "p_value": float(pvalues[i + 1]),
        }
        for i, (term, cov, lv, ref, n_level) in enumerate(info)
    ]
    return RegressionResult(
        outcome=outcome,
        is_fitted=True,
        reason=None,
        n=n,
        events=events,
        n_parameters=n_params,
        required_events=min_events_per_parameter * n_params,
        min_events_per_parameter=min_events_per_parameter,
        odds_ratios=pd.DataFrame(rows),
        references=references,
        dropped=tuple(dropped),
        model=fitted,
        **cells,
    )
