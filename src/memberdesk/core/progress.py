"""How a long operation says how far it has come: ``progress(done, total)``, now and then.

``total`` is 0 while it is not known yet. The caller may stop the operation by raising
from the callback: operations that take one are written so that an exception leaves
nothing half-done (their writes are one transaction, their files are written under a
temporary name and renamed only when complete).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

Progress = Callable[[int, int], None]
T = TypeVar("T")
STEP = 50  # items between reports: often enough to stop promptly, rarely enough to cost nothing


def counted(
    items: Iterable[T], progress: Progress | None, total: int = 0, step: int = STEP
) -> Iterator[T]:
    """Yield `items`, reporting before every `step`-th one and once at the end."""
    if progress is None:
        yield from items
        return
    done = 0
    for item in items:
        if done % step == 0:
            progress(done, total)
        yield item
        done += 1
    progress(done, total or done)
