"""`memberdesk check`: the file is sound and every invariant holds.

Each check is a function returning its findings (Messages, shown in the reader's
language); an empty report means the
cached totals agree with the ledgers, every change has its outbox row, and the
card and search tables agree with the members.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from threading import Event, Lock, Thread

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..errors import DomainError
from ..i18n import N_, Message
from ..members.erase import erased_names
from ..members.member import CARD_STATUS_NAMES, STATUS_NAMES
from ..members.search_keys import NAME_KEY
from ..store.connect import one_line
from ..store.database import Store
from ..store.statements import raw_connection
from .base import counted, examples, rows
from .coupons import COUPON_CHECK_NAMES, COUPON_CHECKS
from .held import HELD_CHECK_NAMES, HELD_CHECKS
from .journal import (
    JOURNAL_CHECKS,
    carried_spans,
    journal_reaches_anchor,
    nothing_marked_sent_unconfirmed,
)
from .ledgers import LEDGER_CHECKS
from .state import STATE_CHECK_NAMES, STATE_CHECKS

Check = Callable[[Session], list[Message]]


@dataclass
class CheckReport:
    problems: list[Message] = field(default_factory=list)
    checks_run: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def found(self) -> int:
        """The problems found, those beyond a kind's first examples included."""
        return counted(self.problems)


INTEGRITY = N_("the database integrity check failed: {detail}")


def _status(code: str) -> Message | str:
    return Message(STATUS_NAMES[code]) if code in STATUS_NAMES else code


def _card(code: str | None) -> Message | str:
    return Message(CARD_STATUS_NAMES[code]) if code in CARD_STATUS_NAMES else (code or "—")


def integrity(s: Session, pragma: str = "quick_check") -> list[Message]:
    """Every page of the file well formed, every record readable, every NOT NULL and
    CHECK constraint holding (SQLite's quick_check: one pass over the file); the
    indexes' entries are compared with their tables by integrity_full."""
    result = [r[0] for r in rows(s, f"PRAGMA {pragma}")]
    problems = [] if result == ["ok"] else [Message(INTEGRITY, detail="; ".join(result[:5]))]
    fk = rows(s, "PRAGMA foreign_key_check")
    if fk:
        problems.append(
            Message(N_("foreign keys disagree: {n} rows, e.g. {example}"), n=len(fk), example=fk[0])
        )
    return problems


def integrity_full(s: Session) -> list[Message]:
    """As integrity, and each index holds exactly its table's rows (SQLite's
    integrity_check: on a large shop several times as long)."""
    return integrity(s, "integrity_check")


def member_changes_have_outbox(s: Session) -> list[Message]:
    # Each member change bumps `version` and writes exactly one member.* event; the
    # changes HQ made to a member of the chain's directory (chain_base) have theirs at HQ.
    # Events a restore carried over are of changes that stayed in the file it replaced.
    skip = "".join(f" AND o.seq NOT BETWEEN {int(a)} AND {int(b)}" for a, b in carried_spans(s))
    found = rows(
        s,
        f"""SELECT m.name, m.card_no, m.version - m.chain_base AS version, COUNT(o.seq) AS events
            FROM members m LEFT JOIN outbox o
              ON o.aggregate_id = m.id AND o.kind LIKE 'member.%'{skip}
            GROUP BY m.id HAVING events != m.version - m.chain_base""",
    )
    return examples(
        found,
        lambda r: Message(
            N_("member {name} ({card}) has {changes} changes but {events} in the sync queue"),
            name=r.name,
            card=r.card_no,
            changes=r.version,
            events=r.events,
        ),  # fmt: skip
    )


