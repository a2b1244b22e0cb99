"""Other stores' members on a till: served at the counter and in the member list while
membership is chain-wide, never listed once hidden, and never in this store's follow-up
lists, dashboard counts or new-member report (they are followed up where they joined)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from memberdesk.core.check.checks import run_checks
from memberdesk.core.errors import DomainError
from memberdesk.core.followups.lists import Period, followup_list
from memberdesk.core.followups.member_reports import new_members_by_salesperson
from memberdesk.core.members.browse import browse_members
from memberdesk.core.members.lookup import find_members
from memberdesk.core.members.member import MemberForm, cancel, get_member, issue_card
from memberdesk.core.shop.identity import adopt_identity
from memberdesk.core.sync.pull import pull_directory
from memberdesk.core.sync.transport import HttpTransport
from memberdesk.core.till.dashboard import dashboard
from memberdesk.hq.directory import set_chain
from memberdesk.hq.models import overdrafts, points_entries, wallet_entries

from .support import provision
from .test_chain_pull import NOW, seed_members

WEEK = Period(NOW.date(), NOW.date() + timedelta(days=20))  # calls 3, 7 and 15 days after joining


@pytest.fixture
def s002(store, hq):
    """This till as store S002's, in a chain-wide membership."""
    set_chain(hq.engine, NOW, scope="chain")
    adopt_identity(store, store_code="S002")
    return provision(hq.engine, "S002")


def _pull(store, hq, till) -> None:
    with HttpTransport(hq.base_url, till.token) as t:
        assert pull_directory(store, t, page=25).ok


def _listed(store) -> set[str]:
    return {row.member_id for row in followup_list(store, "new", WEEK, lang="en").rows}


def test_other_stores_members_are_served_here_but_followed_up_where_they_joined(
    store,
    hq,
    s002,
    cashier,  # noqa: F811
) -> None:
    theirs = {p["id"] for p in seed_members(hq.engine, 12)}  # store S001's
    ours_at_hq = seed_members(hq.engine, 1, store_code="S002", start=100)[0]["id"]
    mine = issue_card(store, cashier, MemberForm(name="本店会员", phone="13912345678")).id
    _pull(store, hq, s002)

    assert browse_members(store).total == 14  # served here: all of them
    assert _listed(store) == {mine, ours_at_hq}  # called by this store: its own
    board = dashboard(store)
    assert (board.members, board.new_this_month) == (2, 2)
    year = new_members_by_salesperson(store, NOW.year)
    assert sum(r.total for r in year) == 2

    set_chain(hq.engine, NOW, scope="store")
    _pull(store, hq, s002)
    page = browse_members(store)
    assert page.total == 2 and {r.member_id for r in page.rows} == {mine, ours_at_hq}
    assert not theirs & {r.member_id for r in page.rows}
    assert _listed(store) == {mine, ours_at_hq}
    assert dashboard(store).members == 2
    assert run_checks(store).ok


def test_a_member_overdrawn_across_stores_is_not_cancelled_until_settled(
    store, hq, s002, manager
) -> None:
    """Two stores spent one balance offline: the member owes it. Cancelling would forgive
    the debt without a word, so it is refused, saying what is owed."""

    owing, short = seed_members(hq.engine, 2)
    with hq.engine.begin() as conn:
        conn.execute(wallet_entries.insert(), [
            {"id": str(uuid.uuid4()), "member_id": owing["id"], "store_code": "S001",
             "terminal_id": "t-a", "epoch": 1, "seq": 90, "business_date": NOW.date(),
             "principal_delta": -1250, "bonus_delta": 0, "kind": "pay",
             "principal_after": -1250, "bonus_after": 0}])  # fmt: skip
        conn.execute(points_entries.insert(), [
            {"id": str(uuid.uuid4()), "member_id": short["id"], "store_code": "S001",
             "terminal_id": "t-a", "epoch": 1, "seq": 91, "business_date": NOW.date(),
             "delta": -40, "kind": "redeem", "balance_after": -30}])  # fmt: skip
        conn.execute(overdrafts.insert(), [  # as HQ records them when the entries meet
            {"member_id": owing["id"], "store_code": "S001", "terminal_id": "t-a",
             "kind": "principal", "balance": -1250, "found_at": NOW},
            {"member_id": short["id"], "store_code": "S001", "terminal_id": "t-a",
             "kind": "points", "balance": -30, "found_at": NOW}])  # fmt: skip
    _pull(store, hq, s002)
    assert get_member(store, owing["id"]).wallet_principal == -1250
    assert get_member(store, short["id"]).points == -30
    for member, code, said in ((owing, "member.owes_wallet", "¥12.50"),
                               (short, "member.owes_points", "30 points")):  # fmt: skip
        with pytest.raises(DomainError) as refused:
            cancel(store, manager, member["id"], "moved away")
        assert refused.value.code == code and said in refused.value.message("en")
        assert get_member(store, member["id"]).status == "active"
        assert [h.member_id for h in find_members(store, member["card_no"]).hits] == [member["id"]]
    assert run_checks(store).ok
