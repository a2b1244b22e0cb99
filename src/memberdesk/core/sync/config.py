"""Where this terminal syncs to: HQ's address and this terminal's id there (never the token)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..shop.details import read_setting, shop_info, write_setting
from ..shop.staff import SYSTEM, Actor, require
from ..store.database import Store
from ..store.journal import (
    SYNC_SEALED,
    ExecuteFn,
    held_sync_settings,
    sealed_sync_settings,
    sync_as_sealed,
    sync_seal_detail,
)
from ..store.models import OutboxEvent
from ..store.statements import raw_connection
from .errors import SyncError

K_URL, K_TERMINAL = "sync.url", "sync.terminal_id"


K_SUCCESS, K_ATTEMPT, K_ERROR, K_ONLINE = (
    "sync.last_success_at",
    "sync.last_attempt_at",
    "sync.last_error",
    "sync.online",
)


K_HQ_SEQ, K_RECONCILE, K_MISMATCHES = "sync.hq_last_seq", "sync.reconcile", "sync.mismatch_days"


# Where the till syncs to is sealed in the audit log (core/store/journal.py, SYNC_SEALED):
# the till syncs only to the address last sealed so, and `memberdesk check` names another.
def _session_execute(session: Session) -> ExecuteFn:
    dbapi = raw_connection(session)
    return lambda sql, params: dbapi.execute(sql, params)


def require_sealed_target(store: Store, transport: object = None) -> None:
    """Refuse to talk to head office when the address or terminal id the file holds is not
    the one last set at this till, or `transport` goes elsewhere than that address: nothing
    is sent, and nothing a head office answers reaches the file."""
    with store.read() as s:
        execute = _session_execute(s)
        held, sealed = held_sync_settings(execute), sealed_sync_settings(execute)
    if not sync_as_sealed(held, sealed):
        raise SyncError("sync.unsealed", url=str(held[0] or "-"))
    url = getattr(transport, "base_url", None)
    if sealed is not None and isinstance(url, str) and url.rstrip("/") != sealed[0]:
        raise SyncError("sync.unsealed", url=url)


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
        raise SyncError("sync.terminal_required")
    with store.write() as uow:
        sealed = sealed_sync_settings(_session_execute(uow.session))
        # The terminal id this till last set (one written into the file does not count).
        old = sealed[1] if sealed is not None else read_setting(uow.session, K_TERMINAL)
        if old and old != terminal_id and not force:
            sent = uow.session.scalar(
                select(OutboxEvent.seq).where(OutboxEvent.state.in_(("acked", "rejected"))).limit(1)
            )
            if sent is not None:
                raise SyncError("sync.terminal_changed", old=old, new=terminal_id)
        write_setting(uow.session, K_URL, url)
        write_setting(uow.session, K_TERMINAL, terminal_id)
        who = actor or SYSTEM
        uow.audit(SYNC_SEALED, staff_id=who.staff_id, staff_name=who.name, target=url,
                  detail=sync_seal_detail(url, terminal_id),
                  authorised_by=authoriser.name if authoriser is not None else None)  # fmt: skip
        uow.touched("sync.configured")
        return SyncConfig(url, terminal_id, shop_info(uow.session).store_code)


def sync_config(store: Store) -> SyncConfig | None:
    with store.read() as s:
        url, terminal = read_setting(s, K_URL), read_setting(s, K_TERMINAL)
        if not url or not terminal:
            return None
        return SyncConfig(url, terminal, shop_info(s).store_code)
