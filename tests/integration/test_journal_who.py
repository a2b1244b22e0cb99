"""Someone holding the file moves a sale or a refund to another cashier or shift, or
rewrites the gift stock: `memberdesk check` names the record, as the journal sealed it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from memberdesk.core.check.checks import run_checks
from memberdesk.core.clock import FixedClock
from memberdesk.core.errors import DomainError
from memberdesk.core.items.catalogue import ItemForm, create_item
from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store import anchor
from memberdesk.core.store.database import Store
from memberdesk.core.store.journal import GENESIS, link
from memberdesk.core.till.checkout import gift_stock_left
from memberdesk.core.till.count_cards import CountCardForm, sell_count_card
from memberdesk.core.till.day_report import day_report
from memberdesk.core.till.journal import journal_sale
from memberdesk.core.till.manual import ManualDiscount
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.shifts import close_shift, last_close, open_shift, shift_summary
from memberdesk.core.till.wallet import top_up

from .loyalty_helpers import YUAN, line, new_member, sell, set_local, use_program


def _tamper(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db)
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def _guard(db: Path, name: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
    finally:
        conn.close()


def _rewrite(db: Path, table: str, guard: str, change: str, record_id: str) -> None:
    """An UPDATE with the table's guard dropped and put back, as a SQLite editor allows."""
    _tamper(db, f"DROP TRIGGER {guard}", f"UPDATE {table} SET {change} WHERE id = '{record_id}'",
            _guard(db, guard))  # fmt: skip


def _seq(db: Path, aggregate_id: str, kind: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT seq FROM outbox WHERE aggregate_id = ? AND kind = ?", (aggregate_id, kind)
        ).fetchone()[0]
    finally:
        conn.close()


def _problems(store: Store) -> list[str]:
    report = run_checks(store)
    assert not report.ok
    return [p.text("en") for p in report.problems]


@pytest.fixture
def two_shifts(store: Store, owner: Actor, cashier: Actor) -> tuple[str, str]:
    return open_shift(store, cashier, 200 * YUAN), open_shift(store, owner, 100 * YUAN)


@pytest.mark.parametrize("moved", ["cashier_id", "shift_id"])
def test_a_sale_moved_to_another_cashier_or_shift_is_named(
    store: Store, owner: Actor, cashier: Actor, two_shifts: tuple[str, str], db_path: Path,
    moved: str,
) -> None:  # fmt: skip
    """The cashier's 300 元 in cash moved in the file to the owner's name: the cashier's
    shift expects 300 元 less in the drawer, and the sales journal lists the sale as the
    owner's. Moved to the owner's shift, it is counted in another drawer's takings."""
    mine, theirs = two_shifts
    sold = sell(store, cashier, None, 300 * YUAN, shift_id=mine)
    sell(store, owner, None, 50 * YUAN, shift_id=theirs)
    assert shift_summary(store, mine).expected_cash == 500 * YUAN
    assert run_checks(store).ok
    change = (
        f"cashier_id = '{owner.staff_id}'" if moved == "cashier_id" else f"shift_id = '{theirs}'"
    )
    _rewrite(db_path, "sales", "trg_sales_frozen", change, sold.sale_id)
    if moved == "cashier_id":
        assert shift_summary(store, mine).expected_cash == 200 * YUAN  # 300 元 gone
    assert _problems(store) == [
        f"sale {sold.sale_id} differs from what the sync journal sealed (record "
        f"{_seq(db_path, sold.sale_id, 'sale.completed')}): it was changed afterwards"
    ]


