"""Who this till is in the chain: its store, its terminal code and its card prefix.

Every number a customer or a cashier sees is unique in the chain by construction:
a receipt number carries the store and terminal codes, a generated card number
begins with the terminal's card prefix, which HQ hands out unique in the chain.
HQ provisions the three; a till adopts them at `sync setup` (or sets them by hand,
`memberdesk shop set`) before its first sync. Afterwards a change would make the
till's numbers collide with another till's or disagree with HQ, so it is refused
unless forced, and a forced change is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..errors import DomainError
from ..store.database import Store
from ..store.uow import UnitOfWork
from .details import (
    IDENTITY_KEYS,
    ShopInfo,
    ensure_terminal_id,
    read_setting,
    shop_info,
    write_setting,
)
from .staff import SYSTEM, Actor

STORE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,39}$")
TERMINAL_CODE = re.compile(r"^[0-9]{2}$")
CARD_PREFIX = re.compile(r"^[1-9][0-9]{1,5}$")
FIELDS = IDENTITY_KEYS


@dataclass(frozen=True)
class Identity:
    store_code: str
    terminal_code: str
    card_prefix: str

    @classmethod
    def of(cls, shop: ShopInfo) -> Identity:
        return cls(shop.store_code, shop.terminal_code, shop.card_prefix)


def clean_identity(
    *, store_code: str | None = None, terminal_code: str | None = None,
    card_prefix: str | None = None,
) -> dict[str, str]:  # fmt: skip
    """The given fields, tidied (store codes in capitals) and checked; refused with the reason."""
    out: dict[str, str] = {}
    if store_code is not None:
        code = str(store_code).strip().upper()
        if not STORE_CODE.match(code):
            raise DomainError("identity.store_code", code=store_code)
        out["store_code"] = code
    if terminal_code is not None:
        code = str(terminal_code).strip()
        if code.isdigit() and len(code) == 1:
            code = "0" + code
        if not TERMINAL_CODE.match(code) or code == "00":
            raise DomainError("identity.terminal_code", code=terminal_code)
        out["terminal_code"] = code
    if card_prefix is not None:
        prefix = str(card_prefix).strip()
        if not CARD_PREFIX.match(prefix):
            raise DomainError("identity.card_prefix", prefix=card_prefix)
        out["card_prefix"] = prefix
    return out


def has_synced(session: Session) -> bool:
    """Whether head office has confirmed any of this till's records (its numbers are
    known there): a sync that went through, as the pusher records it."""
    confirmed = read_setting(session, "sync.hq_last_seq")
    return bool(read_setting(session, "sync.last_success_at")) or bool(confirmed)


def refuse_change_after_sync(session: Session, changes: dict[str, str]) -> None:
    """Refuse changing any identity field of `changes` once the till has synced."""
    before = Identity.of(shop_info(session))
    if any(getattr(before, k) != v for k, v in changes.items() if k in FIELDS) and has_synced(
        session
    ):
        raise DomainError(
            "identity.synced", store=before.store_code, terminal=before.terminal_code,
            prefix=before.card_prefix,
        )  # fmt: skip


def current_identity(store: Store) -> tuple[Identity, bool]:
    """This till's identity and whether it has synced already."""
    with store.read() as s:
        return Identity.of(shop_info(s)), has_synced(s)


def set_identity(
    store: Store, actor: Actor, *, store_code: str | None = None,
    terminal_code: str | None = None, card_prefix: str | None = None, force: bool = False,
    via: str = "manual",
) -> Identity:  # fmt: skip
    """Set the store code, terminal code and card prefix (any of them).

    Refused once the till has synced unless `force`: its receipts and cards are known
    at HQ under the old values. `via` says who asked ("manual", or "hq" when adopted
    from HQ's handshake); every change is audited with the old and new values.
    """
    wanted = clean_identity(
        store_code=store_code, terminal_code=terminal_code, card_prefix=card_prefix
    )
    with store.write() as uow:
        return _apply(uow, actor, wanted, force=force, via=via)


def apply_identity(
    uow: UnitOfWork, fields: dict[str, str], actor: Actor = SYSTEM, *, force: bool = False
) -> Identity:
    """Set identity fields inside the caller's transaction (the shop page saves them with
    the rest of the shop's details); checked, refused after the first sync, audited."""
    return _apply(uow, actor, clean_identity(**fields), force=force, via="manual")


def _apply(
    uow: UnitOfWork, actor: Actor, wanted: dict[str, str], *, force: bool, via: str
) -> Identity:
    s = uow.session
    before = Identity.of(shop_info(s))
    changes = {k: v for k, v in wanted.items() if getattr(before, k) != v}
    if not changes:
        return before
    if not force:
        refuse_change_after_sync(s, changes)
    ensure_terminal_id(uow)
    for key, value in changes.items():
        write_setting(s, f"shop.{key}", value)
    s.flush()  # shop_info reads the table directly
    old = {k: getattr(before, k) for k in changes}
    uow.audit(
        "shop.identity", staff_id=actor.staff_id, staff_name=actor.name, authorised_by=None,
        target=changes.get("store_code", before.store_code),
        detail={"old": old, "new": changes, "forced": force, "via": via},
    )  # fmt: skip
    if via != "hq":  # what HQ handed out, HQ knows
        uow.emit("shop.configured", shop_info(s).terminal_id, dict(changes))
    return Identity.of(shop_info(s))


def adopt_identity(store: Store, **hq: str) -> bool:
    """Take the store code, terminal code and card prefix HQ has for this till.

    Only while the till has never synced (else ``identity.synced``). Returns whether
    anything changed."""
    wanted = clean_identity(**{k: v for k, v in hq.items() if k in FIELDS})
    with store.write() as uow:
        before = Identity.of(shop_info(uow.session))
        after = _apply(uow, SYSTEM, wanted, force=False, via="hq")
    return after != before
