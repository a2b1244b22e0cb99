"""The loyalty program as one validated, versioned settings document.

Everything a shop owner can tune lives here as data: earning, tiers, promotions,
redemption, expiry and stored value. Money is integer fen (1 元 = 100 fen),
percentages are integer percent, points are integers. The rules that *use* these
settings live in ``pricing.py``; this module only says what a valid program is.
"""

from __future__ import annotations

import calendar
import json
from functools import lru_cache
from typing import Any, Literal

from pydantic import (
    ValidationError,
    field_validator,
)

from ..i18n import DEFAULT_LANG, LANGS, N_, gettext, normalise
from ..money import format_fen
from .coupon_rules import CouponRules
from .presets import FORMER_NAMES, PRESET_DATA
from .program_base import (
    Code,
    KeepYears,
    Month,
    MonthDay,
    Multiplier,
    Name,
    NonNeg,
    Percent,
    Positive,
    Weekday,
)
from .program_base import Rules as _Rules
from .program_errors import Problem, ProgramInvalid, problem, problems_from, refuse

SCHEMA_VERSION = 1


# Tender names a sale can be paid with. "points" is redemption and never earns.
TENDERS: tuple[str, ...] = ("cash", "card", "wechat", "alipay", "wallet", "points")


# How a tender reads on a screen, a slip or in a message (translated where shown).
TENDER_NAMES: dict[str, str] = {
    "cash": N_("Cash"),
    "card": N_("Bank card"),
    "wechat": N_("WeChat Pay"),
    "alipay": N_("Alipay"),
    "wallet": N_("Stored value"),
    "points": N_("Points"),
}


class EarnRule(_Rules):
    fen_per_point: Positive = 100  # fen paid for 1 point: 100 = 1 元→1 分, 10000 = 100 元→1 分
    rounding: Literal["floor", "round_half_up"] = "floor"  # how a part-point is rounded
    tenders: tuple[str, ...] = ("cash", "card", "wechat", "alipay", "wallet")  # which earn
    no_discount_lines_earn: bool = True  # do 不打折 lines (tobacco, vouchers…) earn points?

    @field_validator("tenders")
    @classmethod
    def _known_tenders(cls, tenders: tuple[str, ...]) -> tuple[str, ...]:
        out: list[Problem] = []
        for i, tender in enumerate(tenders):
            if tender not in TENDERS:
                out.append(problem(str(i), N_("unknown tender: {tender}"), tender=tender))
            elif tender == "points":
                out.append(problem(str(i), N_("points payments never earn")))
            elif tender in tenders[:i]:
                out.append(problem(str(i), N_("duplicate tender: {tender}"), tender=tender))
        refuse(out)
        return tenders


class Tier(_Rules):
    code: Code  # stored on the member row, e.g. "silver"
    name: Name  # shown to people, e.g. 银卡
    threshold_fen: NonNeg  # spend in the window needed to reach this tier
    discount_percent: Percent = 0  # percent OFF the price: 5 = 95折
    multiplier_percent: Multiplier = 100  # points multiplier: 150 = 1.5x


class TierRule(_Rules):
    levels: tuple[Tier, ...]  # lowest first; the first one starts at 0 (everyone has a tier)
    window: Literal[
        "current_quarter", "last_12_months", "calendar_year", "lifetime", "rolling_days"
    ] = "last_12_months"
    window_days: NonNeg | None = None  # only for window="rolling_days"
    downgrade_at_review: bool = False  # upgrades are immediate; downgrades only at review
    review: Literal["monthly", "quarterly", "yearly"] = "yearly"

    @field_validator("levels")
    @classmethod
    def _ordered_levels(cls, levels: tuple[Tier, ...]) -> tuple[Tier, ...]:
        if not levels:
            refuse([problem("", N_("at least one tier is required"))])
        out: list[Problem] = []
        if levels[0].threshold_fen != 0:
            out.append(problem("0.threshold_fen", N_("the first tier must start at 0")))
        for i in range(1, len(levels)):
            if levels[i].threshold_fen <= levels[i - 1].threshold_fen:
                out.append(
                    problem(
                        f"{i}.threshold_fen",
                        N_("threshold must be higher than the previous tier's"),
                    )
                )
        for i, tier in enumerate(levels):
            if tier.code in [t.code for t in levels[:i]]:
                out.append(problem(f"{i}.code", N_("duplicate tier code: {code}"), code=tier.code))
        refuse(out)
        return levels

    def _problems(self) -> list[Problem]:
        out: list[Problem] = []
        if self.window == "rolling_days" and not self.window_days:
            out.append(problem("window_days", N_("must be more than 0 for rolling_days")))
        return out


