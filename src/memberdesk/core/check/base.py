"""Helpers shared by the invariant checks."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

MAX_EXAMPLES = 10


def rows(s: Session, sql: str) -> list:
    return list(s.execute(text(sql)))


def examples(found: list, fmt: Callable[[object], str]) -> list[str]:
    out = [fmt(r) for r in found[:MAX_EXAMPLES]]
    if len(found) > MAX_EXAMPLES:
        out.append(f"…… 另有 {len(found) - MAX_EXAMPLES} 条同类问题")
    return out
