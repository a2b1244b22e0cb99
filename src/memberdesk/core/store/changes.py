"""What a call changed, told by the transactions it committed.

A caller that wants to know (the window, to refresh the views that show it) opens a
collector around the call::

    with store.changes() as changes:
        result = top_up(store, actor, member_id, 50_000, "cash", shift_id=shift)
    changes.kinds       # {"wallet.topup", "wallet.entry"}
    changes.member_ids  # {member_id}

A change is what a unit of work said about itself:

- every outbox row it wrote (``uow.emit(kind, …)``): the kind, and the member it
  concerns — the aggregate of a ``member.*`` event, else the payload's ``member_id``;
- every ``uow.touched(kind)``: a change that is shown in the window but sends nothing
  to head office (printer settings, the head office address, a staff lockout). Such
  notes use the event kinds' ``area.what`` form so one table can read both.

Writes that nobody sees (print-job bookkeeping, the outbox's own states, caches) note
nothing. A collector hears only of transactions that committed: a rolled-back one is
as if it never ran. It hears this thread's transactions, through whichever Store they
ran (the sync drain opens a Store of its own on the worker), so a collector opened
around a worker job reports what that job did and nothing that the till did
meanwhile. With no collector open on the thread, a unit of work keeps no record.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


class _Open(threading.local):
    def __init__(self) -> None:  # once per thread, on its first look
        self.collectors: list[Changes] = []


_local = _Open()


@dataclass
class Changes:
    """The kinds of change and the members touched by the transactions committed while open."""

    kinds: set[str] = field(default_factory=set)
    member_ids: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def note(self, kind: str, aggregate_id: str, payload: dict[str, Any] | None) -> None:
        self.kinds.add(kind)
        member_id = aggregate_id if kind.startswith("member.") else (payload or {}).get("member_id")
        if member_id:
            self.member_ids.add(member_id)

    def add(self, other: Changes) -> None:
        self.kinds |= other.kinds
        self.member_ids |= other.member_ids


@contextmanager
def collect_changes() -> Iterator[Changes]:
    """Collect what the transactions committed on this thread inside the block changed."""
    collectors = _local.collectors
    changes = Changes()
    collectors.append(changes)
    try:
        yield changes
    finally:
        collectors.remove(changes)


def recorder() -> Changes | None:
    """Where a new unit of work notes what it changes, or None when nobody listens."""
    return Changes() if _local.collectors else None


def committed(changes: Changes) -> None:
    """Tell this thread's open collectors what a transaction that just committed changed."""
    for collector in _local.collectors:
        collector.add(changes)
