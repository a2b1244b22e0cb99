"""Start the real window offscreen on a shop file and report when the till is usable.

    python benchmarks/app_probe.py DB_PATH CLOCK_ISO

Run as a fresh process by the benchmark (that is the "cold" in cold start): imports,
QApplication with the bundled font, the store (migration check), the main window
with its start-up jobs (expiry, tier review, backup) submitted in the background as
the app does, the owner logged in and the till shown. Prints "READY" when the till
has been painted and the event loop is idle, then waits for the start-up jobs (up to
a limit) and prints one JSON line: resident memory now and at its peak (VmHWM).
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

JOBS_WAIT_S = 300


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    db, clock_iso = sys.argv[1], sys.argv[2]
    spawned = float(os.environ.get("BENCH_SPAWNED_AT", time.time()))
    phases: dict[str, float] = {}

    def phase(name: str) -> None:
        phases[name] = round(time.time() - spawned, 3)
        phases[name + "_rss_mb"] = round(_status_mb("VmRSS"), 1)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEventLoop

    from memberdesk.core.clock import FixedClock
    from memberdesk.core.db import Store
    from memberdesk.core.staff import Actor, list_staff
    from memberdesk.ui.bootstrap import make_application
    from memberdesk.ui.context import AppContext
    from memberdesk.ui.main_window import MainWindow

    phase("imported")
    app = make_application("zh")
    phase("application")
    store = Store(db, clock=FixedClock(datetime.fromisoformat(clock_iso)))
    ctx = AppContext(store, "zh")
    window = MainWindow(ctx)  # start-up jobs on, as the app runs
    phase("window")
    owner = next(s for s in list_staff(store) if s.role == "owner")
    window.enter(Actor(owner.id, owner.name, owner.role), None, "till")
    phase("logged_in")
    window.resize(1366, 768)
    window.show()
    for _ in range(3):  # paint, then let queued events settle
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    window.grab()  # the till as it is on screen: forces a full paint
    phase("till_shown")
    print("READY", flush=True)
    ready_rss = _status_mb("VmRSS")
    deadline = time.monotonic() + JOBS_WAIT_S
    while ctx.jobs.busy and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 100)
        time.sleep(0.05)
    jobs_done = not ctx.jobs.busy
    phase("jobs_done" if jobs_done else "jobs_waited")
    print(json.dumps({"rss_ready_mb": round(ready_rss, 1), "rss_mb": round(_status_mb("VmRSS"), 1),
                      "peak_rss_mb": round(_status_mb("VmHWM"), 1), "jobs_done": jobs_done,
                      "cpu_s": round(time.process_time(), 2), "phases": phases}), flush=True)  # fmt: skip
    ctx.shutdown()
    window.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
