"""Journal rows carried onto a restored file: the records they seal stayed in the file the
restore replaced, so `check` excuses their absence. Only spans a restore carried are
excused: a span written into the settings by hand is named, and so is a record of this
file that such a span would excuse."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from memberdesk.core.check.checks import run_checks
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.backups import backup_now, restore
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout


def _sell(store: Store, owner: Actor, member_id: str | None, amount: int) -> str:
    sale = checkout(store, owner, CheckoutRequest(
        lines=(SaleLineInput("衬衫", amount),), member_id=member_id,
        tenders={"cash": amount}))  # fmt: skip
    return sale.sale_id


@pytest.fixture
def restored(store: Store, owner: Actor, db_path: Path) -> tuple[Path, str]:
    """A till restored from a backup with the sales made after it carried over (never
    sent: there is no HQ), then one sale made on the restored file. Returns the file and
    that sale's id."""
    customer = issue_card(store, owner, MemberForm(name="顾客甲", phone="13999999999"))
    _sell(store, owner, customer.id, 19900)
    backup = backup_now(store)
    _sell(store, owner, customer.id, 5900)  # after the backup: carried over
    _sell(store, owner, None, 1500)
    clock = store.clock
    store.close()
    done = restore(db_path, backup, clock=clock, carry_unsent=True)
    assert done.carried > 0
    with Store(db_path, clock=clock) as again:
        after = _sell(again, owner, customer.id, 2500)
    return db_path, after


def _problems(db_path: Path) -> list[str]:
    with Store(db_path) as store:
        return [m.text("en") for m in run_checks(store).problems]


def _spans(db_path: Path) -> list[list[int]]:
    with sqlite3.connect(db_path) as conn:
        (value,) = conn.execute(
            "SELECT value FROM settings WHERE key = 'restore.carried'"
        ).fetchone()
    return json.loads(value)


def _seq_of(db_path: Path, sale_id: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT seq FROM outbox WHERE kind = 'sale.completed' AND aggregate_id = ?", (sale_id,)
        ).fetchone()[0]


def _write_spans(db_path: Path, spans: list[list[int]]) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "UPDATE settings SET value = ? WHERE key = 'restore.carried'", (json.dumps(spans),)
        )


def test_a_restore_that_carried_rows_passes(restored: tuple[Path, str]) -> None:
    db_path, _ = restored
    assert len(_spans(db_path)) == 1
    assert _problems(db_path) == []


def test_a_span_written_in_by_hand_is_named(restored: tuple[Path, str]) -> None:
    db_path, sale_id = restored
    seq = _seq_of(db_path, sale_id)
    _write_spans(db_path, [*_spans(db_path), [seq, seq]])
    found = _problems(db_path)
    assert any(f"sync records {seq}–{seq} are marked as carried over" in p and
               "no restore carried them" in p for p in found), found  # fmt: skip
    assert any(f"sale {sale_id} is in this file, but its sync record {seq}" in p
               for p in found), found  # fmt: skip


def test_a_span_with_a_forged_restore_entry_is_still_named(restored: tuple[Path, str]) -> None:
    """The audit log takes new rows: whoever adds a span can add its restore entry too.
    The record the span would excuse is still in the file."""
    db_path, sale_id = restored
    seq = _seq_of(db_path, sale_id)
    _write_spans(db_path, [*_spans(db_path), [seq, seq]])
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO audit_log (at, staff_id, staff_name, authorised_by, action, target,"
            " detail) VALUES ('2026-01-01 00:00:00', NULL, '', NULL, 'restore.carried', 'x', ?)",
            (json.dumps({"first_seq": seq, "last_seq": seq, "rows": 1}),),
        )
    found = _problems(db_path)
    assert not any("no restore carried them" in p for p in found), found
    assert any(f"sale {sale_id} is in this file, but its sync record {seq}" in p
               for p in found), found  # fmt: skip


def test_a_carried_span_stretched_over_later_rows_is_named(restored: tuple[Path, str]) -> None:
    """The restore's own span made to reach the sale made after it."""
    db_path, sale_id = restored
    seq = _seq_of(db_path, sale_id)
    (first, _last), *rest = _spans(db_path)
    _write_spans(db_path, [[first, seq], *rest])
    found = _problems(db_path)
    assert any(f"sync records {first}–{seq}" in p for p in found), found
    assert any(f"sale {sale_id} is in this file" in p for p in found), found
