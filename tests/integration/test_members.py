"""Members and their cards on a real SQLite file, checked the way a shop would check them:
what the till says, what the form says, and that a refusal leaves every row as it was."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from memberdesk.core.check.checks import run_checks
from memberdesk.core.errors import DomainError, ValidationFailed
from memberdesk.core.members.birthdays import solar_birthday_in
from memberdesk.core.members.card_numbers import generated_number, luhn_ok
from memberdesk.core.members.lookup import find_members
from memberdesk.core.members.member import (
    LunarDate,
    MemberForm,
    MemberView,
    cancel,
    card_history,
    edit_member,
    form_problems,
    freeze,
    get_member,
    issue_card,
    member_for_till,
    replace_card,
    report_lost,
    unfreeze,
)
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store

TABLES = ("members", "cards", "outbox", "audit_log", "member_search", "settings")


# ------------------------------------------------------------------ helpers


def snapshot(store: Store) -> dict[str, Any]:
    """Row counts and every member and card row, to compare before and after a refusal."""
    with store.read() as s:
        counts = {t: s.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in TABLES}
        members = s.execute(text("SELECT * FROM members ORDER BY id")).all()
        cards = s.execute(text("SELECT * FROM cards ORDER BY id")).all()
        settings = s.execute(text("SELECT key, value FROM settings ORDER BY key")).all()
    return {"counts": counts, "members": members, "cards": cards, "settings": settings}


def refused(store: Store, code: str, action, *args, **kwargs) -> DomainError:
    """Run an action that must be refused with `code` and must change nothing."""
    before = snapshot(store)
    with pytest.raises(DomainError) as info:
        action(*args, **kwargs)
    assert info.value.code == code, info.value.message()
    assert snapshot(store) == before
    return info.value


def form_refused(store: Store, actor: Actor, form: MemberForm, **kwargs) -> ValidationFailed:
    before = snapshot(store)
    with pytest.raises(ValidationFailed) as info:
        issue_card(store, actor, form, **kwargs)
    assert snapshot(store) == before
    return info.value


def member_events(store: Store, member_id: str) -> list[str]:
    with store.read() as s:
        return list(
            s.execute(
                text(
                    "SELECT kind FROM outbox WHERE aggregate_id = :id AND kind LIKE 'member.%' "
                    "ORDER BY seq"
                ),
                {"id": member_id},
            ).scalars()
        )


def assert_recorded(store: Store, view: MemberView) -> None:
    """Each change bumped the version and wrote exactly one member.* outbox row; check holds."""
    assert get_member(store, view.id).version == len(member_events(store, view.id))
    report = run_checks(store)
    assert report.ok, report.problems


def outbox_count(store: Store) -> int:
    return snapshot(store)["counts"]["outbox"]


def luhn_valid(number: str) -> bool:
    """Independent Luhn check (from the right, every second digit doubled)."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


@pytest.fixture
def zhang(store: Store, cashier: Actor) -> MemberView:
    return issue_card(store, cashier, MemberForm(name="张三", phone="13812345678", gender="M"))


# ------------------------------------------------------------------ issuing cards


def test_generated_card_numbers_are_sequential_and_carry_a_luhn_check_digit(
    store: Store, cashier: Actor
) -> None:
    views = [
        issue_card(store, cashier, MemberForm(name=name, phone=phone))
        for name, phone in [("张三", "13812345678"), ("李四", "13912345678"), ("王五", None)]
    ]
    numbers = [v.card_no for v in views]
    assert all(n.isdigit() and n.startswith("88") and luhn_valid(n) for n in numbers)
    bodies = [int(n[:-1]) for n in numbers]
    assert bodies == [bodies[0], bodies[0] + 1, bodies[0] + 2]
    assert len({v.id for v in views}) == 3
    for v in views:
        assert member_for_till(store, v.card_no).id == v.id
        assert_recorded(store, v)


