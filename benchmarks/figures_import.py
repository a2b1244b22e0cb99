"""Figures of a long import: members from an old system's XLSX, and the till meanwhile.

The sheet is what a shop migrating from another POS hands over: name, mobile, gender,
birthday, notes, and the old system's points and stored value (principal and bonus),
written with openpyxl. The import runs as the window runs it — `import_members` on a
worker thread of the process that sells — into the working copy of the generated shop,
while the main thread goes on selling: a member sale every SALE_EVERY_S, each timed,
each followed by its raw-SQLite baseline (the same rows in one BEGIN IMMEDIATE …
COMMIT, as the checkout figures). Memory is the process's resident size, sampled while
the import runs, above what it was before (Linux /proc; elsewhere not measured).
"""

from __future__ import annotations

import random
import threading
import time
from datetime import date
from pathlib import Path

from memberdesk.core.clock import shop_date
from memberdesk.core.demo.names import random_name
from memberdesk.core.members.import_export import import_members
from memberdesk.core.shop.staff import Actor, list_staff
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import CheckoutRequest, checkout, quote

from .baseline import RawWriter
from .figures import _counter, _figure, sample_members
from .report import Figure
from .shaping import sale_lines

SALE_EVERY_S = 0.05  # a busy counter: a sale started every 50 ms while the import runs


def write_sheet(path: Path, members: int, rng: random.Random) -> Path:
    """An old system's member list: 199… mobiles (none of the generated shop's prefixes)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("会员")
    ws.append(["会员姓名", "手机号码", "性别", "生日", "备注", "积分", "储值本金", "储值赠送"])
    for n in range(members):
        name, gender = random_name(rng)
        birthday = date(rng.randint(1955, 2005), rng.randint(1, 12), rng.randint(1, 28))
        principal = rng.choice((0, 0, 0, 100, 500, 1000)) * 100 + rng.randint(0, 99)
        ws.append([
            name, f"199{n:08d}", "男" if gender == "M" else "女", birthday,
            rng.choice(("", "", "喜欢宽松款", "尺码 M，偏爱蓝色", "老顾客介绍")),
            rng.randint(0, 5000), principal / 100, (principal // 10) / 100,
        ])  # fmt: skip
    wb.save(path)
    return path


class _ResidentPeak:
    """The process's resident set, sampled on a thread of its own (MB above the start)."""

    def __init__(self) -> None:
        self.start = self.peak = _resident_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _ResidentPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            now = _resident_mb()
            if now is not None and self.peak is not None:
                self.peak = max(self.peak, now)

    @property
    def growth(self) -> float | None:
        return None if self.start is None or self.peak is None else self.peak - self.start


def _resident_mb() -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def import_figures(store: Store, members: int, workdir: Path, rng: random.Random) -> list[Figure]:
    sheet = write_sheet(workdir / "old-system.xlsx", members, rng)
    owner = next(Actor(s.id, s.name, s.role) for s in list_staff(store) if s.role == "owner")
    cashier = next(Actor(s.id, s.name, s.role) for s in list_staff(store) if s.role == "cashier")
    today = shop_date(store.clock.now())
    customers = sample_members(store, 2000, rng)
    raw = RawWriter(store.path)
    result: dict[str, object] = {}

    def run() -> None:
        started = time.perf_counter()
        result["report"] = import_members(store, owner, sheet, dry_run=False)
        result["seconds"] = time.perf_counter() - started

    real, base = [], []
    try:
        with _ResidentPeak() as memory:
            job = threading.Thread(target=run, name="import")
            job.start()
            i = 0
            while job.is_alive():
                member_id = customers[i % len(customers)][0]
                i += 1
                lines = sale_lines(rng)
                due = quote(store, CheckoutRequest(lines, member_id)).due_after_points_wallet
                req = CheckoutRequest(lines, member_id, tenders={"wechat": due})
                marks = raw.marks(member_id)
                started = time.perf_counter()
                sale = checkout(store, cashier, req)
                real.append(time.perf_counter() - started)
                base.append(raw.run(raw.capture_sale(marks, sale.sale_id, member_id, _counter("", today))))  # fmt: skip
                time.sleep(SALE_EVERY_S)
            job.join()
    finally:
        raw.close()
    report = result["report"]
    seconds = float(result["seconds"])  # type: ignore[arg-type]
    note = (f"{report.written:,} of {report.total:,} written ({len(report.problems)} problems, "  # type: ignore[attr-defined]
            f"{len(report.skipped)} already here by phone or card), "  # type: ignore[attr-defined]
            f"{members / seconds:,.0f} rows/s; {report.openings_text('en')}; "  # type: ignore[attr-defined]
            f"sheet {sheet.stat().st_size / 1e6:.1f} MB")  # fmt: skip
    figures = [Figure("import", f"{members:,} members from XLSX", "s", value=seconds, samples=1,
                      note=note)]  # fmt: skip
    growth = memory.growth
    if growth is not None:
        figures.append(Figure("import", "memory above the till's while importing", "MB",
                              value=max(growth, 0.1), samples=1,
                              note=f"resident set {memory.start:,.0f} → {memory.peak:,.0f} MB"))  # fmt: skip
    checkout_figure = _figure("checkout while the import runs", real, base,
                              f"{len(real)} sales, one every {SALE_EVERY_S * 1000:.0f} ms; "
                              f"the import writes chunks of its own transaction")  # fmt: skip
    checkout_figure.group = "import"
    checkout_figure.target = "p99 ≤ 200 ms (a sale waits one chunk at most)"
    checkout_figure.meets = (checkout_figure.p99 or 0) <= 200
    figures.append(checkout_figure)
    return figures
