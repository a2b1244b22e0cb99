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

Pages are written in short transactions sized by time (core/sync/pull.py): a checkout
waits for one of them at most.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..clock import shop_date
from ..shop.details import shop_info
from ..store.database import Store
from ..store.models import new_id
from ..store.statements import raw_connection
from ..store.uow import UnitOfWork
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
    keys: tuple[str, ...] = ()  # the name's lookup keys (search_keys), as a member issued here

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
        if phone is not None and not (
            isinstance(phone, str) and phone.isdigit() and len(phone) == 11
        ):
            phone = None  # not a mobile this till can look up: the last four are not kept either
        status = text("status", 12)
        if status not in STATUSES:
            raise BadEntry("status")
        try:
            joined_at = datetime.fromisoformat(text("joined_at", 40))
        except ValueError:
            raise BadEntry("joined_at") from None
        old = d.get("old_cards") or []
        if not isinstance(old, list) or not all(
            isinstance(c, str) and 0 < len(c) <= 40 for c in old
        ):
            raise BadEntry("old_cards")
        owed = d.get("overdrafts") or []
        if not isinstance(owed, list) or not all(isinstance(o, dict) for o in owed):
            raise BadEntry("overdrafts")
        name = text("name", 80).strip()
        if not name:
            raise BadEntry("name")
        return cls(
            id=text("id", 36), store_code=text("store_code", 40), card_no=text("card_no", 40).upper(),
            name=name, phone=phone, tier=text("tier", 20, empty=True),
            status=status, gender=(d.get("gender") if d.get("gender") in ("M", "F", "U") else "U"),
            joined_at=joined_at.replace(tzinfo=None), version=number("version", 1),
            old_cards=tuple(c.upper() for c in old), points=number("points"),
            principal=number("wallet_principal"), bonus=number("wallet_bonus"),
            overdrafts=tuple(owed), keys=tuple(sorted(search_keys(name))),
        )  # fmt: skip


@dataclass
class Applied:
    added: int = 0
    updated: int = 0
    kept_local: int = 0  # profile not taken: this till's own edit is still to be sent
    phone_taken: int = 0  # a phone another live member here holds: the member is kept without it

    def add(self, other: Applied) -> None:
        self.added += other.added
        self.updated += other.updated
        self.kept_local += other.kept_local
        self.phone_taken += other.phone_taken


_LOCAL = (
    "SELECT id, version, chain_base, chain_points, chain_principal, chain_bonus, points,"
    " wallet_principal, wallet_bonus, name, card_no, status, phone, chain_store, chain_hidden"
    " FROM members WHERE id IN ({})"
)


# Along the record-id index: by `state` SQLite would read every row a till offline for
# long holds unsent (half a second a chunk on a shop with 400k of them).
_PENDING_EDITS = (
    "SELECT DISTINCT aggregate_id FROM outbox INDEXED BY ix_outbox_aggregate_id"
    " WHERE aggregate_id IN ({}) AND kind LIKE 'member.%' AND state IN ('pending', 'inflight')"
)


_PHONE_HOLDERS = "SELECT phone, id FROM members WHERE phone IN ({}) AND status != 'cancelled'"


_INSERT_MEMBER = (
    "INSERT INTO members (id, card_no, name, phone, phone_last4, gender, birthday_lunar,"
    " lunar_leap, tier, tier_locked, status, joined_at, joined_store, marketing_consent, notes,"
    " points, wallet_principal, wallet_bonus, lifetime_spend, visit_count, created_at,"
    " updated_at, version, chain_store, chain_base, chain_points, chain_principal, chain_bonus)"
    " VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, 0, ?, ?, ?, 0, '', ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?, ?)"
)


_PROFILE = (
    "UPDATE members SET card_no = ?, name = ?, phone = ?, phone_last4 = ?, gender = ?, tier = ?,"
    " status = ?, version = ?, chain_base = ?, chain_store = ?, updated_at = ? WHERE id = ?"
)


_UNKEY = "DELETE FROM member_search WHERE member_id = ?"


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


_BALANCES = (
    "UPDATE members SET points = points + ?, wallet_principal = wallet_principal + ?,"
    " wallet_bonus = wallet_bonus + ?, chain_points = ?, chain_principal = ?, chain_bonus = ?"
    " WHERE id = ?"
)