@pytest.mark.parametrize(
    "change",
    [
        "cashier_id = '{owner}'",  # someone else gave the money back
        "shift_id = '{theirs}'",  # out of the drawer of another shift
        "authorised_by = '老板'",  # on the owner's authority
        "details = json_set(details, '$.cashier', '老板')",  # the name the history shows
        "details = json_set(details, '$.reason', '质量问题')",
        "details = json_set(details, '$.lines', json('{\"1\": 1}'))",  # another line returned
    ],
)
def test_a_refund_moved_to_another_cashier_is_named(
    store: Store, owner: Actor, cashier: Actor, manager: Actor, two_shifts: tuple[str, str],
    db_path: Path, change: str,
) -> None:  # fmt: skip
    """A refund of 80 元 in cash by the cashier, on the manager's PIN: moved in the file to the
    owner, the cashier's shift expects 80 元 more in the drawer than they gave back, and the
    sale's history no longer shows who gave the money back nor on whose authority."""
    mine, theirs = two_shifts
    sold = sell(store, cashier, None, line(20 * YUAN), line(80 * YUAN), shift_id=mine)
    back = refund(store, cashier, sold.sale_id, {2: 1}, authoriser=manager, reason="尺码不合",
                  shift_id=mine)  # fmt: skip
    assert shift_summary(store, mine).expected_cash == 220 * YUAN
    (seen,) = journal_sale(store, sold.receipt_no).refunds
    assert (seen.cashier, seen.authorised_by, seen.reason, seen.lines) == (
        "收银员", "店长", "尺码不合", {2: 1},
    )  # fmt: skip
    assert run_checks(store).ok
    _rewrite(db_path, "refunds", "trg_refunds_no_update",
             change.replace("{owner}", owner.staff_id).replace("{theirs}", theirs), back.refund_id)  # fmt: skip
    if change.startswith("cashier_id"):
        assert shift_summary(store, mine).expected_cash == 300 * YUAN  # 80 元 more
    assert _problems(store) == [
        f"refund record {back.refund_id} differs from what the sync journal sealed (record "
        f"{_seq(db_path, back.refund_id, 'sale.refunded')}): it was changed afterwards"
    ]


def _as_older_till_wrote_it(db: Path, kind: str, older: Callable[[dict], dict]) -> None:
    """The journal rows of `kind` as an older till wrote them (`older` of each payload); every
    link from the first sealed again (the guard put back)."""
    guard = _guard(db, "trg_outbox_frozen")
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER trg_outbox_frozen")
    for seq, payload in conn.execute(
        "SELECT seq, payload FROM outbox WHERE kind = ?", (kind,)
    ).fetchall():
        conn.execute(
            "UPDATE outbox SET payload = ? WHERE seq = ?",
            (json.dumps(older(json.loads(payload))), seq),
        )
    previous = GENESIS
    for row in conn.execute(
        "SELECT seq, event_id, kind, aggregate_id, created_at, payload FROM outbox ORDER BY seq"
    ).fetchall():
        previous = link(previous, *row)
        conn.execute("UPDATE outbox SET chain = ? WHERE seq = ?", (previous, row[0]))
    conn.execute(guard)
    conn.commit()
    conn.close()
    anchor.forget(db)  # the file as that till left it: its end noted by none since


def _without(*keys: str) -> Callable[[dict], dict]:
    return lambda payload: {k: v for k, v in payload.items() if k not in keys}


def test_sales_and_refunds_journalled_before_their_cashier_was_sealed_are_not_compared(
    store: Store, owner: Actor, cashier: Actor, manager: Actor, two_shifts: tuple[str, str],
    db_path: Path,
) -> None:  # fmt: skip
    """A shop's years of sales and refunds whose journal rows carry no cashier id: the check
    stays clean on them, whatever their cashier."""
    mine, _ = two_shifts
    sold = sell(store, cashier, None, line(20 * YUAN), line(80 * YUAN), shift_id=mine)
    refund(store, cashier, sold.sale_id, {2: 1}, authoriser=manager, shift_id=mine)
    _as_older_till_wrote_it(db_path, "sale.completed", _without("cashier_id", "shift_id", "gift"))
    _as_older_till_wrote_it(db_path, "sale.refunded", _without(
        "cashier_id", "shift_id", "authorised_by", "cashier", "reason", "lines"))  # fmt: skip
    assert run_checks(store).ok, [p.text("en") for p in run_checks(store).problems]


GIFTS = revise(preset("generic"), {
    "redeem": {"gifts": [{"code": "UMB", "name": "雨伞", "points": 500, "stock": 5}]},
    "spend_gifts": [{"gift_code": "UMB", "threshold_fen": 1000 * YUAN, "period": "sale"}],
})  # fmt: skip


def _umbrellas(store: Store) -> int | None:
    with store.read() as s:
        return gift_stock_left(s, GIFTS.gift("UMB"))


@pytest.fixture
def handed_out(store: Store, owner: Actor, clock: FixedClock) -> dict[str, str]:
    """Umbrellas for 1000 元 spent and for 500 points: two sales and a refund move the stock."""
    use_program(store, owner, GIFTS)
    set_local(clock, 2026, 3, 10)
    m = new_member(store, owner)
    spent = sell(store, owner, m.id, line(700 * YUAN), line(500 * YUAN))  # an umbrella: 4 left
    for_points = sell(store, owner, m.id, 10 * YUAN, gift_code="UMB")  # 1200 points: 3 left
    assert for_points.gift is not None and _umbrellas(store) == 3
    back = refund(store, owner, spent.sale_id, {2: 1})  # 700 元 kept: the umbrella back, 4 left
    assert back.gifts_back == ("雨伞",) and _umbrellas(store) == 4
    assert run_checks(store).ok
    return {"spent": spent.sale_id, "for_points": for_points.sale_id, "back": back.refund_id}


