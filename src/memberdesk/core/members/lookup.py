"""The till's one search box: card, phone, last four digits, name, pinyin.

Every kind of query reads an index: cards.card_no (unique), members.phone (partial
unique), members.phone_last4, and the precomputed `member_search` keys for name
substrings and pinyin. SQLite ranks the matches and returns only the rows shown.

The box is typed into all day, so a lookup runs fixed statements, built once, on a
pooled read-only connection of its own (Store.lookup_engine, with a larger page
cache), in one read transaction: no ORM session and no statement building per call.

Order of the list: kind of match (RANKS), then active before any other state, then
the most recent visit, then name, then member id, so ties always come back the same.
The list is the best `limit` of ALL matches, also when a name or pinyin query matches
thousands of members ("王", "ly"): each way of matching is ranked whichever way costs
least — over its matching keys and the member index that carries the ranking, or along
the last-visit index until the list is full, checking each member against the set of
key holders read once or asking the member's own keys (see _ranked and _Plan).
"""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from ..errors import DomainError
from ..shop.staff import Actor
from ..store.database import Store
from .card_numbers import CARD_PATTERN
from .phone import mask_phone, normalize_mobile, sees_full_phones
from .search_keys import INITIALS_KEY, NAME_KEY, PINYIN_KEY

DEFAULT_LIMIT = 20


# A query with at most this many matching keys is ranked over all of them in one
# statement; above it each way of matching is ranked the cheapest way (see _Plan).
JOIN_KEYS = 200


# Key rows a join keeps per member wanted, at first (a member may hold several keys).
JOIN_ROWS_PER_MEMBER = 2


# Keys read to estimate how many members a "name starts with" range holds.
SAMPLE_KEYS = 64


_TOP = "\U0010ffff"


# Lower rank = shown first.
RANKS = {
    "card": 0, "phone": 1, "last4": 2, "name_exact": 3, "name_prefix": 4, "pinyin_exact": 5,
    "initials_exact": 5, "name_substring": 6, "pinyin_prefix": 7, "initials_prefix": 7,
}  # fmt: skip


# In SQL a match is a code: rank * 2, plus 1 for pinyin, so that of two matches of the
# same rank the initials are named (code // 2 is the rank).
_CODE = {kind: rank * 2 + kind.startswith("pinyin") for kind, rank in RANKS.items()}


_KIND = {code: kind for kind, code in _CODE.items()}


@dataclass(frozen=True)
class Hit:
    member_id: str
    card_no: str
    name: str
    phone: str  # masked unless the asking role may see full numbers
    tier: str
    status: str
    points: int
    wallet: int
    last_visit_at: datetime | None
    matched_by: str


@dataclass(frozen=True)
class LookupResult:
    query: str
    exact: Hit | None  # a card number that the till takes at once
    hits: list[Hit]
    refusal: DomainError | None = None  # e.g. a lost or replaced card was scanned


_COLUMNS = (
    "m.id, m.card_no, m.name, m.phone, m.tier, m.status, m.points,"
    " m.wallet_principal + m.wallet_bonus, m.last_visit_at"
)


_ORDER = "m.status != 'active', m.last_visit_at DESC, m.name, m.id"


_LISTED = "(m.status != 'cancelled' OR :all)"


# Every card ever issued, with its state: a lost or replaced one is refused.
CARD_SQL = (
    f"SELECT cards.status, cards.card_no, {_COLUMNS}"
    " FROM cards JOIN members m ON m.id = cards.member_id WHERE cards.card_no = :q"
)


# A phone belongs to one member that is not cancelled (ux_members_phone_live).
PHONE_SQL = (
    f"SELECT {_COLUMNS}, {_CODE['phone']} FROM members m"
    " WHERE m.phone = :q AND m.status != 'cancelled'"
)


LAST4_SQL = (
    f"SELECT {_COLUMNS}, {_CODE['last4']} FROM members m"
    f" WHERE m.phone_last4 = :q AND {_LISTED} ORDER BY {_ORDER} LIMIT :n"
)


_N = len(NAME_KEY)


_IN_NAMES = "(s.key >= :n_lo AND s.key < :n_hi)"


_IN_INITIALS = "(s.key >= :i_lo AND s.key < :i_hi)"


_IN_PINYIN = "(s.key >= :p_lo AND s.key < :p_hi)"


# A name key is a suffix of the lower-cased name (names are stored stripped, and
# lower-casing keeps their length: only "İ" grows); the one as long as the name is the
# whole name, so that member's name starts with the query.
_WHOLE_NAME = f"length(s.key) - {_N} = length(m.name)"


