"""The benchmark shop's people and calendar, as plain numbers (no database here).

Eight years of a growing accessories shop, ending on END (the benchmark's "today"):

- members join during shop hours, more of them in later years (the shop grows);
  four in ten stop coming at some point (dormant members for the follow-up lists);
- how often a member comes is heavy-tailed (log-normal weights, sigma 1.68): a fifth
  of the members make about 80 % of the member sales; most members buy on the day
  they join; about one sale in ten is a walk-in without a card;
- 15 % of members keep a prepaid balance (a top-up when joining, more later);
- about 3 % of sales come back, most within days, a third of them partly;
- a few cards are lost and replaced, a few dormant members are frozen or cancelled.

Events are produced month by month (`month_events`), so a million members never
hold all their visits in memory at once. Everything follows from the seed.
"""

from __future__ import annotations

import bisect
import heapq
import math
import random
from array import array
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from memberdesk.core.demo.names import random_mobile, random_name
from memberdesk.core.members.member import LunarDate, MemberForm

START = datetime(2018, 3, 1, 2, 0)  # naive UTC: 10:00 in Shanghai
END = datetime(2026, 3, 1, 2, 0)  # the benchmark's "now": the first day of a month
DAYS = (END - START).days
OPEN_H, HOURS = 2.0, 11.0  # shop hours 10:00–21:00 Shanghai = 02:00–13:00 UTC
WALK_IN_SHARE = 0.10
JOIN_PURCHASE = 0.7  # most members sign up at the till while buying
CHURN = 0.4  # share of members who stop coming, after ~2 years on average
WALLET_USERS = 0.15
TOPUPS_PER_DAY = 1 / 365  # a wallet user's further top-ups
REFUND_SHARE = 0.03
PARTIAL_REFUND = 0.3
WEIGHT_SIGMA = 1.68  # log-normal: the top 20 % hold ~80 % of the weight
CATALOGUE = [
    ("耳钉", 3900), ("发夹套装", 2900), ("项链", 15900), ("手链", 8900), ("戒指", 12900),
    ("丝巾", 9900), ("帽子", 6900), ("托特包", 29900), ("墨镜", 19900), ("手表", 59900),
    ("胸针", 4900), ("钥匙扣", 1900),
]  # fmt: skip
NO_DISCOUNT = {"钥匙扣"}
TENDER_MIX = (("wechat", 50), ("alipay", 25), ("cash", 15), ("card", 10))
# What a member asks to top up; generate.py takes at most what the programme's 储值上限 leaves.
TOPUP_AMOUNTS = ((50000, 50), (100000, 30), (200000, 15), (500000, 5))
NOTES = ("", "", "", "", "", "喜欢银饰", "对镍过敏", "常买耳饰", "送礼为主")

JOIN, TOPUP, SALE, REFUND = 0, 1, 2, 3  # same-moment order


@dataclass(frozen=True)
class Event:
    at: datetime  # naive UTC
    kind: int
    member: int  # member index (join order); -1 for a walk-in
    ref: int = 0  # SALE: its sequence number; REFUND: the sale it returns
    returned: bool = False  # SALE: a refund of it follows later


@dataclass(frozen=True)
class Admin:
    """A card-desk act done at the start of a month (their own transactions)."""

    kind: str  # replace | lost | freeze | cancel
    member: int


def at(days: float) -> datetime:
    return START + timedelta(days=days)


def in_hours(days: float) -> float:
    """The same day, at a moment within shop hours (the fraction is reused as randomness)."""
    whole = math.floor(days)
    return whole + (OPEN_H + HOURS * (days - whole)) / 24


def month_starts() -> list[float]:
    out, d = [], date(START.year, START.month, 1)
    while (day := (datetime(d.year, d.month, 1, 2) - START).days) < DAYS:
        out.append(float(day))
        d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return out


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


