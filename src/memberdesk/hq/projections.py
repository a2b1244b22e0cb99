"""Checking one event's payload in full and turning it into projection rows.

`plan(kind, payload, source)` validates everything that can be judged from the event
alone — types, ranges, sums, known kinds, times, the store it names — and returns
the rows it would add and the records it touches; or raises `Rejected`. What needs
HQ's tables (who owns a member or a sale, ids already held) is judged by the caller
for the whole batch at once. Everything a database column could refuse — a
too-long text, a NUL character, a number beyond BIGINT — is refused here for that
one event: a database error would fail the whole batch, and every retry of it.

The rules follow what the till really writes (core/till/checkout.py `_payload`,
till/refunds.py, loyalty/ledger.py, till/wallet.py, members/member.py): a sale's
`tenders` are what was applied to it — cash net of change, stored value and the
cash value of points included — so they add up to `total` exactly; a refund's
money is each tender's proportional share, rounded per tender, so it may exceed
the goods' value by a fen per part.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table

from ..core.members.erase import ERASED_FIELDS, erased_names
from ..core.sync.transport import TENDERS
from ..core.text import NOT_IN_A_LINE, NOT_IN_TEXT
from .models import points_entries, refunds, sales, tender_lines, wallet_entries
from .rejections import Rejected, invalid

MAX_ID = 64
MAX_MONEY = 100_000_000  # fen in one amount: ¥1,000,000
MAX_POINTS = 100_000_000
MAX_VERSION = 2**31 - 1
# A member's version as a till may send it: HQ moves a member's version on by one where it
# merges edits or rebases a till (hq/directory.py, writes.py, rebase.py), so half of the
# column stays for that; a till counts up by one an edit, from 1.
MAX_MEMBER_VERSION = 2**30
# A till shares a refund among the sale's paying parts so they add up to its amount to
# the fen; tills before that rounded each part down cumulatively, which with four money
# tenders, wallet principal, wallet bonus and the points' value (7 parts) could give one
# refund up to 6 fen more than its goods' value (the sale's refunds together never did).
REFUND_ROUNDING = 6
EARLIEST, LATEST = datetime(2000, 1, 1), datetime(2101, 1, 1)
EARLIEST_JOINED = datetime(1900, 1, 1)  # an imported member may have joined a paper programme
# The raw-kept kind whose store_code is a setting being reported, not a claim on a record.
SETTINGS_KIND = "shop.configured"


@dataclass(frozen=True)
class Context:
    """The sending terminal, as its token says."""

    terminal_id: str
    store_code: str
    timezone: str
    epoch: int = 1
    # When the till took HQ's identity (its first handshake; else when HQ added it): a record
    # made until then was made by a till that sold on its own, under whatever store code it
    # had then (a shop that joined the chain later, or kept selling until it was set up).
    joined: datetime | None = None


@dataclass(slots=True)
class Source:
    """Where one event comes from: its terminal, sequence and time (one per event: not
    frozen, whose __init__ costs three times as much)."""

    ctx: Context
    seq: int
    created_at: datetime

    def origin(self) -> dict[str, Any]:
        ctx = self.ctx
        return {"store_code": ctx.store_code, "terminal_id": ctx.terminal_id,
                "epoch": ctx.epoch, "seq": self.seq}  # fmt: skip


@dataclass(slots=True)
class Plan:
    """What an accepted event would write, and what it needs from HQ's tables."""

    rows: list[tuple[Table, dict[str, Any]]]
    touches: list[tuple[str, str]]  # (record, id) of what it changes
    member: dict[str, Any] | None = None  # a member row to upsert
    needs_member: str | None = None  # a ledger entry's or sale's member, which HQ must hold
    refund_of: str | None = None  # the sale a refund returns goods of
    # The sale a ledger entry or refund belongs to: a store may reverse its own sale's
    # effects on the member that sale named, also once that member is no longer its to touch.
    of_sale: str | None = None
    # The coupon a redemption, return or expiry is of: it touches the member HQ holds the
    # coupon's issue for, as the issue did (a member's coupon is that member's store's).
    coupon_of: str | None = None


# ---------------------------------------------------------------- field checks


