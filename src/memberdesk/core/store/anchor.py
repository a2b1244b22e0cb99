"""Where this computer last saw a shop file's journal and audit log reach: an anchor
outside the file.

The journal's and the audit log's hash chains (journal.py) show a row changed, inserted
or removed anywhere but at the very end. A tail cut off — the last sales deleted with
their journal rows, their guards dropped and put back, the counters moved back; the last
privileged acts taken out of the audit log — breaks no link, nor does an older copy of the
file put in its place, and only head office's copy showed it, for what it had received.
So after each write that adds journal rows or audit entries the till notes the last of
each (number and link) outside the file, in a small file of the user's state folder
(StateFile; never beside the shop's file), under the file's path; `memberdesk check` then
requires the journal and the audit log to reach those rows, with those links. Not the OS
keyring: the anchors are no secret, a keyring keeps nothing from the same user either,
and a locked one would ask a shop with no head office for its password at the first sale
(a keyring can still be chosen: use_vault).

The note is written on a thread of its own, the newest one per file, so a sale never
waits for it; what is not written yet when the program ends is written then (a store
that does not answer holds the end a few seconds at most). Only a write that waits for
the disk is noted (the directory pull's chunks do not: a power cut may take them, with
their seals, and the next pull writes them again). A file opened under another path or on
another computer has no anchor there, and nothing is claimed of it. Making a new shop file
forgets its path's anchor, and a restore (core/shop/backups.py) moves the anchor to the
restored file's ends: those are the two ways a journal or an audit log may legitimately
end earlier than it did.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..vault import Vault

SERVICE = "memberdesk-journal"


@dataclass(frozen=True)
class End:
    """The last row of a chained table this computer saw committed."""

    number: int  # the journal's seq, the audit entry's id
    chain: str  # … and its link
    at: datetime  # when (naive UTC, the till's clock)


@dataclass(frozen=True)
class Anchor:
    journal: End | None = None
    audit: End | None = None


STALE_PART_S = 60.0


class StateFile:
    """The anchors in a small file of the user's state folder, never beside the shop's
    file. The newest KEPT files' anchors stay."""

    KEPT = 256

    def __init__(self, path: Path) -> None:
        self.path = path

    def _all(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _save(self, data: dict[str, str]) -> None:
        kept = dict(list(data.items())[-self.KEPT :])
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            part = self.path.with_name(f"{self.path.name}.{os.getpid()}.part")
            part.write_text(json.dumps(kept), encoding="utf-8")
            os.replace(part, self.path)
        except OSError:
            return  # no anchor kept: `check` claims nothing, the till goes on
        for stale in self.path.parent.glob(f"{self.path.name}.*.part"):  # a program killed
            with contextlib.suppress(OSError):  # mid-write left it
                if time.time() - stale.stat().st_mtime > STALE_PART_S:
                    stale.unlink()

    def get(self, name: str) -> str | None:
        return self._all().get(name)

    def put(self, name: str, text: str) -> bool:
        data = self._all()
        data.pop(name, None)  # the newest last
        data[name] = text
        self._save(data)
        return False

    def forget(self, name: str) -> None:
        data = self._all()
        if data.pop(name, None) is not None:
            self._save(data)


def _state_file() -> StateFile:
    from platformdirs import user_state_dir

    return StateFile(Path(user_state_dir("memberdesk", appauthor=False)) / "journal-ends.json")


def _default_store() -> Vault | StateFile:
    return _state_file()


_chosen: Vault | StateFile | None = None
_choosing = threading.Lock()


def _store() -> Vault | StateFile:
    global _chosen
    with _choosing:
        if _chosen is None:
            _chosen = _default_store()
        return _chosen


def use_vault(vault: Vault | StateFile) -> None:
    """Keep the anchors in another store (tests; a keyring, if a machine wants one)."""
    global _chosen
    _writer.flush()
    with _writer._cond:
        _writer._held.clear()
    with _choosing:
        _chosen = vault


def _name(path: Path | str) -> str:
    """The file's key among the anchors: its whole path, hashed (no folder names kept);
    links followed, and on Windows in one case, so one file has one key however named."""
    return _name_of(str(path))


@functools.lru_cache(maxsize=256)  # asked at every write: resolving a path is system calls
def _name_of(path: str) -> str:
    whole = os.path.normcase(str(Path(path).resolve()))
    return hashlib.sha256(whole.encode()).hexdigest()[:32]


def _end_json(end: End | None) -> dict | None:
    return None if end is None else {"n": end.number, "chain": end.chain, "at": end.at.isoformat()}


def _end_of(data: object) -> End | None:
    if not isinstance(data, dict):
        return None
    try:
        return End(int(data["n"]), str(data["chain"]), datetime.fromisoformat(data["at"]))
    except (ValueError, KeyError, TypeError):
        return None


def _text(anchor: Anchor) -> str:
    return json.dumps({"journal": _end_json(anchor.journal), "audit": _end_json(anchor.audit)})


def _read(text: str | None) -> Anchor:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    return Anchor(_end_of(data.get("journal")), _end_of(data.get("audit")))


def _later(have: End | None, new: End | None) -> End | None:
    if new is None or (have is not None and have.number >= new.number):
        return have
    return new


def _merged(have: Anchor, new: Anchor) -> Anchor:
    return Anchor(_later(have.journal, new.journal), _later(have.audit, new.audit))


class _Writer:
    """The newest anchor of each file, written by one thread as the notes come."""

    def __init__(self) -> None:
        self._pending: dict[str, Anchor] = {}  # notes not written yet, merged per file
        self._held: dict[str, Anchor] = {}  # what the store holds per file, this run
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._writing = 0
        self._put_lock = threading.Lock()  # one write to the store at a time, in order

    def note(self, name: str, anchor: Anchor) -> None:
        with self._cond:
            idle = not self._pending  # else the thread is on its way and takes this too
            self._pending[name] = _merged(self._pending.get(name, Anchor()), anchor)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="journal-anchor", daemon=True
                )
                self._thread.start()
            if idle:
                self._cond.notify()

    def drop(self, name: str) -> None:
        """Forget what is waiting for `name` (a restore or a new file sets it anew)."""
        with self._cond:
            self._pending.pop(name, None)
            while self._writing:  # one already on its way is written before the new one
                self._cond.wait()
            self._held.pop(name, None)

    def _take(self) -> tuple[str, Anchor] | None:
        if not self._pending:
            return None
        name = next(iter(self._pending))
        self._writing += 1
        return name, self._pending.pop(name)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending:
                    self._cond.wait()
            # The notes of a burst of writes (an import's chunks, a busy till) go as one: a
            # write pays a dictionary entry, not a thread's waking.
            time.sleep(GATHER_S)
            while True:
                with self._cond:
                    taken = self._take()
                if taken is None:
                    break
                self._put(*taken)

    def _put(self, name: str, anchor: Anchor) -> None:
        try:
            with self._put_lock:
                held = self._held.get(name)
                if held is None:  # the first note of this run: the other end is kept
                    held = _read(_store().get(name))
                merged = _merged(held, anchor)
                if merged != held:
                    _store().put(name, _text(merged))
                self._held[name] = merged
        finally:
            with self._cond:
                self._writing -= 1
                self._cond.notify_all()

    def set(self, name: str, anchor: Anchor) -> None:
        """The anchor as given, over whatever was held (a restore)."""
        with self._put_lock:
            _store().put(name, _text(anchor))
            self._held[name] = anchor

    def flush(self) -> None:
        """Write what is waiting now, on this thread, and wait for one on its way."""
        while True:
            with self._cond:
                taken = self._take()
                if taken is None:
                    while self._writing:
                        self._cond.wait()
                    return
            self._put(*taken)


