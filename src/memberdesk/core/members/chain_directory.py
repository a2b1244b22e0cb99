"""The till's copy of the chain's member directory (what HQ's `GET /v1/directory` sends).

A member of another till or store lives in the till's own `members`, `cards` and
`member_search` rows, so lookup finds them by card, phone, last four digits, name and
pinyin exactly as a member issued here, with no network call; checkout earns and
spends on them as on any member.

Balances stay sums of ledgers. HQ sends each member's balances *without this till's
own entries* (every other till's, summed); the till keeps that sum on the member
(`chain_points`, `chain_principal`, `chain_bonus`) and mirrors each change of it as a
ledger entry of kind `chain`, which is never sent (it is the other tills' entries,
which HQ has). So a till's balance is everyone else's as HQ last confirmed them plus
its own, and no entry is ever counted twice, whether or not HQ has it yet.

Profile: HQ's version wins when it is newer and the till has no edit of the member
still waiting to be sent (that edit reaches HQ, which keeps both in its history, and
comes back with the next pull). `chain_base` counts the changes HQ made, so `version -
chain_base` stays the number of member.* rows in this till's outbox (`memberdesk check`).

Each page is applied in one short write transaction (a checkout waits at most one page).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..clock import shop_date
from ..shop.details import shop_info, write_setting
from ..store.database import Store
from ..store.models import new_id
from ..store.statements import raw_connection
from .search_keys import search_keys

CHAIN_KIND = "chain"  # ledger entries mirroring the other tills' (never sent to HQ)
CARD_STATE = {"active": "active", "frozen": "active", "lost": "lost", "cancelled": "cancelled"}
STATUSES = frozenset(CARD_STATE)
MAX_AMOUNT = 10**12


class BadEntry(ValueError):
    """A directory entry HQ should never send; the page is refused, nothing written."""


@dataclass(frozen=True)
class Entry:
    id: str
    store_code: str
    card_no: str
    name: str
    phone: str | None
    tier: str
    status: str
    gender: str
    joined_at: datetime
    version: int
    old_cards: tuple[str, ...]
    points: int
    principal: int
    bonus: int
    overdrafts: tuple[dict[str, Any], ...]

    @classmethod
    def of(cls, d: Any) -> Entry:
        if not isinstance(d, dict):
            raise BadEntry("entry")

        def text(key: str, limit: int, *, empty: bool = False) -> str:
            value = d.get(key)
            if value is None and empty:
                return ""
            if not isinstance(value, str) or len(value) > limit or (not value and not empty):
                raise BadEntry(key)
            return value

        def number(key: str, low: int = -MAX_AMOUNT) -> int:
            value = d.get(key, 0)
            if type(value) is not int or not low <= value <= MAX_AMOUNT:
                raise BadEntry(key)
            return value

        phone = d.get("phone")
        if phone is not None and not (isinstance(phone, str) and phone.isdigit() and len(phone) == 11):
            phone = None  # not a mobile this till can look up: the last four are not kept either
        status = text("status", 12)
        if status not in STATUSES:
            raise BadEntry("status")
        try:
            joined_at = datetime.fromisoformat(text("joined_at", 40))
        except ValueError:
            raise BadEntry("joined_at") from None
        old = d.get("old_cards") or []
        if not isinstance(old, list) or not all(isinstance(c, str) and 0 < len(c) <= 40 for c in old):
            raise BadEntry("old_cards")
        owed = d.get("overdrafts") or []
        if not isinstance(owed, list) or not all(isinstance(o, dict) for o in owed):
            raise BadEntry("overdrafts")
        return cls(
            id=text("id", 36), store_code=text("store_code", 40), card_no=text("card_no", 40).upper(),
            name=text("name", 80).strip(), phone=phone, tier=text("tier", 20, empty=True),
            status=status, gender=(d.get("gender") if d.get("gender") in ("M", "F", "U") else "U"),
            joined_at=joined_at.replace(tzinfo=None), version=number("version", 1),
            old_cards=tuple(c.upper() for c in old), points=number("points"),
            principal=number("wallet_principal"), bonus=number("wallet_bonus"),
            overdrafts=tuple(owed),
        )  # fmt: skip


@dataclass
class Applied:
    added: int = 0
    updated: int = 0
    kept_local: int = 0  # profile not taken: this till's own edit is still to be sent
    phone_taken: int = 0  # a phone another live member here holds: the member is kept without it


_LOCAL = (
    "SELECT id, version, chain_base, chain_points, chain_principal, chain_bonus, points,"
    " wallet_principal, wallet_bonus, name, card_no, status, phone FROM members WHERE id IN ({})"
)


_PENDING_EDITS = (
    "SELECT DISTINCT aggregate_id FROM outbox WHERE aggregate_id IN ({})"
    " AND kind LIKE 'member.%' AND state IN ('pending', 'inflight')"
)


_PHONE_HOLDER = "SELECT id FROM members WHERE phone = ? AND status != 'cancelled' AND id != ?"


_INSERT_MEMBER = (
    "INSERT INTO members (id, card_no, name, phone, phone_last4, gender, birthday_lunar,"
    " lunar_leap, tier, tier_locked, status, joined_at, joined_store, marketing_consent, notes,"
    " points, wallet_principal, wallet_bonus, lifetime_spend, visit_count, created_at,"
    " updated_at, version, chain_store, chain_base, chain_points, chain_principal, chain_bonus)"
    " VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, 0, ?, ?, ?, 0, '', 0, 0, 0, 0, 0, ?, ?, ?, ?, ?, 0, 0, 0)"
)


_INSERT_CARD = (
    "INSERT OR IGNORE INTO cards (id, card_no, member_id, status, issued_at, end_reason)"
    " VALUES (?, ?, ?, ?, ?, '')"
)


_INSERT_KEY = "INSERT OR IGNORE INTO member_search (key, member_id) VALUES (?, ?)"


_POINTS = (
    "INSERT INTO points_ledger (id, member_id, created_at, business_date, delta, kind,"
    " balance_after, note) VALUES (?, ?, ?, ?, ?, 'chain', ?, ?)"
)


_WALLET = (
    "INSERT INTO wallet_ledger (id, member_id, created_at, business_date, principal_delta,"
    " bonus_delta, kind, principal_after, bonus_after, note) VALUES (?, ?, ?, ?, ?, ?, 'chain', ?, ?, ?)"
)


_OVERDRAFT = (
    "INSERT OR IGNORE INTO chain_overdrafts (id, member_id, kind, balance, store_code, found_at)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


def apply_page(store: Store, raw: list[Any], tz: str, remember: dict[str, Any]) -> Applied:
    """Apply one page of HQ's directory in one write transaction, with the settings in
    `remember` (the cursor after the page: it moves only with what it covers)."""
    entries = [Entry.of(d) for d in raw]
    done = Applied()
    with store.write() as uow:
        if entries:
            now = uow.now
            _apply(raw_connection(uow.session), entries, now, shop_date(now, tz), done)
        for key, value in remember.items():
            write_setting(uow.session, key, value)
    return done


def _apply(conn: sqlite3.Connection, entries: list[Entry], now: datetime, today: date, done: Applied) -> None:
    marks = ",".join("?" * len(entries))
    ids = [e.id for e in entries]
    local = {r[0]: r for r in conn.execute(_LOCAL.format(marks), ids)}
    editing = {r[0] for r in conn.execute(_PENDING_EDITS.format(marks), ids)}
    for e in entries:
        row = local.get(e.id)
        if row is None:
            _add(conn, e, now, done)
            done.added += 1
            row = (e.id, e.version, e.version, 0, 0, 0, 0, 0, 0, e.name, e.card_no, e.status, e.phone)
        else:
            if e.version > row[1] and e.id not in editing:
                _update_profile(conn, e, row, now, done)
            elif e.version > row[1]:
                done.kept_local += 1
            done.updated += 1
        _mirror_balances(conn, e, row, now, today)
        for o in e.overdrafts:
            _overdraft(conn, e, o)
    conn.executemany(
        "UPDATE members SET chain_store = ? WHERE id = ? AND chain_store != ?",
        [(e.store_code, e.id, e.store_code) for e in entries],
    )


def _phone_for(conn: sqlite3.Connection, e: Entry, done: Applied) -> str | None:
    if e.phone is None or e.status == "cancelled":
        return e.phone
    if conn.execute(_PHONE_HOLDER, (e.phone, e.id)).fetchone() is not None:
        done.phone_taken += 1
        return None
    return e.phone


def _add(conn: sqlite3.Connection, e: Entry, now: datetime, done: Applied) -> None:
    phone = _phone_for(conn, e, done)
    conn.execute(_INSERT_MEMBER, (
        e.id, e.card_no, e.name, phone, phone[-4:] if phone else None, e.gender, e.tier, e.status,
        e.joined_at, e.store_code, now, now, e.version, e.store_code, e.version,
    ))  # fmt: skip
    conn.execute(_INSERT_CARD, (new_id(), e.card_no, e.id, CARD_STATE[e.status], e.joined_at))
    for old in e.old_cards:
        conn.execute(_INSERT_CARD, (new_id(), old, e.id, "replaced", e.joined_at))
    conn.executemany(_INSERT_KEY, [(k, e.id) for k in search_keys(e.name)])


def _update_profile(conn: sqlite3.Connection, e: Entry, row: tuple, now: datetime, done: Applied) -> None:
    _id, version, chain_base, *_rest, name, card_no, status, phone = row
    new_phone = _phone_for(conn, e, done) if e.phone != phone else phone
    conn.execute(
        "UPDATE members SET card_no = ?, name = ?, phone = ?, phone_last4 = ?, gender = ?, tier = ?,"
        " status = ?, version = ?, chain_base = ?, chain_store = ?, updated_at = ? WHERE id = ?",
        (e.card_no, e.name, new_phone, new_phone[-4:] if new_phone else None, e.gender, e.tier,
         e.status, e.version, chain_base + e.version - version, e.store_code, now, e.id),
    )  # fmt: skip
    if e.card_no != card_no:  # replaced elsewhere: the old number is refused here too
        conn.execute(
            "UPDATE cards SET status = 'replaced', ended_at = ? WHERE member_id = ? AND status = 'active'",
            (now, e.id),
        )
        conn.execute(_INSERT_CARD, (new_id(), e.card_no, e.id, CARD_STATE[e.status], now))
    elif e.status != status:  # reported lost, frozen, found again, cancelled
        conn.execute(
            "UPDATE cards SET status = ?, ended_at = ? WHERE member_id = ? AND card_no = ?",
            (CARD_STATE[e.status], None if e.status in ("active", "frozen") else now, e.id, e.card_no),
        )  # fmt: skip
    for old in e.old_cards:
        conn.execute(_INSERT_CARD, (new_id(), old, e.id, "replaced", now))
    if e.name != name:
        conn.execute("DELETE FROM member_search WHERE member_id = ?", (e.id,))
        conn.executemany(_INSERT_KEY, [(k, e.id) for k in search_keys(e.name)])


def _mirror_balances(conn: sqlite3.Connection, e: Entry, row: tuple, now: datetime, today: date) -> None:
    """The other tills' balances as HQ summed them, reaching the ledgers as `chain` entries."""
    _id, _v, _b, c_points, c_principal, c_bonus, points, principal, bonus = row[:9]
    d_points = e.points - c_points
    d_principal, d_bonus = e.principal - c_principal, e.bonus - c_bonus
    if not (d_points or d_principal or d_bonus):
        return
    if d_points:
        conn.execute(_POINTS, (new_id(), e.id, now, today, d_points, points + d_points, e.store_code))
    if d_principal or d_bonus:
        conn.execute(_WALLET, (new_id(), e.id, now, today, d_principal, d_bonus,
                               principal + d_principal, bonus + d_bonus, e.store_code))  # fmt: skip
    conn.execute(
        "UPDATE members SET points = points + ?, wallet_principal = wallet_principal + ?,"
        " wallet_bonus = wallet_bonus + ?, chain_points = ?, chain_principal = ?, chain_bonus = ?"
        " WHERE id = ?",
        (d_points, d_principal, d_bonus, e.points, e.principal, e.bonus, e.id),
    )


