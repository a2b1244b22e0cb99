"""Backups and restore on real files: rolling copies, the daily automatic one, and a
restore that refuses anything damaged or foreign and keeps the current data first."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import select

from memberdesk.cli import main
from memberdesk.core.check.checks import run_checks
from memberdesk.core.clock import FixedClock
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.backups import (
    auto_backup,
    backup_now,
    list_backups,
    verify_database_file,
)
from memberdesk.core.shop.details import configure_shop
from memberdesk.core.shop.staff import SYSTEM
from memberdesk.core.store.connect import make_engine
from memberdesk.core.store.database import Store
from memberdesk.core.store.migrate import alembic_config, head_revision
from memberdesk.core.store.models import Member


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's log and data folders go under tmp, never the real home."""
    for var in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    monkeypatch.delenv("MEMBERDESK_DB", raising=False)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def names(db: Path) -> set[str]:
    with Store(db) as s, s.read() as r:
        return set(r.scalars(select(Member.name)))


def member(store: Store, name: str, phone: str) -> None:
    issue_card(store, SYSTEM, MemberForm(name=name, phone=phone))


# ------------------------------------------------------------------ rolling backups


def test_backup_now_keeps_the_configured_number(store: Store, clock: FixedClock) -> None:
    configure_shop(store, backups_keep=3)
    made = []
    for i in range(5):
        member(store, f"会员{i}", f"1381234000{i}")
        clock.advance(hours=1)
        made.append(backup_now(store))
    kept = [b.path for b in list_backups(store)]
    assert kept == list(reversed(made[-3:]))  # newest first, the two oldest dropped
    assert not made[0].exists() and not made[1].exists()
    for path in kept:
        assert verify_database_file(path) == head_revision()
    # An explicit `keep` wins over the setting.
    clock.advance(hours=1)
    backup_now(store, keep=1)
    assert len(list_backups(store)) == 1


def test_a_backup_is_one_self_contained_file(store: Store) -> None:
    member(store, "张三", "13812345678")
    path = backup_now(store)
    siblings = sorted(p.name for p in path.parent.iterdir())
    assert siblings == [path.name]  # no .part, -wal or -shm left beside it
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("SELECT name FROM members").fetchall() == [("张三",)]
    conn.close()


def test_two_backups_in_the_same_instant_do_not_overwrite_each_other(store: Store) -> None:
    member(store, "张三", "13812345678")
    first = backup_now(store)
    member(store, "李四", "13912345678")
    second = backup_now(store)  # the fixed clock has not moved
    assert first != second and first.exists() and second.exists()
    assert names_in(first) == {"张三"} and names_in(second) == {"张三", "李四"}


def names_in(path: Path) -> set[str]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM members")}
    finally:
        conn.close()


def test_a_backup_holds_only_committed_data(store: Store, db_path: Path) -> None:
    member(store, "张三", "13812345678")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE members SET name = '未提交'")
    try:
        path = backup_now(store)  # another connection holds the write lock meanwhile
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert names_in(path) == {"张三"}


def test_a_backup_finishes_while_the_till_goes_on_selling(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from memberdesk.core.store import snapshot

    for n in range(60):
        member(store, f"早{n}", f"1370000{n:04d}")
    monkeypatch.setattr(snapshot, "BACKUP_PAGES", 4)  # many steps, as on a large file
    seen: list[int] = []

    def a_sale_between_steps(done: int, total: int) -> None:
        seen.append(done)
        # another member joins at the till while the copy runs (its own connection)
        assert len(seen) < 500, "the copy keeps starting over"
        member(store, f"晚{len(seen)}", f"1380000{len(seen):04d}")

    path = backup_now(store, progress=a_sale_between_steps)
    assert seen == sorted(seen), "the copy started over"
    copied = names_in(path)  # the file as it was when the copy began, whole
    assert {f"早{n}" for n in range(60)} <= copied and not any(n.startswith("晚") for n in copied)
    with Store(path) as backup:
        report = run_checks(backup)
    assert report.ok, [p.text("en") for p in report.problems]


def test_a_backup_of_a_damaged_file_never_pushes_out_the_last_sound_one(
    store: Store, clock: FixedClock, db_path: Path
) -> None:
    from memberdesk.core.errors import DomainError

    for n in range(40):
        member(store, f"会员{n}", f"1390000{n:04d}")
    sound = backup_now(store, keep=1)
    clock.advance(days=1)
    store.close()
    with sqlite3.connect(db_path) as conn:  # a bad sector in the members' pages
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'members'").fetchone()[
            0
        ]
    with db_path.open("r+b") as fh:
        fh.seek((root - 1) * page)
        fh.write(b"\xff" * 64)
    damaged = Store(db_path, clock=clock)
    try:
        with pytest.raises(DomainError) as caught:
            backup_now(damaged, keep=1)
    finally:
        damaged.close()
    assert caught.value.code == "backup.source_damaged"
    assert caught.value.message().startswith(f"数据库 {db_path} 已损坏")
    assert sound.is_file() and verify_database_file(sound)  # the last sound backup is kept
    assert len(list_backups(damaged)) == 2  # and the damaged copy beside it


