"""Worker threads for slow jobs (backups, imports, exports, PDFs, sync, printing).

A job is a plain function of a `Progress`; it runs off the UI thread and its result
(a plain value, never an ORM object) comes back on the main thread through a queued
signal. Jobs queue by kind: each kind (`SYNC`, `BACKUP`, `FILES`, …) has a thread of
its own and runs its jobs one at a time, in order, while the kinds run side by side —
a long sync drain never holds up a backup, an export or a receipt. A job that must
have the database to itself (a restore) is `exclusive`: it waits for the running jobs
of every kind to end and holds the others back while it runs. Cancel is cooperative:
a queued job is dropped, a running one stops at its next `progress.check()` — or at
the next report of a core operation it handed `progress` to (core's
`progress(done, total)` callbacks), which leaves nothing half-done behind
(core.progress).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)

# Kinds of job; each queues behind the jobs of its own kind only.
SYNC = "sync"  # pushing the outbox to head office
BACKUP = "backup"  # backups and restores
FILES = "files"  # imports, exports, call sheets and other files the owner asked for
REPORT = "report"  # lists and figures read for a view
PRINT = "print"  # receipts and slips to the printer, the cash drawer
ASK = "ask"  # asking head office for a member the search box missed
DB = "db"  # anything else: the daily upkeep, the demo shop


class JobCancelled(Exception):
    """Raised inside a job when its cancel was asked for."""


class Progress:
    """A job's line back to the window: how far it is, and whether it should stop.

    Calling it, ``progress(done, total)``, is the callback core operations take: it
    reports (at most every REPORT_EVERY_S, so a fast loop does not flood the UI) and
    raises JobCancelled once a cancel was asked for."""

    REPORT_EVERY_S = 0.1

    def __init__(self, job_id: int, emit: Callable[[int, int, int, str], None]) -> None:
        self.job_id = job_id
        self._emit = emit
        self._cancel = threading.Event()
        self._last = 0.0

    def report(self, done: int, total: int, text: str = "") -> None:
        self._last = time.monotonic()
        self._emit(self.job_id, done, total, text)

    def __call__(self, done: int, total: int) -> None:
        self.check()
        if done == total or time.monotonic() - self._last >= self.REPORT_EVERY_S:
            self.report(done, total)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise JobCancelled


@dataclass
class Job:
    title: str
    run: Callable[[Progress], Any]
    done: Callable[[Any], None] | None = None
    failed: Callable[[BaseException], None] | None = None
    cancelled: Callable[[], None] | None = None
    # It hands `progress` to core, so it can stop partway; others run to the end once begun.
    stoppable: bool = False
    kind: str = DB
    # It runs with no job of any kind beside it (a restore replaces the database file).
    exclusive: bool = False


class _Turns:
    """Who may run now: any number of ordinary jobs side by side, or one exclusive job alone.

    Turns follow the order jobs were submitted in (their ids): an exclusive job waits
    for the jobs running when its turn comes, and jobs submitted after it wait until it
    is done — so a stream of short jobs cannot put it off for ever, and a job queued
    before it in its own lane is never kept waiting for it. A job cancelled while it
    waits gives up its turn."""

    POLL_S = 0.1

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._running = 0
        self._alone = False
        self._pending_alone: set[int] = set()  # ids of exclusive jobs submitted, not yet begun

    def reserve(self, job_id: int) -> None:
        """An exclusive job was submitted (on the submitting thread, so its place is kept)."""
        with self._cond:
            self._pending_alone.add(job_id)

    def withdraw(self, job_id: int) -> None:
        """An exclusive job will not run after all."""
        with self._cond:
            self._pending_alone.discard(job_id)
            self._cond.notify_all()

    def take(self, job_id: int, exclusive: bool, progress: Progress) -> None:
        """Wait for this job's turn; raises JobCancelled when it is cancelled meanwhile."""
        with self._cond:
            if exclusive:
                try:
                    while self._running or self._alone:
                        progress.check()
                        self._cond.wait(self.POLL_S)
                finally:
                    self._pending_alone.discard(job_id)
                    self._cond.notify_all()
                self._alone = True
            else:
                while self._alone or any(other < job_id for other in self._pending_alone):
                    progress.check()
                    self._cond.wait(self.POLL_S)
                self._running += 1

    def give_back(self, exclusive: bool) -> None:
        with self._cond:
            if exclusive:
                self._alone = False
            else:
                self._running -= 1
            self._cond.notify_all()


