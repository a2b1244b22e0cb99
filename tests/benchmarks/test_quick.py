"""The quick benchmark runs end to end, so the benchmark never rots.

Asserts that the run completes, that every figure is there and positive, and that
`memberdesk check` passes on the generated shop; never a timing threshold (a shared
CI machine measures its neighbours too).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks.report import NOT_BUILT, OK, UNAVAILABLE
from benchmarks.shopcheck import full_check

from memberdesk.core.store.database import Store

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
# The checkout under test first: an installed memberdesk may be another checkout's.
PYTHONPATH = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
ALWAYS = {
    ("generation", "build time per 100k sales"),
    ("lookup", "card number"), ("lookup", "full phone"), ("lookup", "phone last 4"),
    ("lookup", "name substring"), ("lookup", "pinyin initials"),
    ("checkout", "member sale, points earned"), ("checkout", "sale with points + wallet"),
    ("checkout", "refund (whole sale)"), ("checkout", "count card visit (次卡)"),
    ("checkout", "sale with a coupon"),
    ("jobs", "points expiry, all members"), ("jobs", "tier review, all members"),
    ("import", "1,000 members from XLSX"), ("import", "checkout while the import runs"),
    ("sync", "sync drain to HQ (SQLite)"),
    ("storage", "database size per 1M sales"),
    ("items", "catalogue build"), ("items", "barcode scan"), ("items", "10-line catalogue sale"),
}  # fmt: skip
WITH_BASELINE = {"lookup", "checkout"}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    tmp = tmp_path_factory.mktemp("bench")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=PYTHONPATH)
    for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):  # the app probe's settings
        env[var] = str(tmp / var.lower())
    cache = tmp / "cache"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--cache-dir", str(cache),
         "--results-dir", str(tmp / "results")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    data = json.loads((tmp / "results" / "latest.json").read_text())
    (shop,) = cache.glob("*.sqlite")
    return data, shop


def test_every_figure_is_present_and_positive(quick_run: tuple[dict, Path]) -> None:
    data, _ = quick_run
    figures = {(f["group"], f["name"]): f for f in data["figures"]}
    missing = ALWAYS - figures.keys()
    assert not missing, f"figures missing: {missing}"
    for key in ALWAYS:
        assert figures[key]["status"] == OK, (key, figures[key]["note"])
    groups = {f["group"] for f in data["figures"]}
    assert {"follow-ups", "sync", "app"} <= groups  # measured, or saying why not
    for f in data["figures"]:
        assert f["status"] in (OK, NOT_BUILT, UNAVAILABLE), f
        if f["status"] != OK:
            assert f["note"], f  # says what is missing
            continue
        numbers = [f[k] for k in ("p50", "p99", "value") if f[k] is not None]
        assert numbers and all(x > 0 for x in numbers), f
        if f["group"] in WITH_BASELINE:
            assert f["baseline_p50"] > 0 and f["ratio"] > 0, f
            assert f["baseline_p99"] >= f["baseline_p50"], f
    for name in ("barcode scan", "10-line catalogue sale"):  # each beside its raw baseline
        f = figures[("items", name)]
        assert f["baseline_p50"] > 0 and f["ratio"] > 0 and f["target"], f
    during = figures[("import", "checkout while the import runs")]
    assert during["baseline_p50"] > 0 and during["ratio"] > 0, during


def test_the_built_parts_are_measured(quick_run: tuple[dict, Path]) -> None:
    """Follow-up lists, the call sheet and the window exist in this repository now."""
    data, _ = quick_run
    by_group: dict[str, list[dict]] = {}
    for f in data["figures"]:
        by_group.setdefault(f["group"], []).append(f)
    assert all(f["status"] == OK for f in by_group["follow-ups"])
    assert len(by_group["follow-ups"]) >= 6  # five lists and the call sheet
    assert [f["status"] for f in by_group["app"]] == [OK, OK]


def test_sync_drains_to_both_hq_backends(quick_run: tuple[dict, Path]) -> None:
    """SQLite always runs; PostgreSQL runs when MEMBERDESK_TEST_PG is set, else says why."""
    data, _ = quick_run
    sync = {f["name"]: f for f in data["figures"] if f["group"] == "sync"}
    assert sync.keys() == {"sync drain to HQ (PostgreSQL)", "sync drain to HQ (SQLite)"}
    events = data["args"]["sync_events"]
    for name, backend in (("SQLite", "sqlite"), ("PostgreSQL", "postgresql")):
        f = sync[f"sync drain to HQ ({name})"]
        if backend == "postgresql" and not os.environ.get("MEMBERDESK_TEST_PG"):
            assert f["status"] == UNAVAILABLE and "PostgreSQL" in f["note"], f
            continue
        assert f["status"] == OK and f["value"] > 0, f
        extra = f["extra"]
        assert extra["backend"] == backend and extra["ok"], f
        assert extra["events"] == extra["hq_events"] == extra["hq_distinct"] == events, f
    assert sync["sync drain to HQ (SQLite)"]["target"] == ""
    assert sync["sync drain to HQ (SQLite)"]["meets"] is None


def test_the_printed_tables_show_the_raw_p99(quick_run: tuple[dict, Path]) -> None:
    data, _ = quick_run
    for f in data["figures"]:
        if f["group"] == "checkout":
            assert f["baseline_p99"] > 0, f
    md = (Path(data["args"]["results_dir"]) / "latest.md").read_text().splitlines()
    head = [c.strip() for c in md[0].strip("|").split("|")]
    assert head[head.index("raw p50") + 1] == "raw p99"


def test_the_generated_shop_passes_check(quick_run: tuple[dict, Path], tmp_path: Path) -> None:
    data, shop = quick_run
    assert data["shop"]["check"]["ok"]
    assert data["shop"]["counts"]["sales"] > 0 and data["shop"]["counts"]["refunds"] > 0
    copy = tmp_path / "shop.sqlite"
    shutil.copyfile(shop, copy)
    with Store(copy) as store:
        problems, checks = full_check(store)
    assert problems == [] and len(checks) >= 10
    cli = Path(sys.executable).with_name("memberdesk")
    if cli.exists():  # the command a shop owner runs
        proc = subprocess.run(
            [str(cli), "--db", str(copy), "check"], capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_lookup_costs_are_measured_on_the_shop(quick_run: tuple[dict, Path]) -> None:
    """benchmarks.lookup_costs times each way of ranking and fits the plan's four costs;
    the quick shop is small, so every way with a few key rows and members is timed."""
    _, shop = quick_run
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.lookup_costs", "--db", str(shop), "--limit", "2",
         "--min-keys", "3", "--queries", "20"],
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=PYTHONPATH), capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    costs = dict(re.findall(r"^(\w+_PER_\w+) +(-?[\d.]+) µs", proc.stdout, re.MULTILINE))
    assert costs.keys() == {"JOIN_PER_KEY", "SET_PER_KEY", "STEP_PER_MEMBER", "ASK_PER_MEMBER"}
    assert "ways of matching timed" in proc.stdout
