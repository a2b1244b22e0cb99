"""What a pull writes for a member the till already holds: only what HQ changed — the
columns, the lookup keys a new name adds and drops, one ledger entry for a balance that
moved — and nothing at all for a member sent again unchanged; what it then holds is what
a first pull of the changed directory gives another till; the pull's chunks commit
without waiting for the disk, every other write of the till still does (HQ on SQLite and
PostgreSQL, a real server on a free port)."""

from __future__ import annotations

import shutil
import threading
import time
import uuid

from sqlalchemy import update

from memberdesk.core.check.checks import run_checks
from memberdesk.core.members import chain_directory
from memberdesk.core.members.search_keys import search_keys
from memberdesk.core.shop.identity import adopt_identity
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member, ordered_id
from memberdesk.core.store.statements import raw_connection
from memberdesk.core.sync import pull
from memberdesk.core.sync.pull import pull_directory
from memberdesk.core.sync.transport import HttpTransport
from memberdesk.hq.models import directory, members, points_entries

from .support import provision
from .test_chain_pull import NOW, chain_till, seed_members  # noqa: F401  (fixture)

# Every write a pull could make to a member's rows, logged by the till's own file.
_PROBE = (
    "CREATE TABLE probe (what TEXT NOT NULL)",
    "CREATE TRIGGER probe_columns AFTER UPDATE OF card_no, phone, phone_last4, gender, tier,"
    " status, chain_store, chain_hidden ON members BEGIN INSERT INTO probe VALUES ('columns'); END",
    "CREATE TRIGGER probe_name AFTER UPDATE OF name ON members"
    " BEGIN INSERT INTO probe VALUES ('name ' || new.name); END",
    "CREATE TRIGGER probe_member AFTER UPDATE ON members"
    " BEGIN INSERT INTO probe VALUES ('member'); END",
    "CREATE TRIGGER probe_key_in AFTER INSERT ON member_search"
    " BEGIN INSERT INTO probe VALUES ('+' || new.key); END",
    "CREATE TRIGGER probe_key_out AFTER DELETE ON member_search"
    " BEGIN INSERT INTO probe VALUES ('-' || old.key); END",
    "CREATE TRIGGER probe_card_in AFTER INSERT ON cards BEGIN INSERT INTO probe VALUES ('card'); END",
    "CREATE TRIGGER probe_card AFTER UPDATE ON cards BEGIN INSERT INTO probe VALUES ('card'); END",
    "CREATE TRIGGER probe_points AFTER INSERT ON points_ledger"
    " BEGIN INSERT INTO probe VALUES ('points ' || new.delta); END",
    "CREATE TRIGGER probe_wallet AFTER INSERT ON wallet_ledger"
    " BEGIN INSERT INTO probe VALUES ('wallet'); END",
)
_PROBES = ("columns", "name", "member", "key_in", "key_out", "card_in", "card", "points", "wallet")


def _probe(store: Store) -> None:
    with store.write() as uow:
        for sql in _PROBE:
            raw_connection(uow.session).execute(sql)


def _probed(store: Store) -> list[str]:
    """What the probe saw, and the probe taken away again."""
    with store.write() as uow:
        conn = raw_connection(uow.session)
        seen = [r[0] for r in conn.execute("SELECT what FROM probe ORDER BY rowid")]
        for name in _PROBES:
            conn.execute(f"DROP TRIGGER probe_{name}")
        conn.execute("DROP TABLE probe")
    return seen


def _pull(store: Store, hq, till) -> pull.PullReport:
    with HttpTransport(hq.base_url, till.token) as t:
        report = pull_directory(store, t, page=50)
    assert report.ok, report.error
    return report


