"""Asking HQ whether a coupon scanned here was used at another till.

Every till takes a coupon offline, with the chain's key; one used at two tills cut off
from HQ is listed at HQ afterwards (`memberdesk-hq problems`). While HQ can be reached
the till need not wait for that: when a coupon is scanned, it asks HQ for the coupon's
uses no refund gave back (`GET /v1/coupons/{serial}`), and one used at another till is
kept in `coupons_used_elsewhere`, so the sale refuses it as it refuses a coupon used
here. The till's own uses are its own to judge, and an unreachable HQ answers nothing:
the coupon is then taken as it is offline.
"""

from __future__ import annotations

from datetime import date

from ..coupons.codes import verify
from ..coupons.keys import known_keys
from ..errors import DomainError
from ..shop.details import shop_info
from ..store.database import Store
from ..store.statements import raw_connection
from .pull import asking_transport
from .transport import Refused, Unreachable

_KEEP = (
    "INSERT INTO coupons_used_elsewhere (coupon_id, store_code, business_date, learnt_at)"
    " VALUES (?, ?, ?, ?) ON CONFLICT (coupon_id) DO UPDATE SET store_code = excluded.store_code,"
    " business_date = excluded.business_date, learnt_at = excluded.learnt_at"
)


def ask_hq_coupon(store: Store, code: str, token: str | None = None) -> bool:
    """Ask HQ about the coupon `code` (when this till syncs with HQ) and keep its answer.
    True when another till has used it and no refund gave it back — a sale here now
    refuses it; False when not, when the code is not a genuine coupon, or when HQ does
    not answer within ASK_TIMEOUT_S. Never raises for the network."""
    with store.read() as s:
        local_terminal = shop_info(s).terminal_id
    try:
        serial = verify(code.strip(), known_keys(local_terminal)).serial
    except DomainError:
        return False
    asking = asking_transport(store, token)
    if asking is None:
        return False
    config, link = asking
    try:
        with link as transport:
            answer = transport.coupon_status(serial)
    except (Unreachable, Refused):
        return False
    uses = answer.get("uses")
    if not isinstance(uses, list):
        return False
    elsewhere = [
        u for u in uses if isinstance(u, dict) and u.get("terminal_id") != config.terminal_id
    ]
    try:
        last = elsewhere[-1] if elsewhere else None
        day = date.fromisoformat(str(last["business_date"])) if last else None
        where = str(last.get("store_code") or "")[:40] if last else ""
    except (KeyError, ValueError):
        return False
    with store.write() as uow:
        conn = raw_connection(uow.session)
        if last is None:
            conn.execute("DELETE FROM coupons_used_elsewhere WHERE coupon_id = ?", (serial,))
        else:
            conn.execute(_KEEP, (serial, where, day.isoformat(), uow.now))
    return last is not None
