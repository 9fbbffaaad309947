"""Uncertainty of the account: a seeded, vectorised Monte Carlo and a one-way
sensitivity analysis (tornado) with switching values.

Monte Carlo: each draw takes every unit cost from a triangular distribution (low,
catalogue value, high), the self-sufficiency share from a triangular distribution over
its interval with the observed share as mode (all effects scale in proportion to it),
and deadweight from a triangular distribution over ``deadweight ± deadweight_range``.
Because the account is linear in these, one draw costs a matrix product over catalogue
items: there is no loop over draws or persons.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from insats.socioeconomic.engine import Engine, discount_factors


def triangular_ppf(u: np.ndarray, low, mode, high) -> np.ndarray:
    """Inverse CDF of the triangular distribution, vectorised; low == high gives low.

    >>> triangular_ppf(np.array([0.0, 0.5, 1.0]), 0.0, 0.5, 1.0).tolist()
    [0.0, 0.5, 1.0]
    >>> triangular_ppf(np.array([0.3]), 2.0, 2.0, 2.0).tolist()
    [2.0]
    """
    low, mode, high = (np.asarray(x, dtype=float) for x in (low, mode, high))
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    split = np.where(width > 0, (mode - low) / safe, 0.0)
    left = low + np.sqrt(u * safe * (mode - low))
    right = high - np.sqrt((1.0 - u) * safe * (high - mode))
    value = np.where(u < split, left, right)
    return np.where(width > 0, value, low)


@dataclass
class Evaluator:
    """Society's and each actor's net present value as a function of the assumptions."""

    engine: Engine
    horizon_years: int
    discount_rate: float
    deadweight: float
    attribution: float
    displacement: float
    drop_off_rate: float
    investment: np.ndarray  # [displayed actor], paid at time 0
    amounts: np.ndarray  # [item] annual amounts, price year
    share_scale: float = 1.0
    _cache: dict = field(default_factory=dict, repr=False)

    def exposures(self, drop_off_rate: float | None = None) -> np.ndarray:
        drop = self.drop_off_rate if drop_off_rate is None else drop_off_rate
        if drop not in self._cache:
            self._cache[drop] = self.engine.exposures(
                self.horizon_years,
                attribution=self.attribution,
                displacement=self.displacement,
                drop_off_rate=drop,
            )
        return self._cache[drop]

    def flows(self) -> np.ndarray:
        """Effect flows [year, actor, kind] in kronor (undiscounted)."""
        scale = (1.0 - self.deadweight) * self.share_scale
        return scale * np.einsum("k,tkaj->taj", self.amounts, self.exposures())

    def item_pv(self, discount_rate: float | None = None, drop_off_rate: float | None = None):
        """Present value per krona of each item [item, actor], before deadweight."""
        rate = self.discount_rate if discount_rate is None else discount_rate
        weights = discount_factors(self.horizon_years, rate)
        return np.einsum("t,tkaj->ka", weights, self.exposures(drop_off_rate))

    def npv(self, **overrides) -> np.ndarray:
        """Net present value per actor under overridden assumptions (keyword = field)."""
        ev = replace(self, **overrides, _cache=self._cache) if overrides else self
        pv = ev.amounts @ ev.item_pv(ev.discount_rate, ev.drop_off_rate)
        return (1.0 - ev.deadweight) * ev.share_scale * pv - ev.investment

    def society_npv(self, **overrides) -> float:
        return float(self.npv(**overrides).sum())


@dataclass(frozen=True)
class MonteCarloResult:
    """Draws of each actor's and society's net present value.

    Attributes:
        npv_sek: array [draw, actor]; the last column is society.
        actors: the actor names of the columns (the last is ``society``).
    """

    draws: int
    seed: int
    actors: tuple[str, ...]
    npv_sek: np.ndarray

    def summary(self, level: float = 0.90) -> pd.DataFrame:
        """Per actor: median, the central ``level`` interval and P(net > 0)."""
        tail = (1.0 - level) / 2.0
        if self.draws == 0:
            nan = [np.nan] * len(self.actors)
            return pd.DataFrame(
                {
                    "actor": self.actors,
                    "median_sek": nan,
                    "low_sek": nan,
                    "high_sek": nan,
                    "probability_positive": nan,
                }
            )
        q = np.quantile(self.npv_sek, [tail, 0.5, 1.0 - tail], axis=0)
        return pd.DataFrame(
            {
                "actor": self.actors,
                "median_sek": q[1],
                "low_sek": q[0],
                "high_sek": q[2],
                "probability_positive": (self.npv_sek > 0).mean(axis=0),
            }
        )


def run_monte_carlo(
    evaluator: Evaluator,
    *,
    low: np.ndarray,
    high: np.ndarray,
    share: tuple[float, float, float],
    deadweight: tuple[float, float, float],
    draws: int,
    seed: int,
) -> MonteCarloResult:
    """Draw unit costs, the outcome share and deadweight; return NPV draws.

    Args:
        evaluator: the account at its point estimates.
        low, high: the unit costs' ranges [item] (kronor per year).
        share: (low, observed, high) self-sufficiency share; effects scale by
            draw / observed (no scaling when the observed share is 0).
        deadweight: (low, point, high).
        draws: number of draws; seed: for ``numpy.random.default_rng``.
    """
    actors = (*evaluator.engine.actors, "society")
    rng = np.random.default_rng(seed)
    n_items = len(evaluator.amounts)
    u = rng.random((draws, n_items + 2))
    amounts = triangular_ppf(u[:, :n_items], low, evaluator.amounts, high)
    s_low, s_obs, s_high = share
    if s_obs > 0:
        share_scale = triangular_ppf(u[:, n_items], s_low, s_obs, s_high) / s_obs
    else:
        share_scale = np.ones(draws)
    dw = triangular_ppf(u[:, n_items + 1], *deadweight)
    pv = amounts @ evaluator.item_pv()  # [draw, actor]
    npv = ((1.0 - dw) * share_scale)[:, None] * pv - evaluator.investment[None, :]
    npv = np.concatenate([npv, npv.sum(axis=1, keepdims=True)], axis=1)
    return MonteCarloResult(draws=draws, seed=seed, actors=actors, npv_sek=npv)


def _root(fn, lo: float, hi: float) -> float | None:
    a, b = fn(lo), fn(hi)
    if np.sign(a) == np.sign(b) or not (np.isfinite(a) and np.isfinite(b)):
        return None
    return float(brentq(fn, lo, hi, xtol=1e-10))


def one_way_sensitivity(
    evaluator: Evaluator,
    *,
    items: pd.DataFrame,
    low: np.ndarray,
    high: np.ndarray,
    share: tuple[float, float, float],
    deadweight: tuple[float, float, float],
) -> pd.DataFrame:
    """Society's NPV when one assumption at a time moves to its low and high value,
    and the switching value: where that assumption makes society's NPV zero.

    Returns:
        One row per assumption: ``parameter`` (``item:<item>``, ``deadweight``,
        ``outcome_share``, ``discount_rate``, ``drop_off_rate``), ``base_value``,
        ``low_value``, ``high_value``, ``npv_low_sek``, ``npv_high_sek``,
        ``switching_value`` (None when no value in the parameter's domain makes the
        NPV zero), ``swing_sek``; sorted by swing, largest first.
    """
    base = evaluator.society_npv()
    rows = []
    pv = evaluator.item_pv().sum(axis=1)  # society, per krona of each item
    scale = (1.0 - evaluator.deadweight) * evaluator.share_scale
    for k, item in enumerate(items["item"]):
        slope = scale * pv[k]
        x0 = float(evaluator.amounts[k])
        switching = x0 - base / slope if slope != 0 else None
        if switching is not None and switching < 0:
            switching = None
        rows.append(
            (
                f"item:{item}",
                x0,
                float(low[k]),
                float(high[k]),
                base + slope * (low[k] - x0),
                base + slope * (high[k] - x0),
                switching,
            )
        )
    effect = evaluator.society_npv() + float(evaluator.investment.sum())  # (1-dw)·u·E
    invest = float(evaluator.investment.sum())
    full = effect / (1.0 - evaluator.deadweight) if evaluator.deadweight < 1 else np.nan
    dw_low, dw0, dw_high = deadweight
    dw_switch = 1.0 - invest / full if full and np.isfinite(full) and full > 0 else None
    if dw_switch is not None and not 0 <= dw_switch <= 1:
        dw_switch = None
    rows.append(
        (
            "deadweight",
            dw0,
            dw_low,
            dw_high,
            evaluator.society_npv(deadweight=dw_low),
            evaluator.society_npv(deadweight=dw_high),
            dw_switch,
        )
    )
    s_low, s_obs, s_high = share
    if s_obs > 0:
        s_switch = s_obs * invest / effect if effect > 0 else None
        if s_switch is not None and not 0 <= s_switch <= 1:
            s_switch = None
        rows.append(
            (
                "outcome_share",
                s_obs,
                s_low,
                s_high,
                evaluator.society_npv(share_scale=s_low / s_obs),
                evaluator.society_npv(share_scale=s_high / s_obs),
                s_switch,
            )
        )
    r0 = evaluator.discount_rate
    r_high = max(0.07, 2 * r0)
    rows.append(
        (
            "discount_rate",
            r0,
            0.0,
            r_high,
            evaluator.society_npv(discount_rate=0.0),
            evaluator.society_npv(discount_rate=r_high),
            _root(lambda r: evaluator.society_npv(discount_rate=r), 0.0, 1.0),
        )
    )
    d0 = evaluator.drop_off_rate
    d_high = min(1.0, d0 + 0.25)
    rows.append(
        (
            "drop_off_rate",
            d0,
            0.0,
            d_high,
            evaluator.society_npv(drop_off_rate=0.0),
            evaluator.society_npv(drop_off_rate=d_high),
            _root(lambda d: evaluator.society_npv(drop_off_rate=d), 0.0, 1.0),
        )
    )
    frame = pd.DataFrame(
        rows,
        columns=[
            "parameter",
            "base_value",
            "low_value",
            "high_value",
            "npv_low_sek",
            "npv_high_sek",
            "switching_value",
        ],
    )
    frame["swing_sek"] = (frame["npv_high_sek"] - frame["npv_low_sek"]).abs()
    frame["switching_value"] = frame["switching_value"].astype(object)
    frame.loc[frame["switching_value"].isna(), "switching_value"] = None
    return frame.sort_values("swing_sek", ascending=False, kind="stable").reset_index(drop=True)
