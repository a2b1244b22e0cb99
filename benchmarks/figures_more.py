"""Figures of the owner's side and of the whole app: follow-up lists, the call-sheet
PDF, the sync drain, cold start and memory, and storage.

Each looks for the code it measures first and says "not built yet" when it is not
there, so the benchmark runs at every stage of the project.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from memberdesk.core.shop.staff import Actor, list_staff
from memberdesk.core.store.database import Store

from .population import END
from .report import NOT_BUILT, UNAVAILABLE, Figure, absent, percentiles

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _have(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def followup_figures(store: Store, repeat: int) -> tuple[list[Figure], Any]:
    """Each list's generation time (p50 of `repeat` runs); returns the longest list too."""
    if not _have("memberdesk.core.followups.lists"):
        return [absent("follow-ups", "follow-up lists", NOT_BUILT, "core/followups.py")], None
    from memberdesk.core.followups.lists import LIST_KINDS, LIST_NAMES, followup_list
    from memberdesk.core.i18n import gettext

    # The lists the targets name (birthdays next month, dormant 3 months, new-member days),
    # then the rest the owner has: dormant over every band, big purchases, regulars dropping.
    # Named as the earlier runs named them (the 简体 titles), so the figures compare.
    title = {kind: gettext(LIST_NAMES[kind], "zh_CN") for kind in LIST_KINDS}
    lists = [(kind, f"{kind} ({title[kind]})", {}) for kind in LIST_KINDS]
    lists[1] = ("dormant", f"dormant, every band ({title['dormant']})", {})
    lists.insert(1, ("dormant", "dormant 3 months (沉睡 90 天)", {"dormant_days": (90,)}))
    figures, longest = [], None
    for kind, name, options in lists:
        followup_list(store, kind, **options)  # warm
        times, fl = [], None
        for _ in range(repeat):
            t = time.perf_counter()
            fl = followup_list(store, kind, **options)
            times.append(time.perf_counter() - t)
        p50, p99 = percentiles(times)
        figures.append(Figure("follow-ups", name, "ms", p50, p99,
                              target="≤ 200 ms", meets=p99 <= 200, samples=repeat,
                              note=f"{len(fl.rows):,} rows, {fl.period.label}"))  # fmt: skip
        if longest is None or len(fl.rows) > len(longest.rows):
            longest = fl
    return figures, longest