def test_issuing_writes_the_member_its_card_and_one_outbox_row(
    store: Store, cashier: Actor, manager: Actor
) -> None:
    before = snapshot(store)["counts"]
    view = issue_card(
        store,
        cashier,
        MemberForm(
            name=" 李小红 ",
            phone="+86 139-1234-5678",
            gender="F",
            birthday=date(1990, 5, 20),
            salesperson_id=manager.staff_id,
            marketing_consent=True,
            notes="尺码 M，喜欢宽松款",
        ),
    )
    after = snapshot(store)["counts"]
    assert after["members"] == before["members"] + 1
    assert after["cards"] == before["cards"] + 1
    assert after["outbox"] == before["outbox"] + 1
    assert (view.name, view.phone, view.phone_masked) == ("李小红", "13912345678", "139****5678")
    assert (view.gender, view.birthday, view.birthday_lunar) == ("F", date(1990, 5, 20), False)
    assert (view.salesperson_id, view.salesperson_name) == (manager.staff_id, "店长")
    assert view.marketing_consent is True and view.notes == "尺码 M，喜欢宽松款"
    assert (view.status, view.version, view.points, view.wallet_principal) == ("active", 1, 0, 0)
    assert view.joined_store == "S001"
    assert member_events(store, view.id) == ["member.issued"]
    assert_recorded(store, view)


def test_a_preprinted_card_is_taken_by_its_scanned_number(store: Store, cashier: Actor) -> None:
    view = issue_card(
        store, cashier, MemberForm(name="赵六", phone="13712345678"), card_no=" vip0012345 "
    )
    assert view.card_no == "VIP0012345"
    assert member_for_till(store, "vip0012345").id == view.id
    assert find_members(store, "VIP0012345").exact.member_id == view.id
    assert_recorded(store, view)


def test_generated_numbers_skip_a_preprinted_card_that_took_one_of_them(
    store: Store, cashier: Actor
) -> None:
    first = issue_card(store, cashier, MemberForm(name="张三"))
    second_number = generated_number("88", int(first.card_no[2:-1]) + 1)
    preprinted = issue_card(store, cashier, MemberForm(name="李四"), card_no=second_number)
    third = issue_card(store, cashier, MemberForm(name="王五"))
    assert preprinted.card_no == second_number
    assert third.card_no not in (first.card_no, second_number)
    assert luhn_valid(third.card_no)


def test_a_mistyped_generated_number_is_refused_by_its_check_digit(
    store: Store, cashier: Actor, zhang: MemberView
) -> None:
    number = generated_number("88", 41)
    typo = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert luhn_ok(number) and not luhn_ok(typo)
    e = form_refused(store, cashier, MemberForm(name="李四"), card_no=typo)
    assert e.errors["card"].code == "card.check_digit"
    assert "校验位" in e.errors["card"].message()


def test_a_malformed_card_number_is_refused(store: Store, cashier: Actor) -> None:
    for bad in ("12-34", "卡12345678", "1" * 21):
        e = form_refused(store, cashier, MemberForm(name="李四"), card_no=bad)
        assert e.errors["card"].code == "card.invalid"


def test_a_duplicate_card_number_is_refused_naming_its_member(
    store: Store, cashier: Actor, zhang: MemberView
) -> None:
    e = form_refused(store, cashier, MemberForm(name="李四"), card_no=zhang.card_no)
    assert e.errors["card"].code == "card.duplicate"
    assert e.errors["card"].message() == f"卡号 {zhang.card_no} 已被会员 张三 使用"


def test_the_card_error_comes_with_the_other_field_errors(
    store: Store, cashier: Actor, zhang: MemberView
) -> None:
    e = form_refused(store, cashier, MemberForm(name="", phone="123"), card_no=zhang.card_no)
    assert set(e.errors) == {"name", "phone", "card"}


# ------------------------------------------------------------------ fields and refusals


def test_a_phone_already_used_is_refused_with_the_member_and_card(
    store: Store, cashier: Actor, zhang: MemberView
) -> None:
    e = form_refused(store, cashier, MemberForm(name="李四", phone="138 1234 5678"))
    assert e.errors["phone"].code == "phone.duplicate"
    assert str(e) == f"该手机号已被会员 张三（卡号 {zhang.card_no}）使用"


