"""Jobs that run at start and daily. Each is idempotent: a second run changes nothing.

- points expiry: lots earned before the cutoff that redemptions have not used up
  expire (core/loyalty/lots.py: a refund takes back the very points it reverses, and
  points it hands back keep their earning dates); replayed from the ledger, so
  re-running finds nothing left;
- tier review: upgrades happen at the till; on each review date of the program
  (1st of the month / quarter / year) the window that has just ENDED decides, and a
  member whose spend no longer reaches their tier is moved down, only if the program
  says so and never below what the current window already earns; locked tiers stay;
- count cards: a card whose validity is over loses its unused visits (till/count_cards.py);
- coupons (core/coupons/jobs.py): expiry, and the birthday coupon;
- birthday refresh: this year's solar date of every lunar birthday (the birthday
  privilege itself is counted per birthday, in the period of each occurrence, so it
  resets by itself).

They run when the window opens and again when the shop's day turns while it stays open
(`business_day`): many tills are never closed at night.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from sqlalchemy import Row, Select, case, func, select
from sqlalchemy.orm import Session

from ..clock import shop_date
from ..coupons.jobs import birthday_coupons, expire_coupons
from ..i18n import N_, translate
from ..loyalty.expiry import EXPIRY_DONE
from ..loyalty.ledger import post_points
from ..loyalty.lots import Entry, replay
from ..loyalty.pricing import (
    expiry_cutoff,
    next_review_date,
    tier_after_sale,
    tier_at_review,
    tier_window_start,
)
from ..loyalty.program import Program
from ..loyalty.program_store import ensure_program
from ..members.member import change_tier, not_in_year, refresh_birthday_md
from ..shop.details import read_setting, shop_info, write_setting
from ..store.database import Store
from ..store.models import Member, PointsEntry, Sale
from ..store.statements import raw_connection
from ..store.uow import UnitOfWork
from ..till.count_cards import expire_count_cards

EXPIRY_BATCH = 200  # members per write transaction: the till waits at most for one


REVIEW_BATCH = 200  # likewise for the tier review


BIRTHDAY_BATCH = 500  # and for the birthdays moved to a new year


LAST_REVIEW = "jobs.tier_review.last"


def business_day(store: Store) -> date:
    """The shop's date now, on its clock and in its timezone: the day the jobs ran for."""
    with store.read() as s:
        return shop_date(store.clock.now(), shop_info(s).timezone)


EXPIRED_UP_TO = EXPIRY_DONE  # the cutoff the expiry job last cleared every member's lots to


@dataclass(frozen=True)
class JobReport:
    expired_members: int = 0
    expired_points: int = 0
    tiers_changed: int = 0
    birthdays_refreshed: int = 0
    expired_count_cards: int = 0  # cards whose validity ended with visits left
    expired_visits: int = 0
    coupons_expired: int = 0
    birthday_coupons: int = 0


def _today(store: Store) -> date:
    with store.read() as s:
        return shop_date(store.clock.now(), shop_info(s).timezone)


_ENTRIES = "SELECT member_id, kind, delta, business_date, sale_id, refund_id FROM points_ledger"


def _scan(cutoff: date) -> Select:
    """One pass over the ledger: the members holding points who may hold lots older than
    `cutoff`, and whether a refund ever touched their points.

    Without a refund, lots are made in date order and every negative entry takes the
    oldest first, so the old lots' points left are exactly those added before the cutoff
    less every point taken since: no replay is needed. A member whose points a refund
    touched and who added points before the cutoff is replayed."""
    old = func.sum(
        case(
            ((PointsEntry.delta > 0) & (PointsEntry.business_date < cutoff), PointsEntry.delta),
            else_=0,
        )
    )
    taken = func.sum(case((PointsEntry.delta < 0, -PointsEntry.delta), else_=0))
    refunded = func.max(PointsEntry.refund_id.is_not(None))
    return (
        select(PointsEntry.member_id, refunded.label("refunded"))
        .join(Member, Member.id == PointsEntry.member_id)
        .where(Member.points > 0)
        .group_by(PointsEntry.member_id)
        .having(((refunded == 0) & (old - taken > 0)) | ((refunded == 1) & (old > 0)))
    )