@pytest.mark.parametrize("count", [1, 9])
def test_a_gift_stock_count_rewritten_is_named(
    store: Store, handed_out: dict[str, str], db_path: Path, count: int
) -> None:
    """Four umbrellas are left. Lowered to one in the file, three umbrellas taken from the
    shelf go unnoticed at the stock count; raised to nine, the till promises umbrellas the
    shelf does not have."""
    _tamper(db_path, f"UPDATE gift_stock SET remaining = {count} WHERE code = 'UMB'")
    assert _umbrellas(store) == count
    seq = _seq(db_path, handed_out["back"], "sale.refunded")
    assert _problems(store) == [
        f"the stock of gift UMB says {count} left, but the sync journal last sealed 4 (record "
        f"{seq}): it was changed afterwards"
    ]


def test_a_gift_stock_count_deleted_is_named(
    store: Store, handed_out: dict[str, str], db_path: Path
) -> None:
    """Deleted in the file, the count starts again from the catalogue's five."""
    _tamper(db_path, "DELETE FROM gift_stock WHERE code = 'UMB'")
    assert _umbrellas(store) == 5
    seq = _seq(db_path, handed_out["back"], "sale.refunded")
    assert _problems(store) == [
        f"the stock count of gift UMB was deleted, but the sync journal last sealed 4 left "
        f"(record {seq}): the till would count the catalogue's stock again"
    ]
    assert run_checks(store).problems[0].text("zh") == (
        f"赠品 UMB 的库存记录被删除了，但同步日志最后封存的是剩 4 件（第 {seq} 条记录）："
        "收银台会重新按目录里的库存计数"
    )


def test_the_stock_count_a_sale_left_is_compared(
    store: Store, owner: Actor, handed_out: dict[str, str], db_path: Path
) -> None:
    """The last to move the stock is a sale (an umbrella for 1000 元: three left)."""
    later = sell(store, owner, None, 1000 * YUAN)
    assert _umbrellas(store) == 3 and run_checks(store).ok
    _tamper(db_path, "UPDATE gift_stock SET remaining = 4 WHERE code = 'UMB'")
    assert _problems(store) == [
        "the stock of gift UMB says 4 left, but the sync journal last sealed 3 (record "
        f"{_seq(db_path, later.sale_id, 'sale.completed')}): it was changed afterwards"
    ]


@pytest.mark.parametrize(
    "change",
    [
        # a sale that handed over no gift for points made to say it did: its gift slip,
        # printed again, has an umbrella taken from the shelf
        (
            "spent",
            'json_set(details, \'$.gift\', json(\'{"code": "UMB", "name": "雨伞", '
            '"points": 500}\'))',
        ),
        ("for_points", "json_set(details, '$.gift.name', '电饭煲')"),
        ("for_points", "json_set(details, '$.gift', NULL)"),
    ],
)
def test_a_gift_for_points_rewritten_in_a_sale_is_named(
    store: Store, handed_out: dict[str, str], db_path: Path, change: tuple[str, str]
) -> None:
    which, details = change
    sale_id = handed_out[which]
    _rewrite(db_path, "sales", "trg_sales_frozen", f"details = {details}", sale_id)
    assert _problems(store) == [
        f"sale {sale_id} differs from what the sync journal sealed (record "
        f"{_seq(db_path, sale_id, 'sale.completed')}): it was changed afterwards"
    ]