def test_auto_backup_runs_once_a_day(store: Store, clock: FixedClock) -> None:
    first = auto_backup(store)
    assert first is not None and first.exists()
    assert auto_backup(store) is None
    clock.advance(hours=23, minutes=59)
    assert auto_backup(store) is None
    clock.advance(minutes=2)
    second = auto_backup(store)
    assert second is not None and second != first
    assert auto_backup(store) is None
    assert len(list_backups(store)) == 2


def test_auto_backup_is_not_stopped_by_a_backup_dated_in_the_future(
    store: Store, clock: FixedClock
) -> None:
    """The clock was a year ahead once; after it is corrected, daily backups go on."""
    clock.advance(days=365)
    assert auto_backup(store) is not None
    clock.advance(days=-365)
    assert auto_backup(store) is not None
    assert len(list_backups(store)) == 2


def test_cli_backup(store: Store, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    member(store, "张三", "13812345678")
    store.close()
    code, out, err = cli(capsys, "--db", str(db_path), "backup")
    assert (code, err) == (0, "")
    assert out.startswith("已备份到 ")
    path = Path(out.strip().removeprefix("已备份到 "))
    assert path.is_file() and names_in(path) == {"张三"}
    code, out, _ = cli(capsys, "--db", str(db_path), "--lang", "en", "backup")
    assert code == 0 and out.startswith("backed up to ")


# ------------------------------------------------------------------ restore refuses


def _damage_visible(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            return [r[0] for r in conn.execute("PRAGMA integrity_check")] != ["ok"]
        finally:
            conn.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError):
        return True


def _flip_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    mid = len(data) // 2
    for i in range(mid, mid + 64):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def _wreck_btree_page(path: Path, table: str = "members") -> None:
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start : start + 12] = b"\xff" * 12  # b-tree page header: type, freeblock, cell count …
    path.write_bytes(bytes(data))


@pytest.fixture
def shop_with_backup(store: Store, db_path: Path) -> tuple[Path, Path]:
    for i in range(30):  # enough rows for several b-tree pages
        member(store, f"会员{i:02d}", f"138123450{i:02d}")
    backup = backup_now(store)
    store.close()
    return db_path, backup


def _corrupted_copy(backup: Path, tmp_path: Path) -> Path:
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(backup.read_bytes())
    _flip_middle(damaged)
    if not _damage_visible(damaged):  # flipped bytes in free space: SQLite cannot tell
        _wreck_btree_page(damaged)
    assert _damage_visible(damaged)
    return damaged