def moment(value: Any, name: str, earliest: datetime = EARLIEST) -> datetime:
    """An ISO time as naive UTC within HQ's hard window (year 0001 or 9999 is no time)."""
    if value is None:
        raise invalid(name, "missing")
    if not isinstance(value, str):
        raise invalid(name, "type")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise invalid(name, "type") from None
    if at.tzinfo is not None:
        try:
            at = at.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            raise invalid(name, "time_range") from None
    if not earliest <= at < LATEST:
        raise invalid(name, "time_range")
    return at


def _int(
    p: dict, key: str, low: int, high: int, default: int | None = None, *, name: str = ""
) -> int:
    value = p.get(key)
    if type(value) is int and low <= value <= high:  # the usual case, first
        return value
    if value is None and default is not None:
        return default
    name = name or key
    if value is None:
        raise invalid(name, "missing")
    if type(value) is not int:  # bool is an int too, and no amount
        raise invalid(name, "type")
    if value < low:
        raise invalid(name, "negative" if low == 0 else "too_small")
    if value > high:
        raise invalid(name, "too_large")
    return value


def _money(p: dict, key: str, default: int | None = None, *, name: str = "") -> int:
    return _int(p, key, 0, MAX_MONEY, default, name=name)


def _delta(p: dict, key: str, limit: int = MAX_MONEY) -> int:
    """A ledger movement, either way; too big either way is too large."""
    value = p.get(key)
    if type(value) is int and value < -limit:
        raise invalid(key, "too_large")
    return _int(p, key, -limit, limit)


def _id(p: dict, key: str, *, optional: bool = False) -> str | None:
    value = p.get(key)
    if value is None:
        if optional:
            return None
        raise invalid(key, "missing")
    if not isinstance(value, str) or not value or "\x00" in value:
        raise invalid(key, "type")
    if len(value) > MAX_ID:
        raise invalid(key, "too_long")
    return value


def _text(p: dict, key: str, limit: int, *, required: bool = False) -> str:
    value = p.get(key)
    if value is None or value == "":
        if required:
            raise invalid(key, "missing")
        return ""
    if not isinstance(value, str) or "\x00" in value:
        raise invalid(key, "type")
    if len(value) > limit:
        raise invalid(key, "too_long")
    return value


def _day(p: dict, source: Source, key: str = "business_date") -> date:
    """A business date: a real date, within a day of the event's own time."""
    value = p.get(key)
    if value is None:
        raise invalid(key, "missing")
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise invalid(key, "type") from None
    if abs((day - source.created_at.date()).days) > 1:
        raise invalid(key, "time_range")
    return day


def _tenders(p: dict, key: str = "tenders") -> dict[str, int]:
    value = p.get(key)
    if value is None:
        raise invalid(key, "missing")
    if not isinstance(value, dict):
        raise invalid(key, "type")
    out = {}
    for kind in value:
        if kind not in TENDERS:
            raise invalid(f"{key}.{kind[:20]}", "unknown_kind")
        amount = _money(value, kind, name=f"{key}.{kind}")
        if amount:
            out[kind] = amount
    return out


# ---------------------------------------------------------------- the records


def _sale(p: dict, source: Source) -> Plan:
    sale_id, day = _id(p, "id"), _day(p, source)
    subtotal, discount, total = _money(p, "subtotal"), _money(p, "discount"), _money(p, "total")
    if discount > subtotal:
        raise invalid("discount", "too_large")
    if total != subtotal - discount:
        raise invalid("total", "sum")
    tenders = _tenders(p)
    if sum(tenders.values()) != total:
        raise invalid("tenders", "sum")
    _money(p, "change", 0)
    wallet = _money(p, "wallet_principal_used", 0) + _money(p, "wallet_bonus_used", 0)
    if "wallet_principal_used" in p and tenders.get("wallet", 0) != wallet:
        raise invalid("tenders.wallet", "sum")
    if "points_value" in p and tenders.get("points", 0) != _money(p, "points_value"):
        raise invalid("tenders.points", "sum")
    _references(p, tenders)
    _discounts_by_kind(p, discount)
    member_id = _id(p, "member_id", optional=True)
    where = source.origin()
    row = {
        "id": sale_id, **where, "receipt_no": _text(p, "receipt_no", 60), "business_date": day,
        "member_id": member_id, "subtotal": subtotal, "discount": discount, "total": total,
        "points_earned": _int(p, "points_earned", 0, MAX_POINTS),
        "points_redeemed": _int(p, "points_redeemed", 0, MAX_POINTS),
    }  # fmt: skip
    plan = Plan(rows=[(sales, row)], touches=[("member", member_id)] if member_id else [],
                needs_member=member_id)  # fmt: skip
    for kind, amount in tenders.items():
        plan.rows.append((tender_lines, {"source": "sale", "source_id": sale_id, **where,
                                         "business_date": day, "kind": kind, "amount": amount}))  # fmt: skip
    return plan


