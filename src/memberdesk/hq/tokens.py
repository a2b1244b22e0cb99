"""Who holds a token, remembered for a few seconds so a request costs no lookup.

Every /v1 request names its terminal by a bearer token. Looking it up is a query
of its own (a connection, a round trip, a trip to a worker thread) before any work
is done, so HQ keeps the answer in the worker that looked it up, keyed by the
token's SHA-256 — never the token itself: `ttl` seconds (2 by default) for the
read-only calls, `batch_ttl` (60) for batches — a till sends one every few
seconds, and during the day every ten or so. A lookup is `provision.authenticate`,
one statement built once. Only a terminal's identity is kept (store, code, prefix,
the store's time zone, none of which changes), not its sequence: the handshake
reads that fresh.

Revocation stays prompt: a batch is applied under a lock of the terminal's row,
which checks there, at once, that the terminal is not revoked, that its
token is still this one and its store still the one remembered (`apply_batch`); a handshake always asks the database.
Only the read-only calls (cards, totals, a member's balances) may still answer
a revoked or replaced token, and for at most `ttl` seconds. Unknown tokens are
not remembered: a terminal given a new token can use it at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from cachetools import TTLCache
from sqlalchemy import Engine

from .provision import Caller, authenticate, hash_token

DEFAULT_TTL = 2.0  # seconds a revoked token may still read (never write)
BATCH_TTL = 60.0  # seconds a terminal is remembered for its batches (checked again at apply)
MAX_TOKENS = 20_000  # terminals remembered per worker (a chain's tills, with room)


class TokenCache:
    """Callers by token hash, for reads `ttl` seconds and for batches `batch_ttl` seconds;
    safe to share between threads."""

    def __init__(
        self, engine: Engine, ttl: float = DEFAULT_TTL, *, batch_ttl: float = BATCH_TTL,
        size: int = MAX_TOKENS, timer: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self.engine = engine
        self.ttl = ttl
        self.batch_ttl = max(ttl, batch_ttl)
        self._timer = timer
        self._known: TTLCache[str, tuple[Caller, float]] | None = (
            TTLCache(maxsize=size, ttl=self.batch_ttl, timer=timer) if ttl > 0 else None
        )
        self._lock = threading.Lock()

    def known(self, token: str | None, *, batch: bool = False) -> Caller | None:
        """The terminal remembered for `token`, without asking the database (None: ask);
        `batch`: for a batch, which `apply_batch` checks again under the terminal's lock."""
        if self._known is None or not token or len(token) > 200:
            return None
        key = hash_token(token)
        with self._lock:
            found = self._known.get(key)
        if found is None or self._timer() - found[1] > (self.batch_ttl if batch else self.ttl):
            return None
        return found[0]

    def fresh(self, token: str | None) -> Caller | None:
        """Ask the database (the handshake: it answers the terminal's sequence)."""
        found = authenticate(self.engine, token)
        if self._known is not None and found is not None:
            with self._lock:
                self._known[hash_token(token or "")] = (found, self._timer())
        return found
