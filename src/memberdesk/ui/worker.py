"""One serial worker thread for slow jobs (backups, imports, exports, PDFs, sync).

A job is a plain function of a `Progress`; it runs off the UI thread, one at a
time, and its result (a plain value, never an ORM object) comes back on the main
thread through a queued signal. Cancel is cooperative: a queued job is dropped, a
running one stops at its next `progress.check()` — or at the next report of a core
operation it handed `progress` to (core's `progress(done, total)` callbacks), which
leaves nothing half-done behind (core.progress).
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


class _Worker(QObject):
    finished = Signal(int, object, object)  # job id, result, error
    progressed = Signal(int, int, int, str)
    began = Signal(int)

    @Slot(int, object, object)
    def execute(self, job_id: int, run: Callable[[Progress], Any], progress: Progress) -> None:
        if progress.cancelled:
            self.finished.emit(job_id, None, JobCancelled())
            return
        self.began.emit(job_id)
        try:
            result = run(progress)
        except BaseException as exc:  # every failure goes back to the main thread
            if not isinstance(exc, JobCancelled):
                log.exception("job %s failed", job_id)
            self.finished.emit(job_id, None, exc)
            return
        self.finished.emit(job_id, result, None)


class JobRunner(QObject):
    """Owns the worker thread. Signals are delivered on the thread that created it."""

    _submit = Signal(int, object, object)
    started = Signal(int, str)  # job id, title
    progress = Signal(int, int, int, str)
    ended = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._jobs: dict[int, tuple[Job, Progress]] = {}
        self._closed = False
        self._thread = QThread()
        self._thread.setObjectName("memberdesk-worker")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.execute)
        self._worker.finished.connect(self._on_finished)
        self._worker.progressed.connect(self.progress)
        self._worker.began.connect(self._on_began)
        self._thread.start()

    def submit(self, job: Job) -> int:
        job_id = next(self._ids)
        progress = Progress(job_id, self._worker.progressed.emit)
        self._jobs[job_id] = (job, progress)
        self._submit.emit(job_id, job.run, progress)
        return job_id

    def cancel(self, job_id: int | None = None) -> None:
        """Cancel one job, or every job when no id is given."""
        for jid, (_, progress) in list(self._jobs.items()):
            if job_id is None or jid == job_id:
                progress.cancel()

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

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
        """Cancel what is queued, let the running job stop, and end the thread."""
        self._closed = True
        self.cancel()
        self._thread.quit()
        self._thread.wait(timeout_ms)