class _Worker(QObject):
    finished = Signal(int, object, object)  # job id, result, error
    progressed = Signal(int, int, int, str)
    began = Signal(int)

    def __init__(self, turns: _Turns) -> None:
        super().__init__()
        self._turns = turns

    @Slot(int, object, object, bool)
    def execute(self, job_id: int, run: Callable[[Progress], Any], progress: Progress,
                exclusive: bool) -> None:  # fmt: skip
        if progress.cancelled:
            if exclusive:
                self._turns.withdraw(job_id)
            self.finished.emit(job_id, None, JobCancelled())
            return
        self.began.emit(job_id)
        try:
            self._turns.take(job_id, exclusive, progress)
        except JobCancelled as exc:
            self.finished.emit(job_id, None, exc)
            return
        # The answer is queued before the turn is given back, so the answer of a job
        # that held others back reaches the window before theirs.
        try:
            result = run(progress)
        except BaseException as exc:  # every failure goes back to the main thread
            if not isinstance(exc, JobCancelled):
                log.exception("job %s failed", job_id)
            self.finished.emit(job_id, None, exc)
        else:
            self.finished.emit(job_id, result, None)
        finally:
            self._turns.give_back(exclusive)


class _Lane(QObject):
    """The thread of one kind of job, and the queue in front of it (its event queue)."""

    submit = Signal(int, object, object, bool)

    def __init__(self, kind: str, turns: _Turns, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName(f"memberdesk-{kind}")
        self.worker = _Worker(turns)
        self.worker.moveToThread(self.thread)
        self.submit.connect(self.worker.execute)
        self.thread.start()


class JobRunner(QObject):
    """Owns the worker threads, one per kind of job. Signals are delivered on the thread
    that created it."""

    started = Signal(int, str)  # job id, title
    progress = Signal(int, int, int, str)
    ended = Signal(int)
    kind_ended = Signal(str)  # a job of this kind ended, however it went (its writes are in)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._jobs: dict[int, tuple[Job, Progress]] = {}
        self._lanes: dict[str, _Lane] = {}
        self._turns = _Turns()
        self._closed = False

    def _lane(self, kind: str) -> _Lane:
        lane = self._lanes.get(kind)
        if lane is None:  # a kind's thread starts with its first job
            lane = self._lanes[kind] = _Lane(kind, self._turns, self)
            lane.worker.finished.connect(self._on_finished)
            lane.worker.progressed.connect(self.progress)
            lane.worker.began.connect(self._on_began)
        return lane

    def submit(self, job: Job) -> int:
        job_id = next(self._ids)
        lane = self._lane(job.kind)
        progress = Progress(job_id, lane.worker.progressed.emit)
        self._jobs[job_id] = (job, progress)
        if job.exclusive:
            self._turns.reserve(job_id)
        lane.submit.emit(job_id, job.run, progress, job.exclusive)
        return job_id

    def cancel(self, job_id: int | None = None) -> None:
        """Cancel one job, or every job when no id is given."""
        for jid, (_, progress) in list(self._jobs.items()):
            if job_id is None or jid == job_id:
                progress.cancel()

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def busy_with(self, kind: str) -> bool:
        """Whether a job of `kind` is queued or running."""
        return any(job.kind == kind for job, _ in self._jobs.values())

    def title(self, job_id: int) -> str:
        entry = self._jobs.get(job_id)
        return entry[0].title if entry else ""

    def stoppable(self, job_id: int) -> bool:
        entry = self._jobs.get(job_id)
        return entry[0].stoppable if entry else False

    def _on_began(self, job_id: int) -> None:
        entry = self._jobs.get(job_id)
        if entry is not None:
            self.started.emit(job_id, entry[0].title)

    def _on_finished(self, job_id: int, result: Any, error: BaseException | None) -> None:
        entry = self._jobs.pop(job_id, None)
        self.ended.emit(job_id)
        if entry is not None:
            self.kind_ended.emit(entry[0].kind)
        if entry is None or self._closed:  # no one is left to show it to
            return
        job = entry[0]
        if isinstance(error, JobCancelled):
            if job.cancelled:
                job.cancelled()
        elif error is not None:
            if job.failed:
                job.failed(error)
        elif job.done:
            job.done(result)

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Cancel what is queued, let the running jobs stop, and end the threads."""
        self._closed = True
        self.cancel()
        for lane in self._lanes.values():
            lane.thread.quit()
        deadline = time.monotonic() + timeout_ms / 1000
        for lane in self._lanes.values():
            left_ms = max(0, int((deadline - time.monotonic()) * 1000))
            lane.thread.wait(left_ms)
