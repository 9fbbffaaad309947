"""Uncertainty of the account: a seeded, vectorised Monte Carlo and a one-way
sensitivity analysis (tornado) with switching values.

Monte Carlo: each draw takes every unit cost from a triangular distribution (low,
catalogue value, high) — a derived cost (the extratjänst subsidy = wage × (1 + employer
contribution)) follows the draw of the cost it is derived from —, the account's own
self-sufficiency share (successes / participants with an effect) from its Jeffreys
posterior Beta(k + ½, n − k + ½) (all effects scale in proportion to it), and the
deadweight either from the reference rate's own sampling distribution (when the
deadweight follows from the reference) or from a triangular distribution over
``deadweight ± deadweight_range``.
Because the account is linear in these, one draw costs a matrix product over catalogue
items: there is no loop over draws or persons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import brentq

from insats.socioeconomic.engine import Engine, monthly_discount_factors

# Switching values outside these ranges are not shown: a unit cost would have to be
# more than twice its high value, or a rate outside what the parameters allow.
PLAUSIBLE_COST_FACTOR = 2.0
MAX_DISCOUNT_RATE = 0.2  # the parameters' own upper bound


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
    """Society's and each actor's net present value as a function of the assumptions.

    Flows are monthly on the account's clock (:class:`~insats.socioeconomic.engine.Engine`)
    and discounted by account year.
    """

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
        """Effect per krona of each item [month, item, actor, kind], before deadweight."""
        drop = self.drop_off_rate if drop_off_rate is None else drop_off_rate
        if drop not in self._cache:
            self._cache[drop] = self.engine.exposures(
                attribution=self.attribution,
                displacement=self.displacement,
                drop_off_rate=drop,
            )
        return self._cache[drop]

    def monthly_flows(self) -> np.ndarray:
        """Effect flows [month, actor, kind] in kronor (undiscounted)."""
        scale = (1.0 - self.deadweight) * self.share_scale
        return scale * np.einsum("k,tkaj->taj", self.amounts, self.exposures())

    def flows(self) -> np.ndarray:
        """Effect flows [account year, actor, kind] in kronor (undiscounted)."""
        monthly = self.monthly_flows()
        years = self.engine.years
        padded = np.zeros((12 * years, *monthly.shape[1:]))
        padded[: len(monthly)] = monthly
        return padded.reshape(years, 12, *monthly.shape[1:]).sum(axis=1)

    def item_pv(self, discount_rate: float | None = None, drop_off_rate: float | None = None):
        """Present value per krona of each item [item, actor], before deadweight."""
        rate = self.discount_rate if discount_rate is None else discount_rate
        weights = monthly_discount_factors(self.engine.months, rate)
        return np.einsum("t,tkaj->ka", weights, self.exposures(drop_off_rate))

    def npv(self, **overrides) -> np.ndarray:
        """Net present value per actor under overridden assumptions (keyword = field)."""
        ev = replace(self, **overrides, _cache=self._cache) if overrides else self
        pv = ev.amounts @ ev.item_pv(ev.discount_rate, ev.drop_off_rate)
        return (1.0 - ev.deadweight) * ev.share_scale * pv - ev.investment

    def society_npv(self, **overrides) -> float:
        return float(self.npv(**overrides).sum())


def linked_amounts(amounts: np.ndarray, base: np.ndarray, movers: list[tuple[int, int]]):
    """Set each derived item to its base × the relative draw of the item it moves with.

    >>> linked_amounts(np.array([[12.0, 0.0]]), np.array([10.0, 13.0]), [(1, 0)]).tolist()
    [[12.0, 15.6]]
    """
    out = np.array(amounts, dtype=float, copy=True)
    for k, j in movers:
        if base[j] > 0:
            out[..., k] = base[k] * out[..., j] / base[j]
    return out


def mover_pairs(items: pd.DataFrame) -> list[tuple[int, int]]:
    """(derived item, item it moves with) index pairs from the catalogue's ``moves_with``."""
    if "moves_with" not in items:
        return []
    index = {name: i for i, name in enumerate(items["item"])}
    return [
        (k, index[name])
        for k, name in enumerate(items["moves_with"].fillna(""))
        if name and name in index
    ]


@dataclass(frozen=True)
class ShareModel:
    """How the Monte Carlo draws the outcome and the deadweight.

    The self-sufficiency share of the account (``successes`` of ``n`` participants with
    an effect) is drawn from its Jeffreys posterior Beta(k + ½, n − k + ½). With a
    reference rate (deadweight from the reference) its share is drawn the same way from
    ``reference_n`` (fixed when the reference group's size is unknown), and the effect
    scales with the successes beyond the reference: max(p − r, 0) / p̂. Otherwise the
    deadweight is triangular over ``deadweight`` (low, point, high) and the effect
    scales with p / p̂ × (1 − deadweight).
    """

    successes: int
    n: int
    deadweight: tuple[float, float, float]
    reference_share: float | None = None
    reference_n: int | None = None

    @property
    def observed(self) -> float:
        return self.successes / self.n if self.n else 0.0


