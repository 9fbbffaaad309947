"""Outcome estimation with honest uncertainty for small cohorts.

Every share carries a 95 % Wilson interval; goals and reference rates are judged through
those intervals; time to work or studies is a Kaplan–Meier estimate with censoring; a
logistic model is fitted only when there are enough events; self-assessment change is
tested with the Wilcoxon signed-rank test. Each result has ``to_frame()``,
``figure_data(ctx)``; the report renders them in :mod:`insats.report.sections`.
"""

from insats.outcomes._common import AGE_BANDS, BREAKDOWNS, SMALL_GROUP_N
from insats.outcomes.goals import (
    GOAL_STATUSES,
    GoalAssessment,
    ReferenceComparison,
    assess_goal,
    compare_with_reference,
)
from insats.outcomes.proportions import (
    COMPOSITES,
    CompositeShares,
    OutcomeShares,
    Proportion,
    add_age_band,
    age_band,
    composite_flags,
    estimate_composite,
    estimate_outcome_shares,
    estimate_proportion,
)
from insats.outcomes.regression import RegressionResult, fit_outcome_model
from insats.outcomes.selfassessment import SelfAssessmentResult, test_self_assessment
from insats.outcomes.survival import (
    SurvivalResult,
    aalen_johansen_se,
    estimate_cumulative_incidence,
    estimate_time_to_work,
    loglog_interval,
    survival_durations,
)
from insats.outcomes.trend import TrendResult, estimate_trend

__all__ = [
    "AGE_BANDS",
    "BREAKDOWNS",
    "COMPOSITES",
    "GOAL_STATUSES",
    "SMALL_GROUP_N",
    "CompositeShares",
    "GoalAssessment",
    "OutcomeShares",
    "Proportion",
    "ReferenceComparison",
    "RegressionResult",
    "SelfAssessmentResult",
    "SurvivalResult",
    "TrendResult",
    "aalen_johansen_se",
    "add_age_band",
    "age_band",
    "assess_goal",
    "compare_with_reference",
    "composite_flags",
    "estimate_composite",
    "estimate_cumulative_incidence",
    "estimate_outcome_shares",
    "estimate_proportion",
    "estimate_time_to_work",
    "estimate_trend",
    "fit_outcome_model",
    "loglog_interval",
    "survival_durations",
    "test_self_assessment",
]
