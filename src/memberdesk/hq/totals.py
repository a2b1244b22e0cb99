"""What HQ can answer from its projections: a store's (or a terminal's) day, a member's balance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, case, func, select

from ..core.sync.transport import POINTS_EARNED_KINDS, POINTS_SPENT_KINDS, DayTotals, clean_tenders
from .models import members, points_entries, refunds, sales, tender_lines, wallet_entries


def _scope(table, store_code: str, day: date, terminal_id: str | None) -> list:
    where = [table.c.store_code == store_code, table.c.business_date == day]
    if terminal_id:
        where.append(table.c.terminal_id == terminal_id)
    return where


def day_totals(
    conn: Connection, store_code: str, day: date, terminal_id: str | None = None
) -> DayTotals:
    count, gross = conn.execute(
        select(func.count(), func.coalesce(func.sum(sales.c.total), 0)).where(
            *_scope(sales, store_code, day, terminal_id)
        )
    ).one()
    r_count, r_amount = conn.execute(
        select(func.count(), func.coalesce(func.sum(refunds.c.amount), 0)).where(
            *_scope(refunds, store_code, day, terminal_id)
        )
    ).one()
    tenders: dict[str, int] = {}
    back: dict[str, int] = {}
    for source, kind, amount in conn.execute(
        select(tender_lines.c.source, tender_lines.c.kind, func.sum(tender_lines.c.amount))
        .where(*_scope(tender_lines, store_code, day, terminal_id))
        .group_by(tender_lines.c.source, tender_lines.c.kind)
    ):
        (tenders if source == "sale" else back)[kind] = int(amount)
    earned = spent = other = 0
    for kind, total in conn.execute(
        select(points_entries.c.kind, func.sum(points_entries.c.delta))
        .where(*_scope(points_entries, store_code, day, terminal_id))
        .group_by(points_entries.c.kind)
    ):
        if kind in POINTS_EARNED_KINDS:
            earned += int(total)
        elif kind in POINTS_SPENT_KINDS:
            spent -= int(total)
        else:
            other += int(total)
    moved = wallet_entries.c.principal_delta + wallet_entries.c.bonus_delta
    w_in, w_out = conn.execute(
        select(
            func.coalesce(func.sum(case((moved > 0, moved), else_=0)), 0),
            func.coalesce(func.sum(case((moved < 0, -moved), else_=0)), 0),
        ).where(*_scope(wallet_entries, store_code, day, terminal_id))
    ).one()
    joined = [members.c.store_code == store_code, members.c.joined_date == day]
    if terminal_id:
        joined.append(members.c.terminal_id == terminal_id)
    new_members = conn.scalar(select(func.count()).select_from(members).where(*joined))
    return DayTotals(
        day=day, sales_count=int(count), gross=int(gross), refunds_count=int(r_count),
        refunds_amount=int(r_amount), tenders=clean_tenders(tenders), refund_tenders=clean_tenders(back),
        points_earned=earned, points_spent=spent, points_other=other, wallet_in=int(w_in),
        wallet_out=int(w_out), new_members=int(new_members or 0),
    )  # fmt: skip


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
            points_entries.c.member_id == member_id
        )
    )
    principal, bonus = conn.execute(
        select(
            func.coalesce(func.sum(wallet_entries.c.principal_delta), 0),
            func.coalesce(func.sum(wallet_entries.c.bonus_delta), 0),
        ).where(wallet_entries.c.member_id == member_id)
    ).one()
    row = conn.execute(
        select(members.c.store_code, members.c.name).where(members.c.id == member_id)
    ).first()
    return MemberBalance(
        member_id, row is not None, row.store_code if row else None, row.name if row else None,
        int(points or 0), int(principal), int(bonus),
    )  # fmt: skip
