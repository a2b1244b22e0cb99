"""`memberdesk sync setup|push|status|reconcile` as a person or a script uses them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import keyring.backends.fail
import pytest
from sqlalchemy import select

from memberdesk.cli import main
from memberdesk.core.coupons.codes import verify
from memberdesk.core.loyalty.program import revise
from memberdesk.core.loyalty.program_store import current_program, save_program
from memberdesk.core.store.models import Coupon
from memberdesk.core.sync import token_store
from memberdesk.core.sync.config import configure_sync
from memberdesk.hq.coupons import coupon_key
from memberdesk.hq.provision import revoke_terminal

from .support import assert_in_sync, synced_and_refused

# The CLI does not care which database HQ runs on.
sqlite_hq = pytest.mark.parametrize("hq_kind", ["sqlite"])


@pytest.fixture(autouse=True)
def headless_keyring(monkeypatch):
    """No secure backend, as on a headless Linux box; the session memory starts empty."""
    monkeypatch.setattr(keyring, "get_keyring", lambda: keyring.backends.fail.Keyring())
    monkeypatch.delenv("MEMBERDESK_SYNC_TOKEN", raising=False)
    token_store._memory.clear()
    yield
    token_store._memory.clear()


def run(argv: list[str], monkeypatch, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(argv)


@sqlite_hq
def test_setup_push_status(store, shop, hq, terminal, proxy, monkeypatch, capsys):
    db = ["--db", str(store.path), "--lang", "en"]
    shop.busy(5)
    code = run([*db, "sync", "setup", "--url", proxy.url, "--terminal", terminal.id, "--token-stdin"],
               monkeypatch, terminal.token + "\n")  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "no secure keyring" in out and "MEMBERDESK_SYNC_TOKEN" in out
    assert "connected to HQ" in out
    # In this session the token is in memory, so a plain push works.
    assert run([*db, "sync", "push"], monkeypatch) == 0
    assert "sent" in capsys.readouterr().out
    assert run([*db, "sync", "push"], monkeypatch) == 0
    assert "nothing to send" in capsys.readouterr().out
    assert run([*db, "sync", "status"], monkeypatch) == 0
    out = capsys.readouterr().out
    assert "pending 0" in out and "last successful sync" in out and "online" in out
    assert_in_sync(store, hq.engine, terminal.id)


@sqlite_hq
def test_push_without_a_token_says_how_to_give_one(
    store, shop, terminal, proxy, monkeypatch, capsys
):
    db = ["--db", str(store.path)]
    assert run([*db, "sync", "setup", "--url", proxy.url, "--terminal", terminal.id, "--no-check"],
               monkeypatch, terminal.token + "\n") == 0  # fmt: skip
    token_store._memory.clear()  # a new process on a headless machine
    assert run([*db, "sync", "push"], monkeypatch) == 2
    err = capsys.readouterr().err
    assert "MEMBERDESK_SYNC_TOKEN" in err and "本收银台还没有接入码" in err and "令牌" not in err
    monkeypatch.setenv("MEMBERDESK_SYNC_TOKEN", terminal.token)
    assert run([*db, "sync", "push"], monkeypatch) == 0
    monkeypatch.delenv("MEMBERDESK_SYNC_TOKEN")
    shop.busy(2)
    assert run([*db, "sync", "push", "--token-stdin"], monkeypatch, terminal.token + "\n") == 0


@sqlite_hq
def test_push_exit_codes(store, shop, hq, terminal, proxy, monkeypatch, capsys):
    db = ["--db", str(store.path), "--lang", "en"]
    assert run([*db, "sync", "push"], monkeypatch) == 2
    assert "not set up" in capsys.readouterr().err
    run([*db, "sync", "setup", "--url", proxy.url, "--terminal", terminal.id, "--no-check"],
        monkeypatch, terminal.token + "\n")  # fmt: skip
    shop.busy(2)
    assert run([*db, "sync", "push", "--token-stdin"], monkeypatch, "mdt_wrong\n") == 2
    assert "refused this terminal's token" in capsys.readouterr().err
    revoke_terminal(hq.engine, terminal.id)
    assert run([*db, "sync", "push"], monkeypatch) == 2
    proxy.stop()  # HQ unreachable: everything kept, exit 3
    assert run([*db, "sync", "push", "--timeout", "0.5", "--max-seconds", "2"], monkeypatch) == 3
    assert "cannot reach HQ" in capsys.readouterr().err
    assert run([*db, "sync", "pull", "--timeout", "0.5", "--token-stdin"], monkeypatch,
               terminal.token + "\n") == 3  # fmt: skip
    said = capsys.readouterr()
    assert "cannot reach HQ" in said.err and "received" not in said.out  # no "received 0"


@sqlite_hq
def test_setup_refuses_to_switch_terminal_after_syncing(
    store, shop, terminal, proxy, monkeypatch, capsys
):
    db = ["--db", str(store.path), "--lang", "en"]
    setup = [*db, "sync", "setup", "--url", proxy.url, "--no-check", "--terminal"]
    assert run([*setup, terminal.id], monkeypatch, terminal.token + "\n") == 0
    assert run([*setup, "another"], monkeypatch, "tok\n") == 0  # nothing sent yet: fine
    assert run([*setup, terminal.id], monkeypatch, terminal.token + "\n") == 0
    shop.busy(2)
    assert run([*db, "sync", "push"], monkeypatch) == 0
    capsys.readouterr()
    assert run([*setup, "another"], monkeypatch, "tok\n") == 2
    assert "new-token" in capsys.readouterr().err
    assert run([*setup, "another", "--force"], monkeypatch, "tok\n") == 0


def test_setup_refuses_a_bad_url(store, monkeypatch, capsys):
    code = run(["--db", str(store.path), "sync", "setup", "--url", "ftp://x", "--terminal", "t"],
               monkeypatch, "tok\n")  # fmt: skip
    assert code == 2 and "https://" in capsys.readouterr().err


@sqlite_hq
def test_reconcile_command(store, shop, hq, terminal, proxy, monkeypatch, capsys):
    db = ["--db", str(store.path), "--lang", "en"]
    run([*db, "sync", "setup", "--url", proxy.url, "--terminal", terminal.id, "--no-check"],
        monkeypatch, terminal.token + "\n")  # fmt: skip
    shop.busy(4)
    assert run([*db, "sync", "push"], monkeypatch) == 0
    assert run([*db, "sync", "reconcile", "--day", "2026-03-10"], monkeypatch) == 0
    assert "agrees with HQ" in capsys.readouterr().out


@pytest.mark.slow
@sqlite_hq
def test_the_token_is_never_written_to_disk(store, shop, hq, terminal, proxy, tmp_path):
    """Real processes, real log folder: the token appears in no file the terminal writes."""
    state = tmp_path / "state"
    env = {**os.environ, "XDG_STATE_HOME": str(state), "XDG_DATA_HOME": str(tmp_path / "data"),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}  # fmt: skip
    env.pop("MEMBERDESK_SYNC_TOKEN", None)
    exe = [sys.executable, "-m", "memberdesk.cli", "--db", str(store.path)]
    shop.busy(3)
    setup = subprocess.run([*exe, "sync", "setup", "--url", proxy.url, "--terminal", terminal.id],
                           input=terminal.token + "\n", env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert setup.returncode == 0, setup.stderr
    assert terminal.token not in setup.stdout + setup.stderr
    push = subprocess.run([*exe, "sync", "push"], env={**env, "MEMBERDESK_SYNC_TOKEN": terminal.token},
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert push.returncode == 0, push.stderr
    bad = subprocess.run([*exe, "sync", "push", "--token-stdin"], input=terminal.token[:-3] + "xyz\n",
                         env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert bad.returncode == 2
    store.close()
    files = [p for p in [*tmp_path.rglob("*"), *Path(store.path).parent.rglob("*")] if p.is_file()]
    assert any(p.suffix == ".log" for p in files), "the CLI wrote no log at all"
    for path in files:
        data = path.read_bytes()
        assert terminal.token.encode() not in data, path
        assert terminal.token[:-3].encode() not in data, path


@sqlite_hq
def test_coupons_issued_from_the_command_line_are_signed_with_the_chains_key(
    store, owner, hq, terminal, tmp_path
):
    """With no OS keyring the chain's key lives only as long as a program: `coupons issue`,
    a program of its own, takes it from HQ's handshake, so its coupons are good at every
    till of the chain, not refused with "sync once first" right after a sync."""
    p = current_program(store).program
    save_program(store, owner, revise(p, {"coupons": {"types": [
        {"code": "A20", "name": "二十元券", "kind": "amount", "value": 2000}]}}))  # fmt: skip
    configure_sync(store, hq.base_url, terminal.id)
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "MEMBERDESK_SYNC_TOKEN": terminal.token,
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}  # fmt: skip
    exe = [sys.executable, "-m", "memberdesk.cli", "--db", str(store.path), "--lang", "en"]
    push = subprocess.run([*exe, "sync", "push"], env=env, capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert push.returncode == 0, push.stderr
    issue = subprocess.run([*exe, "coupons", "issue", "A20", "--count", "2"], env=env,
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    assert issue.returncode == 0, issue.stderr
    assert "2 coupons issued" in issue.stdout
    chain_key = coupon_key(hq.engine, datetime.now(UTC).replace(tzinfo=None))
    with store.read() as s:
        codes = list(s.scalars(select(Coupon.code)))
    assert len(codes) == 2
    for code in codes:  # verified with the key every till of the chain holds
        assert verify(code, {chain_key["id"]: bytes.fromhex(chain_key["secret"])}).value == 2000


def test_status_gives_times_on_the_shops_clock_whatever_the_computers_zone(
    store, owner, monkeypatch, capsys
):
    """A till whose computer is set to UTC (or any other zone) still says the shop's time,
    as its receipts do: the last sync and a refused record, in Beijing time here."""
    import time
    from zoneinfo import ZoneInfo

    made = synced_and_refused(store, owner)
    beijing = made.astimezone(ZoneInfo("Asia/Shanghai"))
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert run(["--db", str(store.path), "--lang", "en", "sync", "status", "--problems", "5"],
                   monkeypatch) == 0  # fmt: skip
    finally:
        monkeypatch.undo()
        time.tzset()
    out = capsys.readouterr().out
    assert "last successful sync: 2026-03-02 00:30:00" in out, out
    assert beijing.strftime("%Y-%m-%d %H:%M:%S") in out, out
