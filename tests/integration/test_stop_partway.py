"""Long operations report progress, and raising from the report stops them with nothing
half-done: no export file (not even its partial copy), no imported member, no audit row."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from memberdesk.core.check.checks import run_checks
from memberdesk.core.members.import_export import export_members, import_members
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store import chunks
from memberdesk.core.store.chunks import CHUNK
from memberdesk.core.store.models import AuditEntry, Member


class Stop(Exception):
    """What the window raises when the person pressed Cancel."""


def stop_at(n: int):
    """A progress callback that lets `n` reports through and stops the operation at the next."""
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if len(seen) > n:
            raise Stop

    progress.seen = seen  # type: ignore[attr-defined]
    return progress


def _count(store, model) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model))


# openpyxl's write-only sheet, abandoned mid-row, complains when it is collected; the
# file it was writing is gone all the same, which is what is checked.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_stopped_export_leaves_no_file(store, owner, tmp_path: Path, suffix: str) -> None:
    for n in range(120):
        issue_card(store, owner, MemberForm(name=f"会员{n}", phone=f"1370000{n:04d}"))
    progress = stop_at(2)
    target = tmp_path / f"members{suffix}"
    with pytest.raises(Stop):
        export_members(store, owner, target, progress=progress)
    assert progress.seen == [(0, 120), (50, 120), (100, 120)]
    assert list(tmp_path.glob("members*")) == []
    assert export_members(store, owner, target, progress=stop_at(99)) == 120  # and it still works


def test_a_check_stopped_writes_nothing(store, owner, tmp_path: Path) -> None:
    sheet = tmp_path / "old.csv"
    rows = "\n".join(f"顾客{n},1380000{n:04d}" for n in range(120))
    sheet.write_text("姓名,手机号\n" + rows + "\n", encoding="utf-8")
    progress = stop_at(1)  # the check: 0, then stopped at 50
    with pytest.raises(Stop):
        import_members(store, owner, sheet, dry_run=False, progress=progress)
    assert progress.seen == [(0, 0), (50, 0)]
    assert _count(store, Member) == 0 and _audits(store) == 0


def test_an_import_stopped_part_way_keeps_whole_chunks_and_runs_again(
    store, owner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks grow by doubling while a chunk's time allows; allow any time, so that the
    # chunks are 100, 200, … however loaded the machine is.
    monkeypatch.setattr(chunks, "CHUNK_S", 3600.0)
    monkeypatch.setattr(chunks, "CHUNK_CAP_S", 3600.0)
    sheet = tmp_path / "old.csv"
    rows = "\n".join(f"顾客{n},1380000{n:04d}" for n in range(450))
    sheet.write_text("姓名,手机号\n" + rows + "\n", encoding="utf-8")
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if total and CHUNK < done < total:  # the second chunk's writing is under way
            raise Stop

    report = import_members(store, owner, sheet, dry_run=False, progress=progress)
    assert report.cancelled and report.written == CHUNK and _count(store, Member) == CHUNK
    assert _audits(store) == 1  # each chunk is its own unit of work, its audit row inside
    assert run_checks(store).ok

    again = import_members(store, owner, sheet, dry_run=False)
    assert again.finished and (again.new, again.written) == (450 - CHUNK, 450 - CHUNK)
    assert [s.reason.code for s in again.skipped] == ["import.already_here"] * CHUNK
    assert again.skipped[0].message("en") == (
        "already here: member 顾客0 (card 8800000013) has this card or phone; the row is not "
        "imported again"
    )
    assert _count(store, Member) == 450 and run_checks(store).ok


def _audits(store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "import.members"))  # fmt: skip


def test_a_backup_reports_pages_and_a_stopped_one_leaves_no_file(store, owner) -> None:
    from memberdesk.core.shop.backups import backup_now, list_backups
    from memberdesk.core.store.snapshot import BACKUP_PAGES

    with store.write() as uow:  # a file of several progress steps
        uow.session.execute(
            Member.__table__.insert(),
            [{"id": f"m{i}", "card_no": f"C{i}", "name": "张三" * 40, "tier": "", "status": "active",
              "joined_at": uow.now, "joined_store": "S001", "created_at": uow.now,
              "updated_at": uow.now, "version": 1, "points": 0, "wallet_principal": 0,
              "wallet_bonus": 0, "lifetime_spend": 0, "visit_count": 0, "tier_locked": False,
              "notes": "备注" * 400} for i in range(2 * BACKUP_PAGES)],
        )  # fmt: skip
    progress = stop_at(1)
    with pytest.raises(Stop):
        backup_now(store, progress=progress)
    assert progress.seen[0][1] > BACKUP_PAGES  # (pages done, pages in all)
    assert list_backups(store) == []
    assert list(store.backup_dir.glob("*")) == []  # not even the partial copy
    whole = stop_at(10_000)
    path = backup_now(store, progress=whole)
    assert [b.path for b in list_backups(store)] == [path]
    assert whole.seen[-1][0] == whole.seen[-1][1]  # every page copied
