"""The `memberdesk` command on real files: demo, check, find, and errors a person can read
(one line, Chinese by default, English with --lang en, never a traceback)."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from memberdesk.cli import main
from memberdesk.core.members.member import MemberForm, issue_card, report_lost
from memberdesk.core.shop.staff import SYSTEM
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member

CONSOLE_SCRIPT = Path(sys.executable).parent / "memberdesk"


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    monkeypatch.delenv("MEMBERDESK_DB", raising=False)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def console(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script, exactly as a shop owner runs it."""
    assert CONSOLE_SCRIPT.is_file(), f"{CONSOLE_SCRIPT} is not installed (pip install -e .)"
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def assert_one_line_error(run: subprocess.CompletedProcess[str], code: int, fragment: str) -> None:
    assert run.returncode == code, (run.returncode, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert fragment in lines[0], lines[0]
    assert run.stdout == ""


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`memberdesk demo --members 50`, built once for the module (it rings up sales too)."""
    db = tmp_path_factory.mktemp("demo") / "memberdesk.sqlite"
    state = tmp_path_factory.mktemp("state")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_STATE_HOME", str(state))
        run = console("--db", str(db), "demo", "--members", "50")
    assert (run.returncode, run.stderr) == (0, "")
    made = int(re.search(r"演示店已建好：(\d+) 位会员", run.stdout).group(1))
    assert 45 <= made <= 50  # a random phone may collide and be skipped
    return db


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    db = tmp_path / "demo" / "memberdesk.sqlite"
    db.parent.mkdir()
    shutil.copyfile(demo_template, db)  # closed cleanly: no -wal to carry along
    return db


def some_member(db: Path) -> Member:
    with Store(db) as s, s.read() as r:
        return r.scalars(
            select(Member).where(Member.phone.is_not(None)).order_by(Member.name)
        ).first()


# ------------------------------------------------------------------ demo, check, find


def test_demo_then_check_passes(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "--db", str(demo_db), "check")
    assert (code, err) == (0, "")
    assert out.startswith("检查通过")
    code, out, _ = cli(capsys, "--db", str(demo_db), "--lang", "en", "check")
    assert code == 0 and out.startswith("check passed")


def test_check_full_compares_every_index_with_its_table(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The everyday check reads every page; --full also finds an index whose entries no
    longer match its table (here the phone-suffix index, redefined without being rebuilt:
    the till would miss members by their last four digits)."""
    import sqlite3

    conn = sqlite3.connect(demo_db)
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET sql = replace(sql, '(phone_last4', '(name') "
                 "WHERE name = 'ix_members_phone_last4'")  # fmt: skip
    conn.commit()
    conn.close()
    code, out, _ = cli(capsys, "--db", str(demo_db), "--lang", "en", "check")
    assert code == 0 and out.startswith("check passed")
    code, out, _ = cli(capsys, "--db", str(demo_db), "--lang", "en", "check", "--full")
    assert code == 1
    assert "missing from index ix_members_phone_last4" in out


