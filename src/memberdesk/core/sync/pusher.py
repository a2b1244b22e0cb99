"""Pushing the outbox to head office, and checking that HQ saw the same day.

One drain (`Pusher.drain_once`):
1. handshake: protocol, HQ's clock (refuse when it differs from ours by more than
   a few minutes), the last sequence HQ holds for this terminal — pending rows up
   to it are marked acknowledged (a lost answer heals itself) and rows beyond it
   that look sent go back to pending, after checking that HQ's last event is ours
   at that sequence;
2. claim a batch: an unfinished (in-flight) batch first, exactly as it was; else the
   oldest pending rows, contiguous, within HQ's limits, marked in-flight with a new
   batch id and COMMITTED before anything is sent;
3. send it (gzip JSON, bearer token); network errors and 5xx retry with
   exponential backoff and full jitter; 413 halves the batch; 401/403 stop and ask
   for a new token; 409 sequence_gap re-queues from the sequence HQ expects;
4. acknowledge exactly what HQ processed; its rejections become "sync problems"
   (state rejected, with the reason) and never hold up the rows behind them.
No database transaction is open during a network call: every step is its own
short transaction, so the till never waits for the network.

`sync_status` is what the window polls; `Pusher.reconcile` compares a business
day's totals (``core.till.totals``) with HQ's count and only ever records the comparison.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select, text

from ..clock import Clock, SystemClock, shop_date, to_utc_naive
from ..coupons.keys import take_chain_key
from ..errors import DomainError
from ..i18n import Message
from ..shop.clock_check import record_hq_time
from ..shop.details import read_setting, shop_info, write_setting
from ..shop.identity import FIELDS as IDENTITY_FIELDS
from ..shop.identity import Identity, adopt_identity
from ..store.database import Store
from ..store.models import OutboxEvent
from ..store.statements import raw_connection
from ..till.totals import DayTotals, terminal_day_totals
from .config import (
    K_ATTEMPT,
    K_ERROR,
    K_HQ_SEQ,
    K_MISMATCHES,
    K_ONLINE,
    K_RECONCILE,
    K_SUCCESS,
    require_sealed_target,
    sync_config,
)
from .errors import SyncError
from .sizing import BatchSizer
from .status import Reconciliation, outbox_counts, rejection_text
from .transport import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_EVENTS,
    ROUND_OVER,
    HttpTransport,
    Refused,
    Unreachable,
    batch_body,
    event_json,
)

log = logging.getLogger(__name__)


MAX_CLOCK_SKEW = timedelta(minutes=5)


MAX_CONFLICTS = 5  # 409s answered by re-queueing, per drain, before giving up


EVENT_OVERHEAD = 200  # bytes of batch envelope counted per event


class Transport(Protocol):
    def handshake(
        self, terminal_id: str, store_code: str, client_time: str, **identity: str
    ) -> dict[str, Any]: ...
    def send_batch(self, body: bytes) -> dict[str, Any]: ...
    def day_totals(self, store_code: str, day: date, terminal_id: str | None) -> DayTotals: ...


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter: attempt n waits uniform(0, min(cap, base·2ⁿ))."""

    base: float = 1.0
    cap: float = 60.0
    max_attempts: int = 6  # tries of one call before the drain gives up for now

    def delay(self, attempt: int, rng: random.Random) -> float:
        return rng.uniform(0, min(self.cap, self.base * (2**attempt)))


@dataclass(frozen=True)
class DrainReport:
    ok: bool  # nothing pending or in flight is left, and no error
    batches: int = 0
    acked: int = 0
    rejected: int = 0
    duplicates: int = 0
    pending: int = 0  # pending + in flight left after the drain
    error: SyncError | None = None
    reconciliation: Reconciliation | None = None


@dataclass
class _Row:
    seq: int
    event_id: str
    kind: str
    aggregate_id: str
    created_at: str
    payload: str  # the stored JSON text
    chain: str | None = None  # the journal's link (core/store/journal.py), for HQ to check


