"""What HQ holds that someone should look at: `memberdesk-hq problems`.

- terminals HQ takes nothing more from: their records part from HQ's (a till put back to
  an old copy), until `memberdesk-hq rebase-terminal`;
- rejected events (their code and params; superseded ones are history no till holds);
- refunds parked for more than a day (their sale never arrived, or is another store's);
- sales whose time says the till's clock was wrong (accepted, never refused);
- sales and refunds only at HQ: superseded by a rebase, no longer counted;
- receipt numbers used by more than one sale of a store (a restored or copied till);
- overdrafts: a member's balance below zero once two stores' spending met (hq/directory.py);
- coupons redeemed twice: at two tills while they were offline (hq/coupons.py);
- coupons used that no till issued: HQ holds no issue of the serial although the till whose
  card prefix the serial carries has sent later records (or no terminal has that prefix),
  and coupons used with other terms than they were issued with. Every till holds the
  chain's signing key, so one till's keyring signs coupons of any value; HQ is where
  that shows (a coupon issued offline whose issue has not arrived yet is listed as such);
- one phone held by two live members of a chain-wide membership (a till finds one of them
  by it; they came from two stores while membership was per store);
- stored value credited with nothing behind it: a wallet entry that adds money names no
  top-up, refund or opening balance of its own store that brought that money in;
- points set by hand for another store's member: a manual adjustment (or an opening
  balance) a store's till made to a member another store issued (chain-wide membership).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    or_,
    select,
)

from ..core.coupons.codes import CouponTerms
from ..core.errors import DomainError
from ..core.members.birthdays import GUARDIAN_AGE, solar_birthday, under_guardian
from ..core.members.phone import mask_phone
from .coupons import CouponTwice, coupons_used_twice, same_terms, terms_of
from .directory import Overdraft, list_overdrafts, read_chain
from .models import (
    clock_problems,
    coupon_events,
    events,
    journal_breaks,
    members,
    parked_refunds,
    points_entries,
    refunds,
    sales,
    terminals,
    wallet_entries,
)
from .rebase import is_superseded, superseded_spans

PARKED_TOO_LONG = timedelta(days=1)


@dataclass(frozen=True)
class RejectedEvent:
    store_code: str
    terminal_id: str
    terminal_code: str
    seq: int
    kind: str
    received_at: datetime
    code: str
    params: dict[str, Any]
    reason: str


@dataclass(frozen=True)
class ParkedRefund:
    store_code: str
    terminal_id: str
    refund_id: str
    sale_id: str
    received_at: datetime


@dataclass(frozen=True)
class ClockTrouble:
    store_code: str
    terminal_id: str
    receipt_no: str
    total: int
    problem: str  # ahead, back, offset (comma-separated)
    created_at: datetime
    received_at: datetime


@dataclass(frozen=True)
class OnlyAtHQ:
    store_code: str
    terminal_id: str
    record: str  # sale | refund
    receipt_no: str
    business_day: Any
    amount: int


@dataclass(frozen=True)
class ReceiptReuse:
    store_code: str
    receipt_no: str
    count: int


@dataclass(frozen=True)
class OverRefund:
    """A sale whose refunds together gave back more than it took: a till refunds at most
    what is left of a sale, so the money came out of the drawer with no sale behind it."""

    store_code: str
    receipt_no: str
    terminal_id: str
    total: int
    refunds: int  # how many
    refunded: int  # their amounts together
    business_date: Any


@dataclass(frozen=True)
class SharedPhone:
    """A phone two or more live members hold while membership is chain-wide."""

    phone: str  # masked, as the tills show it to a cashier
    members: list[tuple[str, str, str]]  # (store, card, name) of each


@dataclass(frozen=True)
class SharedCard:
    """A card number two or more live members of different stores carry while membership is
    chain-wide (numbered before their stores joined the chain): a till finds its own store's
    member by it, and the other store's member only by phone or name."""

    card_no: str
    members: list[tuple[str, str, str]]  # (store, masked phone, name) of each