# The customer's payment code a WeChat / Alipay tender was paid with (core/till/paycodes.py):
# kept whole in the raw event, so HQ can match the payment apps' statements.
PAYMENT_CODE = re.compile(r"[0-9]{16,24}")
REFERENCED_TENDERS = ("wechat", "alipay")


def _references(p: dict, tenders: dict[str, int]) -> None:
    refs = p.get("tender_refs")
    if refs is None:
        return
    if not isinstance(refs, dict):
        raise invalid("tender_refs", "type")
    for kind, code in refs.items():
        name = f"tender_refs.{str(kind)[:20]}"
        if kind not in REFERENCED_TENDERS:
            raise invalid(name, "unknown_kind")
        if not isinstance(code, str) or not PAYMENT_CODE.fullmatch(code):
            raise invalid(name, "type")
        if not tenders.get(kind):
            raise invalid(name, "sum")  # a code for a tender that paid nothing


def _discounts_by_kind(p: dict, discount: int) -> None:
    """A sale's discounts by kind (tier, birthday, by hand …) add up to its discount."""
    by_kind = p.get("discount_by_kind")
    if by_kind is None:
        return
    if not isinstance(by_kind, dict) or any(not isinstance(k, str) or len(k) > 20 for k in by_kind):
        raise invalid("discount_by_kind", "type")
    if sum(_money(by_kind, k, name=f"discount_by_kind.{k}") for k in by_kind) != discount:
        raise invalid("discount_by_kind", "sum")


def _refund(p: dict, source: Source) -> Plan:
    refund_id, sale_id, day = _id(p, "id"), _id(p, "sale_id"), _day(p, source)
    amount = _money(p, "amount")
    principal, bonus = _money(p, "wallet_principal"), _money(p, "wallet_bonus")
    back = _tenders(p)
    if sum(back.values()) + principal + bonus > amount + REFUND_ROUNDING:
        raise invalid("tenders", "sum")
    _money(p, "deducted_for_points", 0)
    member_id = _id(p, "member_id", optional=True)
    where = source.origin()
    row = {
        "id": refund_id, "sale_id": sale_id, **where, "receipt_no": _text(p, "receipt_no", 60),
        "business_date": day, "member_id": member_id, "amount": amount,
        "wallet_principal": principal, "wallet_bonus": bonus,
        "points_reversed": _int(p, "points_reversed", 0, MAX_POINTS),
        "points_returned": _int(p, "points_returned", 0, MAX_POINTS),
    }  # fmt: skip
    if principal + bonus:
        back["wallet"] = back.get("wallet", 0) + principal + bonus
    plan = Plan(rows=[(refunds, row)], touches=[("sale", sale_id)], refund_of=sale_id,
                of_sale=sale_id)  # fmt: skip
    if member_id:
        plan.touches.append(("member", member_id))
        plan.needs_member = member_id
    for kind, value in back.items():
        plan.rows.append((tender_lines, {"source": "refund", "source_id": refund_id, **where,
                                         "business_date": day, "kind": kind, "amount": value}))  # fmt: skip
    return plan


def _entry(table: Table, row: dict[str, Any]) -> Plan:
    member_id = row["member_id"]
    return Plan(rows=[(table, row)], touches=[("member", member_id)], needs_member=member_id,
                of_sale=row.get("sale_id"))  # fmt: skip


def _points(p: dict, source: Source) -> Plan:
    row = {
        "id": _id(p, "id"), "member_id": _id(p, "member_id"), **source.origin(),
        "business_date": _day(p, source), "delta": _delta(p, "delta", MAX_POINTS),
        "kind": _text(p, "kind", 20, required=True), "sale_id": _id(p, "sale_id", optional=True),
        "refund_id": _id(p, "refund_id", optional=True),
        # May be below zero: a refund policy can let a member's points go negative.
        "balance_after": _delta(p, "balance_after", MAX_POINTS),
    }  # fmt: skip
    return _entry(points_entries, row)


