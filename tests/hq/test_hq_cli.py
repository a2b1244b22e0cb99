"""`memberdesk-hq` admin commands and HQ's schema."""

from __future__ import annotations

import json
import re
import socket
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text, update
from sqlalchemy import inspect as sa_inspect

from memberdesk.hq.cli import build_parser, main
from memberdesk.hq.db import VERSION_TABLE, alembic_config, make_engine, open_database, writer
from memberdesk.hq.models import events, metadata, overdrafts, sales, terminals
from memberdesk.hq.provision import hash_token

from .conftest import auth, batch, event, member_event, post, sale_event


def test_add_store_terminal_revoke_totals(hq_url, capsys):
    db = ["--db", hq_url]
    assert main(["add-store", "S001", "--name", "一号店", *db]) == 0
    assert main(["add-store", "S001", *db]) == 2
    assert "已存在" in capsys.readouterr().err
    assert main(["add-terminal", "--store", "S404", *db]) == 2
    assert main(["add-terminal", "--store", "S001", "--id", "T-01", *db]) == 0
    out = capsys.readouterr().out
    token = next(line.split()[-1] for line in out.splitlines() if line.startswith("token:"))
    assert token.startswith("mdt_") and "T-01" in out
    engine = open_database(hq_url)
    with engine.connect() as conn:
        stored = conn.execute(select(terminals.c.token_hash, terminals.c.revoked_at)).one()
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    assert main(["revoke-terminal", "T-01", *db]) == 0
    with engine.connect() as conn:
        assert conn.scalar(select(terminals.c.revoked_at)) is not None
    assert main(["new-token", "T-01", *db]) == 0
    assert main(["terminals", *db]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[-1].startswith("S001-01  使用中  卡号前缀 8001  第 1 轮  最后记录 0")
    assert listing[-1].endswith("  ID T-01")  # the id still tells it apart, last
    assert main(["totals", "--store", "S001", "--day", "2026-03-10", "--json", *db]) == 0
    assert json.loads(capsys.readouterr().out)["sales_count"] == 0
    assert main(["totals", "--store", "S001", "--day", "2026-03-10", *db]) == 0
    assert "新会员" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["totals", "--store", "S001", "--day", "yesterday", *db])
    engine.dispose()


@pytest.fixture
def empty_hq_url(hq_kind: str, hq_url: str, tmp_path: Path) -> str:
    """A database no migration has touched: the PostgreSQL schema as made for the test, or a
    new SQLite file (the SQLite fixture's is a copy of one migrated already)."""
    if hq_kind == "postgres":
        return hq_url
    (tmp_path / "empty").mkdir()
    return str(tmp_path / "empty" / "hq.sqlite")


def test_migrations_build_exactly_the_models(empty_hq_url):
    hq_url = empty_hq_url
    engine = open_database(hq_url)
    open_database(hq_url).dispose()  # a second upgrade finds nothing to do
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == []


def _at_revision(url: str, revision: str):
    engine = make_engine(url)
    with writer(engine).begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return engine


