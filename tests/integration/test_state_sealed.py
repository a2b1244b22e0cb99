"""Someone with the file edits a row that changes over time — a member's tier, a cashier's
role, a price, the loyalty program, a shift's counted cash — or adds one: `check` names it,
because it no longer equals what the journal last sealed for it (core/check/state.py)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import select

from memberdesk.core.check.checks import run_checks
from memberdesk.core.demo.builder import build_demo
from memberdesk.core.store.database import Store


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "shop.sqlite"
    with Store(path) as store:
        build_demo(store, members=60)
        assert run_checks(store).ok
    return path


def _found_after(demo_file: Path, tmp_path: Path, sql: str) -> list[str]:
    path = tmp_path / "shop.sqlite"
    shutil.copyfile(demo_file, path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.executescript(sql)
    conn.close()
    with Store(path) as store:
        return [p.text("en") for p in run_checks(store).problems]


def _one(demo_file: Path, sql: str) -> str:
    conn = sqlite3.connect(demo_file)
    try:
        return str(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


CASES = [
    ("a member's tier raised",
     "UPDATE members SET tier = 'gold' WHERE card_no = '{card}'",
     "member {name} ({card}) differs from what the sync journal last sealed for it"),
    ("a cashier made owner",
     "UPDATE staff SET role = 'owner' WHERE name = '收银小美'",
     "staff member 收银小美 differs from what the sync journal last sealed for it"),
    ("the cashier's PIN copied onto the owner",
     "UPDATE staff SET pin_hash = (SELECT pin_hash FROM staff WHERE name = '收银小美')"
     " WHERE name = '老板'",
     "staff member 老板 differs from what the sync journal last sealed for it"),
    ("an owner added by hand",
     "INSERT INTO staff SELECT 'x-1', '黑客', 'owner', pin_hash, 0, NULL, 1, created_at"
     " FROM staff LIMIT 1",
     "staff member 黑客 has no row in the sync journal: it was added outside memberdesk"),
    ("a price halved",
     "UPDATE items SET price = price / 2 WHERE code = 'A001'",
     "product A001 纯棉T恤 differs from what the sync journal last sealed for it"),
    ("a dear product's barcode moved to a cheap one",
     "UPDATE item_barcodes SET item_id = (SELECT id FROM items ORDER BY price LIMIT 1)"
     " WHERE item_id = (SELECT id FROM items ORDER BY price DESC LIMIT 1)",
     "product {cheap} differs from what the sync journal last sealed for it"),
    ("points made cheap in the program",
     "UPDATE program_versions SET settings = replace(settings, '\"fen_per_point\": 100',"
     " '\"fen_per_point\": 1')",
     "loyalty program version 1 differs from what the sync journal last sealed for it"),
    ("a shift's counted cash raised",
     "UPDATE shifts SET counted_cash = counted_cash + 10000 WHERE closed_at IS NOT NULL",
     "the shift of {cashier} differs from what the sync journal last sealed for it"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "sql", "finding"), CASES, ids=[c[0] for c in CASES])
def test_a_row_edited_in_the_file_is_named(
    demo_file: Path, tmp_path: Path, what: str, sql: str, finding: str
) -> None:
    card = _one(demo_file, "SELECT card_no FROM members WHERE tier = 'member' ORDER BY rowid")
    name = _one(demo_file, f"SELECT name FROM members WHERE card_no = '{card}'")
    cashier = _one(
        demo_file,
        "SELECT s.name || ' ' || substr(t.opened_at, 1, 16) FROM shifts t"
        " JOIN staff s ON s.id = t.cashier_id WHERE t.closed_at IS NOT NULL",
    )
    cheap = _one(demo_file, "SELECT code || ' ' || name FROM items ORDER BY price LIMIT 1")
    found = _found_after(demo_file, tmp_path, sql.format(card=card))
    assert finding.format(card=card, name=name, cashier=cashier, cheap=cheap) in found, found


def test_a_members_spend_raised_in_the_file_is_named(demo_file: Path, tmp_path: Path) -> None:
    """A total spend raised by hand would lift the member's tier at their next sale."""
    card = _one(demo_file, "SELECT card_no FROM members WHERE visit_count > 0 ORDER BY rowid")
    name, spend, visits = _one(
        demo_file,
        f"SELECT name || '|' || lifetime_spend || '|' || visit_count FROM members"
        f" WHERE card_no = '{card}'",
    ).split("|")
    found = _found_after(
        demo_file,
        tmp_path,
        f"UPDATE members SET lifetime_spend = lifetime_spend + 1000000 WHERE card_no = '{card}'",
    )
    yuan = f"{int(spend) / 100:,.2f}"
    raised = f"{(int(spend) + 1000000) / 100:,.2f}"
    assert found == [
        f"member {name} ({card}) has spent ¥{raised} in {visits} visits; their sales say"
        f" ¥{yuan} in {visits}"
    ], found


