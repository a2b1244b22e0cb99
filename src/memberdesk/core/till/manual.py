"""Discounts given by hand at the till: on a line (折, percent, an amount, a new price) or
on the whole sale, and the limits each role may give them within.

Pure rules, no database: `checkout` applies them after the program has priced the
sale, and refuses a sale whose manual discounts nobody with the authority approved.
Decisions (tests/unit/test_manual_discounts.py, tests/integration/test_till_discounts.py):

- A manual discount REPLACES the program's discount (tier, member day, birthday) on
  the lines it covers; the two never stack. A line's own discount or price change
  covers that line; a whole-sale discount covers every other line that may be
  discounted, and never a 不打折 line nor a line with its own manual discount.
- ... and never for less: a line's own discount that takes off less than the program
  already does there (the member price, the tier's) is refused with the reason; a
  whole-sale discount leaves such a line with the program's, and is refused when that
  is so on every line it would cover.
- A 不打折 line takes a line discount or a lower price only from a manager or the
  owner (acting, or approving with their PIN), whatever its size.
- A lower price is kept as the line's list price plus a discount of kind ``price``
  (the receipt shows both); a higher price becomes the line's price.
- 折 is what is paid: 95折 = 9.5折 = pay 95 %, 9折 = pay 90 %. Percent is what is taken off.
- Limits per role are a shop setting: a percent discount (折 or %) is measured by its
  percent, an amount off and a price change by the money taken off the line (the
  quantity times the difference). The owner has none.
- Money: a percent of a line is rounded half up to whole fen; a whole-sale discount
  is computed on the covered lines' sum (half up), then shared over them in
  proportion (largest remainder first), so the lines add up to it exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ..errors import DomainError
from ..i18n import DEFAULT_LANG, N_, Message
from ..loyalty.zhe import percent_off
from ..money import MAX_LINE_FEN, format_fen, parse_yuan, whole
from ..shop.details import read_setting

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..loyalty.pricing import PricedLine, Pricing
    from ..shop.staff import Actor

KINDS = ("percent", "amount", "price")
# What the cashier types the discount as: 折 (what is paid), percent off, an amount off,
# or a new unit price.
MODES = ("zhe", "percent", "amount", "price")
# How each manual kind is kept on a sale line (sale_lines.discount_kind).
LINE_KIND = {"percent": "manual", "amount": "manual", "price": "price"}
SALE_KIND = "sale"
MANUAL_KINDS = frozenset({"manual", "price", SALE_KIND})


@dataclass(frozen=True)
class ManualDiscount:
    """One discount given by hand. `value`: percent off (1–100) for ``percent``, fen off
    for ``amount``, the new unit price in fen for ``price``."""

    kind: str
    value: int
    zhe: bool = False  # typed as 折: shown so
    # Who approved it over the cashier's limit: believed only as `authorise` made it.
    approved_by: Actor | None = field(default=None, compare=False)

    def approved(self, actor: Actor) -> ManualDiscount:
        return replace(self, approved_by=actor)


@dataclass(frozen=True)
class AppliedDiscount:
    """What one manual discount came to on this sale."""

    line: int | None  # 1-based line number; None: the whole sale
    description: str  # the line's item ("" for the whole sale)
    discount: ManualDiscount
    base: int  # fen it was taken from: the line's total, or the covered lines' sum
    off: int  # fen taken off (0 for a price raised)
    before: int  # the line's unit price before / the covered lines' sum before
    after: int  # the unit price after / the covered lines' sum after
    no_discount_line: bool = False  # a 不打折 line: a manager's to give


@dataclass(frozen=True)
class RoleLimit:
    percent: int  # the most percent off (10 = 9折)
    amount: int  # the most fen off in one discount

    def covers(self, applied: AppliedDiscount) -> bool:
        d = applied.discount
        if d.kind == "percent":
            return d.value <= self.percent
        return applied.off <= self.amount


@dataclass(frozen=True)
class DiscountLimits:
    """What each role may give without anyone's approval (the owner: anything)."""

    cashier: RoleLimit = RoleLimit(10, 2000)  # 9折, ¥20 off
    manager: RoleLimit = RoleLimit(30, 20000)  # 7折, ¥200 off

    def of(self, role: str) -> RoleLimit | None:
        """The role's limit; None: no limit (the owner)."""
        if role == "owner":
            return None
        return self.manager if role == "manager" else self.cashier

    def as_json(self) -> dict[str, Any]:
        return {
            role: {"percent": limit.percent, "amount": limit.amount}
            for role, limit in (("cashier", self.cashier), ("manager", self.manager))
        }

    @classmethod
    def from_json(cls, data: Any) -> DiscountLimits:
        if not isinstance(data, dict):
            return cls()
        try:
            return cls(
                **{role: RoleLimit(int(data[role]["percent"]), int(data[role]["amount"]))
                   for role in ("cashier", "manager") if role in data}
            )  # fmt: skip
        except (KeyError, TypeError, ValueError):
            return cls()


