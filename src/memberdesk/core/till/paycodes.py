"""The customer's WeChat / Alipay payment code (付款码), kept as the tender's reference.

The till calls no payment gateway: the customer pays on the shop's own payment device or
app, and the code scanned from their phone is written with the tender so the owner can
match the payment app's statement line by line. The codes' shapes (as WeChat Pay's and
Alipay's merchant documents give them):

- WeChat Pay: 18 digits, beginning 10, 11, 12, 13, 14 or 15;
- Alipay: 16–24 digits, beginning 25 to 30.

A code is stored whole in ``sale_tenders.reference`` and sent whole to head office;
receipts and the till's screen show it masked (1350****1234), and a list of sales shows
it whole to a manager or the owner only (``shown_code``), who matches the statements.
"""

from __future__ import annotations

import re

from ..errors import DomainError
from ..i18n import Message
from ..loyalty.program import TENDER_NAMES
from ..shop.staff import Actor

PAY_APPS = ("wechat", "alipay")
_SHAPES = {
    "wechat": re.compile(r"1[0-5][0-9]{16}"),
    "alipay": re.compile(r"(2[5-9]|30)[0-9]{14,22}"),
}
MAX_REFERENCE = 32  # sale_tenders.reference


def payment_code_app(code: str) -> str | None:
    """Which app's payment code `code` is ("wechat" / "alipay"), or None."""
    code = (code or "").strip()
    for app, shape in _SHAPES.items():
        if shape.fullmatch(code):
            return app
    return None


def looks_like_code(text: str) -> bool:
    """Typed text that is meant as a payment code rather than an amount (9+ digits)."""
    text = (text or "").strip()
    return len(text) >= 9 and text.isdigit()


def check_payment_code(tender: str, code: str) -> str:
    """`code` as the reference of `tender`, or a refusal a cashier can act on."""
    code = (code or "").strip()
    if tender not in PAY_APPS:
        raise DomainError("paycode.tender", tender=Message(TENDER_NAMES.get(tender, tender)))
    app = payment_code_app(code)
    if app is None:
        raise DomainError("paycode.invalid", code=mask_code(code) if len(code) > 8 else code)
    if app != tender:
        raise DomainError("paycode.other_app", app=Message(TENDER_NAMES[app]),
                          tender=Message(TENDER_NAMES[tender]))  # fmt: skip
    return code


def mask_code(code: str) -> str:
    """134567890123456789 → 1345****6789 (as receipts and screens show it)."""
    code = code or ""
    if len(code) <= 8:
        return "*" * len(code)
    return f"{code[:4]}****{code[-4:]}"


def shown_code(code: str, viewer: Actor) -> str:
    """A payment code as `viewer` may see it: whole for a manager or the owner, who match
    the payment apps' statements, masked for everyone else."""
    return code if viewer.privileged else mask_code(code)