def cards_agree(s: Session) -> list[Message]:
    found = rows(
        s,
        """SELECT m.name, m.card_no, m.status, c.status AS card_status FROM members m
           LEFT JOIN cards c ON c.card_no = m.card_no AND c.member_id = m.id
           WHERE NOT m.chain_hidden AND (c.id IS NULL
              OR (m.status IN ('active','frozen') AND c.status != 'active')
              OR (m.status = 'lost' AND c.status != 'lost'))""",
    )
    problems = examples(
        found,
        lambda r: Message(
            N_(
                "member {name}'s card {card} disagrees with the member (member {status}, card {card_status})"
            ),
            name=r.name,
            card=r.card_no,
            status=_status(r.status),
            card_status=_card(r.card_status),
        ),  # fmt: skip
    )
    multi = rows(
        s,
        "SELECT member_id, COUNT(*) AS n FROM cards WHERE status='active' GROUP BY member_id HAVING n > 1",
    )
    problems += examples(
        multi,
        lambda r: Message(N_("member {id} has {n} valid cards at once"), id=r.member_id, n=r.n),
    )
    # A card still accepted at the till must be its member's current card, of a live member.
    stray = rows(
        s,
        """SELECT m.name, m.card_no, m.status, c.card_no AS stray_no FROM cards c
           JOIN members m ON m.id = c.member_id
           WHERE c.status = 'active' AND (c.card_no != m.card_no OR m.status = 'cancelled')""",
    )
    problems += examples(
        stray,
        lambda r: Message(
            N_("member {name} ({card}, {status}): card {stray} is still valid and should not be"),
            name=r.name,
            card=r.card_no,
            status=_status(r.status),
            stray=r.stray_no,
        ),  # fmt: skip
    )
    return problems


def _name_key(name: str | None) -> str:
    # The same key search_keys() stores for the whole name. SQLite's lower() folds
    # ASCII only, so "ÉLODIE" or "ＡＢＣ" would look unindexed if compared in SQL.
    return (NAME_KEY + (name or "").strip().lower())[:80]


def search_keys_present(s: Session) -> list[Message]:
    """Every member is found by name, but one whose personal information was erased
    (members/erase.py: found by card only)."""
    dbapi = raw_connection(s)
    dbapi.create_function("md_name_key", 1, _name_key, deterministic=True)
    found = rows(
        s,
        """SELECT m.name, m.card_no FROM members m
           WHERE NOT m.chain_hidden AND NOT (m.status = 'cancelled' AND m.name IN ({erased}))
             AND NOT EXISTS (SELECT 1 FROM member_search k
                             WHERE k.key = md_name_key(m.name) AND k.member_id = m.id)""".format(
            erased=", ".join(f"'{n}'" for n in sorted(erased_names()))
        ),
    )
    return examples(
        found,
        lambda r: Message(N_("member {name} ({card}) is missing from the search index"),
                          name=r.name, card=r.card_no),
    )  # fmt: skip


def phones_shaped(s: Session) -> list[Message]:
    found = rows(
        s,
        """SELECT name, phone, phone_last4 FROM members WHERE phone IS NOT NULL
           AND (length(phone) != 11 OR phone_last4 IS NOT substr(phone, 8, 4))""",
    )
    return examples(
        found,
        lambda r: Message(N_("member {name}'s phone {phone} disagrees with its last four {last4}"),
                          name=r.name, phone=r.phone, last4=r.phone_last4),
    )  # fmt: skip


CHECKS: list[Check] = [
    integrity,
    member_changes_have_outbox,
    cards_agree,
    search_keys_present,
    phones_shaped,
    *LEDGER_CHECKS,  # money: balances = ledgers, every change has its outbox row
    *JOURNAL_CHECKS,  # the journal: whole chain, records as sealed, receipts without gaps
    *COUPON_CHECKS,  # coupons: status = ledger, issued = redeemed + expired + outstanding
    *STATE_CHECKS,  # members, staff, products, program, shifts: each as last sealed
    *HELD_CHECKS,  # held sales: each as its hold sealed it in the audit log
]


_BY_NAME: dict[str, Check] = {c.__name__: c for c in [*CHECKS, integrity_full]}

# How a check is named when it cannot run.
CHECK_NAMES = {
    "integrity": N_("database integrity"),
    "integrity_full": N_("database integrity with every index"),
    "member_changes_have_outbox": N_("member changes in the sync queue"),
    "cards_agree": N_("cards and members"),
    "search_keys_present": N_("search index"),
    "phones_shaped": N_("phone numbers"),
    "balances_match_ledgers": N_("balances and ledgers"),
    "ledger_chain": N_("ledger running balances"),
    "chain_sums_match": N_("other stores' balances"),
    "chain_entries_sealed": N_("other stores' entries as the pulls sealed them"),
    "entries_have_their_sale": N_("ledger entries and their sales"),
    "sales_add_up": N_("sale totals"),
    "journal_chain": N_("the sync journal's chain"),
    "audit_chain": N_("the audit log's chain"),
    "guards_present": N_("guards against rewriting"),
    "records_match_journal": N_("records and the sync journal"),
    "nothing_marked_sent_unconfirmed": N_("records marked sent"),
    "count_cards_add_up": N_("count cards and their ledger"),
    **COUPON_CHECK_NAMES,
    **STATE_CHECK_NAMES,
    **HELD_CHECK_NAMES,
}


