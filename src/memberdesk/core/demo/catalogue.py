"""The demo shop's catalogue: what a small clothing shop sells, with codes, EAN-13 barcodes
(the shop's own 20… range, each with its check digit), categories and a few member prices."""

from __future__ import annotations

from sqlalchemy import select

from ..i18n import DEFAULT_LANG, localised
from ..items.barcodes import gs1_check_digit
from ..items.catalogue import ItemForm, ItemView, add_item, barcodes_of, view_of
from ..shop.staff import Actor
from ..store.models import Item
from ..store.uow import UnitOfWork

# (code, name, category, price, member price or None, 不打折)
DEMO_ITEMS = [
    ("A001", "纯棉T恤", "上装", 12900, 11900, False),
    ("A002", "衬衫", "上装", 19900, None, False),
    ("A003", "针织开衫", "上装", 39900, 35900, False),
    ("B001", "牛仔裤", "下装", 29900, None, False),
    ("B002", "半身裙", "下装", 25900, 22900, False),
    ("C001", "连衣裙", "裙装", 45900, None, False),
    ("D001", "运动外套", "外套", 35900, None, False),
    ("D002", "羊毛大衣", "外套", 129900, 116900, False),
    ("E001", "围巾", "配饰", 15900, None, False),
    ("E002", "袜子三双装", "袜子", 3900, None, True),
    ("E003", "帆布包", "配饰", 8900, 7900, False),
    ("E004", "发圈", "配饰", 1500, None, True),
]  # fmt: skip


def demo_barcode(i: int) -> str:
    """An in-store EAN-13 (prefix 20: a shop's own numbers, never a maker's)."""
    body = f"2000000{i:05d}"
    return body + gs1_check_digit(body)


def demo_catalogue(uow: UnitOfWork, owner: Actor, lang: str = DEFAULT_LANG) -> list[ItemView]:
    """The demo's items, added in the caller's transaction (each audited, each sent to HQ);
    those the shop has already are taken as they are."""
    made = []
    for i, (code, name, category, price, member_price, no_discount) in enumerate(DEMO_ITEMS, 1):
        held = uow.session.scalar(select(Item).where(Item.code == code))
        if held is not None:
            made.append(view_of(held, barcodes_of(uow.session, held.id)))
            continue
        form = ItemForm(name=localised(name, lang), price=price, code=code,
                        barcodes=(demo_barcode(i),), category=localised(category, lang),
                        member_price=member_price, no_discount=no_discount)  # fmt: skip
        item = add_item(uow, owner, form, via="demo")
        made.append(view_of(item, barcodes_of(uow.session, item.id)))
    return made
