"""The product catalogue: add an item, edit it, deactivate it or take it back.

Each public function is one user action of a manager or owner (a cashier needs one's
PIN): one write transaction, an audit row and its outbox row inside it, a plain
`ItemView` back. Every change carries the whole item to head office (``item.*``, as
members do). Validation collects every field's problem at once (`ValidationFailed`),
so the editor shows each beside its field. An item is never deleted: sales name it.

Codes. An item has one code (编码, the shop's own; when none is given, its first
barcode) and any number of barcodes up to MAX_BARCODES. A code or barcode names one
item only, also across the two: the scan box looks a scanned text up as a barcode,
then as a code, and must never find two items.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ..errors import DomainError, ValidationFailed
from ..i18n import N_
from ..members.search_keys import search_keys
from ..money import MAX_LINE_FEN, format_fen, whole
from ..shop.details import ensure_terminal_id, shop_info
from ..shop.staff import Actor, require
from ..store.database import Store
from ..store.models import Item, ItemBarcode, ItemSearchKey
from ..store.statements import raw_connection, write_rows
from ..store.uow import UnitOfWork
from ..text import check_text
from .barcodes import normalize_barcode, normalize_code

MAX_NAME = 80


MAX_CATEGORY = 40


MAX_BARCODES = 20


# How the fields read in a refusal about what was typed in them (core.text, money).
NAME_FIELD, CATEGORY_FIELD = N_("the item's name"), N_("the category")


PRICE_FIELD, MEMBER_PRICE_FIELD = N_("the price"), N_("the member price")


ITEMS, BARCODES, SEARCH = Item.__table__, ItemBarcode.__table__, ItemSearchKey.__table__


# What a change to the catalogue is called in the audit log and the outbox.
CREATED, EDITED, DEACTIVATED, REACTIVATED = (
    "item.created", "item.edited", "item.deactivated", "item.reactivated",
)  # fmt: skip


@dataclass(frozen=True)
class ItemForm:
    """What a person types when adding or editing an item (money in fen)."""

    name: str
    price: int | None  # None: left blank, refused (never sold at ¥0.00 unasked)
    code: str = ""  # blank: the first barcode
    barcodes: tuple[str, ...] = ()
    category: str = ""
    member_price: int | None = None
    no_discount: bool = False  # 不打折
    earns_points: bool = True


@dataclass(frozen=True)
class ItemView:
    id: str
    code: str
    name: str
    category: str
    price: int
    member_price: int | None
    no_discount: bool
    earns_points: bool
    active: bool
    updated_at: datetime
    version: int
    barcodes: tuple[str, ...] = field(default=())

    def price_for(self, member: bool) -> int:
        """What one of it costs: the member price for a member, when it has one."""
        if member and self.member_price is not None and self.member_price < self.price:
            return self.member_price
        return self.price


@dataclass(frozen=True)
class Clean:
    """A form that passed every check: normalised, ready to write."""

    code: str
    barcodes: tuple[str, ...]
    name: str
    category: str
    price: int
    member_price: int | None
    no_discount: bool
    earns_points: bool


_HOLDER_OF_BARCODE = (
    "SELECT i.id, i.code, i.name FROM item_barcodes b JOIN items i ON i.id = b.item_id"
    " WHERE b.barcode = ?"
)


_HOLDER_OF_CODE = "SELECT id, code, name FROM items WHERE code = ?"


_BARCODES_OF = "SELECT barcode FROM item_barcodes WHERE item_id = ? ORDER BY barcode"


# Members the till's last-four search finds by these digits (core/members/lookup.py).
_LAST4_MEMBERS = "SELECT count(*) FROM members WHERE phone_last4 = ? AND status != 'cancelled'"


def _money(value: Any, what: str, errors: dict[str, DomainError], name: str) -> int | None:
    try:
        fen = whole(value, what, limit=MAX_LINE_FEN)
    except DomainError as e:
        errors[name] = e
        return None
    if fen < 0:
        errors[name] = DomainError("amount.negative")
        return None
    return fen


def check_form(form: ItemForm) -> tuple[Clean | None, dict[str, DomainError]]:
    """The form's own checks (no database): the clean values, or every field's problem."""
    errors: dict[str, DomainError] = {}
    barcodes: list[str] = []
    for raw in form.barcodes:
        if not str(raw).strip():
            continue
        try:
            code = normalize_barcode(raw)
        except DomainError as e:
            errors.setdefault("barcodes", e)
            continue
        if code not in barcodes:
            barcodes.append(code)
    if len(barcodes) > MAX_BARCODES:
        errors["barcodes"] = DomainError("item.too_many_barcodes", max=MAX_BARCODES)
    code = ""
    if str(form.code or "").strip():
        try:
            code = normalize_code(form.code)
        except DomainError as e:
            errors["code"] = e
    elif barcodes:
        code = barcodes[0]
    elif "barcodes" not in errors:
        errors["code"] = DomainError("item.code_required")
    name = str(form.name or "").strip()
    if not name:
        errors["name"] = DomainError("item.name_required")
    elif len(name) > MAX_NAME:
        errors["name"] = DomainError("item.name_too_long", max=MAX_NAME)
    else:
        try:
            check_text(name, NAME_FIELD)
        except DomainError as e:
            errors["name"] = e
    category = str(form.category or "").strip()
    if len(category) > MAX_CATEGORY:
        errors["category"] = DomainError("item.category_too_long", max=MAX_CATEGORY)
    elif category:
        try:
            check_text(category, CATEGORY_FIELD)
        except DomainError as e:
            errors["category"] = e
    if form.price is None:
        errors["price"] = DomainError("item.price_required")
        price = None
    else:
        price = _money(form.price, PRICE_FIELD, errors, "price")
    member_price = None
    if form.member_price is not None:
        member_price = _money(form.member_price, MEMBER_PRICE_FIELD, errors, "member_price")
        if member_price is not None and price is not None and member_price > price:
            errors["member_price"] = DomainError(
                "item.member_price_above", member_price=format_fen(member_price),
                price=format_fen(price),
            )  # fmt: skip
    if errors or price is None:
        return None, errors
    clean = Clean(code, tuple(barcodes), name, category, price, member_price,
                  bool(form.no_discount), bool(form.earns_points))  # fmt: skip
    return clean, {}


def check_against_store(
    session: Session, clean: Clean, item_id: str | None
) -> dict[str, DomainError]:
    """The code and barcodes against the other items' codes and barcodes."""
    con = raw_connection(session)

    def holder(text: str) -> Any:
        for sql in (_HOLDER_OF_CODE, _HOLDER_OF_BARCODE):
            other = con.execute(sql, (text,)).fetchone()
            if other is not None and other[0] != item_id:
                return other
        return None

    errors: dict[str, DomainError] = {}
    other = holder(clean.code)
    if other is not None and clean.code not in clean.barcodes:
        errors["code"] = DomainError("item.code_duplicate", code=clean.code, name=other[2])
    for barcode in clean.barcodes:
        other = holder(barcode)
        if other is not None:
            errors["barcodes"] = DomainError("item.barcode_duplicate", barcode=barcode,
                                             name=other[2], code=other[1])  # fmt: skip
            break
    return errors


