"""A member who joined at another store a minute ago: the till's search box and the members
page find no one here, say so at once, and ask head office on a worker (a real HQ on a
free loopback port); the member comes in when HQ answers, and the cashier is not held up."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import update

from memberdesk.core.coupons.issue import issue_coupons
from memberdesk.core.loyalty.program import revise
from memberdesk.core.loyalty.program_store import current_program, save_program
from memberdesk.core.sync.config import configure_sync
from memberdesk.core.sync.pull import pull_directory
from memberdesk.core.sync.transport import HttpTransport
from memberdesk.hq.directory import set_chain
from memberdesk.hq.models import members as hq_members
from memberdesk.ui.members import ask_hq

from ..hq.conftest import batch, event, post
from ..sync.support import HQServer, provision
from ..sync.test_chain_pull import seed_members
from .conftest import log_in, type_into
from .test_till_sales import add_line

COUPONS = {"types": [{"code": "A10", "name": "十元券", "kind": "amount", "value": 1000}]}


@pytest.fixture
def hq_member(tmp_path, store, monkeypatch):
    """HQ (SQLite) holding a member of store S002, membership chain-wide; this till is S001's."""
    hq = HQServer(str(tmp_path / "hq" / "hq.sqlite")).start()
    try:
        set_chain(hq.engine, datetime(2026, 3, 10), scope="chain")
        terminal = provision(hq.engine, "S001")
        member = seed_members(hq.engine, 2, store_code="S002")
        configure_sync(store, hq.base_url, terminal.id)
        asked = []
        real = ask_hq.ask_hq_for

        def with_token(store, text):  # the token the keyring would hold
            asked.append(text)
            return real(store, text, terminal.token)

        monkeypatch.setattr(ask_hq, "ask_hq_for", with_token)
        yield member, asked
    finally:
        hq.stop()


def test_the_scan_box_asks_head_office_for_a_phone_or_card_it_does_not_know(
    qtbot, window, hq_member
) -> None:
    (member, other), asked = hq_member
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    till.scan.setFocus()
    qtbot.keyClicks(till.scan, member["phone"])
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    assert till.draft.member is None  # nothing waited for HQ: the box answered at once
    assert "没有" in till.bar.text() or member["phone"] in till.bar.text()
    qtbot.waitUntil(lambda: till.draft.member is not None, timeout=10_000)
    assert till.draft.member.id == member["id"] and till.draft.member.name == member["name"]
    assert asked == [member["phone"]]
    panel = till.member_panel  # whose member, and no "never bought" for one who buys at S002
    qtbot.waitUntil(lambda: panel.name.text() == member["name"])
    assert panel.store_badge.isVisible() and panel.store_badge.text() == "S002 门店会员"
    assert panel.values["last_visit"].text() == "本店尚未消费"

    qtbot.keyClick(till.scan, Qt.Key.Key_Escape)  # the member off the sale
    qtbot.waitUntil(lambda: till.draft.member is None)
    qtbot.keyClicks(till.scan, other["card_no"])  # a card scanned: no goods, no card here
    qtbot.keyClick(till.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: till.draft.member is not None, timeout=10_000)
    assert till.draft.member.id == other["id"]
    assert asked == [member["phone"], other["card_no"]]


def test_the_members_page_asks_head_office_for_a_card(qtbot, window, hq_member):
    (member, _other), asked = hq_member
    log_in(qtbot, window, "老板", "8888")
    window.workspace.show_view("members")
    page = window.workspace.members
    type_into(qtbot, page.search, "不存在的人", enter=True)
    type_into(qtbot, page.search, member["card_no"], enter=True)
    qtbot.waitUntil(lambda: page.results.rowCount() == 1, timeout=10_000)
    assert page.results.item(0, 0).text() == member["name"]
    assert asked[-1] == member["card_no"]
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)