class BirthdayPrivilege(_Rules):
    period: Literal["day", "week", "month"] = (
        "week"  # week = the ISO week (Mon–Sun) of the birthday
    )
    kind: Literal["discount", "multiplier", "gift"] = "discount"
    discount_percent: Percent = 0  # percent OFF, for kind="discount": 30 = 7折
    multiplier_percent: Multiplier = 100  # for kind="multiplier": 200 = double points
    gift_name: str = ""  # for kind="gift"
    uses_per_year: Positive | None = 1  # purchases (or gifts) per birthday; None = every one
    min_tier: str | None = None  # lowest tier code entitled; None = every member

    def _problems(self) -> list[Problem]:
        if self.kind == "discount" and self.discount_percent == 0:
            return [problem("discount_percent", N_("must be more than 0 for a discount"))]
        if self.kind == "multiplier" and self.multiplier_percent == 100:
            return [problem("multiplier_percent", N_("must be above 100 for a multiplier"))]
        if self.kind == "gift" and not self.gift_name.strip():
            return [problem("gift_name", N_("the gift name cannot be empty"))]
        return []


class FirstMonthChallenge(_Rules):
    days: Positive = 30  # counted from the joining day (day 1 = the joining day)
    target_points: Positive = 2000  # points earned since joining needed
    bonus_points: Positive = 500  # given once when the target is reached in time


class Promotions(_Rules):
    double_points_weekday: Weekday | None = None  # ISO weekday, Monday = 1; None = off
    double_points_multiplier_percent: Multiplier = 200
    # Member day: day of month. 29–31 fall on the last day of shorter months.
    member_day: MonthDay | None = None
    member_day_discount_percent: Percent = 0
    member_day_multiplier_percent: Multiplier = 100
    birthday: BirthdayPrivilege | None = None
    signup_bonus_points: NonNeg = 0  # given when the member joins
    referral_bonus_points: NonNeg = 0  # to the referrer, on the referee's first purchase
    first_month: FirstMonthChallenge | None = None

    def _problems(self) -> list[Problem]:
        if (
            self.member_day is not None
            and self.member_day_discount_percent == 0
            and self.member_day_multiplier_percent == 100
        ):
            return [
                problem("member_day", N_("a member day needs a discount or a points multiplier"))
            ]
        return []


class Gift(_Rules):
    code: Code
    name: Name  # 礼品名称
    points: Positive  # points it costs
    stock: NonNeg | None = None  # initial stock; None = unlimited


