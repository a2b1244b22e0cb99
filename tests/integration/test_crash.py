"""Kill a busy till with SIGKILL, over and over: every time, the file opens, is sound,
and holds every member whole (card, search keys, outbox rows) or not at all."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from memberdesk.core.check.checks import run_checks
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Card, Member, MemberSearchKey, OutboxEvent

from .crash_harness import ForkServer, kill

CHILD = Path(__file__).with_name("crash_child.py")
ROUNDS = 25

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL"),
]


def verify(db: Path) -> int:
    """Everything a person would check after the power came back. Returns the member count."""
    with Store(db) as store:  # WAL recovery happens here
        with store.read() as s:
            assert [r[0] for r in s.execute(text("PRAGMA integrity_check"))] == ["ok"]
            members = s.scalar(select(func.count()).select_from(Member))
            issued = s.scalar(
                select(func.count())
                .select_from(OutboxEvent)
                .where(OutboxEvent.kind == "member.issued")
            )
            assert members == issued, "a member without its member.issued row, or the reverse"
            whole = s.scalar(
                select(func.count())
                .select_from(Member)
                .where(
                    select(Card.id)
                    .where(Card.member_id == Member.id, Card.card_no == Member.card_no)
                    .exists(),
                    select(MemberSearchKey.key)
                    .where(MemberSearchKey.member_id == Member.id)
                    .exists(),
                )
            )
            assert whole == members, "a member without its card or search keys"
        report = run_checks(store)
        assert report.ok, report.problems
    return members


def test_killing_the_till_at_random_moments_never_leaves_a_half_written_member(
    tmp_path: Path,
) -> None:
    db = tmp_path / "memberdesk.sqlite"
    rng = random.Random(20260310)
    counts = [0]
    hot_logs = 0  # rounds where the kill left committed pages only in the -wal
    server = ForkServer(CHILD, db)
    try:
        for round_no in range(ROUNDS):
            err_file = tmp_path / f"till-{round_no}.err"
            pid = server.spawn(rng.randrange(10**9), err_file)
            if round_no in (0, ROUNDS // 2):
                time.sleep(rng.uniform(0.0, 0.1))  # strike while it opens (or creates) the file
            else:
                server.wait_ready(pid)
                time.sleep(rng.uniform(0.05, 0.6))
            kill(pid, err_file)
            wal = db.with_name(db.name + "-wal")
            hot_logs += wal.exists() and wal.stat().st_size > 0
            if not db.exists():  # killed before the file was even created
                continue
            counts.append(verify(db))
            assert counts[-1] >= counts[-2], "a committed member disappeared"
    finally:
        server.close()
    assert counts[-1] > 20, "the tills hardly worked: the test proved little"
    assert hot_logs >= ROUNDS // 2, "few kills left a -wal to recover"