@dataclass(frozen=True)
class UnbackedCredit:
    """Stored value a till credited with nothing of its store behind it: no top-up of that
    amount, no refund of that money, no opening balance of one of its own members."""

    store_code: str
    terminal_id: str
    member_id: str
    kind: str
    principal: int
    bonus: int
    business_date: Any


# Points entries a till writes by hand, not from a sale, refund or the program's rules
# (core/loyalty/points.py, members/import_export.py).
HAND_POINTS_KINDS = ("adjust", "opening")
# Points a checkout or refund credits the sale's member (core/till/checkout.py, refunds.py).
SALE_POINTS_KINDS = ("earn", "challenge", "refund_return")


@dataclass(frozen=True)
class HandPoints:
    """Points a store's till adjusted by hand (or opened) for a member another store issued,
    or credited them with no sale of its store behind them: allowed chain-wide, but the owner
    of the chain should see who, where and how many."""

    store_code: str  # the store of the till that wrote it
    terminal_id: str
    terminal_code: str
    member_id: str
    member_store: str  # the store that issued the member
    card_no: str
    name: str
    kind: str
    delta: int
    business_date: Any
    created_at: datetime | None  # by the till's clock, as it sent the entry
    reason: str


# Why HQ holds no issue of a coupon a till took (UnissuedCoupon.why).
NOT_SENT = "not_sent"  # its till has sent nothing dated after the use yet: maybe issued offline
NEVER_ISSUED = "never_issued"  # its till has sent later records and none is this coupon's issue
NO_TERMINAL = "no_terminal"  # no terminal has the card prefix its serial carries


@dataclass(frozen=True)
class UnissuedCoupon:
    """A coupon a till took on a sale whose issue HQ does not hold."""

    store_code: str  # the store of the till that took it
    terminal_id: str
    terminal_code: str
    coupon_id: str  # its serial: the issuing till's card prefix and that till's sequence
    sale_id: str | None
    receipt_no: str | None  # the sale's, when HQ holds the sale
    off: int
    business_date: date
    why: str  # NOT_SENT | NEVER_ISSUED | NO_TERMINAL
    owner_store: str | None  # the till whose card prefix the serial carries
    owner_terminal: str | None
    owner_code: str | None


@dataclass(frozen=True)
class CouponOtherTerms:
    """A coupon a till took whose code states other terms than the code it was issued with
    (None: a code that cannot be read)."""

    store_code: str
    terminal_id: str
    terminal_code: str
    coupon_id: str
    sale_id: str | None
    receipt_no: str | None
    off: int
    business_date: date
    issued: CouponTerms | None
    used: CouponTerms | None


@dataclass(frozen=True)
class Diverged:
    """A terminal whose records part from HQ's (a till put back to an old copy): HQ takes
    nothing more from it until `memberdesk-hq rebase-terminal` starts its new epoch."""

    store_code: str
    terminal_id: str
    code: str
    seq: int
    last_seen_at: datetime | None


@dataclass(frozen=True)
class Problems:
    rejected: list[RejectedEvent]
    parked: list[ParkedRefund]
    clock: list[ClockTrouble]
    only_at_hq: list[OnlyAtHQ]
    receipts: list[ReceiptReuse]
    journal: list[JournalBreak] = field(default_factory=list)
    overdrafts: list[Overdraft] = field(default_factory=list)
    coupons_twice: list[CouponTwice] = field(default_factory=list)
    unbacked: list[UnbackedCredit] = field(default_factory=list)
    shared_phones: list[SharedPhone] = field(default_factory=list)
    diverged: list[Diverged] = field(default_factory=list)
    shared_cards: list[SharedCard] = field(default_factory=list)
    hand_points: list[HandPoints] = field(default_factory=list)
    over_refunded: list[OverRefund] = field(default_factory=list)
    coupons_unissued: list[UnissuedCoupon] = field(default_factory=list)
    coupons_other_terms: list[CouponOtherTerms] = field(default_factory=list)
    children: list[ChildWithoutConsent] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any((self.diverged, self.rejected, self.parked, self.clock, self.only_at_hq, self.receipts,
                    self.journal, self.overdrafts, self.coupons_twice, self.unbacked,
                    self.shared_phones, self.shared_cards, self.hand_points,
                    self.over_refunded, self.coupons_unissued, self.coupons_other_terms,
                    self.children))  # fmt: skip


