"""The storage layer on real SQLite files: pragmas, BEGIN IMMEDIATE, the transactional
outbox, append-only triggers, refusing foreign / newer files, upgrading after a copy."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from memberdesk.cli import build_parser
from memberdesk.core.check.checks import run_checks
from memberdesk.core.errors import DomainError
from memberdesk.core.members.member import MemberForm, create_member, issue_card
from memberdesk.core.shop.backups import verify_database_file
from memberdesk.core.shop.details import next_counter
from memberdesk.core.shop.staff import SYSTEM
from memberdesk.core.store import chunks, connect
from memberdesk.core.store import migrate as db_module
from memberdesk.core.store.connect import BUSY_TIMEOUT_MS, make_engine
from memberdesk.core.store.database import Store
from memberdesk.core.store.migrate import alembic_config, head_revision
from memberdesk.core.store.models import AuditEntry, Member, OutboxEvent
from memberdesk.paths import default_db_path

SRC = Path(__file__).resolve().parents[2] / "src"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sidecars(path: Path) -> list[Path]:
    return [p for p in path.parent.iterdir() if p.name.startswith(path.name + "-")]


def counts(store: Store) -> tuple[int, int]:
    with store.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Member)),
            s.scalar(select(func.count()).select_from(OutboxEvent)),
        )


# ------------------------------------------------------------------ pragmas


def test_every_pooled_connection_has_the_pragmas(store: Store) -> None:
    store.engine.dispose()  # whatever the fixture used is gone: these are brand-new connections
    with store.engine.connect() as first, store.engine.connect() as second:
        for conn in (first, second):
            got = {
                p: conn.exec_driver_sql(f"PRAGMA {p}").scalar()
                for p in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
            assert got == {
                "journal_mode": "wal",
                "synchronous": 2,  # FULL
                "foreign_keys": 1,
                "busy_timeout": BUSY_TIMEOUT_MS,
            }
    assert BUSY_TIMEOUT_MS >= 1000


def test_writes_begin_immediate_and_reads_deferred(store: Store, db_path: Path) -> None:
    """A write holds the file's write lock from its first statement (a deferred BEGIN
    lets two writers read the same balance and lose an update); a read holds none."""

    def another_writer_gets_in() -> bool:
        other = sqlite3.connect(str(db_path), timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError as e:
            assert "locked" in str(e)
            return False
        finally:
            other.close()

    with store.write() as uow:
        uow.session.execute(text("SELECT 1"))
        assert not another_writer_gets_in()
        # the transaction's own statements wait as long as any connection's
        assert uow.session.execute(text("PRAGMA busy_timeout")).scalar() == BUSY_TIMEOUT_MS
    with store.read() as s:
        s.execute(text("SELECT 1"))
        assert another_writer_gets_in()


def hold_the_file(db_path: Path, hold_s: float, free_s: float, stop: threading.Event) -> None:
    """Another program's importer: the write lock held hold_s, then free_s free, again."""
    con = sqlite3.connect(str(db_path), timeout=10, isolation_level=None)
    try:
        while not stop.is_set():
            con.execute("BEGIN IMMEDIATE")
            time.sleep(hold_s)
            con.execute("COMMIT")
            time.sleep(free_s)
    finally:
        con.close()


def test_a_writer_gets_in_between_another_programs_chunks(store: Store, db_path: Path) -> None:
    """An importer's chunk can take 0.3 s on a busy machine. SQLite's own wait sleeps
    100 ms between tries by then and misses the importer's pause between chunks, chunk
    after chunk; a write here tries every few ms and gets the first pause."""
    stop = threading.Event()
    holder = threading.Thread(target=hold_the_file, args=(db_path, 0.3, chunks.PAUSE_S, stop))
    holder.start()
    try:
        time.sleep(0.05)
        waits = []
        for n in range(8):
            started = time.monotonic()
            with store.write() as uow:
                next_counter(uow.session, "test.counter", 0)
            waits.append(time.monotonic() - started)
            time.sleep(0.071 * (n + 1) % 0.32)  # arrive at another point of the cycle
    finally:
        stop.set()
        holder.join(10)
    assert store.get_setting("test.counter") == 8
    # At most one hold of 0.3 s: a writer that missed a pause would wait two (0.6 s or more).
    assert max(waits) < 0.58, waits