def _cause(exc: Exception) -> str:
    return one_line(str(exc.orig if isinstance(exc, DBAPIError) else exc))


# Checks by the time they take on a large shop, longest first (100,000 members and 2M
# sales: 25, 22, 13, 7, 6, 5, 4 s): the lanes of run_checks take them in this order, so the long ones start at once and the short
# ones fill in beside them.
LONGEST_FIRST = (
    "integrity_full", "integrity", "records_match_journal", "journal_chain", "ledger_chain",
    "sales_add_up", "balances_match_ledgers", "entries_have_their_sale",
)  # fmt: skip
LANES = 2
# While checking, each lane's connection reads the file through a memory map and keeps
# more of it in its page cache; both go back to the store's usual settings after.
CHECK_CACHE_KIB = 262_144
CHECK_MMAP_BYTES = 1 << 40


def _order(checks: list[Check]) -> list[Check]:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    return sorted(checks, key=lambda c: rank.get(c.__name__, len(rank)))


def _run_one(check: Check, s: Session) -> list[Message]:
    try:
        return check(s)
    # Say which check could not run and go on with the others: a damaged page, or a table
    # someone dropped (the checks that read through the driver get sqlite3's own errors).
    # SQLite's error text from a damaged page may not even decode.
    except (DBAPIError, sqlite3.Error, UnicodeDecodeError) as exc:
        return [
            Message(INTEGRITY, detail=_cause(exc))
            if check in (integrity, integrity_full)
            else Message(N_("check {check} could not finish: {detail}"),
                         check=Message(CHECK_NAMES.get(check.__name__, check.__name__)),
                         detail=_cause(exc))
        ]  # fmt: skip


@contextmanager
def _reading(store: Store) -> Iterator[Session]:
    """One read transaction on a connection of its own, reading the file through a memory
    map with a larger page cache; the connection goes back to the store's settings after."""
    with store.read() as s:
        dbapi = raw_connection(s)
        cache = dbapi.execute("PRAGMA cache_size").fetchone()[0]
        dbapi.execute(f"PRAGMA cache_size=-{CHECK_CACHE_KIB}")
        dbapi.execute(f"PRAGMA mmap_size={CHECK_MMAP_BYTES}")
        try:
            yield s
        finally:
            dbapi.execute("PRAGMA mmap_size=0")
            dbapi.execute(f"PRAGMA cache_size={cache}")


def _lane(store: Store, queue: list[Check], found: dict[str, list[Message]], lock: Lock) -> None:
    """Take the next check off the shared queue until it is empty, on one read
    transaction of this lane's own connection."""
    with _reading(store) as s:
        while True:
            with lock:
                if not queue:
                    return
                check = queue.pop(0)
            found[check.__name__] = _run_one(check, s)


# A file this large is checked by lanes in processes of their own: the checks that hand
# millions of rows to Python (the journal's hashes, the ordered passes) hold the
# interpreter, so threads take turns where processes run side by side. Starting a
# process costs about a second, which a small shop's whole check does not take.
PROCESSES_FROM_BYTES = 256 << 20

# What a lane process holds: its store and its one read transaction, for every check it
# runs; or why the file could not be read.
_held: ExitStack | None = None
_session: Session | None = None
_unreadable: str | None = None


def _open_lane(path: str) -> None:
    """A lane process's start: open the file (never migrating it) and begin the one read
    transaction its checks share."""
    global _held, _session, _unreadable
    _held = ExitStack()
    try:
        store = _held.enter_context(Store(path, migrate_on_open=False))
        _session = _held.enter_context(_reading(store))
    except (DBAPIError, UnicodeDecodeError, DomainError) as exc:
        _unreadable = _cause(exc)


