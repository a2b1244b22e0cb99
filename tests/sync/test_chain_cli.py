"""The chain's members from the command line: `memberdesk-hq chain show|set` at HQ, and
`memberdesk sync pull|run` and `memberdesk find` at a till (a real HQ on a free port)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from memberdesk.cli import main
from memberdesk.core.members.lookup import find_members
from memberdesk.core.store.models import Member
from memberdesk.core.sync.token_store import ENV_TOKEN
from memberdesk.hq.cli import main as hq_main
from memberdesk.hq.directory import read_chain
from memberdesk.hq.models import directory

from .fault_proxy import Fault
from .test_chain_pull import seed_members

sqlite_hq = pytest.mark.parametrize("hq_kind", ["sqlite"])


@sqlite_hq
def test_hq_chain_show_and_set(hq, capsys) -> None:
    db = ["--db", hq.url, "--lang", "en"]
    assert hq_main(["chain", "show", *db]) == 0
    out = capsys.readouterr().out
    assert "membership: per store" in out and "at most 5000 points and ¥200.00" in out
    # A change of scope is told first; from a script without --yes nothing changes.
    assert hq_main(["chain", "set", "--scope", "chain", "--offline-points", "800", *db]) == 1
    out = capsys.readouterr().out
    assert (
        "at their next pull the tills of every store (0 now) receive every store's members" in out
    )
    assert "Nothing was changed" in out and "--scope chain … --yes" in out
    with hq.engine.connect() as conn:
        assert read_chain(conn).scope == "store" and read_chain(conn).generation == 1
        assert read_chain(conn).policy["offline_points_per_day"] == 5000
    assert hq_main(["chain", "set", "--scope", "chain", "--offline-after", "30",
                    "--offline-points", "800", "--offline-wallet", "12.5", "--yes", *db]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "membership: chain-wide" in out
    assert "offline after 30 minutes" in out and "800 points and ¥12.50" in out
    with hq.engine.connect() as conn:
        chain = read_chain(conn)
    assert (chain.scope, chain.generation) == ("chain", 2)
    assert chain.policy == {"offline_after_minutes": 30, "offline_points_per_day": 800,
                            "offline_wallet_per_day": 1250}  # fmt: skip
    for bad in (["--scope", "everyone"], ["--offline-points", "-5"], ["--offline-wallet", "lots"]):
        with pytest.raises(SystemExit) as refused:
            hq_main(["chain", "set", *bad, *db])
        assert refused.value.code == 2, bad
    with hq.engine.connect() as conn:
        assert read_chain(conn) == chain  # nothing changed by a refused command
    assert hq_main(["chain", "show", "--db", hq.url, "--lang", "zh_CN"]) == 0
    out = capsys.readouterr().out
    assert "连锁" in out and "membership" not in out  # in the shop's language


@sqlite_hq
def test_a_change_of_scope_is_asked_for_at_a_terminal(hq, monkeypatch, capsys) -> None:
    db = ["--db", hq.url, "--lang", "zh_CN"]
    assert hq_main(["chain", "set", "--scope", "chain", "--yes", *db]) == 0
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["n", "是"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert hq_main(["chain", "set", "--scope", "store", *db]) == 1  # "n": nothing changes
    assert "未做任何更改" in capsys.readouterr().out
    with hq.engine.connect() as conn:
        assert read_chain(conn).scope == "chain"
    assert hq_main(["chain", "set", "--scope", "store", *db]) == 0  # "是"
    with hq.engine.connect() as conn:
        assert (read_chain(conn).scope, read_chain(conn).generation) == ("store", 3)
    assert hq_main(["chain", "set", "--scope", "store", *db]) == 0  # no change: nothing asked


@sqlite_hq
def test_sync_pull_run_and_find_from_the_command_line(
    store, hq, terminal, proxy, link, monkeypatch, capsys
) -> None:
    hq_main(["chain", "set", "--scope", "chain", "--yes", "--db", hq.url])
    people = seed_members(hq.engine, 30, store_code="S002")
    monkeypatch.setenv(ENV_TOKEN, terminal.token)
    db = ["--db", str(store.path), "--lang", "en"]
    capsys.readouterr()

    assert main([*db, "sync", "pull"]) == 0
    assert "received 30 members of the chain (30 new here)" in capsys.readouterr().out
    assert main([*db, "find", people[4]["card_no"]]) == 0
    assert people[4]["name"] in capsys.readouterr().out

    # Joined at the other store after the pull: `find` asks HQ for the card.
    late = seed_members(hq.engine, 1, store_code="S002", start=500)[0]
    with hq.engine.begin() as conn:  # as HQ numbers a change: after everything pulled before
        conn.execute(
            update(directory).where(directory.c.member_id == late["id"]).values(change_seq=3)
        )
    assert main([*db, "find", late["card_no"]]) == 0
    assert late["name"] in capsys.readouterr().out
    assert [h.member_id for h in find_members(store, late["phone"]).hits] == [late["id"]]
    assert main([*db, "find", "13999999999"]) == 1  # HQ knows no one by that number either
    assert "no member found" in capsys.readouterr().out

    assert main([*db, "sync", "run"]) == 0  # push, then pull: the one found by asking HQ
    assert "received 1 members of the chain (0 new here)" in capsys.readouterr().out
    assert main([*db, "sync", "pull"]) == 0  # the cursor is at the end
    assert "received 0 members" in capsys.readouterr().out
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 31

    proxy.add(Fault("status", path="/v1/directory", status=503, times=10))
    assert main([*db, "sync", "pull"]) == 3  # HQ unreachable: try later, nothing broken
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err
