"""What HQ can answer from its projections: a store's (or a terminal's) day, a member's balance.

Rows a rebase superseded (a restored till's replaced history) never count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Table, func, select

from ..core.till.totals import DayTotals, SalesSums
from ..core.till.totals import day_totals as count_day
from .models import events, members, points_entries, refunds, sales, tender_lines, wallet_entries


class HQDay:
    """HQ's projected rows of one store's (or one terminal's) business day."""

    def __init__(self, conn: Connection, store_code: str, day: date, terminal_id: str | None):
        self.conn, self.store_code, self.day, self.terminal_id = conn, store_code, day, terminal_id

    def _scope(self, table: Table) -> list:
        where = [
            table.c.store_code == self.store_code,
            table.c.business_date == self.day,
            table.c.superseded.is_(False),
        ]
        if self.terminal_id:
            where.append(table.c.terminal_id == self.terminal_id)
        return where

    def sales(self) -> SalesSums:
        member = sales.c.member_id.is_not(None)
        row = self.conn.execute(
            select(
                func.count(), func.coalesce(func.sum(sales.c.total), 0),
                func.count(sales.c.member_id),
                func.coalesce(func.sum(sales.c.total).filter(member), 0),
                func.coalesce(func.sum(sales.c.discount), 0),
            ).where(*self._scope(sales))
        ).one()  # fmt: skip
        return SalesSums(*(int(v) for v in row))

    def _tenders(self, source: str) -> Iterable[tuple[str, int]]:
        return self.conn.execute(
            select(tender_lines.c.kind, func.sum(tender_lines.c.amount))
            .where(*self._scope(tender_lines), tender_lines.c.source == source)
            .group_by(tender_lines.c.kind)
        ).all()

    def sale_tenders(self) -> Iterable[tuple[str, int]]:
        return self._tenders("sale")

    def refund_tenders(self) -> Iterable[tuple[str, int]]:
        return self._tenders("refund")

    def refunds(self) -> tuple[int, int]:
        count, amount = self.conn.execute(
            select(func.count(), func.coalesce(func.sum(refunds.c.amount), 0)).where(
                *self._scope(refunds)
            )
        ).one()
        return int(count), int(amount)

    def points(self) -> Iterable[tuple[str, int]]:
        return self.conn.execute(
            select(points_entries.c.kind, func.sum(points_entries.c.delta))
            .where(*self._scope(points_entries))
            .group_by(points_entries.c.kind)
        ).all()

    def wallet(self) -> Iterable[tuple[str, int, int]]:
        return self.conn.execute(
            select(
                wallet_entries.c.kind,
                wallet_entries.c.principal_delta,
                wallet_entries.c.bonus_delta,
            ).where(*self._scope(wallet_entries))
        ).all()

    def topup_tenders(self) -> Iterable[tuple[str, int]]:
        return ()  # HQ keeps no top-up tenders (a figure the terminal shows, never compared)

    def new_members(self) -> int:
        joined = [
            members.c.store_code == self.store_code,
            members.c.joined_date == self.day,
            members.c.superseded.is_(False),
        ]
        if self.terminal_id:
            # The terminal that issued the member, as the till counts: the member's row names
            # the last terminal that wrote it, another store's till too when it edited it.
            issued_here = (
                select(events.c.seq)
                .where(events.c.terminal_id == self.terminal_id,
                       events.c.aggregate_id == members.c.id, events.c.kind == "member.issued",
                       events.c.status == "accepted")
                .exists()
            )  # fmt: skip
            joined.append(issued_here)
        return int(self.conn.scalar(select(func.count()).select_from(members).where(*joined)) or 0)


def day_totals(
    conn: Connection, store_code: str, day: date, terminal_id: str | None = None
) -> DayTotals:
    """A store's (or one terminal's) business day as HQ holds it, by the terminal's definition."""
    return count_day(day, HQDay(conn, store_code, day, terminal_id))


@dataclass(frozen=True)
class MemberBalance:
    member_id: str
    known: bool  # HQ holds the member's record
    store_code: str | None
    name: str | None
    points: int
    wallet_principal: int
    wallet_bonus: int


def member_balance(conn: Connection, member_id: str) -> MemberBalance:
    """The member's balances as the sum of every ledger entry HQ holds for them."""
    points = conn.scalar(
        select(func.coalesce(func.sum(points_entries.c.delta), 0)).where(
            points_entries.c.member_id == member_id, points_entries.c.superseded.is_(False)
        )
    )
    principal, bonus = conn.execute(
        select(
            func.coalesce(func.sum(wallet_entries.c.principal_delta), 0),
            func.coalesce(func.sum(wallet_entries.c.bonus_delta), 0),
        ).where(wallet_entries.c.member_id == member_id, wallet_entries.c.superseded.is_(False))
    ).one()
    row = conn.execute(
        select(members.c.store_code, members.c.name).where(members.c.id == member_id)
    ).first()
    return MemberBalance(
        member_id, row is not None, row.store_code if row else None, row.name if row else None,
        int(points or 0), int(principal), int(bonus),
    )  # fmt: skip
