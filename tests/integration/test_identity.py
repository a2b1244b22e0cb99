"""A till's identity in the chain: store code, till number and card prefix.

Set before the first sync (by hand or taken from HQ), refused afterwards unless
forced; generated cards begin with the prefix, receipts carry store and till; a
clock HQ found wrong stops money moving until it is set right.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from memberdesk.core.errors import DomainError
from memberdesk.core.members.card_numbers import luhn_ok
from memberdesk.core.shop.clock_check import record_hq_time, require_clock_right
from memberdesk.core.shop.details import configure_shop, get_shop, write_setting
from memberdesk.core.shop.identity import Identity, adopt_identity, current_identity, set_identity
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import AuditEntry
from memberdesk.core.sync.status import SyncProblem, rejection_text
from memberdesk.core.till.wallet import cash_out, reverse_topup, top_up

from .loyalty_helpers import new_member, sell


def _mark_synced(store: Store) -> None:
    """As the pusher records a sync HQ confirmed."""
    with store.write() as uow:
        uow.session.execute(text("UPDATE outbox SET state='acked'"))
        last = uow.session.execute(text("SELECT max(seq) FROM outbox")).scalar()
        write_setting(uow.session, "sync.hq_last_seq", last)
        write_setting(uow.session, "sync.last_success_at", "2026-03-10T02:00:00")


def test_codes_are_tidied_and_checked(store: Store, owner: Actor) -> None:
    who = set_identity(store, owner, store_code=" s002 ", terminal_code="2", card_prefix="8002")
    assert who == Identity("S002", "02", "8002")
    for bad in ({"store_code": "S 2"}, {"store_code": ""}, {"terminal_code": "00"},
                {"terminal_code": "100"}, {"terminal_code": "a1"}, {"card_prefix": "0800"},
                {"card_prefix": "8"}, {"card_prefix": "8000001"}):  # fmt: skip
        with pytest.raises(DomainError) as caught:
            set_identity(store, owner, **bad)
        assert caught.value.code.startswith("identity."), bad
    assert current_identity(store) == (Identity("S002", "02", "8002"), False)


def test_numbers_carry_the_identity(store: Store, owner: Actor) -> None:
    set_identity(store, owner, store_code="S002", terminal_code="03", card_prefix="8005")
    member = new_member(store, owner)
    assert member.card_no.startswith("8005") and len(member.card_no) == 12
    assert luhn_ok(member.card_no)
    sale = sell(store, owner, member.id, 1000)
    assert sale.receipt_no.startswith("S002-03-")
    topped = top_up(store, owner, member.id, 10000, "cash")
    assert topped.receipt_no.startswith("S002-03-")


def test_two_tills_with_different_prefixes_never_share_a_card_number(
    tmp_path, clock, owner: Actor
) -> None:
    numbers = []
    for prefix in ("8001", "8002"):
        other = Store(tmp_path / f"{prefix}.sqlite", clock=clock)
        configure_shop(other, name="店", store_code="S001", terminal_code=prefix[-2:],
                       card_prefix=prefix)  # fmt: skip
        numbers.append({new_member(other, owner, name=f"会员{i}").card_no for i in range(30)})
        other.close()
    assert len(numbers[0]) == len(numbers[1]) == 30
    assert numbers[0].isdisjoint(numbers[1])


def test_after_the_first_sync_a_change_is_refused_unless_forced(store: Store, owner: Actor) -> None:
    set_identity(store, owner, store_code="S002", terminal_code="01", card_prefix="8002")
    new_member(store, owner)
    _mark_synced(store)
    with pytest.raises(DomainError) as caught:
        set_identity(store, owner, terminal_code="02")
    assert caught.value.code == "identity.synced"
    assert "S002" in caught.value.message("en") and "--force" in caught.value.message("en")
    with pytest.raises(DomainError):  # the shop page's path is held to the same rule
        configure_shop(store, name="新名字", card_prefix="8009")
    assert get_shop(store).name != "新名字"  # one action: nothing of it written
    with pytest.raises(DomainError):  # nor may HQ's answer change it silently
        adopt_identity(store, store_code="S003")
    assert current_identity(store)[0] == Identity("S002", "01", "8002")
    # Saving the same values again is no change.
    set_identity(store, owner, store_code="S002", terminal_code="01")
    forced = set_identity(store, owner, terminal_code="02", force=True)
    assert forced.terminal_code == "02"
    with store.read() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "shop.identity")).all()
    assert audit[-1].detail["old"] == {"terminal_code": "01"}
    assert audit[-1].detail["new"] == {"terminal_code": "02"} and audit[-1].detail["forced"]


def test_before_the_first_sync_hqs_codes_are_taken(store: Store) -> None:
    assert adopt_identity(store, store_code="S007", terminal_code="04", card_prefix="8017")
    assert current_identity(store)[0] == Identity("S007", "04", "8017")
    assert not adopt_identity(store, store_code="S007")  # nothing left to change


def test_a_clock_hq_found_wrong_stops_sales_until_it_is_right(store: Store, owner: Actor) -> None:
    member = new_member(store, owner)
    topped = top_up(store, owner, member.id, 20000, "cash")
    now = datetime.now(UTC)
    with store.write() as uow:  # HQ's clock was three days behind ours: ours is ahead
        record_hq_time(uow.session, now - timedelta(days=3), now)
    for attempt in (
        lambda: sell(store, owner, None, 1000),
        lambda: top_up(store, owner, member.id, 10000, "cash"),
        lambda: cash_out(store, owner, member.id, 5000, reason="退卡"),  # cash out of the drawer
        lambda: reverse_topup(store, owner, topped.ref_id, reason="充错"),
    ):
        with pytest.raises(DomainError) as caught:
            attempt()
        assert caught.value.code == "clock.off"
        assert "4320" in caught.value.message("en")
    with store.read() as s:
        assert s.execute(text("SELECT count(*) FROM sales")).scalar() == 0
        assert s.execute(text("SELECT count(*) FROM wallet_ledger")).scalar() == 1  # the top-up
    with store.write() as uow:  # set right: the next handshake clears it
        record_hq_time(uow.session, datetime.now(UTC), datetime.now(UTC))
    sell(store, owner, None, 1000)


def test_a_clock_set_back_behind_what_hq_said_is_caught_offline(store: Store) -> None:
    now = datetime.now(UTC)
    with store.write() as uow:
        record_hq_time(uow.session, now, now)
        require_clock_right(uow.session, now + timedelta(minutes=1))
        with pytest.raises(DomainError) as caught:
            require_clock_right(uow.session, now - timedelta(days=40))
    assert caught.value.code == "clock.behind"


def test_hqs_refusals_read_in_the_readers_language() -> None:
    kept = rejection_text({"seq": 5, "code": "event_id_reused", "reason": "event id held",
                           "params": {"terminal_code": "01", "store_code": "S001"}})  # fmt: skip
    problem = SyncProblem(5, "e", "sale.completed", "x", datetime(2026, 3, 1), kept)
    assert "copied from another till" in problem.why("en")
    assert "复制" in problem.why("zh_CN") and "複製" in problem.why("zh_TW")
    invalid = rejection_text({"seq": 6, "code": "invalid", "reason": "tenders do not add up",
                              "params": {"field": "tenders", "problem": "sum"}})  # fmt: skip
    assert "does not add up" in SyncProblem(6, "e", "k", "x", datetime(2026, 3, 1), invalid).why(
        "en"
    )
    assert "合计不符" in SyncProblem(6, "e", "k", "x", datetime(2026, 3, 1), invalid).why("zh")
    # An HQ that sends only words: its words.
    plain = rejection_text({"seq": 7, "reason": "kind is required"})
    assert (
        SyncProblem(7, "e", "k", "x", datetime(2026, 3, 1), plain).why("zh") == "kind is required"
    )


def test_the_command_line_sets_the_codes_before_the_demo_and_shows_them(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from memberdesk.cli import main

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    db = str(tmp_path / "till.sqlite")
    assert main(["--db", db, "--lang", "en", "shop", "set", "--store", "S002", "--terminal", "2",
                 "--card-prefix", "8004"]) == 0  # fmt: skip
    assert "store S002, terminal 02, card prefix 8004" in capsys.readouterr().out
    assert main(["--db", db, "demo", "--members", "12"]) == 0
    assert main(["--db", db, "--lang", "en", "shop", "show"]) == 0
    out = capsys.readouterr().out
    assert "store S002, terminal 02, card prefix 8004" in out and "not yet" in out
    assert main(["--db", db, "--lang", "en", "shop", "set", "--terminal", "100"]) == 2
    assert "terminal code 100 is invalid" in capsys.readouterr().err
    with Store(db) as store, store.read() as s:
        cards = s.execute(text("SELECT card_no FROM cards")).scalars().all()
        receipts = s.execute(text("SELECT receipt_no FROM sales")).scalars().all()
    assert cards and all(c.startswith("8004") for c in cards)
    assert receipts and all(r.startswith("S002-02-") for r in receipts)
    with Store(db) as synced:
        _mark_synced(synced)
    assert main(["--db", db, "--lang", "zh_TW", "shop", "set", "--store", "S009"]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["--db", db, "--lang", "en", "shop", "set", "--store", "S009", "--force"]) == 0
