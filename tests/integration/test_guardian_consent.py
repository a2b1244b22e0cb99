"""A member under 14 is issued or edited only with a parent's or guardian's consent
(个人信息保护法 art. 31): at the counter, in an imported sheet, and in the journal `check`
compares the file with. The shop's day is 2026-03-10 (tests/conftest.py START)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from memberdesk.core.check.checks import run_checks
from memberdesk.core.errors import ValidationFailed
from memberdesk.core.members.import_export import export_members, import_members
from memberdesk.core.members.member import (
    LunarDate,
    MemberForm,
    edit_member,
    get_member,
    issue_card,
    needs_guardian,
)
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store

from .test_importexport import messages, snapshot, write_sheet

TWELVE = date(2013, 6, 1)  # 12 on the shop's day
THIRTEEN = date(2012, 3, 11)  # 14 tomorrow
FOURTEEN = date(2012, 3, 10)  # 14 today


def refused_form(store: Store, actor: Actor, form: MemberForm) -> ValidationFailed:
    before = snapshot(store)
    with pytest.raises(ValidationFailed) as info:
        issue_card(store, actor, form)
    assert snapshot(store) == before
    return info.value


def row_of(store: Store, member_id: str) -> dict:
    with store.read() as s:
        row = s.execute(
            text("SELECT guardian_consent FROM members WHERE id = :i"), {"i": member_id}
        )
        sealed = s.execute(
            text("SELECT payload FROM outbox WHERE aggregate_id = :i ORDER BY seq DESC LIMIT 1"),
            {"i": member_id},
        ).scalar_one()
    return {"column": row.scalar_one(), "sealed": json.loads(sealed)["guardian_consent"]}


@pytest.mark.parametrize("born", [TWELVE, THIRTEEN, date(2026, 3, 10)])
def test_a_child_is_issued_only_with_a_guardians_consent(
    store: Store, cashier: Actor, born: date
) -> None:
    e = refused_form(store, cashier, MemberForm(name="小明", phone="13800138000", birthday=born))
    assert set(e.errors) == {"guardian_consent"}
    said = e.errors["guardian_consent"].message()
    assert "未满14周岁" in said and "监护人" in said and "第三十一条" in said
    assert "guardian" in e.errors["guardian_consent"].message("en")

    view = issue_card(
        store, cashier, MemberForm(name="小明", phone="13800138000", birthday=born,
                                   guardian_consent=True),
    )  # fmt: skip
    assert view.guardian_consent is True
    assert row_of(store, view.id) == {"column": 1, "sealed": True}
    assert run_checks(store).ok


def test_fourteen_today_and_adults_need_no_consent(store: Store, cashier: Actor) -> None:
    teen = issue_card(store, cashier, MemberForm(name="小红", birthday=FOURTEEN))
    adult = issue_card(store, cashier, MemberForm(name="老王", birthday=date(1980, 1, 1)))
    nobody = issue_card(store, cashier, MemberForm(name="无生日"))
    for view in (teen, adult, nobody):
        assert view.guardian_consent is False
        assert row_of(store, view.id) == {"column": 0, "sealed": False}


def test_a_lunar_birthday_of_a_child_counts_too(store: Store, cashier: Actor) -> None:
    # 农历 2015 正月初一 is 2015-02-19: eleven years old.
    form = MemberForm(name="小兰", lunar_birthday=LunarDate(2015, 1, 1))
    assert set(refused_form(store, cashier, form).errors) == {"guardian_consent"}
    assert needs_guardian(store, None, LunarDate(2015, 1, 1)) is True
    assert needs_guardian(store, None, LunarDate(1990, 1, 1)) is False


def test_what_the_form_asks_follows_the_birthday(store: Store) -> None:
    assert needs_guardian(store, TWELVE, None) is True
    assert needs_guardian(store, THIRTEEN, None) is True
    assert needs_guardian(store, FOURTEEN, None) is False
    assert needs_guardian(store, None, None) is False
    assert needs_guardian(store, date(2030, 1, 1), None) is False  # the future: its own problem


def test_an_edit_keeps_the_rule(store: Store, cashier: Actor) -> None:
    adult = issue_card(store, cashier, MemberForm(name="王五", birthday=date(1990, 5, 5)))
    # The birthday corrected to a child's: refused until the guardian's consent is given.
    before = snapshot(store)
    with pytest.raises(ValidationFailed) as info:
        edit_member(store, cashier, adult.id, MemberForm(name="王五", birthday=TWELVE))
    assert set(info.value.errors) == {"guardian_consent"}
    assert snapshot(store) == before
    edited = edit_member(
        store, cashier, adult.id, MemberForm(name="王五", birthday=TWELVE, guardian_consent=True)
    )
    assert edited.guardian_consent is True and edited.birthday == TWELVE
    assert row_of(store, adult.id) == {"column": 1, "sealed": True}
    # The consent ticked off again while still a child: refused, the member as they were.
    with pytest.raises(ValidationFailed):
        edit_member(store, cashier, adult.id, MemberForm(name="王五 ", birthday=TWELVE))
    assert get_member(store, adult.id).guardian_consent is True


def test_a_consent_changed_in_the_file_is_seen_by_check(store: Store, cashier: Actor) -> None:
    form = MemberForm(name="小明", birthday=TWELVE, guardian_consent=True)
    issue_card(store, cashier, form)
    issue_card(store, cashier, MemberForm(name="老王", birthday=date(1980, 1, 1)))
    assert run_checks(store).ok
    with store.write() as uow:  # someone with the file: the consent taken away, and invented
        uow.session.execute(text("UPDATE members SET guardian_consent = 1 - guardian_consent"))
    found = run_checks(store)
    assert not found.ok
    said = " ".join(p.text() for p in found.problems)
    assert "小明" in said and "老王" in said, said


# ------------------------------------------------------------------ a sheet


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_imported_child_needs_the_guardian_column(
    store: Store, owner: Actor, tmp_path: Path, suffix: str
) -> None:
    sheet = write_sheet(tmp_path / f"会员{suffix}", [
        ["姓名", "手机号", "出生日期", "监护人同意"],
        ["小明", "13800138001", "2013-06-01", ""],
        ["小红", "13800138002", "2013-06-01", "是"],
        ["小刚", "13800138003", "2013-06-01", "否"],
        ["老王", "13800138004", "1980-01-01", ""],
    ])  # fmt: skip
    before = snapshot(store)
    dry = import_members(store, owner, sheet, dry_run=True)
    assert dry.bad_rows == [2, 4]
    said = messages(dry)
    assert all("未满14周岁" in m and "监护人同意" in m for m in said[2] + said[4]), said
    assert {p.field for p in dry.problems} == {"监护人同意"}
    assert snapshot(store) == before

    real = import_members(store, owner, sheet, dry_run=False)
    assert real.written == 2 and real.bad_rows == [2, 4]
    with store.read() as s:
        rows = dict(s.execute(text("SELECT name, guardian_consent FROM members")).all())
    assert rows == {"小红": 1, "老王": 0}
    assert run_checks(store).ok


def test_the_export_says_who_has_a_guardians_consent_and_reads_back(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    issue_card(store, owner, MemberForm(name="小红", phone="13800138002", birthday=TWELVE,
                                        guardian_consent=True))  # fmt: skip
    issue_card(store, owner, MemberForm(name="老王", phone="13800138004"))
    path = tmp_path / "members.xlsx"
    assert export_members(store, owner, path) == 2
    ws = load_workbook(path).active
    header = [c.value for c in ws[1]]
    column = header.index("监护人同意")
    assert {r[header.index("姓名")]: r[column] for r in ws.iter_rows(min_row=2, values_only=True)} == {
        "小红": "是", "老王": "否"}  # fmt: skip
    assert import_members(store, owner, path, dry_run=True).problems == []
