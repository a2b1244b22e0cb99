"""Someone holding the file changes it with sqlite3: `memberdesk check` sees each case
and names the first broken link."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from memberdesk.core.check.checks import run_checks
from memberdesk.core.clock import FixedClock
from memberdesk.core.errors import DomainError
from memberdesk.core.loyalty.program import preset, revise
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store import anchor
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import GiftStock
from memberdesk.core.till.refunds import refund
from memberdesk.core.till.totals import terminal_day_totals
from memberdesk.core.till.wallet import reverse_topup, top_up

from .loyalty_helpers import YUAN, line, new_member, sell, set_local, use_program


@pytest.fixture
def busy(store: Store, owner: Actor) -> Store:
    member = new_member(store, owner)
    top_up(store, owner, member.id, 50_000, "cash")
    for amount in (1_000, 2_500, 9_900):
        sell(store, owner, member.id, amount)
    for amount in (1_500, 3_000):  # walk-ins
        sell(store, owner, None, amount)
    assert run_checks(store).ok
    return store


def _tamper(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db)
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def _problems(store: Store) -> list[str]:
    report = run_checks(store)
    assert not report.ok
    return [p.text("en") for p in report.problems]


def test_the_triggers_refuse_rewriting_sales(busy: Store, db_path: Path) -> None:
    for sql in ("DELETE FROM sales WHERE member_id IS NULL",
                "UPDATE sales SET total = 1 WHERE member_id IS NULL",
                "UPDATE sale_lines SET amount = 1", "DELETE FROM sale_tenders",
                "UPDATE sales SET refunded_total = -5", "DELETE FROM audit_log",
                "UPDATE outbox SET payload = '{}' WHERE seq = 1"):  # fmt: skip
        with pytest.raises(sqlite3.IntegrityError):
            _tamper(db_path, sql)
    assert run_checks(busy).ok


def test_a_deleted_walk_in_sale_is_seen(busy: Store, db_path: Path) -> None:
    _tamper(db_path, "DROP TRIGGER trg_sales_no_delete", "DROP TRIGGER trg_sale_lines_no_delete",
            "DROP TRIGGER trg_sale_tenders_no_delete",
            "DELETE FROM sale_lines WHERE sale_id = (SELECT id FROM sales WHERE total = 1500)",
            "DELETE FROM sale_tenders WHERE sale_id = (SELECT id FROM sales WHERE total = 1500)",
            "DELETE FROM sales WHERE total = 1500")  # fmt: skip
    found = _problems(busy)
    assert any("guard trg_sales_no_delete" in p for p in found)
    assert any("no longer in the shop's records" in p and "sale" in p for p in found)


def test_a_shrunk_sale_is_seen(busy: Store, db_path: Path) -> None:
    _tamper(db_path, "DROP TRIGGER trg_sales_frozen",
            "UPDATE sales SET total = 100, subtotal = 100 WHERE total = 3000")  # fmt: skip
    found = _problems(busy)
    assert any("differs from what the sync journal sealed" in p for p in found)


def test_a_forged_wallet_row_with_its_journal_row_and_balance_is_seen(
    busy: Store, db_path: Path
) -> None:
    conn = sqlite3.connect(db_path)
    member_id, principal = conn.execute("SELECT id, wallet_principal FROM members").fetchone()
    seq = conn.execute("SELECT max(seq) FROM outbox").fetchone()[0] + 1
    conn.close()
    _tamper(
        db_path,
        f"""INSERT INTO wallet_ledger (id, member_id, created_at, business_date, principal_delta,
            bonus_delta, kind, principal_after, bonus_after, note) VALUES ('forged', '{member_id}',
            '2026-03-10 02:00:00.000000', '2026-03-10', 100000, 0, 'topup', {principal + 100000},
            0, '')""",
        f"""INSERT INTO outbox (seq, event_id, kind, aggregate_id, payload, created_at, state,
            reason, chain) VALUES ({seq}, 'forged-event', 'wallet.entry', 'forged',
            '{{"id": "forged", "principal_delta": 100000}}', '2026-03-10 02:00:00.000000',
            'pending', '', 'f00d')""",
        f"UPDATE members SET wallet_principal = {principal + 100000} WHERE id = '{member_id}'",
    )
    found = _problems(busy)
    assert any(f"broken at record {seq} (wallet.entry)" in p for p in found), found


def test_a_dropped_trigger_and_a_cleared_audit_log_are_seen(busy: Store, db_path: Path) -> None:
    _tamper(db_path, "DROP TRIGGER trg_audit_log_no_delete", "DELETE FROM audit_log")
    assert any("guard trg_audit_log_no_delete" in p for p in _problems(busy))


def test_pending_records_marked_sent_by_hand_are_seen(busy: Store, db_path: Path) -> None:
    _tamper(db_path, "UPDATE outbox SET state = 'acked' WHERE seq > 3")
    found = _problems(busy)
    assert any("marked sent, but head office confirmed only up to 0" in p for p in found)


def test_the_last_sale_removed_with_its_journal_row_is_seen(busy: Store, db_path: Path) -> None:
    """A tail cut cleanly (the chain before it is whole) still leaves its receipt number
    missing: the counter says it was issued."""
    conn = sqlite3.connect(db_path)
    sale_id, receipt = conn.execute(
        "SELECT id, receipt_no FROM sales ORDER BY created_at DESC, receipt_no DESC"
    ).fetchone()
    conn.close()
    _tamper(db_path, "DROP TRIGGER trg_sales_no_delete", "DROP TRIGGER trg_sale_lines_no_delete",
            "DROP TRIGGER trg_sale_tenders_no_delete", "DROP TRIGGER trg_outbox_no_delete",
            f"DELETE FROM sale_lines WHERE sale_id = '{sale_id}'",
            f"DELETE FROM sale_tenders WHERE sale_id = '{sale_id}'",
            f"DELETE FROM outbox WHERE aggregate_id = '{sale_id}'",
            f"DELETE FROM sales WHERE id = '{sale_id}'")  # fmt: skip
    found = _problems(busy)
    number = int(receipt.rsplit("-", 1)[1])
    assert any("receipt numbers" in p and f"missing {number}" in p for p in found), found


def _guards_put_back(db_path: Path, statements: tuple[str, ...]) -> list[str]:
    """`statements` between dropping every guard and creating them again as they were."""
    conn = sqlite3.connect(db_path)
    guards = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    conn.close()
    return [*(f"DROP TRIGGER {name}" for name, _ in guards), *statements,
            *(sql for _, sql in guards)]  # fmt: skip


def _as_synced(db_path: Path) -> int:
    """The file as a till leaves it after head office confirmed every row (what the pusher
    writes on an answer): the rows marked sent, HQ's last sequence kept."""
    conn = sqlite3.connect(db_path)
    last = conn.execute("SELECT max(seq) FROM outbox").fetchone()[0]
    conn.close()
    _tamper(db_path, "UPDATE outbox SET state = 'acked'",
            f"INSERT OR REPLACE INTO settings VALUES ('sync.hq_last_seq', {last})")  # fmt: skip
    return last