GATHER_S = 0.2
_writer = _Writer()
EXIT_WAIT_S = 5.0


def _at_exit() -> None:
    """What is waiting is written as the program ends, but a store that does not answer
    never holds the program open: a few seconds."""
    last = threading.Thread(target=_writer.flush, name="journal-anchor-exit", daemon=True)
    last.start()
    last.join(EXIT_WAIT_S)


atexit.register(_at_exit)


def note(path: Path | str, journal: End | None, audit: End | None) -> None:
    """A write committed journal rows or audit entries up to these: noted, not waited for."""
    if journal is not None or audit is not None:
        _writer.note(_name(path), Anchor(journal, audit))


def anchor_of(path: Path | str) -> Anchor | None:
    """The ends this computer last saw for the file at `path`, if any."""
    _writer.flush()
    text = _store().get(_name(path))
    if not text:
        return None
    return _read(text)


def forget(path: Path | str) -> None:
    """A new shop file at `path`: nothing of an earlier one's journal is expected of it."""
    name = _name(path)
    _writer.drop(name)
    _store().forget(name)


# The last row of each chained table, with its link (the unit of work reads them too).
JOURNAL_END = "SELECT seq, chain FROM outbox ORDER BY seq DESC LIMIT 1"
AUDIT_END = "SELECT id, chain FROM audit_log ORDER BY id DESC LIMIT 1"


def reset(path: Path | str, at: datetime) -> None:
    """A file put in place by a restore: its own ends are the anchor now."""
    name = _name(path)
    _writer.drop(name)
    ends: list[End | None] = []
    try:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
        try:
            for statement in (JOURNAL_END, AUDIT_END):
                row = conn.execute(statement).fetchone()
                ends.append(End(int(row[0]), str(row[1]), at) if row and row[1] else None)
        finally:
            conn.close()
    except sqlite3.Error:
        ends = []
    if not any(ends):
        _store().forget(name)
        return
    _writer.set(name, Anchor(*ends))