@dataclass(frozen=True)
class ChildWithoutConsent:
    """A member under 14 on record with no parent's or guardian's consent (个人信息保护法
    art. 31, core/members/birthdays.py GUARDIAN_AGE): a till asks for it where the member is
    issued or edited; a till older than that rule, or one not asking, sent the member
    without it. HQ keeps what the till sent and lists it for the store to ask."""

    store_code: str
    terminal_id: str
    card_no: str
    name: str
    birthday: date


@dataclass(frozen=True)
class JournalBreak:
    """An event whose journal link does not follow from the one before: the till's
    records were changed after they were written (docs/journal.md)."""

    store_code: str
    terminal_id: str
    seq: int
    kind: str
    found_at: datetime


def _scoped(query: Select, table: Any, store: str | None, terminal: str | None) -> Select:
    if store:
        query = query.where(table.c.store_code == store)
    if terminal:
        query = query.where(table.c.terminal_id == terminal)
    return query


def find_problems(
    conn: Connection, now: datetime, *, store: str | None = None, terminal: str | None = None
) -> Problems:
    return Problems(
        diverged=_diverged(conn, store, terminal),
        rejected=_rejected(conn, store, terminal),
        parked=[ParkedRefund(*r) for r in conn.execute(_scoped(
            select(parked_refunds.c.store_code, parked_refunds.c.terminal_id,
                   parked_refunds.c.refund_id, parked_refunds.c.sale_id, parked_refunds.c.received_at)
            .where(parked_refunds.c.applied_at.is_(None), parked_refunds.c.superseded.is_(False),
                   parked_refunds.c.received_at < now - PARKED_TOO_LONG)
            .order_by(parked_refunds.c.received_at), parked_refunds, store, terminal))],
        clock=[ClockTrouble(*r) for r in conn.execute(_scoped(
            select(clock_problems.c.store_code, clock_problems.c.terminal_id, sales.c.receipt_no,
                   sales.c.total, clock_problems.c.problem, clock_problems.c.created_at,
                   clock_problems.c.received_at)
            .join(sales, sales.c.id == clock_problems.c.sale_id)
            .order_by(clock_problems.c.received_at, clock_problems.c.seq),
            clock_problems, store, terminal))],
        only_at_hq=_only_at_hq(conn, store, terminal),
        journal=[JournalBreak(*r) for r in conn.execute(_scoped(
            select(journal_breaks.c.store_code, journal_breaks.c.terminal_id, journal_breaks.c.seq,
                   journal_breaks.c.kind, journal_breaks.c.found_at)
            .order_by(journal_breaks.c.found_at, journal_breaks.c.seq),
            journal_breaks, store, terminal))],
        receipts=[ReceiptReuse(*r) for r in conn.execute(_scoped(
            select(sales.c.store_code, sales.c.receipt_no, func.count())
            .where(sales.c.receipt_no != "")
            .group_by(sales.c.store_code, sales.c.receipt_no)
            .having(func.count() > 1)
            .order_by(sales.c.store_code, sales.c.receipt_no), sales, store, None))],
        overdrafts=list_overdrafts(conn, store),
        coupons_twice=coupons_used_twice(conn, store),
        coupons_unissued=_coupons_unissued(conn, store, terminal),
        coupons_other_terms=_coupons_other_terms(conn, store, terminal),
        unbacked=_unbacked_credits(conn, store, terminal),
        hand_points=_hand_points(conn, store, terminal),
        shared_phones=_shared_phones(conn, store),
        shared_cards=_shared_cards(conn, store),
        over_refunded=_over_refunded(conn, store, terminal),
        children=_children_without_consent(conn, now.date(), store, terminal),
    )  # fmt: skip


