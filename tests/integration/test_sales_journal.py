"""The sales journal on a real file: every filter against the same question asked in SQL,
newest first, paged without a sale lost or shown twice (sales made in the same second
included), the receipt's barcode and a refund slip's, walk-ins, refusals that change
nothing, and every filter's statement reading an index."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from memberdesk.core.errors import DomainError
from memberdesk.core.printing.layout import sale_receipt
from memberdesk.core.printing.printers import get_printer_settings
from memberdesk.core.store.statements import raw_connection
from memberdesk.core.till import journal
from memberdesk.core.till.journal import SaleQuery, find_sales, journal_sale, parse_day

from .journal_day import BEFORE, DAY, build
from .loyalty_helpers import YUAN, sell, snapshot


@pytest.fixture
def days(store, clock, owner, manager, cashier):
    return build(store, clock, owner, manager, cashier)


def receipts(store, where: str = "1", *params: object) -> list[str]:
    """The receipt numbers SQL finds, newest first (day, time, the order written)."""
    con = sqlite3.connect(store.path)
    try:
        rows = con.execute(
            f"SELECT receipt_no FROM sales WHERE {where}"
            " ORDER BY business_date DESC, created_at DESC, rowid DESC",
            params,
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def found(store, **query: object) -> list[str]:
    return [r.receipt_no for r in find_sales(store, SaleQuery(**query)).rows]


def test_every_filter_finds_what_sql_finds(store, days) -> None:
    assert found(store) == receipts(store)
    assert len(found(store)) == 6
    assert found(store, day_from=DAY, day_to=DAY) == receipts(
        store, "business_date = ?", "2026-03-10"
    )
    assert found(store, day_to=BEFORE) == [days.before.receipt_no]
    assert found(store, amount=8800) == [days.s4.receipt_no]
    assert found(store, amount_min=3000, amount_max=30000) == receipts(
        store, "total BETWEEN 3000 AND 30000"
    )
    assert found(store, amount_min=20000) == [days.s2.receipt_no, days.s1.receipt_no]
    assert found(store, walk_in=True) == receipts(store, "member_id IS NULL")
    assert found(store, walk_in=True, day_from=DAY) == [days.s4.receipt_no, days.s3.receipt_no]
    assert found(store, cashier="收银员") == [days.s4.receipt_no, days.s3.receipt_no,
                                              days.before.receipt_no]  # fmt: skip
    assert found(store, cashier="店长", amount=30000) == [days.s2.receipt_no]


def test_a_member_by_any_card_they_had_their_phone_or_their_name(store, days) -> None:
    zhang = [days.after.receipt_no, days.s1.receipt_no]
    page = find_sales(store, SaleQuery(member=days.zhang.card_no))
    assert [r.receipt_no for r in page.rows] == zhang
    assert [(m.name, m.card_no) for m in page.members] == [("张三", days.zhang.card_no)]
    assert found(store, member=days.old_card) == zhang  # the replaced card's sales are his
    assert found(store, member="13812345678") == zhang
    assert found(store, member="5678") == zhang
    assert found(store, member="张三") == zhang
    assert found(store, member="zs") == zhang
    row = find_sales(store, SaleQuery(member="李四")).rows[0]
    assert (row.member_name, row.card_no, row.walk_in) == ("李四", days.li.card_no, False)
    assert row.tenders == {"cash": 19800, "wallet": 10000, "points": 200}


def test_the_receipts_barcode_opens_its_sale(store, days) -> None:
    slip = sale_receipt(days.s3, get_printer_settings(store).paper)
    assert slip.ref == days.s3.receipt_no  # what the printed barcode and QR code carry
    for scanned in (slip.ref, slip.ref.lower(), f"  {slip.ref}\n", days.r1.receipt_no):
        page = find_sales(store, SaleQuery(receipt=scanned))
        assert page.by_receipt and [r.receipt_no for r in page.rows] == [days.s3.receipt_no]
    assert journal.sale_by_receipt(store, days.r1.receipt_no) == days.s3.sale_id
    opened = journal_sale(store, slip.ref)
    assert opened.sale.receipt_no == days.s3.receipt_no and opened.member_name == ""
    assert [(ln.description, ln.quantity, ln.refunded_qty) for ln in opened.sale.lines] == [
        ("袜子", 3, 1)
    ]
    (r,) = opened.refunds
    assert (r.receipt_no, r.amount, r.tenders, r.lines) == (days.r1.receipt_no, 1200,
                                                            {"wechat": 1200}, {1: 1})  # fmt: skip
    assert (r.cashier, r.authorised_by, r.reason) == ("收银员", "店长", "尺码不对")
    assert opened.refundable and opened.sale.refunded_total == 1200


@pytest.mark.parametrize(
    "scanned, code",
    [("S001-01-260310-9999", "sale.not_found"), ("", "journal.receipt_empty"),
     ("S001-01-260310-T0001", "journal.not_a_sale")],
)  # fmt: skip
def test_a_number_that_names_no_sale_is_refused(store, days, scanned: str, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        journal_sale(store, scanned)
    assert refused.value.code == code
    if code == "journal.not_a_sale":
        assert refused.value.message() == "S001-01-260310-T0001 是储值单，不是销售小票"


def test_pages_walk_every_sale_once_newest_first(store, clock, days, cashier) -> None:
    for i in range(7):  # the clock stands still: seven sales in the same second
        sell(store, cashier, None, (i + 1) * YUAN)
    every = receipts(store)
    walked, after = [], None
    while True:
        page = find_sales(store, SaleQuery(), after=after, limit=2)
        walked += [r.receipt_no for r in page.rows]
        if page.next is None:
            break
        after = page.next
    assert walked == every and len(set(walked)) == len(every) == 13
    # the same with a filter, and through the amount index
    small = receipts(store, "total <= 700")
    walked, after = [], None
    while True:
        page = find_sales(store, SaleQuery(amount_max=700), after=after, limit=3)
        walked += [r.receipt_no for r in page.rows]
        if page.next is None:
            break
        after = page.next
    assert walked == small and len(small) == 7


@pytest.mark.parametrize(
    "query, code",
    [
        (SaleQuery(day_from=date(2026, 3, 10), day_to=date(2026, 3, 9)), "followup.period_invalid"),
        (SaleQuery(amount_min=500, amount_max=100), "journal.amount_range"),
        (SaleQuery(amount=100, amount_max=200), "journal.amount_and_range"),
        (SaleQuery(amount=-1), "amount.negative"),
        (SaleQuery(amount=1.5), "amount.not_fen"),  # type: ignore[arg-type]
        (SaleQuery(member="张三", walk_in=True), "journal.member_and_walk_in"),
        (SaleQuery(member="没有这个人"), "journal.member_unknown"),
        (SaleQuery(cashier="小王"), "journal.cashier_unknown"),
    ],
)
def test_bad_filters_are_refused_and_change_nothing(store, days, query, code: str) -> None:
    before = snapshot(store)
    with pytest.raises(DomainError) as refused:
        find_sales(store, query)
    assert refused.value.code == code
    assert snapshot(store) == before
    if code == "journal.cashier_unknown":
        assert refused.value.message() == "没有名叫 小王 的员工（员工：店长、收银员、老板）"


def test_typed_days() -> None:
    assert parse_day("2026-03-10") == parse_day("2026-3-10") == parse_day("2026/3/10") == DAY
    assert parse_day("  ") is None
    for bad in ("2026-02-30", "10.3.2026", "昨天"):
        with pytest.raises(DomainError) as refused:
            parse_day(bad)
        assert refused.value.code == "followup.date_invalid"


def _plan(store, query: SaleQuery) -> list[str]:
    q = journal.check_query(query)
    with store.read() as s:
        con = raw_connection(s)
        cashier = journal._cashier(con, q.cashier) if q.cashier else None
        members = [m.member_id for m in journal._members(store, q.member)] if q.member else []
        sql, params = journal.journal_sql(con, q, members, cashier, None)
        return [row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql, params)]


@pytest.mark.parametrize(
    "query, index",
    [
        (SaleQuery(), "ix_sales_business_date"),
        (SaleQuery(day_from=DAY, day_to=DAY), "ix_sales_business_date"),
        (SaleQuery(amount=8800), "ix_sales_total_date"),
        (SaleQuery(amount_min=100, amount_max=900), "ix_sales_total_date"),  # few: amount index
        (SaleQuery(member="张三"), "ix_sales_member_date"),
        (SaleQuery(walk_in=True), "ix_sales_member_date"),
        (SaleQuery(cashier="收银员"), "ix_sales_cashier_date"),
        (SaleQuery(cashier="收银员", day_from=DAY, day_to=DAY), "ix_sales_cashier_date"),
    ],
)
def test_every_filter_reads_an_index(store, days, query: SaleQuery, index: str) -> None:
    plan = _plan(store, query)
    sales = [step for step in plan if step.split()[1] == "s"]
    assert sales and all(index in step for step in sales), plan
    if index != "ix_sales_total_date" or query.amount is not None:
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan  # newest first straight off the index


def test_a_wide_amount_range_walks_the_days_newest_first(store, days, monkeypatch) -> None:
    monkeypatch.setattr(journal, "FEW", 2)  # more than FEW sales in the range
    plan = _plan(store, SaleQuery(amount_min=100, amount_max=90000))
    assert any("ix_sales_business_date" in step for step in plan), plan
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan
    assert found(store, amount_min=100, amount_max=90000) == receipts(store)
