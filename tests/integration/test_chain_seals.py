"""What a pull from head office writes into the ledgers is sealed, so `memberdesk check`
names a `chain` entry written into the file by hand (with the balances raised to match),
one changed, and one removed; a file upgraded from before pulls were sealed passes, and
an entry written into it afterwards is still named. The pages are written as a pull
writes them (core/sync/pull.py's write_in_chunks), without a head office."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest

from memberdesk.core.check.checks import run_checks
from memberdesk.core.members import chain_directory
from memberdesk.core.members.chain_directory import read_page
from memberdesk.core.store.database import Store
from memberdesk.core.sync import pull
from memberdesk.core.sync.pull import write_in_chunks

TZ = "Asia/Shanghai"
IDS = [str(uuid.UUID(int=n + 1)) for n in range(12)]


def _page(bump: int = 0) -> list[dict]:
    return [{"id": member_id, "store_code": "S002", "card_no": f"9{n:011d}", "name": f"王芳{n}",
             "phone": f"138{n:08d}", "tier": "", "status": "active", "gender": "F",
             "joined_at": "2026-03-01T10:00:00", "version": 1, "old_cards": [],
             "points": 100 + n + bump, "wallet_principal": 5_000 + bump, "wallet_bonus": n,
             "overdrafts": []} for n, member_id in enumerate(IDS)]  # fmt: skip


def _pull(store: Store, bump: int = 0) -> None:
    write_in_chunks(store, read_page(_page(bump)), TZ, {})


@pytest.fixture
def pulled(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """Two pulls of twelve members of store S002, in steps of five (a seal each): the
    first brings them with their balances, the second moves every balance."""
    monkeypatch.setattr(pull, "STEP", 5)
    monkeypatch.setattr(pull, "CHUNK_S", 0.0)
    _pull(store)
    _pull(store, bump=7)
    return store


def _tamper(db: Path, *statements: str) -> None:
    """Statements run on the file with the ledgers' guards dropped and put back."""
    conn = sqlite3.connect(db)
    try:
        guards = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            " AND tbl_name IN ('points_ledger', 'wallet_ledger')"
        ).fetchall()
        for name, _sql in guards:
            conn.execute(f"DROP TRIGGER {name}")
        for sql in statements:
            conn.execute(sql)
        for _name, sql in guards:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def _problems(store: Store) -> list[str]:
    report = run_checks(store)
    assert not report.ok
    return [p.text("en") for p in report.problems]


def test_a_pulled_till_passes_check(pulled: Store) -> None:
    assert run_checks(pulled).ok
    _pull(pulled, bump=7)  # the same page again writes nothing
    _pull(pulled, bump=-3)
    assert run_checks(pulled).ok


def test_a_chain_entry_written_in_by_hand_with_the_balance_raised_is_named(
    pulled: Store, db_path: Path
) -> None:
    """¥1000 of stored value that never existed, made to look as another store's: the
    member's balance and the other stores' sum raised to match, every sum agrees."""
    member_id = IDS[3]
    conn = sqlite3.connect(db_path)
    principal, bonus, card, name = conn.execute(
        "SELECT wallet_principal, wallet_bonus, card_no, name FROM members WHERE id = ?",
        (member_id,),
    ).fetchone()
    conn.close()
    forged = "0190c0de-0000-7000-8000-000000000001"
    _tamper(
        db_path,
        "INSERT INTO wallet_ledger (id, member_id, created_at, business_date, principal_delta,"
        " bonus_delta, kind, principal_after, bonus_after, note) VALUES"
        f" ('{forged}', '{member_id}', '2026-03-10 02:00:00.000000', '2026-03-10', 100000, 0,"
        f" 'chain', {principal + 100000}, {bonus}, 'S002')",
        "UPDATE members SET wallet_principal = wallet_principal + 100000,"
        f" chain_principal = chain_principal + 100000 WHERE id = '{member_id}'",
    )
    assert _problems(pulled) == [
        f"stored-value entry {forged} of member {name} ({card}) is marked as head office's but"
        " no pull wrote it: it was written into the file"
    ]


