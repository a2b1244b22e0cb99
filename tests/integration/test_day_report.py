"""The day-end report (日结) against sums computed in SQL on the day's own rows: sales,
tenders, sale lines, refunds, top-ups, the points and stored-value ledgers. Then the same
figures on the printed slip (ESC/POS bytes from the Dummy printer, decoded) at 58 and 80
mm, and in the A4 PDF's text."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from memberdesk.core.errors import DomainError
from memberdesk.core.printing import jobs
from memberdesk.core.printing.day_pdf import build_day_pdf
from memberdesk.core.printing.escpos_out import encode, preview_text
from memberdesk.core.printing.printers import DummyPort, save_printer_settings
from memberdesk.core.shop.staff import SYSTEM
from memberdesk.core.till.day_report import day_report
from memberdesk.core.till.totals import terminal_day_totals

from .journal_day import AFTER, BEFORE, DAY, build


@pytest.fixture
def days(store, clock, owner, manager, cashier):
    return build(store, clock, owner, manager, cashier)


def q(store, sql: str, *params: object) -> list[tuple]:
    con = sqlite3.connect(store.path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def one(store, sql: str, *params: object) -> tuple:
    return q(store, sql, *params)[0]


def test_the_report_agrees_with_the_database(store, owner, days) -> None:
    d = DAY.isoformat()
    r = day_report(store, owner, DAY)
    t = r.totals
    # sales, members and walk-ins
    assert (t.sales_count, t.gross) == one(
        store, "SELECT count(*), sum(total) FROM sales WHERE business_date = ?", d
    )
    assert (t.member_sales_count, t.member_gross) == one(
        store,
        "SELECT count(*), sum(total) FROM sales WHERE business_date = ? AND member_id IS NOT NULL",
        d,
    )
    assert (r.walk_in_count, r.walk_in_gross) == one(
        store,
        "SELECT count(*), sum(total) FROM sales WHERE business_date = ? AND member_id IS NULL",
        d,
    )
    assert (t.sales_count, t.gross, r.walk_in_count, r.walk_in_gross) == (4, 66150, 2, 12400)
    # tenders of the day's sales
    tenders = dict(q(store, "SELECT t.kind, sum(t.amount) FROM sale_tenders t JOIN sales s ON s.id = t.sale_id"
                            " WHERE s.business_date = ? GROUP BY t.kind", d))  # fmt: skip
    assert t.tenders == tenders == {"alipay": 8800, "card": 23750, "cash": 19800, "points": 200,
                                    "wallet": 10000, "wechat": 3600}  # fmt: skip
    # discounts by the kind the sale lines hold
    lines = dict(q(store, "SELECT l.discount_kind, sum(l.discount) FROM sale_lines l JOIN sales s"
                          " ON s.id = l.sale_id WHERE s.business_date = ? AND l.discount > 0"
                          " GROUP BY l.discount_kind", d))  # fmt: skip
    assert dict(r.discounts) == lines == {"tier": 1250}
    assert (
        t.discounts
        == one(store, "SELECT sum(discount_total) FROM sales WHERE business_date = ?", d)[0]
    )
    # refunds on their own day, and what went back
    assert (
        (t.refunds_count, t.refunds_amount)
        == one(store, "SELECT count(*), sum(amount) FROM refunds WHERE business_date = ?", d)
        == (2, 5950)
    )
    back = dict(q(store, "SELECT j.key, sum(j.value) FROM refunds r, json_each(r.tenders) j"
                         " WHERE r.business_date = ? GROUP BY j.key", d))  # fmt: skip
    assert t.refund_tenders == back == {"card": 4750, "wechat": 1200}
    # top-ups: principal and bonus; reversed; cashed out
    assert (
        (t.topups_count, r.topup_principal, t.topup_bonus)
        == one(
            store, "SELECT count(*), sum(amount), sum(bonus) FROM topups WHERE business_date = ?", d
        )
        == (2, 60000, 5000)
    )
    assert (r.topups_reversed_count, r.topups_reversed, r.topups_reversed_bonus) == one(
        store, "SELECT count(*), -sum(principal_delta), -sum(bonus_delta) FROM wallet_ledger"
               " WHERE business_date = ? AND kind = 'topup_reversal'", d) == (1, 10000, 0)  # fmt: skip
    assert (r.cashouts_count, r.cashouts) == one(
        store, "SELECT count(*), -sum(principal_delta) FROM wallet_ledger WHERE business_date = ?"
               " AND kind = 'cashout'", d) == (1, 5000)  # fmt: skip
    # points issued and redeemed, and every other change by kind
    issued = one(store, "SELECT sum(delta) FROM points_ledger WHERE business_date = ? AND kind IN"
                        " ('earn', 'challenge', 'referral', 'signup')", d)[0]  # fmt: skip
    redeemed = -one(store, "SELECT sum(delta) FROM points_ledger WHERE business_date = ?"
                           " AND kind IN ('redeem', 'gift')", d)[0]  # fmt: skip
    assert (t.points_earned, t.points_spent) == (issued, redeemed) == (237 + 298, 200)
    by_kind = dict(q(store, "SELECT kind, sum(delta) FROM points_ledger WHERE business_date = ?"
                            " GROUP BY kind", d))  # fmt: skip
    assert dict(r.points_by_kind) == by_kind
    assert by_kind["adjust"] == 1000 and by_kind["refund_reverse"] == -47
    # the money taken by tender: what came in less what went back, tender by tender
    money: Counter[str] = Counter()
    for kind, fen in tenders.items():
        money[kind] += fen
    for kind, fen in q(
        store, "SELECT tender, sum(amount) FROM topups WHERE business_date = ? GROUP BY tender", d
    ):
        money[kind] += fen
    for kind, fen in back.items():
        money[kind] -= fen
    for kind, fen in q(store, "SELECT t.tender, -sum(w.principal_delta) FROM wallet_ledger w JOIN topups t"
                              " ON t.id = w.topup_id WHERE w.business_date = ? AND w.kind = 'topup_reversal'"
                              " GROUP BY t.tender", d):  # fmt: skip
        money[kind] -= fen
    money["cash"] -= r.cashouts
    expected = {k: v for k, v in money.items() if k not in ("wallet", "points") and v}
    assert (
        r.money_by_tender
        == expected
        == {"cash": 64800, "card": 19000, "wechat": 2400, "alipay": 8800}
    )
    assert r.money_total == 95000
    # each cashier's sales and refunds
    sales_by = {n: (c, a) for n, c, a in q(store, "SELECT st.name, count(*), sum(s.total) FROM sales s JOIN staff st"
                                                  " ON st.id = s.cashier_id WHERE s.business_date = ? GROUP BY st.name", d)}  # fmt: skip
    refunds_by = {n: (c, a) for n, c, a in q(store, "SELECT st.name, count(*), sum(r.amount) FROM refunds r JOIN staff st"
                                                    " ON st.id = r.cashier_id WHERE r.business_date = ? GROUP BY st.name", d)}  # fmt: skip
    assert {c.name: (c.sales_count, c.sales_amount) for c in r.cashiers} == sales_by
    assert {
        c.name: (c.refunds_count, c.refunds_amount) for c in r.cashiers if c.refunds_count
    } == refunds_by
    assert sales_by == {"老板": (1, 23750), "店长": (1, 30000), "收银员": (2, 12400)}
    assert refunds_by == {"老板": (1, 4750), "收银员": (1, 1200)}
    # the shared definition of the day: the report and the reconciliation with HQ agree
    assert t == terminal_day_totals(store, DAY)


def test_any_past_day_and_only_that_day(store, owner, days) -> None:
    before = day_report(store, owner, BEFORE)
    assert (before.totals.sales_count, before.totals.gross, before.walk_in_count) == (1, 5000, 1)
    assert before.money_by_tender == {"cash": 5000}
    assert before.cashiers[0].name == "收银员"
    after = day_report(store, owner, AFTER)  # today (the clock stands on 03-11)
    assert day_report(store, owner) == after
    assert (after.totals.sales_count, after.totals.gross, after.totals.refunds_count) == (
        1,
        1900,
        0,
    )


def test_who_may_see_it_and_which_days(store, owner, cashier, days) -> None:
    with pytest.raises(DomainError) as refused:
        day_report(store, cashier, DAY)
    assert refused.value.code == "permission.denied"
    assert "查看日结报表" in refused.value.message()
    with pytest.raises(DomainError) as future:
        day_report(store, owner, AFTER.replace(day=12))
    assert future.value.code == "report.future_day"
    assert future.value.message() == "2026-03-12 还没有到：日结报表只能查看今天或以前的日子"


def _slip(store, paper_mm: int) -> list[str]:
    save_printer_settings(store, SYSTEM, paper_mm=paper_mm)
    port = DummyPort()
    outcome = jobs.print_now(store, "day", DAY.isoformat(), port)
    assert outcome.ok and port.sent == [outcome.data]
    return preview_text(port.sent[0]).splitlines()


@pytest.mark.parametrize("paper_mm, columns", [(58, 32), (80, 48)])
def test_the_printed_slip(store, days, paper_mm: int, columns: int) -> None:
    lines = _slip(store, paper_mm)
    for text in lines:  # a Hanzi takes two columns: every line fits the paper
        assert len(encode(text)) <= columns, text

    def value(label: str) -> str:
        found = [ln for ln in lines if ln.strip().startswith(label)]
        assert found, f"no line {label!r} in\n" + "\n".join(lines)
        return found[0].split()[-1]

    assert any(ln.strip() == "日结报表" for ln in lines)
    assert value("营业日") == "2026-03-10"
    assert value("销售 4 笔") == "￥661.50"
    assert value("会员消费 2 笔") == "￥537.50"
    assert value("散客消费 2 笔") == "￥124.00"
    assert value("退货 2 笔") == "-￥59.50"
    assert value("净销售额") == "￥602.00"
    assert value("优惠合计") == "￥12.50"
    assert value("会员折扣") == "￥12.50"
    assert value("储值充值 2 笔") == "￥600.00"
    assert value("充值赠送") == "￥50.00"
    assert value("撤销充值 1 笔") == "-￥100.00"
    assert value("储值退现 1 笔") == "-￥50.00"
    assert value("发放积分") == "+535"
    assert value("使用积分") == "-200"
    assert value("合计") == "￥950.00"
    assert "  收银员" in lines and "  店长" in lines  # by cashier, under its title
    assert lines[-1] == "[切纸]"


def test_the_pdf(store, owner, days, tmp_path: Path) -> None:
    out = build_day_pdf(day_report(store, owner, DAY), tmp_path / "日结.pdf")
    assert out.pages == 1
    text = "".join(page.extract_text() for page in PdfReader(out.path).pages)
    assert "测试小店 · 日结报表" in text and "第 1 / 1 页" in text
    for words in (
        "营业日 2026-03-10",
        "销售 4 笔",
        "¥661.50",
        "散客消费 2 笔",
        "¥124.00",
        "会员折扣",
        "¥12.50",
        "储值充值 2 笔",
        "¥600.00",
        "发放积分",
        "+535",
        "¥950.00",
        "收银员",
    ):
        assert words in text, words
    english = build_day_pdf(day_report(store, owner, DAY), tmp_path / "day.pdf", lang="en")
    assert "Day-end report" in "".join(p.extract_text() for p in PdfReader(english.path).pages)


def test_discount_kinds_by_name_and_unknown_ones_as_they_are(store, owner, days) -> None:
    from dataclasses import replace

    from memberdesk.core.printing.day_report import report_sections

    r = replace(day_report(store, owner, DAY), discounts=(("tier", 1250), ("clearance", 800),
                                                          ("", 300)))  # fmt: skip
    rows = {row.label: row.amount for s in report_sections(r) for row in s.rows}
    assert (rows["会员折扣"], rows["clearance"], rows["优惠"]) == (1250, 800, 300)
    english = {row.label for s in report_sections(r, "en") for row in s.rows}
    assert {"Member tier discount", "clearance", "Discount", "Walk-in sales: 2"} <= english


def drawn_strings(path: Path) -> list[tuple[float, float, str]]:
    """(x, y, text) of each string drawn on the first page, as a PDF reader places it."""
    out: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            out.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text.strip()))

    PdfReader(path).pages[0].extract_text(visitor_text=visit)
    return out


def test_a_long_shop_name_does_not_run_into_the_page_number(store, owner, days, tmp_path) -> None:
    from memberdesk.core.pdf_fonts import text_width
    from memberdesk.core.shop.details import configure_shop

    configure_shop(store, name="杭州市西湖区文三路一百号悦己服饰有限公司万达广场旗舰店")
    out = build_day_pdf(day_report(store, owner, DAY), tmp_path / "日结.pdf")
    strings = drawn_strings(out.path)
    title = next(s for s in strings if s[2].endswith("· 日结报表"))
    page = next(s for s in strings if s[2] == "第 1 / 1 页")
    assert title[2].startswith("杭州市西湖区文三路") and "…" in title[2]
    assert title[0] + text_width(title[2], 15) < page[0]
