"""Stores and terminals: provisioning, identity, tokens, revocation.

A terminal's token is 32 random bytes shown once when the terminal is added;
HQ keeps only its SHA-256 (a random token needs no slow hash: there is nothing
to guess from it) and finds the terminal by that hash.

A terminal's identity is (store code, terminal code, card prefix). The terminal code
(two digits) is unique in its store, so receipt numbers `{store}-{code}-…` are unique
in the chain; the card prefix is unique in the chain and never a prefix of another
terminal's, so generated card numbers are too. Both are kept for revoked terminals:
numbers with them are already out in the world.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, Engine, bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError

from ..core.errors import DomainError, message_id
from ..core.i18n import N_
from .db import writer
from .models import stores, terminals

TOKEN_PREFIX = "mdt_"
CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
TERMINAL_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
TERMINAL_CODE = re.compile(r"^(?!00)[0-9]{2}$")
# A generated card number is prefix + 7-digit sequence + check digit, at most 20 characters.
# As a till takes it (core/shop/identity.py): no leading 0 and at most 6 digits, so the
# prefix is one number (a coupon's serial carries it as an integer of 24 bits: "080" and
# "80" would be one serial) and a card number stays within 20 characters.
CARD_PREFIX = re.compile(r"^[1-9][0-9]{1,5}$")
DEFAULT_PREFIXES = [f"8{n:03d}" for n in range(1, 1000)]  # 8001 … 8999
# Any constant: serialises concurrent provisioning on PostgreSQL (prefixes must not overlap).
PROVISION_LOCK = 0x6D64_7072

# HQ's own refusals, beside core's (core/errors.py MESSAGES).
HQ_MESSAGES = {
    "hq.terminal_code_invalid": N_("invalid terminal code “{code}”: two digits, 01–99"),
    "hq.terminal_code_taken": N_(
        "store {store} already has terminal {terminal} with code {code}; choose another code"
    ),
    "hq.no_free_code": N_("store {store} has no free terminal code left"),
    "hq.card_prefix_invalid": N_("invalid card prefix “{prefix}”: 2–6 digits, not starting with 0"),
    "hq.card_prefix_taken": N_(
        "card prefix {prefix} overlaps {other} of terminal {terminal}: their card numbers could collide"
    ),
    "hq.no_free_prefix": N_("no card prefix 8001–8999 is free; give one with --card-prefix"),
    "hq.store_unknown": N_("HQ has no store {code}"),
    "hq.terminal_of_other_store": N_("terminal {terminal} is store {owner}'s, not store {store}'s"),
    "hq.not_diverged": N_("terminal {terminal} has not diverged; there is nothing to rebase"),
    "hq.terminal_already_revoked": N_(
        "terminal {terminal} was already revoked at {when}; nothing changed"
    ),
}


class ProvisionError(DomainError):
    """A refusal of an admin command (its text in the catalogue, as every refusal's)."""

    @property
    def msgid(self) -> str:
        return HQ_MESSAGES.get(self.code) or message_id(self.code)


@dataclass(frozen=True)
class TerminalInfo:
    id: str
    store_code: str
    name: str
    created_at: datetime
    revoked_at: datetime | None
    last_seq: int
    last_seen_at: datetime | None
    code: str
    card_prefix: str
    epoch: int
    diverged_seq: int | None
    clock_offset_s: int | None


@dataclass(frozen=True)
class NewTerminal:
    id: str
    store_code: str
    token: str  # shown once, never stored
    code: str = ""
    card_prefix: str = ""
    epoch: int = 1


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def store_zone(name: str) -> tzinfo:
    """A store's time zone (checked at add-store; UTC should one ever not be known here)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local_time(moment: datetime, zone: tzinfo) -> str:
    """A time HQ keeps (naive UTC) as the store's clock read it: what its people and its
    tills' screens show, never eight hours off for Shanghai."""
    return moment.replace(tzinfo=UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def add_store(engine: Engine, code: str, name: str = "", timezone: str = "Asia/Shanghai") -> None:
    if not CODE.match(code):
        raise ProvisionError("hq.store_code_invalid", code=code)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ProvisionError("timezone.invalid", tz=timezone) from exc
    try:
        with writer(engine).begin() as conn:
            conn.execute(
                stores.insert().values(code=code, name=name, timezone=timezone, created_at=_now())
            )
    except IntegrityError as exc:
        raise ProvisionError("hq.store_exists", code=code) from exc


def add_terminal(
    engine: Engine, store_code: str, *, terminal_id: str | None = None, name: str = "",
    code: str | None = None, card_prefix: str | None = None,
) -> NewTerminal:  # fmt: skip
    """Provision a terminal: its code (next free in the store, or `code`) and card prefix
    (next free 8NNN, or `card_prefix`) are checked against every other terminal's."""
    terminal_id = terminal_id or str(uuid.uuid4())
    if not TERMINAL_ID.match(terminal_id):
        raise ProvisionError("hq.terminal_id_invalid", terminal=terminal_id)
    if code is not None and not TERMINAL_CODE.match(code):
        raise ProvisionError("hq.terminal_code_invalid", code=code)
    if card_prefix is not None and not CARD_PREFIX.match(card_prefix):
        raise ProvisionError("hq.card_prefix_invalid", prefix=card_prefix)
    token = new_token()
    with writer(engine).begin() as conn:  # IMMEDIATE on SQLite, a lock on PostgreSQL: one at a time
        _lock(conn)
        if conn.scalar(select(stores.c.code).where(stores.c.code == store_code)) is None:
            raise ProvisionError("hq.store_missing", code=store_code)
        if conn.scalar(select(terminals.c.id).where(terminals.c.id == terminal_id)):
            raise ProvisionError("hq.terminal_exists", terminal=terminal_id)
        code = _terminal_code(conn, store_code, code)
        card_prefix = _card_prefix(conn, card_prefix)
        conn.execute(
            terminals.insert().values(
                id=terminal_id, store_code=store_code, name=name, token_hash=hash_token(token),
                created_at=_now(), last_seq=0, code=code, card_prefix=card_prefix, epoch=1,
            )
        )  # fmt: skip
    return NewTerminal(terminal_id, store_code, token, code, card_prefix)


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PROVISION_LOCK})