@pytest.mark.parametrize(
    ("phone", "why"),
    [
        ("1381234567", "too short"),
        ("138123456789", "too long"),
        ("23812345678", "bad prefix"),
        ("10012345678", "bad prefix"),
        ("138abcd5678", "letters"),
        ("021-64000000", "a landline"),
        ("+1 202 555 0123", "abroad"),
    ],
)
def test_a_wrong_phone_is_refused(store: Store, cashier: Actor, phone: str, why: str) -> None:
    e = form_refused(store, cashier, MemberForm(name="李四", phone=phone))
    assert set(e.errors) == {"phone"}, why
    assert e.errors["phone"].code == "phone.invalid"
    assert "不是有效的中国大陆手机号" in e.errors["phone"].message()


def test_bad_names_are_refused(store: Store, cashier: Actor) -> None:
    for name in ("", "   "):
        e = form_refused(store, cashier, MemberForm(name=name))
        assert e.errors["name"].code == "name.required"
        assert e.errors["name"].message() == "请填写会员姓名"
    e = form_refused(store, cashier, MemberForm(name="张" * 41))
    assert e.errors["name"].code == "name.too_long"
    assert "不能超过 40 个字" in e.errors["name"].message()
    assert issue_card(store, cashier, MemberForm(name="张" * 40)).name == "张" * 40


def test_a_future_birthday_is_refused(store: Store, cashier: Actor) -> None:
    e = form_refused(store, cashier, MemberForm(name="李四", birthday=date(2026, 3, 11)))
    assert e.errors["birthday"].code == "birthday.future"
    assert "在未来" in e.errors["birthday"].message()
    # Today itself is a valid birthday (a newborn's card, with a parent's consent).
    baby = MemberForm(name="李四", birthday=date(2026, 3, 10), guardian_consent=True)
    assert issue_card(store, cashier, baby)


@pytest.mark.parametrize(
    ("lunar", "code"),
    [
        (LunarDate(2025, 2, 30), "birthday.lunar_invalid"),  # 2025 二月 has 29 days
        (LunarDate(2026, 1, 1, leap=True), "birthday.lunar_invalid"),  # 2026 has no leap month
        (LunarDate(2023, 3, 1, leap=True), "birthday.lunar_invalid"),  # 2023's leap month is 二月
        (LunarDate(2023, 2, 30, leap=True), "birthday.lunar_invalid"),  # 闰二月 has 29 days
        (LunarDate(1990, 13, 1), "birthday.lunar_invalid"),
        (LunarDate(1990, 1, 31), "birthday.lunar_invalid"),
        (LunarDate(2026, 5, 1), "birthday.future"),  # lunar 2026-5-1 is June 2026
        (LunarDate(2027, 1, 1), "birthday.future"),
    ],
)
def test_an_impossible_or_future_lunar_birthday_is_refused(
    store: Store, cashier: Actor, lunar: LunarDate, code: str
) -> None:
    e = form_refused(store, cashier, MemberForm(name="李四", lunar_birthday=lunar))
    assert e.errors["birthday"].code == code, e.errors["birthday"].message()


def test_a_form_with_bad_phone_and_future_birthday_reports_both(
    store: Store, cashier: Actor
) -> None:
    e = form_refused(
        store,
        cashier,
        MemberForm(name="李四", phone="1381234", birthday=date(2030, 1, 1), gender="X"),
    )
    assert set(e.errors) == {"phone", "birthday", "gender"}
    assert e.errors["phone"].code == "phone.invalid"
    assert e.errors["birthday"].code == "birthday.future"
    text_zh = e.message()
    assert "手机号 1381234 不是有效的中国大陆手机号" in text_zh
    assert "生日 2030-01-01 在未来" in text_zh
    assert "性别只能是" in text_zh