def beta_draws(k: float, n: float, u: np.ndarray) -> np.ndarray:
    """Jeffreys draws of a share: Beta(k + ½, n − k + ½) by inverse CDF of uniforms."""
    return stats.beta.ppf(u, k + 0.5, n - k + 0.5)


def effect_multipliers(model: ShareModel, u_share: np.ndarray, u_dw: np.ndarray):
    """Per draw: the effect multiplier (relative to the point estimate's effect before
    deadweight) and the deadweight drawn.

    Returns:
        ``(multiplier, deadweight)`` arrays [draw].
    """
    p_obs = model.observed
    if model.n and p_obs > 0:
        p = beta_draws(model.successes, model.n, u_share)
    else:
        p = np.full(len(u_share), p_obs)
    if model.reference_share is not None:
        if model.reference_n:
            r = beta_draws(model.reference_share * model.reference_n, model.reference_n, u_dw)
        else:
            r = np.full(len(u_dw), model.reference_share)
        if p_obs > 0:
            multiplier = np.maximum(p - r, 0.0) / p_obs
            dw = np.minimum(r / np.where(p > 0, p, np.nan), 1.0)
            dw = np.where(np.isfinite(dw), dw, 1.0)
        else:
            multiplier = np.full(len(u_share), 1.0 - model.deadweight[1])
            dw = np.full(len(u_share), model.deadweight[1])
        return multiplier, dw
    dw = triangular_ppf(u_dw, *model.deadweight)
    scale = p / p_obs if p_obs > 0 else np.ones(len(u_share))
    return scale * (1.0 - dw), dw


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
    deadweight_draws: np.ndarray | None = None

    def deadweight_interval(self, level: float = 0.90) -> tuple[float, float] | None:
        """The central ``level`` interval of the deadweight drawn (None without draws)."""
        if self.deadweight_draws is None or not len(self.deadweight_draws):
            return None
        tail = (1.0 - level) / 2.0
        low, high = np.quantile(self.deadweight_draws, [tail, 1.0 - tail])
        return float(low), float(high)

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
    shares: ShareModel,
    draws: int,
    seed: int,
    movers: Sequence[tuple[int, int]] = (),
) -> MonteCarloResult:
    """Draw unit costs, the outcome share and deadweight; return NPV draws.

    Args:
        evaluator: the account at its point estimates.
        low, high: the unit costs' ranges [item] (kronor per year); a derived item
            (``movers``) follows the relative draw of the item it moves with.
        shares: the outcome share and deadweight model (:class:`ShareModel`).
        draws: number of draws; seed: for ``numpy.random.default_rng``.
    """
    actors = (*evaluator.engine.actors, "society")
    rng = np.random.default_rng(seed)
    n_items = len(evaluator.amounts)
    u = rng.random((draws, n_items + 2))
    amounts = triangular_ppf(u[:, :n_items], low, evaluator.amounts, high)
    amounts = linked_amounts(amounts, evaluator.amounts, list(movers))
    multiplier, dw = effect_multipliers(shares, u[:, n_items], u[:, n_items + 1])
    pv = amounts @ evaluator.item_pv()  # [draw, actor]
    npv = multiplier[:, None] * pv - evaluator.investment[None, :]
    npv = np.concatenate([npv, npv.sum(axis=1, keepdims=True)], axis=1)
    return MonteCarloResult(draws=draws, seed=seed, actors=actors, npv_sek=npv, deadweight_draws=dw)


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

    A derived item (catalogue ``moves_with``) moves with the item it follows and has no
    row of its own. Switching values outside a plausible range (a unit cost above twice
    its high value, a share outside 0–1, a discount rate above 20 %) are None.

    Returns:
        One row per assumption: ``parameter`` (``item:<item>``, ``deadweight``,
        ``outcome_share``, ``discount_rate``, ``drop_off_rate``), ``base_value``,
        ``low_value``, ``high_value``, ``npv_low_sek``, ``npv_high_sek``,
        ``switching_value`` (None when no plausible value makes the NPV zero),
        ``swing_sek``; sorted by swing, largest first.
    """
    base = evaluator.society_npv()
    rows = []
    pv = evaluator.item_pv().sum(axis=1)  # society, per krona of each item
    scale = (1.0 - evaluator.deadweight) * evaluator.share_scale
    movers = mover_pairs(items)
    derived = {k for k, _j in movers}
    for k, item in enumerate(items["item"]):
        if k in derived:
            continue
        x0 = float(evaluator.amounts[k])
        combined = pv[k] + sum(
            pv[m] * evaluator.amounts[m] / x0 for m, j in movers if j == k and x0 > 0
        )
        slope = scale * combined
        switching = x0 - base / slope if slope != 0 else None
        if switching is not None and not 0 <= switching <= PLAUSIBLE_COST_FACTOR * max(
            float(high[k]), x0
        ):
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
    invest = float(evaluator.investment.sum())
    dw_low, dw0, dw_high = deadweight
    full = (base + invest) / (1.0 - dw0) if dw0 < 1 else np.nan  # effect before deadweight
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
    effect = base + invest
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
            _root(lambda r: evaluator.society_npv(discount_rate=r), 0.0, MAX_DISCOUNT_RATE),
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
