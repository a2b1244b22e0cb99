"""Where this computer last saw a shop file's journal reach: an anchor outside the file.

The journal's hash chain (journal.py) shows a row changed, inserted or removed anywhere
but at its very end. A tail cut off — the last sales deleted with their journal rows,
their guards dropped and put back, the counters moved back — breaks no link, nor does an
older copy of the file put in its place, and only head office's copy showed it, for what
it had received. So after each write that adds journal rows the till notes the journal's
last sequence number and link outside the file, in the OS keyring (core/vault.py: the
sync token's and the coupon keys' store), under the file's path; `memberdesk check`
then requires the journal to reach that row, with that link.

The note is written on a thread of its own, the newest one per file, so a sale never
waits for the keyring; what is not written yet when the program ends is written then.
A file opened under another path or on another computer has no anchor there, and
nothing is claimed of it. Making a new shop file forgets its path's anchor, and a
restore (core/shop/backups.py) moves the anchor to the restored journal's end: those
are the two ways a journal may legitimately end earlier than it did. Where the machine
has no secure keyring the anchor lasts as long as the program (Vault's memory).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..vault import Vault

SERVICE = "memberdesk-journal"


@dataclass(frozen=True)
class Anchor:
    seq: int  # the journal's last row this computer saw committed
    chain: str  # … and its link
    at: datetime  # when (naive UTC, the till's clock)


_vault = Vault(service=SERVICE)


def use_vault(vault: Vault) -> None:
    """Keep the anchors in another store (tests, a machine's own keyring setup)."""
    global _vault
    _writer.flush()
    _vault = vault


def _name(path: Path | str) -> str:
    """The file's key in the keyring: its whole path, hashed (no folder names kept there)."""
    return hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:32]


def _text(anchor: Anchor) -> str:
    return json.dumps({"seq": anchor.seq, "chain": anchor.chain, "at": anchor.at.isoformat()})


class _Writer:
    """The newest anchor of each file, written by one thread as they come."""

    def __init__(self) -> None:
        self._pending: dict[str, Anchor] = {}
        self._written: dict[str, int] = {}  # the seq last written per file, this run
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._writing = 0
        self._put_lock = threading.Lock()  # one write to the keyring at a time, in order

    def note(self, name: str, anchor: Anchor) -> None:
        with self._cond:
            have = self._pending.get(name)
            if have is not None and have.seq >= anchor.seq:
                return
            self._pending[name] = anchor
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="journal-anchor", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def drop(self, name: str) -> None:
        """Forget what is waiting for `name` (a restore or a new file sets it anew)."""
        with self._cond:
            self._pending.pop(name, None)
            while self._writing:  # one already on its way is written before the new one
                self._cond.wait()
            self._written.pop(name, None)

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
                name, anchor = self._take()  # type: ignore[misc]
            self._put(name, anchor)

    def _put(self, name: str, anchor: Anchor) -> None:
        try:
            with self._put_lock:
                if anchor.seq > self._written.get(name, 0):
                    _vault.put(name, _text(anchor))
                    self._written[name] = anchor.seq
        finally:
            with self._cond:
                self._writing -= 1
                self._cond.notify_all()

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


_writer = _Writer()


def _at_exit() -> None:
    """What is waiting is written as the program ends, but a keyring that does not answer
    (locked, asking for its password) never holds the program open: a few seconds."""
    last = threading.Thread(target=_writer.flush, name="journal-anchor-exit", daemon=True)
    last.start()
    last.join(EXIT_WAIT_S)


EXIT_WAIT_S = 5.0
atexit.register(_at_exit)


def note(path: Path | str, seq: int, chain: str, at: datetime) -> None:
    """A write committed journal rows up to `seq` (its link `chain`): noted, not waited for."""
    _writer.note(_name(path), Anchor(seq, chain, at))


def anchor_of(path: Path | str) -> Anchor | None:
    """The journal's end this computer last saw for the file at `path`, if any."""
    _writer.flush()
    text = _vault.get(_name(path))
    if not text:
        return None
    try:
        data = json.loads(text)
        return Anchor(int(data["seq"]), str(data["chain"]), datetime.fromisoformat(data["at"]))
    except (ValueError, KeyError, TypeError):
        return None


def forget(path: Path | str) -> None:
    """A new shop file at `path`: nothing of an earlier one's journal is expected of it."""
    name = _name(path)
    _writer.drop(name)
    _vault.forget(name)


def reset(path: Path | str, at: datetime) -> None:
    """A file put in place by a restore: its own journal's end is the anchor now."""
    name = _name(path)
    _writer.drop(name)
    try:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT seq, chain FROM outbox ORDER BY seq DESC LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        row = None
    if row is None or not row[1]:
        _vault.forget(name)
        return
    with _writer._put_lock:
        _vault.put(name, _text(Anchor(int(row[0]), str(row[1]), at)))
        _writer._written[name] = int(row[0])