def _entries(rows: Iterable[Row]) -> Iterator[tuple[str, list[Entry]]]:
    """(member id, their entries in ledger order) from rows ordered by member, then rowid."""
    for member_id, group in groupby(rows, key=lambda r: r[0]):
        yield member_id, [Entry(r[1], r[2], _as_date(r[3]), r[4], r[5]) for r in group]


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _due(session: Session, cutoff: date, member_id: str) -> int:
    """Points of one member in lots earned before `cutoff` (their ledger replayed)."""
    rows = session.connection().exec_driver_sql(
        _ENTRIES + " WHERE member_id = ? ORDER BY rowid", (member_id,)
    )
    return sum(replay(entries).due_before(cutoff) for _, entries in _entries(rows))


def _due_members(session: Session, cutoff: date) -> list[str]:
    """Every member holding points in lots earned before `cutoff` (one pass over the ledger;
    the members whose points a refund touched are replayed, REPLAY_CHUNK at a time)."""
    found, replayed = [], []
    for member_id, refunded in session.connection().execute(_scan(cutoff)).all():
        (replayed if refunded else found).append(member_id)
    raw = raw_connection(session)  # a hundred thousand rows: sqlite3's own cursor
    for start in range(0, len(replayed), REPLAY_CHUNK):
        chunk = replayed[start : start + REPLAY_CHUNK]
        rows = raw.execute(
            f"{_ENTRIES} WHERE member_id IN ({', '.join('?' * len(chunk))})"
            " ORDER BY member_id, rowid",
            tuple(chunk),
        )
        found += [m for m, entries in _entries(rows) if replay(entries).due_before(cutoff) > 0]
    return found


REPLAY_CHUNK = 500  # members per statement (SQLite takes up to 32,766 parameters)


def expire_points(store: Store, today: date | None = None) -> tuple[int, int]:
    """Expire lots past their date; returns (members touched, points expired).

    Lots are replayed from each member's ledger (core/loyalty/lots.py): only redemptions
    and expiries use up the oldest points, a refund reverses the very entries it
    reverses, and redeemed points a refund returns keep their earning dates.

    The scan runs in a read transaction, so the till keeps selling while it runs. Each
    member found is then replayed again, from their own entries, in short write
    transactions: a sale made meanwhile is counted.
    """
    today = today or _today(store)
    with store.write() as uow:
        program = ensure_program(uow).program
        lang = shop_info(uow.session).language
    cutoff = expiry_cutoff(program, today)
    if cutoff is None:
        return 0, 0
    note = translate(N_("points earned before {date} expired"), lang, date=f"{cutoff:%Y-%m-%d}")
    with store.read() as s:  # streamed: on a clearing date nearly every member is due
        found = _due_members(s, cutoff)
    members = total = 0
    for start in range(0, len(found), EXPIRY_BATCH):
        with store.write() as uow:
            for member_id in found[start : start + EXPIRY_BATCH]:
                member = uow.session.get(Member, member_id)
                if member is None:
                    continue
                amount = min(_due(uow.session, cutoff, member_id), member.points)
                if amount <= 0:
                    continue
                post_points(uow, member, -amount, "expire", today, note=note)
                members += 1
                total += amount
    with store.write() as uow:  # every lot before the cutoff cleared: the till need not look
        write_setting(uow.session, EXPIRED_UP_TO, cutoff.isoformat())
    return members, total


def _spend(start: date | None, before: date | None) -> Select:
    """Each member's spend (after refunds) in sales from `start` to before `before` (None: open)."""
    q = select(Sale.member_id, func.sum(Sale.total - Sale.refunded_total)).where(
        Sale.member_id.is_not(None)
    )
    if start is not None:
        q = q.where(Sale.business_date >= start)
    if before is not None:
        q = q.where(Sale.business_date < before)
    return q.group_by(Sale.member_id)


def _review_spend(
    session: Session, program: Program, today: date, members: list[str] | None = None
) -> tuple[dict[str, int], dict[str, int]]:
    """(spend in the window that ended yesterday, spend in the current window) by member.

    Every member's, or only those in `members`.
    """
    session.flush()  # the sums are read past the session, on its connection
    windows = (
        (tier_window_start(program, today - timedelta(days=1)), today),
        (tier_window_start(program, today), None),
    )
    spend = []
    for start, before in windows:
        q = _spend(start, before)
        if members is not None:
            q = q.where(Sale.member_id.in_(members))
        spend.append({m: int(v or 0) for m, v in session.connection().execute(q)})
    return spend[0], spend[1]


def _reviewed_tier(program: Program, tier: str, ended: int, current: int) -> str:
    """The tier an unlocked member holding `tier` has after the review.

    `ended`: spend in the window that has just ended; `current`: in the window now open.
    """
    held = tier if program.tier(tier) is not None else program.tiers.levels[0].code
    target = tier_at_review(program, held, False, ended)
    return tier_after_sale(program, target, False, current)