@pytest.mark.parametrize(
    "change",
    [
        "cashier_id = '{owner}'",  # the owner's sales counted into it instead
        "opened_at = '2026-03-10 03:00:00.000000'",  # opened after the sale: it goes uncounted
    ],
)
def test_a_shift_moved_to_another_cashier_or_time_is_named(
    store: Store, owner: Actor, cashier: Actor, clock: FixedClock, db_path: Path, change: str
) -> None:
    """A shift's expected cash counts its cashier's sales from when it opened: given to
    another cashier, or opened later in the file, the cashier's 300 元 in cash vanish from
    what the drawer should hold."""
    set_local(clock, 2026, 3, 10, 9)
    mine = open_shift(store, cashier, 200 * YUAN)
    sell(store, cashier, None, 300 * YUAN, shift_id=mine)
    assert shift_summary(store, mine).expected_cash == 500 * YUAN and run_checks(store).ok
    _tamper(db_path, f"UPDATE shifts SET {change.replace('{owner}', owner.staff_id)}"
            f" WHERE id = '{mine}'")  # fmt: skip
    assert shift_summary(store, mine).expected_cash == 200 * YUAN
    (found,) = _problems(store)
    assert found.startswith("the shift of ") and found.endswith(
        "differs from what the sync journal last sealed for it"
    ), found


def test_a_closed_shift_closed_earlier_in_the_file_is_named(
    store: Store, cashier: Actor, clock: FixedClock, db_path: Path
) -> None:
    """The last close is shown again from the shift's records up to when it closed: closed
    earlier in the file, the sale rung up before the close is left out of it."""
    set_local(clock, 2026, 3, 10, 9)
    mine = open_shift(store, cashier, 200 * YUAN)
    set_local(clock, 2026, 3, 10, 11)
    sell(store, cashier, None, 300 * YUAN, shift_id=mine)
    set_local(clock, 2026, 3, 10, 18)
    close_shift(store, cashier, mine, 500 * YUAN)
    assert last_close(store).sales_total == 300 * YUAN and run_checks(store).ok
    _tamper(
        db_path, f"UPDATE shifts SET closed_at = '2026-03-10 02:00:00.000000' WHERE id = '{mine}'"
    )
    assert last_close(store).sales_total == 0
    (found,) = _problems(store)
    assert found.startswith("the shift of 收银员 ") and found.endswith(
        "differs from what the sync journal last sealed for it"
    ), found


def test_a_top_up_moved_to_another_cashier_is_named(
    store: Store, owner: Actor, cashier: Actor, two_shifts: tuple[str, str], db_path: Path
) -> None:
    """A 500 元 cash top-up taken by the cashier, moved in the file to the owner: the cashier's
    drawer is expected to hold 500 元 less than it does."""
    mine, theirs = two_shifts
    m = new_member(store, owner)
    topped = top_up(store, cashier, m.id, 500 * YUAN, "cash", shift_id=mine)
    assert shift_summary(store, mine).expected_cash == 700 * YUAN and run_checks(store).ok
    _rewrite(db_path, "topups", "trg_topups_no_update",
             f"cashier_id = '{owner.staff_id}', shift_id = '{theirs}'", topped.ref_id)  # fmt: skip
    assert shift_summary(store, mine).expected_cash == 200 * YUAN
    assert _problems(store) == [
        f"top-up {topped.ref_id} differs from what the sync journal sealed (record "
        f"{_seq(db_path, topped.ref_id, 'wallet.topup')}): it was changed afterwards"
    ]


@pytest.mark.parametrize(
    "change",
    [
        "tender = 'wechat'",  # the day's cash takings 400 元 short
        "cashier_id = '{owner}'",  # out of the cashier's drawer
        "business_date = '2026-03-01'",  # out of the day's takings
    ],
)
def test_a_count_card_payment_moved_in_the_file_is_named(
    store: Store, owner: Actor, cashier: Actor, two_shifts: tuple[str, str], clock: FixedClock,
    db_path: Path, change: str,
) -> None:  # fmt: skip
    """A 400 元 count card paid in cash: the day's takings and the cashier's drawer count its
    money by the ledger entry's day, tender and cashier."""
    mine, _ = two_shifts
    create_item(store, owner, ItemForm("洗吹", 30 * YUAN, code="WB01", category="美发"))
    m = new_member(store, owner)
    form = CountCardForm("洗吹十次卡", counts=10, price=400 * YUAN, tender="cash", category="美发")
    sold = sell_count_card(store, cashier, m.id, form, shift_id=mine)
    day = sold.business_date
    assert shift_summary(store, mine).expected_cash == 600 * YUAN and run_checks(store).ok
    cash_that_day = day_report(store, owner, day).money_by_tender.get("cash", 0)
    _rewrite(db_path, "count_card_ledger", "trg_count_card_ledger_no_update",
             change.replace("{owner}", owner.staff_id), sold.entry_id)  # fmt: skip
    assert (shift_summary(store, mine).expected_cash, day_report(store, owner, day).money_by_tender.get(
        "cash", 0)) != (600 * YUAN, cash_that_day)  # fmt: skip
    assert _problems(store) == [
        f"count card entry {sold.entry_id} differs from what the sync journal sealed (record "
        f"{_seq(db_path, sold.entry_id, 'countcard.entry')}): it was changed afterwards"
    ]


