"""The shop's identity and terminal settings, kept in the `settings` table."""

from __future__ import annotations

import json
import unicodedata
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from sqlalchemy.orm import Session

from ..clock import DEFAULT_TZ
from ..errors import DomainError, ValidationFailed
from ..i18n import DEFAULT_LANG, N_, gettext, known_language, normalise
from ..store.database import Store
from ..store.models import Setting
from ..store.statements import raw_connection
from ..store.uow import UnitOfWork

# The time zones a shop usually keeps, by the name a person reads (中国标准时间（北京时间）),
# in the order they are offered; the shop keeps the IANA name (Asia/Shanghai), and a zone
# not named here is shown by it.
TIMEZONE_NAMES: dict[str, str] = {
    "Asia/Shanghai": N_("China Standard Time (Beijing time)"),
    "Asia/Hong_Kong": N_("Hong Kong time"),
    "Asia/Macau": N_("Macau time"),
    "Asia/Taipei": N_("Taipei time"),
    "Asia/Singapore": N_("Singapore time"),
    "Asia/Kuala_Lumpur": N_("Malaysia time (Kuala Lumpur)"),
    "Asia/Urumqi": N_("Xinjiang time (Urumqi)"),
    "Asia/Tokyo": N_("Japan time (Tokyo)"),
    "Asia/Seoul": N_("Korea time (Seoul)"),
    "Asia/Bangkok": N_("Thailand time (Bangkok)"),
    "Europe/London": N_("UK time (London)"),
    "Europe/Paris": N_("Central European time (Paris)"),
    "America/New_York": N_("US Eastern time (New York)"),
    "America/Los_Angeles": N_("US Pacific time (Los Angeles)"),
    "Australia/Sydney": N_("Australian Eastern time (Sydney)"),
}


def timezone_name(tz: str, lang: str | None = DEFAULT_LANG) -> str:
    """A time zone by its name in `lang`, or by its IANA name when it has none here."""
    msgid = TIMEZONE_NAMES.get(tz)
    return gettext(msgid, lang) if msgid else tz


# Until the owner writes their own, in the shop's language.
DEFAULT_NAME = N_("My shop")
DEFAULT_FOOTER = N_("Thank you, please come again!")


@dataclass(frozen=True)
class ShopInfo:
    name: str = field(default_factory=lambda: gettext(DEFAULT_NAME))
    address: str = ""
    phone: str = ""
    timezone: str = DEFAULT_TZ
    store_code: str = "S001"
    terminal_id: str = ""
    terminal_code: str = "01"  # printed in receipt numbers
    card_prefix: str = "88"
    backups_keep: int = 14
    footer: str = field(default_factory=lambda: gettext(DEFAULT_FOOTER))
    # The language of the shop's own paper: receipts and slips (zh_CN, zh_TW or en); also
    # the language of the default program's tier names.
    language: str = DEFAULT_LANG


FIELDS = {f"shop.{k}" for k in asdict(ShopInfo())}
# Who the till is in the chain (``identity.py``): set with care, not as a plain setting.
IDENTITY_KEYS = ("store_code", "terminal_code", "card_prefix")


def read_setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    return default if row is None else row.value


def write_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


_SHOP_ROWS = "SELECT key, value FROM settings WHERE key >= 'shop.' AND key < 'shop/'"


_COUNTER = "SELECT value FROM settings WHERE key = ?"


_COUNTER_SET = "UPDATE settings SET value = ? WHERE key = ?"


_COUNTER_NEW = "INSERT INTO settings (key, value) VALUES (?, ?)"


def shop_info(session: Session) -> ShopInfo:
    """The shop's settings, read on the transaction's connection (every sale asks).

    Only the shop.* keys: the table also holds counters that grow by the day. A key
    range (not LIKE, which SQLite cannot serve from the primary key). Writers of shop.*
    keys flush before anyone reads them back (``_write_shop``).
    """
    rows = raw_connection(session).execute(_SHOP_ROWS)
    values = {k[5:]: _json(v) for k, v in rows if k in FIELDS}
    lang = values["language"] = normalise(values.get("language"))
    values.setdefault("name", gettext(DEFAULT_NAME, lang))
    values.setdefault("footer", gettext(DEFAULT_FOOTER, lang))
    return ShopInfo(**values)


def _json(stored: Any) -> Any:
    # A JSON column has numeric affinity: SQLite keeps a number as a number, not its text.
    return json.loads(stored) if isinstance(stored, str) else stored


def get_shop(store: Store) -> ShopInfo:
    with store.read() as s:
        return shop_info(s)


