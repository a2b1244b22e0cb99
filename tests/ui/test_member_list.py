"""The members tab's list: browse every member a page at a time, filter by tier, status,
joining dates and salesperson; a card just issued is the member chosen, and its card
is offered for printing. Clicked and typed like a person; the rows are checked against
the database."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QLineEdit, QPushButton
from sqlalchemy import select

from memberdesk.core.clock import shop_date
from memberdesk.core.loyalty.program_store import current_program
from memberdesk.core.members.member import MemberForm, freeze, issue_card
from memberdesk.core.members.tiers import set_tier
from memberdesk.core.store.models import Member
from memberdesk.ui.widgets import file_dialogs

from .conftest import child, click, click_row, log_in, type_into


def _choose(qtbot, combo: QComboBox, text: str) -> None:
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    while combo.currentText() != text:
        before = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert combo.currentIndex() != before, f"no {text!r} in {combo.objectName()}"


def _shop(store, owner, manager, clock) -> dict[str, list[str]]:
    """120 members over 120 days; every 3rd 金卡, every 10th frozen, every 4th 店长's."""
    gold = next(t.code for t in current_program(store).program.tiers.levels if t.name == "金卡")
    made: dict[str, list[str]] = {"all": [], "gold_frozen_manager_march": []}
    for i in range(120):
        clock.advance(days=1)
        m = issue_card(store, owner, MemberForm(
            name=f"会员{i:03d}", phone=f"139{i:08d}",
            salesperson_id=manager.staff_id if i % 4 == 0 else None,
        ))  # fmt: skip
        if i % 3 == 0:
            set_tier(store, owner, m.id, gold, locked=True, reason="测试")
        if i % 10 == 0:
            freeze(store, owner, m.id, "测试")
        made["all"].append(m.id)
    return made


def _names(table) -> list[str]:
    return table.column_texts(0)


def test_browse_page_by_page_and_filter(qtbot, window, store, owner, manager, clock):
    _shop(store, owner, manager, clock)
    log_in(qtbot, window, "收银员", "1111")
    window.workspace.show_view("members")
    view = window.workspace.members
    qtbot.waitUntil(view.isVisible)
    tabs = view.lists
    tabs.tabBar().setFocus()
    qtbot.mouseClick(tabs.tabBar(), Qt.MouseButton.LeftButton,
                     pos=tabs.tabBar().tabRect(1).center())  # fmt: skip
    listing = view.member_list
    where = child(listing, QLabel, "list_where")
    qtbot.waitUntil(lambda: where.text() == "第 1–50 名，共 120 名")  # the frozen ones too
    table = listing.table
    assert _names(table)[:2] == ["会员119", "会员118"]  # newest first
    assert table.item(0, 3).text() == "139****0119"  # a cashier sees masked phones
    assert table.isColumnHidden(1)  # the store's column: only the chain's tills show it
    click(qtbot, listing.next)
    qtbot.waitUntil(lambda: where.text() == "第 51–100 名，共 120 名")
    click(qtbot, listing.next)
    qtbot.waitUntil(lambda: where.text() == "第 101–120 名，共 120 名")
    assert not listing.next.isEnabled() and _names(table)[-1] == "会员000"
    click(qtbot, listing.previous)
    qtbot.waitUntil(lambda: where.text() == "第 51–100 名，共 120 名")
    assert _names(table)[0] == "会员069"

    # a date that is not one: said beside the filters, the list stays
    type_into(qtbot, child(listing, QLineEdit, "list_joined_from"), "2026-13-01", enter=True)
    error = child(listing, QLabel, "list_error")
    assert error.text() == "“2026-13-01”不是日期：请写成 2026-03-01 这样"
    assert where.text() == "第 51–100 名，共 120 名"

    # 金卡, frozen, 店长's, joined in the first 60 days
    first_day = shop_date(clock.now()) - timedelta(days=119)
    _choose(qtbot, child(listing, QComboBox, "list_tier"), "金卡")
    _choose(qtbot, child(listing, QComboBox, "list_status"), "冻结")
    _choose(qtbot, child(listing, QComboBox, "list_salesperson"), "店长")
    type_into(qtbot, child(listing, QLineEdit, "list_joined_from"), first_day.isoformat())
    assert not error.isVisible()
    end = first_day + timedelta(days=59)
    type_into(qtbot, child(listing, QLineEdit, "list_joined_to"), end.isoformat(), enter=True)
    # i % 3 == 0, i % 10 == 0, i % 4 == 0 → i % 60 == 0; days 1…60 hold i = 0 … 59
    qtbot.waitUntil(lambda: where.text() == "第 1–1 名，共 1 名")
    assert _names(table) == ["会员000"]
    assert [table.item(0, c).text() for c in (4, 5, 7)] == ["金卡", "冻结", "店长"]
    with store.read() as s:
        wanted = s.scalars(select(Member.name).where(
            Member.tier == next(t.code for t in current_program(store).program.tiers.levels
                                if t.name == "金卡"),
            Member.status == "frozen", Member.salesperson_id == manager.staff_id)).all()  # fmt: skip
    assert sorted(wanted) == ["会员000", "会员060"]  # 会员060 joined after the 60 days

    type_into(qtbot, child(listing, QLineEdit, "list_joined_to"), "", enter=True)
    qtbot.waitUntil(lambda: where.text() == "第 1–2 名，共 2 名")
    assert _names(table) == ["会员060", "会员000"]

    # choosing a row shows the member
    click_row(qtbot, table, 0)
    qtbot.waitUntil(lambda: view.panel.name.text() == "会员060")