def _children_without_consent(
    conn: Connection, today: date, store: str | None, terminal: str | None
) -> list[ChildWithoutConsent]:
    """Members not cancelled, under 14 today by their birthday as sent, whose record holds
    no guardian's consent."""
    m = members
    born, consent = m.c.data["birthday"].as_string(), m.c.data["guardian_consent"].as_boolean()
    earliest = date(today.year - GUARDIAN_AGE - 1, 1, 1).isoformat()  # then to the day below
    rows = conn.execute(_scoped(
        select(m.c.store_code, m.c.terminal_id, m.c.card_no, m.c.name, born, consent)
        .where(born >= earliest, m.c.status != "cancelled")
        .order_by(m.c.store_code, m.c.card_no), m, store, terminal)).all()  # fmt: skip
    found = []
    for store_code, terminal_id, card_no, name, text, given in rows:
        if given:
            continue
        try:
            day = date.fromisoformat(str(text)[:10])
            child = under_guardian(solar_birthday(day, today), today)
        except (ValueError, DomainError):
            continue  # not a birthday (its own problem, the till's to say)
        if child:
            found.append(ChildWithoutConsent(store_code, terminal_id, card_no, name, day))
    return found


def _coupons_unissued(
    conn: Connection, store: str | None, terminal: str | None
) -> list[UnissuedCoupon]:
    """Coupons taken on a sale (uses a rebase superseded left out) whose serial HQ holds no
    issue for. The serial names the issuing till by its card prefix; a till sends its records
    in the order it made them, so once it has sent one dated after the day of the use, the
    coupon's issue (made before the use) would have come with it: none came, so no till
    issued it. Until then it may have been issued offline, and is listed as not yet sent. A
    use at the issuing till itself follows its issue in that till's records. `store` lists
    the uses at its tills and those of its tills' serials."""
    r, i, t, o, e = (coupon_events.alias("r"), coupon_events.alias("i"), terminals.alias("t"),
                     terminals.alias("o"), events)  # fmt: skip
    # A serial is the till's card prefix as a number (core/coupons/issue.py), a dash, its sequence.
    owns = r.c.coupon_id.like(cast(cast(o.c.card_prefix, BigInteger), String) + "-%")
    later = exists().where(e.c.terminal_id == o.c.id, e.c.status == "accepted",
                           e.c.business_date > r.c.business_date)  # fmt: skip
    why = case((o.c.id.is_(None), NO_TERMINAL), (or_(o.c.id == r.c.terminal_id, later), NEVER_ISSUED),
               else_=NOT_SENT)  # fmt: skip
    query = (
        select(r.c.store_code, r.c.terminal_id, t.c.code, r.c.coupon_id, r.c.sale_id,
               sales.c.receipt_no, r.c.off, r.c.business_date, why, o.c.store_code, o.c.id, o.c.code)
        .join(t, t.c.id == r.c.terminal_id)
        .outerjoin(o, owns)
        .outerjoin(sales, sales.c.id == r.c.sale_id)
        .where(r.c.kind == "redeemed", r.c.superseded.is_(False),
               ~exists().where(i.c.coupon_id == r.c.coupon_id, i.c.kind == "issued"))
        .order_by(r.c.business_date, r.c.store_code, t.c.code, r.c.epoch, r.c.seq)
    )  # fmt: skip
    if store:
        query = query.where(or_(r.c.store_code == store, o.c.store_code == store))
    if terminal:
        query = query.where(or_(r.c.terminal_id == terminal, o.c.id == terminal))
    return [UnissuedCoupon(*row[:6], int(row[6]), *row[7:]) for row in conn.execute(query)]