def test_the_kind_of_a_lines_discount_rewritten_is_named(
    store: Store, owner: Actor, db_path: Path
) -> None:
    """The day's report splits the discounts given by kind: 20 元 given by hand, relabelled
    in the file as a member's tier discount, hide a discount the cashier gave."""
    sold = sell(store, owner, None, line(100 * YUAN, manual=ManualDiscount("amount", 20 * YUAN)))
    day = sold.business_date
    assert day_report(store, owner, day).discounts == (("manual", 20 * YUAN),)
    assert run_checks(store).ok
    _tamper(db_path, "DROP TRIGGER trg_sale_lines_frozen",
            f"UPDATE sale_lines SET discount_kind = 'tier' WHERE sale_id = '{sold.sale_id}'",
            _guard(db_path, "trg_sale_lines_frozen"))  # fmt: skip
    assert day_report(store, owner, day).discounts == (("tier", 20 * YUAN),)
    assert _problems(store) == [
        f"sale {sold.receipt_no} line 1 differs from what the sync journal sealed (record "
        f"{_seq(db_path, sold.sale_id, 'sale.completed')}): it was changed afterwards"
    ]


def test_lines_journalled_before_their_discount_kind_was_sealed_are_not_compared(
    store: Store, owner: Actor, db_path: Path
) -> None:
    sell(store, owner, None, line(100 * YUAN, manual=ManualDiscount("amount", 20 * YUAN)))

    def older(payload: dict) -> dict:
        for ln in payload["lines"]:
            del ln["discount_kind"]
        return payload

    _as_older_till_wrote_it(db_path, "sale.completed", older)
    assert run_checks(store).ok, [p.text("en") for p in run_checks(store).problems]


@pytest.mark.parametrize("older", [False, True], ids=["new", "older"])
@pytest.mark.parametrize(
    "change",
    [
        "cash_tendered = 100000",  # 1000 元 received, the change still 200 元
        "change_given = 0",  # no change given back for the 500 元
        "cash_tendered = 100000, change_given = 70000",  # 1000 元 received, 700 元 back
    ],
)
def test_the_cash_received_and_the_change_rewritten_are_named(
    store: Store, owner: Actor, db_path: Path, change: str, older: bool
) -> None:
    """A 300 元 sale paid with 500 元 in cash, 200 元 given back: the receipt, printed again
    from the sales journal, says what was received and what went back. Rewritten in the
    file, it tells the customer (or the shop) another story. The sale's journal row has
    sealed the cash it took and the change since the first till wrote one."""
    sold = sell(store, owner, None, 300 * YUAN, tenders={"cash": 500 * YUAN})
    assert (sold.cash_tendered, sold.change) == (500 * YUAN, 200 * YUAN)
    if older:
        _as_older_till_wrote_it(
            db_path, "sale.completed", _without("cashier_id", "shift_id", "gift")
        )
    assert run_checks(store).ok
    _rewrite(db_path, "sales", "trg_sales_frozen", change, sold.sale_id)
    reprint = journal_sale(store, sold.receipt_no).sale
    assert (reprint.cash_tendered, reprint.change) != (500 * YUAN, 200 * YUAN)
    assert _problems(store) == [
        f"sale {sold.sale_id} differs from what the sync journal sealed (record "
        f"{_seq(db_path, sold.sale_id, 'sale.completed')}): it was changed afterwards"
    ]


def test_a_sale_without_cash_and_one_all_change_are_as_sealed(
    store: Store, owner: Actor, cashier: Actor
) -> None:
    """Paid by WeChat (nothing received in cash), and paid by points with cash handed over
    anyway (all of it given back): both are as their journal rows sealed them."""
    sell(store, owner, None, 300 * YUAN, tenders={"wechat": 300 * YUAN})
    sell(store, owner, None, 100 * YUAN, tenders={"wechat": 100 * YUAN, "cash": 50 * YUAN})
    assert run_checks(store).ok, [p.text("en") for p in run_checks(store).problems]


