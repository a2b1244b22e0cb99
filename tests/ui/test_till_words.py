"""What the till's member panel and its count-card dialog say, read as a new cashier
reads them on a 1366×768 screen."""

from __future__ import annotations

from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout

from .conftest import log_in
from .test_counter_day import scan


def test_a_member_who_never_bought_reads_not_yet_bought(qtbot, window, store, owner) -> None:
    new = issue_card(store, owner, MemberForm(name="王美", phone="13900000077"))
    old = issue_card(store, owner, MemberForm(name="李四", phone="13900000088"))
    checkout(store, owner, CheckoutRequest(lines=(SaleLineInput("袜子", 1200),),
                                           member_id=old.id, tenders={"cash": 1200}))  # fmt: skip
    log_in(qtbot, window, "收银员", "1111", opening_float="500")
    till = window.workspace.till
    scan(qtbot, till, new.card_no)
    last = till.member_panel.values["last_visit"]
    assert last.text() == "尚未消费"  # was 从不 (never)
    scan(qtbot, till, old.card_no)
    assert last.text() not in ("尚未消费", "从不") and "03-10" in last.text()