def _cut_the_last_sale(db_path: Path) -> tuple[int, int]:
    """A tail cut cleanly — the last sale (a walk-in's), its journal rows and its lines
    removed, the guards put back, the day's receipt counter moved back: no link breaks, no
    receipt number is missing. Returns the journal's last record before and after."""
    conn = sqlite3.connect(db_path)
    last = conn.execute("SELECT max(seq) FROM outbox").fetchone()[0]
    sale_id, receipt, day, member_id = conn.execute(
        "SELECT id, receipt_no, business_date, member_id FROM sales"
        " ORDER BY created_at DESC, receipt_no DESC"
    ).fetchone()
    first_cut = conn.execute("SELECT min(seq) FROM outbox WHERE aggregate_id = ? OR"
                             " aggregate_id IN (SELECT id FROM points_ledger WHERE sale_id = ?)",
                             (sale_id, sale_id)).fetchone()[0]  # fmt: skip
    conn.close()
    assert member_id is None  # a walk-in: no member's totals to put back
    number = int(receipt.rsplit("-", 1)[1])
    _tamper(db_path, *_guards_put_back(db_path, (
        f"DELETE FROM sale_lines WHERE sale_id = '{sale_id}'",
        f"DELETE FROM sale_tenders WHERE sale_id = '{sale_id}'",
        f"DELETE FROM outbox WHERE seq >= {first_cut}",
        f"DELETE FROM sales WHERE id = '{sale_id}'",
        f"UPDATE settings SET value = {number} WHERE key = 'receipt.seq.{day.replace('-', '')}'")))  # fmt: skip
    return last, first_cut - 1


def _seen_further(last: int, now: int) -> str:
    return (f"this computer saw the sync journal reach record {last} on 2026-03-10 10:00, but "
            f"in the file it ends at record {now}: the records after it were removed from the "
            "file, or an older copy was put in its place without memberdesk's restore")  # fmt: skip


def test_the_last_sale_cut_off_with_its_counter_after_head_office_confirmed_it_is_seen(
    busy: Store, db_path: Path
) -> None:
    """A tail cut cleanly breaks no link and leaves no gap in the receipt numbers; but head
    office had confirmed the journal up to its end."""
    confirmed = _as_synced(db_path)
    assert run_checks(busy).ok
    last, now = _cut_the_last_sale(db_path)
    assert last == confirmed
    assert _problems(busy) == [
        f"head office confirmed the sync journal up to record {last}, but in the file it ends "
        f"at record {now}: the records after it were removed from the file",
        _seen_further(last, now),
    ]


def test_the_last_sale_cut_off_before_head_office_had_it_is_seen_on_this_computer(
    busy: Store, db_path: Path
) -> None:
    """The same clean cut on a till head office never heard from: the file alone shows
    nothing, but the journal's end this computer noted outside it (core/store/anchor.py)
    is further on."""
    assert run_checks(busy).ok
    last, now = _cut_the_last_sale(db_path)
    assert _problems(busy) == [_seen_further(last, now)]


def test_pending_records_marked_refused_by_hand_are_seen(busy: Store, db_path: Path) -> None:
    """Rows head office never answered, marked in the file as refused by it, would sit in
    the sync problems list and not be sent."""
    _tamper(db_path, "UPDATE outbox SET state = 'rejected', reason = 'x' WHERE seq > 3")
    found = _problems(busy)
    assert any("marked refused by head office, but head office answered only up to 0" in p
               for p in found), found  # fmt: skip


def test_records_marked_in_a_state_the_till_never_writes_are_seen(
    busy: Store, db_path: Path
) -> None:
    """A row marked "sent" (a state memberdesk has not) is never claimed for sending, nor
    counted as unsent when a restore asks; the sale behind it never reaches head office."""
    _tamper(db_path, "UPDATE outbox SET state = 'sent' WHERE seq > 3")
    conn = sqlite3.connect(db_path)
    n = conn.execute("SELECT count(*) FROM outbox WHERE seq > 3").fetchone()[0]
    conn.close()
    assert _problems(busy) == [
        f"{n} records from number 4 on are marked “sent”, which memberdesk never writes: they "
        "were marked so outside memberdesk and are never sent"
    ]


def test_one_lane_two_or_two_processes_find_the_same_problems_in_the_same_order(
    busy: Store, db_path: Path
) -> None:
    _tamper(db_path, "DROP TRIGGER trg_wallet_ledger_no_update",
            "UPDATE wallet_ledger SET principal_delta = principal_delta + 100",
            "DROP TRIGGER trg_sales_frozen", "UPDATE sales SET total = total + 1")  # fmt: skip
    one, two = run_checks(busy, lanes=1), run_checks(busy, lanes=2, processes=False)
    # A large file's lanes are processes of their own, each opening the file itself.
    apart = run_checks(busy, lanes=2, processes=True)
    assert one.checks_run == two.checks_run == apart.checks_run
    texts = [p.text("en") for p in one.problems]
    assert texts == [p.text("en") for p in two.problems] == [p.text("en") for p in apart.problems]
    found = " | ".join(texts)
    assert "trg_wallet_ledger_no_update" in found and "trg_sales_frozen" in found
    # The lanes' connections go back to the store's own settings afterwards.
    with busy.read() as s:
        assert s.connection().exec_driver_sql("PRAGMA mmap_size").scalar() == 0


# `check` reads the records and the journal in the order they were written and compares
# them pairwise; where they part it compares record by record. These cases part, and the
# record-by-record pass must still name each one.


