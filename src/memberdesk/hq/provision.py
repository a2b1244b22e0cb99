"""Stores and terminals: provisioning, tokens, revocation.

A terminal's token is 32 random bytes shown once when the terminal is added;
HQ keeps only its SHA-256 (a random token needs no slow hash: there is nothing
to guess from it) and finds the terminal by that hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError

from ..core.errors import DomainError
from .db import writer
from .models import stores, terminals

TOKEN_PREFIX = "mdt_"
CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
TERMINAL_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class ProvisionError(DomainError):
    """A refusal of an admin command (its text in the catalogue, as every refusal's)."""


@dataclass(frozen=True)
class TerminalInfo:
    id: str
    store_code: str
    name: str
    created_at: datetime
    revoked_at: datetime | None
    last_seq: int
    last_seen_at: datetime | None


@dataclass(frozen=True)
class NewTerminal:
    id: str
    store_code: str
    token: str  # shown once, never stored


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


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
    engine: Engine, store_code: str, *, terminal_id: str | None = None, name: str = ""
) -> NewTerminal:
    terminal_id = terminal_id or str(uuid.uuid4())
    if not TERMINAL_ID.match(terminal_id):
        raise ProvisionError("hq.terminal_id_invalid", terminal=terminal_id)
    token = new_token()
    with writer(engine).begin() as conn:
        if conn.scalar(select(stores.c.code).where(stores.c.code == store_code)) is None:
            raise ProvisionError("hq.store_missing", code=store_code)
        if conn.scalar(select(terminals.c.id).where(terminals.c.id == terminal_id)) is not None:
            raise ProvisionError("hq.terminal_exists", terminal=terminal_id)
        conn.execute(
            terminals.insert().values(
                id=terminal_id,
                store_code=store_code,
                name=name,
                token_hash=hash_token(token),
                created_at=_now(),
                last_seq=0,
            )  # fmt: skip
        )
    return NewTerminal(terminal_id, store_code, token)


def revoke_terminal(engine: Engine, terminal_id: str) -> None:
    with writer(engine).begin() as conn:
        done = conn.execute(
            update(terminals)
            .where(terminals.c.id == terminal_id, terminals.c.revoked_at.is_(None))
            .values(revoked_at=_now())
        ).rowcount
        if not done:
            exists = conn.scalar(select(terminals.c.id).where(terminals.c.id == terminal_id))
            if exists is None:
                raise ProvisionError("hq.terminal_missing", terminal=terminal_id)


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
    return NewTerminal(terminal_id, store_code, token)


def list_terminals(engine: Engine, store_code: str | None = None) -> list[TerminalInfo]:
    q = select(
        terminals.c.id, terminals.c.store_code, terminals.c.name, terminals.c.created_at,
        terminals.c.revoked_at, terminals.c.last_seq, terminals.c.last_seen_at,
    ).order_by(terminals.c.store_code, terminals.c.created_at)  # fmt: skip
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


def authenticate(engine: Engine, token: str | None) -> Caller | None:
    """The live terminal holding `token`, or None (unknown, malformed or revoked)."""
    if not token or len(token) > 200:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(
                terminals.c.id, terminals.c.store_code, stores.c.timezone, terminals.c.last_seq,
                terminals.c.last_event_id,
            )
            .join(stores, stores.c.code == terminals.c.store_code)
            .where(terminals.c.token_hash == hash_token(token), terminals.c.revoked_at.is_(None))
        ).first()  # fmt: skip
    return Caller(*row) if row is not None else None
