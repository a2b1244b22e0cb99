"""A fixture shop with hand-placed edge cases for every follow-up list.

Built once per session through the real operations (issue_card, checkout, refund,
log_call) with the clock moved to each moment, then copied per test. "Today" is
2026-03-10 10:00 in Shanghai (tests/conftest.py START).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from memberdesk.core.clock import FixedClock
from memberdesk.core.followups.calllog import log_call
from memberdesk.core.members.member import LunarDate, MemberForm, cancel, freeze, issue_card
from memberdesk.core.shop.details import configure_shop
from memberdesk.core.shop.staff import SYSTEM, Actor, add_staff
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout
from memberdesk.core.till.refunds import refund
from tests.conftest import START

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).astimezone(UTC)


@dataclass
class Shop:
    path: Path
    ids: dict[str, str]  # member name → id
    owner: Actor
    cashier: Actor
    lin: Actor  # salesperson 小林 (manager)
    mei: Actor  # salesperson 小美 (cashier)


class Builder:
    def __init__(self, store: Store, clock: FixedClock, owner: Actor) -> None:
        self.store, self.clock, self.owner = store, clock, owner
        self.ids: dict[str, str] = {}

    def at(self, moment: datetime) -> Builder:
        self.clock.at = moment
        return self

    def member(self, name: str, joined: datetime, *, sp: Actor | None = None, consent: bool = True,
               phone: str | None = None, **form: object) -> str:  # fmt: skip
        self.at(joined)
        n = len(self.ids)
        phone = phone or f"139{n:08d}"
        view = issue_card(self.store, self.owner, MemberForm(
            name=name, phone=phone, salesperson_id=sp.staff_id if sp else None,
            marketing_consent=consent, **form))  # fmt: skip
        self.ids[name] = view.id
        return view.id

    def buy(self, name: str, when: datetime, fen: int, what: str = "商品") -> str:
        self.at(when)
        r = checkout(self.store, self.owner, CheckoutRequest(
            lines=(SaleLineInput(what, fen),), member_id=self.ids[name], tenders={"cash": fen}))  # fmt: skip
        return r.receipt_no


def build_shop(path: Path) -> Shop:
    clock = FixedClock(START)
    store = Store(path, clock=clock)
    configure_shop(
        store, name="测试小店", store_code="S001", address="人民路 1 号", phone="0571-8888 6666"
    )
    owner = Actor(*_staff(store, SYSTEM, "老板", "owner", "8888"))
    lin = Actor(*_staff(store, owner, "小林", "manager", "6666"))
    mei = Actor(*_staff(store, owner, "小美", "cashier", "1111"))
    cashier = Actor(*_staff(store, owner, "收银员", "cashier", "2222"))
    b = Builder(store, clock, owner)
    old = local(2024, 6, 1)
    # ---- birthdays (next month = April 2026)
    b.member("张四月", old, sp=lin, birthday=date(1990, 4, 15))
    b.member(
        "李农历", old, sp=lin, lunar_birthday=LunarDate(1990, 3, 1)
    )  # born 1990-03-27, 2026-04-17
    b.member(
        "何农历", old, sp=mei, lunar_birthday=LunarDate(1990, 3, 15)
    )  # born 1990-04-10, 2026-05-01
    b.member("王闰日", old, sp=mei, birthday=date(2000, 2, 29))
    b.member("赵五一", old, sp=mei, birthday=date(1992, 5, 1))
    b.member("孙三一", old, sp=mei, birthday=date(1988, 3, 31))
    b.member("周无同意", old, sp=mei, consent=False, birthday=date(1995, 4, 20))
    b.member("吴冷却", old, sp=lin, birthday=date(1991, 4, 10))
    b.member("郑不联系", old, sp=lin, birthday=date(1993, 4, 12))
    b.member("冯注销", old, birthday=date(1990, 4, 18))
    b.member("陈冻结", old, birthday=date(1990, 4, 19))
    b.member("欧阳<&>娜", old, birthday=date(1990, 4, 21))  # markup in a name, no salesperson
    for name in ("张四月", "李农历", "何农历", "王闰日", "赵五一", "孙三一", "周无同意", "吴冷却",
                 "郑不联系", "欧阳<&>娜"):  # fmt: skip
        b.buy(name, local(2026, 2, 15), 2000)  # seen recently: not dormant
    # ---- dormant: 90 days before 2026-03-10 is 2025-12-10
    for name, visit, consent in (("钱九十", local(2025, 12, 10, 23, 59), True),
                                 ("钱八九", local(2025, 12, 11, 0, 1), True),
                                 ("钱半年", local(2025, 8, 1), True), ("钱一年", local(2024, 12, 1), True),
                                 ("钱冷却", local(2025, 11, 1), True), ("钱无同意", local(2025, 11, 2), False)):  # fmt: skip
        b.member(name, old, sp=lin, consent=consent)
        b.buy(name, visit, 5000)
    b.member("新未回", local(2026, 1, 20, 9), sp=mei)
    b.buy("新未回", local(2026, 1, 20, 11), 3000)
    b.member("新回来", local(2026, 1, 20, 9), sp=mei)
    b.buy("新回来", local(2026, 1, 20, 11), 3000)
    b.buy("新回来", local(2026, 2, 1, 11), 3000)
    # ---- new-member care (last 7 days: 03-04 … 03-10)
    b.member("新三天", local(2026, 3, 7, 18), sp=mei)
    b.member("新七天", local(2026, 3, 1, 9), sp=lin)
    b.member("新十五", local(2026, 2, 23, 20), sp=lin)
    b.member("新太早", local(2026, 2, 10, 12), sp=lin)
    # ---- big purchases (2000 元, a week later)
    for name in ("大额", "差一分", "已退货", "太早大额"):
        b.member(name, old, sp=mei)
    b.buy("大额", local(2026, 3, 2, 15), 238000, "羊绒大衣")
    b.buy("差一分", local(2026, 3, 2, 15), 199999)
    sale = b.buy("已退货", local(2026, 3, 2, 16), 250000)
    b.at(local(2026, 3, 3, 10))
    refund(store, owner, sale, reason="尺码不合适")
    b.buy("太早大额", local(2026, 2, 20, 15), 300000)
    # ---- regulars: monthly for a year, then away for 64 days; another still monthly
    b.member("常客变少", local(2025, 3, 10, 9), sp=lin)
    b.member("常客正常", local(2025, 3, 10, 9), sp=lin)
    for k in range(11):
        b.buy("常客变少", local(2025, 3, 10) + timedelta(days=30 * k), 8000)
        b.buy("常客正常", local(2025, 3, 25) + timedelta(days=30 * k), 8000)
    b.buy("常客变少", local(2026, 1, 5), 8000)  # last visit: 64 days ago, twice the usual 30
    b.buy("常客正常", local(2026, 2, 25), 8000)
    # ---- the call log
    b.at(START)
    log_call(store, lin, b.ids["吴冷却"], "birthdays", "no_answer", called_at=local(2026, 3, 7))
    log_call(store, lin, b.ids["郑不联系"], "dormant", "do_not_contact", "客户要求不再来电",
             called_at=local(2025, 12, 1))  # fmt: skip
    log_call(store, lin, b.ids["钱冷却"], "dormant", "connected", called_at=local(2026, 2, 28))
    cancel(store, owner, b.ids["冯注销"], "搬家")
    freeze(store, owner, b.ids["陈冻结"], "争议")
    store.close()
    return Shop(path, b.ids, owner, cashier, lin, mei)


def _staff(store: Store, actor: Actor, name: str, role: str, pin: str) -> tuple[str, str, str]:
    info = add_staff(store, actor, name, role, pin)
    return info.id, info.name, info.role


@pytest.fixture(scope="session")
def fixture_shop(tmp_path_factory: pytest.TempPathFactory) -> Shop:
    return build_shop(tmp_path_factory.mktemp("followup-shop") / "shop.sqlite")


@pytest.fixture
def shop(fixture_shop: Shop, tmp_path: Path) -> Iterator[tuple[Store, Shop, FixedClock]]:
    """A private copy of the fixture shop, the clock at 2026-03-10 10:00 Shanghai."""
    path = tmp_path / "shop.sqlite"
    for src in fixture_shop.path.parent.glob(fixture_shop.path.name + "*"):
        shutil.copy(src, path.with_name(src.name))
    clock = FixedClock(START)
    store = Store(path, clock=clock)
    yield store, fixture_shop, clock
    store.close()