def test_a_changed_line_a_removed_payment_and_a_sale_without_lines_are_named(
    busy: Store, db_path: Path
) -> None:
    _tamper(db_path, "DROP TRIGGER trg_sale_lines_frozen", "DROP TRIGGER trg_sale_tenders_no_delete",
            "DROP TRIGGER trg_sale_lines_no_delete",
            "UPDATE sale_lines SET amount = amount - 1 WHERE sale_id = "
            "(SELECT id FROM sales WHERE total = 2500)",
            "DELETE FROM sale_tenders WHERE sale_id = (SELECT id FROM sales WHERE total = 9900)",
            "DELETE FROM sale_lines WHERE sale_id = (SELECT id FROM sales WHERE total = 3000)")  # fmt: skip
    conn = sqlite3.connect(db_path)
    receipts = dict(conn.execute("SELECT total, receipt_no FROM sales"))
    conn.close()
    found = _problems(busy)
    assert any(f"sale {receipts[2500]}: total 2500, lines 2499, paid 2500" in p for p in found), (
        found
    )
    assert any(f"sale {receipts[9900]}: total 9900, lines 9900, paid 0" in p for p in found), found
    assert any(f"sale {receipts[3000]} has no lines" in p for p in found), found


def test_a_points_entry_whose_sale_is_gone_is_named(busy: Store, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    entry, sale_id = conn.execute(
        "SELECT id, sale_id FROM points_ledger WHERE sale_id IS NOT NULL ORDER BY rowid"
    ).fetchone()
    conn.close()
    _tamper(db_path, "DROP TRIGGER trg_sales_no_delete", "DROP TRIGGER trg_sale_lines_no_delete",
            "DROP TRIGGER trg_sale_tenders_no_delete",
            f"DELETE FROM sale_lines WHERE sale_id = '{sale_id}'",
            f"DELETE FROM sale_tenders WHERE sale_id = '{sale_id}'",
            f"DELETE FROM sales WHERE id = '{sale_id}'")  # fmt: skip
    found = _problems(busy)
    assert any(f"points entry {entry} has no sale to go with it" in p for p in found), found
    assert any(f"sale {sale_id} is in the sync journal" in p for p in found), found


def test_a_payment_code_added_to_a_cash_payment_is_named(busy: Store, db_path: Path) -> None:
    _tamper(db_path, "DROP TRIGGER trg_sale_tenders_no_update",
            "UPDATE sale_tenders SET reference = '134567890123456789' WHERE sale_id = "
            "(SELECT id FROM sales WHERE total = 1000)")  # fmt: skip
    conn = sqlite3.connect(db_path)
    sale_id = conn.execute("SELECT id FROM sales WHERE total = 1000").fetchone()[0]
    conn.close()
    found = _problems(busy)
    assert any(f"the payment code of sale {sale_id}" in p for p in found), found


def test_records_rewritten_in_another_order_but_unchanged_pass(busy: Store, db_path: Path) -> None:
    """The pairwise pass parts when a table's rows were rewritten in another order (as a
    repair tool might); the record-by-record pass then finds each record as sealed. (A
    ledger's running balances are read in the order written, so its rows keep theirs.)"""
    conn = sqlite3.connect(db_path)
    guards = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
        "('sales', 'sale_lines', 'sale_tenders')"
    ).fetchall()
    conn.close()
    _tamper(db_path, "PRAGMA foreign_keys = OFF",
            *[f"DROP TRIGGER {name}" for name in (
                "trg_sales_no_delete", "trg_sales_frozen", "trg_sales_refunded_up",
                "trg_sale_lines_no_delete", "trg_sale_lines_frozen", "trg_sale_lines_refunded_up",
                "trg_sale_tenders_no_delete", "trg_sale_tenders_no_update")],
            *[stmt for table in ("sales", "sale_lines", "sale_tenders") for stmt in (
                f"CREATE TEMP TABLE copy_{table} AS SELECT * FROM {table} ORDER BY rowid DESC",
                f"DELETE FROM {table}",
                f"INSERT INTO {table} SELECT * FROM copy_{table}")],
            *[sql for (sql,) in guards])  # fmt: skip
    conn = sqlite3.connect(db_path)
    first = conn.execute("SELECT total FROM sales ORDER BY rowid").fetchone()[0]
    conn.close()
    assert first == 1_500 + 1_500  # the last sale written now comes first
    report = run_checks(busy)
    assert report.ok, [p.text("en") for p in report.problems]


def test_lanes_in_processes_pass_a_sound_file_and_say_when_it_cannot_be_read(
    busy: Store, db_path: Path
) -> None:
    assert run_checks(busy, processes=True).ok
    db_path.with_name(db_path.name + "-wal").unlink(missing_ok=True)
    with db_path.open("r+b") as f:  # the header's page size and more, overwritten
        f.seek(16)
        f.write(b"\xff" * 84)
    report = run_checks(busy, processes=True)
    assert not report.ok
    assert any("could not be read" in p.text("en") or "integrity" in p.text("en")
               for p in report.problems), [p.text("en") for p in report.problems]  # fmt: skip


@pytest.mark.parametrize("processes", [False, True])
def test_a_dropped_ledger_is_named_not_a_crash(busy: Store, db_path: Path, processes: bool) -> None:
    """Someone with the file drops a ledger table: `check` names what it could not check
    and the guards that went with the table, and goes on with every other check."""
    _tamper(db_path, "PRAGMA foreign_keys=OFF", "DROP TABLE wallet_ledger")
    report = run_checks(busy, processes=processes)
    found = [p.text("en") for p in report.problems]
    assert "the guard trg_wallet_ledger_no_update against rewriting records was removed" in found
    assert any(
        p.startswith("check records and the sync journal could not finish: no such table")
        for p in found
    ), found
    assert len(report.checks_run) == len(run_checks(busy).checks_run)


def test_every_check_has_a_name_in_the_users_language() -> None:
    from memberdesk.core.check.checks import _BY_NAME, CHECK_NAMES

    assert sorted(set(_BY_NAME) - set(CHECK_NAMES)) == []


