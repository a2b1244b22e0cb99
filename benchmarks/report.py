"""Figures, the printed table, latest.json and the markdown table for the README."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import statistics
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

OK, NOT_BUILT, UNAVAILABLE = "ok", "not built yet", "unavailable"


@dataclass
class Figure:
    group: str
    name: str
    unit: str  # ms | s | events/s | MB | GB
    p50: float | None = None
    p99: float | None = None
    value: float | None = None  # a single run, a throughput or a size
    baseline_p50: float | None = None
    baseline_p99: float | None = None
    target: str = ""
    meets: bool | None = None
    status: str = OK
    samples: int = 0
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.p50 is None or not self.baseline_p50:
            return None
        return self.p50 / self.baseline_p50

    def numbers(self) -> list[float]:
        return [x for x in (self.p50, self.p99, self.value) if x is not None]


def absent(group: str, name: str, status: str, note: str, target: str = "") -> Figure:
    return Figure(group, name, "", status=status, note=note, target=target)


def percentiles(seconds: list[float], unit: float = 1000.0) -> tuple[float, float]:
    """(p50, p99) of a list of durations, in ms by default (nearest rank)."""
    xs = sorted(seconds)
    p50 = statistics.median(xs)
    p99 = xs[min(len(xs) - 1, max(0, round(0.99 * len(xs)) - 1))]
    return p50 * unit, p99 * unit


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = (0.0, 0.0, 0.0)
    return {
        "cpu": cpu, "cores": os.cpu_count(), "load_average": [round(x, 2) for x in load],
        "os": f"{platform.system()} {platform.release()}", "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version, "hostname": platform.node(),
    }  # fmt: skip


def _fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return "—"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def _row(f: Figure) -> list[str]:
    if f.status != OK:
        return [f.group, f.name, f.status, "", "", "", "", "", f.target, f.note]
    mark = "" if f.meets is None else ("✓" if f.meets else "✗")
    return [
        f.group, f.name, f.unit, _fmt(f.p50), _fmt(f.p99) if f.p99 is not None else _fmt(f.value),
        _fmt(f.baseline_p50), _fmt(f.baseline_p99), f"{f.ratio:.1f}×" if f.ratio else "—",
        f"{f.target} {mark}".strip(), f.note,
    ]  # fmt: skip


HEAD = ["group", "figure", "unit", "p50", "p99 / value", "raw p50", "raw p99", "ratio", "target",
        "note"]  # fmt: skip


def table(figures: list[Figure]) -> str:
    rows = [HEAD, *(_row(f) for f in figures)]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(HEAD) - 1)]
    out = []
    for r in rows:
        cells = [c + " " * (w - _width(c)) for c, w in zip(r, widths, strict=False)]
        out.append("  ".join([*cells, r[-1]]).rstrip())
    return "\n".join(out)


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in text)


def markdown(figures: list[Figure]) -> str:
    lines = ["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    for f in figures:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in _row(f)) + " |")
    return "\n".join(lines)


def write_results(
    directory: Path,
    figures: list[Figure],
    shop: dict[str, Any],
    args: dict[str, Any],
    name: str = "latest",
) -> Path:
    """<name>.json and <name>.md; a run of some sections only is written as "partial"."""
    directory.mkdir(parents=True, exist_ok=True)
    data = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"), "machine": machine(),
        "args": args, "shop": shop,
        "figures": [{**asdict(f), "ratio": f.ratio} for f in figures],
    }  # fmt: skip
    path = directory / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str))
    (directory / f"{name}.md").write_text(markdown(figures) + "\n")
    return path
