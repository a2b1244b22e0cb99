"""Points lots: the earning dates a member's points carry, replayed from the ledger.

Points expire by the day they were earned, so a balance is a set of lots, each with its
earning date. The ledger is the truth; the lots are read from it, entry by entry, in
the order the entries were written:

- a positive entry is a lot dated its business day (after paying back a negative
  balance the program allowed, if there is one);
- a redemption, a gift for points, a manual deduction and an expiry take the oldest
  lots first (FIFO by earning date) — only these consume points;
- a refund takes back exactly what it reverses: its reversal of earned points takes
  the lots the refunded sale's earning entries made (a first-month bonus taken back,
  the bonus's lot); only what is no longer there comes from the oldest lots;
- redeemed points a refund hands back return as the lots they were taken from, with
  their original earning dates (the last taken first, for a part refund);
- what no lot covers is a debt the next points pay back.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import count
from typing import NamedTuple

# A negative entry written by a refund takes first from the lots of the refunded sale's
# entries of these kinds.
REVERSES = {"refund_reverse": ("earn",), "challenge": ("challenge",)}


class Entry(NamedTuple):
    """What the lots need of a points entry (the ledger's columns of that name)."""

    kind: str
    delta: int
    business_date: date
    sale_id: str | None = None
    refund_id: str | None = None


@dataclass(order=True)
class Lot:
    earned_on: date
    seq: int
    left: int = field(compare=False)
    kind: str = field(compare=False, default="")
    sale_id: str | None = field(compare=False, default=None)


@dataclass
class Lots:
    """A member's open lots, oldest first, and what no lot covers (``debt``)."""

    lots: list[Lot] = field(default_factory=list)
    debt: int = 0
    # Per sale, what its redemptions took, in the order taken: (lot taken from, points).
    taken: dict[str, list[tuple[Lot, int]]] = field(default_factory=dict)
    _seq: Iterator[int] = field(default_factory=count, repr=False)

    @property
    def balance(self) -> int:
        return sum(lot.left for lot in self.lots) - self.debt

    def apply(self, e: Entry) -> None:
        if e.delta > 0:
            if e.kind == "refund_return" and e.sale_id is not None:
                self._give_back(e.sale_id, e.delta, e.business_date)
            else:
                self._add(e.business_date, e.delta, e.kind, e.sale_id)
        elif e.delta < 0:
            matching = REVERSES.get(e.kind) if e.refund_id is not None else None
            left = -e.delta
            if matching and e.sale_id is not None:
                left = self._take_matching(left, e.sale_id, matching)
            took = self._take_oldest(left)
            if e.kind in ("redeem", "gift") and e.sale_id is not None:
                self.taken.setdefault(e.sale_id, []).extend(took)

    def due_before(self, cutoff: date) -> int:
        """Points in lots earned before ``cutoff``."""
        return sum(lot.left for lot in self.lots if lot.earned_on < cutoff)

    def _add(
        self, earned_on: date, points: int, kind: str = "", sale_id: str | None = None
    ) -> None:
        repaid = min(self.debt, points)
        self.debt -= repaid
        if points > repaid:
            insort(self.lots, Lot(earned_on, next(self._seq), points - repaid, kind, sale_id))

    def _give_back(self, sale_id: str, points: int, today: date) -> None:
        taken = self.taken.get(sale_id, [])
        while points and taken:
            lot, amount = taken.pop()
            back = min(amount, points)
            if back < amount:
                taken.append((lot, amount - back))
            # Back as what they were: the same date, and still the points of the sale that
            # earned them (a later refund of that sale takes them back).
            self._add(lot.earned_on, back, lot.kind, lot.sale_id)
            points -= back
        if points:  # nothing on record of where they came from: dated the day they return
            self._add(today, points)

    def _take_matching(self, points: int, sale_id: str, kinds: tuple[str, ...]) -> int:
        for lot in self.lots:
            if points and lot.sale_id == sale_id and lot.kind in kinds:
                take = min(lot.left, points)
                lot.left -= take
                points -= take
        self.lots = [lot for lot in self.lots if lot.left]
        return points

    def _take_oldest(self, points: int) -> list[tuple[Lot, int]]:
        took: list[tuple[Lot, int]] = []
        while points and self.lots:
            lot = self.lots[0]
            take = min(lot.left, points)
            lot.left -= take
            points -= take
            took.append((lot, take))
            if not lot.left:
                self.lots.pop(0)
        self.debt += points
        return took


def replay(entries: Iterable[Entry]) -> Lots:
    """The lots left after ``entries`` (one member's, in the order they were written)."""
    lots = Lots()
    for e in entries:
        lots.apply(e)
    return lots