def test_gender_takes_the_words_its_refusal_names(store: Store, cashier: Actor) -> None:
    genders = [
        issue_card(store, cashier, MemberForm(name=f"会员{i}", gender=g)).gender
        for i, g in enumerate(["男", "女", "未知", "m", "F", "U"])
    ]
    assert genders == ["M", "F", "U", "M", "F", "U"]


def test_an_unknown_salesperson_or_referrer_is_refused(store: Store, cashier: Actor) -> None:
    e = form_refused(
        store,
        cashier,
        MemberForm(name="李四", salesperson_id="no-such-staff", referrer="13600000000"),
    )
    assert set(e.errors) == {"salesperson", "referrer"}
    assert e.errors["salesperson"].code == "staff.not_found"
    assert e.errors["referrer"].code == "referrer.not_found"
    assert e.errors["referrer"].message() == "找不到推荐人 13600000000"


def test_the_referrer_is_found_by_card_or_phone(
    store: Store, cashier: Actor, zhang: MemberView
) -> None:
    by_card = issue_card(store, cashier, MemberForm(name="李四", referrer=zhang.card_no))
    by_phone = issue_card(store, cashier, MemberForm(name="王五", referrer="138-1234-5678"))
    assert by_card.referrer_id == zhang.id
    assert by_phone.referrer_id == zhang.id


def test_a_member_cannot_refer_themselves(store: Store, cashier: Actor, zhang: MemberView) -> None:
    form = MemberForm(name="张三", phone="13812345678", referrer=zhang.card_no)
    e = refused(
        store, "referrer.self", edit_member, store, cashier, zhang.id, form, expected_version=1
    )
    assert e.message() == "会员不能推荐自己"


# ------------------------------------------------------------------ birthdays on the member


def test_a_lunar_birthday_is_listed_on_this_years_solar_date(store: Store, cashier: Actor) -> None:
    view = issue_card(
        store, cashier, MemberForm(name="李四", lunar_birthday=LunarDate(1990, 8, 15))
    )
    assert view.birthday_lunar and (view.lunar_month, view.lunar_day) == (8, 15)
    assert view.birthday == date(1990, 10, 3)  # the solar day of birth
    # 中秋 2026 is 25 September.
    assert solar_birthday_in(view.birthday_info, 2026) == date(2026, 9, 25)
    with store.read() as s:
        md = s.execute(
            text("SELECT birthday_md, birthday_md_year FROM members WHERE id = :id"),
            {"id": view.id},
        ).one()
    assert tuple(md) == (925, 2026)


def test_a_leap_month_birthday_is_kept_as_leap(store: Store, cashier: Actor) -> None:
    # Born on 闰二月十五 2023 (5 April 2023); 2026 has no leap month: 二月十五 = 2 April.
    born = LunarDate(2023, 2, 15, leap=True)  # a toddler: a parent consents
    view = issue_card(
        store, cashier, MemberForm(name="小宝", lunar_birthday=born, guardian_consent=True)
    )
    assert (view.birthday, view.lunar_leap) == (date(2023, 4, 5), True)
    assert solar_birthday_in(view.birthday_info, 2026) == date(2026, 4, 2)


def test_a_29_february_birthday_is_kept(store: Store, cashier: Actor) -> None:
    view = issue_card(store, cashier, MemberForm(name="李四", birthday=date(2000, 2, 29)))
    assert view.birthday == date(2000, 2, 29)
    with store.read() as s:
        md = s.execute(
            text("SELECT birthday_md FROM members WHERE id = :id"), {"id": view.id}
        ).scalar_one()
    assert md == 228  # 2026 is a common year


# ------------------------------------------------------------------ editing


