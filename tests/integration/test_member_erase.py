"""Erasing a cancelled member's personal information (清除个人信息): what goes, what stays,
who may do it, and that the file still checks as sound afterwards."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from memberdesk.core.check.checks import run_checks
from memberdesk.core.errors import DomainError
from memberdesk.core.followups.calllog import log_call
from memberdesk.core.followups.lists import followup_list
from memberdesk.core.i18n import translate
from memberdesk.core.members.erase import ERASED_NAME, erase_member, erased_names
from memberdesk.core.members.import_export import export_members
from memberdesk.core.members.lookup import find_members
from memberdesk.core.members.member import (
    LunarDate,
    MemberForm,
    cancel,
    get_member,
    issue_card,
    member_for_till,
)
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.migrations.versions import __path__ as versions_path

PHONE = "13812345678"


def issue_zhang(store: Store, actor: Actor, **extra) -> str:
    form = MemberForm(name="张三丰", phone=PHONE, gender="M", birthday=date(1990, 5, 17),
                      marketing_consent=True, notes="穿L码，喜欢蓝色", **extra)  # fmt: skip
    return issue_card(store, actor, form).id


def found(store: Store, query: str) -> list[str]:
    result = find_members(store, query, include_cancelled=True)
    return [h.name for h in result.hits] + ([result.exact.name] if result.exact else [])


def test_erasing_a_cancelled_member_clears_the_profile_and_keeps_the_record(
    store: Store, manager: Actor, tmp_path: Path
) -> None:
    member_id = issue_zhang(store, manager)
    card = get_member(store, member_id).card_no
    log_call(store, manager, member_id, "birthdays", "connected", note="说下周来，想要L码")
    assert found(store, "张三丰") and found(store, PHONE) and found(store, "5678")
    assert found(store, "zsf")
    cancel(store, manager, member_id, "本人要求注销")

    view = erase_member(store, manager, member_id)

    assert view.name == "已清除的会员"
    assert (view.phone, view.gender, view.birthday, view.notes) == (None, "U", None, "")
    assert (view.lunar_month, view.lunar_day, view.birthday_lunar) == (None, None, False)
    assert not view.marketing_consent and view.referrer_id is None
    assert (view.id, view.card_no, view.status) == (member_id, card, "cancelled")
    for query in ("张三丰", "张三", PHONE, "5678", "zsf", "zhangsanfeng"):
        assert found(store, query) == [], query
    with store.read() as s:
        keys = s.execute(text("SELECT COUNT(*) FROM member_search WHERE member_id = :m"),
                         {"m": member_id}).scalar()  # fmt: skip
        notes = s.execute(text("SELECT note FROM call_log WHERE member_id = :m"),
                          {"m": member_id}).scalars().all()  # fmt: skip
        row = s.execute(text("SELECT phone, phone_last4, birthday_md FROM members WHERE id = :m"),
                        {"m": member_id}).one()  # fmt: skip
        event = s.execute(text("SELECT payload FROM outbox WHERE kind = 'member.erased'")).one()
        audit = s.execute(text("SELECT staff_name, target, detail FROM audit_log"
                               " WHERE action = 'member.erased'")).one()  # fmt: skip
    assert keys == 0 and notes == [""] and tuple(row) == (None, None, None)
    # The journal row and the audit entry say what was done and by whom, not what was erased.
    for kept in (event.payload, audit.detail):
        assert "张三丰" not in kept and PHONE not in kept and "L码" not in kept
    payload = json.loads(event.payload)
    assert payload["name"] == "已清除的会员" and payload["phone"] is None
    assert payload["change"] == {"by": manager.name}
    assert audit.staff_name == manager.name and audit.target == card
    # The card number is still known: refused as a cancelled card, naming no one.
    refusal = find_members(store, card, include_cancelled=True).refusal
    assert refusal is not None and refusal.code == "card.cancelled"
    with pytest.raises(DomainError):
        member_for_till(store, card)
    # Out of the export; the lists already leave cancelled members out.
    out = tmp_path / "members.csv"
    export_members(store, manager, out)
    assert card not in out.read_text(encoding="utf-8-sig")
    with out.open(encoding="utf-8-sig") as f:
        assert len(list(csv.reader(f))) == 1  # the heading only
    assert all(r.member_id != member_id for r in followup_list(store, "birthdays").rows)
    report = run_checks(store)
    assert report.ok, report.problems


def test_a_lunar_birthday_goes_too(store: Store, owner: Actor) -> None:
    form = MemberForm(name="李四", phone="13900001111", lunar_birthday=LunarDate(1988, 8, 15))
    member_id = issue_card(store, owner, form).id
    assert get_member(store, member_id).birthday_lunar
    cancel(store, owner, member_id)
    view = erase_member(store, owner, member_id)
    assert (view.birthday, view.birthday_lunar, view.lunar_month, view.lunar_day) == (
        None, False, None, None,
    )  # fmt: skip
    assert run_checks(store).ok


def snapshot(store: Store) -> list:
    with store.read() as s:
        return [s.execute(text(f"SELECT * FROM {t} ORDER BY 1")).all()
                for t in ("members", "member_search", "outbox", "audit_log", "call_log")]  # fmt: skip


@pytest.mark.parametrize("status", ["active", "frozen"])
def test_a_member_not_cancelled_is_refused_and_told_to_cancel_first(
    store: Store, manager: Actor, status: str
) -> None:
    from memberdesk.core.members.member import freeze

    member_id = issue_zhang(store, manager)
    if status == "frozen":
        freeze(store, manager, member_id)
    before = snapshot(store)
    with pytest.raises(DomainError) as info:
        erase_member(store, manager, member_id)
    assert info.value.code == "member.erase_not_cancelled"
    message = translate(info.value.msgid, "zh_CN", **info.value.params)
    assert "张三丰" in message and "先注销" in message, message
    assert snapshot(store) == before
    assert found(store, PHONE) == ["张三丰"]


def test_a_cashier_needs_a_managers_authority(store: Store, manager: Actor, cashier: Actor) -> None:
    member_id = issue_zhang(store, manager)
    cancel(store, manager, member_id)
    before = snapshot(store)
    with pytest.raises(DomainError) as info:
        erase_member(store, cashier, member_id)
    assert info.value.code == "permission.denied"
    assert snapshot(store) == before
    view = erase_member(store, cashier, member_id, authoriser=manager)
    assert view.phone is None
    with store.read() as s:
        who = s.execute(text("SELECT staff_name, authorised_by FROM audit_log"
                             " WHERE action = 'member.erased'")).one()  # fmt: skip
    assert tuple(who) == (cashier.name, manager.name)
    with pytest.raises(DomainError) as again:
        erase_member(store, manager, member_id)
    assert again.value.code == "member.erased_already"


def test_the_call_log_stays_append_only_otherwise(store: Store, manager: Actor) -> None:
    member_id = issue_zhang(store, manager)
    log_call(store, manager, member_id, "birthdays", "connected", note="想要L码")
    with store.write() as uow, pytest.raises(Exception, match="append-only"):
        uow.session.execute(text("UPDATE call_log SET note = ''"))
    cancel(store, manager, member_id)
    erase_member(store, manager, member_id)
    with store.write() as uow, pytest.raises(Exception, match="append-only"):
        uow.session.execute(text("UPDATE call_log SET outcome = 'sms'"))


def test_the_trigger_knows_every_placeholder() -> None:
    migration = next(Path(versions_path[0]).glob("0022_*.py")).read_text(encoding="utf-8")
    for name in erased_names():
        assert f'"{name}"' in migration
    assert translate(ERASED_NAME, "zh_CN") == "已清除的会员"