def test_a_0001_database_is_upgraded_with_its_data(empty_hq_url):
    """Terminals get codes and prefixes in the order they were added; projection rows
    learn their event's sequence; old rejections become `invalid`."""
    hq_url = empty_hq_url
    engine = _at_revision(hq_url, "0001")
    day, at = "2026-03-10", "2026-03-10 02:00:00"
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO hq_stores VALUES ('S001', '', 'Asia/Shanghai', '{at}'),"
                          f" ('S002', '', 'Asia/Shanghai', '{at}')"))  # fmt: skip
        for i, (tid, store) in enumerate((("a", "S001"), ("b", "S002"), ("c", "S001"))):
            conn.execute(text(
                "INSERT INTO hq_terminals (id, store_code, name, token_hash, created_at, last_seq)"
                f" VALUES ('{tid}', '{store}', '', 'h{tid}', '2026-03-0{i + 1} 00:00:00', 2)"))  # fmt: skip
        for seq, status, kind, agg in ((1, "accepted", "sale.completed", "s1"),
                                       (2, "rejected", "sale.completed", "s2")):  # fmt: skip
            conn.execute(text(
                "INSERT INTO hq_events (terminal_id, seq, event_id, kind, aggregate_id, store_code,"
                " received_at, batch_id, status, reason)"
                f" VALUES ('a', {seq}, 'e{seq}', '{kind}', '{agg}', 'S001', '{at}', 'b', '{status}', 'x')"))  # fmt: skip
        conn.execute(text(
            "INSERT INTO hq_sales (id, store_code, terminal_id, receipt_no, business_date, subtotal,"
            f" discount, total, points_earned, points_redeemed) VALUES ('s1', 'S001', 'a', 'R1', '{day}',"
            " 100, 0, 100, 0, 0)"))  # fmt: skip
    engine.dispose()
    engine = open_database(hq_url)
    with engine.connect() as conn:
        assert conn.execute(
            select(terminals.c.id, terminals.c.code, terminals.c.card_prefix, terminals.c.epoch)
            .order_by(terminals.c.id)
        ).all() == [("a", "01", "8001", 1), ("b", "01", "8002", 1), ("c", "02", "8003", 1)]  # fmt: skip
        assert conn.execute(select(sales.c.seq, sales.c.epoch, sales.c.superseded)).one() == (
            1, 1, False,
        )  # fmt: skip
        assert conn.execute(select(events.c.seq, events.c.code).order_by(events.c.seq)).all() == [
            (1, ""), (2, "invalid"),
        ]  # fmt: skip
    engine.dispose()


def test_serve_refuses_a_negative_pool_overflow(capsys):
    """SQLAlchemy reads a negative overflow as "no limit": the connection budget would no
    longer bound what a worker opens."""
    for value in ("-1", "x"):
        with pytest.raises(SystemExit) as refused:
            build_parser("en").parse_args(["serve", "--pool-overflow", value, "--db", "hq.sqlite"])
        assert refused.value.code == 2
        assert "--pool-overflow" in capsys.readouterr().err
    args = build_parser("en").parse_args(["serve", "--pool-overflow", "0", "--db", "hq.sqlite"])
    assert args.pool_overflow == 0


def test_serve_on_a_port_another_program_holds_says_so_in_the_operators_language(tmp_path, capsys):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        code = main(["serve", "--db", f"sqlite:///{tmp_path / 'hq.sqlite'}", "--port", str(port),
                     "--workers", "1"])  # fmt: skip
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        f"无法在 127.0.0.1:{port} 上监听：端口已被另一个程序占用；请停掉占用它的程序，或用 --port 换一个端口"
    )