def test_cash_relabelled_as_wechat_is_named(busy: Store, db_path: Path) -> None:
    """A cashier with the file turns a cash payment into a WeChat one (the drawer then
    expects less cash) and puts the guard back: the sale is named by its receipt."""
    conn = sqlite3.connect(db_path)
    (guard,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'trg_sale_tenders_no_update'"
    ).fetchone()
    receipt = conn.execute(
        "SELECT x.receipt_no FROM sales x JOIN sale_tenders p ON p.sale_id = x.id"
        " WHERE p.kind = 'cash' ORDER BY x.rowid DESC"
    ).fetchone()[0]
    conn.close()
    _tamper(
        db_path,
        "DROP TRIGGER trg_sale_tenders_no_update",
        "UPDATE sale_tenders SET kind = 'wechat' WHERE kind = 'cash' AND sale_id ="
        f" (SELECT id FROM sales WHERE receipt_no = '{receipt}')",
        guard,
    )
    assert _problems(busy) == [
        f"sale {receipt}: the cash it took differs from what the sync journal sealed"
        f" (record {_seq_of(db_path, receipt)})"
    ]


def _mixed_sales(store: Store, owner: Actor) -> list[str]:
    """Sales paid by every tender: split cash and card, WeChat, Alipay, stored value and
    cash with change; their receipt numbers."""
    member = new_member(store, owner)
    top_up(store, owner, member.id, 10_000, "cash")
    return [
        sell(store, owner, None, 5_000, tenders={"card": 2_000, "cash": 3_000}).receipt_no,
        sell(store, owner, None, 2_800, tenders={"wechat": 2_800}).receipt_no,
        sell(store, owner, None, 1_200, tenders={"alipay": 1_200}).receipt_no,
        sell(store, owner, member.id, 4_000, wallet=1_000, tenders={"wechat": 3_000}).receipt_no,
        sell(store, owner, None, 3_300, tenders={"cash": 5_000}).receipt_no,
    ]


def test_an_honest_shop_paid_by_every_tender_passes(store: Store, owner: Actor) -> None:
    _mixed_sales(store, owner)
    report = run_checks(store)
    assert report.ok, [p.text("en") for p in report.problems]


@pytest.mark.parametrize(("was", "now", "names"), [
    ("wechat", "alipay", "WeChat Pay, Alipay"),
    ("card", "wechat", "Bank card, WeChat Pay"),
])  # fmt: skip
def test_a_non_cash_payment_relabelled_is_named_with_both_tenders(
    store: Store, owner: Actor, db_path: Path, was: str, now: str, names: str
) -> None:
    """A WeChat payment turned into an Alipay one (or a card payment into WeChat) in the
    file, the guard put back: the day's takings by tender would no longer match the
    WeChat and Alipay statements. The sale is named by its receipt, with both tenders."""
    receipts = _mixed_sales(store, owner)
    receipt = receipts[1] if was == "wechat" else receipts[0]
    conn = sqlite3.connect(db_path)
    (guard,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'trg_sale_tenders_no_update'"
    ).fetchone()
    conn.close()
    _tamper(
        db_path,
        "DROP TRIGGER trg_sale_tenders_no_update",
        f"UPDATE sale_tenders SET kind = '{now}' WHERE kind = '{was}' AND sale_id ="
        f" (SELECT id FROM sales WHERE receipt_no = '{receipt}')",
        guard,
    )
    assert _problems(store) == [
        f"sale {receipt}: what it took by {names} differs from what the sync journal sealed"
        f" (record {_seq_of(db_path, receipt)})"
    ]


def _seq_of(db: Path, receipt: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT o.seq FROM outbox o JOIN sales x ON x.id = o.aggregate_id"
            " WHERE o.kind = 'sale.completed' AND x.receipt_no = ?",
            (receipt,),
        ).fetchone()[0]
    finally:
        conn.close()


def test_a_top_up_relabelled_is_named(busy: Store, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    (guard,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'trg_topups_no_update'"
    ).fetchone()
    (topup,) = conn.execute("SELECT id FROM topups").fetchone()
    conn.close()
    _tamper(db_path, "DROP TRIGGER trg_topups_no_update",
            "UPDATE topups SET tender = 'wechat'", guard)  # fmt: skip
    assert any(p.startswith(f"top-up {topup} differs from what the sync journal sealed")
               for p in _problems(busy))  # fmt: skip


def test_an_audit_entry_rewritten_or_removed_with_its_guards_put_back_is_seen(
    busy: Store, db_path: Path
) -> None:
    """The guards refuse a change; someone who drops them, edits and puts them back
    still breaks the audit log's chain, which the check names in the user's language."""
    with busy.write() as uow, uow.rows():  # two entries in one transaction, one in the next
        uow.audit("drawer.open", staff_id=None, staff_name="老板", target="1")
        uow.audit("drawer.open", staff_id=None, staff_name="老板", authorised_by="店长")
    with busy.write() as uow:
        uow.audit("export.full_phone", staff_id=None, staff_name="老板", detail={"rows": 2})
    assert run_checks(busy).ok
    conn = sqlite3.connect(db_path)
    guards = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
    ).fetchall()
    count = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    name, action = conn.execute("SELECT staff_name, action FROM audit_log WHERE id = 1").fetchone()
    conn.close()
    assert len(guards) == 2 and count >= 3
    drop = ("DROP TRIGGER trg_audit_log_no_update", "DROP TRIGGER trg_audit_log_no_delete")
    back = tuple(sql for (sql,) in guards)
    _tamper(db_path, *drop, "UPDATE audit_log SET staff_name = '别人' WHERE id = 1", *back)
    report = run_checks(busy)
    assert [p.text("en") for p in report.problems] == [
        f"the audit log is broken at entry 1 ({action}): it was changed, inserted or removed "
        "after it was written"
    ]
    assert report.problems[0].text("zh") == (
        f"审计日志在第 1 条（{action}）处断开：写入后被修改、插入或删除过"
    )
    # Put back as it was, the chain holds; a middle entry removed breaks it again.
    _tamper(db_path, *drop, f"UPDATE audit_log SET staff_name = '{name}' WHERE id = 1", *back)
    assert run_checks(busy).ok
    _tamper(db_path, *drop, "DELETE FROM audit_log WHERE id = 2", *back)
    assert any("the audit log is broken at entry 3" in p for p in _problems(busy))


