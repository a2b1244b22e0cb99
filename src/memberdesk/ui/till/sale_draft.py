"""The sale being rung up, before it exists: what the cashier has entered so far.

Plain data only; every number the screen shows about it comes from core.quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...core.items.catalogue import ItemView
from ...core.members.member import MemberView
from ...core.till.checkout import MAX_LINE_QTY, CheckoutRequest, SaleLineInput
from ...core.till.manual import ManualDiscount


@dataclass
class DraftLine:
    description: str
    unit_price: int  # fen: the line's list price, or the price typed for it
    quantity: int = 1
    manual: ManualDiscount | None = None  # a discount or price change given by hand
    # Typed by hand (a free-text line): a new price corrects it rather than changing it.
    price_typed: bool = False
    category: str = ""
    no_discount: bool = False
    # A catalogue item's line: the item and what the program prices it by.
    item_id: str | None = None
    item_code: str = ""
    member_price: int | None = None
    earns_points: bool = True

    def as_input(self) -> SaleLineInput:
        return SaleLineInput(
            self.description, self.unit_price, self.quantity, category=self.category,
            no_discount=self.no_discount, manual=self.manual, price_typed=self.price_typed,
            item_id=self.item_id, item_code=self.item_code, member_price=self.member_price,
            earns_points=self.earns_points,
        )  # fmt: skip

    @classmethod
    def from_input(cls, line: SaleLineInput) -> DraftLine:
        return cls(
            line.description, line.unit_price, line.quantity, manual=line.manual,
            price_typed=line.price_typed, category=line.category, no_discount=line.no_discount,
            item_id=line.item_id, item_code=line.item_code, member_price=line.member_price,
            earns_points=line.earns_points,
        )  # fmt: skip

    @classmethod
    def of_item(cls, item: ItemView) -> DraftLine:
        return cls(
            item.name, item.price, 1, category=item.category, no_discount=item.no_discount,
            item_id=item.id, item_code=item.code, member_price=item.member_price,
            earns_points=item.earns_points,
        )  # fmt: skip


@dataclass
class SaleDraft:
    lines: list[DraftLine] = field(default_factory=list)
    member: MemberView | None = None
    redeem_points: int = 0
    gift_code: str | None = None  # a catalogue gift taken for points with this sale
    wallet: int = 0  # fen paid from stored value
    tenders: dict[str, int] = field(default_factory=dict)  # cash = what was handed over
    sale_discount: ManualDiscount | None = None  # a whole-sale discount given by hand
    references: dict[str, str] = field(default_factory=dict)  # tender → payment code (付款码)
    coupon: str | None = None  # a coupon's code, scanned or picked from the member's

    @property
    def empty(self) -> bool:
        return not self.lines and self.member is None and self.gift_code is None

    @property
    def priced(self) -> bool:
        """Whether there is anything for core to price: lines, or a gift on its own."""
        return bool(self.lines) or self.gift_code is not None

    def add_item(self, item: ItemView) -> DraftLine:
        """One more of a catalogue item: +1 on its line, else a new line of one."""
        for line in self.lines:
            if line.item_id == item.id and line.quantity < MAX_LINE_QTY:
                line.quantity += 1
                return line
        line = DraftLine.of_item(item)
        self.lines.append(line)
        return line

    def request(
        self, shift_id: str | None = None, *, tenders: dict[str, int] | None = None
    ) -> CheckoutRequest:
        paying = self.tenders if tenders is None else tenders
        return CheckoutRequest(
            lines=tuple(ln.as_input() for ln in self.lines),
            member_id=self.member.id if self.member else None,
            redeem_points=self.redeem_points if self.member else 0,
            gift_code=self.gift_code if self.member else None,
            wallet=self.wallet if self.member else 0,
            tenders=dict(paying),
            shift_id=shift_id,
            sale_discount=self.sale_discount,
            # a payment code goes with its tender's amount (a quote without it leaves it out)
            references={k: v for k, v in self.references.items() if paying.get(k)},
            coupon=self.coupon,
        )

    def held_request(self) -> CheckoutRequest:
        """What a held sale keeps: the lines, the member, the gift, the whole-sale discount
        and the coupon."""
        return CheckoutRequest(
            lines=tuple(ln.as_input() for ln in self.lines),
            member_id=self.member.id if self.member else None,
            gift_code=self.gift_code if self.member else None,
            sale_discount=self.sale_discount,
            coupon=self.coupon,
        )
