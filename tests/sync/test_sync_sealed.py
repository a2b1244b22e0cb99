"""Where the till syncs to is sealed: each act that sets head office's address and this
till's id there (`sync setup`, the sync page, a restore, the upgrade that found them)
seals them in the audit log. Someone holding the file who points the till at a head office
of their own — whose directory pull would hand a friend stored value and whose handshake a
coupon key of its own — gets nothing pulled nor pushed, and `check` names the address; a
manager who sets the address again at the till syncs at once (real HQ on 127.0.0.1)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from memberdesk.cli import main
from memberdesk.core.check.checks import run_checks
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.shop.backups import restore
from memberdesk.core.shop.identity import adopt_identity
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member, OutboxEvent
from memberdesk.core.store.snapshot import sqlite_backup
from memberdesk.core.sync.config import configure_sync, sync_config
from memberdesk.core.sync.pull import pull_directory
from memberdesk.core.sync.pusher import Pusher
from memberdesk.core.sync.transport import HttpTransport
from memberdesk.hq.directory import set_chain

from ..conftest import START
from .conftest import FAST
from .support import provision
from .test_chain_pull import seed_members

NOW = START.replace(tzinfo=None)
# The CLI and the seal do not care which database HQ runs on.
pytestmark = pytest.mark.parametrize("hq_kind", ["sqlite"])

REFUSED_ZH = (
    "本店文件中的总部地址或本收银台编号不是本机最后设置的那一个（已在本软件之外被改动）："
    "没有向 {url} 发送或从其取回任何内容。请店长在“同步到总部”页重新设置总部地址并保存，即可重新封存"
)


def _edit(db_path: Path, *statements: tuple[str, tuple]) -> None:
    """Someone holding the file changes it by hand."""
    conn = sqlite3.connect(db_path)
    with conn:
        for sql, params in statements:
            conn.execute(sql, params)
    conn.close()


def _point_at(db_path: Path, url: str) -> None:
    _edit(db_path, ("UPDATE settings SET value = ? WHERE key = 'sync.url'", (json.dumps(url),)))


def _found(store: Store) -> list[str]:
    return [p.text("en") for p in run_checks(store).problems]


def _members(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(Member))


def _pending(store: Store) -> int:
    with store.read() as s:
        return s.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.state == "pending")
        )


def _sync_round(store: Store, token: str):
    """What the sync worker does: push with the settings, then pull from the address."""
    config = sync_config(store)
    pusher = Pusher.from_settings(store, token, retry=FAST, reconcile_daily=False)
    try:
        pushed = pusher.drain_once(max_seconds=30)
    finally:
        pusher.close()
    with HttpTransport(config.url, token, timeout=5) as transport:
        pulled = pull_directory(store, transport, max_seconds=30)
    return pushed, pulled


@pytest.fixture
def terminal_of_s002(store: Store, hq):
    """This till as store S002's in a chain-wide membership, provisioned at HQ (not set up
    here yet); HQ holds three members of another store."""
    set_chain(hq.engine, NOW, scope="chain")
    adopt_identity(store, store_code="S002")
    seed_members(hq.engine, 3)
    return provision(hq.engine, "S002")


@pytest.fixture
def chain_till(store: Store, hq, terminal_of_s002):
    """… and set up at the till to sync to HQ."""
    configure_sync(store, hq.base_url, terminal_of_s002.id)
    return terminal_of_s002


def test_an_address_written_into_the_file_is_named_and_nothing_is_pulled_or_pushed(
    store, db_path, hq, proxy, chain_till, cashier, manager
) -> None:
    """The file is pointed at another head office (here: another address, which reaches
    a server that answers): the pull and the push are refused with a message saying what
    to do, nothing of its answers is written, and check names the address. Set again at
    the till by a manager, the same address is sealed and syncs at once."""
    issue_card(store, cashier, MemberForm(name="本店会员", phone="13900000001"))
    pending = _pending(store)
    _point_at(db_path, proxy.url)
    assert _found(store) == [
        f"the head office address {proxy.url} and terminal id {chain_till.id} kept in the file "
        "are not those last set at this till: they were written in outside memberdesk, and the "
        "till does not sync until a manager sets them again"
    ]
    pushed, pulled = _sync_round(store, chain_till.token)
    assert pushed.error is not None and pushed.error.code == "sync.unsealed"
    assert pulled.error is not None and pulled.error.code == "sync.unsealed"
    assert pulled.error.message() == REFUSED_ZH.format(url=proxy.url)
    assert (pushed.acked, pulled.members) == (0, 0)
    assert _members(store) == 1  # no member of the chain came in
    assert _pending(store) == pending  # nothing was sent

    configure_sync(store, proxy.url, chain_till.id, actor=manager)  # at the sync page
    assert run_checks(store).ok, _found(store)
    pushed, pulled = _sync_round(store, chain_till.token)
    assert pushed.error is None and pushed.acked == pending
    assert pulled.error is None and pulled.added == 3
    assert _members(store) == 4
    assert run_checks(store).ok, _found(store)


def test_a_transport_to_another_address_is_refused(store, hq, proxy, chain_till) -> None:
    """The settings as sealed, but a link made to another address: nothing is asked."""
    with HttpTransport(proxy.url, chain_till.token, timeout=5) as transport:
        pulled = pull_directory(store, transport)
    assert pulled.error is not None and pulled.error.code == "sync.unsealed"
    assert _members(store) == 0


def test_sync_settings_removed_from_the_file_are_named(store, db_path, hq, chain_till) -> None:
    _edit(db_path, ("DELETE FROM settings WHERE key IN ('sync.url', 'sync.terminal_id')", ()))
    assert _found(store) == [
        f"the head office address {hq.base_url} and terminal id {chain_till.id} last set at "
        "this till are gone from the file: they were removed outside memberdesk"
    ]


def _hand_set(db_path: Path, url: str, terminal_id: str) -> None:
    _edit(db_path, *[("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                      (key, json.dumps(value)))
                     for key, value in (("sync.url", url), ("sync.terminal_id", terminal_id))])  # fmt: skip


def test_sync_settings_of_a_file_from_before_the_seal_are_sealed_at_upgrade(
    store, db_path, clock, hq, terminal_of_s002, proxy
) -> None:
    """A file set up to sync by an earlier version (which sealed nothing) is sealed as it
    is when upgraded: check passes and sync goes on; an address written in afterwards is
    named and refused."""
    store.close()
    _hand_set(db_path, hq.base_url, terminal_of_s002.id)  # as `sync setup` wrote it then
    _edit(db_path, ("UPDATE alembic_version SET version_num = '0020'", ()))
    with Store(db_path, clock=clock) as upgraded:
        assert run_checks(upgraded).ok, _found(upgraded)
        pushed, pulled = _sync_round(upgraded, terminal_of_s002.token)
        assert pushed.error is None and pulled.error is None and pulled.added == 3
    _point_at(db_path, proxy.url)
    with Store(db_path, clock=clock) as upgraded:
        assert len(_found(upgraded)) == 1
        assert _sync_round(upgraded, terminal_of_s002.token)[1].error.code == "sync.unsealed"


def test_a_restore_keeps_where_the_till_syncs_to_as_set_at_the_till(
    store, db_path, clock, hq, proxy, terminal_of_s002, tmp_path
) -> None:
    """A backup from before sync was set up, restored over a file whose address was then
    rewritten by hand: the restored file syncs where the till was set to, sealed there, and
    the address written in is not carried onto it."""
    backup = tmp_path / "before-sync.sqlite"
    sqlite_backup(db_path, backup)
    configure_sync(store, hq.base_url, terminal_of_s002.id)
    store.close()
    _point_at(db_path, proxy.url)
    restore(db_path, backup, clock=clock, carry_unsent=True)
    with Store(db_path, clock=clock) as restored:
        assert (sync_config(restored).url, sync_config(restored).terminal_id) == (
            hq.base_url, terminal_of_s002.id)  # fmt: skip
        assert run_checks(restored).ok, _found(restored)
        pushed, pulled = _sync_round(restored, terminal_of_s002.token)
        assert pushed.error is None and pulled.added == 3


@pytest.mark.parametrize("command", ["pull", "run"])
def test_the_command_line_refuses_an_address_written_into_the_file(
    store, db_path, hq, proxy, chain_till, monkeypatch, capsys, command
) -> None:
    monkeypatch.setenv("MEMBERDESK_SYNC_TOKEN", chain_till.token)
    _point_at(db_path, proxy.url)
    assert main(["--db", str(db_path), "sync", command]) == 2
    assert REFUSED_ZH.format(url=proxy.url) in capsys.readouterr().err
    assert _members(store) == 0