def _coupons_other_terms(
    conn: Connection, store: str | None, terminal: str | None
) -> list[CouponOtherTerms]:
    """Coupons taken on a sale with a code whose terms are not those of the code the coupon
    was issued with. The terms are read from the codes themselves, not from the fields a till
    sent beside them; the join keeps the uses whose code is not one of the coupon's issued
    codes (a genuine use carries the very code its slip printed), and those are read."""
    r, i, same, t = (coupon_events.alias("r"), coupon_events.alias("i"), coupon_events.alias("same"),
                     terminals.alias("t"))  # fmt: skip
    used_code = r.c.data["code"].as_string()
    query = (
        select(r.c.terminal_id, r.c.epoch, r.c.seq, r.c.store_code, t.c.code, r.c.coupon_id,
               r.c.sale_id, sales.c.receipt_no, r.c.off, r.c.business_date, used_code,
               i.c.data["code"].as_string(), i.c.superseded)
        .join(i, and_(i.c.coupon_id == r.c.coupon_id, i.c.kind == "issued"))
        .join(t, t.c.id == r.c.terminal_id)
        .outerjoin(sales, sales.c.id == r.c.sale_id)
        .where(r.c.kind == "redeemed", r.c.superseded.is_(False),
               ~exists().where(same.c.coupon_id == r.c.coupon_id, same.c.kind == "issued",
                               same.c.data["code"].as_string() == used_code))
        .order_by(r.c.business_date, r.c.store_code, t.c.code, r.c.epoch, r.c.seq,
                  i.c.superseded, i.c.epoch.desc(), i.c.seq.desc())
    )  # fmt: skip
    if store:  # the uses at its tills and those of coupons it issued
        query = query.where(or_(r.c.store_code == store, exists().where(
            same.c.coupon_id == r.c.coupon_id, same.c.kind == "issued", same.c.store_code == store)))  # fmt: skip
    if terminal:
        query = query.where(r.c.terminal_id == terminal)
    by_use: dict[tuple, tuple[Any, list[CouponTerms | None]]] = {}
    for row in conn.execute(query):
        found = by_use.setdefault((row[0], row[1], row[2]), (row, []))
        found[1].append(terms_of(row[11]))
    out = []
    for row, issued in by_use.values():
        used = terms_of(row[10])
        if not any(same_terms(used, it) for it in issued):
            out.append(CouponOtherTerms(row[3], row[0], row[4], row[5], row[6], row[7],
                                        int(row[8]), row[9], issued[0], used))  # fmt: skip
    return out


def _over_refunded(conn: Connection, store: str | None, terminal: str | None) -> list[OverRefund]:
    """Sales whose refunds HQ holds add up to more than the sale's total (rows a rebase
    superseded left out)."""
    s, r = sales, refunds
    query = (
        select(s.c.store_code, s.c.receipt_no, s.c.terminal_id, s.c.total, func.count(),
               func.sum(r.c.amount), s.c.business_date)
        .join(r, r.c.sale_id == s.c.id)
        .where(s.c.superseded.is_(False), r.c.superseded.is_(False))
        .group_by(s.c.id, s.c.store_code, s.c.receipt_no, s.c.terminal_id, s.c.total,
                  s.c.business_date)
        .having(func.sum(r.c.amount) > s.c.total)
        .order_by(s.c.store_code, s.c.business_date, s.c.receipt_no)
    )  # fmt: skip
    return [OverRefund(*row[:4], int(row[4]), int(row[5]), row[6])
            for row in conn.execute(_scoped(query, s, store, terminal))]  # fmt: skip


def _diverged(conn: Connection, store: str | None, terminal: str | None) -> list[Diverged]:
    query = (
        select(terminals.c.store_code, terminals.c.id, terminals.c.code, terminals.c.diverged_seq,
               terminals.c.last_seen_at)
        .where(terminals.c.diverged_seq.is_not(None), terminals.c.revoked_at.is_(None))
        .order_by(terminals.c.store_code, terminals.c.code)
    )  # fmt: skip
    if store:
        query = query.where(terminals.c.store_code == store)
    if terminal:
        query = query.where(terminals.c.id == terminal)
    return [Diverged(*r) for r in conn.execute(query)]


def _rejected(conn: Connection, store: str | None, terminal: str | None) -> list[RejectedEvent]:
    rows = conn.execute(_scoped(
        select(events.c.store_code, events.c.terminal_id, terminals.c.code, events.c.seq,
               events.c.kind, events.c.received_at, events.c.code.label("rejection"),
               events.c.params, events.c.reason, events.c.epoch)
        .join(terminals, terminals.c.id == events.c.terminal_id)
        .where(events.c.status == "rejected")
        .order_by(events.c.store_code, terminals.c.code, events.c.seq), events, store, terminal))  # fmt: skip
    spans: dict[str, list[tuple[int, int]]] = {}
    out = []
    for r in rows:
        if r.terminal_id not in spans:
            spans[r.terminal_id] = superseded_spans(conn, r.terminal_id)
        if not is_superseded(spans[r.terminal_id], r.epoch, r.seq):
            out.append(RejectedEvent(r.store_code, r.terminal_id, r.code, r.seq, r.kind,
                                     r.received_at, r.rejection or "invalid", r.params or {},
                                     r.reason))  # fmt: skip
    return out


