"""The building blocks of the program's settings: strict numbers, names, a closed model."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints, model_validator

from .program_errors import Problem, refuse

# Strict ints: a float (even 1.0) in a money or points field is a bug, not a value.
Int = Annotated[int, Strict()]


NonNeg = Annotated[int, Strict(), Field(ge=0)]


Positive = Annotated[int, Strict(), Field(gt=0)]


Percent = Annotated[int, Strict(), Field(ge=0, le=100)]


# 100 = 1x. Below 1x would take points away; above 10x is almost surely a typo.
Multiplier = Annotated[int, Strict(), Field(ge=100, le=1000)]


Weekday = Annotated[int, Strict(), Field(ge=1, le=7)]  # ISO: Monday = 1 … Sunday = 7


Month = Annotated[int, Strict(), Field(ge=1, le=12)]


MonthDay = Annotated[int, Strict(), Field(ge=1, le=31)]


# Years points are kept beyond a yearly clearing: 1 = 次年12月31日; shops print no longer.
KeepYears = Annotated[int, Strict(), Field(ge=0, le=2)]


_Text = StringConstraints(strip_whitespace=True, min_length=1)


Code = Annotated[str, _Text, Field(max_length=16)]  # fits member.tier String(16)


Name = Annotated[str, _Text, Field(max_length=40)]


class Rules(BaseModel):
    """Frozen, closed model whose cross-field checks report every problem at once."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def _problems(self) -> list[Problem]:
        return []

    @model_validator(mode="after")
    def _check_rules(self) -> Rules:
        refuse(self._problems())
        return self
