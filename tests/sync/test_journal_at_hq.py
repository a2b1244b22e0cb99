"""HQ follows each terminal's journal as it arrives: an honest till leaves no break; a
record changed at the till before it was sent is listed where it was changed."""

from __future__ import annotations

import sqlite3

from sqlalchemy import select

from memberdesk.hq.cli import main as hq_main
from memberdesk.hq.models import journal_breaks


def test_hq_follows_the_journal_and_lists_where_it_was_changed(
    store, shop, hq, terminal, link, db_path, capsys
) -> None:
    shop.busy(15)
    assert link.pusher(max_events=7).drain_once().ok
    with hq.engine.connect() as conn:
        assert conn.execute(select(journal_breaks)).all() == []
    shop.busy(10)
    conn = sqlite3.connect(db_path)
    try:
        seq = conn.execute(
            "SELECT min(seq) FROM outbox WHERE state = 'pending' AND kind = 'sale.completed'"
        ).fetchone()[0]
        conn.execute("DROP TRIGGER trg_outbox_frozen")
        conn.execute(
            "UPDATE outbox SET payload = json_set(payload, '$.total', 1) WHERE seq = ?", (seq,)
        )
        conn.commit()
    finally:
        conn.close()
    assert link.pusher(max_events=7).drain_once().ok  # accepted: the records are what they are
    with hq.engine.connect() as c:
        found = c.execute(select(journal_breaks.c.seq, journal_breaks.c.kind)).all()
    assert [tuple(r) for r in found] == [(seq, "sale.completed")]  # only where it was changed
    assert hq_main(["problems", "--db", hq.url, "--lang", "en"]) == 0
    label = f"{terminal.store_code}-{terminal.code}"  # the till as the operator knows it
    assert f"  {label} record {seq} (sale.completed)" in capsys.readouterr().out
