"""Pulling the chain's member directory from head office (`memberdesk sync pull`).

The till asks `GET /v1/directory?after=CURSOR` for the members changed since its
cursor, page by page, and applies each page in short write transactions sized by time,
the last one with the cursor after the page (core/members/chain_directory.py): a pull
cut off part way resumes where it stopped, and a page applied twice changes nothing. It runs after each
push in the same background job, and by itself from the command line.

Also here: asking HQ for one member by card or phone when an online till finds no one
locally (a member who joined a minute ago at another store), and the state the till's
spending policy reads (core/members/chain_policy.py): when the last pull succeeded,
the scope, and the policy HQ sent.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, event

from ..clock import Clock, to_utc_naive
from ..errors import DomainError
from ..i18n import Message
from ..members.card_numbers import CARD_PATTERN
from ..members.chain_directory import (
    Applied,
    BadEntry,
    Entry,
    apply_entries,
    hide_other_stores,
    read_page,
)
from ..members.chain_policy import K_POLICY, K_PULLED, K_SCOPE, K_STORES
from ..members.phone import normalize_mobile
from ..shop.details import read_setting, shop_info, write_setting
from ..store.chunks import PAUSE_S
from ..store.database import Store
from ..store.statements import raw_connection
from ..store.uow import UnitOfWork
from .config import SyncConfig, require_sealed_target, sync_config
from .errors import SyncError
from .token_store import TokenStore
from .transport import ROUND_OVER, HttpTransport, Refused, Unreachable

log = logging.getLogger(__name__)

K_CURSOR = "sync.directory_cursor"
OWN_SPANS = 64  # the most spans of own records HQ reads (hq/directory.py MAX_SPANS)
PAGE = 2000
STEP, STEP_MIN, STEP_MAX = 50, 5, 500  # members written by one set of statements: the first
STEP_S = 0.02  # what a step is sized to take; a chunk takes steps until CHUNK_S
CHUNK_S = 0.06  # what a chunk is sized to take, its commit included


@dataclass(frozen=True)
class PullReport:
    ok: bool
    members: int = 0
    added: int = 0
    pages: int = 0
    seconds: float = 0.0
    error: SyncError | None = None


@dataclass(frozen=True)
class DirectoryState:
    scope: str | None  # None: never pulled
    policy: dict[str, int]
    pulled_at: datetime | None
    cursor: str


def directory_state(store: Store) -> DirectoryState:
    with store.read() as s:
        pulled = read_setting(s, K_PULLED)
        return DirectoryState(
            read_setting(s, K_SCOPE), dict(read_setting(s, K_POLICY) or {}),
            datetime.fromisoformat(pulled) if pulled else None, read_setting(s, K_CURSOR) or "",
        )  # fmt: skip


def pull_directory(
    store: Store, transport: HttpTransport, *, clock: Clock | None = None, page: int = PAGE,
    max_seconds: float | None = None,
) -> PullReport:  # fmt: skip
    """Pull every change of the directory since the cursor; never raises for the network.

    While a page is written the next one is already asked for (HQ's work and the wire
    overlap the till's); a page is checked whole before anything of it is written."""
    clock = clock or store.clock
    started = time.monotonic()
    try:
        require_sealed_target(store, transport)
    except SyncError as exc:  # an address written into the file: nothing is fetched
        return _report(False, Applied(), 0, started, exc)
    with store.read() as s:
        tz = shop_info(s).timezone
    cursor = directory_state(store).cursor
    own = taken_off(store)
    total = Applied()
    pace = Pace()
    pages = 0
    ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="directory-page")
    try:
        coming = ahead.submit(_fetch, transport, cursor, page, own)
        while True:
            answer, entries = coming.result()
            more = bool(answer.get("more")) and bool(entries)
            if more and (max_seconds is None or time.monotonic() - started <= max_seconds):
                coming = ahead.submit(_fetch, transport, answer["cursor"], page, own)
            remember: dict[str, Any] = {K_CURSOR: answer["cursor"], K_SCOPE: answer.get("scope"),
                                        K_POLICY: answer.get("policy") or {}}  # fmt: skip
            names = store_names(answer)
            if names is not None:  # an older HQ sends none: the names kept stay
                remember[K_STORES] = names
            if not more:
                remember[K_PULLED] = to_utc_naive(clock.now()).isoformat()
            total.add(write_in_chunks(store, entries, tz, remember, pace))
            pages += 1
            if not more:
                if answer.get("scope") == "store":
                    hide_other_stores(store)  # the chain's members are no longer this store's
                break
            if max_seconds is not None and time.monotonic() - started > max_seconds:
                raise Unreachable(Message(ROUND_OVER))
    except Unreachable as exc:
        return _report(False, total, pages, started, SyncError("sync.offline", what=exc.what))
    except Refused as exc:
        error = (SyncError("sync.token_refused") if exc.status == 401 else
                 SyncError("sync.directory_refused", status=exc.status, code=exc.code))  # fmt: skip
        return _report(False, total, pages, started, error)
    except SyncError as exc:
        return _report(False, total, pages, started, exc)
    finally:
        ahead.shutdown(wait=True, cancel_futures=True)
    return _report(True, total, pages, started, None)