def _wallet(p: dict, source: Source) -> Plan:
    row = {
        "id": _id(p, "id"), "member_id": _id(p, "member_id"), **source.origin(),
        "business_date": _day(p, source), "principal_delta": _delta(p, "principal_delta"),
        "bonus_delta": _delta(p, "bonus_delta"), "kind": _text(p, "kind", 20, required=True),
        "sale_id": _id(p, "sale_id", optional=True), "topup_id": _id(p, "topup_id", optional=True),
        "refund_id": _id(p, "refund_id", optional=True),
        # May be below zero: an overdraft of the chain (hq/directory.py) reaches the till,
        # whose next entries (a top-up paying the debt down) carry it.
        "principal_after": _delta(p, "principal_after"), "bonus_after": _delta(p, "bonus_after"),
    }  # fmt: skip
    return _entry(wallet_entries, row)


def _stored_value(p: dict, source: Source) -> Plan:
    """A top-up, its reversal or a cash-out: kept raw (its money moves arrive as wallet
    entries), but checked, and only for a member of this store."""
    member_id = _id(p, "member_id")
    _money(p, "amount")
    _money(p, "bonus", 0)
    _day(p, source)
    if "tender" in p and p["tender"] not in TENDERS:
        raise invalid("tender", "unknown_kind")
    return Plan([], [("member", member_id)], needs_member=member_id)


def _call(p: dict, source: Source) -> Plan:
    member_id = _id(p, "member_id")
    return Plan([], [("member", member_id)], needs_member=member_id)


MAX_BARCODES = 20


def _flag(p: dict, key: str) -> bool:
    value = p.get(key)
    if value is None:
        raise invalid(key, "missing")
    if type(value) is not bool:
        raise invalid(key, "type")
    return value


def _item(p: dict, source: Source) -> Plan:
    """A catalogue item, whole (core/items/catalogue.py `item_payload`): checked in full and
    kept as the event; HQ projects no catalogue yet (a till's items are its store's own)."""
    _id(p, "id")
    _text(p, "code", 40, required=True)
    if not _text(p, "name", 80, required=True).strip():
        raise invalid("name", "missing")
    _text(p, "category", 40)
    price = _money(p, "price")
    if p.get("member_price") is not None and _money(p, "member_price") > price:
        raise invalid("member_price", "too_large")
    for key in ("no_discount", "earns_points", "active"):
        _flag(p, key)
    barcodes = p.get("barcodes", [])
    if not isinstance(barcodes, list):
        raise invalid("barcodes", "type")
    if len(barcodes) > MAX_BARCODES:
        raise invalid("barcodes", "too_large")
    for i, barcode in enumerate(barcodes):
        if not isinstance(barcode, str) or not barcode or "\x00" in barcode:
            raise invalid(f"barcodes.{i}", "type")
        if len(barcode) > 40:
            raise invalid(f"barcodes.{i}", "too_long")
    _int(p, "version", 1, MAX_VERSION)
    moment(p.get("updated_at"), "updated_at")
    return Plan([], [])


ITEM_KINDS = ("item.created", "item.edited", "item.deactivated", "item.reactivated")


def _kept(p: dict, source: Source) -> Plan:
    """Known kinds HQ keeps as raw events only (shifts, staff, the programme, settings)."""
    return Plan([], [])


def member_row(p: dict, source: Source) -> dict[str, Any]:
    member_id = _id(p, "id")
    joined_at = moment(p.get("joined_at"), "joined_at", EARLIEST_JOINED)
    name = _text(p, "name", 80, required=True)
    if not name.strip():
        raise invalid("name", "missing")
    phone = _text(p, "phone", 20) or None
    joined_date = joined_at.replace(tzinfo=UTC).astimezone(ZoneInfo(source.ctx.timezone)).date()
    return {
        "id": member_id, **source.origin(), "card_no": _text(p, "card_no", 40), "name": name,
        "phone": phone, "tier": _text(p, "tier", 20), "status": _text(p, "status", 12),
        "joined_at": joined_at, "joined_date": joined_date,
        "version": _int(p, "version", 1, MAX_VERSION), "data": p,
    }  # fmt: skip


