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
its own, and no entry is ever counted twice, whether or not HQ has it yet. A till
restored from an older backup has its own later entries from HQ the same way: HQ counts
those of the records carried onto the restored file with everyone else's (core/sync/pull.py
`taken_off`). Each step that writes `chain` entries seals them in its transaction with an
audit entry (chain_seal.py), so `memberdesk check` names one written into the file or
changed in it.

Profile: HQ's version wins when it is newer and the till has no edit of the member
still waiting to be sent (that edit reaches HQ, which keeps both in its history, and
comes back with the next pull). For a member of this till's own store HQ sends the rest of
the profile (birthday, notes, salesperson, referrer, consent): written as a member issued
here has them, so a till restored from an older backup, or the store's other till, has
them on the call sheets and in the member panel. `chain_base` counts the changes HQ made, so `version -
chain_base` stays the number of member.* rows in this till's outbox (`memberdesk check`).

Pages are written in short transactions sized by time (core/sync/pull.py): a checkout
waits for one of them at most.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from ..clock import shop_date
from ..shop.details import read_setting, shop_info
from ..store.database import Store
from ..store.models import new_id, ordered_id
from ..store.statements import raw_connection
from ..store.uow import UnitOfWork
from .birthdays import EARLIEST, Birthday, solar_birthday_in
from .chain_policy import K_STORES
from .chain_seal import SEALED, seal_detail
from .erase import is_erased
from .search_keys import search_keys

CHAIN_KIND = "chain"  # ledger entries mirroring the other tills' (never sent to HQ)
CARD_STATE = {"active": "active", "frozen": "active", "lost": "lost", "cancelled": "cancelled"}
STATUSES = frozenset(CARD_STATE)
MAX_AMOUNT = 10**12


class BadEntry(ValueError):
    """A directory entry HQ should never send; the page is refused, nothing written."""


# The rest of a member's profile, which HQ sends (under "profile") only to a till of the
# member's own store (hq/directory.py OWN_PROFILE): the members columns it fills, as a
# member issued here has them. A value the till cannot take is left out (that column is not
# written), never a reason to refuse the page.
BIRTHDAY_COLUMNS = ("birthday", "birthday_lunar", "lunar_month", "lunar_day", "lunar_leap")
PROFILE_COLUMNS = (*BIRTHDAY_COLUMNS, "tier_locked", "salesperson_id", "joined_store",
                   "referrer_id", "marketing_consent", "guardian_consent", "notes")  # fmt: skip
NO_BIRTHDAY = {"birthday": None, "birthday_lunar": 0, "lunar_month": None, "lunar_day": None,
               "lunar_leap": 0}  # fmt: skip


def _flag(value: Any) -> int | None:
    return int(value) if type(value) in (bool, int) and value in (0, 1) else None


def _birthday(raw: dict[str, Any]) -> dict[str, Any] | None:
    """The birthday's columns (all five together), or None when not sent or not valid."""
    if "birthday" not in raw:
        return None
    born = raw["birthday"]
    if born is None:
        return dict(NO_BIRTHDAY)
    try:
        day = date.fromisoformat(born) if isinstance(born, str) and len(born) == 10 else None
    except ValueError:
        day = None
    if day is None or day < EARLIEST:
        return None
    lunar = _flag(raw.get("birthday_lunar"))
    if not lunar:
        return {**NO_BIRTHDAY, "birthday": day.isoformat()}
    month, mday, leap = raw.get("lunar_month"), raw.get("lunar_day"), _flag(raw.get("lunar_leap"))
    if (
        type(month) is not int
        or type(mday) is not int
        or not (1 <= month <= 12 and 1 <= mday <= 30)
    ):
        return None
    return {"birthday": day.isoformat(), "birthday_lunar": 1, "lunar_month": month,
            "lunar_day": mday, "lunar_leap": leap or 0}  # fmt: skip


def _text_or_none(value: Any, limit: int) -> bool:
    return value is None or (
        isinstance(value, str) and 0 < len(value) <= limit and "\x00" not in value
    )


