"""The till's one search box: card, phone, last four digits, name, pinyin.

Every kind of query reads an index: cards.card_no (unique), members.phone (partial
unique), members.phone_last4, and the precomputed `member_search` keys for name
substrings and pinyin. Only the few matching rows are ranked in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .cardno import CARD_PATTERN
from .db import Store
from .errors import DomainError
from .models import Card, Member, MemberSearchKey
from .phone import mask_phone, normalize_mobile
from .search_keys import INITIALS_KEY, NAME_KEY, PINYIN_KEY
from .staff import Actor

MAX_CANDIDATES = 200
DEFAULT_LIMIT = 20
_TOP = "\U0010ffff"

# Lower rank = shown first.
RANKS = {
    "card": 0, "phone": 1, "last4": 2, "name_exact": 3, "name_prefix": 4, "pinyin_exact": 5,
    "initials_exact": 5, "name_substring": 6, "pinyin_prefix": 7, "initials_prefix": 7,
}  # fmt: skip


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
    Member.id, Member.card_no, Member.name, Member.phone, Member.tier, Member.status,
    Member.points, Member.wallet_principal, Member.wallet_bonus, Member.last_visit_at,
)  # fmt: skip


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
    reveal = actor is not None and actor.privileged
    with store.read() as s:
        if CARD_PATTERN.match(q):
            card = s.scalar(select(Card).where(Card.card_no == q.upper()))
            if card is not None:
                if card.status != "active":
                    return LookupResult(
                        q, None, [], DomainError(f"card.{card.status}", card=card.card_no)
                    )
                hits = _hits(s, {card.member_id: "card"}, reveal, include_cancelled)
                if hits and hits[0].status != "cancelled":
                    return LookupResult(q, hits[0], hits)
        matches = _candidates(s, q)
        hits = _hits(s, matches, reveal, include_cancelled, q.lower())
    hits.sort(
        key=lambda h: (RANKS[h.matched_by], h.status != "active", -_ts(h.last_visit_at), h.name)
    )
    return LookupResult(q, None, hits[:limit])


def _ts(moment: datetime | None) -> float:
    return moment.timestamp() if moment else 0.0


def _candidates(s: Session, q: str) -> dict[str, str]:
    """member id → best way it matched."""
    found: dict[str, str] = {}

    def add(ids, how: str) -> None:
        for member_id in ids:
            if member_id not in found or RANKS[how] < RANKS[found[member_id]]:
                found[member_id] = how

    phone = _as_phone(q)
    if phone is not None:  # a full mobile number, however it was typed (+86, spaces, dashes)
        add(
            s.scalars(select(Member.id).where(Member.phone == phone, Member.status != "cancelled")),
            "phone",
        )
        return found
    if q.isdigit():
        if len(q) == 4:
            add(
                s.scalars(select(Member.id).where(Member.phone_last4 == q).limit(MAX_CANDIDATES)),
                "last4",
            )
        return found
    lowered = q.lower()
    # Exact / prefix / substring is settled against the real name in _hits.
    add((member_id for _, member_id in _prefix(s, NAME_KEY + lowered)), "name_substring")
    if lowered.isascii() and lowered.isalpha() and len(lowered) >= 2:
        for key, member_id in _prefix(s, INITIALS_KEY + lowered):
            add(
                [member_id],
                "initials_exact" if key[len(INITIALS_KEY) :] == lowered else "initials_prefix",
            )
        for key, member_id in _prefix(s, PINYIN_KEY + lowered):
            add(
                [member_id],
                "pinyin_exact" if key[len(PINYIN_KEY) :] == lowered else "pinyin_prefix",
            )
    return found


def _as_phone(q: str) -> str | None:
    if not any(ch.isdigit() for ch in q):
        return None
    try:
        return normalize_mobile(q)
    except DomainError:
        return None


def _prefix(s: Session, prefix: str) -> list[tuple[str, str]]:
    rows = s.execute(
        select(MemberSearchKey.key, MemberSearchKey.member_id)
        .where(MemberSearchKey.key >= prefix, MemberSearchKey.key < prefix + _TOP)
        .limit(MAX_CANDIDATES)
    )
    return [(k, m) for k, m in rows]


def _hits(
    s: Session, matches: dict[str, str], reveal: bool, include_cancelled: bool, query: str = ""
) -> list[Hit]:
    if not matches:
        return []
    rows = s.execute(select(*_COLUMNS).where(Member.id.in_(list(matches))))
    hits = []
    for r in rows:
        if r.status == "cancelled" and not include_cancelled:
            continue
        how = matches[r.id]
        if query:  # a name typed in full or its start beats any pinyin match (Amy vs amy)
            name = r.name.lower()
            by_name = (
                "name_exact" if name == query else "name_prefix" if name.startswith(query) else how
            )
            how = min(how, by_name, key=RANKS.__getitem__)
        hits.append(
            Hit(
                member_id=r.id, card_no=r.card_no, name=r.name,
                phone=(r.phone or "") if reveal else mask_phone(r.phone), tier=r.tier,
                status=r.status, points=r.points, wallet=r.wallet_principal + r.wallet_bonus,
                last_visit_at=r.last_visit_at, matched_by=how,
            )
        )  # fmt: skip
    return hits
