"""A synced till restored from an older backup gets back the whole profile of the members
it issued after the backup: birthday (lunar ones too), notes, salesperson, referrer and
marketing consent, so they are on the birthday call sheet and their notes are in the member
panel again. HQ sends those fields only to the tills of the member's own store: another
store's member still reaches this till without them.

Two stores with two tills each, membership chain-wide, on an HQ on SQLite and on PostgreSQL
(a real server on a free port).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from memberdesk.core.check.checks import run_checks
from memberdesk.core.followups.lists import Period, followup_list
from memberdesk.core.members.chain_directory import read_page
from memberdesk.core.members.member import (
    LunarDate,
    MemberForm,
    edit_member,
    issue_card,
    load_member,
    member_view,
)
from memberdesk.core.shop.backups import backup_now, restore
from memberdesk.core.store.database import Store
from memberdesk.hq.directory import set_chain
from memberdesk.hq.provision import add_store

from ..conftest import START
from .support import HQServer, hq_database
from .test_chain_members import Till, join_till

PROFILE = ("birthday", "birthday_lunar", "lunar_month", "lunar_day", "lunar_leap",
           "salesperson_id", "salesperson_name", "referrer_id", "marketing_consent", "notes",
           "joined_store", "guardian_consent")  # fmt: skip


@pytest.fixture
def tills(hq_kind: str, tmp_path: Path, shop_template) -> Iterator[dict[str, Till]]:
    """Stores S001 and S002 with two tills each, membership chain-wide."""
    with hq_database(hq_kind, tmp_path) as url:
        hq = HQServer(url).start()
        made: dict[str, Till] = {}
        try:
            set_chain(hq.engine, START.replace(tzinfo=None), scope="chain")
            for store_code in ("S001", "S002"):
                add_store(hq.engine, store_code, f"门店 {store_code}")
                for code in ("01", "02"):
                    till = join_till(
                        hq.engine, tmp_path, shop_template, store_code, code, hq.base_url
                    )
                    made[till.name] = till
            yield made
        finally:
            for till in made.values():
                till.store.close()
            hq.stop()


def _profile(store: Store, member_id: str) -> dict:
    with store.read() as s:
        view = member_view(s, load_member(s, member_id))
    return {f: getattr(view, f) for f in PROFILE}


def _birthday_sheet(store: Store, month: Period) -> set[str]:
    return {row.member_id for row in followup_list(store, "birthdays", month).rows}


def _check(till: Till) -> None:
    report = run_checks(till.store)
    assert report.ok, (till.name, list(report.problems))


APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))


def test_a_restored_till_gets_back_the_birthdays_and_notes_of_members_issued_after_the_backup(
    tills, cashier
) -> None:
    a1, b1 = tills["S001-01"], tills["S002-01"]
    friend = issue_card(a1.store, cashier, MemberForm(name="郭靖", phone="13900007777"))
    for till in (a1, b1):
        till.round()
    backup = backup_now(a1.store)

    # After the backup, store A issues two members with all their profile; store B one.
    solar = issue_card(a1.store, cashier, MemberForm(
        name="黄蓉", phone="13900008888", gender="F", birthday=date(1990, 4, 15),
        salesperson_id=cashier.staff_id, referrer=friend.card_no, marketing_consent=True,
        notes="穿M码，喜欢红色"))  # fmt: skip
    lunar = issue_card(
        a1.store,
        cashier,
        MemberForm(
            name="穆念慈",
            phone="13900009999",
            lunar_birthday=LunarDate(2016, 3, 8),
            notes="只在周末来",
            guardian_consent=True,
        ),
    )  # a child: her parent's consent given
    theirs = issue_card(b1.store, cashier, MemberForm(
        name="杨康", phone="13900006666", birthday=date(1989, 4, 20), marketing_consent=True,
        notes="B店的备注"))  # fmt: skip
    for till in (a1, b1, a1):
        till.round()
    with b1.transport() as t:  # on the wire: store B's tills get none of store A's profile
        sent = {m["id"]: m for m in t.directory("", 1000)["members"]}
    assert "profile" not in sent[solar.id] and "notes" not in str(sent[solar.id])
    assert sent[theirs.id]["profile"]["notes"] == "B店的备注"
    before = {m.id: _profile(a1.store, m.id) for m in (solar, lunar)}
    assert before[solar.id]["birthday"] == date(1990, 4, 15)
    assert before[lunar.id]["birthday_lunar"] and before[lunar.id]["lunar_month"] == 3
    assert before[lunar.id]["guardian_consent"] is True
    sheet = _birthday_sheet(a1.store, APRIL)
    assert {solar.id, lunar.id} <= sheet  # lunar 3-8 falls in April in 2026

    a1.store.close()
    assert restore(a1.store.path, backup, carry_unsent=True).carried > 0
    a1.store = Store(a1.store.path, clock=a1.clock)
    a1.round()

    # Both come back as they were issued here: on the birthday sheet, notes in the panel.
    for m in (solar, lunar):
        assert _profile(a1.store, m.id) == before[m.id], m.name
    assert _profile(a1.store, solar.id)["salesperson_name"] == "收银员"
    assert _profile(a1.store, solar.id)["referrer_id"] == friend.id
    assert {solar.id, lunar.id} <= _birthday_sheet(a1.store, APRIL)
    # Store B's member: at A only what lookup and the member panel need.
    other = _profile(a1.store, theirs.id)
    assert (other["birthday"], other["notes"], other["marketing_consent"]) == (None, "", False)
    assert theirs.id not in _birthday_sheet(a1.store, APRIL)
    assert _profile(b1.store, theirs.id)["notes"] == "B店的备注"  # kept where it was entered
    _check(a1)
    a1.round()  # pulled again: nothing changes, and the check still holds
    assert _profile(a1.store, solar.id) == before[solar.id]
    _check(a1)


def test_a_birthday_and_notes_edited_at_another_till_of_the_store_reach_this_one(
    tills, cashier
) -> None:
    a1, a2, b1 = tills["S001-01"], tills["S001-02"], tills["S002-01"]
    member = issue_card(a1.store, cashier, MemberForm(name="周敏", phone="13900002222",
                                                      notes="穿M码"))  # fmt: skip
    for till in (a1, a2, b1):
        till.round()
    a2.clock.advance(minutes=1)
    edit_member(a2.store, cashier, member.id, MemberForm(
        name="周敏", phone="13900002222", birthday=date(1991, 4, 3), notes="穿L码",
        marketing_consent=True))  # fmt: skip
    for till in (a2, a1, b1):
        till.round()
    mine = _profile(a1.store, member.id)
    assert (mine["birthday"], mine["notes"], mine["marketing_consent"]) == (
        date(1991, 4, 3), "穿L码", True)  # fmt: skip
    assert member.id in _birthday_sheet(a1.store, APRIL)
    theirs = _profile(b1.store, member.id)
    assert (theirs["birthday"], theirs["notes"]) == (None, "")
    for till in (a1, a2, b1):
        _check(till)


def test_a_profile_value_the_till_cannot_take_is_left_out_and_the_page_still_written() -> None:
    """HQ keeps a member's profile as the till sent it: a value no till could have written (a
    birthday that is no date, a NUL in the notes) leaves that field out, never the page."""
    entry = {"id": "m1", "store_code": "S001", "card_no": "800100000010", "name": "周敏",
             "phone": None, "tier": "", "status": "active", "gender": "F",
             "joined_at": "2026-03-10T02:00:00", "version": 1}  # fmt: skip
    bad = {"birthday": "1990-13-45", "notes": "M\u0000L", "salesperson_id": "x" * 99,
           "marketing_consent": True, "lunar_month": 3}  # fmt: skip
    lunar = {"birthday": "1992-04-09", "birthday_lunar": True, "lunar_month": 13, "lunar_day": 8}
    older, mixed, moon = read_page([entry, {**entry, "profile": bad},
                                    {**entry, "profile": lunar}])  # fmt: skip
    assert older.profile is None  # an older HQ's entry: written as before
    assert mixed.profile == {"marketing_consent": 1}
    assert moon.profile == {}  # a lunar month 13: the birthday is not taken