def read_profile(raw: Any) -> dict[str, Any] | None:
    """The profile HQ sent with an entry, as the till's columns; None when it sent none (an
    older HQ, or another store's member: the till writes what it always did)."""
    if not isinstance(raw, dict):
        return None
    out: dict[str, Any] = _birthday(raw) or {}
    for key in ("tier_locked", "marketing_consent", "guardian_consent"):
        if _flag(raw.get(key)) is not None:
            out[key] = _flag(raw[key])
    for key, limit in (("salesperson_id", 36), ("referrer_id", 36)):
        if key in raw and _text_or_none(raw[key], limit):
            out[key] = raw[key]
    notes = raw.get("notes")
    if isinstance(notes, str) and "\x00" not in notes:
        out["notes"] = notes
    joined = raw.get("joined_store")
    if isinstance(joined, str) and len(joined) <= 40 and "\x00" not in joined:
        out["joined_store"] = joined
    return out


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
    profile: dict[str, Any] | None = None  # read_profile: only for this till's own store's

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
            overdrafts=tuple(owed),
            # An erased member (erase.py) is found by no name: found by card only.
            keys=() if is_erased(name, status) else tuple(sorted(search_keys(name))),
            profile=read_profile(d.get("profile")),
        )  # fmt: skip


@dataclass
class Applied:
    added: int = 0
    updated: int = 0
    kept_local: int = 0  # profile not taken: this till's own edit is still to be sent
    phone_taken: int = 0  # a phone another live member here holds: the member is kept without it
    unchanged: int = 0  # of `updated`: the entry held nothing the till did not (nothing written)

    def add(self, other: Applied) -> None:
        self.added += other.added
        self.updated += other.updated
        self.kept_local += other.kept_local
        self.phone_taken += other.phone_taken
        self.unchanged += other.unchanged


class _Held(NamedTuple):
    """What the till holds of a member a chunk names: the columns an entry may change."""

    id: str
    version: int
    chain_base: int
    chain_points: int
    chain_principal: int
    chain_bonus: int
    points: int
    wallet_principal: int
    wallet_bonus: int
    name: str
    card_no: str
    status: str
    phone: str | None
    chain_store: str
    chain_hidden: int
    gender: str
    tier: str
    birthday: str | None  # the rest of the profile (PROFILE_COLUMNS), as the file holds it
    birthday_lunar: int
    lunar_month: int | None
    lunar_day: int | None
    lunar_leap: int
    tier_locked: int
    salesperson_id: str | None
    joined_store: str
    referrer_id: str | None
    marketing_consent: int
    guardian_consent: int
    notes: str


_LOCAL = f"SELECT {', '.join(_Held._fields)} FROM members WHERE id IN ({{}})"


# Along the record-id index: by `state` SQLite would read every row a till offline for
# long holds unsent (half a second a chunk on a shop with 400k of them).
_PENDING_EDITS = (
    "SELECT DISTINCT aggregate_id, kind FROM outbox INDEXED BY ix_outbox_aggregate_id"
    " WHERE aggregate_id IN ({}) AND kind LIKE 'member.%' AND state IN ('pending', 'inflight')"
)


# This till's own edits of a member's card or status (core/members/member.py KIND_FIELDS):
# while one waits to be sent, HQ's card and status are not taken over it.
CARD_EDITS = frozenset({"member.issued", "member.card_lost", "member.card_replaced",
                        "member.cancelled", "member.frozen", "member.active"})  # fmt: skip


_PHONE_HOLDERS = "SELECT phone, id FROM members WHERE phone IN ({}) AND status != 'cancelled'"


_KEYS_HELD = "SELECT member_id, key FROM member_search WHERE member_id IN ({})"