def test_the_demo_shop_as_made_passes(demo_file: Path, tmp_path: Path) -> None:
    assert _found_after(demo_file, tmp_path, "SELECT 1") == []


@pytest.mark.parametrize(
    ("sql", "finding"),
    [
        (
            "INSERT OR REPLACE INTO settings VALUES ('till.discount_limits',"
            ' \'{"cashier": {"percent": 100, "amount": 100000000},'
            ' "manager": {"percent": 100, "amount": 100000000}}\')',
            "the setting the discount limits of cashiers and managers differs from what the"
            " sync journal last sealed for it",
        ),
        (
            "UPDATE settings SET value = '\"别的店\"' WHERE key = 'shop.name'",
            "the setting shop.name differs from what the sync journal last sealed for it",
        ),
        (
            "UPDATE settings SET value = '\"00000000-0000-0000-0000-000000000000\"'"
            " WHERE key = 'shop.terminal_id'",
            "the setting shop.terminal_id differs from what the sync journal last sealed for it",
        ),
    ],
    ids=["a cashier's discount limit raised", "the shop's name", "the till's id"],
)
def test_a_setting_edited_in_the_file_is_named(
    demo_file: Path, tmp_path: Path, sql: str, finding: str
) -> None:
    assert finding in _found_after(demo_file, tmp_path, sql)


def test_a_pin_reset_in_the_app_passes(demo_file: Path, tmp_path: Path) -> None:
    from memberdesk.core.shop.staff import Actor, list_staff, reset_pin

    path = tmp_path / "shop.sqlite"
    shutil.copyfile(demo_file, path)
    with Store(path) as store:
        staff = {s.name: s for s in list_staff(store)}
        owner = Actor(staff["老板"].id, "老板", "owner")
        reset_pin(store, owner, "收银小美", "2468")
        assert run_checks(store).ok, [p.text("en") for p in run_checks(store).problems]


def test_settings_changed_in_the_app_pass(demo_file: Path, tmp_path: Path) -> None:
    from memberdesk.core.shop.details import configure_shop
    from memberdesk.core.shop.staff import Actor, list_staff
    from memberdesk.core.till.discounts import set_discount_limits
    from memberdesk.core.till.manual import DiscountLimits, RoleLimit
    from memberdesk.core.till.shift_settings import set_note_threshold

    path = tmp_path / "shop.sqlite"
    shutil.copyfile(demo_file, path)
    with Store(path) as store:
        info = next(s for s in list_staff(store) if s.role == "owner")
        owner = Actor(info.id, info.name, info.role)
        configure_shop(store, name="新店名", phone="021-12345678")
        set_discount_limits(store, owner, DiscountLimits(RoleLimit(15, 5000), RoleLimit(30, 20000)))
        set_note_threshold(store, owner, 2000)
        assert run_checks(store).ok, [p.text("en") for p in run_checks(store).problems]


# A member of the chain's directory (written by a pull from head office) is partly HQ's: a
# member issued here passed off as one, in the file, must not take its tier, birthday or
# total spend out of `check`'s sight.
PASSED_OFF = [
    ("marked as another store's, tier raised",
     "UPDATE members SET chain_store = 'S002', tier = 'gold' WHERE card_no = '{card}'",
     "member {name} ({card}) differs from what the sync journal last sealed for it"),
    ("marked as changed by head office, birthday moved",
     "UPDATE members SET chain_base = 1, version = version + 1, birthday = '2000-01-01',"
     " birthday_md = 101, birthday_md_year = NULL WHERE card_no = '{card}'",
     "member {name} ({card}) differs from what the sync journal last sealed for it"),
    ("marked as changed by head office, tier locked",
     "UPDATE members SET chain_base = 1, version = version + 1, tier_locked = 1"
     " WHERE card_no = '{card}'",
     "member {name} ({card}) differs from what the sync journal last sealed for it"),
    ("marked as another store's, spend raised",
     "UPDATE members SET chain_store = 'S002', lifetime_spend = lifetime_spend + 1000000"
     " WHERE card_no = '{card}'",
     "member {name} ({card}) has spent"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "sql", "finding"), PASSED_OFF, ids=[c[0] for c in PASSED_OFF])