def test_a_new_name_and_more_points_write_the_name_its_changed_keys_and_one_entry(
    store,
    hq,
    chain_till,  # noqa: F811  (the fixture imported above)
) -> None:
    people = seed_members(hq.engine, 30)
    _pull(store, hq, chain_till)
    someone = people[3]  # 曾小贤3, who becomes 章小贤3 (another surname: some keys change)
    renamed = "章" + someone["name"][1:]
    _probe(store)
    with hq.engine.begin() as conn:
        conn.execute(update(members).where(members.c.id == someone["id"])
                     .values(name=renamed, version=2))  # fmt: skip
        conn.execute(points_entries.insert().values(
            id="more-points", member_id=someone["id"], store_code="S001", terminal_id="t-a",
            epoch=1, seq=99, business_date=NOW.date(), delta=5, kind="earn", balance_after=15))  # fmt: skip
        conn.execute(update(directory).where(directory.c.member_id == someone["id"])
                     .values(change_seq=3))  # fmt: skip
    report = _pull(store, hq, chain_till)
    assert (report.members, report.added) == (1, 0)

    old, new = search_keys(someone["name"]), search_keys(renamed)
    assert old & new and old - new and new - old  # some keys stay, some go, some come
    seen = _probed(store)
    assert sorted(seen) == sorted(
        ["name " + renamed, "member", "points 5"]
        + ["-" + k for k in old - new]
        + ["+" + k for k in new - old]
    )  # fmt: skip
    with store.read() as s:
        m = s.get(Member, someone["id"])
        assert (m.name, m.points, m.chain_points, m.version) == (renamed, 15, 15, 2)
        assert (m.phone, m.card_no, m.status) == (someone["phone"], someone["card_no"], "active")
    assert {k for k in _keys(store, someone["id"])} == new
    assert run_checks(store).ok


def _keys(store: Store, member_id: str) -> set[str]:
    with store.read() as s:
        conn = raw_connection(s)
        return {r[0] for r in conn.execute(
            "SELECT key FROM member_search WHERE member_id = ?", (member_id,))}  # fmt: skip


def test_members_sent_again_as_the_till_holds_them_write_nothing(
    store,
    hq,
    chain_till,  # noqa: F811  (the fixture imported above)
    monkeypatch,
) -> None:
    seed_members(hq.engine, 30)
    _pull(store, hq, chain_till)
    _probe(store)
    with hq.engine.begin() as conn:  # every member in the feed again, nothing changed
        conn.execute(update(directory).values(change_seq=3))
    applied: list[chain_directory.Applied] = []
    real = chain_directory.apply_entries

    def counted(uow, entries, tz):
        applied.append(real(uow, entries, tz))
        return applied[-1]

    monkeypatch.setattr(pull, "apply_entries", counted)
    report = _pull(store, hq, chain_till)
    assert (report.members, report.added) == (30, 0)
    assert sum(a.unchanged for a in applied) == 30
    assert _probed(store) == []
    assert run_checks(store).ok


def test_the_pull_commits_without_waiting_for_the_disk_and_the_till_still_does(
    store,
    hq,
    chain_till,  # noqa: F811  (the fixture imported above)
    monkeypatch,
) -> None:
    seed_members(hq.engine, 30)
    during: list[int] = []
    real = chain_directory.apply_entries

    def looked(uow, entries, tz):
        during.append(raw_connection(uow.session).execute("PRAGMA synchronous").fetchone()[0])
        return real(uow, entries, tz)

    monkeypatch.setattr(pull, "apply_entries", looked)
    monkeypatch.setattr(pull, "STEP", 7)
    monkeypatch.setattr(pull, "CHUNK_S", 0.0)  # a chunk per step: several connections taken
    _pull(store, hq, chain_till)
    assert len(during) > 1 and set(during) == {1}  # NORMAL
    pooled = [store.engine.connect() for _ in range(3)]  # the pull's connections among them
    try:
        assert {c.exec_driver_sql("PRAGMA synchronous").scalar() for c in pooled} == {2}  # FULL
        assert {c.exec_driver_sql("PRAGMA cache_size").scalar() for c in pooled} == {-2000}
    finally:
        for c in pooled:
            c.close()


