"""Program settings errors as (field path, reason) pairs, the reason a translatable Message.

Pydantic reports type and range errors; the program's own cross-field checks raise
one ``program_rule`` error carrying every problem. This module turns both into the
problems ``ProgramInvalid`` carries, so a settings form can mark each field in the
reader's language.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from ..i18n import DEFAULT_LANG, N_, Message, join


class Problem(NamedTuple):
    path: str  # the field, e.g. "tiers.levels.1.threshold_fen"; "" for the whole program
    reason: Message

    def text(self, lang: str | None = DEFAULT_LANG) -> str:
        return self.reason.text(lang)


def problem(path: str, msgid: str, **params: Any) -> Problem:
    return Problem(path, Message(msgid, **params))


class ProgramInvalid(ValueError):
    """Settings refused; ``errors`` lists every Problem (field path, reason)."""

    def __init__(self, errors: list[Problem]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{p.path}: {p.text('en')}" for p in errors))

    def message(self, lang: str | None = DEFAULT_LANG) -> str:
        return join((p.text(lang) for p in self.errors), lang, kind="clauses")


def refuse(problems: list[Problem]) -> None:
    """Raise one pydantic error carrying every (sub-path, reason) problem found."""
    if problems:
        raise PydanticCustomError(
            "program_rule",
            "{en}",
            {
                "en": "; ".join(f"{p.path}: {p.text('en')}" for p in problems),
                "errors": [(p.path, p.reason.msgid, p.reason.params) for p in problems],
            },
        )


_RANGE_NAMES: dict[str, str] = {
    "double_points_weekday": N_("weekday must be 1 (Mon) to 7 (Sun)"),
    "member_day": N_("member day must be a day 1..31"),
    "clear_day": N_("day must be 1..31"),
    "clear_month": N_("month must be 1..12"),
    "windows": N_("month must be 1..12"),
}


def _reason(err: Any, loc: tuple[Any, ...]) -> Message:
    kind, ctx = err["type"], err.get("ctx") or {}
    names = [str(part) for part in loc if not isinstance(part, int)]
    name = names[-1] if names else ""
    if kind in ("greater_than_equal", "less_than_equal") and name in _RANGE_NAMES:
        return Message(_RANGE_NAMES[name])
    if name == "valid_days" and (
        kind in ("greater_than", "less_than_equal") or kind.startswith("int_")
    ):
        from .coupon_rules import MAX_VALID_DAYS  # the rules import these errors

        return Message(N_("the validity is a whole number of days, 1 to {max}"), max=MAX_VALID_DAYS)
    if kind == "greater_than_equal" and name.endswith("multiplier_percent"):
        return Message(N_("multiplier cannot be below 100 (1x)"))
    if kind == "greater_than_equal":
        if ctx.get("ge") == 0:
            return Message(N_("cannot be negative"))
        return Message(N_("must be at least {value}"), value=ctx.get("ge"))
    if kind == "greater_than":
        return Message(N_("must be greater than {value}"), value=ctx.get("gt"))
    if kind == "less_than_equal":
        if name.endswith("percent") and ctx.get("le") == 100:
            return Message(N_("cannot exceed 100%"))
        return Message(N_("cannot be more than {value}"), value=ctx.get("le"))
    if kind == "string_too_short":
        return Message(N_("cannot be empty"))
    if kind == "string_too_long":
        return Message(N_("at most {max} characters"), max=ctx.get("max_length"))
    if kind == "literal_error":
        if name == "schema_version":
            return Message(N_("written by a newer version; upgrade first"))
        return Message(N_("must be one of: {expected}"), expected=ctx.get("expected"))
    if kind == "missing":
        return Message(N_("is required"))
    if kind == "extra_forbidden":
        return Message(N_("unknown setting"))
    if kind.startswith("int_"):
        return Message(N_("must be a whole number"))
    if kind.startswith("bool"):
        return Message(N_("must be true or false"))
    return Message(N_("invalid setting: {detail}"), detail=str(err["msg"]))


def problems_from(exc: ValidationError) -> list[Problem]:
    out: list[Problem] = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        base = ".".join(str(p) for p in loc)
        if err["type"] == "program_rule":
            for sub, msgid, params in err["ctx"]["errors"]:
                out.append(problem(".".join(p for p in (base, sub) if p), msgid, **params))
        else:
            out.append(Problem(base, _reason(err, loc)))
    return out
