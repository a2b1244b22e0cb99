"""What every view shares: the store, who is logged in, their shift, the worker.

Core operations return plain results; the view runs one through `ui.ops.run_op`,
which emits `changed` with what the operation's transactions changed, and this one
signal is how the other views learn to refresh (no ad-hoc signals between views).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Signal

from ..core.errors import DomainError
from ..core.loyalty.program import ProgramInvalid
from ..core.shop.details import get_shop
from ..core.shop.staff import Actor
from ..core.store.database import Store
from .i18n import core_lang, tr
from .worker import JobRunner

log = logging.getLogger(__name__)

# Topics a change can touch; views subscribe to the ones they show.
MEMBERS, SALES, SHIFT, PROGRAM, STAFF, SHOP, WALLET, POINTS = (
    "members", "sales", "shift", "program", "staff", "shop", "wallet", "points",
)  # fmt: skip
ITEMS = "items"  # the product catalogue
HELD = "held"  # the sales put aside at the till
COUPONS = "coupons"  # coupons issued, redeemed, given back or expired


@dataclass(frozen=True)
class Change:
    topics: frozenset[str]
    member_ids: frozenset[str] = frozenset()

    def touches(self, member_id: str) -> bool:
        """Whether this change is about the member `member_id`."""
        return member_id in self.member_ids


@dataclass
class Login:
    actor: Actor
    shift_id: str | None = None
    preview: bool = False  # a rendered screenshot: the till is shown, nothing is ever sold


class AppContext(QObject):
    changed = Signal(object)  # Change
    session_changed = Signal()  # login, logout, shift opened or closed

    def __init__(self, store: Store, lang: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.lang = lang
        self.session: Login | None = None
        self.jobs = JobRunner(self)

    # ------------------------------------------------------------------ who
    @property
    def actor(self) -> Actor:
        assert self.session is not None, "nobody is logged in"
        return self.session.actor

    @property
    def shift_id(self) -> str | None:
        return self.session.shift_id if self.session else None

    @property
    def shift_open(self) -> bool:
        """Whether the till may ring up sales: only inside an open shift."""
        session = self.session
        return session is not None and (session.shift_id is not None or session.preview)

    def log_in(self, actor: Actor, shift_id: str | None, *, preview: bool = False) -> None:
        self.session = Login(actor, shift_id, preview=preview)
        self.session_changed.emit()

    def log_out(self) -> None:
        self.session = None
        self.session_changed.emit()

    def switch_store(self, store: Store) -> None:
        """Work on another file from now on (the demo shop's, chosen at the first start)."""
        self.session = None
        self.store = store
        self.session_changed.emit()

    def set_shift(self, shift_id: str | None) -> None:
        if self.session is not None:
            self.session.shift_id = shift_id
            self.session_changed.emit()

    # ------------------------------------------------------------------ time
    def shop_time(self, naive_utc: datetime) -> datetime:
        """A stored moment (naive UTC) as the shop's wall clock shows it."""
        tz = ZoneInfo(get_shop(self.store).timezone)
        return naive_utc.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)

    # ------------------------------------------------------------------ words
    @property
    def core_lang(self) -> str:
        return core_lang(self.lang)

    def explain(self, exc: BaseException) -> str:
        """One line a cashier can act on; the cause goes to the log."""
        if isinstance(exc, DomainError):
            return exc.message(self.core_lang)
        if isinstance(exc, ProgramInvalid):
            return exc.message(self.core_lang)
        log.error("unexpected error", exc_info=exc)
        return tr("Something went wrong: %1 (details are in the log)").replace(
            "%1", f"{type(exc).__name__}: {exc}"
        )

    def shutdown(self) -> None:
        self.jobs.shutdown()