def test_a_member_passed_off_as_head_offices_is_still_compared(
    demo_file: Path, tmp_path: Path, what: str, sql: str, finding: str
) -> None:
    card = _one(demo_file, "SELECT card_no FROM members WHERE tier = 'member' ORDER BY rowid")
    name = _one(demo_file, f"SELECT name FROM members WHERE card_no = '{card}'")
    found = _found_after(demo_file, tmp_path, sql.format(card=card))
    assert any(f.startswith(finding.format(card=card, name=name)) for f in found), found


def test_a_shop_setting_added_in_the_file_is_named(demo_file: Path, tmp_path: Path) -> None:
    """The time zone moves every business day (a birthday, the member day, the double-points
    weekday, the day's takings): one written into the file where the owner never set one is
    named, as one changed is."""
    found = _found_after(
        demo_file,
        tmp_path,
        "INSERT INTO settings VALUES ('shop.timezone', '\"America/Los_Angeles\"')",
    )
    assert found == [
        "the setting shop.timezone differs from what the sync journal last sealed for it"
    ], found


def test_a_sealed_setting_removed_in_the_file_is_named(demo_file: Path, tmp_path: Path) -> None:
    """The owner set a cashier's discount limit below the default; the setting removed from
    the file would give the cashier the default's larger limit without anyone's PIN."""
    from memberdesk.core.shop.staff import Actor, list_staff
    from memberdesk.core.till.discounts import set_discount_limits
    from memberdesk.core.till.manual import DiscountLimits, RoleLimit

    path = tmp_path / "owner.sqlite"
    shutil.copyfile(demo_file, path)
    with Store(path) as store:
        info = next(s for s in list_staff(store) if s.role == "owner")
        owner = Actor(info.id, info.name, info.role)
        set_discount_limits(store, owner, DiscountLimits(RoleLimit(0, 0), RoleLimit(10, 1000)))
        assert run_checks(store).ok
    found = _found_after(path, tmp_path, "DELETE FROM settings WHERE key = 'till.discount_limits'")
    assert found == [
        "the setting the discount limits of cashiers and managers differs from what the sync"
        " journal last sealed for it"
    ], found


def test_the_program_in_force_deleted_in_the_file_is_named(demo_file: Path, tmp_path: Path) -> None:
    """The owner halved the points a yuan earns in a new version of the program; that version
    deleted from the file would put the earlier, more generous one back in force."""
    import json

    from memberdesk.core.loyalty.program_store import program_in_force, save_program
    from memberdesk.core.shop.staff import Actor, list_staff

    path = tmp_path / "owner.sqlite"
    shutil.copyfile(demo_file, path)
    with Store(path) as store:
        info = next(s for s in list_staff(store) if s.role == "owner")
        owner = Actor(info.id, info.name, info.role)
        with store.read() as s:
            current = program_in_force(s)
        settings = json.loads(current.program.to_json())
        settings["earn"]["fen_per_point"] *= 2
        save_program(store, owner, settings)
        assert run_checks(store).ok
    latest = current.version + 1
    seq = _one(path, f"SELECT seq FROM outbox WHERE aggregate_id = 'program-{latest}'")
    found = _found_after(path, tmp_path, f"DELETE FROM program_versions WHERE version = {latest}")
    assert found == [
        f"loyalty program version {latest} is in the sync journal (record {seq}) but no longer"
        " in the shop's records: it was deleted"
    ], found


REOPEN = ("UPDATE shifts SET closed_at = NULL, expected_cash = NULL, counted_cash = NULL,"
          " handover = NULL, note = '', summary = NULL WHERE closed_at IS NOT NULL")  # fmt: skip


def _closed_shift(demo_file: Path) -> str:
    return _one(
        demo_file,
        "SELECT s.name || ' ' || substr(t.opened_at, 1, 16) FROM shifts t"
        " JOIN staff s ON s.id = t.cashier_id WHERE t.closed_at IS NOT NULL",
    )


def test_a_closed_shift_reopened_in_the_file_is_named(demo_file: Path, tmp_path: Path) -> None:
    """The demo's shift closed ¥20 short, with a note; reopened in the file, its count and
    the shortfall are gone from its report."""
    shift = _closed_shift(demo_file)
    found = _found_after(demo_file, tmp_path, REOPEN)
    assert found == [f"the shift of {shift} differs from what the sync journal last sealed for it"]