def _only_at_hq(conn: Connection, store: str | None, terminal: str | None) -> list[OnlyAtHQ]:
    out = []
    for record, table, amount in (
        ("sale", sales, sales.c.total),
        ("refund", refunds, refunds.c.amount),
    ):
        rows = conn.execute(_scoped(
            select(table.c.store_code, table.c.terminal_id, table.c.receipt_no,
                   table.c.business_date, amount)
            .where(table.c.superseded.is_(True))
            .order_by(table.c.business_date, table.c.receipt_no), table, store, terminal))  # fmt: skip
        out.extend(OnlyAtHQ(r[0], r[1], record, r[2], r[3], r[4]) for r in rows)
    return out


def _unbacked_credits(
    conn: Connection, store: str | None, terminal: str | None
) -> list[UnbackedCredit]:
    """Wallet entries that add money with nothing of their own store behind them. A till
    credits stored value only for a top-up (its `wallet.topup` event, same amounts), a
    refund (its refund row, or one still waiting for its sale) or an opening balance
    imported for one of its store's own members; a chain-wide member may be credited by
    any store, but only so. Entries a rebase superseded are history and left out."""
    w, e, r = wallet_entries, events, refunds
    topup = exists().where(
        e.c.kind == "wallet.topup", e.c.status == "accepted", e.c.aggregate_id == w.c.topup_id,
        e.c.store_code == w.c.store_code,
        e.c.payload["member_id"].as_string() == w.c.member_id,
        e.c.payload["amount"].as_integer() == w.c.principal_delta,
        func.coalesce(e.c.payload["bonus"].as_integer(), 0) == w.c.bonus_delta,
    )  # fmt: skip
    refund = or_(
        exists().where(r.c.id == w.c.refund_id, r.c.store_code == w.c.store_code,
                       r.c.member_id == w.c.member_id, r.c.wallet_principal == w.c.principal_delta,
                       r.c.wallet_bonus == w.c.bonus_delta),
        exists().where(parked_refunds.c.refund_id == w.c.refund_id,
                       parked_refunds.c.store_code == w.c.store_code),
    )  # fmt: skip
    opening = exists().where(members.c.id == w.c.member_id, members.c.store_code == w.c.store_code)
    backed = or_(
        and_(w.c.kind == "topup", topup),
        and_(w.c.kind == "refund", refund),
        and_(w.c.kind == "opening", opening),
    )
    rows = conn.execute(_scoped(
        select(w.c.store_code, w.c.terminal_id, w.c.member_id, w.c.kind, w.c.principal_delta,
               w.c.bonus_delta, w.c.business_date)
        .where(or_(w.c.principal_delta > 0, w.c.bonus_delta > 0), w.c.superseded.is_(False),
               ~backed)
        .order_by(w.c.store_code, w.c.business_date, w.c.terminal_id, w.c.epoch, w.c.seq), w, store, terminal))  # fmt: skip
    return [UnbackedCredit(*row) for row in rows]


