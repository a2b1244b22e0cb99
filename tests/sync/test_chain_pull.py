"""Pulling the chain's directory into a till: pages written in short transactions, each
member once, the cursor moving only with what it covers, lookup keys as a member issued
here gets them (HQ on SQLite and PostgreSQL, a real server on a free port)."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy import func, select

from memberdesk.core.check.checks import run_checks
from memberdesk.core.members.lookup import find_members
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.members.search_keys import search_keys
from memberdesk.core.shop.identity import adopt_identity
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Card, Member, MemberSearchKey, PointsEntry
from memberdesk.core.sync import pull
from memberdesk.core.sync.pull import directory_state, pull_directory
from memberdesk.core.sync.transport import HttpTransport, Unreachable
from memberdesk.hq.directory import set_chain
from memberdesk.hq.models import cards, directory, members, points_entries

from ..conftest import START
from .support import provision

NOW = START.replace(tzinfo=None)
NAMES = ["王芳", "李娜", "张伟", "曾小贤", "单行长", "欧阳娜娜", "刘洋", "陈静"]


def seed_members(engine, n: int, store_code: str = "S001", start: int = 0) -> list[dict]:
    """n members of `store_code` at HQ, straight into its tables, each with 10 points earned
    at a till of S001; the third has an old card, members 5 and 6 share one phone."""
    people = []
    for i in range(start, start + n):
        phone = "13800000005" if i == 6 else f"138{i:08d}"
        people.append({
            "id": str(uuid.uuid4()), "store_code": store_code, "terminal_id": "t-a", "epoch": 1,
            "seq": i + 1, "card_no": f"9{i:011d}", "name": NAMES[i % len(NAMES)] + str(i),
            "phone": phone, "tier": "", "status": "active", "joined_at": NOW,
            "joined_date": NOW.date(), "version": 1, "data": {"gender": "F"}, "updated_at": NOW,
        })  # fmt: skip
    with engine.begin() as conn:
        conn.execute(members.insert(), people)
        numbers = [{"card_no": p["card_no"], "member_id": p["id"], "store_code": store_code,
                    "first_seen_at": NOW} for p in people]  # fmt: skip
        if start == 0 and n > 2:
            numbers.append({"card_no": "OLD0000002", "member_id": people[2]["id"],
                            "store_code": store_code, "first_seen_at": NOW})  # fmt: skip
        conn.execute(cards.insert(), numbers)
        conn.execute(points_entries.insert(), [
            {"id": str(uuid.uuid4()), "member_id": p["id"], "store_code": store_code,
             "terminal_id": "t-a", "epoch": 1, "seq": p["seq"], "business_date": NOW.date(),
             "delta": 10, "kind": "earn", "balance_after": 10} for p in people
        ])  # fmt: skip
        conn.execute(directory.insert(), [{"member_id": p["id"], "change_seq": 2} for p in people])
    return people


@pytest.fixture
def chain_till(store: Store, hq):
    """This till as store S002's, in a chain-wide membership."""
    set_chain(hq.engine, NOW, scope="chain")
    adopt_identity(store, store_code="S002")
    return provision(hq.engine, "S002")


def _count(store: Store, model, *where) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_a_pull_writes_every_member_once_in_short_transactions_with_local_keys(
    store, hq, chain_till, cashier, monkeypatch
) -> None:
    local = issue_card(store, cashier, MemberForm(name="本店会员", phone="13800000001"))
    people = seed_members(hq.engine, 230)
    # Tiny chunks: a page of 100 is written in several transactions, the cursor with its last.
    monkeypatch.setattr(pull, "STEP", 7)
    monkeypatch.setattr(pull, "CHUNK_S", 0.0)
    monkeypatch.setattr(pull, "PAUSE_S", 0.0)
    commits = []
    real_write = Store.write

    def counted(self):
        commits.append(directory_state(self).cursor)
        return real_write(self)

    monkeypatch.setattr(Store, "write", counted)
    with HttpTransport(hq.base_url, chain_till.token) as t:
        report = pull_directory(store, t, page=100)
    monkeypatch.setattr(Store, "write", real_write)
    assert report.ok, report.error
    assert (report.members, report.added, report.pages) == (230, 230, 3)
    assert len(commits) > 30  # 230 / 7 steps: one transaction each
    assert len(set(commits)) == 3  # the cursor moved once per page: '' and after pages 1, 2

    assert _count(store, Member, Member.chain_store == "S001") == 230
    assert _count(store, PointsEntry, PointsEntry.kind == "chain") == 230
    with store.read() as s:
        first = s.get(Member, people[0]["id"])
        assert (first.points, first.chain_points, first.gender) == (10, 10, "F")
        # The local member keeps 13800000001; HQ's member with that phone comes without it,
        # and of two HQ members sharing a number one holds it (the one pulled first).
        assert s.get(Member, people[1]["id"]).phone is None
        assert s.get(Member, local.id).phone == "13800000001"
        shared = {s.get(Member, people[i]["id"]).phone for i in (5, 6)}
        assert shared == {"13800000005", None}
        for p in people[:20]:
            keys = set(
                s.scalars(select(MemberSearchKey.key).where(MemberSearchKey.member_id == p["id"]))
            )
            assert keys == search_keys(p["name"]), p["name"]
    old = find_members(store, "OLD0000002")
    assert old.hits == [] and old.refusal is not None  # a replaced card is refused here too
    assert [h.member_id for h in find_members(store, people[3]["card_no"]).hits] == [
        people[3]["id"]
    ]

    with HttpTransport(hq.base_url, chain_till.token) as t:
        again = pull_directory(store, t, page=100)
    assert again.ok and again.added == 0
    assert _count(store, Member) == 231
    assert _count(store, Card) == 232
    assert _count(store, PointsEntry, PointsEntry.kind == "chain") == 230
    assert run_checks(store).ok