def test_a_chain_entry_added_in_the_file_to_a_member_no_pull_wrote_is_seen(
    busy: Store, db_path: Path
) -> None:
    """`chain` entries mirror other tills' balances and have no journal row here; one added
    by hand, with the member's points raised to match, still differs from what HQ sent."""
    conn = sqlite3.connect(db_path)
    member_id, points, card = conn.execute(
        "SELECT id, points, card_no FROM members WHERE points > 0 LIMIT 1"
    ).fetchone()
    conn.close()
    _tamper(
        db_path,
        "INSERT INTO points_ledger (id, member_id, created_at, business_date, delta, kind, "
        f"balance_after, note) VALUES ('forged', '{member_id}', '2026-03-10 12:00:00.000000', "
        f"'2026-03-10', 100000, 'chain', {points + 100000}, '')",
        f"UPDATE members SET points = points + 100000 WHERE id = '{member_id}'",
    )
    assert any(
        f"({card}): other stores' balances from HQ 0 / 0 / 0 differ from their ledger entries "
        "100000 / 0 / 0" in p
        for p in _problems(busy)
    )


def _guard(db: Path, name: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
    finally:
        conn.close()


def test_line_amounts_swapped_with_the_sum_kept_are_named(
    busy: Store, owner: Actor, db_path: Path
) -> None:
    """A cheap line and a dear one of the same sale swap their amounts in the file, the
    guard put back: the sale still adds up, but returning the cheap item would pay out
    what the dear one cost. `check` names the line as the journal sealed it."""
    sold = sell(busy, owner, None, line(500, description="袜子"), line(9_500, description="大衣"))
    assert run_checks(busy).ok
    _tamper(db_path, "DROP TRIGGER trg_sale_lines_frozen",
            "UPDATE sale_lines SET amount = 10000 - amount, unit_price = 10000 - unit_price"
            f" WHERE sale_id = '{sold.sale_id}'", _guard(db_path, "trg_sale_lines_frozen"))  # fmt: skip
    found = _problems(busy)
    assert any(f"sale {sold.receipt_no} line 1" in p and "differs from what the sync journal "
               "sealed" in p for p in found), found  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        "details = json_set(details, '$.wallet_principal', 0, '$.wallet_bonus', 2000)",
        "business_date = '2024-01-01'",
        "program_version = program_version + 1",
    ],
)
def test_what_a_refund_reads_of_a_sale_rewritten_is_named(
    busy: Store, owner: Actor, db_path: Path, change: str
) -> None:
    """A sale paid from stored value records what came off the principal and what off the
    bonus, and a refund gives each back as it came: turned round in the file (the guard put
    back), a refund would give bonus back as principal, which can be cashed out. Its
    business day says when its points lapse (a refund after that takes none back) and its
    program which refund policy applies: moved, the member keeps points a refund takes."""
    conn = sqlite3.connect(db_path)
    member_id = conn.execute("SELECT id FROM members").fetchone()[0]
    conn.close()
    sold = sell(busy, owner, member_id, 2_000, wallet=2_000, tenders={})
    conn = sqlite3.connect(db_path)
    principal = conn.execute(
        "SELECT json_extract(details, '$.wallet_principal') FROM sales WHERE id = ?",
        (sold.sale_id,),
    ).fetchone()[0]
    conn.close()
    assert principal == 2_000 and run_checks(busy).ok
    _tamper(db_path, "DROP TRIGGER trg_sales_frozen",
            f"UPDATE sales SET {change} WHERE id = '{sold.sale_id}'",
            _guard(db_path, "trg_sales_frozen"))  # fmt: skip
    found = _problems(busy)
    assert any(p.startswith(f"sale {sold.sale_id} differs from what the sync journal sealed")
               for p in found), found  # fmt: skip


@pytest.mark.parametrize(
    ("table", "change"),
    [
        ("points_ledger", "business_date = '2099-12-31'"),  # its points would never lapse
        ("points_ledger", "sale_id = NULL"),  # a refund would take other points back
        ("wallet_ledger", "topup_id = NULL"),  # a top-up reversed would look not reversed
        ("wallet_ledger", "business_date = '2099-12-31'"),
    ],
)
def test_a_ledger_entrys_date_or_sale_rewritten_is_named(
    busy: Store, db_path: Path, table: str, change: str
) -> None:
    """Points lapse by the day they were earned, a refund takes back the points of its
    sale's entries and a top-up is reversed once: each reads an entry's day or what it
    belongs to, which must be what the journal sealed."""
    conn = sqlite3.connect(db_path)
    entry = conn.execute(
        f"SELECT id FROM {table} WHERE coalesce(sale_id, topup_id) IS NOT NULL ORDER BY rowid"
        if table == "wallet_ledger"
        else f"SELECT id FROM {table} WHERE sale_id IS NOT NULL ORDER BY rowid"
    ).fetchone()[0]
    conn.close()
    guard = f"trg_{table}_no_update"
    _tamper(db_path, f"DROP TRIGGER {guard}", f"UPDATE {table} SET {change} WHERE id = '{entry}'",
            _guard(db_path, guard))  # fmt: skip
    what = "points entry" if table == "points_ledger" else "stored-value entry"
    assert any(p.startswith(f"{what} {entry} differs from what the sync journal sealed")
               for p in _problems(busy))  # fmt: skip


def test_call_log_entries_added_or_changed_in_the_file_are_named(
    busy: Store, owner: Actor, db_path: Path
) -> None:
    """The follow-ups each salesperson made are counted from the call log: an entry added
    in the file, or one whose caller was changed (the guard put back), is named."""
    from memberdesk.core.followups.calllog import log_call

    conn = sqlite3.connect(db_path)
    member_id = conn.execute("SELECT id FROM members").fetchone()[0]
    conn.close()
    call = log_call(busy, owner, member_id, "dormant", "connected")
    assert run_checks(busy).ok
    _tamper(db_path, "DROP TRIGGER trg_call_log_no_update",
            f"UPDATE call_log SET staff_name = '导购阿强', outcome = 'appointment' WHERE id = '{call.id}'",
            _guard(db_path, "trg_call_log_no_update"),
            "INSERT INTO call_log (id, member_id, staff_id, staff_name, list_kind, outcome, note,"
            " called_at, created_at, source) SELECT 'forged', member_id, staff_id, staff_name,"
            " list_kind, outcome, note, called_at, created_at, source FROM call_log")  # fmt: skip
    found = _problems(busy)
    assert any(p.startswith(f"call log entry {call.id} differs from what the sync journal sealed")
               for p in found), found  # fmt: skip
    assert "call log entry forged has no sync record" in found, found
    _tamper(db_path, "DROP TRIGGER trg_call_log_no_delete")
    assert "the guard trg_call_log_no_delete against rewriting records was removed" in (
        _problems(busy)
    )


