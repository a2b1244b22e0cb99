"""Shared helpers for the loyalty and money integration tests.

Everything here drives the real core operations on a real SQLite file; the helpers
only shorten the arrange step and give the assertions one place to look.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select, text

from memberdesk.core.check.checks import run_checks
from memberdesk.core.check.ledgers import LEDGER_CHECKS
from memberdesk.core.clock import FixedClock
from memberdesk.core.errors import DomainError
from memberdesk.core.loyalty.program import Program, preset
from memberdesk.core.loyalty.program_store import save_program
from memberdesk.core.members.member import MemberForm, MemberView, issue_card
from memberdesk.core.shop.details import configure_shop
from memberdesk.core.shop.staff import SYSTEM, Actor, add_staff
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import (
    AuditEntry,
    CountCard,
    CountCardEntry,
    Member,
    OutboxEvent,
    PointsEntry,
    Refund,
    Sale,
    SaleLine,
    SaleTender,
    Topup,
    WalletEntry,
)
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.receipts import SaleResult

YUAN = 100  # fen
SHANGHAI = ZoneInfo("Asia/Shanghai")

_phones = iter(range(10_000_000))


def next_phone() -> str:
    return f"139{next(_phones):08d}"


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    """A Shanghai wall-clock time as an aware UTC instant (what FixedClock holds)."""
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).astimezone(UTC)


def set_local(clock: FixedClock, y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> None:
    clock.at = local(y, m, d, hh, mm)


def use_program(store: Store, owner: Actor, program: Program | str) -> Program:
    program = preset(program) if isinstance(program, str) else program
    save_program(store, owner, program)
    return program


def new_member(store: Store, actor: Actor, name: str = "张三", **form: Any) -> MemberView:
    form.setdefault("phone", next_phone())
    return issue_card(store, actor, MemberForm(name=name, **form))


def line(price: int, qty: int = 1, description: str = "商品", **kw: Any) -> SaleLineInput:
    return SaleLineInput(description, price, qty, **kw)


def sell(
    store: Store,
    actor: Actor,
    member_id: str | None,
    *lines: SaleLineInput | int,
    tenders: dict[str, int] | None = None,
    **kw: Any,
) -> SaleResult:
    """One sale; an int line is an amount-only line. Without tenders: exact cash for the rest."""
    req = request(member_id, *lines, tenders=tenders, **kw)
    if tenders is None:
        from memberdesk.core.till.checkout import quote

        due = quote(store, req).due_after_points_wallet
        req = request(member_id, *lines, tenders={"cash": due} if due else {}, **kw)
    return checkout(store, actor, req)


def request(
    member_id: str | None,
    *lines: SaleLineInput | int,
    tenders: dict[str, int] | None = None,
    **kw: Any,
) -> CheckoutRequest:
    cart = tuple(line(x) if isinstance(x, int) else x for x in lines)
    return CheckoutRequest(lines=cart, member_id=member_id, tenders=tenders or {}, **kw)


def member_row(store: Store, member_id: str) -> dict[str, Any]:
    with store.read() as s:
        m = s.get(Member, member_id)
        assert m is not None
        return {c.name: getattr(m, c.name) for c in Member.__table__.columns}


def points_of(store: Store, member_id: str) -> int:
    return member_row(store, member_id)["points"]


def wallet_of(store: Store, member_id: str) -> tuple[int, int]:
    row = member_row(store, member_id)
    return row["wallet_principal"], row["wallet_bonus"]


def ledger_sum(store: Store, member_id: str) -> int:
    """The member's points straight from the ledger, in plain SQL."""
    with store.read() as s:
        return int(
            s.execute(
                text("SELECT COALESCE(SUM(delta), 0) FROM points_ledger WHERE member_id = :m"),
                {"m": member_id},
            ).scalar_one()
        )


def points_entries(store: Store, member_id: str, kind: str | None = None) -> list[int]:
    with store.read() as s:
        q = select(PointsEntry.delta).where(PointsEntry.member_id == member_id)
        if kind is not None:
            q = q.where(PointsEntry.kind == kind)
        return list(s.scalars(q.order_by(text("rowid"))))


