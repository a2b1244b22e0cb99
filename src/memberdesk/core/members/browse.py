"""The member list: every member, newest first, filtered by tier, status, joining dates
and salesperson, a page at a time.

Pages follow one another by key (the joining time and the row id of a page's last
row), never by OFFSET: page 2,000 of a 100,000-member shop costs what page 1 costs. The
order is ``ix_members_joined_at``'s own (joined_at, rowid), so SQLite walks that index
and stops after a page; a joining range is a range of it. A salesperson's members are
found through ``ix_members_salesperson_id`` when SQLite judges it the cheaper way. The
count of what the filters match is one pass over the index or the table (tens of
milliseconds at 100k members).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, literal_column, or_, select

from ..clock import from_utc_naive, shop_day_start_utc
from ..errors import DomainError
from ..loyalty.program_store import program_in_force
from ..shop.details import read_setting, shop_info
from ..shop.staff import Actor
from ..store.database import Store
from ..store.models import Member, Staff
from .chain_policy import K_SCOPE
from .member import STATUS_NAMES
from .phone import mask_phone, sees_full_phones
from .scope import SERVED, own

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
NO_SALESPERSON = ""  # the salesperson filter's value for members nobody looks after


HERE, OTHERS = "here", "others"  # the store filter: this store's members, other stores'
_ROWID = literal_column("members.rowid")


@dataclass(frozen=True)
class MemberFilter:
    tier: str | None = None  # a tier code; None: every tier
    status: str | None = None  # active | lost | frozen | cancelled; None: all but cancelled
    joined_from: date | None = None  # shop-local days, both ends included
    joined_to: date | None = None
    salesperson_id: str | None = None  # a staff id, NO_SALESPERSON, or None: anyone's
    store: str | None = None  # HERE, OTHERS (of the chain), or None: every store's


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the joining time and row id of its last (or first) row."""

    joined_at: datetime
    rowid: int


@dataclass(frozen=True)
class MemberRow:
    member_id: str
    card_no: str
    name: str
    phone: str  # masked unless the asking role may see full numbers
    tier: str  # the tier's name in the program in force
    status: str  # the code; the window names it
    joined: date  # shop-local
    salesperson: str  # "" when nobody
    points: int
    wallet: int  # principal + bonus, fen
    lifetime_spend: int
    last_visit: date | None  # shop-local
    store: str = ""  # another store's code for a member of the chain, "" for this store's


@dataclass(frozen=True)
class MemberPage:
    rows: tuple[MemberRow, ...]
    total: int  # members the filters match
    first: Cursor | None  # of this page: "previous" asks for the rows before it
    last: Cursor | None  # "next" asks for the rows after it
    has_previous: bool
    has_next: bool


def _check(f: MemberFilter) -> None:
    if f.status is not None and f.status not in STATUS_NAMES:
        raise DomainError("members.filter_status", status=f.status)
    if f.store not in (None, HERE, OTHERS):
        raise DomainError("members.filter_store", store=f.store)
    if f.joined_from and f.joined_to and f.joined_to < f.joined_from:
        raise DomainError("members.filter_dates", start=f.joined_from, end=f.joined_to)


def _where(f: MemberFilter, tz: str, lowest: str = "", here: str = "") -> list:
    """`lowest`: the lowest tier's code, which members issued before any sale hold as "";
    `here`: this till's store code."""
    where = [Member.status == f.status if f.status else Member.status != "cancelled", SERVED]
    if f.store == HERE:
        where.append(own(here))
    elif f.store == OTHERS:
        where.append(~Member.chain_store.in_(("", here)))
    if f.tier is not None:
        where.append(Member.tier.in_((f.tier, "")) if f.tier == lowest else Member.tier == f.tier)
    if f.joined_from is not None:
        where.append(Member.joined_at >= shop_day_start_utc(f.joined_from, tz))
    if f.joined_to is not None:
        where.append(Member.joined_at < shop_day_start_utc(f.joined_to + timedelta(days=1), tz))
    if f.salesperson_id == NO_SALESPERSON:
        where.append(Member.salesperson_id.is_(None))
    elif f.salesperson_id is not None:
        where.append(Member.salesperson_id == f.salesperson_id)
    return where


def _after(c: Cursor) -> object:
    """Rows later in the list (older) than `c`; the plain bound lets SQLite seek the index."""
    return and_(
        Member.joined_at <= c.joined_at,
        or_(Member.joined_at < c.joined_at, c.rowid > _ROWID),
    )