@dataclass
class _Batch:
    batch_id: str
    rows: list[_Row]
    body: bytes | None = None  # encoded ahead by the helper thread

    @property
    def first(self) -> int:
        return self.rows[0].seq

    @property
    def last(self) -> int:
        return self.rows[-1].seq


_COLS = "seq, event_id, kind, aggregate_id, created_at, payload, state, batch_id, chain"


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).replace(" ", "T")


def _oversize_stub(row: _Row, size: int) -> str:
    # HQ cannot take this payload; it is sent as a stub so HQ records the sequence and
    # rejects the event with a reason, and the queue behind it moves on.
    return json.dumps({"_omitted": "too_large", "bytes": size})


class _TooSlow(Exception):
    """A batch of more than one event timed out: it is sent again smaller."""


class Pusher:
    """Drains one terminal's outbox to HQ. Make one per thread, with that thread's Store."""

    def __init__(
        self,
        store: Store,
        transport: Transport,
        *,
        terminal_id: str | None = None,
        clock: Clock | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        max_events: int = DEFAULT_MAX_EVENTS,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_skew: timedelta = MAX_CLOCK_SKEW,
        reconcile_daily: bool = True,
    ) -> None:
        config = sync_config(store)
        if terminal_id is None:
            if config is None:
                raise SyncError("sync.not_configured")
            terminal_id = config.terminal_id
        self.store = store
        self.transport = transport
        self.terminal_id = terminal_id
        # The machine's clock, not the shop's business clock: this is what HQ's is compared with.
        self.clock: Clock = clock or SystemClock()
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.wanted_events, self.wanted_bytes = max_events, max_bytes
        self.max_events, self.max_bytes = max_events, max_bytes
        self.max_skew = max_skew
        self.reconcile_daily = reconcile_daily
        self._oversize: set[int] = set()
        self.sizer = BatchSizer(getattr(transport, "timeout", 30.0), max_events)
        self._deadline: float | None = None
        self._conflicts = 0

    @classmethod
    def from_settings(cls, store: Store, token: str, *, timeout: float = 30.0, **kw: Any) -> Pusher:
        config = sync_config(store)
        if config is None:
            raise SyncError("sync.not_configured")
        if not token:
            raise SyncError("sync.no_token")
        return cls(store, HttpTransport(config.url, token, timeout=timeout), **kw)

    def close(self) -> None:
        closer = getattr(self.transport, "close", None)
        if closer is not None:
            closer()

    # ------------------------------------------------------------ the drain

    def drain_once(self, *, max_seconds: float | None = None) -> DrainReport:
        """Send everything pending, batch by batch; returns what happened (never raises SyncError)."""
        self._deadline = None if max_seconds is None else time.monotonic() + max_seconds
        totals = {"batches": 0, "acked": 0, "rejected": 0, "duplicates": 0}
        self._note_attempt()
        store_code = self._store_code()
        try:
            require_sealed_target(self.store, self.transport)
            hello = self._hello(store_code)
            self._check_clock(hello)
            store_code = self._adopt(hello)
            self._take_key(hello)
            self._heal(hello)
            hq_events = int(hello.get("max_events") or self.wanted_events)
            hq_bytes = int(hello.get("max_bytes") or self.wanted_bytes)
            self.max_events = self.sizer.limit(max(1, min(self.wanted_events, hq_events)))
            self.max_bytes = max(1024, min(self.wanted_bytes, hq_bytes))
            self._conflicts = 0
            batch: _Batch | None = None
            # While HQ works on one batch, a helper thread claims the next (its own short
            # transaction, committed before it is sent): the terminal's part overlaps HQ's.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-claim") as ahead:
                while True:
                    if self._deadline is not None and time.monotonic() > self._deadline:
                        raise Unreachable(Message(ROUND_OVER))
                    if batch is None:
                        batch = self._claim()
                        if batch is None:
                            break
                    upcoming = ahead.submit(self._claim_after, batch.last, store_code)
                    try:
                        answer = self._send(batch, store_code)
                    finally:
                        futures_wait([upcoming])
                    following = upcoming.result()
                    if answer is None:  # re-queued or re-shaped: claim again from the oldest
                        if following is not None:
                            self._release(following.batch_id, following.first, following.last)
                        batch = None
                        continue
                    acked, rejected = self._ack(batch, answer, store_code)
                    totals["batches"] += 1
                    totals["acked"] += acked
                    totals["rejected"] += rejected
                    totals["duplicates"] += int(answer.get("duplicates", 0))
                    batch = following
        except SyncError as exc:
            self._note_error(exc, online=exc.code not in ("sync.offline",))
            return DrainReport(False, **totals, pending=self._left(), error=exc)
        except Unreachable as exc:
            err = SyncError("sync.offline", what=exc.what)
            self._note_error(err, online=False)
            return DrainReport(False, **totals, pending=self._left(), error=err)
        except (
            Exception
        ) as exc:  # a bug or a broken file: say so where the window looks, then raise
            log.exception("sync failed")
            with contextlib.suppress(Exception):
                self._note_error(SyncError("sync.internal", what=type(exc).__name__), online=False)
            raise
        left = self._left()
        self._note_success(left)
        reconciliation = None
        if left == 0 and self.reconcile_daily:
            reconciliation = self._daily_reconcile()
        return DrainReport(left == 0, **totals, pending=left, reconciliation=reconciliation)

    def introduce(self) -> dict[str, Any]:
        """Say hello to HQ once (as `sync setup` does): check the clock and take HQ's store,
        terminal and card prefix if this till has never synced. Returns HQ's answer."""
        require_sealed_target(self.store, self.transport)
        hello = self._hello(self._store_code())
        self._check_clock(hello)
        self._adopt(hello)
        self._take_key(hello)
        return hello

    def _take_key(self, hello: dict[str, Any]) -> None:
        """The chain's coupon key, kept in the keyring (core/coupons/keys.py)."""
        with self.store.read() as s:
            take_chain_key(shop_info(s).terminal_id, hello)

    def _store_code(self) -> str:
        with self.store.read() as s:
            return shop_info(s).store_code

    def _label(self) -> str:
        """This till as HQ's commands name it: S001-01 (its store and till number)."""
        with self.store.read() as s:
            shop = shop_info(s)
        return f"{shop.store_code}-{shop.terminal_code}"

    def _hello(self, store_code: str) -> dict[str, Any]:
        """The handshake. A till that has never synced and claims another store than HQ has
        for it takes HQ's store (HQ provisioned it) and says hello again."""
        try:
            return self._call(lambda: self._handshake(store_code))
        except Refused as exc:
            hq_store = exc.answer.get("store_code") if isinstance(exc.answer, dict) else None
            if exc.status == 403 and exc.code == "wrong_store" and isinstance(hq_store, str):
                with contextlib.suppress(DomainError):
                    if adopt_identity(self.store, store_code=hq_store):
                        try:
                            return self._call(lambda: self._handshake(hq_store))
                        except Refused as again:
                            raise self._refusal(again, hq_store) from None
            raise self._refusal(exc, store_code) from None

    def _handshake(self, store_code: str) -> dict[str, Any]:
        with self.store.read() as s:
            shop = shop_info(s)
        before = self.clock.now()
        hello = self.transport.handshake(
            self.terminal_id, store_code, before.isoformat(),
            terminal_code=shop.terminal_code, card_prefix=shop.card_prefix,
        )  # fmt: skip
        hello["_sent_at"], hello["_received_at"] = before, self.clock.now()
        return hello

    def _adopt(self, hello: dict[str, Any]) -> str:
        """Take HQ's store code, terminal code and card prefix while the till has never synced;
        after that a difference stops sync and says what to do. Returns the store code."""
        hq = {k: hello.get(k) for k in IDENTITY_FIELDS if isinstance(hello.get(k), str)}
        with self.store.read() as s:
            mine = Identity.of(shop_info(s))
        if all(getattr(mine, k) == v for k, v in hq.items()):
            return mine.store_code
        try:
            adopt_identity(self.store, **hq)
        except DomainError as exc:
            if exc.code != "identity.synced":
                raise SyncError("sync.protocol") from None
            raise SyncError(
                "sync.identity_mismatch", hq_store=hq.get("store_code", mine.store_code),
                hq_terminal=hq.get("terminal_code", mine.terminal_code),
                hq_prefix=hq.get("card_prefix", mine.card_prefix), store=mine.store_code,
                terminal=mine.terminal_code, prefix=mine.card_prefix,
            ) from None  # fmt: skip
        return hq.get("store_code", mine.store_code)

    def _check_clock(self, hello: dict[str, Any]) -> None:
        try:
            server = datetime.fromisoformat(str(hello.get("server_time")))
        except ValueError:
            raise SyncError("sync.protocol") from None
        if server.tzinfo is None:
            server = server.replace(tzinfo=UTC)
        sent, received = hello["_sent_at"], hello["_received_at"]
        with self.store.write() as uow:
            record_hq_time(uow.session, server, sent + (received - sent) / 2, self.max_skew)
        if server < sent - self.max_skew or server > received + self.max_skew:
            off = min(
                abs((server - sent).total_seconds()), abs((server - received).total_seconds())
            )
            raise SyncError("sync.clock", minutes=round(off / 60),
                            limit=int(self.max_skew.total_seconds() // 60))  # fmt: skip

    def _heal(self, hello: dict[str, Any]) -> None:
        """HQ holds everything up to last_seq: check it is ours, then mark pending rows up to it."""
        last_seq = int(hello.get("last_seq") or 0)
        last_event = hello.get("last_event_id")
        with self.store.write() as uow:
            s = uow.session
            if last_seq > 0:
                mine = s.scalar(select(OutboxEvent.event_id).where(OutboxEvent.seq == last_seq))
                if mine is None or (last_event is not None and mine != last_event):
                    # Not ours at that number (an old file put back): what we have not had
                    # confirmed goes to HQ, which finds where the two part, records it for
                    # `memberdesk-hq rebase-terminal` and answers 409 diverged with that number.
                    unsent = s.scalar(
                        select(OutboxEvent.seq).where(OutboxEvent.state != "acked").limit(1)
                    )
                    if unsent is None:
                        raise SyncError("sync.diverged", seq=last_seq, terminal=self._label())
                    return
                s.execute(
                    text("UPDATE outbox SET state='acked' WHERE seq <= :last AND state='pending'"),
                    {"last": last_seq},
                )
            # HQ's last sequence covers everything it ever answered for, so a row beyond it
            # marked sent here (a restored file, a lost write) was never processed: send it.
            s.execute(
                text(
                    "UPDATE outbox SET state='pending', batch_id=NULL, reason='' "
                    "WHERE seq > :last AND state IN ('acked', 'rejected')"
                ),
                {"last": last_seq},
            )
            write_setting(s, K_HQ_SEQ, last_seq)

    def _claim(self) -> _Batch | None:
        """The oldest unfinished batch exactly as it was, or a new one committed as in-flight."""
        with self.store.write() as uow:
            s = uow.session
            inflight = s.execute(
                text(f"SELECT {_COLS} FROM outbox WHERE state='inflight' ORDER BY seq")
            ).all()
            if inflight:
                batch_id = inflight[0].batch_id
                rows = [_Row(r.seq, r.event_id, r.kind, r.aggregate_id, _iso(r.created_at), r.payload,
                             r.chain) for r in inflight if r.batch_id == batch_id]  # fmt: skip
                return _Batch(batch_id, rows)
            return self._claim_new(s, None)

    def _claim_after(self, last: int, store_code: str) -> _Batch | None:
        """The batch right after `last`, claimed and encoded ahead (runs in the helper thread)."""
        with self.store.write() as uow:
            batch = self._claim_new(uow.session, last + 1)
        if batch is not None:
            batch.body = self._body(batch, store_code)
        return batch

    def _claim_new(self, s: Any, start: int | None) -> _Batch | None:
        first = s.scalar(text("SELECT min(seq) FROM outbox WHERE state='pending'"))
        if first is None or (start is not None and first != start):
            return None
        picked: list[_Row] = []
        size = 0
        # The driver's cursor: this loop runs for every event sent, so no ORM rows here.
        cursor = raw_connection(s).execute(
            f"SELECT {_COLS} FROM outbox WHERE seq >= ? ORDER BY seq LIMIT ?",
            (first, self.max_events),
        )
        for seq, event_id, kind, aggregate_id, created_at, payload, state, _, chain in cursor:
            if state != "pending" or (picked and seq != picked[-1].seq + 1):
                break
            row_size = len(payload.encode("utf-8")) + EVENT_OVERHEAD
            if picked and size + row_size > self.max_bytes:
                break
            picked.append(_Row(seq, event_id, kind, aggregate_id, _iso(created_at), payload, chain))
            size += row_size
        cursor.close()
        batch = _Batch(str(uuid.uuid4()), picked)
        done = s.execute(
            text(
                "UPDATE outbox SET state='inflight', batch_id=:b "
                "WHERE seq BETWEEN :a AND :z AND state='pending'"
            ),
            {"b": batch.batch_id, "a": batch.first, "z": batch.last},
        ).rowcount
        if done != len(picked):  # cannot happen inside one IMMEDIATE transaction
            raise RuntimeError(f"claimed {done} rows, expected {len(picked)}")
        return batch

    def _body(self, batch: _Batch, store_code: str) -> bytes:
        events = []
        for row in batch.rows:
            payload = row.payload
            size = len(payload.encode("utf-8"))
            if row.seq in self._oversize or size + EVENT_OVERHEAD > self.max_bytes:
                payload = _oversize_stub(row, size)
            events.append(event_json(row.seq, row.event_id, row.kind, row.aggregate_id,
                                     row.created_at, payload, row.chain))  # fmt: skip
        return batch_body(batch.batch_id, self.terminal_id, store_code, events)

    def _send(self, batch: _Batch, store_code: str) -> dict[str, Any] | None:
        """HQ's answer for the batch, or None when the batch was re-queued or re-shaped."""
        body = batch.body or self._body(batch, store_code)

        def timed() -> dict[str, Any]:
            started = time.monotonic()
            try:
                answer = self.transport.send_batch(body)
            except Unreachable as exc:
                if exc.status is None and exc.timeout and len(batch.rows) > 1:
                    raise _TooSlow from exc
                raise
            self.max_events = self.sizer.answered(len(batch.rows), time.monotonic() - started)
            return answer

        try:
            return self._call(timed)
        except _TooSlow:  # HQ is slower than this batch allows: send less at a time
            self.max_events = self.sizer.timed_out(len(batch.rows))
            self._release(batch.batch_id, batch.first, batch.last)
            log.info("HQ did not answer %d events in time; now %d a batch",
                     len(batch.rows), self.max_events)  # fmt: skip
            return None
        except Refused as exc:
            if exc.status == 413:
                return self._shrink(batch)
            if exc.status == 409:
                return self._conflict(batch, exc)
            raise self._refusal(exc, store_code) from None

    def _shrink(self, batch: _Batch) -> None:
        if len(batch.rows) == 1:
            if batch.first in self._oversize:  # even the stub is refused: HQ's limit is broken
                raise SyncError("sync.refused", status=413, code="too_large")
            self._oversize.add(batch.first)  # resend the same batch with the payload as a stub
            return None
        self.max_events = self.sizer.limit(max(1, len(batch.rows) // 2))
        sizes = sum(len(r.payload.encode("utf-8")) + EVENT_OVERHEAD for r in batch.rows)
        self.max_bytes = max(1024, min(self.max_bytes, sizes // 2))
        self._release(batch.batch_id, batch.first, batch.last)
        log.info("HQ said the batch was too large; now at most %d events", self.max_events)
        return None

    def _conflict(self, batch: _Batch, exc: Refused) -> None:
        self._conflicts += 1
        if self._conflicts > MAX_CONFLICTS:
            raise SyncError("sync.gap", expected=exc.answer.get("expected_seq", batch.first))
        code = exc.code
        if code == "sequence_gap":
            expected = int(exc.answer.get("expected_seq") or 0)
            if expected <= 0:
                raise SyncError("sync.gap", expected=expected)
            with self.store.write() as uow:
                uow.session.execute(
                    text(
                        "UPDATE outbox SET state='pending', batch_id=NULL, reason='' "
                        "WHERE seq >= :e AND state IN ('acked', 'inflight', 'rejected')"
                    ),
                    {"e": expected},
                )
                have = uow.session.scalar(
                    select(OutboxEvent.seq).where(OutboxEvent.seq == expected)
                )
            if have is None:
                raise SyncError("sync.gap", expected=expected)
            log.warning("HQ expects seq %d; re-queued from there", expected)
            return None
        if code == "batch_reused":
            self._release(batch.batch_id, batch.first, batch.last)
            return None
        if code == "diverged":
            raise SyncError("sync.diverged", seq=exc.answer.get("seq", "?"), terminal=self._label())
        raise SyncError("sync.refused", status=exc.status, code=code)

    def _refusal(self, exc: Refused, store_code: str) -> SyncError:
        if exc.status == 401:
            return SyncError("sync.token_refused")
        if not exc.answer:  # no answer of HQ's (its refusals say why in JSON): a web server
            return SyncError("sync.not_hq", url=getattr(self.transport, "base_url", "-"),
                             status=exc.status)  # fmt: skip
        if exc.status == 403 and exc.code == "wrong_store":
            return SyncError("sync.wrong_store", hq_store=exc.answer.get("store_code", "?"),
                             store=store_code)  # fmt: skip
        if exc.status == 403:
            return SyncError("sync.wrong_terminal", terminal=self.terminal_id)
        if exc.status == 426:
            return SyncError("sync.protocol")
        return SyncError("sync.refused", status=exc.status, code=exc.code or "-")

    def _release(self, batch_id: str, first: int, last: int) -> None:
        with self.store.write() as uow:
            uow.session.execute(
                text(
                    "UPDATE outbox SET state='pending', batch_id=NULL "
                    "WHERE seq BETWEEN :a AND :z AND batch_id=:b AND state='inflight'"
                ),
                {"a": first, "z": last, "b": batch_id},
            )

    def _ack(self, batch: _Batch, answer: dict[str, Any], store_code: str) -> tuple[int, int]:
        """Mark exactly what HQ processed; anything beyond it goes back to pending.
        `store_code`: the one the batch went under, which HQ took as this till's."""
        through = int(answer.get("processed_through") or 0)
        rejected = {
            int(r["seq"]): rejection_text(r, store_code)
            for r in answer.get("rejected") or []
            if isinstance(r, dict) and isinstance(r.get("seq"), int)
        }
        span = {"a": batch.first, "z": batch.last, "b": batch.batch_id}
        with self.store.write() as uow:
            s = uow.session
            n_rejected = 0
            for seq, reason in rejected.items():
                if batch.first <= seq <= min(batch.last, through):
                    n_rejected += s.execute(
                        text(
                            "UPDATE outbox SET state='rejected', reason=:r "
                            "WHERE seq=:s AND batch_id=:b AND state='inflight'"
                        ),
                        {"r": reason, "s": seq, "b": batch.batch_id},
                    ).rowcount
            acked = s.execute(
                text(
                    "UPDATE outbox SET state='acked' WHERE seq BETWEEN :a AND :t "
                    "AND batch_id=:b AND state='inflight'"
                ),
                {**span, "t": min(batch.last, through)},
            ).rowcount
            s.execute(
                text(
                    "UPDATE outbox SET state='pending', batch_id=NULL WHERE seq BETWEEN :a AND :z "
                    "AND batch_id=:b AND state='inflight'"
                ),
                span,
            )
            now = to_utc_naive(self.clock.now()).isoformat()
            write_setting(s, K_SUCCESS, now)
            write_setting(s, K_HQ_SEQ, int(answer.get("last_seq") or through))
            write_setting(s, K_ONLINE, True)
            write_setting(s, K_ERROR, None)
        return acked, n_rejected

    def _call(self, fn: Callable[[], Any]) -> Any:
        """Call with retries on Unreachable: backoff with full jitter, bounded by attempts and time."""
        attempt = 0
        while True:
            try:
                return fn()
            except Unreachable as exc:
                attempt += 1
                if attempt >= self.retry.max_attempts:
                    raise
                wait = self.retry.delay(attempt - 1, self.rng)
                if self._deadline is not None and time.monotonic() + wait > self._deadline:
                    raise
                log.info("HQ unreachable (%s); retry %d in %.2fs", exc.what, attempt, wait)
                self.sleep(wait)

    # ------------------------------------------------------------ bookkeeping

    def _left(self) -> int:
        with self.store.read() as s:
            counts = outbox_counts(s)
        return counts.get("pending", 0) + counts.get("inflight", 0)

    def _note_attempt(self) -> None:
        with self.store.write() as uow:
            write_setting(uow.session, K_ATTEMPT, to_utc_naive(self.clock.now()).isoformat())

    def _note_success(self, left: int) -> None:
        with self.store.write() as uow:
            if left == 0:
                write_setting(uow.session, K_SUCCESS, to_utc_naive(self.clock.now()).isoformat())
            write_setting(uow.session, K_ONLINE, True)
            write_setting(uow.session, K_ERROR, None)

    def _note_error(self, exc: SyncError, *, online: bool) -> None:
        log.warning("sync stopped: %s", exc.message("en"))
        with self.store.write() as uow:
            write_setting(uow.session, K_ERROR, exc.as_setting(to_utc_naive(self.clock.now())))
            write_setting(uow.session, K_ONLINE, online)

    # ------------------------------------------------------------ reconciliation

    def reconcile(self, day: date) -> Reconciliation:
        """Compare one business day with HQ's count for this terminal; record, never repair."""
        store_code = self._store_code()
        with self.store.read() as s:
            unsent = outbox_counts(s)
        local = terminal_day_totals(self.store, day)
        hq = self._call(lambda: self.transport.day_totals(store_code, day, self.terminal_id))
        diffs = tuple(local.differences(hq))
        waiting = unsent.get("pending", 0) + unsent.get("inflight", 0)
        status = "match" if not diffs else ("incomplete" if waiting else "mismatch")
        result = Reconciliation(day, status, diffs, local, hq, to_utc_naive(self.clock.now()))
        with self.store.write() as uow:
            s = uow.session
            write_setting(s, K_RECONCILE, {
                "day": day.isoformat(), "status": status, "differences": list(diffs),
                "local": local.to_json(), "hq": hq.to_json(), "at": result.checked_at.isoformat(),
            })  # fmt: skip
            days = [d for d in (read_setting(s, K_MISMATCHES, []) or []) if d != day.isoformat()]
            if status == "mismatch":
                days.append(day.isoformat())
                log.warning("day %s differs from HQ's: %s", day, ", ".join(diffs))
            write_setting(s, K_MISMATCHES, sorted(days)[-60:])
        return result

    def _daily_reconcile(self) -> Reconciliation | None:
        """Once a day, check yesterday (a closed day) against HQ; a failure waits for tomorrow's try."""
        with self.store.read() as s:
            tz = shop_info(s).timezone
            done = (read_setting(s, K_RECONCILE) or {}).get("day")
        yesterday = shop_date(self.clock.now(), tz) - timedelta(days=1)
        if done == yesterday.isoformat():
            return None
        try:
            return self.reconcile(yesterday)
        except (Unreachable, Refused) as exc:
            log.info("daily reconciliation skipped: %s", exc)
            return None


def push_what_is_left(db_path: Path, *, token: str | None = None, max_seconds: float = 60) -> int:
    """Send what HQ has not got yet, if sync is set up and HQ answers (before a restore);
    returns how many records are still unsent. Never raises for the network."""
    from .token_store import TokenStore

    with Store(db_path) as store:
        config = sync_config(store)
        token = token or (TokenStore().get(config.terminal_id) if config else None)
        if config is not None and token:
            pusher = Pusher.from_settings(store, token, timeout=10)
            try:
                pusher.drain_once(max_seconds=max_seconds)
            finally:
                pusher.close()
        with store.read() as s:
            counts = outbox_counts(s)
    return counts.get("pending", 0) + counts.get("inflight", 0)
