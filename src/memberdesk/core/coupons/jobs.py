"""The coupons' daily jobs: expiry, and the birthday coupon. Each is safe to run twice.

Expiry: an outstanding coupon whose last valid day is before today becomes expired (a
ledger row, its outbox row and the status, in batches of short transactions). Birthday:
each active member whose birthday (this year's solar date) is today, or fell on a day
the job did not run since the program began giving one, gets the program's birthday
coupon once a year.

"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..clock import shop_date
from ..loyalty.program_store import current_program
from ..shop.details import shop_info
from ..store.database import Store
from ..store.models import Coupon, Member
from ..store.statements import raw_connection
from ..store.uow import UnitOfWork
from .issue import issue_by_rule, record_event

BATCH = 200  # coupons or members per write transaction: the till waits at most for one


def _today(store: Store) -> date:
    with store.read() as s:
        return shop_date(store.clock.now(), shop_info(s).timezone)


def expire_coupons(store: Store, today: date | None = None) -> int:
    """Expire every outstanding coupon past its last day; returns how many."""
    today = today or _today(store)
    with store.read() as s:
        due = list(s.scalars(select(Coupon.id).where(
            Coupon.status == "outstanding", Coupon.valid_until < today)))  # fmt: skip
    for start in range(0, len(due), BATCH):
        with store.write() as uow:
            store_code = shop_info(uow.session).store_code
            for coupon_id in due[start : start + BATCH]:
                expire_in(uow, coupon_id, today, store_code)
    return len(due)


def expire_in(uow: UnitOfWork, coupon_id: str, today: date, store_code: str) -> None:
    record_event(uow, coupon_id, "expire", today)
    uow.emit("coupon.expired", coupon_id, {"id": coupon_id, "store_code": store_code,
                                           "business_date": today.isoformat()})  # fmt: skip


_GIVEN = (
    "SELECT 1 FROM coupons WHERE member_id = ? AND source = 'birthday' AND issued_at >= ? LIMIT 1"
)


def birthday_coupons(store: Store, today: date | None = None) -> int:
    """The program's birthday coupon to each active member whose birthday is today."""
    today = today or _today(store)
    program = current_program(store).program
    if program.coupons.type(program.coupons.on_birthday) is None:
        return 0
    with store.read() as s:
        due = list(s.scalars(select(Member.id).where(
            Member.birthday_md == today.month * 100 + today.day,
            Member.birthday_md_year == today.year, Member.status == "active")))  # fmt: skip
    given = 0
    # Once a year: a lunar birthday moves by up to a month, never by 300 days.
    since = (today - timedelta(days=300)).isoformat()
    for start in range(0, len(due), BATCH):
        with store.write() as uow:
            conn = raw_connection(uow.session)
            for member_id in due[start : start + BATCH]:
                if conn.execute(_GIVEN, (member_id, since)).fetchone():
                    continue
                if issue_by_rule(uow, program, "birthday", member_id) is not None:
                    given += 1
    return given