# A page HQ answered with a 5xx is asked for again after these pauses: HQ is up but one
# of its database connections was not (PostgreSQL restarted, a connection cut), and the
# next request gets another. A network error or a timeout is not retried here.
PAGE_RETRIES_S = (0.3, 1.0)


def taken_off(store: Store) -> str:
    """This till's records that a restore carried onto its file without their changes
    (core/shop/backups.py), as HQ takes them: their entries HQ holds are not in the file,
    so HQ counts them with everyone else's. The latest spans, as many as HQ reads."""
    with store.read() as s:
        spans = read_setting(s, "restore.carried") or []
    return ",".join(f"{int(a)}-{int(b)}" for a, b in spans[-OWN_SPANS:])


MAX_STORES = 10_000


def store_names(answer: dict[str, Any]) -> dict[str, str] | None:
    """The chain's store names HQ sent with a page ({code: name}), those a person can read;
    None when it sent none, or not as names (what this till knows stays)."""
    names = answer.get("stores")
    if not isinstance(names, dict) or len(names) > MAX_STORES:
        return None
    return {
        code: name for code, name in names.items()
        if isinstance(name, str) and 0 < len(code) <= 40 and len(name) <= 100
        and code.isprintable() and name.isprintable()
    }  # fmt: skip


def _fetch(
    transport: HttpTransport, cursor: str, page: int, own: str = ""
) -> tuple[dict[str, Any], list[Entry]]:
    """One page from HQ, every entry checked (with its search keys) before any is written."""
    for pause in (*PAGE_RETRIES_S, None):
        try:
            answer = transport.directory(cursor, page, own)
            break
        except Unreachable as exc:
            if exc.status is None or pause is None:
                raise
            time.sleep(pause)
    members = answer.get("members")
    if not isinstance(members, list) or not isinstance(answer.get("cursor"), str):
        raise SyncError("sync.directory", field="cursor")
    try:
        return answer, read_page(members)
    except BadEntry as exc:
        log.warning("HQ sent a directory entry the till cannot take: %s", exc)
        raise SyncError("sync.directory", field=str(exc)) from None


class Pace:
    """How fast this till writes directory members: the quickest seen per member (time a
    step spent waiting for the file must not shrink the steps), and what a commit costs
    per member written (recent chunks weigh most: it follows the disk); so how many to take
    in one step of STEP_S, and whether another still fits in a chunk with its commit."""

    def __init__(self) -> None:
        self.per_member = float("inf")
        self.commit_per_member = 0.0

    def step(self, left_s: float) -> int:
        if self.per_member == float("inf"):
            return STEP
        wanted = min(STEP_S, left_s) / (self.per_member + self.commit_per_member)
        return max(STEP_MIN, min(STEP_MAX, int(wanted)))

    def saw(self, members: int, seconds: float) -> None:
        if members:
            self.per_member = min(self.per_member, seconds / members)

    def committed(self, members: int, seconds: float) -> None:
        if members:
            self.commit_per_member += (seconds / members - self.commit_per_member) / 2

    def commit_s(self, members: int) -> float:
        """What committing `members` is expected to take."""
        return members * self.commit_per_member


