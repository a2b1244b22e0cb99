"""A long import never blocks the till, holds bounded memory, and stops cleanly.

A 20,000-member import once held one write transaction for its whole 33 seconds: a
checkout on another thread waited for the busy timeout and failed. Now the import
writes chunks, each its own transaction, and the store's writers take turns: the sale
goes through between two chunks. The file is streamed (the first pass keeps a few
bytes per row, not the row), and a full disk part way leaves whole chunks, says how
many rows they held, and the same file run again imports the rest.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from memberdesk.cli import main
from memberdesk.core.check.checks import run_checks
from memberdesk.core.members import import_export
from memberdesk.core.members.import_export import import_members
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store import chunks, connect
from memberdesk.core.store.chunks import CHUNK
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))


def member_sheet(path: Path, rows: int, *, notes: str = "", start: int = 0) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("姓名,手机号,积分,储值本金,备注\n")
        for n in range(start, start + rows):
            f.write(f"顾客{n},13{n:09d},{n % 5000},{n % 300}.50,{notes}\n")
    return path


def members(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(Member))


class Stop(Exception):
    pass


def phases() -> object:
    """A progress watcher: True once the writing has begun (it starts again from 0 with the
    total known; the check reports a total of 0 until its very end)."""
    seen = {"writing": False}

    def writing(done: int, total: int) -> bool:
        if total and done == 0:
            seen["writing"] = True
        return seen["writing"]

    return writing


@pytest.mark.parametrize("till_store", ["same", "another"])
def test_a_checkout_goes_through_while_20000_members_are_imported(
    store: Store, owner: Actor, tmp_path: Path, till_store: str
) -> None:
    """`same`: the till's own store on another thread (the window); `another`: a second
    open store, as another program on the same file is."""
    sheet = member_sheet(tmp_path / "big.csv", 20_000)
    customer = issue_card(store, owner, MemberForm(name="顾客甲", phone="13999999999"))
    till = store if till_store == "same" else Store(store.path, clock=store.clock)
    writing, stop = threading.Event(), threading.Event()
    writing_phase = phases()
    result: dict[str, object] = {}

    def progress(done: int, total: int) -> None:
        if writing_phase(done, total) and done >= CHUNK:  # a chunk is in, the next under way
            writing.set()
        if stop.is_set():
            raise Stop

    def run() -> None:
        result["report"] = import_members(store, owner, sheet, dry_run=False, progress=progress)

    job = threading.Thread(target=run)
    job.start()
    try:
        assert writing.wait(60), "the import never started writing"
        waits = []
        for _ in range(3):
            started = time.monotonic()
            sale = checkout(till, owner, CheckoutRequest(
                lines=(SaleLineInput("衬衫", 19900),), member_id=customer.id,
                tenders={"cash": 19900}))  # fmt: skip
            waits.append(time.monotonic() - started)
            assert sale.total == 19900
            time.sleep(0.2)
    finally:
        stop.set()
        job.join(60)
        if till is not store:
            till.close()
    assert max(waits) < 1.0, waits  # one chunk is about 0.1 s
    report = result["report"]
    assert report.cancelled and 0 < report.written < 20_000
    with store.read() as s:  # whole chunks, nothing half-written: each has its audit row
        chunks = [json.loads(d) if isinstance(d, str) else d for d in s.scalars(
            text("SELECT detail FROM audit_log WHERE action = 'import.members'"))]  # fmt: skip
    assert sum(c["written"] for c in chunks) == report.written
    assert members(store) == report.written + 1
    assert run_checks(store).ok


def test_a_large_file_is_streamed_in_bounded_memory(
    store: Store, owner: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """5,000 rows with long notes (about 17 MB): the check keeps a few hundred bytes per
    row and the writing one chunk — a small part of the file, where holding every row
    (as the import once did) takes more than the file itself."""
    monkeypatch.setattr(chunks, "CHUNK_CAP_S", 3600.0)  # a first chunk of CHUNK rows, however slow
    warm = member_sheet(tmp_path / "warm.csv", 50, start=900_000)
    import_members(store, owner, warm, dry_run=False)  # modules and caches loaded once, first
    sheet = member_sheet(tmp_path / "notes.csv", 5_000, notes="喜欢宽松款，尺码 L，" * 120)
    size = sheet.stat().st_size
    assert size > 15_000_000
    writing_phase = phases()

    def progress(done: int, total: int) -> None:
        if writing_phase(done, total) and done >= CHUNK:
            raise Stop  # a chunk written shows the writing's share

    tracemalloc.start()
    try:
        report = import_members(store, owner, sheet, dry_run=False, progress=progress)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.total == 5_000 and report.written == CHUNK
    assert peak < size / 3, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"


def test_a_full_disk_part_way_keeps_whole_chunks_and_the_same_file_finishes_later(
    store: Store, owner: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    sheet = member_sheet(tmp_path / "old.csv", 1000, notes="长备注" * 200)
    db = store.path
    store.close()
    with contextlib.closing(sqlite3.connect(db)) as con:
        pages = con.execute("PRAGMA page_count").fetchone()[0]
    plain = connect._configure

    def small_disk(conn: sqlite3.Connection, record: object) -> None:
        plain(conn, record)
        conn.execute(f"PRAGMA max_page_count={pages + 700}")  # room for a few chunks only

    monkeypatch.setattr(connect, "_configure", small_disk)
    code = main(["--db", str(db), "--lang", "en", "import", "members", str(sheet)])
    out, err = capsys.readouterr()
    assert code == 2
    written = int(out.rsplit(", ", 1)[1].split()[0])
    assert 0 < written < 1000  # whole chunks: the members below agree, and check holds
    assert f"the import stopped after {written} rows were written: the disk holding the database {db} is full (" in err  # fmt: skip
    assert "Run the same file again to import the rest" in err

    monkeypatch.setattr(connect, "_configure", plain)  # space freed
    with Store(db) as again:
        assert members(again) == written and run_checks(again).ok
    code = main(["--db", str(db), "--lang", "en", "import", "members", str(sheet)])
    out, err = capsys.readouterr()
    assert code == 0 and f"1000 rows: 1000 good, 0 with problems, {1000 - written} written" in out
    with Store(db) as again:
        assert members(again) == 1000 and run_checks(again).ok


def test_a_chunk_takes_no_new_row_once_its_time_is_up(
    store: Store, owner: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows that turn out slow (a cold page, a busy disk) do not make a chunk long: after
    CHUNK_CAP_S it commits and the rest go in the next one, so a sale waits for one chunk
    and one row at most."""
    write_row = import_export._write_row

    def slow(*args, **kwargs) -> None:
        time.sleep(0.05)
        write_row(*args, **kwargs)

    monkeypatch.setattr(import_export, "_write_row", slow)
    sheet = member_sheet(tmp_path / "slow.csv", 12)
    report = import_members(store, owner, sheet, dry_run=False)
    assert report.written == 12 and members(store) == 12
    with store.read() as s:
        held = [json.loads(d)["written"] if isinstance(d, str) else d["written"] for d in s.scalars(
            text("SELECT detail FROM audit_log WHERE action = 'import.members' ORDER BY id"))]  # fmt: skip
    # 0.05 s a row and 0.12 s a chunk: a row is taken at 0, 0.05 and 0.10 s, none after.
    assert sum(held) == 12 and max(held) <= 3 and len(held) >= 4, held
    assert run_checks(store).ok