def test_problems_show_what_a_till_sent_as_text_never_as_terminal_control(hq, term, client, capsys):
    """A till's event kind, ids and names reach the operator's terminal escaped: no escape
    sequence clears the screen, no newline or carriage return writes a line of its own."""
    kind = "x\x1b[2J\nS009 全部正常\r\u202e"
    sent = [
        event(1, kind, {"id": "a"}),
        event(2, "sale.completed", {"id": "b", "store_code": "S001"}),
    ]
    assert post(client, term.token, batch(term, sent)).json()["accepted"] == 0
    capsys.readouterr()
    assert main(["problems", "--db", hq.url, "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3, lines  # the heading and one line per record
    assert not any(ch in "".join(lines) for ch in "\x1b\r\u202e")
    assert "x\\x1b[2J\\nS009 全部正常\\r\\u202e" in lines[1]
    # the time received, on the store's clock (test_times_are_the_stores_own_clock_not_utc)
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", lines[1]), lines[1]


def test_a_database_address_as_the_operator_writes_it_opens_or_is_refused_in_words(capsys):
    # PostgreSQL's own spellings of its URL mean HQ's driver, not a missing psycopg2.
    from memberdesk.hq.db import normalize_url

    assert normalize_url("postgresql://hq@db/hq") == "postgresql+psycopg://hq@db/hq"
    assert normalize_url("postgres://hq:pw@db:5432/hq") == "postgresql+psycopg://hq:pw@db:5432/hq"
    for url, said in [
        ("mysql://hq:s3cret-pw@db/hq", "不支持 mysql"),
        ("postgresql+psycopg://hq:s3cret-pw@db:port/hq", "--db 不是数据库地址"),
    ]:
        assert main(["terminals", "--db", url]) == 2
        err = capsys.readouterr().err
        assert said in err and "Traceback" not in err and "s3cret-pw" not in err


@pytest.mark.postgres
def test_a_plain_postgresql_url_reaches_hq(capsys):
    from ..sync.support import fresh_pg_url

    with fresh_pg_url() as url:
        plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
        assert main(["add-store", "S001", "--db", plain]) == 0
        assert main(["terminals", "--db", plain]) == 0
    assert "门店 S001 已添加" in capsys.readouterr().out


def test_an_hq_older_than_its_database_says_to_upgrade_and_changes_nothing(hq_url, capsys):
    # One machine was upgraded and brought the schema forward; an admin command, or serve,
    # run from a machine still on the old version must say so, not print a traceback.
    assert main(["add-store", "S001", "--db", hq_url]) == 0
    engine = make_engine(hq_url)
    with writer(engine).begin() as conn:
        conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '0099_future'"))
    capsys.readouterr()
    for command_line in (["terminals"], ["add-store", "S002"], ["serve", "--workers", "1"]):
        assert main([*command_line, "--db", hq_url]) == 2
        err = capsys.readouterr().err
        assert "更新的总部结构（0099_future）" in err and "安装新版本" in err
        assert "Traceback" not in err
    with engine.connect() as conn:
        assert conn.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}")) == "0099_future"
        assert conn.scalar(text("SELECT count(*) FROM hq_stores")) == 1
    engine.dispose()


def test_a_tills_file_given_as_hqs_database_is_refused_and_left_as_it_was(tmp_path, capsys):
    from memberdesk.core.store.database import Store

    till = tmp_path / "memberdesk.sqlite"
    Store(till).close()  # a till's data file, with its schema
    before = till.read_bytes()
    assert main(["add-store", "S001", "--db", str(till)]) == 2
    err = capsys.readouterr().err
    assert "不属于总部的表" in err and "收银机的数据文件" in err
    engine = make_engine(str(till))
    with engine.connect() as conn:
        assert not [t for t in sa_inspect(conn).get_table_names() if t.startswith("hq_")]
    engine.dispose()
    assert till.read_bytes() == before


def test_a_mistyped_trial_file_is_not_made_into_an_empty_hq(tmp_path, capsys):
    typo = tmp_path / "hq.sqlte"
    for command_line in (["terminals"], ["problems"], ["chain", "show"], ["revoke-terminal", "T1"],
                         ["totals", "--store", "S001", "--day", "2026-03-10"]):  # fmt: skip
        assert main([*command_line, "--db", str(typo)]) == 2
        assert f"{typo} 没有总部数据库" in capsys.readouterr().err
    assert not typo.exists()
    assert main(["add-store", "S001", "--db", str(typo)]) == 0  # a trial starts with add-store
    assert main(["terminals", "--db", str(typo)]) == 0


def test_a_store_or_terminal_hq_does_not_have_is_named_not_listed_as_empty(hq_url, capsys):
    db = ["--db", hq_url]
    assert main(["add-store", "S001", *db]) == 0
    assert main(["add-store", "S002", *db]) == 0
    assert main(["add-terminal", "S002", "--id", "T-02", *db]) == 0
    capsys.readouterr()
    for command_line in (["totals", "--store", "S009", "--day", "2026-03-10"],
                         ["terminals", "--store", "S009"], ["problems", "--store", "S009"]):  # fmt: skip
        assert main([*command_line, *db]) == 2
        captured = capsys.readouterr()
        assert "总部没有门店 S009" in captured.err and captured.out == ""
    assert (
        main(["totals", "--store", "S001", "--terminal", "T-02", "--day", "2026-03-10", *db]) == 2
    )
    assert "终端 T-02 属于门店 S002，不属于门店 S001" in capsys.readouterr().err
    assert main(["problems", "--terminal", "T-404", *db]) == 2
    assert "没有终端 T-404" in capsys.readouterr().err
    assert (
        main(["totals", "--store", "S002", "--terminal", "T-02", "--day", "2026-03-10", *db]) == 0
    )


def test_a_listing_piped_into_head_stops_without_a_traceback(tmp_path):
    import subprocess
    import sys

    db = str(tmp_path / "hq.sqlite")
    assert main(["add-store", "S001", "--db", db]) == 0
    assert main(["add-terminal", "S001", "--id", "T-01", "--db", db]) == 0
    # The reader has gone before the listing is written (`true` reads nothing), as `head`
    # has once it has its lines.
    reader = subprocess.run(
        f"{sys.executable} -m memberdesk.hq.cli terminals --db {db} | true",
        shell=True, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "Traceback" not in reader.stderr and "BrokenPipe" not in reader.stderr


def test_revoking_a_revoked_terminal_says_so_and_changes_nothing(hq_url, capsys):
    db = ["--db", hq_url]
    assert main(["add-store", "S001", *db]) == 0
    assert main(["add-terminal", "S001", "--id", "T-01", *db]) == 0
    assert main(["revoke-terminal", "T-01", *db]) == 0
    engine = open_database(hq_url)
    with engine.connect() as conn:
        revoked_at = conn.scalar(select(terminals.c.revoked_at))
    capsys.readouterr()
    assert main(["revoke-terminal", "T-01", *db]) == 2
    captured = capsys.readouterr()
    when = revoked_at.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    assert captured.out == ""
    assert (
        f"终端 T-01 的接入码已于 {when:%Y-%m-%d %H:%M:%S} 作废" in captured.err
        and "未做任何更改" in captured.err
    )
    with engine.connect() as conn:
        assert conn.scalar(select(terminals.c.revoked_at)) == revoked_at
    engine.dispose()


def test_times_are_the_stores_own_clock_not_utc(hq_url, capsys):
    """An operator reads when a till was last seen, when a problem was found, when a
    terminal was revoked, on the clock of the store it is about: 02:00 UTC is 10:00 in
    Shanghai and 02:00 in London in March, and a bare 02:00 reads eight hours off there."""
    db = ["--db", hq_url]
    assert main(["add-store", "S001", "--name", "一号店", *db]) == 0  # Asia/Shanghai
    assert main(["add-store", "L001", "--tz", "Europe/London", *db]) == 0
    assert main(["add-terminal", "S001", "--id", "T-01", *db]) == 0
    assert main(["add-terminal", "L001", "--id", "T-09", *db]) == 0
    seen = datetime(2026, 3, 10, 2, 0, 5)  # naive UTC, as HQ keeps every time
    engine = open_database(hq_url)
    with engine.begin() as conn:
        conn.execute(update(terminals).values(last_seen_at=seen))
        conn.execute(update(terminals).where(terminals.c.id == "T-01").values(diverged_seq=3))
        conn.execute(overdrafts.insert().values(member_id="m-1", store_code="S001",
                                                terminal_id="T-01", kind="principal",
                                                balance=-500, found_at=seen))  # fmt: skip
    capsys.readouterr()
    assert main(["terminals", *db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "2026-03-10 10:00:05" in next(line for line in lines if "T-01" in line)
    assert "2026-03-10 02:00:05" in next(line for line in lines if "T-09" in line)
    assert main(["problems", *db]) == 0
    out = capsys.readouterr().out
    assert "最后连接 2026-03-10 10:00:05" in out  # the diverged till
    assert "发现于 2026-03-10 10:00:05" in out  # the overdraft
    assert "UTC" not in out and "02:00:05" not in out
    assert main(["revoke-terminal", "T-01", *db]) == 0
    with engine.connect() as conn:
        revoked_at = conn.scalar(select(terminals.c.revoked_at).where(terminals.c.id == "T-01"))
    engine.dispose()
    capsys.readouterr()
    assert main(["revoke-terminal", "T-01", *db]) == 2
    local = revoked_at.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"已于 {local:%Y-%m-%d %H:%M:%S} 作废" in capsys.readouterr().err


def test_a_new_till_file_on_an_old_terminal_is_told_to_get_a_terminal_of_its_own(
    hq, term, client, capsys
):
    """A till's computer broke and a new one was set up with the old terminal's new token:
    its first record already differs from HQ's. That is not an old copy to rebase (which
    would stop counting every sale the broken till made): HQ says to add a terminal for it,
    and a rebase asked for anyway says what it would take out first."""
    sent = [sale_event(1, total=12000), sale_event(2, total=3000)]
    assert post(client, term.token, batch(term, sent)).json()["accepted"] == 2
    fresh = event(1, "shop.configured", {"store_code": "S001"}, aggregate_id="shop")
    answer = post(client, term.token, batch(term, [fresh]))
    assert answer.status_code == 409 and answer.json()["seq"] == 1
    db = ["--db", hq.url]
    capsys.readouterr()
    assert main(["problems", *db]) == 0
    out = capsys.readouterr().out
    assert "memberdesk-hq add-terminal S001" in out and "revoke-terminal S001-01" in out
    assert "rebase-terminal" not in out
    assert main(["rebase-terminal", term.id, *db]) == 1
    out = capsys.readouterr().out
    assert "2 笔销售，¥150.00" in out and "memberdesk-hq add-terminal S001" in out
    assert main(["totals", "--store", "S001", "--day", "2026-03-10", "--json", *db]) == 0
    assert json.loads(capsys.readouterr().out)["sales_count"] == 2  # nothing changed


def test_stores_lists_each_store_with_its_name_zone_and_tills(hq_url, capsys):
    """The head office sees the stores it added: code, name, time zone, tills in use."""
    db = ["--db", hq_url]
    assert main(["add-store", "S001", "--name", "一号店", *db]) == 0
    assert main(["add-store", "S002", "--name", "二号店", "--tz", "Asia/Urumqi", *db]) == 0
    for tid in ("T-1", "T-2", "T-3"):
        assert main(["add-terminal", "S001", "--id", tid, *db]) == 0
    assert main(["revoke-terminal", "T-3", *db]) == 0
    capsys.readouterr()
    assert main(["stores", *db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].split() == [
        "S001",
        "一号店",
        "Asia/Shanghai",
        "收银台",
        "2",
        "台使用中，1",
        "台已作废",
    ]
    assert lines[1].split()[:4] == ["S002", "二号店", "Asia/Urumqi", "收银台"]
    assert main(["stores", "--lang", "en", *db]) == 0
    assert "S001  一号店  Asia/Shanghai  tills: 2 in use, 1 revoked" in capsys.readouterr().out


@pytest.mark.parametrize("hq_kind", ["sqlite"])  # a restore is a file copy here; the same on PG
def test_after_hqs_database_is_restored_every_till_takes_the_members_again(
    hq, term, client, capsys
):
    """HQ's database put back to last night's backup numbers member changes from where the
    backup left off, below where the tills had already pulled: a till would never see a
    change given a number it had passed. resend-members makes every till pull from the
    start at its next sync."""
    import sqlite3

    from ..sync.support import HQServer, provision

    other_till = provision(hq.engine, "S001")
    m_a, m_b = "m-a" + "0" * 30, "m-b" + "0" * 30

    def named(seq, member_id, version, name):
        e = member_event(seq, member_id, version, name=name)
        e["payload"]["card_no"] = f"88000000{seq:02d}"
        e["payload"]["phone"] = f"138001380{seq:02d}"
        return e

    def pull(server, cursor=""):
        with httpx.Client(base_url=server.base_url, timeout=10) as c:
            page = c.get(f"/v1/directory?after={cursor}&limit=100", headers=auth(other_till)).json()
        return page["cursor"], {m["id"]: m["name"] for m in page["members"]}

    a1, b1 = named(1, m_a, 1, "甲"), named(2, m_b, 1, "乙")
    assert post(client, term.token, batch(term, [a1])).json()["accepted"] == 1
    backup = hq.url + ".backup"
    with sqlite3.connect(hq.url) as live, sqlite3.connect(backup) as copy:
        live.backup(copy)
    b2 = named(3, m_b, 2, "乙二")
    assert post(client, term.token, batch(term, [b1])).json()["accepted"] == 1
    assert post(client, term.token, batch(term, [b2])).json()["accepted"] == 1
    cursor, seen = pull(hq)
    assert seen == {m_a: "甲", m_b: "乙二"}
    hq.stop()
    with sqlite3.connect(backup) as copy, sqlite3.connect(hq.url) as live:
        copy.backup(live)  # HQ put back to the backup
    restored = HQServer(hq.url).start()
    try:
        with httpx.Client(base_url=restored.base_url, timeout=10) as c:
            # the till sends again what HQ lost, in one batch now, then edits member A
            assert post(c, term.token, batch(term, [b1, b2])).json()["accepted"] == 2
            a2 = named(4, m_a, 2, "甲二")
            assert post(c, term.token, batch(term, [a2])).json()["accepted"] == 1
        assert main(["resend-members", "--db", hq.url]) == 0
        assert "收银台下次同步时会从头获取" in capsys.readouterr().out
        cursor, seen = pull(restored, cursor)
        assert seen.get(m_a) == "甲二"  # the edit made after the restore reaches the other till
    finally:
        restored.stop()


def test_a_terminal_is_named_by_its_label_as_the_listings_show_it(hq_url, capsys):
    """An operator types the terminal as the listings and the till show it (S002-01), or its
    id as before; a label HQ has no terminal for is refused as an unknown terminal."""
    db = ["--db", hq_url]
    assert main(["add-store", "S002", *db]) == 0
    assert main(["add-terminal", "--store", "S002", "--id", str(uuid.uuid4()), *db]) == 0
    assert main(["add-terminal", "--store", "S002", *db]) == 0
    engine = open_database(hq_url)
    with engine.connect() as conn:
        ids = dict(conn.execute(select(terminals.c.code, terminals.c.id)).all())
    capsys.readouterr()
    assert main(["revoke-terminal", "S002-01", *db]) == 0
    assert main(["problems", "--terminal", "S002-02", *db]) == 0
    assert (
        main(["totals", "--store", "S002", "--day", "2026-03-10", "--terminal", "S002-02", *db])
        == 0
    )
    with engine.connect() as conn:
        revoked = conn.execute(select(terminals.c.id).where(terminals.c.revoked_at.is_not(None)))
        assert revoked.scalars().all() == [ids["01"]]
    assert main(["new-token", ids["01"], *db]) == 0  # the id still names it
    capsys.readouterr()
    assert main(["revoke-terminal", "S002-09", *db]) == 2
    assert "S002-09" in capsys.readouterr().err
    with engine.connect() as conn:
        assert (
            conn.scalar(
                select(func.count())
                .select_from(terminals)
                .where(terminals.c.revoked_at.is_not(None))
            )
            == 0
        )
    engine.dispose()
