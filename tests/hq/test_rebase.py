"""A till restored from an old backup: HQ marks it diverged, a rebase starts a new epoch,
the restored history is accepted and nothing is counted twice."""

from __future__ import annotations

import random
import re
import shutil
import uuid

import pytest
from sqlalchemy import func, select

from memberdesk.core.members.member import MemberForm, edit_member, get_member
from memberdesk.core.shop.backups import backup_now
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member, OutboxEvent, Refund, Sale
from memberdesk.core.sync.config import configure_sync
from memberdesk.core.sync.pusher import Pusher, RetryPolicy
from memberdesk.core.sync.transport import HttpTransport
from memberdesk.core.till.totals import terminal_day_totals
from memberdesk.hq.cli import main
from memberdesk.hq.models import directory, events, member_fields, members, sales, terminals
from memberdesk.hq.provision import ProvisionError
from memberdesk.hq.rebase import rebase_terminal
from memberdesk.hq.totals import day_totals, member_balance

from ..sync.support import Shop, business_days, provision
from .conftest import auth, batch, member_event, post, sale_event


def push(store: Store, hq, term):
    pusher = Pusher(store, HttpTransport(hq.base_url, term.token, timeout=20),
                    retry=RetryPolicy(base=0.01, cap=0.1, max_attempts=3), reconcile_daily=False)  # fmt: skip
    try:
        return pusher.drain_once()
    finally:
        pusher.close()


def rename(store: Store, actor, member_id: str, name: str) -> None:
    phone = get_member(store, member_id).phone
    edit_member(store, actor, member_id, MemberForm(name=name, phone=phone))


def local_counts(store: Store) -> tuple[int, int]:
    """The till's sales and refunds."""
    with store.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Sale)),
            s.scalar(select(func.count()).select_from(Refund)),
        )


