"""Tables of the product catalogue: items, their barcodes, their lookup keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id


class Item(Base):
    """A product the shop sells. Never deleted (sales name it): deactivated instead."""

    __tablename__ = "items"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # the shop's item code (编码)
    name: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(40), default="")
    price: Mapped[int] = mapped_column(Integer)  # fen
    member_price: Mapped[int | None] = mapped_column(Integer)  # fen; None: no member price
    no_discount: Mapped[bool] = mapped_column(Boolean, default=False)  # 不打折
    earns_points: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    # The editor's list of one category, by code (all items: by the unique code).
    __table_args__ = (Index("ix_items_category_code", "category", "code"),)


class ItemBarcode(Base):
    """A barcode (EAN-13, EAN-8, UPC, or the shop's own code) belongs to one item."""

    __tablename__ = "item_barcodes"
    barcode: Mapped[str] = mapped_column(String(40), primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), index=True)
    __table_args__ = {"sqlite_with_rowid": False}


class ItemSearchKey(Base):
    """Name suffixes, pinyin initials and full pinyin of an item's name (as members')."""

    __tablename__ = "item_search"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), primary_key=True, index=True)
    __table_args__ = {"sqlite_with_rowid": False}
