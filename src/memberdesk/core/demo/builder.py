"""A realistic demo shop: staff, members with Chinese names, phones and birthdays,
and two years of visits — sales, redemptions, top-ups and a few refunds.

Everything goes through the till's own operations (create_member, checkout_in,
top-up, refund) with the transaction's clock set to the moment being replayed,
so the ledgers, outbox rows and `check` are exactly what real use would produce.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..clock import from_utc_naive, shop_date, to_utc_naive
from ..errors import DomainError, ValidationFailed
from ..i18n import DEFAULT_LANG, N_, gettext, localised, normalise
from ..items.catalogue import ItemView
from ..loyalty.pricing import redeem_value
from ..loyalty.program import preset
from ..loyalty.program_store import ensure_program, program_in_force, save_program
from ..members.birthdays import lunar_of
from ..members.member import LunarDate, MemberForm, create_member
from ..shop.details import configure_shop, mark_demo, shop_info
from ..shop.staff import SYSTEM, Actor, add_staff, list_staff
from ..store.database import Store
from ..store.models import Shift
from ..store.uow import UnitOfWork
from ..till.checkout import CheckoutRequest, SaleLineInput, checkout_in, compute, usable_member
from ..till.refunds import refund_in
from ..till.shifts import close_shift_in, open_shift_in, summarise_shift
from ..till.wallet import top_up_in, topup_room_in
from .catalogue import demo_catalogue
from .names import random_mobile, random_name

DEMO_STAFF = [("老板", "owner", "8888"), ("店长小林", "manager", "6666"), ("收银小美", "cashier", "1111"), ("导购阿强", "cashier", "2222")]  # fmt: skip


DEMO_SHOP = {
    "name": "悦己服饰（演示店）",
    "address": "上海市徐汇区漕溪北路 88 号",
    "phone": "021-64000000",
}


CATALOGUE = [
    ("纯棉T恤", 12900), ("牛仔裤", 29900), ("针织开衫", 39900), ("羊毛大衣", 129900), ("连衣裙", 45900),
    ("衬衫", 19900), ("袜子三双装", 3900), ("围巾", 15900), ("运动外套", 35900), ("半身裙", 25900),
]  # fmt: skip


TENDER_MIX = [("wechat", 50), ("alipay", 25), ("cash", 15), ("card", 10)]


@dataclass(frozen=True)
class DemoResult:
    members: int
    sales: int
    topups: int
    refunds: int
    staff: list[str]


def ensure_demo_staff(store: Store, lang: str = DEFAULT_LANG) -> Actor:
    existing = {s.name: s for s in list_staff(store, include_inactive=True)}
    owner = None
    for simplified, role, pin in DEMO_STAFF:
        name = localised(simplified, lang)
        if name not in existing:
            existing[name] = add_staff(store, owner or SYSTEM, name, role, pin)
        if role == "owner":
            owner = Actor(existing[name].id, name, role)
    assert owner is not None
    return owner


def member_forms(
    rng: random.Random, count: int, today: date, salespeople: list[str],
    lang: str = DEFAULT_LANG,
) -> list[MemberForm]:  # fmt: skip
    forms = []
    for _ in range(count):
        name, gender = random_name(rng)
        name = localised(name, lang)
        born: date | None = today - timedelta(days=rng.randrange(18 * 365, 70 * 365))
        lunar = None
        if rng.random() < 0.1:  # about one in ten keeps a lunar birthday
            y, m, d, leap = lunar_of(born)
            lunar, born = LunarDate(y, m, d, leap), None
        forms.append(
            MemberForm(
                name=name, phone=random_mobile(rng), gender=gender, birthday=born, lunar_birthday=lunar,
                salesperson_id=rng.choice(salespeople) if salespeople else None,
                marketing_consent=rng.random() < 0.8,
                notes=localised(rng.choice(["", "", "", "喜欢宽松款", "尺码 M", "只要黑色", "对羊毛过敏"]), lang),
            )
        )  # fmt: skip
    return forms


def _lines(rng: random.Random, lang: str = DEFAULT_LANG,
           items: list[ItemView] | None = None) -> tuple[SaleLineInput, ...]:  # fmt: skip
    """The goods of one sale: catalogue items when the shop has them, else typed lines."""
    k = rng.choice((1, 1, 1, 2, 2, 3))
    if items:
        return tuple(
            SaleLineInput(
                i.name,
                i.price,
                rng.choice((1, 1, 1, 2)),
                i.category,
                i.no_discount,
                item_id=i.id,
                item_code=i.code,
                member_price=i.member_price,
                earns_points=i.earns_points,
            )  # fmt: skip
            for i in rng.sample(items, k=k)
        )
    picks = rng.sample(CATALOGUE, k=k)
    return tuple(
        SaleLineInput(
            localised(desc, lang),
            price,
            quantity=rng.choice((1, 1, 1, 2)),
            no_discount=desc == "袜子三双装",
        )  # fmt: skip
        for desc, price in picks
    )


def _tender(rng: random.Random) -> str:
    return rng.choices([t for t, _ in TENDER_MIX], [w for _, w in TENDER_MIX])[0]


def demo_sale(
    uow: UnitOfWork, rng: random.Random, cashier: Actor, member_id: str | None,
    items: list[ItemView] | None = None,
) -> str | None:  # fmt: skip
    """One plausible sale: sometimes redeeming points, sometimes paying by wallet."""
    s = uow.session
    shop = shop_info(s)
    req = CheckoutRequest(lines=_lines(rng, shop.language, items), member_id=member_id)
    program = ensure_program(uow).program
    today = uow.today(shop.timezone)
    member = usable_member(s, member_id) if member_id else None
    preview = compute(s, program, member, req, today, require_full_payment=False)
    redeem = 0
    if preview.limits and preview.limits.max_points and rng.random() < 0.3:
        redeem = preview.limits.max_points
    due = preview.pricing.total_fen - (redeem_value(program, redeem) if redeem else 0)
    wallet = (
        min(due, member.wallet_principal + member.wallet_bonus)
        if member and rng.random() < 0.7
        else 0
    )
    rest = due - wallet
    tender = _tender(rng)
    paid = {tender: rest if tender != "cash" else -(-rest // 10000) * 10000} if rest else {}
    final = CheckoutRequest(req.lines, member_id, redeem_points=redeem, wallet=wallet, tenders=paid)
    try:
        return checkout_in(uow, cashier, final).sale_id
    except DomainError:
        return None


def _moments(rng: random.Random, start: datetime, end: datetime, n: int) -> list[datetime]:
    span = (end - start).total_seconds()
    out = []
    for _ in range(n):
        moment = start + timedelta(seconds=rng.random() * span)
        # Shop hours: 10:00–21:00 Shanghai = 02:00–13:00 UTC; kept inside [start, end]
        # (a visit never before joining, nor later than now).
        moment = moment.replace(hour=rng.randrange(2, 13), minute=rng.randrange(60))
        out.append(max(start, min(moment, end)))
    return sorted(out)


def build_demo(
    store: Store, *, members: int = 300, seed: int = 2026, years: float = 2.0,
    lang: str = DEFAULT_LANG,
) -> DemoResult:  # fmt: skip
    """The demo shop, in `lang`: its language, its program's names, and (繁體) its data."""
    rng = random.Random(seed)
    lang = normalise(lang)
    configure_shop(store, **{k: localised(v, lang) for k, v in DEMO_SHOP.items()}, language=lang)
    mark_demo(store)
    owner = ensure_demo_staff(store, lang)
    staff = list_staff(store)
    with store.read() as s:
        has_program = program_in_force(s) is not None
    if not has_program:
        note = gettext(N_("Demo shop: the clothing store program"), lang)
        save_program(store, owner, preset("clothing", lang), note=note)
    cashiers = [Actor(x.id, x.name, x.role) for x in staff]
    now = to_utc_naive(store.clock.now())
    opened, closed = _shift_window(store, now)
    # Everything before the last shop day's shift, which is written last: a till's records
    # then run in time order, as a real till's do (HQ lists a record older than the ones
    # before it as the till's clock going back).
    end = min(now, opened)
    start = now - timedelta(days=int(365 * years))
    today = shop_date(store.clock.now())
    forms = member_forms(rng, members, today, [x.id for x in staff], lang)
    joins = _moments(rng, start, end - timedelta(hours=1), members)
    events: list[tuple[datetime, int, str, int]] = [(t, 0, "join", i) for i, t in enumerate(joins)]
    made: list[str | None] = [None] * members
    # A fifth of the members make most of the visits.
    for i, joined in enumerate(joins):
        visits = rng.randrange(4, 25) if rng.random() < 0.2 else rng.randrange(0, 5)
        for t in _moments(rng, joined + timedelta(minutes=5), end, visits):
            events.append((t, 1, "sale", i))
        if rng.random() < 0.15:
            events.append((joined + timedelta(minutes=2), 1, "topup", i))
    # Walk-in customers (散客) too, about one sale in five, as a shop's day has them.
    member_sales = sum(1 for e in events if e[2] == "sale")
    for t in _moments(rng, start, end - timedelta(minutes=5), member_sales // 4):
        events.append((t, 1, "walkin", -1))
    events.sort(key=lambda e: (e[0], e[1]))
    counts = {"sales": 0, "topups": 0, "refunds": 0}
    sale_ids: list[str] = []
    with store.write() as uow:
        uow.now = start
        items = demo_catalogue(uow, owner, lang)
        for moment, _, kind, idx in events:
            uow.now = moment
            cashier = rng.choice(cashiers)
            with uow.session.begin_nested():
                try:
                    if kind == "join":
                        made[idx] = create_member(uow, forms[idx], joined_at=moment).id
                    elif kind == "topup" and made[idx] is not None:
                        amount = rng.choice((50000, 100000, 200000, 500000))
                        room = topup_room_in(uow, made[idx])  # the programme's 储值上限
                        amount = amount if room is None else min(amount, room)
                        if amount > 0:
                            top_up_in(uow, cashier, made[idx], amount, _tender(rng))
                            counts["topups"] += 1
                    elif kind in ("sale", "walkin"):
                        member_id = made[idx] if kind == "sale" else None
                        sale_id = demo_sale(uow, rng, cashier, member_id, items)
                        if sale_id:
                            counts["sales"] += 1
                            sale_ids.append(sale_id)
                            if rng.random() < 0.03:
                                reason = localised("尺码不合适", lang)
                                refund_in(uow, owner, owner, sale_id, None, reason, None)
                                counts["refunds"] += 1
                except (ValidationFailed, DomainError):
                    continue
    regulars = [m for m in made if m is not None]
    counts["sales"] += _closed_shift(store, rng, cashiers, opened, closed, lang, regulars)
    return DemoResult(sum(m is not None for m in made), counts["sales"], counts["topups"], counts["refunds"],
                      [x.name for x in staff])  # fmt: skip


def _shift_window(store: Store, end: datetime) -> tuple[datetime, datetime]:
    """When the cashier's shift of the last shop day opened and closed (10:00–21:00, or
    until a few minutes ago), naive UTC."""
    with store.read() as s:
        tz = ZoneInfo(shop_info(s).timezone)
    local_end = from_utc_naive(end).astimezone(tz)
    day = local_end.date() - timedelta(days=0 if local_end.hour >= 12 else 1)
    opened = to_utc_naive(datetime.combine(day, time(10, 0), tz))
    return opened, min(end - timedelta(minutes=5), opened + timedelta(hours=11))


def _closed_shift(
    store: Store, rng: random.Random, cashiers: list[Actor], opened: datetime, closed: datetime,
    lang: str, members: list[str],
) -> int:  # fmt: skip
    """The cashier's shift of the last shop day, members' and walk-in sales in it, closed ¥20
    short with a note: the shift close has something to show, and the next float is offered
    from its hand-over."""
    cashier = next((a for a in cashiers if a.role == "cashier"), None)
    if cashier is None:
        return 0
    sold = 0
    with store.write() as uow:
        uow.now = opened
        shift_id = open_shift_in(uow, cashier, 50000)
        for k in range(1, 7):
            uow.now = opened + (closed - opened) * k / 8
            with uow.session.begin_nested():
                member = rng.choice(members) if members and k % 3 else None  # 2 in 3
                sold += demo_sale(uow, rng, cashier, member) is not None
        uow.now = closed
        shift = uow.session.get(Shift, shift_id)
        expected = summarise_shift(uow.session, shift, uow.now, cashier.name).expected_cash
        counted = max(expected - 2000, 0)
        close_shift_in(uow, cashier, shift_id, counted, handover=min(50000, counted),
                       note=localised("找零时多给了一张二十元", lang))  # fmt: skip
    return sold