def test_the_cashier_named_in_an_older_sale_rewritten_is_named(
    store: Store, owner: Actor, cashier: Actor, db_path: Path
) -> None:
    """The sales journal lists a sale under the cashier its details name. Every sale's
    journal row has carried that name, so a sale journalled before its cashier's id was
    sealed, given to the owner in the file, is named too."""
    sold = sell(store, cashier, None, 300 * YUAN)
    _as_older_till_wrote_it(db_path, "sale.completed", _without("cashier_id", "shift_id", "gift"))
    assert run_checks(store).ok
    _rewrite(db_path, "sales", "trg_sales_frozen",
             "details = json_set(details, '$.cashier', '老板')", sold.sale_id)  # fmt: skip
    assert journal_sale(store, sold.receipt_no).sale.cashier == "老板"
    assert _problems(store) == [
        f"sale {sold.sale_id} differs from what the sync journal sealed (record "
        f"{_seq(db_path, sold.sale_id, 'sale.completed')}): it was changed afterwards"
    ]


def _set_refunded(db: Path, sale_id: str, line_no: int, qty: int) -> None:
    """A line's returned quantity set in the file (its guards dropped and put back)."""
    guards = ("trg_sale_lines_frozen", "trg_sale_lines_refunded_up")
    _tamper(db, *(f"DROP TRIGGER {g}" for g in guards),
            f"UPDATE sale_lines SET refunded_qty = {qty} WHERE sale_id = '{sale_id}'"
            f" AND line_no = {line_no}", *(_guard(db, g) for g in guards))  # fmt: skip


@pytest.fixture
def returned(store: Store, owner: Actor) -> tuple[str, str]:
    """Two shirts and a hat sold; one shirt brought back."""
    sold = sell(store, owner, None, line(100 * YUAN, qty=2, description="衬衫"),
                line(50 * YUAN, description="帽子"))  # fmt: skip
    refund(store, owner, sold.sale_id, {1: 1})
    assert [ln.refunded_qty for ln in journal_sale(store, sold.receipt_no).sale.lines] == [1, 0]
    assert run_checks(store).ok
    return sold.sale_id, sold.receipt_no


@pytest.mark.parametrize(
    ("line_no", "qty", "sealed"),
    [
        (1, 2, 1),  # the other shirt marked returned: it can no longer be refunded
        (2, 1, 0),  # the hat, never brought back, shown as returned in the sale's history
        (1, 0, 1),  # the shirt's return undone: it can be refunded a second time
    ],
)
def test_a_lines_returned_quantity_rewritten_is_named(
    store: Store, owner: Actor, returned: tuple[str, str], db_path: Path, line_no: int,
    qty: int, sealed: int,
) -> None:  # fmt: skip
    sale_id, receipt = returned
    _set_refunded(db_path, sale_id, line_no, qty)
    assert journal_sale(store, receipt).sale.lines[line_no - 1].refunded_qty == qty
    assert _problems(store) == [
        f"sale {receipt} line {line_no} says {qty} of it came back, but the refunds the sync "
        f"journal sealed took back {sealed}: it was changed afterwards"
    ]


def test_a_returned_quantity_raised_on_a_sale_never_refunded_is_named(
    store: Store, owner: Actor, db_path: Path
) -> None:
    sold = sell(store, owner, None, line(100 * YUAN, qty=2))
    _tamper(db_path, f"UPDATE sale_lines SET refunded_qty = 2 WHERE sale_id = '{sold.sale_id}'")
    with pytest.raises(DomainError):  # the guard lets it go up: no return is possible now
        refund(store, owner, sold.sale_id, {1: 1})
    assert _problems(store) == [
        f"sale {sold.receipt_no} line 1 says 2 of it came back, but the refunds the sync "
        "journal sealed took back 0: it was changed afterwards"
    ]
    assert run_checks(store).problems[0].text("zh") == (
        f"小票 {sold.receipt_no} 第 1 行记为已退回 2 件，但同步日志封存的退款共退回 0 件：事后被改过"
    )


def test_a_sale_with_a_refund_journalled_before_its_lines_were_sealed_is_not_compared(
    store: Store, returned: tuple[str, str], db_path: Path
) -> None:
    """The refund's journal row does not say which lines came back: the sale's returned
    quantities are not compared (whatever they are)."""
    sale_id, _ = returned
    _as_older_till_wrote_it(db_path, "sale.refunded", _without(
        "cashier_id", "shift_id", "authorised_by", "cashier", "reason", "lines"))  # fmt: skip
    _set_refunded(db_path, sale_id, 1, 2)
    assert run_checks(store).ok, [p.text("en") for p in run_checks(store).problems]