# What every till takes from the directory (core/members/chain_directory.py `Entry`): a row
# it cannot take refuses the whole page, and that till's pull stops there for good.
MEMBER_STATUSES = ("active", "frozen", "lost", "cancelled")
MEMBER_ID = 36  # a till's member id: a UUID


def _member(p: dict, source: Source) -> Plan:
    row = member_row(p, source)
    if row["version"] > MAX_MEMBER_VERSION:
        raise invalid("version", "too_large")
    if len(row["id"]) > MEMBER_ID:
        raise invalid("id", "too_long")
    if not row["card_no"]:
        raise invalid("card_no", "missing")
    if row["status"] not in MEMBER_STATUSES:
        raise invalid("status", "missing" if not row["status"] else "unknown_kind")
    phone = row["phone"]
    # A mobile as a till keeps it (11 digits): a masked one (138****5678) or other text would
    # be dropped by every till, and the member found by phone nowhere.
    if phone is not None and not (len(phone) == 11 and phone.isascii() and phone.isdigit()):
        raise invalid("phone", "type")
    return Plan([], [("member", row["id"])], member=row)


def _member_erased(p: dict, source: Source) -> Plan:
    """A cancelled member's personal information erased: the row as it became, checked to
    hold none of it (owned by its store as every member event is: the caller judges that)."""
    found = _member(p, source)
    if p.get("status") != "cancelled":
        raise invalid("status", "type")
    if p.get("name") not in erased_names():
        raise invalid("name", "not_cleared")
    for key, empty in ERASED_FIELDS.items():
        if key not in p or p[key] != empty or type(p[key]) is not type(empty):
            raise invalid(key, "not_cleared")
    return found


MAX_COUNTS = 1000  # visits on one count card (core/till/count_cards.py)


def _count_card(p: dict, source: Source) -> Plan:
    """A count card sold (次卡), kept as the event once checked: its visits move by
    countcard.entry events, for a member of this store."""
    member_id = _id(p, "member_id")
    _id(p, "id")
    _text(p, "receipt_no", 40, required=True)
    if not _text(p, "name", 80, required=True).strip():
        raise invalid("name", "missing")
    if (_id(p, "item_id", optional=True) is None) == (not _text(p, "category", 40)):
        raise invalid("item_id", "missing")  # one item or one category, never both
    _int(p, "counts", 1, MAX_COUNTS)
    _money(p, "price")
    _money(p, "visit_price", 0)
    if p.get("tender") not in TENDERS or p["tender"] in ("wallet", "points"):
        raise invalid("tender", "unknown_kind")
    sold = _day(p, source)
    if p.get("expires_on") is not None:
        try:
            ends = date.fromisoformat(p["expires_on"])
        except (TypeError, ValueError):
            raise invalid("expires_on", "type") from None
        if ends <= sold:
            raise invalid("expires_on", "time_range")
    return Plan([], [("member", member_id)], needs_member=member_id)


COUNT_CARD_KINDS = {"sold": 1, "use": -1, "refund": -1, "expire": -1}  # the sign of each


def _count_card_entry(p: dict, source: Source) -> Plan:
    member_id = _id(p, "member_id")
    _id(p, "id")
    _id(p, "card_id")
    _day(p, source)
    kind = _text(p, "kind", 10, required=True)
    if kind not in COUNT_CARD_KINDS:
        raise invalid("kind", "unknown_kind")
    delta = _int(p, "delta", -MAX_COUNTS, MAX_COUNTS)
    if delta == 0 or (delta > 0) != (COUNT_CARD_KINDS[kind] > 0) or (kind == "use" and delta != -1):
        raise invalid("delta", "type")
    _int(p, "left_after", 0, MAX_COUNTS)
    _money(p, "amount", 0)
    _text(p, "receipt_no", 40)
    return Plan([], [("member", member_id)], needs_member=member_id)


