"""The sale being rung up, before it exists: what the cashier has entered so far.

Plain data only; every number the screen shows about it comes from core.quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...core.members.member import MemberView
from ...core.money import format_fen
from ...core.till.checkout import CheckoutRequest, SaleLineInput


@dataclass
class DraftLine:
    description: str
    unit_price: int  # fen
    quantity: int = 1


@dataclass
class SaleDraft:
    lines: list[DraftLine] = field(default_factory=list)
    member: MemberView | None = None
    redeem_points: int = 0
    gift_code: str | None = None  # a catalogue gift taken for points with this sale
    wallet: int = 0  # fen paid from stored value
    tenders: dict[str, int] = field(default_factory=dict)  # cash = what was handed over

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
        return CheckoutRequest(
            lines=tuple(
                SaleLineInput(ln.description, ln.unit_price, ln.quantity) for ln in self.lines
            ),
            member_id=self.member.id if self.member else None,
            redeem_points=self.redeem_points if self.member else 0,
            gift_code=self.gift_code if self.member else None,
            wallet=self.wallet if self.member else 0,
            tenders=dict(self.tenders if tenders is None else tenders),
            shift_id=shift_id,
        )

    def label(self) -> str:
        """How a held sale reads in the recall list."""
        who = self.member.name if self.member else "—"
        total = sum(ln.unit_price * ln.quantity for ln in self.lines)
        return f"{who} · {len(self.lines)} · {format_fen(total)}"