class RedeemRule(_Rules):
    points_per_yuan: Positive = 100  # points that pay 1 元: 100 = 100 分抵1元, 10 = 10 分抵1元
    min_points: NonNeg = 100  # smallest redemption
    unit_points: Positive = 100  # redeem in whole multiples of this
    max_share_percent: Percent = 50  # points pay at most this share of the sale after discounts
    windows: tuple[Month, ...] = ()  # months when redeeming is allowed; empty = all year
    gifts: tuple[Gift, ...] = ()

    def _problems(self) -> list[Problem]:
        out: list[Problem] = []
        if (self.unit_points * 100) % self.points_per_yuan:
            out.append(
                problem(
                    "unit_points", N_("one redemption unit must be worth a whole number of fen")
                )
            )
        return out

    @field_validator("windows")
    @classmethod
    def _distinct_months(cls, windows: tuple[int, ...]) -> tuple[int, ...]:
        refuse(
            [
                problem(str(i), N_("duplicate month: {month}"), month=m)
                for i, m in enumerate(windows)
                if m in windows[:i]
            ]
        )
        return windows

    @field_validator("gifts")
    @classmethod
    def _distinct_gifts(cls, gifts: tuple[Gift, ...]) -> tuple[Gift, ...]:
        out: list[Problem] = []
        for i, gift in enumerate(gifts):
            if gift.code in [g.code for g in gifts[:i]]:
                out.append(problem(f"{i}.code", N_("duplicate gift code: {code}"), code=gift.code))
        refuse(out)
        return gifts


class ExpiryRule(_Rules):
    """When points expire.

    never: they do not. months_after_earn: a lot expires ``months`` months after the day it
    was earned. yearly_clear: on the clearing day (``clear_month``/``clear_day``) of every
    year Y, points earned before 1 January of year Y - ``keep_years`` expire. So points
    earned in year E are cleared on the clearing day of year E + 1 + ``keep_years``:

    - clearing on 1 January, keep_years 0: valid to 31 December of the year earned;
    - clearing on 1 January, keep_years 1: valid to 31 December of the next year
      (积分有效期至获得积分次年的12月31日: earned 10 March 2026, gone on 1 January 2028);
    - clearing on 31 March, keep_years 0: valid to 30 March of the next year (a grace
      quarter to spend last year's points); keep_years 1: to 30 March the year after.

    A stored program without ``keep_years`` (saved before there was one) keeps 0.
    """

    mode: Literal["never", "months_after_earn", "yearly_clear"] = "never"
    months: NonNeg | None = None  # months_after_earn: a lot expires N months after its earn date
    clear_month: Month = 1  # yearly_clear: the clearing day…
    clear_day: MonthDay = 1
    keep_years: KeepYears = 0  # …and how many more years the points are kept (see above)

    def _problems(self) -> list[Problem]:
        out: list[Problem] = []
        if self.mode == "months_after_earn" and not self.months:
            out.append(problem("months", N_("must be more than 0 in months mode")))
        # 2001 is not a leap year: a 29 Feb clearing date would skip three years in four.
        if self.clear_day > calendar.monthrange(2001, self.clear_month)[1]:
            out.append(problem("clear_day", N_("that month has no such day")))
        return out


class TopupTier(_Rules):
    min_topup_fen: Positive  # top up at least this much…
    bonus_fen: NonNeg  # …and get this much bonus (充1000送100 = 100000 / 10000)


# 单用途商业预付卡管理办法（试行） art. 20: a registered (记名) card holds at most ¥5,000.
DEFAULT_PRINCIPAL_LIMIT_FEN = 500_000


class WalletRule(_Rules):
    topup_bonus: tuple[TopupTier, ...] = ()  # the highest tier reached applies (no stacking)
    # The most of their own money (储值本金) a member may hold: a top-up that would take the
    # principal above it is refused; the bonus does not count. 0 = no limit (a shop the
    # rule does not cover). A stored program without it (saved before) gets the default.
    principal_limit_fen: NonNeg = DEFAULT_PRINCIPAL_LIMIT_FEN
    spend_order: Literal["principal_first", "bonus_first", "proportional"] = "principal_first"
    # On a refund whose earned points the member already spent: block it, let the balance
    # go negative, or take the points' cash value from the refund.
    refund_policy: Literal["refuse", "allow_negative", "deduct_cash"] = "refuse"

    @field_validator("topup_bonus")
    @classmethod
    def _increasing(cls, tiers: tuple[TopupTier, ...]) -> tuple[TopupTier, ...]:
        out: list[Problem] = []
        for i in range(1, len(tiers)):
            if tiers[i].min_topup_fen <= tiers[i - 1].min_topup_fen:
                out.append(problem(f"{i}.min_topup_fen", N_("top-up tiers must increase")))
            elif tiers[i].bonus_fen < tiers[i - 1].bonus_fen:
                out.append(
                    problem(
                        f"{i}.bonus_fen", N_("the bonus cannot be lower than the previous tier's")
                    )
                )
        refuse(out)
        return tiers