def outbox_kinds(store: Store, aggregate_id: str | None = None) -> list[str]:
    with store.read() as s:
        q = select(OutboxEvent.kind).order_by(OutboxEvent.seq)
        if aggregate_id is not None:
            q = q.where(OutboxEvent.aggregate_id == aggregate_id)
        return list(s.scalars(q))


def audit_rows(store: Store, action: str) -> list[AuditEntry]:
    with store.read() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# ---------------------------------------------------------------- invariants


def problems(store: Store) -> list[str]:
    """Every foundation check and every ledger check (the lead merges them into run_checks)."""
    found = list(run_checks(store).problems)
    with store.read() as s:
        for check in LEDGER_CHECKS:
            found += check(s)
    return found


def assert_sound(store: Store) -> None:
    assert problems(store) == []


_COUNTED = (Sale, SaleLine, SaleTender, Refund, PointsEntry, WalletEntry, Topup, OutboxEvent,
            AuditEntry, CountCard, CountCardEntry)  # fmt: skip


def snapshot(store: Store) -> dict[str, Any]:
    """Row counts of every money table and every member row, to prove a refusal changed nothing."""
    with store.read() as s:
        counts = {
            model.__tablename__: s.scalar(select(func.count()).select_from(model))
            for model in _COUNTED
        }
        members = {
            m.id: {c.name: getattr(m, c.name) for c in Member.__table__.columns}
            for m in s.scalars(select(Member))
        }
        settings = dict(s.execute(text("SELECT key, value FROM settings")).all())
        settings["count cards left"] = dict(
            s.execute(text("SELECT id, counts_left FROM count_cards")).all()
        )
        sales = [
            (x.id, x.refunded_total) for x in s.scalars(select(Sale).order_by(Sale.receipt_no))
        ]
    return {"counts": counts, "members": members, "settings": settings, "sales": sales}


@contextmanager
def unchanged(store: Store, code: str | None = None) -> Iterator[list[DomainError]]:
    """Expect a DomainError (with `code`, if given) and prove the database did not move."""
    before = snapshot(store)
    caught: list[DomainError] = []
    with pytest.raises(DomainError) as exc:
        yield caught
    caught.append(exc.value)
    if code is not None:
        assert exc.value.code == code, (exc.value.code, str(exc.value))
    assert snapshot(store) == before


def refused(store: Store, call: Callable[[], object], code: str) -> DomainError:
    with unchanged(store, code) as caught:
        call()
    return caught[0]


# ---------------------------------------------------------------- fresh stores, fast


def template_store(folder: Path, clock: FixedClock) -> tuple[Store, Actor, Actor, Actor]:
    """A migrated shop with owner, manager and cashier (slow: scrypt + migrations)."""
    store = Store(folder / "memberdesk.sqlite", clock=clock)
    configure_shop(store, name="测试小店", store_code="S001")
    owner_info = add_staff(store, SYSTEM, "老板", "owner", "8888")
    owner = Actor(owner_info.id, owner_info.name, owner_info.role)
    m = add_staff(store, owner, "店长", "manager", "6666")
    c = add_staff(store, owner, "收银员", "cashier", "1111")
    return store, owner, Actor(m.id, m.name, m.role), Actor(c.id, c.name, c.role)


def copy_database(source: Store, target: Path) -> None:
    """A self-contained copy of `source` at `target` (online backup, no WAL needed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source.path))
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def fresh_copy(source: Store, folder: Path, clock: FixedClock, *, fsync: bool = True) -> Store:
    """A new store on a copy of `source`. fsync=False trades durability (irrelevant to a
    throw-away test file) for speed: every write transaction otherwise waits for the disk."""
    if folder.exists():
        shutil.rmtree(folder)
    copy_database(source, folder / "memberdesk.sqlite")
    store = Store(folder / "memberdesk.sqlite", clock=clock)
    if not fsync:
        event.listen(
            store.engine,
            "connect",
            lambda conn, _rec: conn.execute("PRAGMA synchronous=OFF"),
        )
        store.engine.dispose()  # pooled connections were opened with synchronous=FULL
    return store


def business_day(store: Store) -> date:
    from memberdesk.core.clock import shop_date

    return shop_date(store.clock.now())