def test_a_writer_gives_up_after_the_busy_timeout(
    store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connect, "BUSY_TIMEOUT_MS", 300)
    stop = threading.Event()
    holder = threading.Thread(target=hold_the_file, args=(db_path, 2.0, 0.0, stop))
    holder.start()
    try:
        time.sleep(0.1)
        started = time.monotonic()
        with pytest.raises(DomainError) as e, store.write() as uow:
            next_counter(uow.session, "test.counter", 0)
        waited = time.monotonic() - started
    finally:
        stop.set()
        holder.join(10)
    assert e.value.code == "store.busy"
    assert 0.3 <= waited < 1.5
    assert store.get_setting("test.counter") is None


def test_two_threads_incrementing_a_counter_lose_nothing(store: Store) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work() -> None:
        try:
            start.wait()
            for _ in range(200):
                with store.write() as uow:
                    next_counter(uow.session, "test.counter", 0)
        except BaseException as exc:  # reported below, in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert store.get_setting("test.counter") == 400


COUNTER_CHILD = textwrap.dedent(
    """
    import sys
    from memberdesk.core.store.database import Store
    from memberdesk.core.shop.details import next_counter
    store = Store(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()  # both start together
    for _ in range(200):
        with store.write() as uow:
            next_counter(uow.session, "test.counter", 0)
    store.close()
    print("done", flush=True)
    """
)


def test_two_processes_incrementing_a_counter_lose_nothing(store: Store, db_path: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTER_CHILD, str(db_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready", p.stderr.read()
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            assert "locked" not in err
            assert out.strip() == "done"
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert store.get_setting("test.counter") == 400


# ------------------------------------------------------------------ the transactional outbox


def test_a_failure_inside_write_rolls_back_the_change_and_its_outbox_row(store: Store) -> None:
    before = counts(store)
    with pytest.raises(RuntimeError), store.write() as uow:
        create_member(uow, MemberForm(name="张三", phone="13812345678"))
        uow.session.flush()  # both rows really reached SQLite …
        assert uow.session.scalar(select(func.count()).select_from(Member)) == before[0] + 1
        raise RuntimeError("power cut")  # … and are gone with the transaction
    assert counts(store) == before


def test_an_outbox_row_that_cannot_be_written_takes_its_change_with_it(store: Store) -> None:
    before = counts(store)
    with pytest.raises(TypeError, match="JSON"), store.write() as uow:  # fails as it is written
        create_member(uow, MemberForm(name="李四", phone="13912345678"))
        uow.emit("member.extra", "x", {"not json": object()})
    assert counts(store) == before


def test_a_member_change_and_its_outbox_row_commit_together(store: Store) -> None:
    view = issue_card(store, SYSTEM, MemberForm(name="王五", phone="13712345678"))
    with store.read() as s:
        kinds = s.scalars(select(OutboxEvent.kind).where(OutboxEvent.aggregate_id == view.id)).all()
    assert kinds == ["member.issued"]


def test_outbox_and_audit_log_refuse_delete_and_rewrite(store: Store, owner) -> None:
    issue_card(store, SYSTEM, MemberForm(name="赵六", phone="13612345678"))
    refusals = [
        "DELETE FROM outbox",
        "UPDATE outbox SET payload = '{}'",
        "UPDATE outbox SET kind = 'member.forged'",
        "UPDATE outbox SET aggregate_id = 'someone-else'",
        "UPDATE outbox SET event_id = 'e'",
        "UPDATE outbox SET created_at = '2000-01-01 00:00:00'",
        "UPDATE outbox SET seq = seq + 1000",  # the order HQ applies events in
        "DELETE FROM audit_log",
        "UPDATE audit_log SET staff_name = '别人'",
        "UPDATE audit_log SET detail = '{}'",
    ]
    for sql in refusals:
        refused = pytest.raises(IntegrityError, match="append-only|cannot be rewritten")
        with refused, store.write() as uow:
            uow.session.execute(text(sql))
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) >= 1
        assert s.scalar(select(func.count()).select_from(OutboxEvent)) >= 2
    # The state of a row moves on as sync progresses.
    with store.write() as uow:
        uow.session.execute(text("UPDATE outbox SET state = 'inflight', batch_id = 'b1'"))
    with store.write() as uow:
        uow.session.execute(text("UPDATE outbox SET state = 'acked' WHERE batch_id = 'b1'"))
        # as the pusher does when HQ confirms them (check compares the two)
        uow.session.execute(text("INSERT OR REPLACE INTO settings (key, value) "
                                 "SELECT 'sync.hq_last_seq', max(seq) FROM outbox"))  # fmt: skip
    with store.read() as s:
        assert set(s.scalars(select(OutboxEvent.state))) == {"acked"}
    assert run_checks(store).ok


# ------------------------------------------------------------------ files that are not ours


def test_a_text_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("店铺备忘：周三进货\n" * 50, encoding="utf-8")
    before = sha(path)
    with pytest.raises(DomainError) as err:
        Store(path)
    assert err.value.code == "store.not_memberdesk"
    assert err.value.message("zh") == f"{path} 不是会员收银台的数据库"
    assert err.value.message("en") == f"{path} is not a memberdesk database"
    assert sha(path) == before and sidecars(path) == []


def test_another_programs_sqlite_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE inventory (sku TEXT, qty INTEGER)")
    conn.execute("INSERT INTO inventory VALUES ('A1', 3)")
    conn.commit()
    conn.close()
    before = sha(path)
    with pytest.raises(DomainError) as err:
        Store(path)
    assert err.value.code == "store.not_memberdesk"
    assert str(path) in err.value.message("zh")
    # Not switched to WAL, no -wal/-shm beside it, not a byte changed.
    assert sha(path) == before and sidecars(path) == []
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dir.sqlite").mkdir()
    with pytest.raises(DomainError) as err:
        Store(tmp_path / "dir.sqlite")
    assert err.value.code == "store.not_memberdesk"


def test_a_database_from_a_newer_memberdesk_is_refused_and_untouched(
    store: Store, db_path: Path
) -> None:
    issue_card(store, SYSTEM, MemberForm(name="钱七", phone="13512345678"))
    store.close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    before = sha(db_path)
    backups_before = (
        sorted((db_path.parent / "backups").glob("*"))
        if (db_path.parent / "backups").exists()
        else []
    )
    with pytest.raises(DomainError) as err:
        Store(db_path)
    assert err.value.code == "store.too_new"
    assert "更新版本" in err.value.message("zh") and "newer" in err.value.message("en")
    assert sha(db_path) == before and sidecars(db_path) == []
    backups_after = (
        sorted((db_path.parent / "backups").glob("*"))
        if (db_path.parent / "backups").exists()
        else []
    )
    assert backups_after == backups_before  # no upgrade copy either: nothing was attempted
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
        "9999_from_the_future"
    )
    conn.close()


