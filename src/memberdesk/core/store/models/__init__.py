"""The terminal's tables (SQLAlchemy 2.x typed models), one module per domain.

Money columns are integer fen; times are naive UTC; rows that leave the terminal
have a UUID text id. Ledgers, the audit log and the outbox are append-only: the
migrations add triggers that refuse UPDATE/DELETE where a row must never change.

Importing this package registers every table on ``Base.metadata`` (Alembic and
``check`` rely on that); callers import the models from here.
"""

from .base import NAMING, Base, new_id, ordered_id
from .count_cards import CountCard, CountCardEntry
from .coupons import Coupon, CouponEvent, CouponUsedElsewhere
from .followups import CallLogEntry
from .items import Item, ItemBarcode, ItemSearchKey
from .loyalty import GiftStock, PointsEntry, ProgramVersion, Topup, WalletEntry
from .members import Card, ChainOverdraft, Member, MemberSearchKey
from .printing import PrintJob
from .sales import HeldSale, Refund, Sale, SaleLine, SaleTender, Shift
from .shop import AuditEntry, OutboxEvent, Setting, Staff

__all__ = [
    "NAMING", "AuditEntry", "Base", "CallLogEntry", "Card", "ChainOverdraft", "CountCard", "CountCardEntry",
    "Coupon", "CouponEvent", "CouponUsedElsewhere", "GiftStock", "HeldSale", "Item",
    "ItemBarcode", "ItemSearchKey", "Member",
    "MemberSearchKey", "OutboxEvent", "PointsEntry", "PrintJob", "ProgramVersion", "Refund",
    "Sale", "SaleLine", "SaleTender", "Setting", "Shift", "Staff", "Topup", "WalletEntry", "new_id",
    "ordered_id",
]  # fmt: skip