def _overdraft(conn: sqlite3.Connection, e: Entry, o: dict[str, Any]) -> None:
    try:
        found_at = datetime.fromisoformat(str(o.get("found_at")))
        row = (int(o["id"]), e.id, str(o["kind"])[:12], int(o["balance"]),
               str(o.get("store_code") or e.store_code)[:40], found_at.replace(tzinfo=None))  # fmt: skip
    except (KeyError, TypeError, ValueError):
        raise BadEntry("overdrafts") from None
    conn.execute(_OVERDRAFT, row)


# ---------------------------------------------------------------- read


@dataclass(frozen=True)
class OverdraftView:
    kind: str
    balance: int
    store_code: str
    found_at: datetime


def member_overdrafts(store: Store, member_id: str) -> list[OverdraftView]:
    """HQ's overdrafts of a member (balances two stores spent at once while offline)."""
    with store.lookup_read() as con:
        return [
            OverdraftView(kind, balance, store_code, datetime.fromisoformat(found_at))
            for kind, balance, store_code, found_at in con.execute(
                "SELECT kind, balance, store_code, found_at FROM chain_overdrafts"
                " WHERE member_id = ? ORDER BY found_at, id", (member_id,),
            )
        ]  # fmt: skip


def other_store(store: Store, member_id: str) -> str:
    """The store HQ says owns the member when it is not this till's ('' otherwise)."""
    with store.read() as s:
        here = shop_info(s).store_code
        row = raw_connection(s).execute(
            "SELECT chain_store FROM members WHERE id = ?", (member_id,)
        ).fetchone()
    return row[0] if row and row[0] and row[0] != here else ""