PROJECTORS: dict[str, Callable[[dict, Source], Plan]] = {
    "sale.completed": _sale,
    "sale.refunded": _refund,
    "points.entry": _points,
    "wallet.entry": _wallet,
    "wallet.topup": _stored_value,
    "wallet.topup_reversed": _stored_value,
    "wallet.cashout": _stored_value,
    "call.logged": _call,
    "countcard.sold": _count_card,
    "countcard.entry": _count_card_entry,
    "member.erased": _member_erased,
    "shift.opened": _kept,
    "shift.closed": _kept,
    "staff.add": _kept,
    "staff.change": _kept,
    "staff.pin_reset": _kept,
    "staff.recovery_code": _kept,
    "staff.pin_recovered": _kept,
    "program.saved": _kept,
    SETTINGS_KIND: _kept,
    **dict.fromkeys(ITEM_KINDS, _item),
}


def projector(kind: str) -> Callable[[dict, Source], Plan] | None:
    """How HQ takes an event of `kind`; None for a kind it does not know.

    Every `member.*` kind carries the whole member row (issued, edited, card lost or
    replaced, frozen, active again, cancelled, tier changed), so all are one projection.
    """
    found = PROJECTORS.get(kind)
    if found is None and kind.startswith("member."):
        return _member
    if found is None and kind.startswith("coupon."):
        from .coupons import COUPON_PROJECTORS  # which uses the field checks above

        return COUPON_PROJECTORS.get(kind)
    return found


def plan(kind: str, payload: dict, source: Source) -> Plan:
    """Validate one event's payload and say what it would write (or raise `Rejected`)."""
    take = projector(kind)
    if take is None:
        raise Rejected("unknown_kind", kind=kind)
    named = payload.get("store_code")
    if named is not None and kind != SETTINGS_KIND and named != source.ctx.store_code:
        if not isinstance(named, str) or len(named) > 40:
            raise invalid("store_code", "type")
        joined = source.ctx.joined
        if joined is None or source.created_at > joined:
            raise Rejected("identity", store_code=named)
        # Made until the terminal joined HQ, under the code the till had on its own: the
        # record is this terminal's store's, as every record it sends is (Source.origin).
    return take(payload, source)


# The fields a till keeps to one line where they are typed (core/text.py `check_text`):
# a member's and a staff member's name, an item's name and category, a shift's note.
ONE_LINE = {"name", "category", "cashier", "staff_name", "note"}
ONE_LINE_KINDS = ("member.", "staff.", "item.", "shift.")


# An ASCII JSON text that may hold such a character ("\\n" and the like: a note's line
# break, a receipt footer's), so most payloads are not walked. The text is json's own
# encoding: escapes in lower case, everything but printable ASCII escaped (DEL as
# "\\u007f"). Case-sensitive, the search skips from backslash to backslash (0.4 µs a
# payload; ten times that ignoring case, which also missed DEL).
_MAY_HOLD_CONTROL = re.compile(r"\\(?:u00[01789]|u20[26]|[bfnrt])")


def may_hold_control(text: str) -> bool:
    """Whether a payload's JSON text, as `encode_payload` makes it, may hold a character
    `check_texts` refuses."""
    return _MAY_HOLD_CONTROL.search(text) is not None


def check_texts(kind: str, payload: Any) -> None:
    """Refuse a payload holding, in any text, a control character or a bidirectional
    override (U+202E …), which a till refuses where it is typed (core/text.py): a name
    that reads otherwise than it is stored in every list and report. A member's, staff
    member's or item's name (and such one-line fields) may not hold a line break either."""
    one_line = kind.startswith(ONE_LINE_KINDS)

    def walk(value: Any, path: str, top: bool) -> None:
        if type(value) is str:
            lines = one_line and top and path in ONE_LINE
            found = (NOT_IN_A_LINE if lines else NOT_IN_TEXT).search(value)
            if found is not None:
                ch = found.group()
                problem = "line_break" if ch in "\n\r\u2028\u2029" else "control"
                raise invalid(path[:60], problem)
        elif type(value) is dict:
            for key, item in value.items():
                if type(key) is str and NOT_IN_TEXT.search(key):
                    raise invalid(path or "payload", "control")
                walk(item, f"{path}.{key}" if path else str(key), not path)
        elif type(value) is list:
            for i, item in enumerate(value):
                walk(item, f"{path}.{i}", False)

    walk(payload, "", True)


def clock_window(now: datetime) -> tuple[datetime, datetime]:
    """How far an event's time may be from HQ's: 5 years back (an offline sale long ago
    is still a sale), 30 days ahead."""
    return now - timedelta(days=5 * 365 + 1), now + timedelta(days=30)
