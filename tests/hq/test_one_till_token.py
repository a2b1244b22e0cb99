"""What one till's token can do at head office: its own store's business, and nothing that
stops HQ or the other tills."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from memberdesk.hq.models import members

from .conftest import batch, member_event, post


def test_an_edit_naming_only_fields_hq_does_not_merge_is_taken_not_a_5xx(hq, term, client):
    """A member edit names the fields it changed; one naming none HQ merges (a newer till's
    field, or no field at all) failed the whole batch on SQLite (503, retried for ever)."""
    m = str(uuid.uuid4())
    assert post(client, term.token, batch(term, [member_event(1, m, 1)])).json()["accepted"] == 1
    evs = []
    for seq, named in ((2, ["email"]), (3, []), (4, [None, 5, {"x": 1}])):
        edit = member_event(seq, m, seq, name="张三")
        edit["payload"]["fields"] = named
        evs.append(edit)
    r = post(client, term.token, batch(term, evs))
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 3 and r.json()["rejected"] == []
    rename = member_event(5, m, 5, name="张三丰")
    rename["payload"]["fields"] = ["name"]
    assert post(client, term.token, batch(term, [rename])).json()["accepted"] == 1
    with hq.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(members)) == 1
        assert conn.scalar(select(members.c.name)) == "张三丰"
