"""The owner's reports: new members per salesperson per month, counted on the shop's own
dates (a member who joined at 00:30 on 1 January Beijing time is January's, not
December's), and the year's top spenders net of refunds — from core and from
`memberdesk report …`."""

from __future__ import annotations

from pathlib import Path

import pytest

from memberdesk.cli import main
from memberdesk.core.clock import FixedClock
from memberdesk.core.followups.member_reports import new_members_by_salesperson, top_spenders
from memberdesk.core.money import format_fen
from memberdesk.core.shop.staff import Actor, add_staff
from memberdesk.core.store.database import Store
from memberdesk.core.till.refunds import refund

from .loyalty_helpers import YUAN, new_member, sell, set_local


@pytest.fixture
def shop(store: Store, clock: FixedClock, owner: Actor) -> Store:
    lin = add_staff(store, owner, "小林", "cashier", "2222").id
    mei = add_staff(store, owner, "小美", "cashier", "3333").id
    set_local(clock, 2025, 12, 31, 23, 50)
    new_member(store, owner, "去年", salesperson_id=lin)
    set_local(clock, 2026, 1, 1, 0, 30)
    a = new_member(store, owner, "甲", salesperson_id=lin)
    set_local(clock, 2026, 1, 20)
    b = new_member(store, owner, "乙", salesperson_id=mei)
    set_local(clock, 2026, 3, 5)
    c = new_member(store, owner, "丙", salesperson_id=lin)
    d = new_member(store, owner, "丁")
    sell(store, owner, a.id, 800 * YUAN)
    big = sell(store, owner, b.id, 1500 * YUAN)
    sell(store, owner, c.id, 900 * YUAN)
    sell(store, owner, c.id, 300 * YUAN)
    sell(store, owner, d.id, 50 * YUAN)
    refund(store, owner, big.receipt_no, reason="退货")  # 乙 spent nothing in the end
    set_local(clock, 2027, 1, 3)
    sell(store, owner, d.id, 5000 * YUAN)  # next year's
    return store


def test_new_members_per_salesperson_per_month(shop: Store) -> None:
    rows = new_members_by_salesperson(shop, 2026)
    assert [(r.salesperson, r.months[:3], r.total) for r in rows] == [
        ("小林", (1, 0, 1), 2), ("小美", (1, 0, 0), 1), ("未分配导购", (0, 0, 1), 1),
    ]  # fmt: skip
    assert new_members_by_salesperson(shop, 2025)[0].months[11] == 1


def test_the_years_top_spenders(shop: Store) -> None:
    rows = top_spenders(shop, 2026, limit=2)
    assert [(r.rank, r.name, r.spend, r.visits, r.salesperson) for r in rows] == [
        (1, "丙", 1200 * YUAN, 2, "小林"), (2, "甲", 800 * YUAN, 1, "小林"),
    ]  # fmt: skip
    assert "****" in rows[0].phone_masked
    assert [r.name for r in top_spenders(shop, 2027)] == ["丁"]


def test_the_reports_from_the_command_line(shop: Store, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(Path(shop.path))
    shop.close()
    assert main(["--db", db, "report", "top-spenders", "--year", "2026"]) == 0
    out = capsys.readouterr().out
    assert "丙" in out and format_fen(1200 * YUAN) in out
    assert main(["--db", db, "--lang", "en", "report", "new-members", "--year", "2026"]) == 0
    out = capsys.readouterr().out
    assert "小林" in out and "No salesperson" in out
    assert main(["--db", db, "report", "top-spenders", "--year", "2024"]) == 1
    assert main(["--db", db, "report", "top-spenders", "--year", "2026", "--limit", "0"]) == 2
    assert "1000" in capsys.readouterr().err
