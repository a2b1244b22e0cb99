"""Where this terminal syncs to: HQ's address and this terminal's id there (never the token)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..shop.details import read_setting, shop_info, write_setting
from ..shop.staff import Actor, require
from ..store.database import Store
from ..store.models import OutboxEvent
from .errors import SyncError

K_URL, K_TERMINAL = "sync.url", "sync.terminal_id"


K_SUCCESS, K_ATTEMPT, K_ERROR, K_ONLINE = (
    "sync.last_success_at",
    "sync.last_attempt_at",
    "sync.last_error",
    "sync.online",
)


K_HQ_SEQ, K_RECONCILE, K_MISMATCHES = "sync.hq_last_seq", "sync.reconcile", "sync.mismatch_days"


@dataclass(frozen=True)
class SyncConfig:
    url: str
    terminal_id: str
    store_code: str


def configure_sync(
    store: Store,
    url: str,
    terminal_id: str,
    *,
    force: bool = False,
    actor: Actor | None = None,
    authoriser: Actor | None = None,
) -> SyncConfig:
    """Remember HQ's address and this terminal's id at HQ (never the token).

    Changing the terminal id of a terminal that has already synced is refused unless
    `force`: HQ would see a new terminal and every record would be sent again.
    `actor`: the staff member at the window (a manager or the owner, or authorised by
    one: every record of the shop goes where this says); None for the command line.
    """
    if actor is not None:
        require(actor, "shop_settings", authoriser)
    url = url.strip().rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise SyncError("sync.bad_url", url=url)
    terminal_id = terminal_id.strip()
    if not terminal_id:
        raise SyncError("sync.not_configured")
    with store.write() as uow:
        old = read_setting(uow.session, K_TERMINAL)
        if old and old != terminal_id and not force:
            sent = uow.session.scalar(
                select(OutboxEvent.seq).where(OutboxEvent.state.in_(("acked", "rejected"))).limit(1)
            )
            if sent is not None:
                raise SyncError("sync.terminal_changed", old=old, new=terminal_id)
        write_setting(uow.session, K_URL, url)
        write_setting(uow.session, K_TERMINAL, terminal_id)
        uow.touched("sync.configured")
        return SyncConfig(url, terminal_id, shop_info(uow.session).store_code)


def sync_config(store: Store) -> SyncConfig | None:
    with store.read() as s:
        url, terminal = read_setting(s, K_URL), read_setting(s, K_TERMINAL)
        if not url or not terminal:
            return None
        return SyncConfig(url, terminal, shop_info(s).store_code)
