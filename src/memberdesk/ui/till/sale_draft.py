"""The sale being rung up, before it exists: what the cashier has entered so far.

Plain data only; every number the screen shows about it comes from core.quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...core.items.catalogue import ItemView
from ...core.members.member import MemberView
from ...core.money import format_fen
from ...core.till.checkout import MAX_LINE_QTY, CheckoutRequest, SaleLineInput


@dataclass
class DraftLine:
    description: str
    unit_price: int  # fen
    quantity: int = 1
    # A catalogue item's line: the item and what the program prices it by.
    item_id: str | None = None
    item_code: str = ""
    category: str = ""
    no_discount: bool = False
    member_price: int | None = None
    earns_points: bool = True

    @classmethod
    def of_item(cls, item: ItemView) -> DraftLine:
        return cls(item.name, item.price, 1, item.id, item.code, item.category, item.no_discount,
                   item.member_price, item.earns_points)  # fmt: skip

    def line_input(self) -> SaleLineInput:
        return SaleLineInput(
            self.description, self.unit_price, self.quantity, self.category, self.no_discount,
            self.item_id, self.item_code, self.member_price, self.earns_points,
        )  # fmt: skip


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
        return CheckoutRequest(
            lines=tuple(ln.line_input() for ln in self.lines),
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