def test_a_new_card_is_the_member_chosen_and_its_card_is_offered(
    qtbot, window, store, owner, tmp_path: Path, monkeypatch
):
    issue_card(store, owner, MemberForm(name="老会员", phone="13700000001"))
    log_in(qtbot, window, "老板", "8888")
    window.workspace.show_view("members")
    view = window.workspace.members
    qtbot.waitUntil(view.isVisible)
    click(qtbot, child(view, QPushButton, "issue_card"))
    form = view.dialog
    qtbot.waitUntil(form.isVisible)
    type_into(qtbot, child(form, QLineEdit, "member_name_field"), "新会员")
    type_into(qtbot, child(form, QLineEdit, "member_phone_field"), "13700000002")
    click(qtbot, child(form, QPushButton, "save_member"))
    offer = view.dialog
    qtbot.waitUntil(lambda: offer is not form and offer.isVisible())
    with store.read() as s:
        new = s.scalars(select(Member).where(Member.name == "新会员")).one()
    assert view.results.selected_key() == new.id
    assert view.panel.name.text() == "新会员"
    assert new.card_no in child(offer, QLabel, "card_offer_text").text()

    target = tmp_path / "cards" / "card.pdf"
    target.parent.mkdir()
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(file_dialogs, "_last", [])
    opened: list[str] = []
    offered: list[str] = []

    def save_as(parent, title, where, filters):
        offered.append(where)
        return str(target), "PDF (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    # As the frozen app runs: its loader's LD_LIBRARY_PATH is not the viewer's.
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setenv("LD_LIBRARY_PATH", str(tmp_path / "app" / "_internal"))
    monkeypatch.delenv("LD_LIBRARY_PATH_ORIG", raising=False)
    viewer_paths: list[str | None] = []

    def open_url(url) -> bool:
        opened.append(url.toLocalFile())
        viewer_paths.append(os.environ.get("LD_LIBRARY_PATH"))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    click(qtbot, child(offer, QPushButton, "card_print"))
    qtbot.waitUntil(lambda: opened == [str(target)], timeout=20_000)
    assert viewer_paths == [None]
    assert os.environ["LD_LIBRARY_PATH"] == str(tmp_path / "app" / "_internal")
    # Offered in the Documents folder (not the folder the program started from), with
    # the card's number in the file's name; the next file starts where this one went.
    assert offered == [str(home / "Documents" / f"会员卡 {new.card_no}.pdf")]
    assert file_dialogs.start_folder() == target.parent
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert new.card_no in text and "新会员" in text
    assert len(PdfReader(target).pages) == 1
    assert "会员卡文件已写好" in view.bar.text()


def test_a_frozen_app_gives_the_viewer_the_machines_library_path(monkeypatch, tmp_path: Path):
    """The frozen app's loader puts its own folder before what LD_LIBRARY_PATH held (kept
    in LD_LIBRARY_PATH_ORIG): the viewer gets what it held, the program keeps its own."""
    ours = f"{tmp_path / '_internal'}:/opt/lib"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setenv("LD_LIBRARY_PATH", ours)
    monkeypatch.setenv("LD_LIBRARY_PATH_ORIG", "/opt/lib")
    seen: list[tuple[str, str | None]] = []

    def open_url(url) -> bool:
        seen.append((url.toLocalFile(), os.environ.get("LD_LIBRARY_PATH")))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    assert file_dialogs.open_in_viewer(tmp_path / "card.pdf")
    assert seen == [(str(tmp_path / "card.pdf"), "/opt/lib")]
    assert os.environ["LD_LIBRARY_PATH"] == ours

    monkeypatch.setattr(sys, "frozen", False)  # from source: nothing to change
    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/lib")
    file_dialogs.open_in_viewer(tmp_path / "card.pdf")
    assert seen[-1] == (str(tmp_path / "card.pdf"), "/opt/lib")


def test_the_names_in_the_list_of_all_members_read_whole_on_a_tills_screen(qtbot, window, store):
    """An owner sees whole phones, tiers, salespeople and balances beside the names: the
    stretched name column gave way to them and read "…" at 1366 wide."""
    log_in(qtbot, window, "老板", "8888")
    window.resize(1366, 768)
    window.workspace.show_view("members")
    view = window.workspace.members
    view.lists.setCurrentWidget(view.member_list)
    table = view.member_list.table
    qtbot.waitUntil(table.isVisible)
    row = ["欧阳娜娜", "本店", "8800001508", "13734660452", "积分会员", "正常", "2026-12-01",
           "导购阿强", "10264", "¥12,000.00"]  # fmt: skip
    table.fill([row] * 50)
    window.grab()  # laid out and drawn, as on the screen
    assert table.columnWidth(0) >= table.fontMetrics().horizontalAdvance("欧阳娜娜")
