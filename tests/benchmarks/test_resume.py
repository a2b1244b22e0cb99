"""A stopped benchmark build continues where it stopped and makes the same shop.

A small shop (200 members × 5 sales over the eight years) is built twice at the same
time: once straight through, once killed with SIGKILL after its 20th month and run
again. The second run must say it resumed, and the two files must hold the same shop:
the same counts in the manifests, the same rows in every table apart from random ids
(compared by a digest), `memberdesk check` passing, no generator tables left behind.

A new migration renames every cached shop. So the stopped build is first taken back to
the previous schema (and named so): the second run must upgrade it and still continue.
The finished shop is then taken back too: the next run upgrades it instead of building.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
# The checkout under test first: an installed memberdesk may be another checkout's.
PYTHONPATH = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
SPEC = ["--members", "200", "--sales-per-member", "5"]
KILL_AFTER = 20  # months finished (checkpointed) before the build is killed
TIMEOUT = 300
# Columns holding random ids (uuid4, or JSON with ids inside) differ between any two builds.
RANDOM = {"id", "seq", "event_id", "aggregate_id", "batch_id", "payload", "details", "detail",
          "target", "pin_hash", "chain"}  # fmt: skip
RANDOM_ROWS = {"settings": "WHERE key != 'shop.terminal_id'"}  # a uuid4 too


def _build(cache: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks", *SPEC, "--build-only", "--cache-dir", str(cache)],
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=PYTHONPATH),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def _months_done(part: Path) -> int:
    """Months the build has committed so far (0 while it has none)."""
    if not part.exists():  # connecting would create it
        return 0
    try:
        con = sqlite3.connect(part, timeout=1)
        try:
            row = con.execute("SELECT month FROM bench_checkpoint").fetchone()
        finally:
            con.close()
    except sqlite3.Error:  # no checkpoint table yet, or busy for a moment
        return 0
    return 0 if row is None else row[0] + 1


def _digest(path: Path) -> dict[str, tuple[int, str]]:
    """Per table: row count and a hash of its rows without the random columns, sorted."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]  # fmt: skip
        out = {}
        for table in tables:
            cols = [
                f'"{r[1]}"' for r in con.execute(f'PRAGMA table_info("{table}")')
                if r[1] not in RANDOM and not r[1].endswith("_id")
            ]  # fmt: skip
            where = RANDOM_ROWS.get(table, "")
            rows = sorted(
                repr(r) for r in con.execute(f'SELECT {", ".join(cols)} FROM "{table}" {where}')
            )
            out[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return out
    finally:
        con.close()


def _as_previous_schema(path: Path) -> Path:
    """Downgrade `path` one migration and rename it (and its manifest) as that schema names it."""
    from alembic import command

    from memberdesk.core.store.connect import make_engine
    from memberdesk.core.store.migrate import HEAD_REVISION, alembic_config

    previous = f"{int(HEAD_REVISION) - 1:04d}"
    engine = make_engine(path)
    try:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, previous)
    finally:
        engine.dispose()
    renamed = path.with_name(path.name.replace(f"-{HEAD_REVISION}.sqlite", f"-{previous}.sqlite"))
    path.rename(renamed)
    manifest = path.with_suffix(".json")
    if manifest.exists():
        manifest.rename(renamed.with_suffix(".json"))
    return renamed


def _schema(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


def test_a_killed_build_resumes_to_the_same_shop(tmp_path: Path) -> None:
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    straight = _build(whole)  # alongside, for the comparison
    first = None
    try:
        first = _build(cut)
        deadline = time.monotonic() + TIMEOUT
        while not (parts := list(cut.glob("*.part"))) or _months_done(parts[0]) < KILL_AFTER:
            assert first.poll() is None, first.communicate()[0][-4000:]
            assert time.monotonic() < deadline, "the build never reached the month to stop at"
            time.sleep(0.1)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
        (part,) = parts
        stopped_at = _months_done(part)
        assert not list(cut.glob("*.sqlite")), "the build finished before it was killed"
        older = _as_previous_schema(part)
        assert _months_done(older) == stopped_at

        again = subprocess.run(
            [sys.executable, "-m", "benchmarks", *SPEC, "--build-only", "--cache-dir", str(cut)],
            cwd=ROOT, env=dict(os.environ, PYTHONPATH=PYTHONPATH),
            capture_output=True, text=True, timeout=TIMEOUT,
        )  # fmt: skip
        assert again.returncode == 0, again.stdout[-4000:] + again.stderr[-4000:]
        assert f"upgrading {older.name} from schema" in again.stdout, again.stdout[-4000:]
        assert f"resumed from month {stopped_at + 1}/" in again.stdout, again.stdout[-4000:]
        out, _ = straight.communicate(timeout=TIMEOUT)
        assert straight.returncode == 0, out[-4000:]
    finally:
        for proc in (straight, first):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.communicate()

    (resumed_file,) = cut.glob("*.sqlite")
    (whole_file,) = whole.glob("*.sqlite")
    resumed = json.loads(resumed_file.with_suffix(".json").read_text())
    reference = json.loads(whole_file.with_suffix(".json").read_text())
    assert resumed["check"]["ok"] and reference["check"]["ok"]
    assert resumed["counts"] == reference["counts"] and resumed["counts"]["sales"] > 500
    assert resumed["skipped"] == reference["skipped"]
    assert resumed["runs"] == [0, stopped_at] and reference["runs"] == [0]
    assert not list(cut.glob("*.part*")) and not list(cut.glob("*.lock"))

    a, b = _digest(resumed_file), _digest(whole_file)
    assert not any(name.startswith("bench_") for name in a), "generator tables left behind"
    assert a.keys() == b.keys()
    differ = [t for t in a if a[t] != b[t]]
    assert differ == [], {t: (a[t], b[t]) for t in differ}

    copy = tmp_path / "check.sqlite"
    shutil.copyfile(resumed_file, copy)
    cli = Path(sys.executable).with_name("memberdesk")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "memberdesk.cli"]
    proc = subprocess.run([*command, "--db", str(copy), "check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    # The finished shop under the previous schema: upgraded in place, checked, not rebuilt.
    from memberdesk.core.store.migrate import HEAD_REVISION

    older = _as_previous_schema(whole_file)
    upgraded = subprocess.run(
        [sys.executable, "-m", "benchmarks", *SPEC, "--build-only", "--cache-dir", str(whole)],
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=PYTHONPATH),
        capture_output=True, text=True, timeout=TIMEOUT,
    )  # fmt: skip
    assert upgraded.returncode == 0, upgraded.stdout[-4000:] + upgraded.stderr[-4000:]
    assert f"upgrading {older.name}" in upgraded.stdout and "generating" not in upgraded.stdout
    assert not older.exists() and _schema(whole_file) == HEAD_REVISION
    manifest = json.loads(whole_file.with_suffix(".json").read_text())
    assert manifest["upgraded"]["from"] == older.name.rsplit("-", 1)[1].split(".")[0]
    assert manifest["schema"] == HEAD_REVISION and manifest["counts"] == reference["counts"]
    assert _digest(whole_file) == b