def test_an_edit_changes_the_fields_and_the_lookup(
    store: Store, cashier: Actor, manager: Actor, zhang: MemberView
) -> None:
    edited = edit_member(
        store,
        cashier,
        zhang.id,
        MemberForm(
            name="张三丰",
            phone="13887654321",
            gender="M",
            salesperson_id=manager.staff_id,
            marketing_consent=True,
            notes="只要黑色",
        ),
        expected_version=zhang.version,
    )
    assert (edited.id, edited.card_no, edited.version) == (zhang.id, zhang.card_no, 2)
    assert (edited.name, edited.phone, edited.notes) == ("张三丰", "13887654321", "只要黑色")
    assert find_members(store, "张三丰").hits[0].member_id == zhang.id
    assert find_members(store, "zsf").hits[0].member_id == zhang.id
    assert find_members(store, "13812345678").hits == []
    assert find_members(store, "13887654321").hits[0].member_id == zhang.id
    assert member_events(store, zhang.id) == ["member.issued", "member.edited"]
    assert_recorded(store, edited)


def test_a_stale_edit_is_refused(store: Store, cashier: Actor, zhang: MemberView) -> None:
    edit_member(
        store, cashier, zhang.id, MemberForm(name="张三", notes="第一次"), expected_version=1
    )
    e = refused(
        store,
        "member.stale",
        edit_member,
        store,
        cashier,
        zhang.id,
        MemberForm(name="张三", notes="第二次"),
        expected_version=1,
    )
    assert e.message() == "会员 张三 已被他人修改，请刷新后重试"
    assert get_member(store, zhang.id).notes == "第一次"


def test_an_edit_to_another_members_phone_is_refused(
    store: Store, cashier: Actor, zhang: MemberView
) -> None:
    li = issue_card(store, cashier, MemberForm(name="李四", phone="13912345678"))
    before = snapshot(store)
    with pytest.raises(ValidationFailed) as info:
        edit_member(store, cashier, li.id, MemberForm(name="李四", phone="13812345678"))
    assert str(info.value) == f"该手机号已被会员 张三（卡号 {zhang.card_no}）使用"
    assert snapshot(store) == before
    # Keeping one's own number is not a duplicate.
    assert edit_member(store, cashier, zhang.id, MemberForm(name="张三", phone="13812345678"))


# ------------------------------------------------------------------ the card's life


def test_a_lost_card_is_refused_at_the_till(
    store: Store, cashier: Actor, zhang: MemberView
) -> None:
    lost = report_lost(store, cashier, zhang.id, reason="钱包丢了")
    assert lost.status == "lost"
    e = refused(store, "card.lost", member_for_till, store, zhang.card_no)
    assert e.message() == f"卡号 {zhang.card_no} 已挂失，请使用补办的新卡"
    result = find_members(store, zhang.card_no)
    assert result.exact is None and result.hits == []
    assert result.refusal is not None and result.refusal.code == "card.lost"
    # The member is still found by phone, shown as lost, so the cashier can replace the card.
    hit = find_members(store, "13812345678").hits[0]
    assert (hit.member_id, hit.status) == (zhang.id, "lost")
    refused(store, "member.bad_status_change", report_lost, store, cashier, zhang.id)
    assert member_events(store, zhang.id) == ["member.issued", "member.card_lost"]
    assert_recorded(store, lost)


def test_a_frozen_member_whose_card_is_lost_stays_frozen_on_the_new_card(
    store: Store, cashier: Actor, zhang: MemberView
) -> None:
    freeze(store, cashier, zhang.id, reason="争议待处理")
    report_lost(store, cashier, zhang.id, reason="丢了")
    new = replace_card(store, cashier, zhang.id, reason="补办")
    assert new.status == "frozen"  # replacing the card does not lift the freeze
    e = refused(store, "member.frozen", member_for_till, store, new.card_no)
    assert "冻结" in e.message()
    assert unfreeze(store, cashier, zhang.id).status == "active"


