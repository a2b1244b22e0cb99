"""The shop's shift-close setting: the difference above which a close needs a note."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..errors import DomainError
from ..i18n import N_
from ..money import MAX_FEN, whole
from ..shop.details import read_setting, write_setting
from ..shop.staff import Actor, require
from ..store.database import Store

# A difference between the cash counted and the cash expected above this needs a note.
DEFAULT_NOTE_THRESHOLD = 1000  # fen: ¥10
K_NOTE_THRESHOLD = "shift.note_threshold"


def note_threshold(store: Store) -> int:
    """The difference (fen) above which a shift close needs a note."""
    with store.read() as s:
        return threshold_in(s)


def threshold_in(session: Session) -> int:
    value = read_setting(session, K_NOTE_THRESHOLD)
    return DEFAULT_NOTE_THRESHOLD if not isinstance(value, int) else value


def set_note_threshold(
    store: Store, actor: Actor, fen: int, *, authoriser: Actor | None = None
) -> int:
    """Set the difference above which a shift close needs a note (a manager's or owner's)."""
    whole(fen, N_("the difference that needs a note"), limit=MAX_FEN)
    if fen < 0:
        raise DomainError("amount.negative")
    allowed = require(actor, "shift_settings", authoriser)
    with store.write() as uow:
        old = threshold_in(uow.session)
        write_setting(uow.session, K_NOTE_THRESHOLD, fen)
        uow.audit("shift.note_threshold", staff_id=actor.staff_id, staff_name=actor.name,
                  authorised_by=allowed.name if allowed is not actor else None,
                  detail={"from": old, "to": fen})  # fmt: skip
        uow.emit("shop.configured", read_setting(uow.session, "shop.terminal_id") or "",
                 {"shift_note_threshold": fen})  # fmt: skip
        return fen
