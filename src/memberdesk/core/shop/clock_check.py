"""Is this till's clock right? Checked against the last time HQ told it.

A sale is booked on the business day of the till's clock. A clock days ahead or
weeks behind books a whole day's takings on the wrong day, and HQ can only list it
afterwards. So each handshake records how far the till's clock was from HQ's and
the latest time HQ gave; a sale (or refund, top-up, cash-out or top-up reversal) is
refused while the last measured offset is beyond the tolerance, or while the clock
reads earlier than a time HQ has already given (it was set back). Offline, the last measurement stands:
a clock set right again is cleared by the next sync. A till that never synced has
nothing to compare with and is not held back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ..errors import DomainError
from ..store.statements import raw_connection
from .details import shop_info, write_setting

K_CLOCK = "sync.clock"
_READ = "SELECT value FROM settings WHERE key = ?"
TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class ClockReading:
    offset_s: float  # HQ's time minus the till's, at the last handshake
    hq_seen: datetime  # the latest time HQ gave (UTC)
    limit_s: float

    @property
    def off(self) -> bool:
        return abs(self.offset_s) > self.limit_s


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def record_hq_time(
    session: Session, server: datetime, local: datetime, tolerance: timedelta = TOLERANCE
) -> ClockReading:
    """Note HQ's time `server` as seen when the till's clock read `local`."""
    server, local = _utc(server), _utc(local)
    previous = last_reading(session)
    seen = server if previous is None else max(server, previous.hq_seen)
    reading = ClockReading((server - local).total_seconds(), seen, tolerance.total_seconds())
    write_setting(
        session, K_CLOCK,
        {"offset_s": reading.offset_s, "hq_seen": seen.isoformat(), "limit_s": reading.limit_s},
    )  # fmt: skip
    session.flush()  # read back with a plain statement
    return reading


def last_reading(session: Session) -> ClockReading | None:
    # A plain statement: every sale asks.
    row = raw_connection(session).execute(_READ, (K_CLOCK,)).fetchone()
    stored = json.loads(row[0]) if row is not None and isinstance(row[0], str) else None
    if not isinstance(stored, dict):
        return None
    try:
        return ClockReading(
            float(stored["offset_s"]), _utc(datetime.fromisoformat(stored["hq_seen"])),
            float(stored.get("limit_s", TOLERANCE.total_seconds())),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError):
        return None


def require_clock_right(session: Session, machine_now: datetime | None = None) -> None:
    """Refuse money moving on a clock HQ found wrong (see the module's note).

    Compared is the computer's own clock (`machine_now`, the system clock unless given),
    the one each handshake measured — not a business clock a simulation may set.
    """
    reading = last_reading(session)
    if reading is None:
        return
    if reading.off:
        raise DomainError(
            "clock.off",
            minutes=round(abs(reading.offset_s) / 60),
            limit=round(reading.limit_s / 60),
        )
    now = _utc(machine_now or datetime.now(UTC))
    if now < reading.hq_seen - timedelta(seconds=reading.limit_s):
        tz = ZoneInfo(shop_info(session).timezone)
        raise DomainError(
            "clock.behind", now=now.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            seen=reading.hq_seen.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        )  # fmt: skip


def clock_problem(session: Session) -> DomainError | None:
    """Why sales are refused for the clock right now, or None (for the status bar's warning)."""
    try:
        require_clock_right(session)
    except DomainError as exc:
        return exc
    return None
