"""Helpers shared by the invariant checks: a finding is a Message, read in any language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..i18n import N_, Message

MAX_EXAMPLES = 10


MORE = N_("…… and {n} more of the same kind")  # the line after a kind's first examples


def counted(problems: list[Message]) -> int:
    """How many problems the findings stand for: a MORE line counts the ones it names."""
    return sum(int(p.params.get("n", 0)) if p.msgid == MORE else 1 for p in problems)


def rows(s: Session, sql: str) -> list:
    return list(s.execute(text(sql)))


def examples(found: list, fmt: Callable[[Any], Message]) -> list[Message]:
    out = [fmt(r) for r in found[:MAX_EXAMPLES]]
    if len(found) > MAX_EXAMPLES:
        out.append(Message(MORE, n=len(found) - MAX_EXAMPLES))
    return out