def _terminal_code(conn: Connection, store_code: str, wanted: str | None) -> str:
    taken = dict(
        conn.execute(
            select(terminals.c.code, terminals.c.id).where(terminals.c.store_code == store_code)
        ).all()
    )
    if wanted is not None:
        if wanted in taken:
            raise ProvisionError("hq.terminal_code_taken", store=store_code, code=wanted,
                                 terminal=taken[wanted])  # fmt: skip
        return wanted
    free = next((f"{n:02d}" for n in range(1, 100) if f"{n:02d}" not in taken), None)
    if free is None:
        raise ProvisionError("hq.no_free_code", store=store_code)
    return free


def _overlap(a: str, b: str) -> bool:
    """Whether numbers made with prefixes `a` and `b` could ever be the same."""
    return a.startswith(b) or b.startswith(a)


def _card_prefix(conn: Connection, wanted: str | None) -> str:
    taken = dict(conn.execute(select(terminals.c.card_prefix, terminals.c.id)).all())
    if wanted is not None:
        for other, holder in taken.items():
            if _overlap(wanted, other):
                raise ProvisionError("hq.card_prefix_taken", prefix=wanted, other=other,
                                     terminal=holder)  # fmt: skip
        return wanted
    for candidate in DEFAULT_PREFIXES:
        if not any(_overlap(candidate, other) for other in taken):
            return candidate
    raise ProvisionError("hq.no_free_prefix")


def revoke_terminal(engine: Engine, terminal_id: str) -> None:
    """Revoke a terminal's token; one revoked already is a refusal naming when (nothing
    changes: its first revocation time stays)."""
    with writer(engine).begin() as conn:
        done = conn.execute(
            update(terminals)
            .where(terminals.c.id == terminal_id, terminals.c.revoked_at.is_(None))
            .values(revoked_at=_now())
        ).rowcount
        if not done:
            found = conn.execute(
                select(terminals.c.id, terminals.c.revoked_at, stores.c.timezone)
                .join(stores, stores.c.code == terminals.c.store_code)
                .where(terminals.c.id == terminal_id)
            ).first()
            if found is None:
                raise ProvisionError("hq.terminal_missing", terminal=terminal_id)
            when = local_time(found.revoked_at, store_zone(found.timezone))
            raise ProvisionError("hq.terminal_already_revoked", terminal=terminal_id, when=when)