def ensure_terminal_id(uow: UnitOfWork) -> str:
    current = read_setting(uow.session, "shop.terminal_id")
    if not current:
        current = str(uuid.uuid4())
        write_setting(uow.session, "shop.terminal_id", current)
        uow.session.flush()  # shop_info reads the table directly
    return current


# Where a shop using this program may be: its phone is read as a number of any of them.
SHOP_REGIONS = ("CN", "HK", "MO", "TW")


def check_shop_phone(text: str) -> str:
    """The shop's phone as typed (stripped), or raise ``shop.phone_invalid``: a mobile,
    a landline with its area code (010-12345678) or a 400/800 number of the mainland,
    Hong Kong, Macau or Taiwan. Empty is allowed: a shop need not print a phone."""
    typed = unicodedata.normalize("NFKC", str(text)).strip()
    if not typed:
        return ""
    raw = "".join(ch for ch in typed if ch not in " -()")
    if raw.isascii() and raw.removeprefix("+").isdigit():
        for region in SHOP_REGIONS:
            try:
                parsed = phonenumbers.parse(raw, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(parsed):
                return typed
    raise DomainError("shop.phone_invalid", phone=text)


def check_shop(changes: dict[str, Any]) -> dict[str, Any]:
    """The shop's details as given, tidied; every field's problem at once (ValidationFailed,
    keyed by the field's name), so a form shows each beside its field in one go."""
    from .identity import clean_identity  # identity builds on this module

    out, errors = dict(changes), {}
    if "name" in out and not str(out["name"] or "").strip():
        errors["name"] = DomainError("shop.name_required")
    if "timezone" in out:
        try:
            ZoneInfo(out["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = DomainError("timezone.invalid", tz=out["timezone"])
    if "phone" in out:
        try:
            out["phone"] = check_shop_phone(out["phone"])
        except DomainError as e:
            errors["phone"] = e
    if "language" in out:
        lang = known_language(out["language"])
        if lang is None:
            errors["language"] = DomainError("language.unknown", lang=out["language"])
        out["language"] = lang
    for key in IDENTITY_KEYS:
        if key in out:
            try:
                clean_identity(**{key: out[key]})
            except DomainError as e:
                errors[key] = e
    if errors:
        raise ValidationFailed(errors)
    return out


def configure_shop(
    store: Store, *, actor: Any = None, authoriser: Any = None, **changes: Any
) -> ShopInfo:
    """Set shop fields (name, address, phone, timezone, store_code, card_prefix, …).

    `actor`: the staff member at the window, who must be a manager or the owner or be
    authorised by one (the time zone moves business days, the codes number every receipt
    and card); None for the machine's owner (set-up, command line)."""
    if actor is not None:
        from .staff import require  # staff builds on this module

        require(actor, "shop_settings", authoriser)
    unknown = {k for k in changes if f"shop.{k}" not in FIELDS}
    if unknown:
        raise ValueError(f"unknown shop settings: {sorted(unknown)}")
    changes = check_shop(changes)
    identity = {k: changes.pop(k) for k in IDENTITY_KEYS if k in changes}
    with store.write() as uow:
        if identity:  # checked, refused after the first sync and audited there
            from .identity import apply_identity  # identity builds on this module

            apply_identity(uow, identity)
        ensure_terminal_id(uow)
        for key, value in changes.items():
            write_setting(uow.session, f"shop.{key}", value)
        uow.session.flush()  # shop_info reads the table directly
        uow.emit("shop.configured", read_setting(uow.session, "shop.terminal_id"), dict(changes))
        return shop_info(uow.session)


# Set in a demo shop's file (core.demo): the window says so in its title bar.
DEMO_KEY = "demo.shop"


def mark_demo(store: Store) -> None:
    with store.write() as uow:
        write_setting(uow.session, DEMO_KEY, True)


def is_demo(store: Store) -> bool:
    return bool(store.get_setting(DEMO_KEY, False))


def next_counter(session: Session, key: str, start: int = 1) -> int:
    """Take the next value of a named counter (inside the caller's write transaction).

    Counters are read and written with plain statements, never through ORM objects,
    so no stale copy can sit in a session's identity map.
    """
    conn = raw_connection(session)
    row = conn.execute(_COUNTER, (key,)).fetchone()
    if row is None:
        conn.execute(_COUNTER_NEW, (key, start + 1))
        return start
    value = int(_json(row[0]))
    conn.execute(_COUNTER_SET, (value + 1, key))
    return value