# The page cache of the connection writing a chunk (KiB; SQLite's default is 2 MiB): a
# chunk changes a few thousand pages at random places of the member, key and ledger
# indexes, and a smaller cache writes them out and reads them again before the commit.
CHUNK_CACHE_KIB = 32_768
_QUICK = threading.local()  # set while this thread writes directory chunks
_HOOKED: weakref.WeakSet[Engine] = weakref.WeakSet()


def _quick_commits(engine: Engine) -> None:
    """Directory chunks commit without waiting for the disk (synchronous=NORMAL on the
    connection that writes them, FULL again when it goes back to the pool).

    The cost is what a power cut may take: the last chunks written since the till's last
    own commit. SQLite's write-ahead log keeps a prefix of the transactions, so those go
    together with the cursor they moved, and the next pull writes them again; a sale, a
    top-up or any other write of the till keeps synchronous=FULL, and its commit makes
    every chunk before it durable too. A commit that waits for the disk took 30-45 ms on
    the benchmark's machine: half a chunk's worth of writing, a checkout waiting behind it."""
    if engine in _HOOKED:
        return
    _HOOKED.add(engine)

    def checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if getattr(_QUICK, "on", False):
            record.info["cache_size"] = dbapi_conn.execute("PRAGMA cache_size").fetchone()[0]
            dbapi_conn.execute("PRAGMA synchronous=NORMAL")
            dbapi_conn.execute(f"PRAGMA cache_size=-{CHUNK_CACHE_KIB}")
            record.info["quick_commits"] = True

    def checkin(dbapi_conn: Any, record: Any) -> None:
        if record.info.pop("quick_commits", False) and dbapi_conn is not None:
            dbapi_conn.execute("PRAGMA synchronous=FULL")
            dbapi_conn.execute(f"PRAGMA cache_size={record.info.pop('cache_size')}")

    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)


@contextmanager
def _chunk(store: Store) -> Iterator[UnitOfWork]:
    """One chunk's write transaction, committed without waiting for the disk (_quick_commits)."""
    _quick_commits(store.engine)
    _QUICK.on = True
    try:
        with store.write() as uow:
            uow.durable = False  # its end is not noted outside the file (store/anchor.py)
            yield uow  # its connection is taken at the transaction's first statement
    finally:
        _QUICK.on = False


def write_in_chunks(
    store: Store, entries: list[Entry], tz: str, remember: dict[str, Any], pace: Pace | None = None
) -> Applied:
    """Write a page in short transactions sized by time, as the imports do (core/store/chunks.py):
    a chunk takes steps of members sized to STEP_S each while its writing and its commit
    still fit in CHUNK_S, so a sale waits for one chunk at most; between chunks the writer
    pauses for another program's writer. The settings in `remember` (the cursor after the
    page) go with the last chunk, so a pull cut off part way starts the page again, and
    what it writes again changes nothing."""
    pace = pace or Pace()
    done = Applied()
    i = 0
    while True:
        if i:
            time.sleep(PAUSE_S)
        taken = 0
        with _chunk(store) as uow:
            begun = time.perf_counter()
            while i < len(entries):
                started = time.perf_counter()
                part = entries[
                    i : i + pace.step(CHUNK_S - (started - begun) - pace.commit_s(taken))
                ]
                done.add(apply_entries(uow, part, tz))
                pace.saw(len(part), time.perf_counter() - started)
                i += len(part)
                taken += len(part)
                if time.perf_counter() - begun + pace.commit_s(taken) > CHUNK_S - STEP_S / 2:
                    break
            if i >= len(entries):
                for key, value in remember.items():
                    write_setting(uow.session, key, value)
            committing = time.perf_counter()
        pace.committed(taken, time.perf_counter() - committing)
        if i >= len(entries):
            return done


def _report(
    ok: bool, done: Applied, pages: int, started: float, error: SyncError | None
) -> PullReport:
    return PullReport(ok, done.added + done.updated, done.added, pages,
                      time.monotonic() - started, error)  # fmt: skip