class Population:
    """Who the members are and when they come; `sales_per_member` counts walk-ins too."""

    def __init__(self, members: int, sales_per_member: float, seed: int) -> None:
        self.n, self.seed = members, seed
        rng = random.Random(seed)
        growth = 1.0  # the last year sees twice the sign-ups of the first
        joins = []
        for _ in range(members):
            u = rng.random()  # inverse of F(x) = (x + g x²/2) / (1 + g/2)
            x = (-1 + math.sqrt(1 + 2 * growth * u * (1 + growth / 2))) / growth
            joins.append(in_hours(x * (DAYS - 1)))
        joins.sort()
        self.join = array("d", joins)
        self.stop = array("d", (DAYS if rng.random() >= CHURN else
                                min(DAYS, j + rng.expovariate(1 / 700)) for j in joins))  # fmt: skip
        weights = [rng.lognormvariate(0, WEIGHT_SIGMA) for _ in range(members)]
        exposure = sum(
            w * max(s - j, 0.0) for w, s, j in zip(weights, self.stop, joins, strict=True)
        )
        member_sales = sales_per_member * (1 - WALK_IN_SHARE) * members
        self.join_buys = bytearray(rng.random() < JOIN_PURCHASE for _ in range(members))
        rest = max(0.0, member_sales - sum(self.join_buys))
        scale = rest / exposure if exposure else 0.0
        self.rate = array("d", (min(1.0, w * scale) for w in weights))  # visits per day
        self.wallet = bytearray(rng.random() < WALLET_USERS for _ in range(members))
        self._starts = month_starts()
        self.admin: dict[int, list[Admin]] = {}
        for i in range(members):
            r = rng.random()
            if r < 0.01:  # a lost card, replaced some time during the membership
                self._admin(
                    self.join[i] + rng.random() * (self.stop[i] - self.join[i]), "replace", i
                )
            elif r < 0.016 and self.stop[i] < DAYS - 90:  # dormant: lost, frozen or cancelled
                kind = ("lost", "freeze", "cancel")[int((r - 0.01) / 0.002)]
                self._admin(self.stop[i] + 30, kind, i)
        self._refunds: list[tuple[float, int, int]] = []  # (when, sale seq, member)
        self._seq = 0
        self._month = -1

    def _admin(self, days: float, kind: str, member: int) -> None:
        month = bisect.bisect_right(self._starts, days) - 1
        self.admin.setdefault(max(month, 1), []).append(Admin(kind, member))

    @property
    def months(self) -> int:
        return len(self._starts)

    def month_start(self, month: int) -> datetime:
        return at(self._starts[month])

    def month_events(self, month: int) -> list[Event]:
        """Every join, visit, top-up and refund of one month, in time order (months in order)."""
        assert month == self._month + 1, "months are produced in order"
        self._month = month
        lo = self._starts[month]
        hi = self._starts[month + 1] if month + 1 < len(self._starts) else float(DAYS)
        rng = random.Random(self.seed * 1000 + month)
        raw: list[tuple[float, int, int]] = []  # (day, kind, member)
        first, last = bisect.bisect_left(self.join, lo), bisect.bisect_left(self.join, hi)
        for i in range(first, last):
            raw.append((self.join[i], JOIN, i))
            if self.wallet[i]:
                raw.append((self.join[i] + 1 / 1440, TOPUP, i))
            if self.join_buys[i]:
                raw.append((self.join[i] + 5 / 1440, SALE, i))
        member_visits = 0
        for i in range(last):
            a, b = max(lo, self.join[i] + 1), min(hi, self.stop[i])
            if b <= a:
                continue
            for _ in range(poisson(rng, self.rate[i] * (b - a))):
                raw.append((in_hours(a + rng.random() * (b - a)), SALE, i))
                member_visits += 1
            if self.wallet[i]:
                for _ in range(poisson(rng, TOPUPS_PER_DAY * (b - a))):
                    raw.append((in_hours(a + rng.random() * (b - a)), TOPUP, i))
        walk_ins = poisson(
            rng, (member_visits + last - first) * WALK_IN_SHARE / (1 - WALK_IN_SHARE)
        )
        for _ in range(walk_ins):
            raw.append((in_hours(lo + rng.random() * (hi - lo)), SALE, -1))
        raw.sort()
        events: list[Event] = []
        for day, kind, member in raw:
            while self._refunds and self._refunds[0][0] < day:
                when, sale, who = heapq.heappop(self._refunds)
                events.append(Event(at(when), REFUND, who, sale))
            ref, returned = 0, False
            if kind == SALE:
                ref = self._seq = self._seq + 1
                if rng.random() < REFUND_SHARE:
                    when = day + 0.005 + 14 * rng.random() ** 2
                    if when < DAYS:
                        heapq.heappush(self._refunds, (when, ref, member))
                        returned = True
            events.append(Event(at(day), kind, member, ref, returned))
        while self._refunds and self._refunds[0][0] < hi:
            when, sale, who = heapq.heappop(self._refunds)
            events.append(Event(at(when), REFUND, who, sale))
        return events

    def admin_acts(self, month: int) -> list[Admin]:
        return self.admin.get(month, [])


class Faces:
    """Names, phones, birthdays of the members, made in join order from their own seed."""

    def __init__(self, seed: int, salespeople: list[str]) -> None:
        self.rng = random.Random(seed ^ 0x5EED)
        self.salespeople = salespeople
        self.phones: set[str] = set()

    def form(self, joined: datetime, referrer_phone: str | None) -> MemberForm:
        rng = self.rng
        name, gender = random_name(rng)
        while (phone := random_mobile(rng)) in self.phones:
            pass
        self.phones.add(phone)
        born = joined.date() - timedelta(days=rng.randrange(18 * 365, 60 * 365))
        solar, lunar = born, None
        if rng.random() < 0.1:  # about one in ten keeps a lunar birthday (chosen as one)
            solar, lunar = None, LunarDate(born.year, rng.randrange(1, 13), rng.randrange(1, 30))
        return MemberForm(
            name=name, phone=phone, gender=gender, birthday=solar, lunar_birthday=lunar,
            salesperson_id=rng.choice(self.salespeople) if rng.random() < 0.7 else None,
            referrer=referrer_phone, marketing_consent=rng.random() < 0.8, notes=rng.choice(NOTES),
        )  # fmt: skip


def basket(rng: random.Random) -> list[tuple[str, int, int]]:
    """(description, unit price in fen, quantity) for one visit."""
    picks = rng.sample(CATALOGUE, k=rng.choice((1, 1, 1, 2, 2, 3)))
    return [(desc, price, rng.choice((1, 1, 1, 2))) for desc, price in picks]


def tender(rng: random.Random) -> str:
    return rng.choices([t for t, _ in TENDER_MIX], [w for _, w in TENDER_MIX])[0]


def topup_amount(rng: random.Random) -> int:
    return rng.choices([a for a, _ in TOPUP_AMOUNTS], [w for _, w in TOPUP_AMOUNTS])[0]
