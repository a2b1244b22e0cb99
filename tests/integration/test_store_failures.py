"""SQLite's refusals as a person reads them, on real files and real conditions.

A database this user may not write (chmod: the file, or its folder, where a WAL
database keeps its -wal and -shm files), one another program holds in a write
transaction for longer than the wait, and a full disk (SQLite's own limit on the
file's pages, which fails exactly as a full disk does). Each ends in one line naming
the file and the cause, exit code 2, and nothing written — never "internal error" or
"not a memberdesk database".

Root writes through any chmod, so under root the command runs in a child process
that has given up root for the unprivileged ``nobody``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from memberdesk.cli import main
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.details import configure_shop, get_shop
from memberdesk.core.shop.staff import SYSTEM
from memberdesk.core.store import connect
from memberdesk.core.store.database import Store

NOBODY = 65534


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's own are root's alone)."""
    base = Path(tempfile.mkdtemp(prefix="memberdesk-perm-", dir="/tmp" if Path("/tmp").is_dir() else None))  # fmt: skip
    base.chmod(0o755)
    yield base
    for p in [base, *base.rglob("*")]:
        with contextlib.suppress(OSError):
            p.chmod(0o700 if p.is_dir() else 0o600)
    shutil.rmtree(base, ignore_errors=True)


def shop_file(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "memberdesk.sqlite"
    with Store(db) as store:
        configure_shop(store, name="测试小店", store_code="S001")
        issue_card(store, SYSTEM, MemberForm(name="张三", phone="13800138000"))
    return db


def run_unprivileged(argv: list[str]) -> tuple[int, str, str]:
    """`memberdesk argv` as a user without root's powers; (exit code, stdout, stderr)."""
    if os.geteuid() != 0:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        return code, out.getvalue(), err.getvalue()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: give up root, run the command, send back what it said
        result = {"code": 99, "out": "", "err": ""}
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                result["code"] = main(argv)
            result.update(out=out.getvalue(), err=err.getvalue())
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            result["err"] += f"child failed: {exc!r}"
        finally:
            os.write(write, json.dumps(result).encode())
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    result = json.loads(data)
    return result["code"], result["out"], result["err"]


def store_code(db: Path) -> str:
    with Store(db) as store:
        return get_shop(store).store_code


def test_a_read_only_database_file_is_named_as_such(open_dir: Path) -> None:
    db = shop_file(open_dir / "shop")
    argv = ["--db", str(db), "--lang", "en", "shop", "set", "--store", "S002"]
    assert main(argv[:5] + ["show"]) == 0  # the command's modules are loaded before the child
    db.parent.chmod(0o777)
    db.chmod(0o444)

    code, out, err = run_unprivileged(argv)

    assert code == 2, (out, err)
    assert err.strip() == (
        f"cannot write the database {db}: the file is read-only for this user. Give this user "
        "write permission there, or open a copy kept in a folder this user may write"
    )
    assert "internal error" not in err and "not a memberdesk database" not in err
    db.chmod(0o644)
    assert store_code(db) == "S001"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_read_only_folder_is_not_called_a_foreign_file(open_dir: Path, lang: str) -> None:
    db = shop_file(open_dir / "shop")
    assert main(["--db", str(db), "check"]) == 0
    db.chmod(0o666)
    db.parent.chmod(0o555)  # the -wal and -shm files cannot be made beside it

    code, out, err = run_unprivileged(["--db", str(db), "--lang", lang, "check"])

    assert code == 2, (out, err)
    expected = {
        "en": f"cannot write the database {db}: this user may not write in its folder "
        f"{db.parent}, where the database keeps its -wal and -shm files.",
        "zh": f"无法写入数据库 {db}：",
    }[lang]
    assert err.startswith(expected), err
    assert "not a memberdesk database" not in err and "不是会员收银台的数据库" not in err


def test_a_database_held_by_another_program_says_so_after_the_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = shop_file(tmp_path / "shop")
    monkeypatch.setattr(connect, "BUSY_TIMEOUT_MS", 300)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program in the middle of a write
    try:
        started = time.monotonic()
        code = main(["--db", str(db), "--lang", "en", "shop", "set", "--store", "S002"])
        waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.strip() == (
        f"another program (or another memberdesk window) has held the database {db} for more "
        "than 0.3 seconds; close it or wait, then try again"
    )
    assert waited < 5
    assert store_code(db) == "S001"
    assert main(["--db", str(db), "shop", "set", "--store", "S002"]) == 0  # and once it is free
    assert store_code(db) == "S002"


def pages_of(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(db)) as con:
        return con.execute("PRAGMA page_count").fetchone()[0]


def test_a_full_disk_names_the_file_and_the_free_space(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = shop_file(tmp_path / "shop")
    limit = pages_of(db)
    plain = connect._configure

    def full_disk(conn: sqlite3.Connection, record: object) -> None:
        plain(conn, record)
        conn.execute(f"PRAGMA max_page_count={limit}")  # no page beyond what the file has

    monkeypatch.setattr(connect, "_configure", full_disk)
    sheet = tmp_path / "new.csv"
    sheet.write_text(
        "姓名,手机号,备注\n"
        + "".join(f"顾客{n},1390000{n:04d},{'长备注' * 200}\n" for n in range(300)),
        encoding="utf-8",
    )
    code = main(["--db", str(db), "--lang", "en", "import", "members", str(sheet)])
    out, err = capsys.readouterr()
    assert code != 0
    free = shutil.disk_usage(db.parent).free
    assert f"the disk holding the database {db} is full (" in err
    assert err.split("full (")[1].split(" free)")[0].endswith(("GB", "MB", "KB", "B"))
    assert free > 0 and "internal error" not in err
    monkeypatch.setattr(connect, "_configure", plain)
    with Store(db) as store, store.read() as s:
        assert s.execute(sqlite_count("members")).scalar_one() == 1  # only 张三


def sqlite_count(table: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    return text(f"SELECT COUNT(*) FROM {table}")


def test_writers_of_one_store_take_turns_in_the_order_they_came(tmp_path: Path) -> None:
    """A long job that commits and at once begins again must not starve a waiting sale."""
    db = shop_file(tmp_path / "shop")
    with Store(db) as store:
        stop = threading.Event()
        waited: list[float] = []

        def busy_job() -> None:
            while not stop.is_set():
                with store.write():
                    time.sleep(0.05)  # a chunk of work, then straight into the next one

        job = threading.Thread(target=busy_job)
        job.start()
        try:
            time.sleep(0.1)
            for _ in range(5):
                started = time.monotonic()
                with store.write() as uow:
                    uow.touched("test.turn")
                waited.append(time.monotonic() - started)
        finally:
            stop.set()
            job.join()
    assert max(waited) < 0.5, waited


def test_a_restore_into_a_read_only_folder_is_refused_as_such(open_dir: Path) -> None:
    from memberdesk.core.shop.backups import backup_now

    db = shop_file(open_dir / "shop")
    with Store(db) as store:
        backup = backup_now(store)
    stick = open_dir / "usb"
    stick.mkdir()
    old = stick / backup.name
    shutil.copyfile(backup, old)
    stick.chmod(0o755)
    old.chmod(0o644)
    with Store(db) as store:
        issue_card(store, SYSTEM, MemberForm(name="李四", phone="13900139000"))
    elsewhere = shop_file(open_dir / "elsewhere")  # the command's modules are loaded first
    assert main(["--db", str(elsewhere), "restore", "--other-shop", str(old)]) == 0
    before = db.read_bytes()
    db.chmod(0o666)
    for folder in (db.parent, db.parent / "backups"):
        folder.chmod(0o555)
    kept = sorted(p.name for p in (db.parent / "backups").iterdir())

    code, out, err = run_unprivileged(["--db", str(db), "restore", str(old)])

    assert code == 2, (out, err)
    assert err.startswith(f"无法写入数据库 {db}：当前用户不能在其所在文件夹 {db.parent} 中写入"), (
        err
    )
    assert "内部错误" not in err
    assert db.read_bytes() == before
    assert sorted(p.name for p in (db.parent / "backups").iterdir()) == kept


def test_a_copy_of_the_shop_file_on_a_write_protected_stick_is_restored_not_called_damaged(
    open_dir: Path,
) -> None:
    """The owner copied memberdesk.sqlite itself onto a USB stick (the file alone, as the file
    manager copies it) and later restores from it with the stick's write-protect switch on:
    the restore said the sound copy was damaged (完整性检查失败：unable to open database
    file), as SQLite cannot make the -shm file such a file wants beside it."""
    db = shop_file(open_dir / "shop")
    stick = open_dir / "usb"
    stick.mkdir()
    copy = stick / "memberdesk.sqlite"
    shutil.copyfile(db, copy)
    assert copy.read_bytes()[18:20] == b"\x02\x02"  # a WAL-mode file, like the live one
    with Store(db) as store:
        issue_card(store, SYSTEM, MemberForm(name="李四", phone="13900139000"))
    for folder in (db.parent, db.parent / "backups"):
        folder.mkdir(exist_ok=True)
        folder.chmod(0o777)
    for p in db.parent.iterdir():
        if p.is_file():
            p.chmod(0o666)
    elsewhere = shop_file(open_dir / "elsewhere")  # the command's modules are loaded first
    shutil.copyfile(db, open_dir / "loaded.sqlite")
    assert (
        main(["--db", str(elsewhere), "restore", "--other-shop", str(open_dir / "loaded.sqlite")])
        == 0
    )
    assert sorted(p.name for p in stick.iterdir()) == ["memberdesk.sqlite"]
    copy.chmod(0o444)
    stick.chmod(0o555)

    code, out, err = run_unprivileged(["--db", str(db), "restore", str(copy)])

    assert (code, err) == (0, ""), (out, err)
    with Store(db) as store, store.read() as s:
        from sqlalchemy import select

        from memberdesk.core.store.models import Member

        assert set(s.scalars(select(Member.name))) == {"张三"}