def test_a_coupon_another_till_used_comes_off_the_sale_when_head_office_says_so(
    qtbot, window, store, owner, manager, tmp_path, monkeypatch
) -> None:
    save_program(store, owner, revise(current_program(store).program, {"coupons": COUPONS}))
    bearer = issue_coupons(store, manager, "A10", [None])[0]
    hq = HQServer(str(tmp_path / "hq" / "hq.sqlite")).start()
    try:
        terminal, other = provision(hq.engine, "S001"), provision(hq.engine, "S002")
        configure_sync(store, hq.base_url, terminal.id)
        used = event(1, "coupon.redeemed", {
            "id": bearer.id, "store_code": "S002", "sale_id": str(uuid.uuid4()), "off": 1000,
            "business_date": "2026-03-10", "code": bearer.code, "type_code": "A10",
            "kind": "amount", "value": 1000, "min_spend": 0, "valid_from": "2026-03-10",
            "valid_until": "2026-04-08"})  # fmt: skip
        with httpx.Client(base_url=hq.base_url, timeout=10) as client:
            answer = post(client, other.token, batch(other, [used], store="S002")).json()
        assert answer["accepted"] == 1, answer
        real = ask_hq.ask_hq_coupon
        monkeypatch.setattr(ask_hq, "ask_hq_coupon",
                            lambda store, code: real(store, code, terminal.token))  # fmt: skip
        log_in(qtbot, window, "收银员", "1111")
        till = window.workspace.till
        add_line(qtbot, till, "120", "衬衫")
        till.scan.setFocus()
        qtbot.keyClicks(till.scan, bearer.code)
        qtbot.keyClick(till.scan, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: till.draft.coupon is None and "已于" in till.bar.text(),
                        timeout=10_000)  # fmt: skip
        assert till.bar.text() == f"代金券 {bearer.id} 已于 2026-03-10 在门店 S002 使用过"
        assert till.lines.total.text() == "应收 ¥120.00"  # nothing taken off any more
    finally:
        hq.stop()


def test_a_card_lost_at_another_store_comes_off_the_sale_when_head_office_says_so(
    qtbot, window, store, tmp_path, monkeypatch
) -> None:
    """Chain-wide, this till holds a member of store S002 from an earlier pull; S002 has
    since reported the card lost. Scanned here before the next pull, the card is taken, HQ
    is asked about it meanwhile, and the member comes off the sale with the reason."""
    hq = HQServer(str(tmp_path / "hq" / "hq.sqlite")).start()
    try:
        set_chain(hq.engine, datetime(2026, 3, 10), scope="chain")
        terminal = provision(hq.engine, "S001")
        member, _other = seed_members(hq.engine, 2, store_code="S002")
        configure_sync(store, hq.base_url, terminal.id)
        with HttpTransport(hq.base_url, terminal.token, timeout=10) as transport:
            assert pull_directory(store, transport).ok  # the chain's members, pulled here
        with hq.engine.begin() as conn:  # S002 reports the card lost
            conn.execute(update(hq_members).where(hq_members.c.id == member["id"])
                         .values(status="lost", version=2))  # fmt: skip
        real = ask_hq.recheck_card_at_hq
        monkeypatch.setattr(ask_hq, "recheck_card_at_hq",
                            lambda store, card: real(store, card, terminal.token))  # fmt: skip
        log_in(qtbot, window, "收银员", "1111")
        till = window.workspace.till
        till.scan.setFocus()
        qtbot.keyClicks(till.scan, member["card_no"])
        qtbot.keyClick(till.scan, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: till.draft.member is not None)  # taken at once from its copy
        qtbot.waitUntil(lambda: till.draft.member is None, timeout=10_000)
        assert till.bar.text() == f"卡号 {member['card_no']} 已挂失，请使用补办的新卡"
    finally:
        hq.stop()


def test_another_stores_member_is_named_with_the_stores_name_after_a_pull(
    qtbot, window, store, tmp_path
) -> None:
    """The cashier reads 滨江店（S002）会员, the store's name HQ gave it, not only its code;
    a name with markup in it is shown as typed."""
    from memberdesk.hq.provision import add_store

    hq = HQServer(str(tmp_path / "hq" / "hq.sqlite")).start()
    try:
        set_chain(hq.engine, datetime(2026, 3, 10), scope="chain")
        terminal = provision(hq.engine, "S001")
        add_store(hq.engine, "S002", "滨江店")
        add_store(hq.engine, "S003", "<b>下沙店</b>")
        member, _other = seed_members(hq.engine, 2, store_code="S002")
        far, _ = seed_members(hq.engine, 2, store_code="S003", start=10)
        configure_sync(store, hq.base_url, terminal.id)
        with HttpTransport(hq.base_url, terminal.token, timeout=10) as transport:
            assert pull_directory(store, transport).ok
        log_in(qtbot, window, "收银员", "1111")
        till = window.workspace.till
        panel = till.member_panel
        for person, badge in ((member, "滨江店（S002）会员"), (far, "<b>下沙店</b>（S003）会员")):
            till.scan.setFocus()
            qtbot.keyClicks(till.scan, person["card_no"])
            qtbot.keyClick(till.scan, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda p=person: panel.name.text() == p["name"])
            assert panel.store_badge.isVisible() and panel.store_badge.text() == badge
            assert panel.store_badge.textFormat() == Qt.TextFormat.PlainText
            qtbot.keyClick(till.scan, Qt.Key.Key_Escape)
            qtbot.waitUntil(lambda: till.draft.member is None)
    finally:
        hq.stop()


