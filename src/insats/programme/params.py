"""Parameter entries of the programme view: product goals and phases in the YAML.

Kept free of report code so that :mod:`insats.params` can import them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from insats.cohort.activity_schema import GOAL_KIND, GOAL_STATUS
from insats.cohort.schema import normalise_token


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
        from insats.cohort.activities import parse_indicator_target

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
