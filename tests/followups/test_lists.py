"""Follow-up lists on the fixture shop: exactly the right members, for the right reason."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from memberdesk.core.daily.jobs import refresh_birthdays
from memberdesk.core.errors import DomainError
from memberdesk.core.followups import spend_windows
from memberdesk.core.followups.calllog import log_call
from memberdesk.core.followups.lists import (
    LIST_KINDS,
    NO_SALESPERSON,
    STORED_DATETIME,
    LocalDays,
    Period,
    default_period,
    followup_list,
    local_dates,
    month_period,
    next_days,
    prepare_dropping,
    save_followup_settings,
)
from memberdesk.core.money import format_fen
from memberdesk.core.shop.details import configure_shop
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member, Sale
from memberdesk.core.till.refunds import refund
from tests.conftest import START
from tests.followups.conftest import Builder, local


def names(fl) -> set[str]:
    return {r.name for r in fl.rows}


def row(fl, name: str):
    return next(r for r in fl.rows if r.name == name)


def test_birthdays_next_month(shop) -> None:
    store, _, _ = shop
    fl = followup_list(store, "birthdays")
    assert fl.period == Period(date(2026, 4, 1), date(2026, 4, 30))
    # 何农历 was born in April but her lunar birthday falls on 05-01 this year; 赵五一 and
    # 孙三一 are just outside; 吴冷却 was called 3 days ago; 郑不联系 asked not to be called;
    # 冯注销 is cancelled and 陈冻结 frozen.
    assert names(fl) == {"张四月", "李农历", "周无同意", "欧阳<&>娜"}
    lunar = row(fl, "李农历")
    assert lunar.due == date(2026, 4, 17) and lunar.reason == "农历三月初一生日，今年是 04-17"
    assert row(fl, "张四月").reason == "生日 04-15"
    assert not row(fl, "周无同意").consent and row(fl, "张四月").consent
    assert [r.salesperson for r in fl.rows] == ["小林", "小林", "小美", "未分配导购"]
    assert NO_SALESPERSON == "No salesperson"  # the message id of 未分配导购


@pytest.mark.parametrize("kept_for", [None, 2025, 2027])
def test_birthdays_not_yet_moved_to_this_year_are_listed_the_same(shop, kept_for) -> None:
    """The daily jobs move each member's month-day to this year (a lunar birthday
    falls elsewhere every year); until they have run, the list still finds everyone."""
    store, _, _ = shop
    before = followup_list(store, "birthdays")
    with store.write() as uow:
        uow.session.execute(update(Member).values(birthday_md_year=kept_for, birthday_md=101))
    assert followup_list(store, "birthdays").rows == before.rows
    assert names(before) == {"张四月", "李农历", "周无同意", "欧阳<&>娜"}
    assert refresh_birthdays(store) > 10
    assert followup_list(store, "birthdays").rows == before.rows


def test_birthdays_in_the_next_days(shop) -> None:
    store, _, _ = shop
    assert names(followup_list(store, "birthdays", next_days(date(2026, 4, 10), 7))) == {"张四月"}
    assert next_days(date(2026, 3, 10), 7) == Period(date(2026, 3, 10), date(2026, 3, 16))


def test_a_29_february_birthday_is_on_28_february_in_a_common_year(shop) -> None:
    store, _, _ = shop
    feb = followup_list(store, "birthdays", Period(date(2026, 2, 25), date(2026, 2, 28)))
    assert names(feb) == {"王闰日"}
    assert row(feb, "王闰日").due == date(2026, 2, 28)
    assert row(feb, "王闰日").reason == "生日 02-29，今年按 02-28"
    march = followup_list(store, "birthdays", Period(date(2026, 3, 1), date(2026, 3, 31)))
    assert "王闰日" not in names(march) and names(march) == {"孙三一"}


def test_a_29_february_birthday_on_a_list_for_next_year_says_next_year(shop) -> None:
    """A February list made in December falls in the next year: its 28 February stand-in
    for 29 February is said as next year's (明年), not this year's; made in that year,
    this year's (今年); a later year's date is given whole."""
    store, _, clock = shop
    feb = Period(date(2027, 2, 1), date(2027, 2, 28))
    clock.at = local(2026, 12, 20)
    reasons = {lang: row(followup_list(store, "birthdays", feb, lang=lang), "王闰日")
               for lang in ("zh_CN", "zh_TW", "en")}  # fmt: skip
    assert reasons["zh_CN"].due == date(2027, 2, 28)
    assert reasons["zh_CN"].reason == "生日 02-29，明年按 02-28"
    assert reasons["zh_TW"].reason == "生日 02-29，明年按 02-28"
    assert reasons["en"].reason == "birthday 02-29, next year on 02-28"
    later = followup_list(store, "birthdays", Period(date(2029, 2, 1), date(2029, 2, 28)))
    assert row(later, "王闰日").reason == "生日 02-29，按 2029-02-28"
    clock.at = local(2027, 1, 10)
    assert (
        row(followup_list(store, "birthdays", feb), "王闰日").reason == "生日 02-29，今年按 02-28"
    )


def test_a_period_across_new_year_finds_next_years_lunar_dates(shop) -> None:
    store, _, _ = shop
    fl = followup_list(store, "birthdays", Period(date(2027, 4, 1), date(2027, 5, 10)))
    got = {r.name: r.due for r in fl.rows}
    assert got["李农历"] == date(2027, 4, 7)  # lunar 三月初一 moves every year
    assert got["何农历"] == date(2027, 4, 21)
    assert got["张四月"] == date(2027, 4, 15)


def test_a_lunar_birthday_in_next_january_says_its_year_on_a_december_sheet(shop) -> None:
    """农历腊月初二 falls on 2027-01-09: a sheet printed in December 2026 must not call
    that date 今年 (this year)."""
    from memberdesk.core.members.member import LunarDate, MemberForm, issue_card

    store, fixture, clock = shop
    clock.at = local(2026, 12, 20)
    issue_card(store, fixture.owner, MemberForm(name="林腊月", phone="13912345678",
                                                lunar_birthday=LunarDate(1990, 12, 2)))  # fmt: skip
    period = Period(date(2026, 12, 20), date(2027, 1, 31))
    reasons = {lang: row(followup_list(store, "birthdays", period, lang=lang), "林腊月")
               for lang in ("zh_CN", "zh_TW", "en")}  # fmt: skip
    assert reasons["zh_CN"].due == date(2027, 1, 9)
    assert reasons["zh_CN"].reason == "农历腊月初二生日，明年 01-09"
    assert reasons["zh_TW"].reason == "農曆臘月初二生日，明年 01-09"
    assert reasons["en"].reason.endswith("birthday, next year on 01-09")
    later = row(followup_list(store, "birthdays", Period(date(2029, 1, 1), date(2029, 1, 31))),
                "林腊月")  # fmt: skip
    assert later.reason == f"农历腊月初二生日，在 {later.due.isoformat()}"  # its year said
    # printed in the new year, the same date is this year's again
    clock.at = local(2027, 1, 2)
    january = followup_list(store, "birthdays", Period(date(2027, 1, 1), date(2027, 1, 31)))
    assert row(january, "林腊月").reason == "农历腊月初二生日，今年是 01-09"


def test_dormant_members(shop) -> None:
    store, _, _ = shop
    fl = followup_list(store, "dormant", Period(date(2025, 1, 1), date(2026, 3, 10)))
    # 钱八九's last visit was 2025-12-11 00:01: 89 days; 钱冷却 was called 10 days ago;
    # 新回来 came back; the birthday members were here in February.
    assert names(fl) == {"钱九十", "钱半年", "钱一年", "钱无同意", "新未回"}
    edge = row(fl, "钱九十")  # last visit exactly 90 days ago, at 23:59 shop time
    assert edge.last_visit == date(2025, 12, 10) and edge.due == date(2026, 3, 10)
    assert edge.reason == "90 天未到店（3 个月未到店）"
    assert row(fl, "钱半年").reason == "221 天未到店（6 个月未到店）"
    assert row(fl, "钱一年").reason == "464 天未到店（12 个月未到店）"
    assert row(fl, "新未回").reason == "入会 49 天，入会后未再到店"
    assert not row(fl, "钱无同意").consent


def test_the_dormant_sheet_of_the_month_lists_who_crossed_a_line_in_it(shop) -> None:
    store, _, _ = shop
    assert default_period("dormant", date(2026, 3, 10)) == Period(
        date(2026, 2, 9), date(2026, 3, 10)
    )
    assert names(followup_list(store, "dormant")) == {"钱九十", "新未回"}
    assert names(followup_list(store, "dormant", dormant_days=[180])) == set()
    six = followup_list(
        store, "dormant", Period(date(2026, 1, 1), date(2026, 1, 31)), dormant_days=[180]
    )
    assert names(six) == {"钱半年"}


def test_the_90_day_line_is_drawn_on_shop_days_not_utc_hours(shop) -> None:
    store, fixture, clock = shop
    clock.at = local(2026, 3, 10, 23, 58)
    assert "钱八九" not in names(followup_list(store, "dormant"))
    clock.at = local(2026, 3, 11, 0, 0)  # midnight in Shanghai: the 11th is 90 days on
    assert "钱八九" in names(followup_list(store, "dormant"))


def test_new_member_care(shop) -> None:
    store, _, _ = shop
    fl = followup_list(store, "new")
    assert fl.period == Period(date(2026, 3, 4), date(2026, 3, 10))
    got = {r.name: (r.due, r.reason) for r in fl.rows}
    assert got == {
        "新三天": (date(2026, 3, 10), "入会第 3 天：感谢入会（03-07 入会）"),
        "新七天": (date(2026, 3, 8), "入会第 7 天：回访使用体验（03-01 入会）"),
        "新十五": (date(2026, 3, 10), "入会第 15 天：邀请再次到店（02-23 入会）"),
    }


def test_big_purchase_callbacks(shop) -> None:
    store, _, _ = shop
    fl = followup_list(store, "bigspend")
    # 差一分 spent ¥1,999.99; 已退货 returned everything; 太早大额 fell due on 02-27
    assert names(fl) == {"大额"}
    assert row(fl, "大额").due == date(2026, 3, 9)
    assert row(fl, "大额").reason == "03-02 消费 ¥2,380.00，7 天后回访"
    earlier = followup_list(store, "bigspend", Period(date(2026, 2, 24), date(2026, 3, 3)))
    assert names(earlier) == {"太早大额"}


def test_two_large_purchases_are_called_about_the_later_one_with_its_own_amount(shop) -> None:
    """¥3,000 on 03-01 and ¥2,185 on 03-03: the callback follows the purchase of 03-03 and
    says what was spent that day, never the other day's amount beside this day's date."""
    store, fx, clock = shop
    b = Builder(store, clock, fx.owner)
    b.member("两次大额", local(2024, 6, 1), phone="13700000001")
    b.buy("两次大额", local(2026, 3, 1, 15), 300000)
    b.buy("两次大额", local(2026, 3, 3, 15), 230000)  # ¥2,185 after the silver tier's 5 %
    clock.at = START
    got = row(followup_list(store, "bigspend"), "两次大额")
    assert got.due == date(2026, 3, 10)
    assert got.reason == "03-03 消费 ¥2,185.00，7 天后回访"


def test_regulars_who_are_dropping_away(shop) -> None:
    store, _, _ = shop
    fl = followup_list(store, "dropping")
    assert names(fl) == {"常客变少"}
    assert row(fl, "常客变少").reason == "平时约 27 天来一次，已 64 天未到店"


def test_a_logged_call_keeps_the_member_off_the_list_for_the_cooldown(shop) -> None:
    store, fx, clock = shop
    log_call(store, fx.lin, fx.ids["张四月"], "birthdays", "no_answer")
    assert "张四月" not in names(followup_list(store, "birthdays"))
    clock.advance(days=6)
    assert "张四月" not in names(followup_list(store, "birthdays", month_period("2026-04")))
    clock.advance(days=1)  # cooldown of 7 days is over: call again
    assert "张四月" in names(followup_list(store, "birthdays", month_period("2026-04")))


def test_a_member_reached_about_an_occasion_does_not_come_back_for_it(shop) -> None:
    """Talked to about her April birthday, 张四月 stays off April's sheet after the
    cooldown; her next birthday is a new occasion. 钱九十, reached about three months
    away, is not on the monthly dormant sheet again two weeks later, but is at six."""
    store, fx, clock = shop
    log_call(store, fx.lin, fx.ids["张四月"], "birthdays", "connected", "下周来店")
    log_call(store, fx.lin, fx.ids["钱九十"], "dormant", "appointment", "周末来")
    clock.advance(days=20)
    assert "张四月" not in names(followup_list(store, "birthdays", month_period("2026-04")))
    assert "钱九十" not in names(followup_list(store, "dormant"))
    assert "张四月" in names(followup_list(store, "birthdays", month_period("2027-04")))
    clock.advance(days=90)  # 2026-06-28: 钱九十 is six months away
    assert "钱九十" in names(followup_list(store, "dormant"))


def test_thresholds_are_settings(shop) -> None:
    store, fx, _ = shop
    save_followup_settings(store, fx.owner, cooldown_days={"birthdays": 0}, bigspend_fen=199_999)
    assert "吴冷却" in names(followup_list(store, "birthdays"))
    assert "郑不联系" not in names(followup_list(store, "birthdays"))  # 不再联系 is for good
    assert names(followup_list(store, "bigspend")) == {"大额", "差一分"}
    with pytest.raises(DomainError):
        save_followup_settings(store, fx.owner, bigspend_fen=-1)
    with pytest.raises(DomainError) as e:  # one visit has no usual interval
        save_followup_settings(store, fx.owner, regular_min_visits=1)
    assert e.value.code == "followup.regular_visits_invalid"
    assert "dropping" in LIST_KINDS and followup_list(store, "dropping").rows
    with pytest.raises(DomainError):
        save_followup_settings(store, fx.cashier, bigspend_fen=1)


def test_one_salespersons_members(shop) -> None:
    store, _, _ = shop
    assert names(followup_list(store, "birthdays", salesperson="小美")) == {"周无同意"}
    with pytest.raises(DomainError) as e:
        followup_list(store, "birthdays", salesperson="没有这人")
    assert e.value.code == "staff.not_found"


def test_bad_requests_are_refused(shop) -> None:
    store, _, _ = shop
    with pytest.raises(DomainError):
        followup_list(store, "vip")
    with pytest.raises(DomainError):
        followup_list(store, "birthdays", Period(date(2026, 5, 1), date(2026, 4, 1)))
    with pytest.raises(DomainError):
        month_period("2026-13")


def spending_less(store, fx, clock) -> tuple[Builder, int, int, str]:
    """花得少 still comes every ten days, but the last 90 days brought in far less than a
    usual 90 days of the year before. (builder, prior, recent, a receipt of the prior
    window)."""
    b = Builder(store, clock, fx.owner)
    b.member("花得少", local(2025, 1, 5, 9), sp=fx.mei, phone="13700001234")
    recent_from = date(2025, 12, 10)  # 90 days before 2026-03-10
    prior, recent = 0, 0
    day = date(2025, 1, 5)
    while day < recent_from:
        receipt = b.buy("花得少", local(day.year, day.month, day.day, 15), 50000, "羊毛大衣")
        if day == date(2025, 6, 4):
            b.at(local(2025, 6, 5))
            refund(store, fx.owner, receipt, reason="不合身")  # nothing of it counts
        else:
            prior += sale_total(store, receipt)
        day += timedelta(days=10)
    day = date(2025, 12, 12)
    while day <= date(2026, 3, 6):
        recent += sale_total(store, b.buy("花得少", local(day.year, day.month, day.day, 15), 1000))
        day += timedelta(days=10)
    clock.at = START
    return b, prior, recent, receipt


def spend_words(recent: int, prior: int) -> str:
    return f"近 90 天消费 {format_fen(recent)}，平时约 {format_fen(prior * 90 // 365)}"


def test_a_regular_who_now_spends_far_less_is_listed_with_both_amounts(shop) -> None:
    """Refunds count against the spend."""
    store, fx, clock = shop
    _, prior, recent, _ = spending_less(store, fx, clock)
    fl = followup_list(store, "dropping")
    got = row(fl, "花得少")
    assert got.due == date(2026, 3, 10) and got.salesperson == "小美"
    assert got.reason == spend_words(recent, prior)
    assert recent * 2 < prior * 90 // 365
    assert names(fl) == {"常客变少", "花得少"}


def as_a_fresh_store_sees_it(store, clock) -> list:
    """The list from a store opened anew, which sums the spend from scratch."""
    with Store(store.path, clock=clock) as fresh:
        return list(followup_list(fresh, "dropping").rows)


def test_spend_written_after_the_sums_were_taken_counts_once(shop) -> None:
    """The spend sums are taken once a day and brought up to date at each read: later
    sales and refunds, of sales the sums hold and of newer ones, count exactly once."""
    store, fx, clock = shop
    b, prior, recent, old = spending_less(store, fx, clock)
    assert row(followup_list(store, "dropping"), "花得少").reason == spend_words(recent, prior)
    b.at(local(2026, 3, 10, 11))
    prior -= sale_total(store, old)
    refund(store, fx.owner, old, reason="洗后缩水")  # a sale the sums hold
    recent += sale_total(store, b.buy("花得少", local(2026, 3, 10, 11), 2500))
    recent += sale_total(store, b.buy("花得少", local(2026, 3, 10, 12), 4000))
    refund(store, fx.owner, b.buy("花得少", local(2026, 3, 10, 12), 6000), reason="拿错")
    fl = followup_list(store, "dropping")
    assert row(fl, "花得少").reason == spend_words(recent, prior)
    assert list(fl.rows) == as_a_fresh_store_sees_it(store, clock)
    b.buy("花得少", local(2026, 3, 10, 16), 300000)  # a big spender again
    assert "花得少" not in names(followup_list(store, "dropping"))
    clock.advance(days=1)  # a new day: the windows move and the sums are taken again
    fl = followup_list(store, "dropping")
    assert list(fl.rows) == as_a_fresh_store_sees_it(store, clock)


def test_a_list_begun_before_the_sums_were_taken_sees_its_own_moment(shop) -> None:
    store, fx, clock = shop
    b, prior, recent, _ = spending_less(store, fx, clock)
    with store.read() as s:
        conn = s.connection()
        conn.exec_driver_sql("SELECT count(*) FROM sales").scalar_one()  # its snapshot
        b.buy("花得少", local(2026, 3, 10, 11), 9000)  # written after it began …
        prepare_dropping(store)  # … and held by the sums taken now
        spend = spend_windows.spend_reader(store, conn, date(2026, 3, 10), 90)
        assert spend(b.ids["花得少"]) == (recent, prior)


def test_the_sums_are_taken_once_a_day_for_the_window_in_the_settings(shop, monkeypatch) -> None:
    store, fx, clock = shop
    b, prior, recent, _ = spending_less(store, fx, clock)
    assert prepare_dropping(store) > 0  # the window's start-up jobs take them
    taken = []
    real = spend_windows._take
    monkeypatch.setattr(spend_windows, "_take", lambda *a: taken.append(a[1:]) or real(*a))
    for _ in range(3):
        assert row(followup_list(store, "dropping"), "花得少").reason == spend_words(recent, prior)
    assert taken == []
    save_followup_settings(store, fx.owner, spend_window_days=60)
    followup_list(store, "dropping")
    clock.advance(days=1)
    followup_list(store, "dropping")
    followup_list(store, "dropping")
    assert taken == [(date(2026, 3, 10), 60), (date(2026, 3, 11), 60)]


def sale_total(store, receipt_no: str) -> int:
    with store.read() as s:
        return s.scalar(
            select(Sale.total - Sale.refunded_total).where(Sale.receipt_no == receipt_no)
        )


@pytest.mark.parametrize(
    "zone", ["Asia/Shanghai", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
             "Pacific/Apia", "America/Havana"],
)  # fmt: skip
def test_visit_times_become_the_shops_local_dates_through_offset_changes(zone: str) -> None:
    """Lists work out a visit's local date once per UTC day; around daylight-saving
    changes, half-hour shifts and a skipped day it must still be the shop's own date."""
    tz = ZoneInfo(zone)
    day_of, day_of_text = local_dates(tz), LocalDays(tz).ordinal
    t, end = datetime(2011, 1, 1), datetime(2012, 1, 1, 0, 0, 0, 500000)
    while t < end:
        want = t.replace(tzinfo=UTC).astimezone(tz).date()
        assert day_of(t) == want, t
        assert day_of_text(t.strftime(STORED_DATETIME)) == want.toordinal(), t
        t += timedelta(minutes=17, microseconds=250001)
    assert day_of(None) is None


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Pacific/Apia"])
def test_regulars_late_for_their_habit_are_judged_on_the_shops_local_days(shop, zone) -> None:
    """The late-visit test is narrowed in SQL on UTC days and then judged exactly: no
    regular who is late by the shop's own calendar may be lost on the way, whatever
    the zone and however close to local midnight the visits were."""
    store, fx, clock = shop
    configure_shop(store, timezone=zone)
    tz, rng = ZoneInfo(zone), random.Random(zone)
    today = clock.now().astimezone(tz).date()
    period = default_period("dropping", today)
    b, expected, stored = Builder(store, clock, fx.owner), set(), []
    for i in range(150):
        name = f"常客{i:03d}"
        b.member(name, local(2024, 6, 1), phone=f"1380000{i:04d}")
        visits = rng.randint(4, 30)
        last_day = today - timedelta(days=rng.randint(1, 85))
        joined_day = last_day - timedelta(days=rng.randint(0, 400))
        at = [datetime.combine(d, datetime.min.time(), tz) + timedelta(minutes=rng.choice(
            [0, 1, 59, 60 * 12, 60 * 24 - 1, rng.randint(0, 60 * 24 - 1)]))
            for d in (last_day, joined_day)]  # fmt: skip
        stored.append((b.ids[name], visits, *(t.astimezone(UTC).replace(tzinfo=None) for t in at)))
        last, joined = at[0].date(), at[1].date()
        usual = max((last - min(joined, last)).days / (visits - 1), 1.0)
        late = last + timedelta(days=math.ceil(usual * 2))
        if late < today and late in period:
            expected.add(name)
    clock.at = START
    with store.write() as uow:
        for member_id, visits, last_at, joined_at in stored:
            uow.session.execute(
                update(Member).where(Member.id == member_id)
                .values(visit_count=visits, last_visit_at=last_at, joined_at=joined_at)
            )  # fmt: skip
    listed = {r.name for r in followup_list(store, "dropping").rows if r.name.startswith("常客")}
    assert listed - {"常客变少"} == expected and len(expected) > 10