_MATCH_CODE = f"""CASE
    WHEN {_IN_NAMES} THEN CASE
        WHEN {_WHOLE_NAME} THEN CASE WHEN s.key = :n_exact THEN {_CODE['name_exact']} ELSE {_CODE['name_prefix']} END
        ELSE {_CODE['name_substring']} END
    WHEN s.key = :i_exact THEN {_CODE['initials_exact']}
    WHEN s.key = :p_exact THEN {_CODE['pinyin_exact']}
    WHEN {_IN_INITIALS} THEN {_CODE['initials_prefix']}
    ELSE {_CODE['pinyin_prefix']} END"""  # fmt: skip


ALL_KEYS = f"({_IN_NAMES} OR {_IN_INITIALS} OR {_IN_PINYIN})"


@dataclass(frozen=True)
class _Source:
    """Members that match one way, for a query with many matches (see _ranked)."""

    ranges: tuple[str, ...]  # the key rows read: conditions on s alone, one index range each
    member: str  # what else the key row and its member (m) must meet, if anything
    rank: int  # the best rank a member of this source can have
    share: float | None  # members per key read; None: sample it; 0: always rank over keys

    @property
    def keys(self) -> str:
        return " OR ".join(f"({r})" for r in self.ranges)

    @property
    def where(self) -> str:
        return f"({self.keys}) AND {self.member}" if self.member else f"({self.keys})"

    @property
    def key_rows(self) -> str:
        """The member id of every key row read, range after range."""
        return " UNION ALL ".join(
            f"SELECT s.member_id FROM member_search s WHERE {r}" for r in self.ranges
        )


SOURCES = {
    "names": _Source((_IN_NAMES,), "", RANKS["name_exact"], 0),
    "name_exact": _Source(("s.key = :n_exact",), "length(m.name) = :q_len", RANKS["name_exact"], 0),
    "name_prefix": _Source((_IN_NAMES,), _WHOLE_NAME, RANKS["name_prefix"], None),
    "pinyin_exact": _Source(("s.key IN (:i_exact, :p_exact)",), "", RANKS["pinyin_exact"], 1.0),
    "name_substring": _Source((_IN_NAMES,), "", RANKS["name_substring"], 1.0),
    "pinyin_prefix": _Source(
        (f"{_IN_INITIALS} AND s.key != :i_exact", f"{_IN_PINYIN} AND s.key != :p_exact"),
        "", RANKS["pinyin_prefix"], 0.5,
    ),
}  # fmt: skip


def _join_sql(where: str) -> str:
    """The members with a key row matching `where`, ranked over the key rows and the
    member index that carries the ranking (ix_members_rank); then only the listed
    members' rows are read.

    The key rows are ranked one by one, not grouped by member first: keeping the best
    :rows of thousands costs less than grouping them all. A member holding several of
    the keys has its best row first (`code` is the last term of the order), so the
    first :n members met are the list; _joined asks for more rows when fewer came back.
    """
    rows = (
        f"SELECT m.id AS id, {_MATCH_CODE} AS code"
        " FROM member_search s JOIN members m INDEXED BY ix_members_rank ON m.id = s.member_id"
        f" WHERE {where} AND {_LISTED}"
        f" ORDER BY code / 2, {_ORDER}, code LIMIT :rows"
    )
    return (
        f"SELECT {_COLUMNS}, MIN(w.code) AS code FROM ({rows}) w JOIN members m ON m.id = w.id"
        f" GROUP BY m.id ORDER BY MIN(w.code) / 2, {_ORDER} LIMIT :n"
    )


# A walk reads members from the most recent visit on and stops at :n. The index is
# named: without statistics SQLite would rather read the whole table and sort it. It
# carries status and id, so a member who does not match costs one index entry. Members
# who never came are not walked: they tie on their (missing) last visit, so SQLite would
# read every one of them to order them by name (a shop that imported its members from
# an older system has nothing else); they are ranked with the rest (REST_SQL).
_BY_VISIT = (
    "FROM members m INDEXED BY ix_members_last_visit_joined"
    " WHERE m.last_visit_at IS NOT NULL AND m.status = 'active'"
)


_WALK_END = "ORDER BY m.last_visit_at DESC, m.name, m.id LIMIT :n"


def _code_of(where: str) -> str:
    return f"(SELECT MIN({_MATCH_CODE}) FROM member_search s WHERE s.member_id = m.id AND {where})"