def _refusal_cases(backup: Path, db: Path, tmp_path: Path) -> dict[str, Path]:
    text = tmp_path / "notes.sqlite"
    text.write_text("这不是数据库\n" * 100, encoding="utf-8")
    foreign = tmp_path / "foreign.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    newer = tmp_path / "newer.sqlite"
    newer.write_bytes(backup.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    return {
        "text": text,
        "foreign": foreign,
        "truncated": truncated,
        "corrupted": _corrupted_copy(backup, tmp_path),
        "newer": newer,
        "empty": empty,
        "missing": tmp_path / "no-such-backup.sqlite",
        "itself": db,
    }


EXPECTED_CODE = {
    "text": "不是会员收银台的数据库",
    "foreign": "不是会员收银台的数据库",
    "truncated": "已损坏",
    "corrupted": "已损坏",
    "newer": "更新版本",
    "empty": "不是会员收银台的数据库",
    "missing": "找不到文件",
    "itself": "正在使用的数据库",
}


def test_restore_refuses_damaged_and_foreign_files_and_changes_nothing(
    shop_with_backup: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, backup = shop_with_backup
    before = sha(db)
    for case, source in _refusal_cases(backup, db, tmp_path).items():
        code, out, err = cli(capsys, "--db", str(db), "restore", str(source))
        assert code == 2, case
        assert out == "", case
        lines = err.splitlines()
        assert len(lines) == 1 and EXPECTED_CODE[case] in lines[0], (case, err)
        assert sha(db) == before, case
        assert not list(db.parent.glob(f"{db.name}-*")), case  # not even opened for writing
        assert not list((db.parent / "backups").glob("before-restore-*")), case
    assert len(names(db)) == 30


def test_restore_refusals_read_in_english(
    shop_with_backup: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, backup = shop_with_backup
    damaged = _corrupted_copy(backup, tmp_path)
    code, _, err = cli(capsys, "--db", str(db), "--lang", "en", "restore", str(damaged))
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith(f"{damaged} is damaged (integrity check failed)")


# ------------------------------------------------------------------ restore succeeds


def test_a_backup_of_another_till_names_both_stores(tmp_path: Path) -> None:
    from memberdesk.core.errors import DomainError
    from memberdesk.core.shop.backups import restore

    here, there = tmp_path / "here" / "memberdesk.sqlite", tmp_path / "there" / "memberdesk.sqlite"
    for db in (here, there):  # two tills that never set a store code: both are S001
        with Store(db) as s:
            member(s, "张三", "13800138000")
    before = sha(here)
    with pytest.raises(DomainError) as caught:
        restore(here, there)
    assert caught.value.code == "restore.other_shop"
    assert "（门店 S001；本机是门店 S001）" in caught.value.message()
    assert "?" not in caught.value.message("en") and sha(here) == before


def test_restore_brings_back_the_backup_after_saving_the_current_data(
    store: Store, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    member(store, "张三", "13812345678")
    store.close()
    code, _, _ = cli(capsys, "--db", str(db_path), "backup")
    assert code == 0
    (backup,) = (db_path.parent / "backups").glob("memberdesk-*.sqlite")
    with Store(db_path) as s:
        member(s, "李四", "13912345678")  # issued after the backup
    assert names(db_path) == {"张三", "李四"}

    code, out, err = cli(capsys, "--db", str(db_path), "restore", str(backup))
    assert (code, err) == (0, "")
    told, back, kept, done = out.strip().splitlines()  # what the till will no longer show, first
    assert told.startswith(
        "此备份之后所做、恢复后本机将不再显示的：0 笔销售、0 笔退货、0 笔充值、1 位新会员"
    )
    assert "余额将回到备份时的数目" in back and "只保留在恢复前另存的当前数据副本中" in kept
    assert done.startswith("已恢复；原数据库已另存为 ")
    safety = Path(done.removeprefix("已恢复；原数据库已另存为 "))

    assert names(db_path) == {"张三"}  # 李四 came after the backup
    assert names_in(safety) == {"张三", "李四"}  # … and is kept in the safety copy
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # still our live file
    conn.close()
    with Store(db_path) as s:
        assert run_checks(s).ok
    code, out, _ = cli(capsys, "--db", str(db_path), "check")
    assert code == 0 and "检查通过" in out


def test_a_member_changed_after_the_backup_comes_back_as_it_was_and_check_holds(
    store: Store, clock: FixedClock, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from memberdesk.core.members.member import freeze
    from memberdesk.core.shop.backups import restore

    m = issue_card(store, SYSTEM, MemberForm(name="王芳", phone="13800000077"))
    backup = backup_now(store)
    clock.advance(minutes=5)
    freeze(store, SYSTEM, m.id, "卡被借用")  # a change made after the backup
    store.close()

    done = restore(db_path, backup, clock=clock)

    assert done.carried == 1
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT status FROM members WHERE id = ?", (m.id,)).fetchone() == (
            "active",
        )
    code, out, _ = cli(capsys, "--db", str(db_path), "check")
    assert code == 0, out


def test_a_database_another_program_holds_locked_is_not_restored_over(
    store: Store, db_path: Path
) -> None:
    from memberdesk.core.errors import DomainError
    from memberdesk.core.shop.backups import restore

    backup = backup_now(store)
    member(store, "李四", "13900139000")  # after the backup
    store.close()
    before = sha(db_path)
    other = sqlite3.connect(db_path, isolation_level=None)  # a database tool, say
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("SELECT count(*) FROM members").fetchone()
    try:
        with pytest.raises(DomainError) as caught:
            restore(db_path, backup)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert caught.value.code == "store.busy"
    assert "另一个程序" in caught.value.message()
    assert sha(db_path) == before and "李四" in names(db_path)
    assert not list((db_path.parent / "backups").glob("before-restore-*"))


def test_restore_over_a_damaged_database_keeps_its_bytes(
    shop_with_backup: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The usual reason to restore: the current file no longer opens."""
    db, backup = shop_with_backup
    garbage = b"\x00garbage after a disk fault\x00" * 500
    db.write_bytes(garbage)
    (db.parent / f"{db.name}-wal").write_bytes(b"stale log that must not be replayed")
    code, out, err = cli(capsys, "--db", str(db), "restore", str(backup))
    assert (code, err) == (0, "")
    safety = Path(out.strip().removeprefix("已恢复；原数据库已另存为 "))
    assert safety.read_bytes() == garbage
    assert len(names(db)) == 30
    with Store(db) as s:
        assert run_checks(s).ok


def test_restore_over_a_damaged_but_readable_database(
    shop_with_backup: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db, backup = shop_with_backup
    _wreck_btree_page(db)
    assert _damage_visible(db)
    code, _, err = cli(capsys, "--db", str(db), "restore", str(backup))
    assert (code, err) == (0, "")
    assert len(names(db)) == 30
    code, out, _ = cli(capsys, "--db", str(db), "check")
    assert code == 0, out


def test_restore_onto_a_new_machine(
    shop_with_backup: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, backup = shop_with_backup
    fresh = tmp_path / "new-pc" / "memberdesk.sqlite"
    code, out, err = cli(capsys, "--db", str(fresh), "restore", str(backup))
    assert (code, err) == (0, "")
    assert out.strip() == f"已恢复到 {fresh}（此前没有数据库）"
    assert len(names(fresh)) == 30


def _older_backup(tmp_path: Path, reviewed: str | None = None) -> tuple[Path, str]:
    """A backup made by the memberdesk before this one (the schema one revision back), and
    that revision; its tiers last reviewed on `reviewed` (a setting no journal row seals, so
    the backup needs none: a shop's name, say, is sealed by its journal row)."""
    previous = ScriptDirectory.from_config(alembic_config()).get_revision(head_revision())
    if previous.down_revision is None:
        pytest.skip("the schema has a single revision; no older backup exists yet")
    old = tmp_path / "old-backup.sqlite"
    engine = make_engine(old)
    with engine.connect() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, str(previous.down_revision))
        if reviewed is not None:
            conn.exec_driver_sql(
                "INSERT INTO settings (key, value) VALUES ('jobs.tier_review.last', ?)",
                (f'"{reviewed}"',),
            )
        conn.commit()
    engine.dispose()
    return old, str(previous.down_revision)


def test_restore_of_a_backup_from_an_older_schema_upgrades_it(
    shop_with_backup: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _ = shop_with_backup
    old, previous = _older_backup(tmp_path, reviewed="2025-01-01")
    code, _, err = cli(capsys, "--db", str(db), "restore", str(old))
    assert (code, err) == (0, "")
    assert verify_database_file(db) == head_revision()
    assert list((db.parent / "backups").glob(f"before-upgrade-{previous}-*"))
    with Store(db) as s:
        assert s.get_setting("jobs.tier_review.last") == "2025-01-01"
        assert run_checks(s).ok


def test_a_restore_of_an_older_backup_that_fails_leaves_no_copy_of_it_in_the_backups(
    shop_with_backup: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backup from an older memberdesk is brought to this version's schema before it is
    put in place, after a before-upgrade copy is kept. The restore was then refused
    (another window still had the shop's file open), and the data stayed as it was; but
    the before-upgrade copy of the half-done restore stayed in the backups folder, one
    more full copy of a shop's data after every attempt, listed as nothing anywhere."""
    from memberdesk.core.errors import DomainError
    from memberdesk.core.shop import backups
    from memberdesk.core.shop.backups import restore

    db, _ = shop_with_backup
    old, _ = _older_backup(tmp_path)
    monkeypatch.setattr(backups, "BUSY_TIMEOUT_MS", 200)
    with Store(db) as window:
        member(window, "李四", "13900139000")
        before = set(os.listdir(db.parent)), set(os.listdir(db.parent / "backups"))
        with pytest.raises(DomainError) as caught:
            restore(db, old)
        assert caught.value.code == "store.busy"
        assert (set(os.listdir(db.parent)), set(os.listdir(db.parent / "backups"))) == before
    assert "李四" in names(db)


# ------------------------------------------------------------------ leftovers, a second folder


def test_a_stopped_copy_leaves_nothing_that_stays(store: Store, clock: FixedClock) -> None:
    import os
    import time

    folder = store.backup_dir
    folder.mkdir(parents=True, exist_ok=True)
    stale = folder / "memberdesk-20260101-000000-000000.sqlite.part"  # a copy killed long ago
    stale.write_bytes(b"half a database")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    running = folder / "memberdesk-20260309-235959-000000.sqlite.part"  # another copy, running
    running.write_bytes(b"being written")
    backup_now(store)
    assert not stale.exists() and running.exists()


def test_a_stopped_copy_leaves_no_journal_that_stays(store: Store) -> None:
    import os
    import time

    folder = store.backup_dir
    folder.mkdir(parents=True, exist_ok=True)
    # what a copy killed long ago leaves besides its half-written file
    stale = folder / "memberdesk-20260101-000000-000000.sqlite.part-journal"
    stale.write_bytes(b"\0" * 1024)
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    backup_now(store)
    assert sorted(p.name for p in folder.iterdir()) == [list_backups(store)[0].path.name]


@pytest.mark.skipif(sys.platform == "win32", reason="needs RLIMIT_FSIZE")
def test_a_backup_that_does_not_fit_leaves_nothing_in_the_backup_folder(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    from memberdesk.core.shop.details import write_setting

    for n in range(30):
        member(store, f"会员{n}", f"1390000{n:04d}")
    with store.write() as uow:  # a file larger than SQLite's page cache: the copy spills
        write_setting(uow.session, "notes.padding", "备" * 2_000_000)
    store.close()
    before = sha(db_path)
    # The disk fills part way through the copy: no file may grow beyond half the database.
    limit = db_path.stat().st_size // 2
    code = (
        "import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); "
        "from memberdesk.cli import main; "
        f"sys.exit(main(['--db', {str(db_path)!r}, 'backup']))"
    )
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert "本步操作没有保存任何内容" in done.stderr or "本次操作没有保存" in done.stderr
    assert list((db_path.parent / "backups").iterdir()) == []
    assert sha(db_path) == before


def test_a_backup_taken_with_the_clock_set_back_is_kept(
    store: Store, clock: FixedClock, tmp_path: Path
) -> None:
    from memberdesk.core.shop.backups import set_second_folder

    stick = tmp_path / "usb"
    stick.mkdir()
    set_second_folder(store, SYSTEM, stick)
    for _ in range(3):
        backup_now(store, keep=3)
        clock.advance(days=1)
    member(store, "钟慢后", "13900000001")
    clock.advance(days=-30)  # the clock went back: this backup's name is the oldest
    made = backup_now(store, keep=3)
    assert made in [b.path for b in list_backups(store)] and len(list_backups(store)) == 3
    assert (stick / made.name).read_bytes() == made.read_bytes()
    assert len(list(stick.glob("memberdesk-*.sqlite"))) == 3
    with sqlite3.connect(made.resolve().as_uri() + "?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT count(*) FROM members WHERE name = '钟慢后'").fetchone() == (1,)


def test_every_backup_is_also_copied_to_a_second_folder(
    store: Store, clock: FixedClock, tmp_path: Path
) -> None:
    from memberdesk.core.errors import DomainError
    from memberdesk.core.shop.backups import second_folder, set_second_folder
    from memberdesk.core.shop.staff import Actor

    stick = tmp_path / "usb"
    cashier = Actor("x", "收银员", "cashier")
    with pytest.raises(DomainError) as caught:
        set_second_folder(store, SYSTEM, stick)  # not plugged in
    assert caught.value.code == "backup.second_missing"
    with pytest.raises(DomainError):
        set_second_folder(store, SYSTEM, store.backup_dir)
    stick.mkdir()
    with pytest.raises(DomainError) as caught:
        set_second_folder(store, cashier, stick)
    assert caught.value.code == "permission.denied"
    set_second_folder(store, SYSTEM, stick)
    for _ in range(4):
        made = backup_now(store, keep=2)
        clock.advance(hours=1)
    copies = sorted(p.name for p in stick.glob("memberdesk-*.sqlite"))
    assert copies == sorted(p.path.name for p in list_backups(store)) and len(copies) == 2
    assert (stick / made.name).read_bytes() == made.read_bytes()
    assert second_folder(store).error == ""
    stick.rename(tmp_path / "pulled-out")  # the stick is pulled out: the backup still stands
    kept = backup_now(store, keep=2)
    assert kept.exists()
    assert "not found" in second_folder(store).error


def test_a_copy_that_comes_out_short_on_the_stick_leaves_the_older_copies_there(
    store: Store, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stick is pulled out (or fails) as the newest copy is written: the copy came out
    short, yet it took a backup's name and the older copies on the stick were deleted, so
    the stick held one unreadable backup and nothing else. A copy is now checked against
    the backup before anything on the stick is removed; a bad one is removed instead, the
    older copies stay, and the backups page says why."""
    from memberdesk.core.shop import backups
    from memberdesk.core.shop.backups import second_folder, set_second_folder

    stick = tmp_path / "usb"
    stick.mkdir()
    set_second_folder(store, SYSTEM, stick)
    older = []
    for _ in range(2):
        older.append(backup_now(store, keep=2).name)
        clock.advance(hours=1)
    held = {name: (stick / name).read_bytes() for name in older}

    real_copy = shutil.copyfile

    def short_copy(src: Path, dst: Path) -> None:  # the last part never reached the stick
        real_copy(src, dst)
        with open(dst, "r+b") as f:
            f.truncate(Path(src).stat().st_size // 2)

    monkeypatch.setattr(backups.shutil, "copyfile", short_copy)
    member(store, "王五", "13700137000")
    made = backup_now(store, keep=2)

    assert made.exists() and verify_database_file(made)  # the backup itself stands
    assert sorted(p.name for p in stick.iterdir()) == sorted(older)
    assert {name: (stick / name).read_bytes() for name in older} == held
    error = second_folder(store).error
    assert error.startswith(f"{stick / made.name} 复制不完整"), error
    assert "该文件夹里原有的备份都保留" in error

    monkeypatch.setattr(backups.shutil, "copyfile", real_copy)  # a sound stick again
    clock.advance(hours=1)
    again = backup_now(store, keep=2)
    assert sorted(p.name for p in stick.iterdir()) == sorted([older[1], again.name])
    assert second_folder(store).error == ""


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names an fd through /proc")
def test_a_copy_is_on_the_stick_before_older_copies_there_are_removed(
    store: Store, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stick pulled out right after a backup must hold the new copy whole: it is flushed
    to the stick (and its name with it) while the older copies are still there."""
    from memberdesk.core.shop.backups import set_second_folder

    stick = tmp_path / "usb"
    stick.mkdir()
    set_second_folder(store, SYSTEM, stick)
    first = backup_now(store, keep=1)
    clock.advance(hours=1)
    flushed: list[tuple[str, set[str]]] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        flushed.append((os.readlink(f"/proc/self/fd/{fd}"), {p.name for p in stick.iterdir()}))

    monkeypatch.setattr(os, "fsync", fsync)
    made = backup_now(store, keep=1)
    on_stick = [(path, present) for path, present in flushed if path.startswith(str(stick))]
    assert on_stick, flushed
    assert any(Path(path).name.startswith(made.name) for path, _ in on_stick)  # the copy
    assert any(path == str(stick) for path, _ in on_stick)  # the folder: its new name
    assert all(first.name in present for _, present in on_stick)  # pruned only after
    assert [p.name for p in stick.iterdir()] == [made.name]


def test_a_stick_pulled_out_whose_empty_mount_folder_stays_gets_no_copy(
    store: Store, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Linux a USB stick's mount point stays behind as an empty folder on the shop's own
    disk when the stick is out: a copy written there would look made and die with the disk
    it was meant to outlive. The backup stands; the page says the stick is not there."""
    from memberdesk.core.errors import DomainError
    from memberdesk.core.shop import backups
    from memberdesk.core.shop.backups import second_folder, set_second_folder

    stick = tmp_path / "media" / "usb"
    stick.mkdir(parents=True)
    own_disk = backups._disk(store.path.parent)
    plugged = {"in": True}
    real_disk = backups._disk
    monkeypatch.setattr(backups, "_disk", lambda p: own_disk + 1 if p == stick and plugged["in"]
                        else real_disk(p))  # fmt: skip
    set_second_folder(store, SYSTEM, stick)
    backup_now(store, keep=3)
    assert len(list(stick.glob("memberdesk-*.sqlite"))) == 1 and second_folder(store).error == ""

    plugged["in"] = False  # pulled out: /media/usb is an empty folder on the shop's disk
    for f in stick.iterdir():
        f.unlink()
    clock.advance(hours=1)
    kept = backup_now(store, keep=3)
    assert kept.exists() and list(stick.iterdir()) == []
    assert "U 盘插好了吗" in DomainError("backup.second_not_mounted", path=str(stick)).message()
    assert second_folder(store).error.startswith(f"{stick} 已不是设置时的 U 盘或磁盘")

    plugged["in"] = True  # back in
    clock.advance(hours=1)
    made = backup_now(store, keep=3)
    assert (stick / made.name).exists() and second_folder(store).error == ""


def test_a_usb_stick_shared_by_two_tills_keeps_the_other_tills_backups(
    store: Store, clock: FixedClock, tmp_path: Path
) -> None:
    """Two tills of the shop copy their backups to one stick, each keeping 3: the second
    till's backup used to delete the first till's three copies from the stick."""
    from memberdesk.core.shop.backups import set_second_folder

    stick = tmp_path / "usb"
    stick.mkdir()
    other = Store(tmp_path / "till2" / "memberdesk.sqlite", clock=clock)
    try:
        configure_shop(other, name="测试小店二号机", store_code="S001")
        set_second_folder(store, SYSTEM, stick)
        set_second_folder(other, SYSTEM, stick)
        first = []
        for _ in range(3):
            first.append(backup_now(store, keep=3).name)
            clock.advance(minutes=1)
        for _ in range(2):
            second = backup_now(other, keep=1).name
            clock.advance(minutes=1)
    finally:
        other.close()
    assert sorted(p.name for p in stick.glob("memberdesk-*.sqlite")) == sorted([*first, second])
    # and each till's own folder still rolls as before
    assert [b.path.name for b in list_backups(store)] == first[::-1]


def test_a_second_shop_file_in_the_same_folder_keeps_the_first_shops_backups(
    store: Store, db_path: Path, clock: FixedClock
) -> None:
    """`memberdesk --db other.sqlite backup` beside the shop's file shares its backups
    folder: it must not prune the shop's backups."""
    mine = backup_now(store, keep=5)
    other = Store(db_path.with_name("practice.sqlite"), clock=clock)
    try:
        configure_shop(other, name="练习店", store_code="S009")
        clock.advance(minutes=1)
        backup_now(other, keep=1)
    finally:
        other.close()
    assert mine.exists()


def test_another_shop_files_backup_in_the_same_folder_is_not_this_shops_daily_backup(
    store: Store, db_path: Path, clock: FixedClock
) -> None:
    """A practice file beside the shop's file backed up this morning: the shop's own daily
    backup used to be skipped (that backup counted as today's), and the backups page listed
    the other file's backup among the shop's."""
    backup_now(store)
    clock.advance(days=2)
    other = Store(db_path.with_name("practice.sqlite"), clock=clock)
    try:
        configure_shop(other, name="练习店", store_code="S009")
        theirs = backup_now(other)
    finally:
        other.close()
    clock.advance(hours=1)
    member(store, "王五", "13700137000")
    made = auto_backup(store)
    assert made is not None
    assert [b.path for b in list_backups(store)][0] == made
    assert theirs not in [b.path for b in list_backups(store)] and theirs.exists()


def test_a_restore_refused_because_another_window_has_the_file_open_leaves_nothing_behind(
    shop_with_backup: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another memberdesk window still had the file open: the restore was refused (as it
    must be), yet it left two full copies of the shop's data in its folder — the backup
    made whole as memberdesk.sqlite.restoring and a before-restore copy of data that never
    changed (8 GB each on a large shop, on a disk that then had no room for backups)."""
    from memberdesk.core.errors import DomainError
    from memberdesk.core.shop import backups
    from memberdesk.core.shop.backups import restore

    monkeypatch.setattr(backups, "BUSY_TIMEOUT_MS", 200)
    db, backup = shop_with_backup
    with Store(db) as window:
        member(window, "李四", "13900139000")  # after the backup
        before = set(os.listdir(db.parent)), set(os.listdir(db.parent / "backups"))
        with pytest.raises(DomainError) as caught:
            restore(db, backup)
        assert caught.value.code == "store.busy"
        assert (set(os.listdir(db.parent)), set(os.listdir(db.parent / "backups"))) == before
    assert "李四" in names(db)


def test_what_a_restore_takes_off_the_till_is_counted_before_it_runs(
    store: Store, db_path: Path, clock: FixedClock
) -> None:
    """The owner's question before a restore: the records made after the backup, and of them
    the ones head office has not received (here: none has, HQ was never reached)."""
    from memberdesk.core.shop.backups import restore_preview
    from memberdesk.core.sync.config import configure_sync

    configure_sync(store, "https://hq.example.cn", "T-1")
    member(store, "张三", "13812345678")
    backup = backup_now(store)
    member(store, "李四", "13912345678")
    member(store, "王五", "13712345678")
    before = sha(db_path)
    lost = restore_preview(db_path, backup)
    assert (lost.members, lost.sales, lost.syncs) == (2, 0, True)
    assert lost.records >= 2 and lost.unsent >= lost.records  # nothing was ever sent
    assert restore_preview(db_path, backup_now(store)).records == 0  # a backup of now
    assert sha(db_path) == before  # only read


def test_restores_keep_only_the_newest_before_restore_copies(
    store: Store, db_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each restore keeps the data it replaces in backups/before-restore-*.sqlite. Restored
    five times (a shop trying backups one after another), the folder keeps the newest
    copies only, as many as the rolling backups (here 3), the newest holding what the last
    restore replaced; a restore that fails removes none of them."""
    from memberdesk.core.errors import DomainError
    from memberdesk.core.shop import backups
    from memberdesk.core.shop.backups import restore

    configure_shop(store, backups_keep=3)
    member(store, "张三", "13812345670")
    backup = backup_now(store)
    store.close()
    kept = []
    for i in range(5):
        clock.advance(minutes=1)
        with Store(db_path, clock=clock) as s:
            member(s, f"会员{i}", f"1391234500{i}")  # made after the backup, then replaced
        kept.append(restore(db_path, backup, clock=clock).safety)
        assert names(db_path) == {"张三"}
    copies = sorted((db_path.parent / "backups").glob("before-restore-*.sqlite"))
    assert copies == kept[-3:]  # the two oldest removed
    assert names_in(copies[-1]) == {"张三", "会员4"}
    with Store(db_path, clock=clock) as restored:  # the rolling backups are not touched
        assert [b.path for b in list_backups(restored)] == [backup]

    monkeypatch.setattr(backups, "BUSY_TIMEOUT_MS", 200)
    clock.advance(minutes=1)
    with Store(db_path, clock=clock) as window:  # another window has the file open
        member(window, "李四", "13900139000")
        with pytest.raises(DomainError):
            restore(db_path, backup, clock=clock)
    assert sorted((db_path.parent / "backups").glob("before-restore-*.sqlite")) == copies