def test_a_shift_reopened_in_the_file_and_closed_again_is_named(
    demo_file: Path, tmp_path: Path
) -> None:
    """Reopened in the file and closed again at the till with the count it should have had,
    the shift's shortfall would vanish from its report: a shift closes once."""
    from memberdesk.core.shop.staff import Actor, list_staff
    from memberdesk.core.till.shifts import close_shift, shift_summary

    shift = _closed_shift(demo_file)
    shift_id = _one(demo_file, "SELECT id FROM shifts WHERE closed_at IS NOT NULL")
    path = tmp_path / "reopened.sqlite"
    shutil.copyfile(demo_file, path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(REOPEN)
    conn.close()
    with Store(path) as store:
        info = next(s for s in list_staff(store) if s.name == "收银小美")
        cashier = Actor(info.id, info.name, info.role)
        expected = shift_summary(store, shift_id).expected_cash
        close_shift(store, cashier, shift_id, expected, handover=0)
    found = _found_after(path, tmp_path, "SELECT 1")
    assert found == [
        f"the shift of {shift} was closed 2 times: a shift closes once, so it was reopened"
        " outside memberdesk"
    ], found


IDENTITY = "this till is store {held} in the file, but was last set at the till as store {sealed}"
WRITTEN_IN = [
    ("another store's code",
     "INSERT OR REPLACE INTO settings VALUES ('shop.store_code', '\"S009\"')",
     IDENTITY.format(held="S009, terminal 01, card prefix 88",
                     sealed="S001, terminal 01, card prefix 88")),
    ("another till's card prefix",
     "INSERT OR REPLACE INTO settings VALUES ('shop.card_prefix', '\"66\"')",
     IDENTITY.format(held="S001, terminal 01, card prefix 66",
                     sealed="S001, terminal 01, card prefix 88")),
    ("another till number",
     "INSERT OR REPLACE INTO settings VALUES ('shop.terminal_code', '\"02\"')",
     IDENTITY.format(held="S001, terminal 02, card prefix 88",
                     sealed="S001, terminal 01, card prefix 88")),
]  # fmt: skip


@pytest.mark.parametrize(("what", "sql", "finding"), WRITTEN_IN, ids=[c[0] for c in WRITTEN_IN])
def test_a_store_code_or_card_prefix_written_into_the_file_is_named(
    demo_file: Path, tmp_path: Path, what: str, sql: str, finding: str
) -> None:
    """Receipt numbers carry the store code and the till number, new cards the card prefix,
    and every record sent to head office the store code (HQ refuses another store's): one
    written into the file makes the till's numbers another till's, or its sales refused."""
    found = _found_after(demo_file, tmp_path, sql)
    assert [f.split(":")[0] for f in found] == [finding], found
    assert found[0].endswith("it was changed outside memberdesk, and its receipt and card "
                             "numbers could be another till's")  # fmt: skip


def test_the_till_set_as_another_store_at_the_till_passes_and_put_back_in_the_file_is_named(
    demo_file: Path, tmp_path: Path
) -> None:
    """Set at the till (by hand, then as head office hands it out at set-up), the codes pass;
    removed from the file, the defaults would stand in for them, and that is named."""
    from memberdesk.core.shop.identity import set_identity
    from memberdesk.core.shop.staff import Actor, list_staff

    path = tmp_path / "owner.sqlite"
    shutil.copyfile(demo_file, path)
    with Store(path) as store:
        info = next(s for s in list_staff(store) if s.role == "owner")
        owner = Actor(info.id, info.name, info.role)
        set_identity(store, owner, store_code="S002", card_prefix="8004")
        set_identity(store, owner, terminal_code="03", via="hq")
        assert run_checks(store).ok, [p.text("en") for p in run_checks(store).problems]
    found = _found_after(path, tmp_path, "DELETE FROM settings WHERE key LIKE 'shop.%_code'")
    assert [f.split(":")[0] for f in found] == [
        IDENTITY.format(
            held="S001, terminal 01, card prefix 8004", sealed="S002, terminal 03, card prefix 8004"
        )
    ]


def test_the_demo_shop_has_walk_in_customers_on_its_past_days_and_members_on_its_last(
    tmp_path,
):
    """The dashboard's 14 days showed 散客 on the last day only, and no member on it: the
    demo's history had no walk-in customer and its last shift none but walk-ins."""
    from collections import Counter

    from memberdesk.core.clock import shop_date
    from memberdesk.core.store.models import Sale

    with Store(tmp_path / "demo.sqlite") as store:
        build_demo(store, members=120)
        with store.read() as s:
            sales = s.execute(select(Sale.created_at, Sale.member_id)).all()
        days = Counter()
        for at, member in sales:
            day = shop_date(at.replace(tzinfo=UTC))
            days[(day, member is None)] += 1
        last = max(day for day, _ in days)
        walk_in_days = {day for day, walk_in in days if walk_in and day != last}
        assert len(walk_in_days) >= 10
        assert days[(last, False)] > 0 and days[(last, True)] > 0
        walk_ins = sum(n for (_, walk_in), n in days.items() if walk_in)
        assert 0.1 < walk_ins / len(sales) < 0.35