def test_a_sealed_chain_entry_changed_with_the_balances_to_match_is_named(
    pulled: Store, db_path: Path
) -> None:
    member_id = IDS[5]
    _tamper(
        db_path,
        "UPDATE points_ledger SET delta = delta + 5000, balance_after = balance_after + 5000"
        f" WHERE member_id = '{member_id}' AND kind = 'chain'"
        f" AND rowid = (SELECT max(rowid) FROM points_ledger WHERE member_id = '{member_id}')",
        "UPDATE members SET points = points + 5000, chain_points = chain_points + 5000"
        f" WHERE id = '{member_id}'",
    )
    found = _problems(pulled)
    assert len(found) == 1, found
    assert found[0].startswith("the points ledger's entries from head office that a pull wrote at"
                               " 2026-03-10 02:00:00")  # fmt: skip
    assert found[0].endswith("differ from what it sealed: 5 entries summing to 35 sealed,"
                             " 5 summing to 5035 in the file")  # fmt: skip


def test_a_sealed_chain_entry_removed_with_the_balances_lowered_is_named(
    pulled: Store, db_path: Path
) -> None:
    """A member's debt to another store (a negative entry) taken out of the file."""
    member_id = IDS[0]
    _pull(pulled, bump=-2_000)  # the other stores spent ¥20 of this member's stored value
    assert run_checks(pulled).ok
    _tamper(
        db_path,
        f"DELETE FROM wallet_ledger WHERE member_id = '{member_id}' AND principal_delta = -2007",
        "UPDATE members SET wallet_principal = wallet_principal + 2007,"
        f" chain_principal = chain_principal + 2007 WHERE id = '{member_id}'",
    )
    found = _problems(pulled)
    assert len(found) == 1, found
    assert "stored-value ledger's entries from head office that a pull wrote at" in found[0]
    assert found[0].endswith("5 entries summing to -10035 / 0 sealed, 4 summing to -8028 / 0 in"
                             " the file")  # fmt: skip


def test_an_upgraded_file_passes_and_an_entry_written_in_after_is_named(
    store: Store, db_path: Path, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A till that pulled before pulls were sealed holds entries no seal covers: the upgrade
    records them, check passes, pulls after it seal theirs, and an entry written into the
    file later is still named — as is one of the old entries changed."""
    monkeypatch.setattr(chain_directory, "_seal", lambda uow, out: None, raising=False)  # as before
    _pull(store)
    store.close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '0018'")
    conn.commit()
    conn.close()
    monkeypatch.undo()
    upgraded = Store(db_path, clock=clock)  # the upgrade records the entries it finds
    try:
        assert run_checks(upgraded).ok
        _pull(upgraded, bump=3)
        assert run_checks(upgraded).ok
        member_id = IDS[1]
        _tamper(
            db_path,
            "INSERT INTO points_ledger (id, member_id, created_at, business_date, delta, kind,"
            f" balance_after, note) SELECT '00000000-0000-4000-8000-00000000f0f0', '{member_id}',"
            " '2026-03-10 02:00:00.000000', '2026-03-10', 90000, 'chain', points + 90000, 'S002'"
            f" FROM members WHERE id = '{member_id}'",
            "UPDATE members SET points = points + 90000, chain_points = chain_points + 90000"
            f" WHERE id = '{member_id}'",
        )
        assert _problems(upgraded) == [
            "points entry 00000000-0000-4000-8000-00000000f0f0 of member 王芳1 (900000000001) is"
            " marked as head office's but no pull wrote it: it was written into the file"
        ]
        _tamper(
            db_path,
            "UPDATE wallet_ledger SET principal_delta = 9000, principal_after = 9000"
            f" WHERE rowid = (SELECT min(rowid) FROM wallet_ledger WHERE member_id = '{IDS[2]}')",
        )
        found = _problems(upgraded)
        assert any(p.startswith("the stored-value ledger's entries from head office written"
                                " before pulls were sealed differ from what the upgrade"
                                " recorded") for p in found), found  # fmt: skip
    finally:
        upgraded.close()


def test_a_file_with_no_chain_entries_gets_no_upgrade_record(
    store: Store, db_path: Path, clock
) -> None:
    store.close()
    conn = sqlite3.connect(db_path)
    count = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    conn.execute("UPDATE alembic_version SET version_num = '0018'")
    conn.commit()
    conn.close()
    with Store(db_path, clock=clock) as upgraded:
        assert run_checks(upgraded).ok
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == count
    conn.close()