# The shop's limits, as the owner set them (discounts.set_discount_limits).
LIMITS_KEY = "till.discount_limits"


def limits_in(session: Session) -> DiscountLimits:
    return DiscountLimits.from_json(read_setting(session, LIMITS_KEY))


# ------------------------------------------------------------------ reading what was typed


def read_discount(mode: str, text: str) -> ManualDiscount:
    """The discount the cashier typed, in one of `MODES`, or a refusal saying why."""
    raw = str(text).strip().replace("％", "%").rstrip("%折").strip()
    if mode == "zhe":
        return ManualDiscount("percent", 100 - _zhe_paid(raw, text), zhe=True)
    if mode == "percent":
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise DomainError("discount.percent_invalid", value=text) from None
        if not number.is_finite() or number != number.to_integral_value():
            raise DomainError("discount.percent_invalid", value=text)
        if number > 100:
            raise DomainError("discount.over_100", value=text)
        if number <= 0:
            raise DomainError("discount.percent_invalid", value=text)
        return ManualDiscount("percent", int(number))
    if mode == "amount":
        fen = parse_yuan(raw)
        if fen <= 0:
            raise DomainError("discount.amount_zero")
        whole(fen, N_("the discount"), limit=MAX_LINE_FEN)
        return ManualDiscount("amount", fen)
    if mode == "price":
        if raw.startswith("-"):
            raise DomainError("discount.price_negative", value=text)
        fen = parse_yuan(raw)
        whole(fen, N_("the unit price"), limit=MAX_LINE_FEN)
        return ManualDiscount("price", fen)
    raise DomainError("discount.mode_unknown", mode=mode)


def _zhe_paid(raw: str, typed: str) -> int:
    """Percent paid of a 折, read as the program editor reads it (core.loyalty.zhe):
    9 → 90, 9.5 / 95 → 95, 8.5 / 85 → 85; the full price (10, 不打折) is no discount."""
    try:
        off = percent_off(raw)
    except DomainError:
        raise DomainError("discount.zhe_invalid", text=typed) from None
    if off <= 0:
        raise DomainError("discount.zhe_invalid", text=typed)
    return 100 - off


def valid_discount(d: ManualDiscount) -> ManualDiscount:
    """A discount as core takes it at its boundary: a known kind, whole numbers in range."""
    if d.kind not in KINDS:
        raise DomainError("discount.mode_unknown", mode=d.kind)
    if d.kind == "percent":
        value = whole(d.value, N_("the discount"), limit=1000, fen=False)
        if value > 100:
            raise DomainError("discount.over_100", value=f"{value}%")
        if value < 1:
            raise DomainError("discount.percent_invalid", value=f"{value}%")
    else:
        value = whole(d.value, N_("the discount"), limit=MAX_LINE_FEN)
        if value < 0:
            raise DomainError("discount.price_negative", value=format_fen(value))
        if d.kind == "amount" and value == 0:
            raise DomainError("discount.amount_zero")
    return d


# ------------------------------------------------------------------ how it reads


def describe(d: ManualDiscount, lang: str = DEFAULT_LANG) -> str:
    """9.5折 / 10% off / ¥20.00 off / new price ¥80.00, in `lang`."""
    return describe_message(d).text(lang)


def describe_message(d: ManualDiscount) -> Message:
    if d.kind == "percent" and d.zhe:
        return Message(N_("{tenths} tenths of the price"), tenths=f"{(100 - d.value) / 10:g}")
    if d.kind == "percent":
        return Message(N_("{percent}% off"), percent=d.value)
    if d.kind == "amount":
        return Message(N_("{amount} off"), amount=format_fen(d.value))
    return Message(N_("new price {price}"), price=format_fen(d.value))


