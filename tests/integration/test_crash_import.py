"""Kill `memberdesk import members` at random moments: what it wrote is whole (check
passes), and running the same file again brings every member in exactly once."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from memberdesk.core.check.checks import run_checks
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member

ROWS = 3000
ROUNDS = 6

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL"),
]


def _import(db: Path, sheet: Path, env: dict[str, str]) -> subprocess.Popen:
    code = (
        "from memberdesk.cli import main; import sys; "
        f"sys.exit(main(['--db', {str(db)!r}, 'import', 'members', {str(sheet)!r}]))"
    )
    return subprocess.Popen([sys.executable, "-c", code], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip


def _written(db: Path) -> int:
    """Members in the file as another reader sees them now (the import may be writing)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute("SELECT count(*) FROM members").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def _killed(
    proc: subprocess.Popen, db: Path, before: int, delay: float, *, after_writing: bool
) -> None:
    """SIGKILL the import `delay` seconds after it started or, with after_writing, after
    its first chunk reached the file (however slow the machine is today)."""
    if after_writing:
        deadline = time.monotonic() + 60
        while proc.poll() is None and _written(db) <= before and time.monotonic() < deadline:
            time.sleep(0.02)
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(60)


def _members(db: Path) -> int:
    with Store(db) as store:
        with store.read() as s:
            assert [r[0] for r in s.execute(text("PRAGMA integrity_check"))] == ["ok"]
            n = s.scalar(select(func.count()).select_from(Member))
            phones = s.scalar(select(func.count(func.distinct(Member.phone))))
            assert phones == n, "a member imported twice"
        report = run_checks(store)
        assert report.ok, [p.text("en") for p in report.problems]
    return n


def test_a_killed_import_leaves_whole_members_and_finishes_when_run_again(
    store: Store, owner, db_path: Path, tmp_path: Path
) -> None:
    store.close()
    sheet = tmp_path / "old-system.csv"
    lines = ["姓名,手机,积分,储值余额"]
    lines += [f"会员{i},139{i:08d},{i % 500},{(i % 7) * 10}" for i in range(ROWS)]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}

    rng = random.Random(7)
    seen = []
    for round_no in range(ROUNDS):
        # Every other kill lands at a random moment (reading the sheet, checking it,
        # writing), the others while the chunks are being written.
        before = seen[-1] if seen else 0
        proc = _import(db_path, sheet, env)
        after_writing = round_no % 2 == 1
        delay = rng.uniform(0.0, 0.4) if after_writing else rng.uniform(0.3, 2.5)
        _killed(proc, db_path, before, delay, after_writing=after_writing)
        seen.append(_members(db_path))
    assert any(0 < n < ROWS for n in seen), seen  # some run was stopped part way
    final = _import(db_path, sheet, env)
    final.wait(300)
    assert _members(db_path) == ROWS
    with Store(db_path) as again, again.read() as s:  # every opening balance, once
        assert s.scalar(select(func.sum(Member.points))) == sum(i % 500 for i in range(ROWS))
        principal = s.scalar(select(func.sum(Member.wallet_principal)))
        assert principal == sum((i % 7) * 1000 for i in range(ROWS))