def price_like_code(clean: Clean, already: tuple[str, ...] = ()) -> DomainError | None:
    """A code or barcode of the item that the till's box would also read as a price (123,
    12.50), new to it (not in `already`): the box adds the item, so ¥123 has to be typed
    another way (123.). Not refused (shops key short codes, 101 for a loaf), but the owner
    confirms it knowing this; None when no code reads as a price."""
    return codes_read_as_price((clean.code, *clean.barcodes), already)


def codes_read_as_price(codes: Iterable[str], already: Iterable[str] = (),
                        code: str = "item.code_reads_as_price") -> DomainError | None:  # fmt: skip
    """The first of `codes` not in `already` that the till's box reads as a price, as the
    DomainError `code` (params: code, price, example); None when none does. The editor
    asks with it (price_like_code); the import warns with it (core/items/transfer.py)."""
    from .scan import price_reading  # the box reads codes through this module

    held = set(already)
    for text in dict.fromkeys(codes):
        reading = price_reading(text) if text not in held else None
        if reading is not None:
            fen, example = reading
            return DomainError(code, code=text, price=format_fen(fen), example=example)
    return None


def codes_read_as_last4(con: sqlite3.Connection, codes: Iterable[str], already: Iterable[str] = (),
                        code: str = "item.code_is_last4") -> list[DomainError]:  # fmt: skip
    """Each of `codes` not in `already` that the till's box also reads as the last four
    digits of members' phones (5678, where members' phones end in 5678): typed there, it
    asks whether the item or a member is meant. As the DomainError `code` (params: code,
    members); empty when none is. The editor asks with the first (last4_code); the import
    warns with each (core/items/transfer.py)."""
    from .scan import reads_as_last4  # the box reads codes through this module

    held = set(already)
    found: list[DomainError] = []
    for text in dict.fromkeys(codes):
        if text in held or not reads_as_last4(text):
            continue
        members = con.execute(_LAST4_MEMBERS, (text,)).fetchone()[0]
        if members:
            found.append(DomainError(code, code=text, members=members))
    return found


