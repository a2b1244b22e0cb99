"""SMS texts from editable templates: placeholders checked, segments counted, consent kept."""

from __future__ import annotations

from datetime import date

import pytest

from memberdesk.core.errors import DomainError
from memberdesk.core.followups.lists import followup_list
from memberdesk.core.followups.sms import (
    DEFAULT_SMS,
    check_template,
    save_template,
    sms_for_list,
    sms_segments,
)
from memberdesk.core.i18n import gettext
from memberdesk.core.members.member import MemberForm, issue_card


@pytest.mark.parametrize(
    ("length", "segments"),
    [(0, 0), (1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_segments_of_70_then_67(length: int, segments: int) -> None:
    assert sms_segments("短" * length) == segments


def test_members_without_consent_get_no_sms(shop) -> None:
    store, _, _ = shop
    fl = followup_list(store, "birthdays")
    messages = sms_for_list(store, fl)
    assert {m.name for m in messages} == {"张四月", "李农历", "欧阳<&>娜"}  # not 周无同意
    first = next(m for m in messages if m.name == "李农历")
    assert (
        first.text
        == "【测试小店】李农历您好，4月17日是您的生日，祝您生日快乐！生日期间到店可享会员礼遇，期待您的光临。回T退订"
    )
    assert (first.length, first.segments) == (len(first.text), 1)


def test_a_member_without_a_phone_gets_no_sms(shop) -> None:
    """A member kept without a mobile number is on the birthday list, to be greeted in the
    shop, but no SMS line with a blank number is written for the gateway."""
    store, data, _clock = shop
    issue_card(store, data.owner, MemberForm(name="钱无号", birthday=date(1991, 4, 16),
                                             marketing_consent=True))  # fmt: skip
    fl = followup_list(store, "birthdays")
    assert "钱无号" in {r.name for r in fl.rows}
    messages = sms_for_list(store, fl)
    assert "钱无号" not in {m.name for m in messages}
    assert all(m.phone for m in messages) and len(messages) == 3


def test_templates_are_edited_and_checked(shop) -> None:
    store, fx, _ = shop
    save_template(
        store,
        fx.owner,
        "dormant",
        "【{shop}】{name}，您的{tier}会员卡还有{points}积分，{salesperson}等您回来",
    )
    fl = followup_list(store, "dormant")
    text = next(m.text for m in sms_for_list(store, fl) if m.name == "钱九十")
    assert text == "【测试小店】钱九十，您的普通会员卡还有50积分，小林等您回来"
    with pytest.raises(DomainError) as e:
        save_template(store, fx.owner, "dormant", "{nmae}您好")
    assert e.value.code == "sms.placeholder_unknown" and "{name}" in str(e.value)
    with pytest.raises(DomainError):
        check_template("{name")
    with pytest.raises(DomainError):
        save_template(store, fx.cashier, "dormant", "{name}")
    assert save_template(store, fx.owner, "dormant", "") == gettext(
        DEFAULT_SMS["dormant"]
    )  # back to the default
    long = sms_for_list(store, fl, "{name}" + "好" * 70)
    assert all(m.segments == 2 for m in long)


def test_the_thank_you_after_a_large_purchase_names_the_day_of_the_purchase(shop) -> None:
    """大额 spent ￥2,380 on 03-02 and is called a week later, on 03-09: the text thanks
    them for their visit on 3月2日, not on the day the call falls due."""
    store, _, _ = shop
    fl = followup_list(store, "bigspend")
    [message] = sms_for_list(store, fl)
    assert message.name == "大额"
    assert "感谢您3月2日的惠顾" in message.text
    assert "3月9日" not in message.text


def test_a_member_with_no_points_is_not_reminded_of_them(shop) -> None:
    """The dormant call sheet told the salesperson to "remind them they still have 0 points
    to use", and the SMS offered 0 points to spend as cash."""
    from memberdesk.core.followups.sms import scripts_for
    from memberdesk.core.loyalty.points import adjust_points

    store, fx, _ = shop
    fl = followup_list(store, "dormant")
    none_left = next(r for r in fl.rows if r.name == "新未回")
    adjust_points(store, fx.owner, none_left.member_id, -none_left.points, "积分清零")
    fl = followup_list(store, "dormant")
    scripts = {r.name: scripts_for(store, fl)[r.member_id] for r in fl.rows}
    assert scripts == {
        "钱九十": "问候近况，提醒还有50积分可用，邀请回店",
        "新未回": "问候近况，介绍新品，邀请回店",
    }
    texts = {m.name: m.text for m in sms_for_list(store, fl)}
    assert "积分" not in texts["新未回"] and "50积分" in texts["钱九十"]
    # an owner's own template is used as written
    save_template(store, fx.owner, "dormant", "{name}，您还有{points}积分", script=True)
    assert scripts_for(store, fl)[none_left.member_id] == "新未回，您还有0积分"


def test_the_dropping_away_text_does_not_say_the_member_has_not_been_seen() -> None:
    """A regular is on that list for coming less often or spending less than they did: they
    may have been in last week, so "we have not seen you lately" would be untrue."""
    from memberdesk.core.followups.sms import NO_POINTS_SMS

    for template in (DEFAULT_SMS["dropping"], NO_POINTS_SMS["dropping"]):
        for lang in ("zh_CN", "zh_TW", "en"):
            text = gettext(template, lang)
            assert "没见到" not in text and "沒見到" not in text and "not seen" not in text
        assert "新品" in gettext(template, "zh_CN")
