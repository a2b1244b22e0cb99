"""Start the real window offscreen on a shop file and report when the till is usable.

    python benchmarks/app_probe.py --open-shift DB_PATH CLOCK_ISO   # once, untimed
    python benchmarks/app_probe.py DB_PATH CLOCK_ISO                # the timed start

The till sells only inside an open shift; without one it shows the opening-float
form instead of the sale screen. So the owner's shift is opened first, in its own
process before any timing starts (as a cashier who carries on with an unclosed shift
finds it), and the timed start then measures the sale screen.

The timed start runs as a fresh process (that is the "cold" in cold start): imports,
QApplication with the bundled font, the store (migration check), the main window
with its start-up jobs (expiry, tier review, backup) submitted in the background as
the app does, the owner logged in and the till's sale screen shown. Prints "READY"
when it has been painted and the event loop is idle, then waits for the start-up jobs
(up to a limit) and prints one JSON line: resident memory now and at its peak (VmHWM).
It exits with an error, printing no READY, if the till shows anything but the sale.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

JOBS_WAIT_S = 300
OPENING_FLOAT = 50_000  # fen: ¥500 in the drawer


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _probe_staff(store):
    """Who the probe logs in as: the owner (the shift is theirs)."""
    from memberdesk.core.shop.staff import Actor, list_staff

    owner = next(s for s in list_staff(store) if s.role == "owner")
    return Actor(owner.id, owner.name, owner.role)


def open_probe_shift(db: str, clock_iso: str) -> str:
    """The owner's open shift on `db` (opened now with the float if there is none)."""
    from memberdesk.core.clock import FixedClock
    from memberdesk.core.store.database import Store
    from memberdesk.core.till.shifts import open_shift, open_shift_of

    store = Store(db, clock=FixedClock(datetime.fromisoformat(clock_iso)))
    try:
        actor = _probe_staff(store)
        return open_shift_of(store, actor) or open_shift(store, actor, OPENING_FLOAT)
    finally:
        store.close()


def main() -> int:
    if sys.argv[1] == "--open-shift":
        print(open_probe_shift(sys.argv[2], sys.argv[3]), flush=True)
        return 0
    db, clock_iso = sys.argv[1], sys.argv[2]
    spawned = float(os.environ.get("BENCH_SPAWNED_AT", time.time()))
    phases: dict[str, float] = {}

    def phase(name: str) -> None:
        phases[name] = round(time.time() - spawned, 3)
        phases[name + "_rss_mb"] = round(_status_mb("VmRSS"), 1)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEventLoop

    from memberdesk.core.clock import FixedClock
    from memberdesk.core.store.database import Store
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
    window.enter(_probe_staff(store), None, "till")  # carries on with the open shift
    phase("logged_in")
    window.resize(1366, 768)
    window.show()
    for _ in range(3):  # paint, then let queued events settle
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    window.grab()  # the till as it is on screen: forces a full paint
    till = window.workspace.till
    if till.pages.currentWidget() is not till.sale_page:
        print("the till shows the opening-float form, not the sale: run --open-shift first",
              file=sys.stderr)  # fmt: skip
        ctx.shutdown()
        window.close()
        store.close()
        return 3
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