def last4_code(session: Session, clean: Clean, already: tuple[str, ...] = ()) -> DomainError | None:
    """A code or barcode of the item, new to it, that members' phones end in (5678): at the
    till it then asks each time whether the item or a member is meant. Not refused, but
    the owner confirms it knowing this; None when no such code."""
    found = codes_read_as_last4(raw_connection(session), (clean.code, *clean.barcodes), already)
    return found[0] if found else None


def validate(session: Session, form: ItemForm, item_id: str | None) -> Clean:
    """Every check, the store's too; raises ValidationFailed naming each field's problem."""
    if session.new or session.dirty:  # the checks read with plain statements
        session.flush()
    clean, errors = check_form(form)
    if clean is not None:
        errors = check_against_store(session, clean, item_id)
    if errors:
        raise ValidationFailed(errors)
    return clean  # type: ignore[return-value]


def item_payload(item: Item, barcodes: tuple[str, ...]) -> dict[str, Any]:
    """The item as head office receives it (every change carries the whole item)."""
    return {
        "id": item.id, "code": item.code, "name": item.name, "category": item.category,
        "price": item.price, "member_price": item.member_price, "no_discount": item.no_discount,
        "earns_points": item.earns_points, "active": item.active, "barcodes": list(barcodes),
        "version": item.version, "updated_at": item.updated_at.isoformat(),
    }  # fmt: skip


def view_of(item: Item, barcodes: tuple[str, ...]) -> ItemView:
    return ItemView(
        id=item.id, code=item.code, name=item.name, category=item.category, price=item.price,
        member_price=item.member_price, no_discount=item.no_discount,
        earns_points=item.earns_points, active=item.active, updated_at=item.updated_at,
        version=item.version, barcodes=barcodes,
    )  # fmt: skip


def barcodes_of(session: Session, item_id: str) -> tuple[str, ...]:
    rows = raw_connection(session).execute(_BARCODES_OF, (item_id,))
    return tuple(r[0] for r in rows)


def _write_codes(session: Session, item: Item, clean: Clean, *, fresh: bool) -> None:
    if not fresh:
        session.execute(delete(ItemBarcode).where(ItemBarcode.item_id == item.id))
    write_rows(session, [(BARCODES, {"barcode": b, "item_id": item.id}) for b in clean.barcodes])


def reindex_item(session: Session, item: Item, *, fresh: bool = False) -> None:
    """The name's lookup keys (as a member's: suffixes, pinyin initials, full pinyin)."""
    if not fresh:
        session.execute(delete(ItemSearchKey).where(ItemSearchKey.item_id == item.id))
    write_rows(session, [(SEARCH, {"key": k, "item_id": item.id}) for k in search_keys(item.name)])