GIFTS = revise(preset("generic"), {
    "redeem": {"gifts": [{"code": "UMB", "name": "雨伞", "points": 5000, "stock": 2},
                         {"code": "SCF", "name": "围巾", "points": 8000}]},
    "spend_gifts": [{"gift_code": "UMB", "threshold_fen": 1000 * YUAN, "period": "sale"},
                    {"gift_code": "SCF", "threshold_fen": 3000 * YUAN, "period": "month"}],
})  # fmt: skip


def _refund_details(db: Path, refund_id: str, change: str) -> None:
    _tamper(db, "DROP TRIGGER trg_refunds_no_update",
            f"UPDATE refunds SET details = json_set(details, {change}) WHERE id = '{refund_id}'",
            _guard(db, "trg_refunds_no_update"))  # fmt: skip


def _gifts(result) -> list[str]:
    return [g["name"] for g in result.spend_gifts if not g["out_of_stock"]]


def test_a_gift_marked_taken_back_in_the_file_is_named(
    busy: Store, owner: Actor, clock: FixedClock, db_path: Path
) -> None:
    """A refund records the gifts for spend it took back; the till reads that to let the
    month's gift be earned again and to take a gift back once only. Marked as taken back in
    the file (the guard put back), the member is handed the month's scarf a second time."""
    use_program(busy, owner, GIFTS)
    set_local(clock, 2026, 3, 20)
    m = new_member(busy, owner)
    earlier = sell(busy, owner, m.id, 2000 * YUAN)
    crossing = sell(busy, owner, m.id, line(1100 * YUAN), line(100 * YUAN))  # 3200 元: a scarf
    assert _gifts(crossing) == ["雨伞", "围巾"]
    kept = refund(busy, owner, crossing.sale_id, {2: 1})  # 3100 元 kept: no gift comes back
    assert kept.gifts_back == ()
    refund(busy, owner, earlier.sale_id)  # 1100 元 this month now; the scarf was handed over
    assert run_checks(busy).ok
    _refund_details(db_path, kept.refund_id, "'$.gift_keys_back', '|month:SCF:300000|'")
    assert "围巾" in _gifts(sell(busy, owner, m.id, 2000 * YUAN))  # a second scarf
    found = _problems(busy)
    assert any(p.startswith(f"refund record {kept.refund_id} differs from what the sync "
                            "journal sealed") for p in found), found  # fmt: skip


def test_a_gift_taken_back_and_cleared_in_the_file_is_named(
    busy: Store, owner: Actor, clock: FixedClock, db_path: Path
) -> None:
    """Cleared in the file, a gift taken back by a refund is taken back again by the next
    refund of the sale: the stock then counts an umbrella the shelf does not have."""
    use_program(busy, owner, GIFTS)
    set_local(clock, 2026, 3, 10)
    sale = sell(busy, owner, None, line(700 * YUAN), line(500 * YUAN))  # 1200 元: an umbrella
    first = refund(busy, owner, sale.sale_id, {2: 1})
    assert first.gifts_back == ("雨伞",) and run_checks(busy).ok
    _refund_details(db_path, first.refund_id, "'$.gift_keys_back', ''")
    assert refund(busy, owner, sale.sale_id).gifts_back == ("雨伞",)  # a second time
    with busy.read() as s:
        assert s.get(GiftStock, "UMB").remaining == 3  # of 2
    found = _problems(busy)
    assert any(p.startswith(f"refund record {first.refund_id} differs from what the sync "
                            "journal sealed") for p in found), found  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        "'$.wallet_principal', 0, '$.wallet_bonus', 2000",  # bonus given back as principal
        "'$.deducted_for_points', 100",
        "'$.bonus_reversed', 100",
    ],
)
def test_what_a_refund_gave_back_rewritten_is_named(
    busy: Store, owner: Actor, db_path: Path, change: str
) -> None:
    """The day's takings by tender and the sale's history read what each refund gave back
    (stored value's principal and bonus, points): rewritten in the file, they are named."""
    conn = sqlite3.connect(db_path)
    member_id = conn.execute("SELECT id FROM members").fetchone()[0]
    conn.close()
    sold = sell(busy, owner, member_id, 2_000, wallet=2_000, tenders={})
    back = refund(busy, owner, sold.sale_id)
    assert back.wallet_principal == 2_000 and run_checks(busy).ok
    _refund_details(db_path, back.refund_id, change)
    assert any(p.startswith(f"refund record {back.refund_id} differs from what the sync "
                            "journal sealed") for p in _problems(busy))  # fmt: skip
    _tamper(db_path, "DROP TRIGGER trg_refunds_no_update",
            f"UPDATE refunds SET points_returned = 500 WHERE id = '{back.refund_id}'")  # fmt: skip
    assert any(p.startswith(f"refund record {back.refund_id} differs") for p in _problems(busy))


def test_a_first_month_bonus_raised_in_a_sale_is_named(
    busy: Store, owner: Actor, clock: FixedClock, db_path: Path
) -> None:
    """A refund takes back the sale's points less its first-month bonus (judged apart).
    Raised in the file to all the sale earned, a return of the goods takes no points back:
    the member keeps 1500 points for goods they no longer have."""
    use_program(busy, owner, "clothing")
    set_local(clock, 2026, 3, 10)
    m = new_member(busy, owner)
    first = sell(busy, owner, m.id, 1500 * YUAN)
    assert first.points_earned == 1500 and run_checks(busy).ok
    _tamper(db_path, "DROP TRIGGER trg_sales_frozen",
            "UPDATE sales SET details = json_set(details, '$.first_month_bonus', 1500)"
            f" WHERE id = '{first.sale_id}'", _guard(db_path, "trg_sales_frozen"))  # fmt: skip
    found = _problems(busy)
    assert found == [
        f"sale {first.receipt_no} says it gave a first-month bonus of 1500 points, but its "
        "points entries sealed 0: a return of it would take back the wrong points"
    ]
    assert run_checks(busy).problems[0].text("zh") == (
        f"小票 {first.receipt_no} 记着给了首月奖励 1500 积分，但它的积分流水封存的是 0："
        "退货时会收回错误的积分"
    )
    assert refund(busy, owner, first.sale_id).points_reversed == 0  # of 1500


