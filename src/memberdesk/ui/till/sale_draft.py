"""The sale being rung up, before it exists: what the cashier has entered so far.

Plain data only; every number the screen shows about it comes from core.quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...core.members.member import MemberView
from ...core.till.checkout import CheckoutRequest, SaleLineInput
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

    def as_input(self) -> SaleLineInput:
        return SaleLineInput(self.description, self.unit_price, self.quantity, self.category,
                             self.no_discount, self.manual, self.price_typed)  # fmt: skip

    @classmethod
    def from_input(cls, line: SaleLineInput) -> DraftLine:
        return cls(line.description, line.unit_price, line.quantity, line.manual,
                   line.price_typed, line.category, line.no_discount)  # fmt: skip


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

    @property
    def empty(self) -> bool:
        return not self.lines and self.member is None and self.gift_code is None

    @property
    def priced(self) -> bool:
        """Whether there is anything for core to price: lines, or a gift on its own."""
        return bool(self.lines) or self.gift_code is not None

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
        )

    def held_request(self) -> CheckoutRequest:
        """What a held sale keeps: the lines, the member, the gift, the whole-sale discount."""
        return CheckoutRequest(
            lines=tuple(ln.as_input() for ln in self.lines),
            member_id=self.member.id if self.member else None,
            gift_code=self.gift_code if self.member else None,
            sale_discount=self.sale_discount,
        )