def _record(uow: UnitOfWork, item: Item, kind: str, actor: Actor, allowed: Actor | None,
            detail: dict[str, Any], via: str, audit: bool = True) -> None:  # fmt: skip
    """The change's outbox row (the whole item) and, unless the caller audits a batch, its
    audit row."""
    barcodes = tuple(detail.get("barcodes_after", ())) or barcodes_of(uow.session, item.id)
    payload = item_payload(item, barcodes)
    payload["change"] = {"by": actor.name, "via": via}
    uow.emit(kind, item.id, payload)
    if audit:
        uow.audit(kind, staff_id=actor.staff_id, staff_name=actor.name,
                  authorised_by=None if allowed is None or allowed is actor else allowed.name,
                  target=item.code[:80], detail=detail)  # fmt: skip


def add_item(uow: UnitOfWork, actor: Actor, form: ItemForm, *, active: bool = True,
             via: str = "editor", allowed: Actor | None = None, audit: bool = True,
             price_codes_ok: bool = True, last4_codes_ok: bool = True) -> Item:  # fmt: skip
    """A new item inside the caller's transaction (the editor, the import, the demo).
    `price_codes_ok` False: a code the till reads as a price is refused until confirmed;
    `last4_codes_ok` False: so is one that members' phones end in."""
    session = uow.session
    clean = validate(session, form, None)
    if not price_codes_ok and (asked := price_like_code(clean)) is not None:
        raise asked
    if not last4_codes_ok and (asked := last4_code(session, clean)) is not None:
        raise asked
    item = Item(
        code=clean.code, name=clean.name, category=clean.category, price=clean.price,
        member_price=clean.member_price, no_discount=clean.no_discount,
        earns_points=clean.earns_points, active=active, created_at=uow.now, updated_at=uow.now,
        version=1,
    )  # fmt: skip
    session.add(item)
    session.flush()  # the item first: its barcodes and keys point at it
    _write_codes(session, item, clean, fresh=True)
    reindex_item(session, item, fresh=True)
    if not shop_info(session).terminal_id:
        ensure_terminal_id(uow)
    _record(uow, item, CREATED, actor, allowed,
            {"price": clean.price, "member_price": clean.member_price,
             "barcodes_after": list(clean.barcodes)}, via, audit)  # fmt: skip
    return item


# The fields an edit compares, for the audit row's before and after.
_FIELDS = ("code", "name", "category", "price", "member_price", "no_discount", "earns_points")


def change_item(uow: UnitOfWork, actor: Actor, item: Item, form: ItemForm, *,
                active: bool | None = None, via: str = "editor", allowed: Actor | None = None,
                audit: bool = True, price_codes_ok: bool = True,
                last4_codes_ok: bool = True) -> bool:  # fmt: skip
    """Write `form` (and `active`, unless None) over `item` inside the caller's transaction;
    False when nothing differs. Only the state changing is an item.deactivated or
    item.reactivated; anything else is an item.edited. `price_codes_ok` False: a code new
    to the item that the till reads as a price is refused until confirmed;
    `last4_codes_ok` False: so is one new to it that members' phones end in."""
    session = uow.session
    clean = validate(session, form, item.id)
    before = {f: getattr(item, f) for f in _FIELDS}
    old_codes = barcodes_of(session, item.id)
    if not price_codes_ok:
        asked = price_like_code(clean, (item.code, *old_codes))
        if asked is not None:
            raise asked
    if not last4_codes_ok:
        asked = last4_code(session, clean, (item.code, *old_codes))
        if asked is not None:
            raise asked
    after = {f: getattr(clean, f) for f in _FIELDS}
    codes_change = set(old_codes) != set(clean.barcodes)
    state_change = active is not None and active != item.active
    if before == after and not codes_change and not state_change:
        return False
    for f, value in after.items():
        setattr(item, f, value)
    if state_change:
        item.active = bool(active)
    item.updated_at = uow.now
    item.version += 1
    session.flush()
    if codes_change:
        _write_codes(session, item, clean, fresh=False)
    if before["name"] != clean.name:
        reindex_item(session, item)
    changed: dict[str, Any] = {f: [before[f], after[f]] for f in _FIELDS if before[f] != after[f]}
    if codes_change:
        changed["barcodes"] = [list(old_codes), list(clean.barcodes)]
    if state_change:
        changed["active"] = [not item.active, item.active]
    kind = EDITED
    if list(changed) == ["active"]:
        kind = REACTIVATED if item.active else DEACTIVATED
    _record(uow, item, kind, actor, allowed,
            {"changed": changed, "barcodes_after": list(clean.barcodes)}, via, audit)  # fmt: skip
    return True