_OVERDRAFT = (
    "INSERT OR IGNORE INTO chain_overdrafts (id, member_id, kind, balance, store_code, found_at)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


def read_page(raw: list[Any]) -> list[Entry]:
    """Every entry of a page checked (BadEntry: the whole page is refused) — outside any
    transaction, with the search keys, so the writing holds the till's file only to write."""
    return [Entry.of(d) for d in raw]


def apply_entries(uow: UnitOfWork, entries: list[Entry], tz: str) -> Applied:
    """Apply checked entries inside the caller's write transaction, a few statements for all
    of them (one read of the members they name, one of the phones they bring, one
    executemany per kind of row)."""
    done = Applied()
    if entries:
        now = uow.now
        _apply(raw_connection(uow.session), entries, now, shop_date(now, tz), done)
    return done


class _Rows:
    """What a chunk writes, gathered by statement, run as one executemany each."""

    def __init__(self) -> None:
        self.members: list[tuple] = []
        self.profiles: list[tuple] = []  # members whose profile HQ changed
        self.unkeyed: list[tuple] = []  # members whose name changed: their keys go first
        self.cards: list[tuple] = []
        self.keys: list[tuple] = []
        self.points: list[tuple] = []
        self.wallet: list[tuple] = []
        self.balances: list[tuple] = []
        self.overdrafts: list[tuple] = []

    def run(self, conn: sqlite3.Connection) -> None:
        # In index order: the pages of the member, card and key indexes are each met once.
        self.members.sort()
        self.cards.sort(key=lambda r: r[1])
        self.keys.sort()
        self.profiles.sort(key=lambda r: r[-1])
        for sql, rows in ((_INSERT_MEMBER, self.members), (_PROFILE, self.profiles),
                          (_UNKEY, self.unkeyed), (_INSERT_CARD, self.cards),
                          (_INSERT_KEY, self.keys), (_POINTS, self.points),
                          (_WALLET, self.wallet), (_BALANCES, self.balances),
                          (_OVERDRAFT, self.overdrafts)):  # fmt: skip
            if rows:
                conn.executemany(sql, rows)


def _apply(
    conn: sqlite3.Connection, entries: list[Entry], now: datetime, today: date, done: Applied
) -> None:
    entries = list({e.id: e for e in entries}.values())  # a member twice: the later entry
    marks = ",".join("?" * len(entries))
    ids = [e.id for e in entries]
    local = {r[0]: r for r in conn.execute(_LOCAL.format(marks), ids)}
    editing = {r[0] for r in conn.execute(_PENDING_EDITS.format(marks), ids)}
    holders = _phone_holders(conn, entries)
    out = _Rows()
    for e in entries:
        row = local.get(e.id)
        if row is None:
            _add(out, e, _phone_for(holders, e, done), now, today)
            done.added += 1
            continue
        if row[14]:  # hidden while membership was per store: chain-wide again
            _unhide(conn, out, e, _phone_for(holders, e, done))
        elif e.version > row[1] and e.id not in editing:
            revived = row[11] == "cancelled" and e.status != "cancelled"
            phone = _phone_for(holders, e, done) if e.phone != row[12] or revived else row[12]
            _update_profile(conn, out, e, row, phone, now)
        elif e.version > row[1]:
            done.kept_local += 1
        elif row[13] != e.store_code:
            conn.execute("UPDATE members SET chain_store = ? WHERE id = ?", (e.store_code, e.id))
        done.updated += 1
        _mirror_balances(out, e, row, now, today)
        _overdrafts(out, e)
    out.run(conn)


def _phone_holders(conn: sqlite3.Connection, entries: list[Entry]) -> dict[str, str]:
    """Who holds each phone the chunk brings, among this till's live members (one query;
    a number another member of the chunk gives up is still taken until the next pull)."""
    phones = sorted({e.phone for e in entries if e.phone is not None})
    if not phones:
        return {}
    return dict(conn.execute(_PHONE_HOLDERS.format(",".join("?" * len(phones))), phones))


def _phone_for(holders: dict[str, str], e: Entry, done: Applied) -> str | None:
    """The entry's phone, unless another live member here holds it (then kept without)."""
    if e.phone is None or e.status == "cancelled":
        return e.phone
    holder = holders.get(e.phone)
    if holder is not None and holder != e.id:
        done.phone_taken += 1
        return None
    holders[e.phone] = e.id
    return e.phone


def _add(out: _Rows, e: Entry, phone: str | None, now: datetime, today: date) -> None:
    out.members.append((
        e.id, e.card_no, e.name, phone, phone[-4:] if phone else None, e.gender, e.tier, e.status,
        e.joined_at, e.store_code, e.points, e.principal, e.bonus, now, now, e.version,
        e.store_code, e.version, e.points, e.principal, e.bonus,
    ))  # fmt: skip
    out.cards.append((new_id(), e.card_no, e.id, CARD_STATE[e.status], e.joined_at))
    out.cards += [(new_id(), old, e.id, "replaced", e.joined_at) for old in e.old_cards]
    out.keys += [(k, e.id) for k in e.keys]
    if e.points:
        out.points.append((new_id(), e.id, now, today, e.points, e.points, e.store_code))
    if e.principal or e.bonus:
        out.wallet.append((new_id(), e.id, now, today, e.principal, e.bonus, e.principal,
                           e.bonus, e.store_code))  # fmt: skip
    _overdrafts(out, e)


def _update_profile(
    conn: sqlite3.Connection, out: _Rows, e: Entry, row: tuple, new_phone: str | None, now: datetime
) -> None:
    _id, version, chain_base, *_rest, name, card_no, status, _phone, _store, _hidden = row
    out.profiles.append((
        e.card_no, e.name, new_phone, new_phone[-4:] if new_phone else None, e.gender, e.tier,
        e.status, e.version, chain_base + e.version - version, e.store_code, now, e.id,
    ))  # fmt: skip
    if e.card_no != card_no:  # replaced elsewhere: the old number is refused here too
        conn.execute(
            "UPDATE cards SET status = 'replaced', ended_at = ? WHERE member_id = ? AND status = 'active'",
            (now, e.id),
        )
        out.cards.append((new_id(), e.card_no, e.id, CARD_STATE[e.status], now))
    elif e.status != status:  # reported lost, frozen, found again, cancelled
        conn.execute(
            "UPDATE cards SET status = ?, ended_at = ? WHERE member_id = ? AND card_no = ?",
            (CARD_STATE[e.status], None if e.status in ("active", "frozen") else now, e.id, e.card_no),
        )  # fmt: skip
    out.cards += [(new_id(), old, e.id, "replaced", now) for old in e.old_cards]
    if e.name != name:
        out.unkeyed.append((e.id,))
        out.keys += [(k, e.id) for k in e.keys]


def _unhide(conn: sqlite3.Connection, out: _Rows, e: Entry, phone: str | None) -> None:
    """A member hidden while membership was per store, found again by card, phone and name."""
    conn.execute(
        "UPDATE members SET chain_hidden = 0, card_no = ?, name = ?, phone = ?, phone_last4 = ?,"
        " gender = ?, tier = ?, status = ?, chain_store = ? WHERE id = ?",
        (e.card_no, e.name, phone, phone[-4:] if phone else None, e.gender, e.tier, e.status,
         e.store_code, e.id),
    )  # fmt: skip
    out.cards.append((new_id(), e.card_no, e.id, CARD_STATE[e.status], e.joined_at))
    out.cards += [(new_id(), old, e.id, "replaced", e.joined_at) for old in e.old_cards]
    out.keys += [(k, e.id) for k in e.keys]


HIDE_STEP = 500  # members hidden per transaction: a sale waits for one step at most


def hide_other_stores(store: Store) -> int:
    """Membership is per store again: every other store's member this till copied is hidden —
    their cards and search keys go, their phone is kept off (HQ has them all; a pull in chain
    scope brings them back). Their ledgers and history stay, as every ledger does. Returns
    how many were hidden."""
    with store.read() as s:
        here = shop_info(s).store_code
    hidden = 0
    while True:
        with store.write() as uow:
            conn = raw_connection(uow.session)
            ids = [r[0] for r in conn.execute(
                "SELECT id FROM members WHERE chain_store NOT IN ('', ?) AND chain_hidden = 0"
                " LIMIT ?", (here, HIDE_STEP))]  # fmt: skip
            if not ids:
                return hidden
            marks = ",".join("?" * len(ids))
            conn.execute(f"DELETE FROM member_search WHERE member_id IN ({marks})", ids)
            conn.execute(f"DELETE FROM cards WHERE member_id IN ({marks})", ids)
            conn.execute(
                "UPDATE members SET chain_hidden = 1, phone = NULL, phone_last4 = NULL"
                f" WHERE id IN ({marks})", ids,
            )  # fmt: skip
            hidden += len(ids)


def _mirror_balances(out: _Rows, e: Entry, row: tuple, now: datetime, today: date) -> None:
    """The other tills' balances as HQ summed them, reaching the ledgers as `chain` entries."""
    _id, _v, _b, c_points, c_principal, c_bonus, points, principal, bonus = row[:9]
    d_points = e.points - c_points
    d_principal, d_bonus = e.principal - c_principal, e.bonus - c_bonus
    if not (d_points or d_principal or d_bonus):
        return
    if d_points:
        out.points.append((new_id(), e.id, now, today, d_points, points + d_points, e.store_code))
    if d_principal or d_bonus:
        out.wallet.append((new_id(), e.id, now, today, d_principal, d_bonus,
                           principal + d_principal, bonus + d_bonus, e.store_code))  # fmt: skip
    out.balances.append((d_points, d_principal, d_bonus, e.points, e.principal, e.bonus, e.id))


def _overdrafts(out: _Rows, e: Entry) -> None:
    for o in e.overdrafts:
        try:
            found_at = datetime.fromisoformat(str(o.get("found_at")))
            out.overdrafts.append((
                int(o["id"]), e.id, str(o["kind"])[:12], int(o["balance"]),
                str(o.get("store_code") or e.store_code)[:40], found_at.replace(tzinfo=None),
            ))  # fmt: skip
        except (KeyError, TypeError, ValueError):
            raise BadEntry("overdrafts") from None


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
        row = (
            raw_connection(s)
            .execute("SELECT chain_store FROM members WHERE id = ?", (member_id,))
            .fetchone()
        )
    return row[0] if row and row[0] and row[0] != here else ""