def _has(where: str) -> str:
    return f"EXISTS (SELECT 1 FROM member_search s WHERE s.member_id = m.id AND {where})"


def _walk_sql(src: _Source) -> str:
    """Every active member from the most recent visit on, each asked whether it holds a key."""
    return f"SELECT {_COLUMNS}, {_code_of(src.where)} {_BY_VISIT} AND {_has(src.where)} {_WALK_END}"


def _set_walk_sql(src: _Source) -> str:
    """The same walk, checking each member against the set of the source's members, read
    from its key rows once (SQLite builds it before the walk: the subquery is not
    correlated). Only a member in the set is asked about the rest of the condition."""
    member = f" AND {_has(src.where)}" if src.member else ""
    return (
        f"SELECT {_COLUMNS}, {_code_of(src.where)} {_BY_VISIT}"
        f" AND m.id IN ({src.key_rows}){member} {_WALK_END}"
    )


SEARCH_SQL = _join_sql(ALL_KEYS)


JOIN_SQL = {name: _join_sql(src.where) for name, src in SOURCES.items()}


WALK_SQL = {name: _walk_sql(src) for name, src in SOURCES.items() if src.share != 0}


SET_WALK_SQL = {name: _set_walk_sql(src) for name, src in SOURCES.items() if src.share != 0}


# The members a walk leaves out: those never seen and those not active, ranked over the
# source's keys.
_UNWALKED = "(m.last_visit_at IS NULL OR m.status != 'active')"


REST_SQL = {name: _join_sql(f"{src.where} AND {_UNWALKED}") for name, src in SOURCES.items()}


# A row when more than :more keys match (reads at most :more + 1 of them).
MORE_SQL = f"SELECT 1 FROM member_search s WHERE {ALL_KEYS} LIMIT 1 OFFSET :more"


# How many key rows a source has, counting no further than :cap.
COUNT_SQL = {
    name: f"SELECT count(*) FROM ({src.key_rows} LIMIT :cap)" for name, src in SOURCES.items()
}


# For the first keys of a name range: is it a whole name (a member whose name starts
# with the query)?
SAMPLE_SQL = (
    f"SELECT {_WHOLE_NAME} FROM member_search s JOIN members m ON m.id = s.member_id"
    f" WHERE {_IN_NAMES} LIMIT :more"
)


MEMBERS_SQL = "SELECT max(rowid) FROM members"


def find_members(
    store: Store,
    query: str,
    *,
    actor: Actor | None = None,
    limit: int = DEFAULT_LIMIT,
    include_cancelled: bool = False,
) -> LookupResult:
    q = (query or "").strip()
    if not q:
        return LookupResult(q, None, [])
    reveal = sees_full_phones(actor)
    with store.lookup_read() as con:
        return _find(con, q, reveal, max(limit, 0), include_cancelled)


def _find(
    con: sqlite3.Connection, q: str, reveal: bool, limit: int, include_cancelled: bool
) -> LookupResult:
    listed = {"all": int(include_cancelled), "n": limit}
    if CARD_PATTERN.match(q):
        row = con.execute(CARD_SQL, {"q": q.upper()}).fetchone()
        if row is not None:
            status, card_no, member = row[0], row[1], row[2:]
            if status != "active":
                return LookupResult(q, None, [], DomainError(f"card.{status}", card=card_no))
            if member[5] != "cancelled":  # a cancelled member's card is never taken at once
                hit = _hit(member + (_CODE["card"],), reveal)
                return LookupResult(q, hit, [hit])
    if not limit:
        return LookupResult(q, None, [])
    phone = _as_phone(q)
    if phone is not None:  # a full mobile number, however it was typed (+86, spaces, dashes)
        rows = con.execute(PHONE_SQL, {"q": phone}).fetchall()
    elif q.isdigit():
        rows = con.execute(LAST4_SQL, {"q": q, **listed}).fetchall() if len(q) == 4 else []
    else:
        rows = _ranked(con, {**_ranges(q.lower()), **listed}, limit)
        for other in other_scripts(q):  # 陳傑濤 typed, 陈杰涛 held (or the other way round)
            rows = _in_order([*rows, *_ranked(con, {**_ranges(other.lower()), **listed}, limit)])
        rows = rows[:limit]
    return LookupResult(q, None, [_hit(r, reveal) for r in rows])


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


@cache
def _converters() -> tuple[Any, ...]:
    import opencc  # a tenth of a second, at the first name typed in Chinese characters

    return opencc.OpenCC("t2s").convert, opencc.OpenCC("s2t").convert