# ------------------------------------------------------------------ upgrades


def _upgrade_copies(folder: Path) -> list[Path]:
    return (
        sorted((folder / "backups").glob("before-upgrade-*.sqlite"))
        if (folder / "backups").exists()
        else []
    )


def test_opening_a_new_or_current_file_makes_no_upgrade_copy(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite"
    with Store(path) as s:
        assert s.upgrade_backup is None
    with Store(path) as s:
        assert s.upgrade_backup is None
    assert _upgrade_copies(tmp_path) == []
    assert verify_database_file(path) == head_revision()


def test_an_older_file_is_copied_before_it_is_upgraded(tmp_path: Path) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    previous = script.get_revision(head_revision()).down_revision
    if previous is None:  # only one revision so far: nothing can be older
        pytest.skip("the schema has a single revision; no older file exists yet")
    assert isinstance(previous, str), "a merge revision needs its own test"
    path = tmp_path / "old.sqlite"
    engine = make_engine(path)
    with engine.connect() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, previous)
        # a setting no journal row seals (a shop's name, say, would need its row)
        conn.exec_driver_sql(
            """INSERT INTO settings (key, value) VALUES ('jobs.tier_review.last', '"2025-01-01"')"""
        )
        conn.commit()
    engine.dispose()

    with Store(path) as s:
        assert s.upgrade_backup is not None
        assert s.get_setting("jobs.tier_review.last") == "2025-01-01"
        assert run_checks(s).ok
    copy = Path(s.upgrade_backup)
    assert copy in _upgrade_copies(tmp_path)
    assert verify_database_file(copy) == previous  # a sound file at the old revision …
    conn = sqlite3.connect(copy)
    assert conn.execute(
        "SELECT value FROM settings WHERE key='jobs.tier_review.last'"
    ).fetchone() == ('"2025-01-01"',)  # … holding the data as it was
    conn.close()
    assert verify_database_file(path) == head_revision()