def callsheet_figure(store: Store, fl: Any, rows: int, workdir: Path) -> Figure:
    name = f"call sheet PDF, {rows:,} rows"
    if not _have("memberdesk.core.followups.callsheet_pdf") or fl is None:
        return absent("follow-ups", name, NOT_BUILT, "core/callsheet_pdf.py", "5,000 rows ≤ 5 s")
    from memberdesk.core.followups.callsheet_pdf import build_callsheet_pdf

    have = len(fl.rows)
    if not have:
        return absent("follow-ups", name, UNAVAILABLE, "every follow-up list is empty")
    sheet = replace(fl, rows=tuple((fl.rows * (rows // have + 1))[:rows]))
    owner = next(s for s in list_staff(store) if s.role == "owner")
    actor = Actor(owner.id, owner.name, owner.role)
    build_callsheet_pdf(store, actor, replace(fl, rows=fl.rows[:20]), workdir / "warm.pdf")
    t, c = time.perf_counter(), time.process_time()
    out = build_callsheet_pdf(store, actor, sheet, workdir / "callsheet.pdf")
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    repeated = f"; the {have:,} rows of the {fl.kind} list repeated" if have < rows else ""
    return Figure("follow-ups", name, "s", value=seconds, target="5,000 rows ≤ 5 s",
                  meets=seconds * 5000 / rows <= 5, samples=1,
                  note=f"{out.pages} pages, {out.path.stat().st_size // 1024:,} KiB, CPU {cpu:.1f} s{repeated}")  # fmt: skip


def _drain(name: str, backend: list[str], events: int, target: str, where: str) -> Figure:
    proc = subprocess.run([sys.executable, str(HERE / "sync_drain.py"), "--events", str(events), *backend],
                          capture_output=True, text=True, cwd=ROOT, timeout=3600)  # fmt: skip
    result = next(
        (json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")), None
    )
    if proc.returncode != 0 or result is None:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        return absent("sync", name, UNAVAILABLE, f"sync_drain.py failed: {tail[0][:200]}", target)
    rate = float(result["events_per_s"])
    return Figure("sync", name, "events/s", value=rate, target=target,
                  meets=rate >= 5000 if target else None, samples=1,
                  note=f"{result['events']:,} events in {result['batches']} batches (its own seed terminal, {where})",
                  extra=result)  # fmt: skip


def sync_figures(events: int, pg_url: str | None) -> list[Figure]:
    """The drain to HQ on PostgreSQL (the target) and on an SQLite file (for information)."""
    pg, lite = "sync drain to HQ (PostgreSQL)", "sync drain to HQ (SQLite)"
    target = "≥ 5,000 events/s"
    if not (HERE / "sync_drain.py").exists():
        return [absent("sync", pg, NOT_BUILT, "benchmarks/sync_drain.py", target),
                absent("sync", lite, NOT_BUILT, "benchmarks/sync_drain.py")]  # fmt: skip
    url = pg_url or os.environ.get("MEMBERDESK_TEST_PG", "")
    if url:
        figures = [_drain(pg, ["--db", url], events, target, "HQ on PostgreSQL")]
    else:
        figures = [absent("sync", pg, UNAVAILABLE,
                          "needs PostgreSQL: --pg URL or MEMBERDESK_TEST_PG (. .ci/postgres.sh && start_postgres)",
                          target)]  # fmt: skip
    figures.append(_drain(lite, ["--sqlite"], events, "", "HQ on a fresh SQLite file"))
    return figures


def app_figures(db: Path, runs: int) -> list[Figure]:
    targets = ("≤ 2 s", "≤ 250 MB")
    if not (_have("memberdesk.ui.main_window") and _have("PySide6")):
        return [absent("app", "cold start to usable till", NOT_BUILT, "ui/main_window.py", targets[0]),
                absent("app", "resident memory", NOT_BUILT, "ui/main_window.py", targets[1])]  # fmt: skip
    starts, peaks, ready_rss, details = [], [], [], []
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    probe, clock = str(HERE / "app_probe.py"), END.isoformat() + "+00:00"
    # The till sells inside a shift only: open the owner's before timing, or the
    # start would end at the opening-float form instead of the sale screen.
    shift = subprocess.run([sys.executable, probe, "--open-shift", str(db), clock],
                           capture_output=True, text=True, env=env, cwd=ROOT)  # fmt: skip
    if shift.returncode != 0:
        note = f"app_probe --open-shift failed: {(shift.stderr or '').strip().splitlines()[-1:]}"
        return [absent("app", "cold start to usable till", UNAVAILABLE, note, targets[0])]
    for _ in range(runs):
        env["BENCH_SPAWNED_AT"] = repr(time.time())
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, probe, str(db), clock],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)  # fmt: skip
        assert proc.stdout is not None
        ready = None
        for line in proc.stdout:
            if line.strip() == "READY":
                ready = time.perf_counter() - t
            elif line.startswith("{"):
                details.append(json.loads(line))
        err = proc.communicate()[1]
        if proc.returncode != 0 or ready is None or not details:
            note = f"app_probe failed: {(err or '').strip().splitlines()[-1:]}"
            return [absent("app", "cold start to usable till", UNAVAILABLE, note, targets[0])]
        starts.append(ready)
        peaks.append(details[-1]["peak_rss_mb"])
        ready_rss.append(details[-1]["rss_ready_mb"])
    start = statistics.median(starts)
    phases = details[-1].get("phases", {})
    slow = ", ".join(f"{k} {v:.1f}s" for k, v in phases.items() if not k.endswith("_mb"))
    return [
        Figure("app", "cold start to usable till", "s", value=start, target=targets[0],
               meets=start <= 2, samples=runs, note=f"median of {runs}; phases since spawn: {slow}",
               extra={"runs": starts, "probe": details}),
        Figure("app", "resident memory", "MB", value=max(peaks), target=targets[1],
               meets=max(peaks) <= 250, samples=runs,
               note=f"peak (VmHWM) incl. start-up jobs; {max(ready_rss):.0f} MB when the till is shown; "
                    f"{phases.get('imported_rss_mb', 0):.0f} MB after imports"),
    ]  # fmt: skip


MEMBER_TABLES = ("members", "cards", "member_search")


def storage_figure(db: Path, shop: dict[str, Any]) -> Figure:
    """File size per 1M sales. With dbstat, the member tables (members, cards, search keys and
    their indexes) are left out of the per-sale share and reported per member instead."""
    counts = shop["counts"]
    sales, members = counts.get("sales", 0), counts.get("members", 0)
    size = db.stat().st_size
    whole = size / sales * 1e6 / 1e9 if sales else 0.0
    extra: dict[str, Any] = {
        "bytes": size,
        "sales": sales,
        "members": members,
        "whole_file_per_1m_sales_gb": whole,
    }
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
        owner = dict(
            con.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')")
        )
        by_table: dict[str, int] = {}
        for name, pages in con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
            table = owner.get(name, name)
            by_table[table] = by_table.get(table, 0) + pages
        con.close()
    except sqlite3.Error:  # dbstat is not compiled into every SQLite
        note = (
            f"whole file / sales: {size / 1e6:,.0f} MB for {sales:,} sales and {members:,} members"
        )
        return Figure(
            "storage",
            "database size per 1M sales",
            "GB",
            value=whole,
            samples=1,
            note=note,
            extra=extra,
        )
    member_bytes = sum(by_table.get(t, 0) for t in MEMBER_TABLES)
    history = size - member_bytes
    per_m = history / sales * 1e6 / 1e9 if sales else 0.0
    top = sorted(by_table.items(), key=lambda kv: -kv[1])[:5]
    extra.update(by_table=by_table, member_bytes=member_bytes)
    note = (f"extrapolated: {history / 1e6:,.0f} MB of history for {sales:,} sales"
            f" (+ {member_bytes / max(members, 1) / 1024:.1f} KiB per member; whole file {size / 1e6:,.0f} MB);"
            " largest: " + ", ".join(f"{n} {b / size:.0%}" for n, b in top))  # fmt: skip
    return Figure(
        "storage",
        "database size per 1M sales",
        "GB",
        value=per_m,
        samples=1,
        note=note,
        extra=extra,
    )


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="memberdesk-bench-"))
