"""A coupon slip: what the coupon takes off, until when, and its code as a QR code (and as
text, to type at a till whose scanner cannot read it). Pure layout, like the receipt."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..i18n import N_
from ..shop.details import ShopInfo
from .layout import Paper, Slip, SlipBuilder, coupon_terms, local

CODE_GROUP = 4  # the code printed in groups of four characters (the till ignores the spaces)


def coupon_slip(
    c: dict[str, Any], shop: ShopInfo, at: datetime, paper: Paper, *, member: str = "",
    reprint: int = 0, reprinted_at: datetime | None = None,
) -> Slip:  # fmt: skip
    """`c`: the coupon as till/coupons.py ``slip_fields`` gives it."""
    b = SlipBuilder(paper, shop.language)
    b.reprint_mark(reprint, reprinted_at)
    b.shop_head(shop, b.t(N_("Coupon")))
    b.text(c["name"], bold=True)
    b.text(coupon_terms(b, c), bold=True)
    b.text(b.t(N_("Coupon no.: {serial}"), serial=c["id"]))
    if member:
        b.text(b.t(N_("For member: {name}"), name=member))
    b.text(b.t(N_("Valid from {start} to {end}"), start=c["valid_from"], end=c["valid_until"]))
    b.text(b.t(N_("Issued: {time}"), time=local(at)))
    b.rule()
    code = c["code"]
    for i in range(0, len(code), CODE_GROUP * 6):
        part = code[i : i + CODE_GROUP * 6]
        b.center(" ".join(part[j : j + CODE_GROUP] for j in range(0, len(part), CODE_GROUP)))
    b.rule()
    b.text(b.t(N_("One use only; scan the code at the till.")))
    b.center(shop.footer)
    return b.slip("coupon", code, at)