def _before(c: Cursor) -> object:
    return and_(
        Member.joined_at >= c.joined_at,
        or_(Member.joined_at > c.joined_at, c.rowid < _ROWID),
    )


def page_query(f: MemberFilter, tz: str, *, after: Cursor | None = None,
               before: Cursor | None = None, limit: int = PAGE_SIZE, lowest: str = "",
               here: str = "") -> Select:  # fmt: skip
    """The statement of one page (newest first; reversed when reading back from `before`)."""
    q = (
        select(
            Member.id,
            Member.card_no,
            Member.name,
            Member.phone,
            Member.tier,
            Member.status,
            Member.joined_at,
            Staff.name,
            Member.points,
            Member.wallet_principal + Member.wallet_bonus,
            Member.lifetime_spend,
            Member.last_visit_at,
            _ROWID,
            Member.chain_store,
        )  # fmt: skip
        .outerjoin(Staff, Staff.id == Member.salesperson_id)
        .where(*_where(f, tz, lowest, here))
    )
    if before is not None:
        return q.where(_before(before)).order_by(Member.joined_at, _ROWID).limit(limit)
    if after is not None:
        q = q.where(_after(after))
    return q.order_by(Member.joined_at.desc(), _ROWID.desc()).limit(limit)


def browse_members(
    store: Store, f: MemberFilter = MemberFilter(), *, after: Cursor | None = None,
    before: Cursor | None = None, page_size: int = PAGE_SIZE, actor: Actor | None = None,
) -> MemberPage:  # fmt: skip
    """One page of the member list: the first, the one `after` a page's last row, or the one
    `before` a page's first row; with how many members match in all."""
    _check(f)
    size = max(1, min(page_size, MAX_PAGE_SIZE))
    reveal = sees_full_phones(actor)
    with store.read() as s:
        shop = shop_info(s)
        current = program_in_force(s)
        levels = current.program.tiers.levels if current else ()
        names = {t.code: t.name for t in levels}
        lowest, low_code = (levels[0].name, levels[0].code) if levels else ("", "")
        tz, here = shop.timezone, shop.store_code
        conn = s.connection()
        found = conn.execute(
            page_query(
                f, tz, after=after, before=before, limit=size + 1, lowest=low_code, here=here
            )  # fmt: skip
        ).all()
        more = len(found) > size
        found = found[:size]
        if before is not None:
            found.reverse()
        total = conn.execute(
            select(func.count()).select_from(Member).where(*_where(f, tz, low_code, here))
        ).scalar_one()
        rows = tuple(_row(r, reveal, names, lowest, tz, here) for r in found)
        first = _cursor(found[0]) if found else None
        last = _cursor(found[-1]) if found else None
        if before is not None:
            has_previous, has_next = more, True
        else:
            has_previous = (
                after is not None
                and first is not None
                and _exists(conn, f, tz, low_code, here, before=first)
            )
            has_next = more
        return MemberPage(rows, int(total), first, last, has_previous, has_next)


def _exists(conn, f: MemberFilter, tz: str, lowest: str, here: str, *, before: Cursor) -> bool:
    query = page_query(f, tz, before=before, limit=1, lowest=lowest, here=here)
    return conn.execute(query).first() is not None


def _cursor(r) -> Cursor:
    return Cursor(_moment(r[6]), int(r[12]))


def _moment(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _local_date(value: datetime | str | None, tz: str) -> date | None:
    if value is None:
        return None
    return from_utc_naive(_moment(value)).astimezone(ZoneInfo(tz)).date()


def _row(r, reveal: bool, names: dict[str, str], lowest: str, tz: str, here: str) -> MemberRow:
    (member_id, card_no, name, phone, tier, status, joined_at, staff, points, wallet, spend,
     last_visit, _rowid, chain_store) = r  # fmt: skip
    return MemberRow(
        member_id=member_id, card_no=card_no, name=name,
        phone=(phone or "") if reveal else mask_phone(phone),
        tier=names.get(tier, tier or lowest), status=status,
        joined=_local_date(joined_at, tz) or date.min, salesperson=staff or "",
        points=int(points), wallet=int(wallet), lifetime_spend=int(spend),
        last_visit=_local_date(last_visit, tz),
        store=chain_store if chain_store and chain_store != here else "",
    )  # fmt: skip


def other_stores_held(store: Store) -> bool:
    """Whether this till serves the chain's other stores' members: the last pull found
    membership chain-wide (per store, the till hides those it copied). The list then offers
    to tell them apart. A setting, not a search of the members: a list page asks it."""
    with store.read() as s:
        return read_setting(s, K_SCOPE) == "chain"