def test_replacing_a_lost_card_keeps_the_member_and_reactivates_it(
    store: Store, clock, cashier: Actor, zhang: MemberView
) -> None:
    clock.advance(days=1)
    report_lost(store, cashier, zhang.id, reason="丢了")
    clock.advance(hours=2)
    before = get_member(store, zhang.id)
    new = replace_card(store, cashier, zhang.id, reason="补办")
    assert new.id == zhang.id and new.card_no != zhang.card_no
    assert luhn_valid(new.card_no)
    assert (before.status, new.status) == ("lost", "active")
    # Everything else, cached totals included, is the same member.
    changed = {"card_no", "status", "version", "updated_at"}
    assert {k: v for k, v in asdict(new).items() if k not in changed} == {
        k: v for k, v in asdict(before).items() if k not in changed
    }
    e = refused(store, "card.replaced", member_for_till, store, zhang.card_no)
    assert "已换新卡" in e.message()
    assert find_members(store, zhang.card_no).refusal.code == "card.replaced"
    assert member_for_till(store, new.card_no).id == zhang.id
    assert find_members(store, new.card_no).exact.member_id == zhang.id
    history = card_history(store, zhang.id)
    assert [(c["card_no"], c["status"]) for c in history] == [
        (zhang.card_no, "replaced"),
        (new.card_no, "active"),
    ]
    assert history[0]["reason"] == "丢了"  # when and why it was lost are kept
    assert history[0]["ended_at"] < history[1]["issued_at"]
    assert member_events(store, zhang.id) == [
        "member.issued",
        "member.card_lost",
        "member.card_replaced",
    ]
    assert_recorded(store, new)


def test_replacing_with_a_preprinted_card_and_refusing_a_taken_number(
    store: Store, clock, cashier: Actor, zhang: MemberView
) -> None:
    li = issue_card(store, cashier, MemberForm(name="李四"))
    e = refused(
        store, "card.duplicate", replace_card, store, cashier, zhang.id, new_card_no=li.card_no
    )
    assert "李四" in e.message()
    clock.advance(minutes=5)
    new = replace_card(store, cashier, zhang.id, new_card_no="VIP7777777")
    assert new.card_no == "VIP7777777"
    assert member_for_till(store, "VIP7777777").id == zhang.id
    refused(store, "card.replaced", member_for_till, store, zhang.card_no)
    # The old number stays taken: no one else may be given it.
    e = refused(
        store, "card.duplicate", issue_card, store, cashier, MemberForm(name="王五"),
        card_no=zhang.card_no,
    )  # fmt: skip
    assert "张三" in e.message()
    assert_recorded(store, new)


def test_a_frozen_member_is_refused_at_the_till_until_unfrozen(
    store: Store, cashier: Actor, zhang: MemberView
) -> None:
    frozen = freeze(store, cashier, zhang.id, reason="争议")
    assert frozen.status == "frozen"
    e = refused(store, "member.frozen", member_for_till, store, zhang.card_no)
    assert e.message() == "会员 张三 已冻结，不能消费"
    refused(store, "member.bad_status_change", freeze, store, cashier, zhang.id)
    assert_recorded(store, frozen)
    thawed = unfreeze(store, cashier, zhang.id)
    assert thawed.status == "active"
    assert member_for_till(store, zhang.card_no).id == zhang.id
    e = refused(store, "member.bad_status_change", unfreeze, store, cashier, zhang.id)
    assert e.message() == "会员 张三 当前状态为 正常，不能解冻"
    assert member_events(store, zhang.id) == ["member.issued", "member.frozen", "member.active"]
    assert_recorded(store, thawed)


def test_a_cancelled_member_is_kept_and_frees_the_phone(
    store: Store, cashier: Actor, zhang: MemberView
) -> None:
    gone = cancel(store, cashier, zhang.id, reason="本人要求")
    assert gone.status == "cancelled"
    assert get_member(store, zhang.id).name == "张三"  # kept, never deleted
    with store.read() as s:
        assert s.execute(text("SELECT COUNT(*) FROM members")).scalar_one() == 1
    e = refused(store, "card.cancelled", member_for_till, store, zhang.card_no)
    assert e.message() == f"卡号 {zhang.card_no} 已注销"
    e = refused(store, "member.bad_status_change", cancel, store, cashier, zhang.id)
    assert e.message() == "会员 张三 当前状态为 注销，不能注销"
    refused(store, "member.cancelled", edit_member, store, cashier, zhang.id, MemberForm(name="张"))
    refused(store, "member.bad_status_change", freeze, store, cashier, zhang.id)
    refused(store, "member.bad_status_change", replace_card, store, cashier, zhang.id)
    assert find_members(store, "张三").hits == []
    assert [h.status for h in find_members(store, "张三", include_cancelled=True).hits] == [
        "cancelled"
    ]
    assert_recorded(store, gone)
    # The same phone may now be given to a new member, and the lookup finds the new one.
    again = issue_card(store, cashier, MemberForm(name="张三", phone="13812345678"))
    assert again.id != zhang.id
    assert [h.member_id for h in find_members(store, "13812345678").hits] == [again.id]
    assert [h.member_id for h in find_members(store, "5678").hits] == [again.id]
    assert_recorded(store, again)