def other_scripts(q: str) -> list[str]:
    """The query in the other script of Chinese (traditional ↔ simplified), when it holds
    Chinese characters that read differently there: a shop's members are written in one
    script, and a name typed in the other finds them all the same."""
    if not _HAN.search(q):
        return []
    return list(dict.fromkeys(c(q) for c in _converters()).keys() - {q})


def _in_order(rows: list[tuple]) -> list[tuple]:
    """Rows of several searches: each member once, by their best match, in the list's order
    (kind of match, active first, last visit, name, id)."""
    best: dict[str, tuple] = {}
    for row in rows:
        if row[0] not in best or row[-1] < best[row[0]][-1]:
            best[row[0]] = row
    out = sorted(best.values(), key=lambda r: (r[2], r[0]))  # name, id
    out.sort(key=lambda r: (r[8] is not None, r[8] or ""), reverse=True)  # last visit
    out.sort(key=lambda r: (r[-1] // 2, r[5] != "active"))  # rank, state
    return out


def new_member_hint(query: str) -> tuple[str, str]:
    """(name, phone) of a new member, from a search that found no one: a mobile number
    however it was typed, or a name in Chinese characters (letters alone may be pinyin
    initials, digits a card or a price): the customer asked for is the one to sign up."""
    q = (query or "").strip()
    phone = _as_phone(q)
    if phone is not None:
        return "", phone
    if q and not any(ch.isdigit() for ch in q) and any(ord(ch) > 0x2E7F for ch in q):
        return q, ""
    return "", ""


def _as_phone(q: str) -> str | None:
    if not any(ch.isdigit() for ch in q):
        return None
    try:
        return normalize_mobile(q)
    except DomainError:
        return None


def _ranges(lowered: str) -> dict[str, Any]:
    """The key ranges a name / pinyin query reads; pinyin only for two letters or more."""
    name = NAME_KEY + lowered
    params: dict[str, Any] = {
        "n_lo": name, "n_hi": name + _TOP, "n_exact": name, "q_len": len(lowered),
        "i_lo": "", "i_hi": "", "i_exact": None, "p_lo": "", "p_hi": "", "p_exact": None,
    }  # fmt: skip
    if lowered.isascii() and lowered.isalpha() and len(lowered) >= 2:
        initials, full = INITIALS_KEY + lowered, PINYIN_KEY + lowered
        params.update(i_lo=initials, i_hi=initials + _TOP, i_exact=initials)
        params.update(p_lo=full, p_hi=full + _TOP, p_exact=full)
    return params


def _ranked(con: sqlite3.Connection, params: dict[str, Any], limit: int) -> list[tuple]:
    """The `limit` best matches of a name / pinyin query, best first.

    Usually the query's keys are few and one statement ranks them all. Otherwise each
    way of matching (SOURCES, best rank first) gives its own `limit` best members,
    until better ones fill the list; a member's best way counts. Together they hold the
    overall best: a member missing from a source's list has `limit` members above it
    there. So the list is the best of thousands of namesakes, never an arbitrary slice.
    """
    if not limit:
        return []
    if con.execute(MORE_SQL, {**params, "more": JOIN_KEYS}).fetchone() is None:
        return con.execute(SEARCH_SQL, {**params, "rows": -1}).fetchall()  # every key row
    plan = _Plan(con, params, limit)
    names = ["names"]
    split = plan.walk_from(1.0)  # as many name keys as make a walk worth weighing
    if plan.keys("names", split) >= split:
        names = ["name_exact", "name_prefix", "name_substring"]
    order = names if params["i_exact"] is None else [*names, "pinyin_exact", "pinyin_prefix"]
    best: dict[str, tuple] = {}
    for name in sorted(order, key=lambda n: SOURCES[n].rank):
        rank = SOURCES[name].rank
        if sum(1 for row in best.values() if row[-1] // 2 < rank) >= limit:
            break  # every member still to come ranks below a full list
        for row in plan.top(name):
            if row[0] not in best or row[-1] < best[row[0]][-1]:
                best[row[0]] = row
    return _in_order(list(best.values()))[:limit]


# What each plan costs, in µs: `python -m benchmarks.lookup_costs` on the benchmark's
# shop of 1M members (fitted 2.3–2.5, 0.62–0.64, 0.32–0.33 and 2.1–2.6 in two runs).
JOIN_PER_KEY = 2.4  # a matching key row, ranked with its member's columns in ix_members_rank


SET_PER_KEY = 0.63  # a matching key row's member id, put into the set a set walk checks


STEP_PER_MEMBER = 0.33  # a step along the last-visit index, checked against that set


ASK_PER_MEMBER = 2.3  # a step along the last-visit index, asking the member's own key rows


class _Plan:
    """How to rank one source: over its keys (join), or by a walk along the last visits
    that checks each member against the set of the source's members (set walk) or asks
    each member's key rows (walk).

    With K key rows, a share s of them distinct members, L rows wanted and N members, a
    walk meets about W = L·N/(s·K) members before the list is full. The join costs
    K·JOIN_PER_KEY, the set walk K·SET_PER_KEY + W·STEP_PER_MEMBER, the walk
    W·ASK_PER_MEMBER: the join for few keys, the set walk for thousands, the walk for
    tens of thousands. The cheapest is taken: by these costs at most about 6 ms at 1M
    members (at K ≈ 7,900) and 2 ms at 100k, wherever K lies.
    """

    def __init__(self, con: sqlite3.Connection, params: dict[str, Any], limit: int) -> None:
        self.con, self.params, self.limit = con, params, limit
        self._members: int | None = None

    def members(self) -> int:
        if self._members is None:
            self._members = self.con.execute(MEMBERS_SQL).fetchone()[0] or 0
        return self._members

    def keys(self, name: str, cap: int) -> int:
        """The source's key rows, counted up to `cap`."""
        return self.con.execute(COUNT_SQL[name], {**self.params, "cap": cap}).fetchone()[0]

    def _met(self, share: float, keys: int) -> float:
        """Members a walk meets before its list is full."""
        return self.limit * self.members() / (share * keys)

    def walk_from(self, share: float) -> int:
        """Key rows above which a set walk is cheaper than the join."""
        per_key = max(JOIN_PER_KEY - SET_PER_KEY, 1e-9)
        return max(JOIN_KEYS, math.isqrt(int(STEP_PER_MEMBER * self._met(share, 1) / per_key)))

    def ask_from(self, share: float) -> int:
        """Key rows above which the walk is cheaper than the set walk."""
        per_member = max(ASK_PER_MEMBER - STEP_PER_MEMBER, 0.0)
        return max(JOIN_KEYS, math.isqrt(int(per_member * self._met(share, 1) / SET_PER_KEY)))

    def how(self, name: str) -> str:
        src, con, params = SOURCES[name], self.con, self.params
        if src.share == 0:
            return "join"
        share = src.share
        if share is None:  # how many of the name range's keys are whole names
            sample = con.execute(SAMPLE_SQL, {**params, "more": SAMPLE_KEYS}).fetchall()
            share = sum(whole for (whole,) in sample) / len(sample) if sample else 0.0
        if not share:
            return "join"
        cap = max(self.walk_from(share), self.ask_from(share))
        keys = self.keys(name, cap)
        if keys <= JOIN_KEYS:
            return "join"
        met = self._met(share, keys)
        costs = {
            "join": keys * JOIN_PER_KEY,
            "set walk": keys * SET_PER_KEY + met * STEP_PER_MEMBER,
            "walk": met * ASK_PER_MEMBER,
        }
        return min(costs, key=costs.__getitem__)

    def top(self, name: str) -> list[tuple]:
        how = self.how(name)
        if how == "join":
            return self._joined(JOIN_SQL[name], name)
        sql = SET_WALK_SQL[name] if how == "set walk" else WALK_SQL[name]
        rows = self.con.execute(sql, {**self.params, "n": self.limit}).fetchall()
        if len(rows) < self.limit:  # every active visitor is in: rank the others after them
            rows += self._joined(REST_SQL[name], name)
        return rows

    def _joined(self, sql: str, name: str) -> list[tuple]:
        """A join's list: its best key rows, more of them while members holding several
        keys leave the list short and the source has more rows."""
        rows = self.limit * JOIN_ROWS_PER_MEMBER
        while True:
            found = self.con.execute(sql, {**self.params, "n": self.limit, "rows": rows}).fetchall()
            if len(found) >= self.limit or self.keys(name, rows + 1) <= rows:
                return found
            rows *= 4


def _hit(r: tuple, reveal: bool) -> Hit:
    member_id, card_no, name, phone, tier, status, points, wallet, last_visit, code = r
    return Hit(
        member_id=member_id, card_no=card_no, name=name,
        phone=(phone or "") if reveal else mask_phone(phone), tier=tier, status=status,
        points=points, wallet=wallet,
        last_visit_at=datetime.fromisoformat(last_visit) if last_visit else None,
        matched_by=_KIND[code],
    )  # fmt: skip