class CategoryRule(_Rules):
    """How the program treats one category of the catalogue (as the items name it)."""

    name: Name  # the category, e.g. 烟酒
    discount_percent: Percent = 0  # members' percent OFF on it: 10 = 9折 (the best one applies)
    no_discount: bool = False  # 不打折: no percentage discount on it at all
    earns_points: bool = True  # whether what is paid for it earns points

    def _problems(self) -> list[Problem]:
        if self.no_discount and self.discount_percent:
            return [problem("discount_percent", N_("a category without discounts has no discount"))]
        return []


class CountCardRule(_Rules):
    """Count cards (次卡): what a member gets back for the counts they never used.

    pro_rata: the unused share of what they paid (paid × unused ÷ counts, down to a fen);
    visit_price: what they paid less every used count at the covered item's own price
    (a card of ten haircuts for 400 元, two used at 50 元: 300 元 back; never below
    nothing; a card for a category falls back to pro_rata); none: nothing comes back.
    """

    refund: Literal["pro_rata", "visit_price", "none"] = "pro_rata"


class SpendGift(_Rules):
    """A gift for spend (购物满额赠礼): one of the gift catalogue's (stock counted), earned by
    a sale of at least ``threshold_fen`` (period "sale"), or by the sale with which the
    member's spend in the calendar month / quarter / year first reaches it."""

    gift_code: Code
    threshold_fen: Positive
    period: Literal["sale", "month", "quarter", "year"] = "sale"