def test_the_chain_entries_ids_follow_the_order_they_were_written_in_and_stay_uuids(
    store,
    hq,
    chain_till,  # noqa: F811  (the fixture imported above)
    monkeypatch,
) -> None:
    people = seed_members(hq.engine, 30)
    monkeypatch.setattr(pull, "STEP", 7)
    monkeypatch.setattr(pull, "CHUNK_S", 0.0)  # a chunk per step
    _pull(store, hq, chain_till)
    with hq.engine.begin() as conn:  # points earned at another store by every other member
        for i, p in enumerate(people[::2]):
            conn.execute(points_entries.insert().values(
                id=f"more-{i}", member_id=p["id"], store_code="S001", terminal_id="t-a",
                epoch=1, seq=100 + i, business_date=NOW.date(), delta=5, kind="earn",
                balance_after=15))  # fmt: skip
        conn.execute(update(directory).where(directory.c.member_id.in_(
            [p["id"] for p in people[::2]])).values(change_seq=3))  # fmt: skip
    _pull(store, hq, chain_till)
    with store.read() as s:
        ids = [r[0] for r in raw_connection(s).execute(
            "SELECT id FROM points_ledger WHERE kind = 'chain' ORDER BY rowid")]  # fmt: skip
    assert len(ids) == 30 + 15
    assert ids == sorted(ids) and len(set(ids)) == len(ids)  # each after the one before
    assert all(str(uuid.UUID(i)) == i and uuid.UUID(i).version == 7 for i in ids)
    assert run_checks(store).ok


def test_ordered_ids_are_unique_and_increasing_across_threads() -> None:
    made: list[list[str]] = [[] for _ in range(4)]

    def make(into: list[str]) -> None:
        into += [ordered_id() for _ in range(5000)]

    threads = [threading.Thread(target=make, args=(m,)) for m in made]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(m == sorted(m) for m in made)
    assert len({i for m in made for i in m}) == 20000
    before = time.time()
    one = uuid.UUID(ordered_id())
    assert one.version == 7 and one.variant == uuid.RFC_4122
    assert abs((one.int >> 80) / 1000 - before) < 5  # its first 48 bits: the time in ms


_HELD = {
    "members": "SELECT id, card_no, name, phone, phone_last4, status, tier, points, chain_points,"
    " version - chain_base, chain_store FROM members WHERE chain_store != '' ORDER BY id",
    "keys": "SELECT key, member_id FROM member_search ORDER BY key, member_id",
    "cards": "SELECT card_no, member_id, status FROM cards ORDER BY card_no",
    "points": "SELECT member_id, sum(delta) FROM points_ledger GROUP BY member_id ORDER BY 1",
}


def _held(store: Store) -> dict[str, list]:
    with store.read() as s:
        conn = raw_connection(s)
        return {name: conn.execute(sql).fetchall() for name, sql in _HELD.items()}


def test_changes_written_on_what_the_till_holds_give_what_a_first_pull_of_them_gives(
    store,
    hq,
    chain_till,  # noqa: F811  (the fixture imported above)
    shop_template,
    clock,
    tmp_path,
) -> None:
    people = seed_members(hq.engine, 40)
    _pull(store, hq, chain_till)
    changed = people[7:27]  # not 5 and 6: of two sharing a phone, the one pulled first holds it
    with hq.engine.begin() as conn:  # new names, a new phone, a card lost, more points
        for i, p in enumerate(changed):
            values = {"name": "章" + p["name"][1:], "version": 2}
            if i % 5 == 1:
                values["phone"] = f"139{i:08d}"
            if i % 7 == 2:
                values["status"] = "lost"
            conn.execute(update(members).where(members.c.id == p["id"]).values(**values))
            conn.execute(points_entries.insert().values(
                id=f"more-{i}", member_id=p["id"], store_code="S001", terminal_id="t-a",
                epoch=1, seq=100 + i, business_date=NOW.date(), delta=5, kind="earn",
                balance_after=15))  # fmt: skip
        conn.execute(update(directory).where(directory.c.member_id.in_(
            [p["id"] for p in changed])).values(change_seq=3))  # fmt: skip
    assert _pull(store, hq, chain_till).members == 20

    shutil.copyfile(shop_template.path, tmp_path / "fresh.sqlite")
    with Store(tmp_path / "fresh.sqlite", clock=clock) as fresh:
        adopt_identity(fresh, store_code="S002")
        _pull(fresh, hq, provision(hq.engine, "S002"))
        assert _held(fresh) == _held(store)
        assert run_checks(fresh).ok
    assert run_checks(store).ok
