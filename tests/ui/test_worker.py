"""The one serial worker: jobs run off the UI thread, one at a time, in order; results and
errors come back on the main thread; a queued job can be cancelled, a running one stops at
its next check."""

from __future__ import annotations

import threading
import time

import pytest

from memberdesk.ui.worker import Job, JobRunner


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