def _review_members(uow: UnitOfWork, member_ids: list[str], today: date) -> int:
    """Review `member_ids` again from their current row and sales; returns how many moved."""
    program = ensure_program(uow).program
    ended, current = _review_spend(uow.session, program, today, member_ids)
    found = {m.id: m for m in uow.session.scalars(select(Member).where(Member.id.in_(member_ids)))}
    moved = 0
    for member_id in member_ids:
        member = found.get(member_id)
        if member is None or member.status == "cancelled" or member.tier_locked:
            continue
        spend = ended.get(member_id, 0), current.get(member_id, 0)
        target = _reviewed_tier(program, member.tier, *spend)
        if target != member.tier:
            change_tier(uow, member, target, "review")
            moved += 1
    return moved


def review_tiers(store: Store, today: date | None = None) -> int:
    """The tier review held on `today`: the window as it stood YESTERDAY decides.

    On 1 April a quarterly review looks at January–March, not at the new quarter that
    has no sales yet. Down only if the program says so, and never below the tier the
    current window (every sale since it began, also those made after a late-run review
    date) already earns at the till; a locked tier never moves. Returns how many moved.

    The spend of every member is summed in a read transaction, so the till keeps selling
    while it runs (at 2M sales it takes seconds). Each member whose tier would change is
    then reviewed again, from their own row and sales, in short write transactions of
    REVIEW_BATCH members: a sale or refund made meanwhile is counted, and a tier locked
    or set by hand, or a card cancelled, meanwhile is respected. The review date is
    recorded last, so a review cut short is held again in full by the next run.
    """
    today = today or _today(store)
    with store.write() as uow:
        program = ensure_program(uow).program
    with store.read() as s:
        ended, current = _review_spend(s, program, today)
        # Streamed from the cursor: the session would buffer every member's row first
        # (400 MB at a million members).
        rows = s.connection().execute(
            select(Member.id, Member.tier, Member.tier_locked).where(Member.status != "cancelled")
        )
        movers = []
        for member_id, tier, locked in rows:
            spend = ended.get(member_id, 0), current.get(member_id, 0)
            if not locked and _reviewed_tier(program, tier, *spend) != tier:
                movers.append(member_id)
    changed = 0
    for start in range(0, len(movers), REVIEW_BATCH):
        with store.write() as uow:
            changed += _review_members(uow, movers[start : start + REVIEW_BATCH], today)
    with store.write() as uow:
        write_setting(uow.session, LAST_REVIEW, today.isoformat())
    return changed


def review_due(store: Store, today: date) -> date | None:
    """The latest review date reached since the last review (None: not yet).

    The first run on a shop only starts the count: it must not downgrade every
    (imported) member on the day the program is switched on.
    """
    with store.write() as uow:
        program = ensure_program(uow).program
        last = read_setting(uow.session, LAST_REVIEW)
        if last is None:
            write_setting(uow.session, LAST_REVIEW, today.isoformat())
            return None
        due, upcoming = None, next_review_date(program, date.fromisoformat(str(last)))
        while upcoming <= today:
            due, upcoming = upcoming, next_review_date(program, upcoming)
        return due


def refresh_birthdays(store: Store, today: date | None = None) -> int:
    """Move every member's birthday month-day (birthday_md) to this year: lunar birthdays
    fall on another solar date every year. On 1 January that is every member with a
    birthday, so they are found in a read transaction and moved BIRTHDAY_BATCH members
    per write transaction, as expiry does."""
    today = today or _today(store)
    with store.read() as s:  # streamed: on 1 January that is every member with a birthday
        stale = list(s.connection().scalars(
            select(Member.id).where(Member.birthday.is_not(None), not_in_year(today.year))
        ))  # fmt: skip
    for start in range(0, len(stale), BIRTHDAY_BATCH):
        with store.write() as uow:
            for member in uow.session.scalars(
                select(Member).where(Member.id.in_(stale[start : start + BIRTHDAY_BATCH]))
            ):
                refresh_birthday_md(member, today.year)
    return len(stale)


def run_daily_jobs(store: Store, today: date | None = None) -> JobReport:
    today = today or _today(store)
    members, points = expire_points(store, today)
    due = review_due(store, today)
    tiers = review_tiers(store, due) if due is not None else 0
    cards, visits = expire_count_cards(store, today)
    return JobReport(
        members,
        points,
        tiers,
        refresh_birthdays(store, today),
        cards,
        visits,
        expire_coupons(store, today),
        birthday_coupons(store, today),
    )
