"""The workers: jobs run off the UI thread; jobs of one kind one at a time, in order, and
kinds side by side (a long sync drain does not hold up a backup); a job that must be alone
waits for the others and holds them back; results and errors come back on the main
thread; a queued job can be cancelled, a running one stops at its next check; the status
bar follows several running jobs."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QLabel, QPushButton

from memberdesk.ui.widgets.job_status import JobStatus
from memberdesk.ui.worker import BACKUP, FILES, SYNC, Job, JobRunner, _Turns

from .conftest import child, click


@pytest.fixture
def runner(qapp):
    jobs = JobRunner()
    yield jobs
    jobs.shutdown()


def test_jobs_run_in_order_off_the_ui_thread_and_answer_on_it(qtbot, runner):
    main = threading.get_ident()
    ran, answered = [], []

    def work(n):
        def run(progress):
            ran.append((n, threading.get_ident() != main))
            time.sleep(0.02)
            return n * 10

        return run

    for n in range(3):
        runner.submit(
            Job(f"job {n}", work(n), lambda r: answered.append((r, threading.get_ident() == main)))
        )
    qtbot.waitUntil(lambda: len(answered) == 3)
    assert ran == [(0, True), (1, True), (2, True)]
    assert answered == [(0, True), (10, True), (20, True)]
    assert not runner.busy


def test_failures_and_cancels_come_back_as_such(qtbot, runner):
    gate = threading.Event()
    outcome = []

    def slow(progress):
        for _ in range(200):
            progress.report(1, 2, "half")
            progress.check()  # stops here once cancelled
            gate.wait(0.01)
        return "finished"

    def broken(progress):
        raise ValueError("bad file")

    first = runner.submit(
        Job("slow", slow, lambda r: outcome.append(r), cancelled=lambda: outcome.append("stopped"))
    )
    queued = runner.submit(Job("queued", lambda p: "never", lambda r: outcome.append(r),
                               cancelled=lambda: outcome.append("dropped")))  # fmt: skip
    runner.submit(Job("broken", broken, failed=lambda e: outcome.append(type(e).__name__)))
    with qtbot.waitSignal(runner.progress):
        pass
    runner.cancel(queued)
    runner.cancel(first)
    qtbot.waitUntil(lambda: len(outcome) == 3)
    assert outcome == ["stopped", "dropped", "ValueError"]


class Held:
    """A job that runs until released (or cancelled), like a long sync drain."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.running = threading.Event()
        self.release = threading.Event()

    def __call__(self, progress):
        self.running.set()
        while not self.release.wait(0.01):
            progress.check()
        return self.name


def test_a_long_sync_job_does_not_hold_up_a_backup(qtbot, runner):
    drain, answered = Held("sync"), []
    runner.submit(Job("sync", drain, answered.append, kind=SYNC))
    qtbot.waitUntil(drain.running.is_set)
    runner.submit(Job("backup", lambda progress: "backup", answered.append, kind=BACKUP))
    qtbot.waitUntil(lambda: answered == ["backup"])
    assert runner.busy_with(SYNC) and not runner.busy_with(BACKUP)
    runner.submit(Job("second sync", lambda progress: "second sync", answered.append, kind=SYNC))
    qtbot.wait(100)
    assert answered == ["backup"]  # a sync queues behind the sync
    drain.release.set()
    qtbot.waitUntil(lambda: len(answered) == 3)
    assert answered == ["backup", "sync", "second sync"]


def test_a_job_that_must_be_alone_waits_for_the_others_and_holds_them_back(
    qtbot, runner, monkeypatch
):
    drain, restore, order = Held("sync"), Held("restore"), []
    give_back = _Turns.give_back

    def slow_after_giving_back(turns, exclusive):  # a busy machine between the two steps
        give_back(turns, exclusive)
        if exclusive:
            time.sleep(0.2)

    monkeypatch.setattr(_Turns, "give_back", slow_after_giving_back)
    runner.submit(Job("sync", drain, order.append, kind=SYNC))
    qtbot.waitUntil(drain.running.is_set)
    runner.submit(Job("backup", lambda progress: "backup", order.append, kind=BACKUP))
    runner.submit(Job("restore", restore, order.append, kind=BACKUP, exclusive=True))
    runner.submit(Job("export", lambda progress: "export", order.append, kind=FILES))
    qtbot.waitUntil(lambda: order == ["backup"])  # submitted before it: not held back
    qtbot.wait(150)
    assert not restore.running.is_set() and order == ["backup"]  # it waits for the drain…
    drain.release.set()
    qtbot.waitUntil(restore.running.is_set)
    qtbot.waitUntil(lambda: "sync" in order)  # its answer comes through the event loop
    qtbot.wait(150)
    assert order == ["backup", "sync"]  # …and the export submitted after it waits for it
    restore.release.set()
    qtbot.waitUntil(lambda: len(order) == 4)
    assert order == ["backup", "sync", "restore", "export"]  # its answer comes first


def test_shutdown_stops_the_running_jobs_of_every_kind(qapp):
    jobs = JobRunner()
    held = [Held(kind) for kind in (SYNC, BACKUP, FILES)]
    for h in held:
        jobs.submit(Job(h.name, h, kind=h.name, stoppable=True))
    deadline = time.monotonic() + 10
    while not all(h.running.is_set() for h in held) and time.monotonic() < deadline:
        qapp.processEvents()
    began = time.monotonic()
    jobs.shutdown()
    assert time.monotonic() - began < 5
    assert not any(h.release.is_set() for h in held)  # they stopped at their checks


def test_the_status_bar_follows_several_running_jobs(qtbot, runner):
    status = JobStatus(runner)
    qtbot.addWidget(status)
    drain, export = Held("sync"), Held("export")
    stopped = []
    runner.submit(Job("上传到总部", drain, kind=SYNC))
    qtbot.waitUntil(drain.running.is_set)
    runner.submit(Job("导出", export, kind=FILES, stoppable=True,
                      cancelled=lambda: stopped.append("export")))  # fmt: skip
    qtbot.waitUntil(export.running.is_set)
    label, more = child(status, QLabel, "job_label"), child(status, QLabel, "job_more")
    cancel = child(status, QPushButton, "job_cancel")
    qtbot.waitUntil(lambda: label.text() == "导出")  # the latest begun is shown…
    assert status.isVisible() and more.text() == "+1"  # …with how many run beside it
    assert cancel.isVisible()

    click(qtbot, cancel)  # cancels the job shown, not the one beside it
    qtbot.waitUntil(lambda: stopped == ["export"])
    qtbot.waitUntil(lambda: label.text() == "上传到总部")
    assert not more.isVisible()
    assert not cancel.isVisible()  # the drain cannot stop partway: no button
    drain.release.set()
    qtbot.waitUntil(lambda: not status.isVisible())