def ask_hq(store: Store, transport: HttpTransport, *, card: str | None = None,
           phone: str | None = None) -> bool:  # fmt: skip
    """Ask HQ for one member this till has not pulled yet, by card or phone, and keep
    them in the directory copy. True when HQ knew them (and this store may see them);
    False when not, or when HQ cannot be reached now (or not at the address set at the till)."""
    try:
        require_sealed_target(store, transport)
    except SyncError:
        return False
    try:
        answer = transport.find_member(card=card, phone=phone, own=taken_off(store))
    except (Unreachable, Refused):
        return False
    member = answer.get("member")
    if not isinstance(member, dict):
        return False
    with store.read() as s:
        tz = shop_info(s).timezone
    try:
        write_in_chunks(store, read_page([member]), tz, {})
    except BadEntry:
        return False
    return True


ASK_TIMEOUT_S = 3.0  # a cashier waits for the answer: HQ answers in time or not at all


def ask_hq_for(store: Store, query: str, token: str | None = None) -> bool:
    """After a lookup found no one here: when `query` is a card number or a whole mobile and
    this till syncs with HQ, ask HQ for that member (`ask_hq`). True when HQ knew them — a
    lookup now finds them; False when the query is neither, sync is not set up, there is no
    token, or HQ does not answer in ASK_TIMEOUT_S. Never raises for the network."""
    text = query.strip()
    card = phone = None
    try:
        phone = normalize_mobile(text)
    except DomainError:
        if CARD_PATTERN.match(text.upper()):
            card = text.upper()
    asking = asking_transport(store, token) if card is not None or phone is not None else None
    if asking is None:
        return False
    with asking[1] as transport:
        return ask_hq(store, transport, card=card, phone=phone)


def recheck_card_at_hq(store: Store, card_no: str, token: str | None = None) -> bool:
    """A card taken at this till, asked about at HQ once more while membership is
    chain-wide: another store may have reported it lost or replaced it, or frozen or
    cancelled its member, since the last pull. HQ's entry is written as a pull writes it.
    True when the card is now refused here or its member may not buy (the till takes them
    off the sale); False when nothing changed or HQ cannot be asked now (offline, no sync,
    no token, no answer in ASK_TIMEOUT_S). Never raises for the network."""
    card = card_no.strip().upper()
    if not CARD_PATTERN.match(card) or not cards_change_elsewhere(store):
        return False
    before = _card_state(store, card)
    if before is None:
        return False
    asking = asking_transport(store, token)
    if asking is None:
        return False
    with asking[1] as transport:
        if not ask_hq(store, transport, card=card):
            return False
    after = _card_state(store, card)
    return after != before and after != ("active", "active")


def cards_change_elsewhere(store: Store) -> bool:
    """Whether another store may bar a card this till holds (membership chain-wide, and a
    head office to ask): otherwise each store's members are its own, and nothing to ask."""
    with store.read() as s:
        chain_wide = read_setting(s, K_SCOPE) == "chain"
    return chain_wide and sync_config(store) is not None


def _card_state(store: Store, card: str) -> tuple[str, str] | None:
    """(the card's status, its member's) here, or None for a card this till does not hold."""
    with store.read() as s:
        row = (
            raw_connection(s)
            .execute(
                "SELECT c.status, m.status FROM cards c JOIN members m ON m.id = c.member_id"
                " WHERE c.card_no = ?",
                (card,),
            )
            .fetchone()
        )
    return None if row is None else (row[0], row[1])


def asking_transport(
    store: Store, token: str | None = None
) -> tuple[SyncConfig, HttpTransport] | None:
    """The link for a question a cashier waits on (answered in ASK_TIMEOUT_S or not at all),
    with the sync set-up it goes by; None when this till does not sync or has no token."""
    config = sync_config(store)
    if config is None:
        return None
    try:
        require_sealed_target(store)
    except SyncError:  # an address written into the file is not asked (check names it)
        return None
    token = token or TokenStore().get(config.terminal_id)  # the system keyring's by default
    if not token:
        return None
    return config, HttpTransport(config.url, token, timeout=ASK_TIMEOUT_S)