class Program(_Rules):
    """The whole loyalty program; stored as a versioned JSON document."""

    schema_version: Literal[1] = SCHEMA_VERSION
    code: str = "custom"  # preset it started from, or "custom"
    name: str = ""
    earn: EarnRule = EarnRule()
    tiers: TierRule
    promotions: Promotions = Promotions()
    redeem: RedeemRule = RedeemRule()
    expiry: ExpiryRule = ExpiryRule()
    wallet: WalletRule = WalletRule()
    categories: tuple[CategoryRule, ...] = ()  # the catalogue's categories the rules single out
    count_cards: CountCardRule = CountCardRule()
    spend_gifts: tuple[SpendGift, ...] = ()  # gifts for spend, from redeem.gifts
    coupons: CouponRules = CouponRules()  # 代金券: its kinds and what issues them

    @field_validator("categories")
    @classmethod
    def _distinct_categories(cls, rules: tuple[CategoryRule, ...]) -> tuple[CategoryRule, ...]:
        out: list[Problem] = []
        for i, rule in enumerate(rules):
            if rule.name in [r.name for r in rules[:i]]:
                out.append(problem(f"{i}.name", N_("duplicate category: {name}"), name=rule.name))
        refuse(out)
        return rules

    def _problems(self) -> list[Problem]:
        bday = self.promotions.birthday
        codes = [t.code for t in self.tiers.levels]
        out = []
        if bday is not None and bday.min_tier is not None and bday.min_tier not in codes:
            out.append(
                problem(
                    "promotions.birthday.min_tier", N_("no such tier: {tier}"), tier=bday.min_tier
                )
            )
        gifts = [g.code for g in self.redeem.gifts]
        for i, offer in enumerate(self.spend_gifts):
            if offer.gift_code not in gifts:
                out.append(problem(f"spend_gifts.{i}.gift_code",
                                   N_("no such gift in the catalogue: {gift}"), gift=offer.gift_code))  # fmt: skip
        return out

    def tier(self, code: str) -> Tier | None:
        return next((t for t in self.tiers.levels if t.code == code), None)

    def category(self, name: str | None) -> CategoryRule | None:
        """The rule of a category, if the program has one for it."""
        if not name:
            return None
        return next((c for c in self.categories if c.name == name), None)

    def gift(self, code: str | None) -> Gift | None:
        return next((g for g in self.redeem.gifts if g.code == code), None)

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, text: str | bytes) -> Program:
        """Parse a stored document; raises ProgramInvalid with field paths."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ProgramInvalid(
                [problem("", N_("the settings file is not valid JSON: {detail}"), detail=str(exc))]
            ) from exc
        if not isinstance(data, dict):
            raise ProgramInvalid([problem("", N_("the document must be a JSON object"))])
        return validate_program(data)


def save_problems(program: Program) -> list[Problem]:
    """What a new version may not say although a stored one may (stored ones always load).

    A top-up tier above the principal limit could never be given: a top-up that large is
    refused. A program saved before the limit existed may hold one; it loads, and the
    owner is told when saving the next version."""
    limit = program.wallet.principal_limit_fen
    if not limit:
        return []
    return [
        problem(
            f"wallet.topup_bonus.{i}.min_topup_fen",
            N_(
                "a top-up of {amount} is above the stored value limit of {limit}: this "
                "bonus could never be given"
            ),
            amount=format_fen(t.min_topup_fen),
            limit=format_fen(limit),
        )  # fmt: skip
        for i, t in enumerate(program.wallet.topup_bonus)
        if t.min_topup_fen > limit
    ]


def validate_program(data: dict[str, Any]) -> Program:
    """Validate settings; raises ProgramInvalid listing every problem with its field path."""
    try:
        return Program.model_validate(data)
    except ValidationError as exc:
        raise ProgramInvalid(problems_from(exc)) from exc


def revise(program: Program, changes: dict[str, Any]) -> Program:
    """The program with ``changes`` deep-merged in, validated again (for the settings form)."""

    def merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
        out = dict(base)
        for key, value in patch.items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = merge(out[key], value)
            else:
                out[key] = value
        return out

    return validate_program(merge(program.model_dump(), changes))


def _translated(data: Any, lang: str) -> Any:
    """A preset's data with its names (program, tiers, gifts) in `lang`."""
    if isinstance(data, dict):
        return {k: gettext(v, lang) if k in ("name", "gift_name") and isinstance(v, str) and v
                else _translated(v, lang) for k, v in data.items()}  # fmt: skip
    if isinstance(data, list):
        return [_translated(v, lang) for v in data]
    return data


@lru_cache(maxsize=len(LANGS))
def presets(lang: str = DEFAULT_LANG) -> dict[str, Program]:
    """Every preset program by code, its names in `lang`."""
    lang = normalise(lang)
    return {code: validate_program(_translated(d, lang)) for code, d in PRESET_DATA.items()}


PRESETS: dict[str, Program] = presets(DEFAULT_LANG)


def program_name(program: Program, lang: str = DEFAULT_LANG) -> str:
    """How a program is named to people, in `lang`. One started from a preset and still
    carrying a name that preset has or had (in any language: it is stored as it read on
    the day the program was saved) is called what the preset is called now — a program
    saved as 通用 reads 各类店铺通用; any other by its own name, else its code."""
    data = PRESET_DATA.get(program.code)
    if data is not None:
        known = {gettext(data["name"], other) for other in LANGS}
        if (
            not program.name
            or program.name in known
            or program.name in FORMER_NAMES.get(program.code, ())
        ):
            return gettext(data["name"], normalise(lang))
    return program.name or program.code


def preset(code: str, lang: str = DEFAULT_LANG) -> Program:
    """A preset program by code: generic, clothing, accessories, supermarket, prepaid."""
    try:
        return presets(lang)[code]
    except KeyError:
        raise KeyError(f"unknown preset {code!r}; choose one of {sorted(PRESETS)}") from None