def _hand_points(conn: Connection, store: str | None, terminal: str | None) -> list[HandPoints]:
    """Points entries written by hand at a till of one store for a member another store
    issued, and the points it credited such a member with no sale of its own behind them: a
    checkout's or refund's credit needs the store's sale naming the member, a referral bonus
    the store's sale to someone the member referred, and any other credit (a kind no till
    writes) is listed. `store` lists those its tills made and those made to its members.
    Entries a rebase superseded are history and left out."""
    p, m, t, e = points_entries, members, terminals, events
    s, referred = sales.alias("s"), members.alias("referred")
    of_store = (s.c.id == p.c.sale_id, s.c.store_code == p.c.store_code, s.c.superseded.is_(False))
    from_sale = or_(
        and_(p.c.kind.in_(SALE_POINTS_KINDS), exists().where(*of_store, s.c.member_id == p.c.member_id)),
        and_(p.c.kind == "referral", exists().where(
            *of_store, referred.c.id == s.c.member_id,
            referred.c.data["referrer_id"].as_string() == p.c.member_id)),
    )  # fmt: skip
    query = (
        select(p.c.store_code, p.c.terminal_id, t.c.code, p.c.member_id, m.c.store_code,
               m.c.card_no, m.c.name, p.c.kind, p.c.delta, p.c.business_date, e.c.created_at,
               e.c.payload["note"].as_string())
        .join(m, m.c.id == p.c.member_id)
        .join(t, t.c.id == p.c.terminal_id)
        .outerjoin(e, and_(e.c.terminal_id == p.c.terminal_id, e.c.epoch == p.c.epoch,
                           e.c.seq == p.c.seq))
        .where(or_(p.c.kind.in_(HAND_POINTS_KINDS), and_(p.c.delta > 0, ~from_sale)),
               p.c.superseded.is_(False), m.c.store_code != p.c.store_code)
        .order_by(p.c.business_date, p.c.store_code, t.c.code, p.c.epoch, p.c.seq)
    )  # fmt: skip
    if store:
        query = query.where(or_(p.c.store_code == store, m.c.store_code == store))
    if terminal:
        query = query.where(p.c.terminal_id == terminal)
    return [HandPoints(*row[:-1], row[-1] or "") for row in conn.execute(query)]


def _shared_cards(conn: Connection, store: str | None) -> list[SharedCard]:
    """Card numbers carried by live members of more than one store while membership is
    chain-wide. Each store's tills take their own member's card and drop the other's, so a
    card handed over at the other store finds the wrong member or none; one of them needs a
    new card (a replacement at their store's till)."""
    if not read_chain(conn).shared:
        return []
    live = (members.c.status != "cancelled", members.c.superseded.is_(False),
            members.c.card_no != "")  # fmt: skip
    twice = (
        select(members.c.card_no).where(*live).group_by(members.c.card_no)
        .having(func.count(func.distinct(members.c.store_code)) > 1)
    )  # fmt: skip
    rows = conn.execute(
        select(members.c.card_no, members.c.store_code, members.c.phone, members.c.name)
        .where(*live, members.c.card_no.in_(twice))
        .order_by(members.c.card_no, members.c.store_code, members.c.name)
    ).all()  # fmt: skip
    by_card: dict[str, list[tuple[str, str, str]]] = {}
    for card_no, store_code, phone, name in rows:
        by_card.setdefault(card_no, []).append((store_code, mask_phone(phone), name))
    return [SharedCard(card, held) for card, held in by_card.items()
            if store is None or any(s == store for s, _p, _n in held)]  # fmt: skip


def _shared_phones(conn: Connection, store: str | None) -> list[SharedPhone]:
    """Phones held by more than one live member while membership is chain-wide (per store,
    each store's members are its own and may share a number with another store's)."""
    if not read_chain(conn).shared:
        return []
    live = (members.c.phone.is_not(None), members.c.status != "cancelled",
            members.c.superseded.is_(False))  # fmt: skip
    twice = select(members.c.phone).where(*live).group_by(members.c.phone).having(func.count() > 1)
    rows = conn.execute(
        select(members.c.phone, members.c.store_code, members.c.card_no, members.c.name)
        .where(*live, members.c.phone.in_(twice))
        .order_by(members.c.phone, members.c.store_code, members.c.card_no)
    ).all()  # fmt: skip
    by_phone: dict[str, list[tuple[str, str, str]]] = {}
    for phone, store_code, card_no, name in rows:
        by_phone.setdefault(phone, []).append((store_code, card_no, name))
    return [SharedPhone(mask_phone(phone), held) for phone, held in by_phone.items()
            if store is None or any(s == store for s, _c, _n in held)]  # fmt: skip