def load_item(session: Session, item_id: str) -> Item:
    item = session.get(Item, item_id)
    if item is None:
        raise DomainError("item.not_found")
    return item


def create_item(store: Store, actor: Actor, form: ItemForm, *,
                authoriser: Actor | None = None, price_codes_ok: bool = False,
                last4_codes_ok: bool = False) -> ItemView:  # fmt: skip
    """Add an item to the catalogue (manager or owner, or a cashier with one's PIN). A code
    the till would read as a price (123) is refused with item.code_reads_as_price, saying
    so, until the person confirms it (`price_codes_ok`); four digits that members' phones
    end in (5678) likewise with item.code_is_last4 (`last4_codes_ok`)."""
    with store.write() as uow:
        allowed = require(actor, "catalogue_change", authoriser)
        item = add_item(uow, actor, form, allowed=allowed, price_codes_ok=price_codes_ok,
                        last4_codes_ok=last4_codes_ok)  # fmt: skip
        return view_of(item, barcodes_of(uow.session, item.id))


def edit_item(store: Store, actor: Actor, item_id: str, form: ItemForm, *,
              expected_version: int | None = None,
              authoriser: Actor | None = None, price_codes_ok: bool = False,
              last4_codes_ok: bool = False) -> ItemView:  # fmt: skip
    """Change an item; `expected_version` refuses an edit made over someone else's. A code
    new to it that the till would read as a price, or that members' phones end in, is
    asked about as create_item does."""
    with store.write() as uow:
        allowed = require(actor, "catalogue_change", authoriser)
        item = load_item(uow.session, item_id)
        if expected_version is not None and item.version != expected_version:
            raise DomainError("item.stale", name=item.name)
        change_item(uow, actor, item, form, allowed=allowed, price_codes_ok=price_codes_ok,
                    last4_codes_ok=last4_codes_ok)  # fmt: skip
        return view_of(item, barcodes_of(uow.session, item.id))


def set_item_active(store: Store, actor: Actor, item_id: str, active: bool, *,
                    authoriser: Actor | None = None) -> ItemView:  # fmt: skip
    """Deactivate an item (it is no longer sold; its sales keep naming it) or take it back."""
    with store.write() as uow:
        allowed = require(actor, "catalogue_change", authoriser)
        item = load_item(uow.session, item_id)
        form = form_of(view_of(item, barcodes_of(uow.session, item.id)))
        change_item(uow, actor, item, form, active=active, allowed=allowed)
        return view_of(item, barcodes_of(uow.session, item.id))


def get_item(store: Store, item_id: str) -> ItemView:
    with store.read() as s:
        item = load_item(s, item_id)
        return view_of(item, barcodes_of(s, item.id))


def form_of(view: ItemView) -> ItemForm:
    """The form an edit starts from: the item as it is."""
    return ItemForm(
        name=view.name, price=view.price, code=view.code, barcodes=view.barcodes,
        category=view.category, member_price=view.member_price, no_discount=view.no_discount,
        earns_points=view.earns_points,
    )  # fmt: skip


def item_count(session: Session) -> int:
    return int(raw_connection(session).execute("SELECT count(*) FROM items").fetchone()[0])
