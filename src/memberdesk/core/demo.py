"""A realistic demo shop: staff, members with Chinese names, phones and birthdays.

Members are issued through the same operations the till uses, so `check` holds on
the result. Later modules add a history of visits through checkout.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .birthdays import lunar_of
from .clock import shop_date
from .db import Store
from .demo_names import random_mobile, random_name
from .errors import ValidationFailed
from .members import LunarDate, MemberForm, create_member
from .shop import configure_shop
from .staff import SYSTEM, Actor, add_staff, list_staff

DEMO_STAFF = [("老板", "owner", "8888"), ("店长小林", "manager", "6666"), ("收银小美", "cashier", "1111"), ("导购阿强", "cashier", "2222")]  # fmt: skip
DEMO_SHOP = {
    "name": "悦己服饰（演示店）",
    "address": "上海市徐汇区漕溪北路 88 号",
    "phone": "021-64000000",
}


@dataclass(frozen=True)
class DemoResult:
    members: int
    staff: list[str]


def ensure_demo_staff(store: Store) -> Actor:
    existing = {s.name: s for s in list_staff(store, include_inactive=True)}
    owner = None
    for name, role, pin in DEMO_STAFF:
        if name not in existing:
            existing[name] = add_staff(store, owner or SYSTEM, name, role, pin)
        if role == "owner":
            owner = Actor(existing[name].id, name, role)
    assert owner is not None
    return owner


def member_forms(
    rng: random.Random, count: int, today: date, salespeople: list[str]
) -> list[MemberForm]:
    forms = []
    for _ in range(count):
        name, gender = random_name(rng)
        born = today - timedelta(days=rng.randrange(18 * 365, 70 * 365))
        lunar = None
        if rng.random() < 0.1:  # about one in ten keeps a lunar birthday
            y, m, d, leap = lunar_of(born)
            lunar, born = LunarDate(y, m, d, leap), None
        forms.append(
            MemberForm(
                name=name, phone=random_mobile(rng), gender=gender, birthday=born, lunar_birthday=lunar,
                salesperson_id=rng.choice(salespeople) if salespeople else None,
                marketing_consent=rng.random() < 0.8,
                notes=rng.choice(["", "", "", "喜欢宽松款", "尺码 M", "只要黑色", "对羊毛过敏"]),
            )
        )  # fmt: skip
    return forms


def build_demo(store: Store, *, members: int = 300, seed: int = 2026) -> DemoResult:
    rng = random.Random(seed)
    configure_shop(store, **DEMO_SHOP)
    ensure_demo_staff(store)
    staff_ids = [s.id for s in list_staff(store)]
    today = shop_date(store.clock.now())
    forms = member_forms(rng, members, today, staff_ids)
    made = 0
    with store.write() as uow:
        for form in forms:
            with uow.session.begin_nested():
                try:
                    create_member(uow, form)
                    made += 1
                except ValidationFailed:  # a random phone collided: skip that one
                    continue
    return DemoResult(members=made, staff=[s.name for s in list_staff(store)])