def test_cancel_is_refused_while_a_wallet_balance_remains(
    store: Store, cashier: Actor, zhang: MemberView
) -> None:
    # The stored-value module is not part of this test; a balance is written directly
    # (one write transaction) only to see cancel refuse it. No outbox row is expected
    # for it, so `run_checks` is not asked here.
    with store.write() as uow:
        uow.session.execute(
            text("UPDATE members SET wallet_principal = 5000 WHERE id = :id"), {"id": zhang.id}
        )
    e = refused(store, "member.has_balance", cancel, store, cashier, zhang.id)
    assert e.message() == "会员 张三 还有余额 ¥50.00，请先退还再注销"
    assert get_member(store, zhang.id).status == "active"


def test_every_step_of_a_card_life_is_one_outbox_row(
    store: Store, clock, cashier: Actor, zhang: MemberView
) -> None:
    steps = [
        lambda: edit_member(store, cashier, zhang.id, MemberForm(name="张三", notes="尺码 L")),
        lambda: freeze(store, cashier, zhang.id),
        lambda: unfreeze(store, cashier, zhang.id),
        lambda: report_lost(store, cashier, zhang.id),
        lambda: replace_card(store, cashier, zhang.id),
        lambda: report_lost(store, cashier, zhang.id),
        lambda: replace_card(store, cashier, zhang.id),
        lambda: cancel(store, cashier, zhang.id),
    ]
    for step in steps:
        clock.advance(minutes=1)
        before = outbox_count(store)
        view = step()
        assert outbox_count(store) == before + 1
        assert_recorded(store, view)
    assert get_member(store, zhang.id).version == len(steps) + 1
    assert len(card_history(store, zhang.id)) == 3


def test_an_unknown_member_is_refused(store: Store, cashier: Actor) -> None:
    refused(store, "member.not_found", freeze, store, cashier, "no-such-id")
    refused(store, "card.not_found", member_for_till, store, "8800000999")


def test_today_is_the_shops_day_not_utcs(store: Store, clock, cashier: Actor) -> None:
    clock.advance(hours=14)  # 2026-03-11 00:00 in Shanghai, still the 10th in UTC
    baby = MemberForm(name="李四", birthday=date(2026, 3, 11), guardian_consent=True)
    view = issue_card(store, cashier, baby)
    assert view.birthday == date(2026, 3, 11)
    e = form_refused(store, cashier, MemberForm(name="王五", birthday=date(2026, 3, 12)))
    assert e.errors["birthday"].code == "birthday.future"


def test_a_forms_problems_are_read_without_writing(
    store: Store, cashier: Actor, zhang: MemberView
) -> None:
    """What a form shows beside its fields when it has a problem of its own as well."""
    before = snapshot(store)
    problems = form_problems(store, MemberForm(name="", phone="1381234567", referrer="139"))
    assert {k: e.code for k, e in problems.items()} == {
        "name": "name.required", "phone": "phone.invalid", "referrer": "referrer.not_found",
    }  # fmt: skip
    assert problems["phone"].message() == "手机号 1381234567 不是有效的中国大陆手机号"
    taken = form_problems(store, MemberForm(name="李四", phone="13812345678"))
    assert taken["phone"].code == "phone.duplicate"
    own = MemberForm(name="张三", phone="13812345678")
    assert form_problems(store, own, member_id=zhang.id) == {}
    assert snapshot(store) == before