def limit_message(limit: RoleLimit, d: ManualDiscount) -> Message:
    """The limit a discount of this kind is measured against, in words."""
    if d.kind == "percent":
        return Message(N_("{tenths} tenths of the price"), tenths=f"{(100 - limit.percent) / 10:g}")
    return Message(N_("{amount} off"), amount=format_fen(limit.amount))


# ------------------------------------------------------------------ applying


def apply_manual(
    pricing: Pricing, manual: Sequence[ManualDiscount | None],
    sale_discount: ManualDiscount | None, *, no_earn_on_no_discount: bool,
) -> tuple[Pricing, tuple[AppliedDiscount, ...]]:  # fmt: skip
    """The program's pricing with the manual discounts put in place of its own where they
    cover a line; `manual[i]` is line i's own discount (None: none)."""

    if sale_discount is None and not any(manual):
        return pricing, ()
    applied: list[AppliedDiscount] = []
    lines: list[PricedLine] = list(pricing.lines)
    covered: list[int] = []
    for i, pl in enumerate(pricing.lines):
        d = manual[i] if i < len(manual) else None
        if d is None:
            if not pl.no_discount:
                covered.append(i)
            continue
        valid_discount(d)
        lines[i], one = _line_discount(pl, d, i + 1)
        if one.off < pl.discount_fen and not (
            d.kind == "price" and d.value > pl.line.unit_price_fen
        ):
            # Discounts do not stack, and the best one applies: one given by hand that
            # takes off less than the member already gets would raise the price.
            raise DomainError("discount.program_better", line=i + 1,
                              discount=format_fen(pl.discount_fen))  # fmt: skip
        applied.append(one)
    if sale_discount is not None:
        valid_discount(sale_discount)
        if sale_discount.kind == "price":
            raise DomainError("discount.sale_price")
        if not covered:
            raise DomainError("discount.nothing_to_discount")
        base = sum(pricing.lines[i].total_fen for i in covered)
        if sale_discount.kind == "percent":
            off = (base * sale_discount.value + 50) // 100
        else:
            off = sale_discount.value
            if off > base:
                raise DomainError("discount.over_sale", discount=format_fen(off),
                                  amount=format_fen(base))  # fmt: skip
        given = 0
        for i, share in zip(covered, _shares(off, [pricing.lines[i].total_fen for i in covered]),
                            strict=True):  # fmt: skip
            pl = pricing.lines[i]
            if share < pl.discount_fen:
                continue  # the member's own discount takes more off this line: it stays
            given += share
            lines[i] = replace(
                pl, discount_kind=SALE_KIND if share else None,
                discount_percent=sale_discount.value if share and sale_discount.kind == "percent" else 0,
                discount_fen=share, net_fen=pl.total_fen - share,
            )  # fmt: skip
        if off and not given:
            raise DomainError("discount.program_better_sale")
        applied.append(AppliedDiscount(None, "", sale_discount, base, given, base, base - given))
    return _repriced(pricing, lines, no_earn_on_no_discount), tuple(applied)


def _line_discount(
    pl: PricedLine, d: ManualDiscount, no: int
) -> tuple[PricedLine, AppliedDiscount]:
    line, total = pl.line, pl.total_fen
    unit = line.unit_price_fen
    if d.kind == "price" and d.value > unit:  # a higher price: the line's new price
        line = replace(line, unit_price_fen=d.value)
        total = line.quantity * d.value
        whole(total, Message(N_("line {line}: the amount"), line=no), limit=MAX_LINE_FEN)
        priced = replace(pl, line=line, total_fen=total, discount_kind=None, discount_percent=0,
                         discount_fen=0, net_fen=total)  # fmt: skip
        return priced, AppliedDiscount(no, line.description, d, pl.total_fen, 0, unit, d.value,
                                       pl.no_discount)  # fmt: skip
    if d.kind == "percent":
        off = (total * d.value + 50) // 100
        after = unit
    elif d.kind == "amount":
        off = d.value
        if off > total:
            raise DomainError("discount.over_line", line=no, discount=format_fen(off),
                              amount=format_fen(total))  # fmt: skip
        after = unit
    else:
        off = line.quantity * (unit - d.value)
        after = d.value
    percent = d.value if d.kind == "percent" else 0
    priced = replace(pl, discount_kind=LINE_KIND[d.kind] if off else None,
                     discount_percent=percent, discount_fen=off, net_fen=total - off)  # fmt: skip
    return priced, AppliedDiscount(no, line.description, d, total, off, unit, after,
                                   pl.no_discount)  # fmt: skip