def _scratch_migrations(tmp_path: Path, *bodies: str) -> Path:
    """The real migrations plus revisions 9001, 9002 … after head, in a scratch folder."""
    folder = tmp_path / "migrations"
    shutil.copytree(db_module.MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    down = head_revision()
    for n, body in enumerate(bodies, start=9001):
        upgrade = textwrap.indent(textwrap.dedent(body).strip(), "    ")
        (folder / "versions" / f"{n}_scratch.py").write_text(
            "import sqlalchemy as sa\n"
            "from alembic import op\n\n"
            f'revision = "{n}"\n'
            f"down_revision = {down!r}\n"
            "branch_labels = None\n"
            "depends_on = None\n\n\n"
            f"def upgrade():\n{upgrade}\n\n\n"
            "def downgrade():\n    pass\n",
            encoding="utf-8",
        )
        down = str(n)
    return folder


def test_a_batch_migration_of_a_referenced_table_keeps_data_and_makes_a_copy(
    store: Store, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rebuilding `members` (cards and search keys point at it) must work with foreign keys."""
    issue_card(store, SYSTEM, MemberForm(name="孙八", phone="13412345678"))
    store.close()
    old_head = head_revision()
    monkeypatch.setattr(
        db_module,
        "MIGRATIONS",
        _scratch_migrations(
            tmp_path,
            """
            with op.batch_alter_table("members", recreate="always") as batch:
                batch.add_column(sa.Column("nickname", sa.String(20), nullable=True))
            """,
        ),
    )
    monkeypatch.setattr(db_module, "HEAD_REVISION", "9001")  # as a new migration would set it
    with Store(db_path) as s:
        assert s.upgrade_backup is not None
        assert verify_database_file(Path(s.upgrade_backup)) == old_head
        with s.read() as r:
            assert r.execute(text("SELECT name, nickname FROM members")).all() == [("孙八", None)]
            assert r.execute(text("PRAGMA foreign_key_check")).all() == []
            assert r.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert run_checks(s).ok
    assert verify_database_file(db_path) == "9001"


def test_a_failing_migration_changes_nothing(
    store: Store, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    issue_card(store, SYSTEM, MemberForm(name="周九", phone="13312345678"))
    store.close()
    old_head = head_revision()
    monkeypatch.setattr(
        db_module,
        "MIGRATIONS",
        _scratch_migrations(
            tmp_path,
            """
            op.create_table("step_one", sa.Column("id", sa.Integer, primary_key=True))
            op.execute("UPDATE members SET name = '改过了'")
            """,
            """
            op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
            raise RuntimeError("the second migration fails half way")
            """,
        ),
    )
    monkeypatch.setattr(db_module, "HEAD_REVISION", "9002")
    with pytest.raises(RuntimeError, match="half way"):
        Store(db_path)
    assert len(_upgrade_copies(db_path.parent)) == 1  # the copy came first
    monkeypatch.undo()
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == old_head
    assert conn.execute("SELECT name FROM members").fetchall() == [("周九",)]
    for table in ("step_one", "half_done"):  # all of the upgrade, or none of it
        assert conn.execute(f"SELECT 1 FROM sqlite_master WHERE name='{table}'").fetchone() is None
    conn.close()
    with Store(db_path) as s:
        assert run_checks(s).ok


# ------------------------------------------------------------------ where the file lives


def test_the_data_folder_comes_from_platformdirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MEMBERDESK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert default_db_path() == tmp_path / "xdg" / "memberdesk" / "memberdesk.sqlite"
    assert default_db_path().name == "memberdesk.sqlite"
    assert build_parser().parse_args(["check"]).db == default_db_path()


def test_the_environment_and_db_option_choose_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEMBERDESK_DB", str(tmp_path / "env.sqlite"))
    assert default_db_path() == tmp_path / "env.sqlite"
    assert build_parser().parse_args(["check"]).db == tmp_path / "env.sqlite"
    chosen = tmp_path / "option.sqlite"
    assert build_parser().parse_args(["--db", str(chosen), "check"]).db == chosen
    monkeypatch.setenv("MEMBERDESK_DB", "~/shop.sqlite")
    assert default_db_path() == Path.home() / "shop.sqlite"
    monkeypatch.setenv("MEMBERDESK_DB", "")
    assert default_db_path().name == "memberdesk.sqlite"


def test_a_folder_name_with_url_characters_is_a_plain_path(tmp_path: Path) -> None:
    path = tmp_path / "店?铺#1%" / "memberdesk.sqlite"
    with Store(path) as s:
        issue_card(s, SYSTEM, MemberForm(name="吴十", birthday=date(1990, 5, 1)))
        assert run_checks(s).ok
    assert path.is_file()
    assert verify_database_file(path) == head_revision()