@pytest.mark.parametrize(
    ("table", "change"),
    [
        # the payment made to look older than the top-up
        ("wallet_ledger", "created_at = '2026-01-01 00:00:00.000000' WHERE kind = 'pay'"),
        # the top-up made to look newer than the payment
        ("topups", "created_at = '2026-12-31 00:00:00.000000'"),
    ],
)
def test_the_time_a_record_was_written_rewritten_is_named(
    store: Store, owner: Actor, clock: FixedClock, db_path: Path, table: str, change: str
) -> None:
    """A top-up is reversed (its money handed back) only while nothing was paid from stored
    value since. A payment dated before the top-up in the file, or the top-up dated after
    the payment, lets a member pay 200 元 from a 500 元 top-up and still take the 500 元
    back in cash."""
    member = new_member(store, owner)
    set_local(clock, 2026, 3, 10, 10)
    topped = top_up(store, owner, member.id, 500 * YUAN, "cash")
    set_local(clock, 2026, 3, 10, 11)
    sell(store, owner, member.id, 100 * YUAN, wallet=100 * YUAN, tenders={})
    top_up(store, owner, member.id, 500 * YUAN, "cash")  # what is left covers the first one
    with pytest.raises(DomainError):
        reverse_topup(store, owner, topped.ref_id)
    assert run_checks(store).ok
    guard = f"trg_{table}_no_update"
    _tamper(db_path, f"DROP TRIGGER {guard}", f"UPDATE {table} SET {change}",
            _guard(db_path, guard))  # fmt: skip
    found = _problems(store)
    what = "stored-value entry" if table == "wallet_ledger" else "top-up"
    assert any(p.startswith(what) and "differs from what the sync journal sealed" in p
               for p in found), found  # fmt: skip
    assert reverse_topup(store, owner, topped.ref_id).principal_delta == -500 * YUAN


def test_a_top_up_moved_to_another_day_is_named(busy: Store, owner: Actor, db_path: Path) -> None:
    """The day's totals count a top-up on its business day: moved to another day in the
    file, the 500 元 taken in cash that day go missing from the day's takings."""
    conn = sqlite3.connect(db_path)
    topup_id, day = conn.execute("SELECT id, business_date FROM topups").fetchone()
    conn.close()
    before = terminal_day_totals(busy, date.fromisoformat(day)).topup_tenders
    assert before == {"cash": 50_000}
    _tamper(db_path, "DROP TRIGGER trg_topups_no_update",
            f"UPDATE topups SET business_date = '2026-03-01' WHERE id = '{topup_id}'",
            _guard(db_path, "trg_topups_no_update"))  # fmt: skip
    assert terminal_day_totals(busy, date.fromisoformat(day)).topup_tenders == {}
    assert any(p.startswith(f"top-up {topup_id} differs from what the sync journal sealed")
               for p in _problems(busy))  # fmt: skip


def test_when_a_member_was_called_rewritten_is_named(
    busy: Store, owner: Actor, clock: FixedClock, db_path: Path
) -> None:
    """A member called stays off the follow-up lists for the cooldown, counted from when they
    were called, and a salesperson's follow-ups are counted by it: a call of a year ago moved
    to yesterday in the file (the guard put back) would keep the member off this week's
    sheets and count as this week's work."""
    from memberdesk.core.followups.calllog import log_call

    conn = sqlite3.connect(db_path)
    member_id = conn.execute("SELECT id FROM members").fetchone()[0]
    conn.close()
    call = log_call(busy, owner, member_id, "dormant", "connected",
                    called_at=datetime(2025, 3, 1, 9, 30, tzinfo=UTC))  # fmt: skip
    assert run_checks(busy).ok
    _tamper(db_path, "DROP TRIGGER trg_call_log_no_update",
            f"UPDATE call_log SET called_at = '2026-03-09 01:30:00.000000' WHERE id = '{call.id}'",
            _guard(db_path, "trg_call_log_no_update"))  # fmt: skip
    assert _problems(busy) == [
        f"call log entry {call.id} differs from what the sync journal sealed "
        f"(record {_journal_seq(db_path, call.id)}): it was changed afterwards"
    ]


def _journal_seq(db: Path, aggregate_id: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT seq FROM outbox WHERE aggregate_id = ?", (aggregate_id,)
        ).fetchone()[0]
    finally:
        conn.close()


def _sale_details(db: Path, sale_id: str, change: str) -> None:
    _tamper(db, "DROP TRIGGER trg_sales_frozen",
            f"UPDATE sales SET details = {change} WHERE id = '{sale_id}'",
            _guard(db, "trg_sales_frozen"))  # fmt: skip


def test_the_lines_that_earned_no_points_rewritten_in_a_sale_are_named(
    busy: Store, owner: Actor, db_path: Path
) -> None:
    """Cigarettes (不积分) earned no points, the clothes 100: a return of the cigarettes takes
    none back. With the clothes marked in the file as the line that earned nothing (the guard
    put back), returning the clothes takes back no points: the member keeps 100 points for
    goods they no longer have."""
    program = revise(preset("generic"), {"categories": [{"name": "烟", "earns_points": False}]})
    use_program(busy, owner, program)
    m = new_member(busy, owner)
    sale = sell(busy, owner, m.id, line(100 * YUAN, category="服装"),
                line(100 * YUAN, category="烟"))  # fmt: skip
    assert sale.points_earned == 100 and run_checks(busy).ok
    _sale_details(db_path, sale.sale_id, "json_set(details, '$.no_earn_lines', json('[1]'))")
    found = _problems(busy)
    assert found == [
        f"sale {sale.receipt_no} says the lines that earned no points are 1, but the sync "
        f"journal sealed 2 (record {_journal_seq(db_path, sale.sale_id)}): a return of its "
        "goods would take back the wrong points"
    ]
    assert run_checks(busy).problems[0].text("zh") == (
        f"小票 {sale.receipt_no} 记着不积分的商品行是 1，但同步日志封存的是 2（第 "
        f"{_journal_seq(db_path, sale.sale_id)} 条记录）：退货时会收回错误的积分"
    )
    assert refund(busy, owner, sale.sale_id, {1: 1}).points_reversed == 0  # of 100