def new_token_for(engine: Engine, terminal_id: str) -> NewTerminal:
    """Issue a fresh token for a terminal (the old one stops working; a revoked terminal is live again)."""
    token = new_token()
    with writer(engine).begin() as conn:
        store_code = conn.scalar(
            select(terminals.c.store_code).where(terminals.c.id == terminal_id)
        )
        if store_code is None:
            raise ProvisionError("hq.terminal_missing", terminal=terminal_id)
        conn.execute(
            update(terminals)
            .where(terminals.c.id == terminal_id)
            .values(token_hash=hash_token(token), revoked_at=None)
        )
        code, prefix, epoch = conn.execute(
            select(terminals.c.code, terminals.c.card_prefix, terminals.c.epoch).where(
                terminals.c.id == terminal_id
            )
        ).one()
    return NewTerminal(terminal_id, store_code, token, code, prefix, epoch)


def till_names(conn: Connection) -> dict[str, str]:
    """How each terminal is named to the operator, by id: its label (store code, a dash,
    terminal code: S002-01), unique in the chain, which every command takes as well as the
    id. Only a label that is another terminal's id (given with add-terminal --id) would
    name that other one to a command: such a terminal is named by its own id instead."""
    rows = conn.execute(select(terminals.c.id, terminals.c.store_code, terminals.c.code)).all()
    ids = {r.id for r in rows}
    return {
        r.id: label if label == r.id or label not in ids else r.id
        for r in rows
        for label in (f"{r.store_code}-{r.code}",)
    }


def till_name(conn: Connection, terminal_id: str) -> str:
    """The name `till_names` gives one terminal (the id itself for one HQ does not hold)."""
    row = conn.execute(
        select(terminals.c.store_code, terminals.c.code).where(terminals.c.id == terminal_id)
    ).first()
    if row is None:
        return terminal_id
    label = f"{row.store_code}-{row.code}"
    taken = label != terminal_id and conn.scalar(
        select(terminals.c.id).where(terminals.c.id == label)
    )
    return terminal_id if taken else label


def list_terminals(engine: Engine, store_code: str | None = None) -> list[TerminalInfo]:
    q = select(
        terminals.c.id, terminals.c.store_code, terminals.c.name, terminals.c.created_at,
        terminals.c.revoked_at, terminals.c.last_seq, terminals.c.last_seen_at,
        terminals.c.code, terminals.c.card_prefix, terminals.c.epoch, terminals.c.diverged_seq,
        terminals.c.clock_offset_s,
    ).order_by(terminals.c.store_code, terminals.c.code)  # fmt: skip
    if store_code:
        q = q.where(terminals.c.store_code == store_code)
    with engine.connect() as conn:
        return [TerminalInfo(*row) for row in conn.execute(q)]


@dataclass(frozen=True)
class Caller:
    """The terminal a request's token belongs to."""

    terminal_id: str
    store_code: str
    timezone: str
    last_seq: int
    last_event_id: str | None
    store_name: str
    code: str
    card_prefix: str
    epoch: int
    diverged_seq: int | None


# The live terminal holding a token hash: one statement built once (building SQLAlchemy's
# select each time was 40% of a lookup; hq/tokens.py asks it for every uncached token).
LOOKUP = (
    select(
        terminals.c.id, terminals.c.store_code, stores.c.timezone, terminals.c.last_seq,
        terminals.c.last_event_id, stores.c.name, terminals.c.code, terminals.c.card_prefix,
        terminals.c.epoch, terminals.c.diverged_seq,
    )
    .join(stores, stores.c.code == terminals.c.store_code)
    .where(terminals.c.token_hash == bindparam("token_hash"), terminals.c.revoked_at.is_(None))
)  # fmt: skip


def authenticate(engine: Engine, token: str | None) -> Caller | None:
    """The live terminal holding `token`, or None (unknown, malformed or revoked)."""
    if not token or len(token) > 200:
        return None
    with engine.connect() as conn:
        row = conn.execute(LOOKUP, {"token_hash": hash_token(token)}).first()
    return Caller(*row) if row is not None else None


def record_hello(
    engine: Engine, terminal_id: str, offset_s: int | None, till_time: datetime
) -> None:
    """Keep what a handshake measured: the clock offset (`terminals` shows it, and the sales
    of the batches after it are listed when it is beyond the tolerance), and, the first time,
    the till's time (naive UTC): the till takes HQ's identity at this handshake, so what it
    recorded until then is its own, whatever store code it names."""
    values: dict[str, Any] = {"joined_at": func.coalesce(terminals.c.joined_at, till_time)}
    if offset_s is not None:
        values["clock_offset_s"] = offset_s
    with writer(engine).begin() as conn:
        conn.execute(update(terminals).where(terminals.c.id == terminal_id).values(**values))
