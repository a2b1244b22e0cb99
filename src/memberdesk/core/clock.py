"""The clock port: one source of 'now' for core, fakeable in tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Shanghai"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that only moves when told to (tests, simulations, the demo builder)."""

    at: datetime = field(default_factory=lambda: datetime(2026, 1, 1, 2, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.at

    def advance(self, **kwargs: float) -> None:
        self.at = self.at + timedelta(**kwargs)


def to_utc_naive(moment: datetime) -> datetime:
    """SQLite keeps no zone: we store naive UTC and convert at the edges."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_utc_naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def shop_date(moment: datetime, tz: str = DEFAULT_TZ) -> date:
    """The business date of an instant in the shop's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(tz)).date()


def shop_day_start_utc(day: date, tz: str = DEFAULT_TZ) -> datetime:
    """Midnight of a shop-local day, as naive UTC for queries."""
    local = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz))
    return to_utc_naive(local)
