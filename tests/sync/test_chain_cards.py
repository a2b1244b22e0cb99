"""A pre-printed card scanned at issue is checked against the whole chain when HQ answers."""

from __future__ import annotations

import shutil

import pytest

from memberdesk.core.errors import DomainError
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.identity import adopt_identity
from memberdesk.core.store.database import Store
from memberdesk.core.sync.cards import issue_card_checked
from memberdesk.core.sync.config import configure_sync
from memberdesk.core.sync.pusher import Pusher
from memberdesk.core.sync.transport import HttpTransport

from .fault_proxy import Fault
from .support import provision


def test_a_card_in_use_at_another_store_is_refused_and_offline_the_till_goes_on(
    store, shop, hq, terminal, proxy, link, cashier, other_till
) -> None:
    other_store, other_terminal = other_till
    issue_card(other_store, cashier, MemberForm(name="二店会员", phone="13700000001"),
               card_no="VIP000123")  # fmt: skip
    configure_sync(other_store, link.url, other_terminal.id)
    pusher = Pusher(
        other_store, HttpTransport(proxy.url, other_terminal.token), reconcile_daily=False
    )
    try:
        assert pusher.drain_once().ok
    finally:
        pusher.close()
    with pytest.raises(DomainError) as caught:
        issue_card_checked(store, cashier, MemberForm(name="一店会员", phone="13700000002"),
                           card_no="vip000123", token=terminal.token)  # fmt: skip
    assert caught.value.code == "card.in_use_in_chain"
    assert "S002" in caught.value.message("en")
    fresh = issue_card_checked(store, cashier, MemberForm(name="一店会员", phone="13700000002"),
                               card_no="VIP000999", token=terminal.token)  # fmt: skip
    assert fresh.card_no == "VIP000999"
    proxy.add(Fault("status", path="/v1/cards/VIP000555", status=503, times=5))
    offline = issue_card_checked(store, cashier, MemberForm(name="三号", phone="13700000003"),
                                 card_no="VIP000555", token=terminal.token)  # fmt: skip
    assert offline.card_no == "VIP000555"  # HQ could not say: the till is not held up


@pytest.fixture
def other_till(hq, tmp_path, shop_template):
    """A till of store S002 (the first sync would give it S002 too)."""
    path = tmp_path / "other" / "memberdesk.sqlite"
    path.parent.mkdir()
    shutil.copyfile(shop_template.path, path)
    other = Store(path)
    adopt_identity(other, store_code="S002")
    yield other, provision(hq.engine, "S002")
    other.close()
