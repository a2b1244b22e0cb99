"""A member's personal information erased at one till reaches HQ and every other till:
two stores with two tills each on one HQ (PostgreSQL), membership chain-wide."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from memberdesk.core.check.checks import run_checks
from memberdesk.core.followups.calllog import log_call
from memberdesk.core.members.erase import erase_member
from memberdesk.core.members.lookup import find_members
from memberdesk.core.members.member import MemberForm, cancel, edit_member, issue_card
from memberdesk.core.store.models import Member
from memberdesk.hq.models import member_fields, members
from memberdesk.hq.projections import Context, Source, plan
from memberdesk.hq.rejections import Rejected

from ..conftest import START
from .test_chain_members import chain  # noqa: F401  (the two stores × two tills fixture)

PHONE = "13912345678"


def test_an_erasure_at_one_till_clears_hq_and_the_other_tills(
    chain,  # noqa: F811  (the fixture imported above)
    shop_template,
) -> None:
    hq, _proxy, tills = chain
    owner = shop_template.owner
    a1, a2, b2 = tills["S001-01"], tills["S001-02"], tills["S002-02"]
    form = MemberForm(name="曾小贤", phone=PHONE, birthday=date(1991, 3, 8), notes="穿M码",
                      marketing_consent=True)  # fmt: skip
    member = issue_card(a1.store, owner, form)
    for till in tills.values():
        till.round()
    log_call(a2.store, owner, member.id, "birthdays", "connected", note="想要M码的外套")
    for till in tills.values():
        assert [h.member_id for h in find_members(till.store, PHONE).hits] == [member.id]

    cancel(a1.store, owner, member.id, "本人要求注销")
    erase_member(a1.store, owner, member.id)
    for _ in range(2):
        for till in tills.values():
            till.round()

    with hq.engine.connect() as conn:
        row = conn.execute(select(members).where(members.c.id == member.id)).one()
        fields = dict(conn.execute(
            select(member_fields.c.field, member_fields.c.value)
            .where(member_fields.c.member_id == member.id)).all())  # fmt: skip
    assert (row.name, row.phone, row.status) == ("已清除的会员", None, "cancelled")
    held = str(row.data) + str(fields)
    assert "曾小贤" not in held and PHONE not in held and "M码" not in held
    for till in (a1, a2, b2):
        with till.store.read() as s:
            copy = s.get(Member, member.id)
            notes = s.execute(text("SELECT note FROM call_log WHERE member_id = :m"),
                              {"m": member.id}).scalars().all()  # fmt: skip
            keys = s.execute(text("SELECT COUNT(*) FROM member_search WHERE member_id = :m"),
                             {"m": member.id}).scalar()  # fmt: skip
        assert (copy.name, copy.phone, copy.phone_last4) == ("已清除的会员", None, None), till.name
        assert (copy.birthday, copy.notes, copy.marketing_consent) == (None, "", False), till.name
        assert keys == 0 and all(n == "" for n in notes), till.name
        for query in (PHONE, "5678", "曾小贤", "zxx"):
            assert find_members(till.store, query, include_cancelled=True).hits == [], query
        report = run_checks(till.store)
        assert report.ok, (till.name, report.problems)


def test_an_edit_made_offline_after_the_erasure_brings_nothing_back(
    chain,  # noqa: F811  (the fixture imported above)
    shop_template,
) -> None:
    """Till B, not yet told of the cancellation, edits the member's phone a minute after
    till A erased them: the erasure stays final at HQ and at every till."""
    hq, _proxy, tills = chain
    owner = shop_template.owner
    a1, b2 = tills["S001-01"], tills["S002-02"]
    member = issue_card(a1.store, owner, MemberForm(name="曾小贤", phone=PHONE))
    for till in tills.values():
        till.round()
    cancel(a1.store, owner, member.id, "本人要求注销")
    erase_member(a1.store, owner, member.id)
    assert a1.push()
    b2.clock.advance(minutes=1)
    edit_member(b2.store, owner, member.id, MemberForm(name="曾小贤", phone="13700001111"))
    for _ in range(2):
        for till in tills.values():
            till.round()
    with hq.engine.connect() as conn:
        row = conn.execute(select(members).where(members.c.id == member.id)).one()
        fields = dict(conn.execute(
            select(member_fields.c.field, member_fields.c.value)
            .where(member_fields.c.member_id == member.id)).all())  # fmt: skip
    assert (row.name, row.phone, row.status) == ("已清除的会员", None, "cancelled")
    held = str(row.data) + str(fields)
    assert "曾小贤" not in held and "13700001111" not in held and PHONE not in held
    for till in tills.values():
        with till.store.read() as s:
            copy = s.get(Member, member.id)
        assert (copy.name, copy.phone) == ("已清除的会员", None), till.name
        assert find_members(till.store, "13700001111", include_cancelled=True).hits == []


def _source() -> Source:
    return Source(Context("T1", "S001", "Asia/Shanghai"), 7, START.replace(tzinfo=None))


ERASED = {
    "id": "5f0c6c1e-0000-4000-8000-000000000001", "card_no": "S0010000017", "name": "已清除的会员",
    "phone": None, "gender": "U", "birthday": None, "birthday_lunar": False, "lunar_month": None,
    "lunar_day": None, "lunar_leap": False, "tier": "normal", "tier_locked": False,
    "status": "cancelled", "salesperson_id": None, "joined_at": "2026-01-05T02:00:00",
    "joined_store": "S001", "referrer_id": None, "marketing_consent": False, "notes": "",
    "version": 4,
}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [({"phone": PHONE}, "phone"), ({"name": "曾小贤"}, "name"), ({"notes": "M码"}, "notes"),
     ({"birthday": "1991-03-08"}, "birthday"), ({"marketing_consent": True}, "marketing_consent"),
     ({"status": "active"}, "status")],
)  # fmt: skip
def test_hq_refuses_an_erasure_that_still_carries_personal_information(
    change: dict, field: str
) -> None:
    assert plan("member.erased", ERASED, _source()).member["phone"] is None
    with pytest.raises(Rejected) as info:
        plan("member.erased", {**ERASED, **change}, _source())
    assert info.value.code == "invalid" and info.value.params["field"] == field
