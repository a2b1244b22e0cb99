"""What a name may hold, and what a file others open may start with, on real files.

Names (members and staff) are one line of visible text: a NUL, a pasted line break or
a bidi override (U+202E makes 张三‮9871 read 张三1789) is refused wherever a member
or a staff member is saved; notes may break lines, nothing else of the kind. Every
CSV and XLSX the shop exports — the member list and the call lists — writes text that
looks like a formula (=, +, -, @, tab, CR) with a leading apostrophe, names of staff
and tiers included, so a spreadsheet shows it and never runs it.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from memberdesk.core.errors import DomainError
from memberdesk.core.followups.calllog import export_list
from memberdesk.core.followups.lists import Period, followup_list
from memberdesk.core.loyalty.program import revise
from memberdesk.core.members.import_export import export_members
from memberdesk.core.members.member import MemberForm, edit_member, issue_card
from memberdesk.core.shop.staff import Actor, add_staff
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member, Staff

from .loyalty_helpers import use_program


@pytest.mark.parametrize(
    ("name", "zh", "en"),
    [
        ("张三\n李四", "姓名必须是一行", "the name must be a single line"),
        ("张\x00三", "姓名含有看不见的控制字符（U+0000），请去掉后重新输入",
         "the name holds an invisible control character (U+0000); type it again without it"),
        ("张三\u202e9871", "姓名含有隐藏的文字方向符（U+202E），会让它显示得与实际不同，请去掉后重新输入",
         "the name holds a hidden text-direction mark (U+202E) that would make it read "
         "differently; type it again without it"),
        ("王\u2066五", "姓名含有隐藏的文字方向符（U+2066），会让它显示得与实际不同，请去掉后重新输入",
         "the name holds a hidden text-direction mark (U+2066) that would make it read "
         "differently; type it again without it"),
    ],
)  # fmt: skip
def test_a_name_with_control_characters_is_refused_when_issued_or_edited(
    store: Store, owner: Actor, name: str, zh: str, en: str
) -> None:
    with pytest.raises(DomainError) as issued:
        issue_card(store, owner, MemberForm(name=name, phone="13800138000"))
    assert (issued.value.message("zh_CN"), issued.value.message("en")) == (zh, en)
    assert count(store, Member) == 0

    m = issue_card(store, owner, MemberForm(name="张三", phone="13800138000"))
    with pytest.raises(DomainError) as edited:
        edit_member(store, owner, m.id, MemberForm(name=name, phone="13800138000"))
    assert edited.value.message("zh_CN") == zh
    with store.read() as s:
        assert s.get(Member, m.id).name == "张三"


def test_notes_keep_line_breaks_but_not_other_control_characters(
    store: Store, owner: Actor
) -> None:
    m = issue_card(store, owner, MemberForm(name="张三", notes="喜欢宽松款\r\n尺码 L"))
    assert m.notes == "喜欢宽松款\r\n尺码 L"
    for notes, char in (
        ("尺码\x1b[31mL", "U+001B"),
        ("尺码\u202dL", "U+202D"),
        ("\tL码", "U+0009"),
    ):
        with pytest.raises(DomainError) as refused:
            edit_member(store, owner, m.id, MemberForm(name="张三", notes=notes))
        assert refused.value.errors["notes"].message("en").startswith("the notes holds")
        assert refused.value.message("zh_CN").startswith("备注含有") and char in str(refused.value)
    assert issue_card(store, owner, MemberForm(name="李四", notes="备注")).notes == "备注"


def test_a_staff_name_with_a_bidi_override_is_refused(store: Store, owner: Actor) -> None:
    with pytest.raises(DomainError) as refused:
        add_staff(store, owner, "小\u202e林", "cashier", "1234")
    assert refused.value.message("en") == (
        "the staff member's name holds a hidden text-direction mark (U+202E) that would make "
        "it read differently; type it again without it"
    )
    with pytest.raises(DomainError):
        add_staff(store, owner, "小林\n店长", "cashier", "1234")
    assert count(store, Staff) == 1  # the owner alone


def count(store: Store, model: type) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model))


# ------------------------------------------------------------------ exports


@pytest.fixture
def formula_shop(store: Store, owner: Actor) -> Actor:
    """A member, a salesperson and a tier whose names look like formulas."""
    base = use_program(store, owner, "generic")
    levels = [t.model_dump() for t in base.tiers.levels]
    levels[0]["name"] = "+VIP"
    use_program(store, owner, revise(base, {"tiers": {"levels": levels}}))
    staff = add_staff(store, owner, "@小林", "manager", "6666")
    seller = Actor(staff.id, staff.name, staff.role)
    issue_card(store, owner, MemberForm(name="=1+1", phone="13800138000", salesperson_id=staff.id,
                                        notes="-减价\n=HYPERLINK(\"http://x\")", marketing_consent=True))  # fmt: skip
    return seller


FORMULAS = {"'=1+1", "'+VIP", "'@小林", '\'-减价\n=HYPERLINK("http://x")'}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_member_export_never_writes_a_live_formula(
    store: Store, owner: Actor, formula_shop: Actor, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"members{suffix}"
    export_members(store, owner, path, full_phone=True)
    cells = sheet_cells(path)
    if suffix == ".csv":  # a CSV cell has no type: the apostrophe keeps it from running
        assert cells >= FORMULAS
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
        return
    # In the .xlsx they are text cells (type "s", format "@"): shown as typed, never run
    # (sheet_cells refuses a formula cell).
    typed = {f[1:] for f in FORMULAS}
    assert cells >= typed
    ws = load_workbook(path).worksheets[0]
    held = [c for row in ws.iter_rows() for c in row if c.value in typed]
    assert held and all(c.data_type == "s" and c.number_format == "@" for c in held)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_call_lists_never_write_a_live_formula(
    store: Store, owner: Actor, formula_shop: Actor, tmp_path: Path, suffix: str
) -> None:
    today = store.now().date()
    fl = followup_list(store, "new", Period(today, today + timedelta(days=20)))
    assert {r.name for r in fl.rows} == {"=1+1"}
    path = tmp_path / f"calls{suffix}"
    export_list(store, owner, fl, path)
    cells = sheet_cells(path)
    if suffix == ".csv":
        assert {"'=1+1", "'+VIP", "'@小林"} <= cells
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
        return
    typed = {"=1+1", "+VIP", "@小林"}  # text cells in the .xlsx: shown as typed, never run
    assert typed <= cells
    ws = load_workbook(path).worksheets[0]
    held = [c for row in ws.iter_rows() for c in row if c.value in typed]
    assert held and all(c.data_type == "s" and c.number_format == "@" for c in held)


def sheet_cells(path: Path) -> set[str]:
    """Every text cell as the spreadsheet holds it (XLSX: and none of them a formula)."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            return {c for row in csv.reader(f) for c in row if c}
    ws = load_workbook(path).worksheets[0]
    out = set()
    for row in ws.iter_rows():
        for c in row:
            assert c.data_type != "f", c.value
            if isinstance(c.value, str):
                out.add(c.value)
    return out