def test_lines_that_earned_no_points_added_to_a_sale_that_had_none_are_named(
    busy: Store, owner: Actor, db_path: Path
) -> None:
    """A sale whose every line earned: the line marked in the file as one that earned
    nothing keeps its 100 points when it is returned."""
    m = new_member(busy, owner)
    sale = sell(busy, owner, m.id, line(100 * YUAN), line(100 * YUAN))
    assert sale.points_earned == 200 and run_checks(busy).ok
    _sale_details(db_path, sale.sale_id, "json_set(details, '$.no_earn_lines', json('[2]'))")
    assert _problems(busy) == [
        f"sale {sale.receipt_no} says the lines that earned no points are 2, but the sync "
        f"journal sealed none (record {_journal_seq(db_path, sale.sale_id)}): a return of its "
        "goods would take back the wrong points"
    ]
    assert refund(busy, owner, sale.sale_id, {2: 1}).points_reversed == 0  # of 100


def test_a_gift_for_spend_forged_in_a_sale_is_named(
    busy: Store, owner: Actor, clock: FixedClock, db_path: Path
) -> None:
    """An 800 元 sale earned no umbrella (it takes 1000 元). With an umbrella written into the
    sale in the file (the guard put back), a return of part of it tells the cashier to take
    back an umbrella the customer was never given, and counts it back into stock: the stock
    says 3 umbrellas where the shelf has 2."""
    use_program(busy, owner, GIFTS)
    set_local(clock, 2026, 3, 10)
    sale = sell(busy, owner, None, line(500 * YUAN), line(300 * YUAN))
    assert _gifts(sale) == [] and run_checks(busy).ok
    umbrella = ('[{"code": "UMB", "name": "雨伞", "key": "sale:UMB:100000", "threshold": 100000,'
                ' "period": "sale", "out_of_stock": false}]')  # fmt: skip
    _sale_details(db_path, sale.sale_id, f"json_set(details, '$.spend_gifts', json('{umbrella}'),"
                  " '$.spend_gift_keys', '|sale:UMB:100000|')")  # fmt: skip
    assert refund(busy, owner, sale.sale_id, {2: 1}).gifts_back == ("雨伞",)
    with busy.read() as s:
        assert s.get(GiftStock, "UMB").remaining == 3  # of 2
    found = _problems(busy)
    assert found == [
        f"sale {sale.receipt_no}: the gifts for spend it handed over differ from what the sync "
        f"journal sealed (record {_journal_seq(db_path, sale.sale_id)}): a return could take "
        "back a gift never given, or a gift be given twice"
    ]
    assert run_checks(busy).problems[0].text("zh") == (
        f"小票 {sale.receipt_no}：送出的满额赠品与同步日志封存的不符（第 "
        f"{_journal_seq(db_path, sale.sale_id)} 条记录）：退货时可能收回没送过的赠品，"
        "或同一赠品送出两次"
    )


def test_a_gift_for_spend_removed_from_a_sale_is_named(
    busy: Store, owner: Actor, clock: FixedClock, db_path: Path
) -> None:
    """The month's scarf is given once: the till finds it in the sale that handed it over.
    Removed from that sale in the file (the guard put back), the member, whose month fell
    back to 1200 元 by a return, is handed a second scarf at their next 2000 元."""
    use_program(busy, owner, GIFTS)
    set_local(clock, 2026, 3, 20)
    m = new_member(busy, owner)
    earlier = sell(busy, owner, m.id, 2000 * YUAN)
    crossing = sell(busy, owner, m.id, 1200 * YUAN)  # 3200 元 this month: a scarf
    assert _gifts(crossing) == ["雨伞", "围巾"]
    refund(busy, owner, earlier.sale_id)  # 1200 元 this month now; the scarf was handed over
    assert run_checks(busy).ok
    _sale_details(db_path, crossing.sale_id,
                  "json_set(details, '$.spend_gift_keys', '|sale:UMB:100000|')")  # fmt: skip
    assert _gifts(sell(busy, owner, m.id, 2000 * YUAN)) == ["雨伞", "围巾"]  # a second scarf
    found = _problems(busy)
    assert found == [
        f"sale {crossing.receipt_no}: the gifts for spend it handed over differ from what the "
        f"sync journal sealed (record {_journal_seq(db_path, crossing.sale_id)}): a return "
        "could take back a gift never given, or a gift be given twice"
    ]


def test_a_sale_journalled_before_its_gifts_and_points_lines_were_sealed_is_not_compared(
    busy: Store, owner: Actor, clock: FixedClock, db_path: Path
) -> None:
    """A sale written before its journal row carried the lines that earned no points and the
    gifts for spend (the keys absent from the row) is not compared on them."""
    program = revise(GIFTS, {"categories": [{"name": "烟", "earns_points": False}]})
    use_program(busy, owner, program)
    set_local(clock, 2026, 3, 10)
    m = new_member(busy, owner)
    sale = sell(busy, owner, m.id, line(1000 * YUAN, category="服装"),
                line(100 * YUAN, category="烟"))  # fmt: skip
    assert _gifts(sale) == ["雨伞"]
    conn = sqlite3.connect(db_path)
    seq, payload = conn.execute(
        "SELECT seq, payload FROM outbox WHERE aggregate_id = ?", (sale.sale_id,)
    ).fetchone()
    conn.close()
    assert '"no_earn_lines": [2]' in payload and '"spend_gifts": [{' in payload
    # The row as an older till wrote it, its link and every later one sealed again.
    from memberdesk.core.store.journal import GENESIS, link

    older = json.dumps({k: v for k, v in json.loads(payload).items()
                        if k not in ("no_earn_lines", "spend_gifts")})  # fmt: skip
    guard = _guard(db_path, "trg_outbox_frozen")
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER trg_outbox_frozen")
    conn.execute("UPDATE outbox SET payload = ? WHERE seq = ?", (older, seq))
    previous = GENESIS
    for row in conn.execute(
        "SELECT seq, event_id, kind, aggregate_id, created_at, payload FROM outbox ORDER BY seq"
    ).fetchall():
        previous = link(previous, *row)
        conn.execute("UPDATE outbox SET chain = ? WHERE seq = ?", (previous, row[0]))
    conn.execute(guard)
    conn.commit()
    conn.close()
    anchor.forget(db_path)  # written so by that till: its end noted by none since
    assert run_checks(busy).ok, [p.text("en") for p in run_checks(busy).problems]