def test_the_list_of_all_members_tells_this_stores_from_the_chains(
    qtbot, window, store, owner, tmp_path
) -> None:
    """Chain-wide, the list of all members holds the other stores' members too: a column
    names each one's store and a filter shows this store's or the others' alone; a shop
    with only its own members sees neither."""
    from memberdesk.core.members.browse import HERE, OTHERS, MemberFilter, browse_members
    from memberdesk.core.members.member import MemberForm, issue_card
    from memberdesk.hq.provision import add_store

    from .test_till_sales import choose_in

    mine = issue_card(store, owner, MemberForm(name="本店会员", phone="13900000001"))
    log_in(qtbot, window, "老板", "8888")
    window.workspace.show_view("members")
    view = window.workspace.members
    view.lists.setCurrentWidget(view.member_list)
    listing = view.member_list
    qtbot.waitUntil(lambda: listing.page is not None)
    assert not listing.store.isVisible() and listing.table.isColumnHidden(1)

    hq = HQServer(str(tmp_path / "hq" / "hq.sqlite")).start()
    try:
        set_chain(hq.engine, datetime(2026, 3, 10), scope="chain")
        terminal = provision(hq.engine, "S001")
        add_store(hq.engine, "S002", "滨江店")
        theirs = seed_members(hq.engine, 2, store_code="S002")
        configure_sync(store, hq.base_url, terminal.id)
        with HttpTransport(hq.base_url, terminal.token, timeout=10) as transport:
            assert pull_directory(store, transport).ok
    finally:
        hq.stop()
    assert [r.name for r in browse_members(store, MemberFilter(store=HERE)).rows] == ["本店会员"]
    others = browse_members(store, MemberFilter(store=OTHERS)).rows
    assert {r.member_id for r in others} == {m["id"] for m in theirs}
    assert {r.store for r in others} == {"S002"}

    listing.show_first()
    qtbot.waitUntil(lambda: listing.page is not None and listing.page.total == 3)
    assert listing.store.isVisible() and not listing.table.isColumnHidden(1)
    table = listing.table
    shown = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert shown == {"本店会员": "本店", **{m["name"]: "滨江店（S002）" for m in theirs}}
    for choice, names in ((HERE, {mine.name}), (OTHERS, {m["name"] for m in theirs})):
        choose_in(qtbot, listing.store, choice)
        listing.show_first()
        qtbot.waitUntil(lambda n=names: listing.page is not None and listing.page.total == len(n))
        assert {table.item(r, 0).text() for r in range(table.rowCount())} == names


def test_two_members_of_one_name_at_two_stores_are_told_apart_in_the_pick_list(
    qtbot, window, store, owner, tmp_path
) -> None:
    """A name the chain's stores share: the till's pick list names each member's store; a
    shop with only its own members gets the list as before."""
    from memberdesk.core.members.member import MemberForm, issue_card
    from memberdesk.hq.provision import add_store

    issue_card(store, owner, MemberForm(name="王芳", phone="13900000002"))
    issue_card(store, owner, MemberForm(name="王芳芳", phone="13900000003"))
    log_in(qtbot, window, "收银员", "1111")
    till = window.workspace.till
    type_into(qtbot, till.scan, "王芳", enter=True)
    qtbot.waitUntil(lambda: till.dialog is not None and till.dialog.isVisible())
    headers = [till.dialog.table.horizontalHeaderItem(c).text()
               for c in range(till.dialog.table.columnCount())]  # fmt: skip
    assert "门店" not in headers
    till.dialog.reject()

    hq = HQServer(str(tmp_path / "hq" / "hq.sqlite")).start()
    try:
        set_chain(hq.engine, datetime(2026, 3, 10), scope="chain")
        terminal = provision(hq.engine, "S001")
        add_store(hq.engine, "S002", "滨江店")
        seed_members(hq.engine, 1, store_code="S002")  # 王芳0
        configure_sync(store, hq.base_url, terminal.id)
        with HttpTransport(hq.base_url, terminal.token, timeout=10) as transport:
            assert pull_directory(store, transport).ok
    finally:
        hq.stop()
    type_into(qtbot, till.scan, "王芳", enter=True)
    qtbot.waitUntil(lambda: till.dialog is not None and till.dialog.isVisible())
    table = till.dialog.table
    assert table.horizontalHeaderItem(1).text() == "门店"
    stores = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert stores == {"王芳": "本店", "王芳芳": "本店", "王芳0": "滨江店（S002）"}