def _shares(total: int, weights: Sequence[int]) -> list[int]:
    """`total` split in proportion to `weights`, whole fen, largest remainders first."""
    whole_sum = sum(weights)
    if whole_sum == 0:
        return [0] * len(weights)
    floors = [total * w // whole_sum for w in weights]
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole_sum), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def _repriced(pricing: Pricing, lines: list[PricedLine], no_earn_on_no_discount: bool) -> Pricing:
    by_kind: dict[str, int] = {}
    for pl in lines:
        if pl.discount_kind and pl.discount_fen:
            by_kind[pl.discount_kind] = by_kind.get(pl.discount_kind, 0) + pl.discount_fen
    subtotal = sum(pl.total_fen for pl in lines)
    discount = sum(pl.discount_fen for pl in lines)
    # The program's kind while it still applies somewhere, else the first manual one.
    program_kind = pricing.discount_kind if pricing.discount_kind in by_kind else None
    no_discount_total = sum(pl.total_fen for pl in lines if pl.no_discount)
    no_earn = sum(
        pl.net_fen for pl in lines
        if not pl.earns_points or (pl.no_discount and no_earn_on_no_discount)
    )  # fmt: skip
    return replace(
        pricing, lines=tuple(lines), subtotal_fen=subtotal, discount_fen=discount,
        total_fen=subtotal - discount,
        discount_kind=program_kind or next(iter(by_kind), None),
        discount_percent=pricing.discount_percent if program_kind else 0,
        discount_by_kind=by_kind, birthday_use_consumed="birthday" in by_kind,
        no_discount_total_fen=no_discount_total, no_earn_fen=no_earn,
    )  # fmt: skip


# ------------------------------------------------------------------ who may give it


def over_limit(limits: DiscountLimits, actor: Actor, applied: AppliedDiscount) -> Message | None:
    """Why `actor` may not give `applied` alone (None: they may)."""
    from ..shop.staff import ROLE_NAMES

    role = Message(ROLE_NAMES.get(actor.role, actor.role))
    if applied.off == 0 and applied.discount.kind == "price":
        return None  # a higher price gives nothing away
    if applied.no_discount_line and not actor.privileged:
        return Message(N_("line {line} is a no-discount item: only a manager or the owner may "
                          "discount it"), line=applied.line)  # fmt: skip
    limit = limits.of(actor.role)
    if limit is None or limit.covers(applied):
        return None
    return Message(N_("more than a {role} may give ({limit})"), role=role,
                   limit=limit_message(limit, applied.discount))  # fmt: skip


def approver_of(limits: DiscountLimits, actor: Actor, applied: AppliedDiscount) -> Actor | None:
    """Who allowed `applied`: None when it is within the acting staff's own limit, else the
    approver it carries — refused when there is none, or they may not approve that much."""
    why = over_limit(limits, actor, applied)
    if why is None:
        return None
    approver = applied.discount.approved_by
    what = discount_name(applied)
    if approver is None:
        raise DomainError("discount.needs_approval", what=what, why=why)
    if not approver.verified:
        raise DomainError("permission.unverified", name=approver.name)
    still = over_limit(limits, approver, applied)
    if still is not None:
        raise DomainError("discount.approver_limit", name=approver.name, what=what, why=still)
    return approver


def discount_name(applied: AppliedDiscount) -> Message:
    """“line 2 (T恤): 8.5折” / “the whole sale: ¥20.00 off”."""
    how = describe_message(applied.discount)
    if applied.line is None:
        return Message(N_("the whole sale: {how}"), how=how)
    return Message(N_("line {line} ({item}): {how}"), line=applied.line,
                   item=applied.description, how=how)  # fmt: skip


def as_json(d: ManualDiscount | None) -> dict[str, Any] | None:
    """The discount as a held sale keeps it (who approved it by id and name)."""
    if d is None:
        return None
    who = d.approved_by
    return {
        "kind": d.kind, "value": d.value, "zhe": d.zhe,
        "approved_by": {"id": who.staff_id, "name": who.name} if who is not None else None,
    }  # fmt: skip


def from_json(data: Any) -> tuple[ManualDiscount | None, dict[str, Any] | None]:
    """A kept discount and whom it named as approver (to be looked up again)."""
    if not isinstance(data, dict):
        return None, None
    d = ManualDiscount(str(data.get("kind")), int(data.get("value", 0)), bool(data.get("zhe")))
    return d, data.get("approved_by")