class CutAfter(HttpTransport):
    """A link that answers `pages` directory pages, then fails."""

    def __init__(self, *a, pages: int, **kw) -> None:
        super().__init__(*a, **kw)
        self.left = pages

    def directory(self, cursor: str, limit: int, own: str = ""):
        if self.left <= 0:
            raise Unreachable("cut")
        self.left -= 1
        return super().directory(cursor, limit, own)


def test_a_pull_cut_off_part_way_resumes_after_the_last_whole_page(store, hq, chain_till) -> None:
    seed_members(hq.engine, 250)
    with CutAfter(hq.base_url, chain_till.token, pages=1) as t:
        report = pull_directory(store, t, page=100)
    assert not report.ok and report.error.code == "sync.offline"
    assert report.added == 100
    cursor = directory_state(store).cursor
    assert cursor and directory_state(store).pulled_at is None
    with HttpTransport(hq.base_url, chain_till.token) as t:
        rest = pull_directory(store, t, page=100)
    assert rest.ok and (rest.added, rest.pages) == (150, 2)
    assert directory_state(store).pulled_at == datetime.fromisoformat(NOW.isoformat())
    assert _count(store, Member, Member.chain_store == "S001") == 250
    assert run_checks(store).ok


def test_scope_back_to_per_store_hides_other_stores_members_until_chain_wide_again(
    store, hq, chain_till, cashier
) -> None:
    people = seed_members(hq.engine, 40)
    own = seed_members(hq.engine, 1, store_code="S002", start=100)[0]

    def pull() -> None:
        with HttpTransport(hq.base_url, chain_till.token) as t:
            assert pull_directory(store, t, page=25).ok

    def found(query: str) -> list[str]:
        return [h.member_id for h in find_members(store, query).hits]

    pull()
    someone = people[7]
    assert found(someone["card_no"]) == [someone["id"]]
    set_chain(hq.engine, NOW, scope="store")
    pull()
    for query in (someone["card_no"], someone["phone"], someone["name"], "OLD0000002"):
        assert found(query) == [], query
    assert find_members(store, "OLD0000002").refusal is None  # not "replaced": unknown here
    assert found(own["card_no"]) == [own["id"]]  # this store's own stay
    assert _count(store, Member, Member.chain_hidden) == 40
    # Their number is free here: this store may give it to someone of its own.
    mine = issue_card(store, cashier, MemberForm(name="新会员", phone=someone["phone"]))
    assert found(someone["phone"]) == [mine.id]
    assert run_checks(store).ok

    set_chain(hq.engine, NOW, scope="chain")
    pull()
    assert found(someone["card_no"]) == [someone["id"]]
    assert found(someone["phone"]) == [mine.id]  # the number stays with the one holding it here
    assert _count(store, Member, Member.chain_hidden) == 0
    assert run_checks(store).ok


def test_store_names_from_hq_are_kept_only_as_readable_text():
    """A name with a control or direction character, or too long, is left out; a page
    with no names (an older HQ) or names not given as names changes nothing kept."""
    from memberdesk.core.sync.pull import store_names

    sent = {"S001": "西湖店", "S002": "滨江\u202e店", "S003": "x" * 101, "S004": 7, "S005": ""}
    assert store_names({"stores": sent}) == {"S001": "西湖店", "S005": ""}
    assert store_names({}) is None and store_names({"stores": ["S001"]}) is None