_INSERT_MEMBER = (
    "INSERT INTO members (id, card_no, name, phone, phone_last4, gender, tier, status, joined_at,"
    " points, wallet_principal, wallet_bonus, lifetime_spend, visit_count, created_at,"
    " updated_at, version, chain_store, chain_base, chain_points, chain_principal, chain_bonus,"
    " birthday, birthday_lunar, lunar_month, lunar_day, lunar_leap, birthday_md,"
    " birthday_md_year, tier_locked, salesperson_id, joined_store, marketing_consent,"
    " guardian_consent, notes)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?, ?,"
    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


# A referrer is written once the member and the referrer are both in the file (the referrer
# may come later in the chunk; one the till does not hold is taken at a later pull).
_REFERRER = (
    "UPDATE members SET referrer_id = ? WHERE id = ?"
    " AND EXISTS (SELECT 1 FROM members r WHERE r.id = ?)"
)


_INSERT_CARD = (
    "INSERT OR IGNORE INTO cards (id, card_no, member_id, status, issued_at, end_reason)"
    " VALUES (?, ?, ?, ?, ?, '')"
)


_INSERT_KEY = "INSERT OR IGNORE INTO member_search (key, member_id) VALUES (?, ?)"


_DROP_KEY = "DELETE FROM member_search WHERE key = ? AND member_id = ?"


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
        out = _apply(raw_connection(uow.session), entries, now, shop_date(now, tz), done)
        _seal(uow, out)
    return done


def _seal(uow: UnitOfWork, out: _Rows) -> None:
    """The `chain` entries the step wrote, sealed in its transaction by an audit entry
    (chain_seal.py): `memberdesk check` names one written into the file or changed in it."""
    detail = {ledger: seal_detail(rows, ledger)
              for ledger, rows in (("points", out.points), ("wallet", out.wallet)) if rows}  # fmt: skip
    if detail:
        uow.audit(SEALED, staff_id=None, staff_name="", detail=detail)


class _Rows:
    """What a chunk writes, gathered by statement, run as one executemany each. A member
    the till holds is written only where the entry differs from it: one UPDATE setting the
    columns that changed (SQLite rewrites only the indexes over those), the lookup keys
    its new name adds and drops, a ledger entry per balance that moved."""

    def __init__(self) -> None:
        self.members: list[tuple] = []
        self.updates: dict[tuple[str, ...], list[tuple]] = {}  # by the columns they set
        self.cards: list[tuple] = []
        self.keys: list[tuple] = []
        self.dropped: list[tuple] = []  # (key, member_id) a new name no longer has
        self.points: list[tuple] = []
        self.wallet: list[tuple] = []
        self.overdrafts: list[tuple] = []
        self.referrers: list[tuple] = []  # (referrer_id, member_id, referrer_id)

    def update(self, member_id: str, sets: dict[str, Any]) -> None:
        self.updates.setdefault(tuple(sets), []).append((*sets.values(), member_id))

    def run(self, conn: sqlite3.Connection) -> None:
        # In index order: the pages of the member, card and key indexes are each met once.
        self.members.sort()
        self.cards.sort(key=lambda r: r[1])
        self.keys.sort()
        self.dropped.sort()
        if self.members:
            conn.executemany(_INSERT_MEMBER, self.members)
        for columns, rows in self.updates.items():
            rows.sort(key=lambda r: r[-1])
            conn.executemany(
                f"UPDATE members SET {', '.join(c + ' = ?' for c in columns)} WHERE id = ?", rows
            )
        for sql, rows in ((_DROP_KEY, self.dropped), (_INSERT_CARD, self.cards),
                          (_INSERT_KEY, self.keys), (_POINTS, self.points),
                          (_WALLET, self.wallet), (_OVERDRAFT, self.overdrafts),
                          (_REFERRER, self.referrers)):  # fmt: skip
            if rows:
                conn.executemany(sql, rows)


def _apply(
    conn: sqlite3.Connection, entries: list[Entry], now: datetime, today: date, done: Applied
) -> _Rows:
    entries = list({e.id: e for e in entries}.values())  # a member twice: the later entry
    marks = ",".join("?" * len(entries))
    ids = [e.id for e in entries]
    local = {r[0]: _Held(*r) for r in conn.execute(_LOCAL.format(marks), ids)}
    pending = conn.execute(_PENDING_EDITS.format(marks), ids).fetchall()
    editing = {member_id for member_id, _kind in pending}
    carding = {member_id for member_id, kind in pending if kind in CARD_EDITS}
    holders = _phone_holders(conn, [e for e in entries if _may_take_phone(e, local.get(e.id))])
    held_keys = _keys_held(conn, [e.id for e in entries if _rekeyed(e, local.get(e.id), editing)])
    staff = _staff_held(conn, entries)
    out = _Rows()
    erased: list[str] = []  # members erased elsewhere whose copy here is cleared now
    for e in entries:
        row = local.get(e.id)
        if row is None:
            _add(out, e, _phone_for(holders, e, done), now, today, staff)
            done.added += 1
            continue
        sets: dict[str, Any] = {}
        if row.chain_hidden:  # hidden while membership was per store: chain-wide again
            _unhide(out, e, row, _phone_for(holders, e, done), sets, held_keys)
        elif e.version > row.version and e.id not in editing:
            revived = row.status == "cancelled" and e.status != "cancelled"
            phone = _phone_for(holders, e, done) if e.phone != row.phone or revived else row.phone
            _update_profile(conn, out, e, row, phone, now, sets, held_keys)
            _rest_of_profile(out, e, row, today, staff, sets, missing_only=False)
            if is_erased(e.name, e.status):
                _erased(e, row, sets, erased)
        elif e.id in editing:
            if e.version > row.version:
                done.kept_local += 1
            elif row.chain_store != e.store_code:
                sets["chain_store"] = e.store_code
            if e.id not in carding:  # this till's edit leaves the card as it was
                _bar_card(conn, out, e, row, now, sets)
        else:
            if row.chain_store != e.store_code:
                sets["chain_store"] = e.store_code
            if e.version == row.version:  # held as HQ has it, but maybe pulled without all of it
                _rest_of_profile(out, e, row, today, staff, sets, missing_only=True)
        done.updated += 1
        _mirror_balances(out, e, row, now, today, sets)
        _overdrafts(out, e)
        if sets:
            out.update(e.id, sets)
        else:
            done.unchanged += 1
    out.run(conn)
    if erased:  # after the rows: the call log lets only an erased member's notes be cleared
        conn.execute(
            f"UPDATE call_log SET note = '' WHERE note != '' AND member_id IN "
            f"({','.join('?' * len(erased))})", erased,
        )  # fmt: skip
    return out


# The personal fields of an erased member's copy (erase.py), whatever HQ sent of them: a till
# of another store holds what it entered itself (chain-wide membership), HQ sends it none.
ERASED_COLUMNS = {**NO_BIRTHDAY, "birthday_md": None, "birthday_md_year": None,
                  "marketing_consent": 0, "referrer_id": None, "notes": ""}  # fmt: skip


def _erased(e: Entry, row: _Held, sets: dict[str, Any], erased: list[str]) -> None:
    """A member whose personal information was erased at another till: cleared here too."""
    sets.update(ERASED_COLUMNS)
    erased.append(e.id)


def _may_take_phone(e: Entry, row: _Held | None) -> bool:
    """Whether writing the entry may give the member a phone they do not hold here."""
    if e.phone is None or e.status == "cancelled":
        return False
    return (
        row is None or bool(row.chain_hidden) or e.phone != row.phone or row.status == "cancelled"
    )


def _rekeyed(e: Entry, row: _Held | None, editing: set[str]) -> bool:
    """Whether writing the entry rewrites the lookup keys of a member the till holds: a
    hidden one found again, or a profile taken with another name."""
    if row is None:
        return False
    if row.chain_hidden:
        return True
    return e.version > row.version and e.id not in editing and e.name != row.name


def _phone_holders(conn: sqlite3.Connection, entries: list[Entry]) -> dict[str, str]:
    """Who holds each phone the chunk brings, among this till's live members (one query;
    a number another member of the chunk gives up is still taken until the next pull)."""
    phones = sorted({e.phone for e in entries if e.phone is not None})
    if not phones:
        return {}
    return dict(conn.execute(_PHONE_HOLDERS.format(",".join("?" * len(phones))), phones))


def _keys_held(conn: sqlite3.Connection, ids: list[str]) -> dict[str, set[str]]:
    """The lookup keys the till holds for the members whose name changes (one query)."""
    held: dict[str, set[str]] = {i: set() for i in ids}
    if ids:
        for member_id, key in conn.execute(_KEYS_HELD.format(",".join("?" * len(ids))), ids):
            held[member_id].add(key)
    return held


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


def _staff_held(conn: sqlite3.Connection, entries: list[Entry]) -> frozenset[str]:
    """The staff ids this till holds, read only when an entry names a salesperson (one
    query; a salesperson of another till is not one of this till's staff)."""
    if not any(e.profile and e.profile.get("salesperson_id") for e in entries):
        return frozenset()
    return frozenset(r[0] for r in conn.execute("SELECT id FROM staff"))


def _birthday_md(values: dict[str, Any], year: int) -> tuple[int | None, int | None]:
    """(birthday_md, birthday_md_year) of these birthday columns, as refresh_birthday_md
    sets them for a member issued here."""
    if values.get("birthday") is None:
        return None, None
    b = Birthday(date.fromisoformat(values["birthday"]), bool(values["birthday_lunar"]),
                 values["lunar_month"], values["lunar_day"], bool(values["lunar_leap"]))  # fmt: skip
    try:
        d = solar_birthday_in(b, year)
    except (KeyError, ValueError):  # a lunar date the calendar does not have
        return None, None
    return d.month * 100 + d.day, year


def _rest_of_profile(
    out: _Rows, e: Entry, row: _Held, today: date, staff: frozenset[str], sets: dict[str, Any],
    *, missing_only: bool,
) -> None:  # fmt: skip
    """The columns of the rest of the profile (PROFILE_COLUMNS) HQ sent that differ from the
    till's; `missing_only`: only those the till holds empty (a member pulled before HQ sent
    them, at the version HQ has: the till has no newer edit of its own to keep)."""
    p = e.profile
    if not p:
        return
    born = "birthday" in p and any(getattr(row, c) != p[c] for c in BIRTHDAY_COLUMNS)
    if born and (not missing_only or row.birthday is None):
        sets.update({c: p[c] for c in BIRTHDAY_COLUMNS})
        sets["birthday_md"], sets["birthday_md_year"] = _birthday_md(p, today.year)
    empty = {"tier_locked": 0, "marketing_consent": 0, "guardian_consent": 0, "notes": "",
             "joined_store": "",
             "salesperson_id": None, "referrer_id": None}  # fmt: skip
    for column, blank in empty.items():
        if column not in p or getattr(row, column) == p[column]:
            continue
        if missing_only and getattr(row, column) != blank:
            continue
        if column == "salesperson_id" and p[column] is not None and p[column] not in staff:
            continue  # not one of this till's staff: kept as the till has it
        if column == "referrer_id" and p[column] is not None:
            out.referrers.append((p[column], e.id, p[column]))
            continue
        sets[column] = p[column]


def _add(
    out: _Rows, e: Entry, phone: str | None, now: datetime, today: date,
    staff: frozenset[str] = frozenset(),
) -> None:  # fmt: skip
    p = {**NO_BIRTHDAY, "tier_locked": 0, "salesperson_id": None, "joined_store": e.store_code,
         "marketing_consent": 0, "guardian_consent": 0, "notes": "",
         **(e.profile or {})}  # fmt: skip
    if p["salesperson_id"] not in staff:
        p["salesperson_id"] = None  # not one of this till's staff
    if p.get("referrer_id"):
        out.referrers.append((p["referrer_id"], e.id, p["referrer_id"]))
    out.members.append((
        e.id, e.card_no, e.name, phone, phone[-4:] if phone else None, e.gender, e.tier, e.status,
        e.joined_at, e.points, e.principal, e.bonus, now, now, e.version,
        e.store_code, e.version, e.points, e.principal, e.bonus,
        *(p[c] for c in BIRTHDAY_COLUMNS), *_birthday_md(p, today.year), p["tier_locked"],
        p["salesperson_id"], p["joined_store"], p["marketing_consent"], p["guardian_consent"],
        p["notes"],
    ))  # fmt: skip
    out.cards.append((new_id(), e.card_no, e.id, CARD_STATE[e.status], e.joined_at))
    out.cards += [(new_id(), old, e.id, "replaced", e.joined_at) for old in e.old_cards]
    out.keys += [(k, e.id) for k in e.keys]
    if e.points:
        out.points.append((ordered_id(), e.id, now, today, e.points, e.points, e.store_code))
    if e.principal or e.bonus:
        out.wallet.append((ordered_id(), e.id, now, today, e.principal, e.bonus, e.principal,
                           e.bonus, e.store_code))  # fmt: skip
    _overdrafts(out, e)


def _profile_sets(e: Entry, row: _Held, phone: str | None, sets: dict[str, Any]) -> None:
    """The profile columns whose value the entry changes (and nothing else)."""
    for column, value in (("card_no", e.card_no), ("name", e.name), ("phone", phone),
                          ("gender", e.gender), ("tier", e.tier), ("status", e.status),
                          ("chain_store", e.store_code)):  # fmt: skip
        if getattr(row, column) != value:
            sets[column] = value
    if "phone" in sets:
        sets["phone_last4"] = phone[-4:] if phone else None


def _rekey(out: _Rows, e: Entry, held: set[str]) -> None:
    """The lookup keys of the entry's name, written as the difference to those held."""
    keys = set(e.keys)
    out.dropped += [(k, e.id) for k in held - keys]
    out.keys += [(k, e.id) for k in keys - held]


def _update_profile(
    conn: sqlite3.Connection, out: _Rows, e: Entry, row: _Held, new_phone: str | None,
    now: datetime, sets: dict[str, Any], held_keys: dict[str, set[str]],
) -> None:  # fmt: skip
    _profile_sets(e, row, new_phone, sets)
    sets.update(version=e.version, chain_base=row.chain_base + e.version - row.version,
                updated_at=now)  # fmt: skip
    _cards_follow(conn, out, e, row, now)
    if e.name != row.name:
        _rekey(out, e, held_keys[e.id])


def _cards_follow(
    conn: sqlite3.Connection, out: _Rows, e: Entry, row: _Held, now: datetime
) -> None:
    """The member's cards as HQ's entry has them: a number replaced elsewhere is refused here
    too, a card reported lost, frozen, found again or cancelled elsewhere likewise."""
    if e.card_no != row.card_no:  # replaced elsewhere: the old number is refused here too
        conn.execute(
            "UPDATE cards SET status = 'replaced', ended_at = ? WHERE member_id = ? AND status = 'active'",
            (now, e.id),
        )
        out.cards.append((new_id(), e.card_no, e.id, CARD_STATE[e.status], now))
    elif e.status != row.status:  # reported lost, frozen, found again, cancelled
        conn.execute(
            "UPDATE cards SET status = ?, ended_at = ? WHERE member_id = ? AND card_no = ?",
            (CARD_STATE[e.status], None if e.status in ("active", "frozen") else now, e.id, e.card_no),
        )  # fmt: skip
    out.cards += [(new_id(), old, e.id, "replaced", now) for old in e.old_cards]


# What another store may have done to a card that this till, with an edit of the member not
# yet at HQ, still takes from HQ: refusing a card is never wrong for long (the edit reaches
# HQ, and the next pull brings the merged member), taking a lost one would be.
BARRED = ("lost", "frozen", "cancelled")


def _bar_card(conn: sqlite3.Connection, out: _Rows, e: Entry, row: _Held, now: datetime,
              sets: dict[str, Any]) -> None:  # fmt: skip
    """A member with a profile edit of this till's not yet at HQ keeps this till's profile
    until the pull after it is sent, but a card HQ has as replaced, lost, frozen or
    cancelled is refused now (the version stays, so that pull still takes HQ's whole
    profile; both versions may read the same while each side holds an edit the other has
    not)."""
    if e.card_no == row.card_no and (e.status == row.status or e.status not in BARRED):
        return
    if e.card_no != row.card_no:
        sets["card_no"] = e.card_no
    if e.status in BARRED or e.card_no != row.card_no:
        sets["status"] = e.status
    _cards_follow(conn, out, e, row, now)


def _unhide(
    out: _Rows, e: Entry, row: _Held, phone: str | None, sets: dict[str, Any],
    held_keys: dict[str, set[str]],
) -> None:  # fmt: skip
    """A member hidden while membership was per store, found again by card, phone and name."""
    _profile_sets(e, row, phone, sets)
    sets["chain_hidden"] = 0
    out.cards.append((new_id(), e.card_no, e.id, CARD_STATE[e.status], e.joined_at))
    out.cards += [(new_id(), old, e.id, "replaced", e.joined_at) for old in e.old_cards]
    _rekey(out, e, held_keys[e.id])


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


def _mirror_balances(
    out: _Rows, e: Entry, row: _Held, now: datetime, today: date, sets: dict[str, Any]
) -> None:
    """The other tills' balances as HQ summed them, reaching the ledgers as `chain` entries
    (the member's balances set in the same UPDATE as their profile)."""
    d_points = e.points - row.chain_points
    d_principal, d_bonus = e.principal - row.chain_principal, e.bonus - row.chain_bonus
    if d_points:
        points = row.points + d_points
        out.points.append((ordered_id(), e.id, now, today, d_points, points, e.store_code))
        sets.update(points=points, chain_points=e.points)
    if d_principal or d_bonus:
        principal, bonus = row.wallet_principal + d_principal, row.wallet_bonus + d_bonus
        out.wallet.append((ordered_id(), e.id, now, today, d_principal, d_bonus, principal, bonus,
                           e.store_code))  # fmt: skip
        sets.update(wallet_principal=principal, wallet_bonus=bonus,
                    chain_principal=e.principal, chain_bonus=e.bonus)  # fmt: skip


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


def store_name(store: Store, code: str) -> str:
    """A store of the chain by the name HQ gave it ('' when HQ has not said)."""
    with store.read() as s:
        names = read_setting(s, K_STORES) or {}
    name = names.get(code) if isinstance(names, dict) else None
    return name if isinstance(name, str) else ""


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