def _run_named(name: str) -> tuple[list[Message], str | None]:
    if _session is None:
        return [], _unreadable or "?"
    return _run_one(_BY_NAME[name], _session), None


def _run_in_processes(
    store: Store, checks: list[Check], lanes: int
) -> tuple[dict[str, list[Message]], list[str]]:
    """Each lane a process with its own read transaction; the checks handed out longest
    first, the next to whichever lane is free. Returns the findings by check and why
    a lane could not read the file."""
    spawn = multiprocessing.get_context("spawn")  # no fork of a process with threads (Qt)
    with ProcessPoolExecutor(
        max_workers=lanes, mp_context=spawn, initializer=_open_lane, initargs=(str(store.path),)
    ) as pool:
        futures = {c.__name__: pool.submit(_run_named, c.__name__) for c in _order(checks)}
        found, unreadable = {}, []
        for name, future in futures.items():
            found[name], cause = future.result()
            if cause is not None and cause not in unreadable:
                unreadable.append(cause)
        return found, unreadable


READ_AHEAD_BLOCK = 4 << 20


def _available_memory() -> int | None:
    """Memory the system can give without swapping (Linux's MemAvailable); None elsewhere."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


def _read_ahead(path: Path, done: Event) -> None:
    """Read the file once from start to end, so that the lanes' scattered reads find it in
    the OS's cache: a file just copied or after a restart is otherwise read page by page
    in the B-trees' order, which on a large shop waits on the disk for minutes. Only a
    file that fits well in free memory, and only until the checks end."""
    available = _available_memory()
    try:
        if available is None or path.stat().st_size > available // 2:
            return
        buffer = bytearray(READ_AHEAD_BLOCK)
        with open(path, "rb", buffering=0) as f:
            while not done.is_set() and f.readinto(buffer):
                pass
    except OSError:
        return  # only a help: the checks read the file themselves


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def run_checks(
    store: Store, *, lanes: int = LANES, full: bool = False, processes: bool | None = None
) -> CheckReport:
    """Run every check; a damaged file is reported as problems, never raised.

    The checks run in `lanes` lanes, each on its own read transaction: threads of this
    process for a small file, processes of their own for a large one (or as `processes`
    says), so the database's integrity check and the journal's hashing run side by
    side. The checks of one lane see one snapshot of the file; the report lists the
    findings in the order of CHECKS, whichever lane found them."""
    checks = [integrity_full if full and c is integrity else c for c in CHECKS]
    report = CheckReport(checks_run=[c.__name__ for c in checks] + ["journal_reaches_anchor"])
    if processes is None:
        processes = lanes > 1 and _size(store.path) >= PROCESSES_FROM_BYTES
    queue, found, lock = _order(checks), {}, Lock()
    failures: list[BaseException] = []

    def lane() -> None:
        try:
            _lane(store, queue, found, lock)
        except BaseException as exc:  # noqa: BLE001 — reported below, in this thread
            failures.append(exc)

    done = Event()
    ahead = Thread(
        target=_read_ahead, args=(store.path, done), name="check-read-ahead", daemon=True
    )
    ahead.start()
    unreadable: list[str] = []
    if processes:
        try:
            found, unreadable = _run_in_processes(store, checks, lanes)
        except (BrokenProcessPool, OSError):
            processes = False  # no processes to be had here: the lanes run as threads
    if not processes:
        threads = [
            Thread(target=lane, name=f"check-{i}", daemon=True) for i in range(max(1, lanes))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    done.set()
    anchored: list[Message] = []
    try:
        with store.read() as s:
            anchored = journal_reaches_anchor(s, store.path)
    except DBAPIError as exc:  # the lanes say the file cannot be read
        failures.append(exc)
    for check in checks:
        report.problems.extend(found.get(check.__name__, []))
        if check is nothing_marked_sent_unconfirmed:
            report.problems.extend(anchored)
    for cause in unreadable:
        report.problems.append(Message(N_("the database could not be read: {detail}"),
                                       detail=cause))  # fmt: skip
    for exc in failures:
        if isinstance(exc, DBAPIError | UnicodeDecodeError):  # even ending the read can fail
            report.problems.append(Message(N_("the database could not be read: {detail}"),
                                           detail=_cause(exc)))  # fmt: skip
        else:
            raise exc
    return report
