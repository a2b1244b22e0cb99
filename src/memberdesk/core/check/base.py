"""Helpers shared by the invariant checks: a finding is a Message, read in any language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..i18n import N_, Message

MAX_EXAMPLES = 10


def rows(s: Session, sql: str) -> list:
    return list(s.execute(text(sql)))


def examples(found: list, fmt: Callable[[Any], Message]) -> list[Message]:
    out = [fmt(r) for r in found[:MAX_EXAMPLES]]
    if len(found) > MAX_EXAMPLES:
        out.append(Message(N_("…… and {n} more of the same kind"), n=len(found) - MAX_EXAMPLES))
    return out
