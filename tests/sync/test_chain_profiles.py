"""Profile edits of one member at two stores merge field by field at HQ (PostgreSQL, a
real server), the later edit winning each field, both edits kept in HQ's history; a
store that edits another store's member sends only what it changed, so the owner's
salesperson, notes and consent survive it."""

from __future__ import annotations

from sqlalchemy import select

from memberdesk.core.check.checks import run_checks
from memberdesk.core.members.member import MemberForm, edit_member, issue_card, load_member
from memberdesk.core.store.models import Member, OutboxEvent
from memberdesk.core.sync.config import sync_config
from memberdesk.core.till.totals import terminal_day_totals
from memberdesk.hq.models import events, members
from memberdesk.hq.totals import day_totals

from .test_chain_members import chain  # noqa: F401  (the two stores × two tills fixture)


def _form(store, member_id: str, **change) -> MemberForm:
    """What the edit form holds for the member at this till, with `change` typed over it."""
    with store.read() as s:
        m = load_member(s, member_id)
        form = dict(name=m.name, phone=m.phone, gender=m.gender, salesperson_id=m.salesperson_id,
                    marketing_consent=m.marketing_consent, notes=m.notes)  # fmt: skip
    return MemberForm(**{**form, **change})


def terminal_id(store) -> str:
    return sync_config(store).terminal_id


def _sent_fields(store, member_id: str) -> list[list[str] | None]:
    with store.read() as s:
        rows = s.scalars(select(OutboxEvent).where(OutboxEvent.aggregate_id == member_id)
                         .order_by(OutboxEvent.seq))  # fmt: skip
        return [(e.kind, e.payload.get("fields")) for e in rows]


def test_edits_at_two_stores_merge_field_by_field_and_the_later_wins_a_field(
    chain,  # noqa: F811  (the fixture imported above)
    cashier,
) -> None:
    hq, _proxy, tills = chain
    a1, b1 = tills["S001-01"], tills["S002-01"]
    member = issue_card(a1.store, cashier, MemberForm(
        name="周敏", phone="13900002222", salesperson_id=cashier.staff_id, marketing_consent=True,
        notes="穿M码"))  # fmt: skip
    for till in tills.values():
        till.round()

    # Store B (which knows no salesperson, notes or consent of A's member) changes the phone
    # and the name; a minute later store A changes the notes and, later still, the name.
    b1.clock.advance(minutes=1)
    edit_member(b1.store, cashier, member.id, _form(b1.store, member.id, phone="13900003333",
                                                    name="周敏敏"))  # fmt: skip
    a1.clock.advance(minutes=2)
    edit_member(a1.store, cashier, member.id, _form(a1.store, member.id, notes="穿L码"))
    a1.clock.advance(minutes=1)
    edit_member(a1.store, cashier, member.id, _form(a1.store, member.id, name="周晓敏"))
    assert _sent_fields(b1.store, member.id)[-1] == ("member.edited", ["name", "phone"])
    assert [f for _k, f in _sent_fields(a1.store, member.id)[-2:]] == [["notes"], ["name"]]

    # A's edits reach HQ first, B's (made earlier) after: arrival order does not decide.
    assert a1.push()
    assert b1.push()
    with hq.engine.connect() as conn:
        row = conn.execute(select(members).where(members.c.id == member.id)).one()
        kept = conn.execute(select(events.c.kind).where(events.c.aggregate_id == member.id,
                                                        events.c.status == "accepted")).all()  # fmt: skip
    assert (row.name, row.phone) == ("周晓敏", "13900003333")
    assert row.data["salesperson_id"] == cashier.staff_id
    assert (row.data["notes"], row.data["marketing_consent"]) == ("穿L码", True)
    assert len(kept) == 4  # issued, B's edit, A's two: every edit kept whole in the history

    for _ in range(2):
        for till in tills.values():
            till.round()
    for till in tills.values():
        with till.store.read() as s:
            here = s.get(Member, member.id)
            assert (here.name, here.phone) == ("周晓敏", "13900003333"), till.name
        assert run_checks(till.store).ok, till.name
    with a1.store.read() as s:  # the owner's own fields, untouched by B's edit
        mine = s.get(Member, member.id)
        assert (mine.salesperson_id, mine.notes, mine.marketing_consent) == (
            cashier.staff_id, "穿L码", True)  # fmt: skip


def test_a_member_another_store_edited_still_counts_as_new_at_the_till_that_issued_it(
    chain,  # noqa: F811  (the fixture imported above)
    cashier,
) -> None:
    hq, _proxy, tills = chain
    a1, b1 = tills["S001-01"], tills["S002-01"]
    member = issue_card(a1.store, cashier, MemberForm(name="吕子乔", phone="13800001111"))
    for till in tills.values():
        till.round()
    b1.clock.advance(minutes=1)
    edit_member(b1.store, cashier, member.id, _form(b1.store, member.id, name="吕小布"))
    b1.round()
    a1.round()

    day = terminal_day_totals(a1.store).day
    with hq.engine.connect() as conn:
        last_writer = conn.scalar(select(members.c.terminal_id).where(members.c.id == member.id))
        at_hq = {
            name: day_totals(conn, till.name[:4], day, terminal_id(till.store)).new_members
            for name, till in tills.items()
        }
    assert last_writer == terminal_id(b1.store)  # the row names the store B till that edited it
    # The day's new members by till, at HQ and at each till: store A's first till issued one.
    assert at_hq == {"S001-01": 1, "S001-02": 0, "S002-01": 0, "S002-02": 0}
    assert {
        name: terminal_day_totals(t.store, day).new_members for name, t in tills.items()
    } == at_hq
    with hq.engine.connect() as conn:
        assert day_totals(conn, "S001", day).new_members == 1  # the store's day as before
        assert (
            day_totals(conn, "S001", day, terminal_id(a1.store)).differences(
                terminal_day_totals(a1.store, day)
            )
            == []
        )