def test_a_restored_till_is_rebased_and_counted_once(
    hq, term, client, store, db_path, clock, cashier, manager, capsys
):  # fmt: skip
    db = ["--db", hq.url, "--lang", "en"]
    configure_sync(store, hq.base_url, term.id)
    shop = Shop(store, cashier, manager, random.Random(5))
    shop.busy(12)
    member = shop.members[0]
    assert push(store, hq, term).ok
    with store.read() as s:
        kept = s.scalar(select(func.max(OutboxEvent.seq)))
    copy = backup_now(store)
    sold_before, refunded_before = local_counts(store)
    for name in ("旧一", "旧二", "旧三"):  # member versions that will be only at HQ
        rename(store, cashier, member, name)
    shop.busy(15)
    sold, refunded = local_counts(store)
    lost, lost_refunds = sold - sold_before, refunded - refunded_before
    assert lost > 0 and push(store, hq, term).ok
    store.close()
    # An old backup copied over the file by hand (memberdesk's own restore carries the
    # journal's tail over and never diverges: tests/sync/test_restore_keeps.py).
    for suffix in ("-wal", "-shm"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(copy, db_path)
    restored = Store(db_path, clock=clock)
    try:
        shop.store = restored
        rename(restored, cashier, member, "新名")  # version 2: lower than HQ's 4
        shop.busy(10)
        stopped = push(restored, hq, term)  # the till's own sync: HQ finds where the two part
        assert not stopped.ok and stopped.error.code == "sync.diverged", stopped
        assert stopped.error.params["seq"] == kept + 1
        # The command the till names (its store and till number, as HQ's commands take it)
        # is the one run below.
        told_to = re.search(r"memberdesk-hq rebase-terminal (\S+),", stopped.error.message("en"))
        assert told_to is not None and told_to.group(1) == "S001-01"
        label = told_to.group(1)
        assert main(["terminals", *db]) == 0
        assert f"diverged at record {kept + 1}" in capsys.readouterr().out
        hello = {"terminal_id": term.id, "store_code": "S001"}
        answer = client.post("/v1/handshake", json=hello, headers=auth(term)).json()
        assert (answer["status"], answer["diverged_seq"]) == ("diverged", kept + 1)
        # Nothing more is taken from it until someone decides.
        after = sale_event(answer["last_seq"] + 1)
        more = post(client, term.token, batch(term, [after]))
        assert (more.status_code, more.json()["seq"]) == (409, kept + 1)

        # Told first what stops counting; from a script without --yes nothing changes.
        assert main(["rebase-terminal", label, *db]) == 1
        told = capsys.readouterr().out
        assert f"diverged at record {kept + 1}" in told and f"({lost} sales, ¥" in told
        assert "Nothing was changed" in told and "--yes" in told
        with hq.engine.connect() as conn:
            assert conn.scalar(select(terminals.c.diverged_seq)) == kept + 1
            assert conn.scalar(select(func.count()).where(sales.c.superseded)) == 0
        assert main(["rebase-terminal", label, "--yes", *db]) == 0
        assert f"epoch 2 starts at record {kept + 1}; {lost} sales" in capsys.readouterr().out
        report = push(restored, hq, term)
        assert report.ok and report.rejected == 0, report
        with hq.engine.connect() as conn:
            term_row = conn.execute(select(terminals.c.epoch, terminals.c.diverged_seq)).one()
            assert tuple(term_row) == (2, None)
            assert conn.scalar(select(func.count()).where(sales.c.superseded)) == lost
            # Counted once: HQ's days and balances are the restored till's.
            for day in sorted(business_days(restored)):
                hq_day = day_totals(conn, "S001", day, term.id)
                assert hq_day.differences(terminal_day_totals(restored, day)) == [], day
            with restored.read() as s:
                for m in s.scalars(select(Member)):
                    b = member_balance(conn, m.id)
                    assert (b.points, b.wallet_principal, b.wallet_bonus) == (
                        m.points, m.wallet_principal, m.wallet_bonus,
                    ), m.id  # fmt: skip
            row = conn.execute(
                select(members.c.name, members.c.version, members.c.epoch).where(
                    members.c.id == member
                )
            ).one()
            assert (row.name, row.epoch) == ("新名", 2)  # the new epoch wins with a lower version
            held = conn.execute(
                select(events.c.epoch, func.count()).group_by(events.c.epoch).order_by(events.c.epoch)
            ).all()  # fmt: skip
            assert held[1][0] == 2 and held[1][1] > 0  # both histories kept
        assert main(["problems", *db]) == 0
        listing = capsys.readouterr().out
        assert f"no longer counted ({lost + lost_refunds})" in listing
        assert listing.count(f"  {term.store_code}-{term.code}  sale  ") == lost  # the till's label
        assert term.id not in listing.split("no longer counted")[1].split("Receipt numbers")[0]
        assert "Receipt numbers used by more than one sale" in listing
        # The next batches go on as usual.
        shop.busy(3)
        assert push(restored, hq, term).ok
    finally:
        restored.close()


def test_only_a_diverged_terminal_is_rebased(hq, term, client):
    with pytest.raises(ProvisionError) as refused:
        rebase_terminal(hq.engine, term.id)
    assert refused.value.code == "hq.not_diverged"
    with pytest.raises(ProvisionError):
        rebase_terminal(hq.engine, "no-such-terminal")
    m = str(uuid.uuid4())
    evs = [member_event(1, m, 1), member_event(2, m, 2, name="二"), member_event(3, m, 3, "三")]
    assert post(client, term.token, batch(term, evs)).json()["accepted"] == 3
    other = member_event(2, m, 2, name="另一个二")  # at seq 2, not the event HQ holds
    r = post(client, term.token, batch(term, [evs[0], other]))
    assert r.status_code == 409 and r.json()["seq"] == 2
    done = rebase_terminal(hq.engine, term.id)
    assert (done.old_epoch, done.epoch, done.from_seq, done.members_restored) == (1, 2, 2, 1)
    with hq.engine.connect() as conn:
        # Restored, above the version 3 another till may have pulled.
        assert conn.execute(select(members.c.name, members.c.version)).one() == ("张三", 4)
        last = conn.execute(select(terminals.c.last_seq, terminals.c.last_event_id)).one()
    assert tuple(last) == (1, evs[0]["event_id"])
    a = post(client, term.token, batch(term, [evs[0], other])).json()
    assert (a["accepted"], a["duplicates"], a["rejected"]) == (1, 1, [])
    with hq.engine.connect() as conn:
        assert conn.execute(select(members.c.name, members.c.version)).one() == ("另一个二", 5)


def _edit(seq: int, member_id: str, version: int, at: str, **changed) -> dict:
    e = member_event(seq, member_id, version, name=changed.get("name", "张三"))
    e["created_at"] = at
    e["payload"].update(changed, notes=changed.get("notes", "原备注"), fields=sorted(changed))
    return e


def test_a_rebase_forgets_the_fields_the_superseded_edits_wrote(hq, term, client):
    """Profile edits merge field by field (hq_member_fields); once a rebase supersedes
    edits, their fields must not come back with the next edit of another field, and every
    till pulls the member again."""
    member = str(uuid.uuid4())
    issued = member_event(1, member, 1)
    issued["payload"]["notes"] = "原备注"
    old = [issued, _edit(2, member, 2, "2026-03-10T02:01:00", notes="旧备注"),
           _edit(3, member, 3, "2026-03-10T02:02:00", name="旧名")]  # fmt: skip
    assert post(client, term.token, batch(term, old)).status_code == 200
    with hq.engine.connect() as conn:
        fields = dict(conn.execute(
            select(member_fields.c.field, member_fields.c.value).where(member_fields.c.member_id == member)
        ).all())  # fmt: skip
        assert fields["notes"] == {"v": "旧备注"} and fields["name"] == {"v": "旧名"}
        fed = conn.scalar(select(directory.c.change_seq).where(directory.c.member_id == member))
        published = conn.scalar(select(members.c.version).where(members.c.id == member))
    # The till was restored from before record 2 and edits the name only.
    again = _edit(2, member, 2, "2026-03-10T02:05:00", name="新名")
    refused = post(client, term.token, batch(term, [again]))
    assert (refused.status_code, refused.json()["seq"]) == (409, 2)
    rebase_terminal(hq.engine, term.id)
    with hq.engine.connect() as conn:
        left = conn.execute(select(member_fields).where(member_fields.c.member_id == member)).all()
        assert all(r.seq < 2 for r in left), left
        row = conn.execute(select(members).where(members.c.id == member)).one()
        assert (row.name, row.data["notes"]) == ("张三", "原备注")
        assert row.version == published + 1  # above what every till may have pulled
        assert (
            conn.scalar(select(directory.c.change_seq).where(directory.c.member_id == member)) > fed
        )
    assert post(client, term.token, batch(term, [again])).status_code == 200
    with hq.engine.connect() as conn:
        row = conn.execute(select(members).where(members.c.id == member)).one()
        assert (row.name, row.data["notes"]) == ("新名", "原备注")


def _diverge(client, term, at: int) -> None:
    """The till sends three sales, then, at sequence `at`, a record HQ does not hold."""
    sent = [sale_event(seq, total=1000 * seq) for seq in (1, 2, 3)]
    assert post(client, term.token, batch(term, sent)).json()["accepted"] == 3
    other = sale_event(at, total=777)
    answer = post(client, term.token, batch(term, [*sent[: at - 1], other]))
    assert answer.status_code == 409 and answer.json()["seq"] == at


def test_rebase_and_its_hints_name_the_till_by_its_label(hq, term, client, capsys):
    """The operator reads and types a till as S001-01 (as `terminals` lists it): the hint in
    `problems`, what rebase-terminal says it will do and did, the command it says to run,
    and its refusal once done all name it so, never by its long id."""
    _diverge(client, term, at=2)
    till = f"{term.store_code}-{term.code}"
    db = ["--db", hq.url, "--lang", "en"]
    capsys.readouterr()
    assert main(["problems", *db]) == 0
    out = capsys.readouterr().out
    assert f"  {till}: from record 2 on, last seen " in out
    assert out.rstrip().endswith(f"run memberdesk-hq rebase-terminal {till}")
    assert term.id not in out
    assert main(["problems", "--db", hq.url]) == 0  # 简体中文 by default
    out = capsys.readouterr().out
    assert f"  {till}：从第 2 条记录起不一致" in out and f"rebase-terminal {till}" in out
    assert term.id not in out

    assert main(["rebase-terminal", till, *db]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"terminal {till} diverged at record 2: HQ's records 2–3 of it")
    assert f"run it again with --yes: memberdesk-hq rebase-terminal {till} … --yes" in out
    assert term.id not in out
    assert main(["rebase-terminal", till, "--yes", *db]) == 0
    out = capsys.readouterr().out
    assert f"terminal {till}: epoch 2 starts at record 2; 2 sales" in out
    assert term.id not in out
    assert main(["rebase-terminal", term.id, "--yes", "--db", hq.url]) == 2  # by its id too
    err = capsys.readouterr().err
    assert f"终端 {till} 的记录与总部一致" in err and term.id not in err


def test_a_till_whose_first_record_differs_is_told_to_revoke_by_its_label(hq, term, client, capsys):
    _diverge(client, term, at=1)
    till = f"{term.store_code}-{term.code}"
    capsys.readouterr()
    assert main(["problems", "--db", hq.url, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"  {till}: its first record already differs from HQ's" in out
    assert "memberdesk-hq add-terminal S001," in out
    assert out.rstrip().endswith(f"memberdesk-hq revoke-terminal {till}")
    assert term.id not in out


def test_a_label_that_is_another_terminals_id_is_not_given_for_this_one(hq, client, capsys):
    """A terminal added with --id S001-02 takes that name from the label of the store's
    second till: the hints name that till by its own id, the one name that reaches it."""
    db = ["--db", hq.url, "--lang", "en"]
    assert main(["add-store", "S001", *db]) == 0
    assert main(["add-terminal", "S001", "--id", "S001-02", *db]) == 0  # S001-01
    second = provision(hq.engine, "S001")  # S001-02 by its codes
    assert second.code == "02"
    _diverge(client, second, at=2)
    capsys.readouterr()
    assert main(["problems", *db]) == 0
    out = capsys.readouterr().out
    assert f"  {second.id}: from record 2 on" in out
    assert out.rstrip().endswith(f"run memberdesk-hq rebase-terminal {second.id}")
    assert main(["rebase-terminal", second.id, "--yes", *db]) == 0
    assert f"terminal {second.id}: epoch 2 starts at record 2" in capsys.readouterr().out
