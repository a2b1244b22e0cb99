"""The member list in core: pages by key cover every member once, in order, even when many
joined in the same second (an import); filters and refusals; the plan walks the index."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from memberdesk.core.errors import DomainError
from memberdesk.core.members.browse import MemberFilter, browse_members, page_query
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.database import Store


def test_pages_cover_everyone_once_in_order_when_joining_times_tie(store: Store, owner, cashier):
    ids = [
        issue_card(store, owner, MemberForm(name=f"同秒{i:02d}", phone=f"137{i:08d}")).id
        for i in range(23)
    ]  # fmt: skip  (the test clock stands still: all in one second)
    seen: list[str] = []
    page = browse_members(store, page_size=5, actor=cashier)
    pages = [page]
    while page.has_next:
        page = browse_members(store, after=page.last, page_size=5, actor=cashier)
        pages.append(page)
    for p in pages:
        seen += [r.member_id for r in p.rows]
    assert seen == list(reversed(ids))  # newest (the last written) first, each once
    assert [len(p.rows) for p in pages] == [5, 5, 5, 5, 3]
    assert {p.total for p in pages} == {23}
    assert not pages[0].has_previous and all(p.has_previous for p in pages[1:])
    assert pages[0].rows[0].phone == "137****0022"  # masked for a cashier
    assert pages[0].rows[0].tier == "普通"  # no sale yet: the lowest tier by name

    back = browse_members(store, before=pages[2].first, page_size=5)
    assert [r.member_id for r in back.rows] == [r.member_id for r in pages[1].rows]
    assert back.has_previous and back.has_next
    assert browse_members(store, actor=owner).rows[0].phone == "13700000022"


def test_filters_are_refused_in_words_and_the_plan_walks_the_joining_index(store: Store):
    with pytest.raises(DomainError) as caught:
        browse_members(store, MemberFilter(status="gone"))
    assert caught.value.code == "members.filter_status"
    with pytest.raises(DomainError) as caught:
        browse_members(store, MemberFilter(store="S002"))
    assert caught.value.message("zh_CN") == "没有这个门店选项：S002"
    from datetime import date

    with pytest.raises(DomainError) as caught:
        browse_members(
            store, MemberFilter(joined_from=date(2026, 3, 2), joined_to=date(2026, 3, 1))
        )
    assert "入会日期前后颠倒了" in caught.value.message("zh_CN")
    with store.read() as s:
        conn = s.connection()
        sql = str(page_query(MemberFilter(tier="gold"), "Asia/Shanghai").compile(
            conn, compile_kwargs={"literal_binds": True}))  # fmt: skip
        plan = " ".join(str(r[3]) for r in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "USING INDEX ix_members_joined_at" in plan and "TEMP B-TREE" not in plan