def test_find_by_card_name_and_last_four_digits(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = some_member(demo_db)

    code, out, _ = cli(capsys, "--db", str(demo_db), "find", m.card_no)
    assert code == 0
    assert out.splitlines() == [out.splitlines()[0]]  # a card is one exact hit …
    assert out.startswith(f"★ {m.card_no}  {m.name}  {m.phone[:3]}****{m.phone[-4:]}")  # … masked

    code, out, _ = cli(capsys, "--db", str(demo_db), "find", m.name)
    assert code == 0
    assert any(line.split()[0] == m.card_no and m.name in line for line in out.splitlines())

    code, out, _ = cli(capsys, "--db", str(demo_db), "find", m.phone[-4:])
    assert code == 0
    assert any(line.split()[0] == m.card_no for line in out.splitlines())
    assert all(line.split()[2].endswith(m.phone[-4:]) for line in out.splitlines())

    code, out, _ = cli(capsys, "--db", str(demo_db), "find", "查无此人")
    assert (code, out.strip()) == (1, "没有找到会员")


def test_check_reports_a_tampered_member_by_name(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = some_member(demo_db)
    conn = sqlite3.connect(demo_db)
    conn.execute("UPDATE members SET version = version + 5 WHERE id = ?", (m.id,))
    conn.commit()
    conn.close()
    code, out, _ = cli(capsys, "--db", str(demo_db), "check")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "检查发现 2 个问题："
    assert lines[1] == (
        f"  - 会员 {m.name}（{m.card_no}）有 {m.version + 5} 次变更，但同步队列里有 {m.version} 条"
    )
    assert lines[2] == f"  - 会员 {m.name}（{m.card_no}）与同步日志最后封存的内容不符"
    # The same through the installed script: exit 1, the report on stdout, nothing on stderr.
    run = console("--db", str(demo_db), "check")
    assert run.returncode == 1 and run.stderr == "" and m.name in run.stdout


def test_check_flags_a_card_left_active(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    m = some_member(demo_db)
    conn = sqlite3.connect(demo_db)
    conn.execute(
        "INSERT INTO cards (id, card_no, member_id, status, issued_at, end_reason)"
        " VALUES ('stray', 'OLD123456', ?, 'active', '2026-01-01 00:00:00', '')",
        (m.id,),
    )
    conn.commit()
    conn.close()
    code, out, _ = cli(capsys, "--db", str(demo_db), "check")
    assert code == 1
    assert f"会员 {m.name}" in out and "OLD123456" in out


def test_check_on_a_damaged_file_reports_instead_of_crashing(demo_db: Path) -> None:
    conn = sqlite3.connect(demo_db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'members'").fetchone()[0]
    conn.close()
    data = bytearray(demo_db.read_bytes())
    data[(root - 1) * page_size : (root - 1) * page_size + 12] = b"\xff" * 12
    demo_db.write_bytes(bytes(data))
    run = console("--db", str(demo_db), "check")
    assert run.returncode == 1, run.stderr
    assert run.stderr == "" and "Traceback" not in run.stdout
    assert run.stdout.startswith("检查发现")
    assert "数据库完整性检查失败" in run.stdout or "无法完成" in run.stdout


def test_check_is_not_fooled_by_letters_sqlite_cannot_lowercase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "memberdesk.sqlite"
    with Store(db) as s:
        issue_card(s, SYSTEM, MemberForm(name="ÉLODIE Ｌｉ", phone="13812345678"))
        issue_card(s, SYSTEM, MemberForm(name="ДМИТРИЙ", phone="13912345678"))
    code, out, _ = cli(capsys, "--db", str(db), "check")
    assert code == 0, out


# ------------------------------------------------------------------ errors, through the real script


def test_errors_are_one_line_in_chinese_or_english(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("不是数据库\n" * 20, encoding="utf-8")

    run = console("--db", str(text), "check")
    assert_one_line_error(run, 2, f"{text} 不是会员收银台的数据库")
    run = console("--db", str(text), "--lang", "en", "check")
    assert_one_line_error(run, 2, f"{text} is not a memberdesk database")

    missing = tmp_path / "typo.sqlite"
    run = console("--db", str(missing), "check")
    assert_one_line_error(run, 2, f"找不到文件 {missing}")
    run = console("--db", str(missing), "--lang", "en", "backup")
    assert_one_line_error(run, 2, f"file not found: {missing}")
    assert not missing.exists()  # a mistyped path is not created as an empty shop

    run = console("--db", str(missing), "restore", str(text))
    assert_one_line_error(run, 2, "不是会员收银台的数据库")


def test_an_empty_database_file_is_not_checked_as_a_new_shop(tmp_path: Path) -> None:
    db = tmp_path / "memberdesk.sqlite"
    db.write_bytes(b"")  # what a copy cut short by a full disk leaves

    for command in ("check", "backup", "jobs"):
        run = console("--db", str(db), command)
        assert_one_line_error(run, 2, f"数据库 {db} 是空文件（0 字节），里面没有店铺数据")
    run = console("--db", str(db), "--lang", "en", "check")
    assert_one_line_error(run, 2, f"the database {db} is empty (0 bytes)")
    assert db.stat().st_size == 0  # not made into an empty shop
    assert not (tmp_path / "backups").exists()


def test_a_lost_card_is_refused_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "memberdesk.sqlite"
    with Store(db) as s:
        m = issue_card(s, SYSTEM, MemberForm(name="张三", phone="13812345678"))
        report_lost(s, SYSTEM, m.id)
    run = console("--db", str(db), "find", m.card_no)
    assert_one_line_error(run, 2, f"卡号 {m.card_no} 已挂失，请使用补办的新卡")
    run = console("--db", str(db), "--lang", "en", "find", m.card_no)
    assert_one_line_error(run, 2, f"card {m.card_no} was reported lost")


def test_a_newer_database_is_refused_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "memberdesk.sqlite"
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    run = console("--db", str(db), "check")
    assert_one_line_error(run, 2, "由更新版本的会员收银台创建，请先升级本软件")


def test_an_unexpected_failure_is_one_line_with_the_log_file(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    state = tmp_path / "state"
    run = console(
        "--db",
        str(blocker / "shop" / "memberdesk.sqlite"),
        "demo",
        env={"XDG_STATE_HOME": str(state)},
    )
    assert_one_line_error(run, 1, "内部错误：")
    log_file = state / "memberdesk" / "log" / "memberdesk.log"
    if sys.platform.startswith("linux"):
        assert str(log_file) in run.stderr
        assert "Traceback" in log_file.read_text(encoding="utf-8")  # the detail is in the log


def test_a_log_folder_that_cannot_be_written_does_not_stop_the_command(
    demo_db: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    run = console("--db", str(demo_db), "check", env={"XDG_STATE_HOME": str(blocker)})
    assert (run.returncode, run.stderr) == (0, "")
    assert "检查通过" in run.stdout


def test_the_log_file_rotates_by_size(tmp_path: Path) -> None:
    """The window runs for months: past LOG_BYTES the log moves to memberdesk.log.1 and a
    fresh file starts; at most LOG_BACKUPS old files are kept."""
    import logging
    from logging.handlers import RotatingFileHandler

    from memberdesk import cli as memberdesk_cli

    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    for handler in saved:  # pytest's capture would make the set-up a no-op, as basicConfig's
        root.removeHandler(handler)
    try:
        path = memberdesk_cli._setup_logging()
        assert path == tmp_path / "xdg_state_home" / "memberdesk" / "log" / "memberdesk.log"
        (handler,) = root.handlers
        assert isinstance(handler, RotatingFileHandler)
        assert handler.backupCount == memberdesk_cli.LOG_BACKUPS
        line = "会员 张三 积分 +120 " * 50
        for _ in range(memberdesk_cli.LOG_BYTES // len(line) + 10):
            logging.getLogger("memberdesk.test").info(line)
        handler.flush()
        first = path.with_name("memberdesk.log.1")
        assert first.exists() and not path.with_name("memberdesk.log.2").exists()
        assert first.stat().st_size <= memberdesk_cli.LOG_BYTES + 4 * len(line.encode())
        assert 0 < path.stat().st_size < memberdesk_cli.LOG_BYTES
        assert "会员 张三" in path.read_text(encoding="utf-8")
    finally:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
            handler.close()
        for handler in saved:
            root.addHandler(handler)
        root.setLevel(level)


def test_the_default_file_lives_in_the_data_folder_or_memberdesk_db(
    demo_db: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    run = console("check", env={"XDG_DATA_HOME": str(data), "MEMBERDESK_DB": ""})
    if sys.platform.startswith("linux"):
        assert_one_line_error(run, 2, f"找不到文件 {data / 'memberdesk' / 'memberdesk.sqlite'}")
    run = console("check", env={"MEMBERDESK_DB": str(demo_db)})
    assert run.returncode == 0 and "检查通过" in run.stdout


def test_the_demo_history_never_runs_ahead_of_the_clock() -> None:
    """Demo visits fall in shop hours, never before the member joined nor after 'now'."""
    import random
    from datetime import datetime, timedelta

    from memberdesk.core.demo.builder import _moments

    rng = random.Random(7)
    now = datetime(2026, 3, 10, 4, 45)  # 12:45 in Shanghai, mid-day
    joined = now - timedelta(days=2, hours=1)
    moments = _moments(rng, joined + timedelta(minutes=5), now, 2000)
    assert moments == sorted(moments)
    assert joined + timedelta(minutes=5) <= moments[0] and moments[-1] <= now
    assert any(m.date() == now.date() for m in moments)  # today's visits are there, before now
