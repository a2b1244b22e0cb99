"""HQ checks a till's count card (次卡) events in full: a card sold and a visit used are
taken; a card or entry that does not hold together is refused with its reason."""

from __future__ import annotations

import uuid

from .conftest import batch, event, member_event, post


def _card(**fields) -> dict:
    return {"id": str(uuid.uuid4()), "receipt_no": "S001-01-260310-K0001", "member_id": MEMBER,
            "name": "剪发十次卡", "item_id": str(uuid.uuid4()), "category": None, "counts": 10,
            "price": 40000, "visit_price": 5000, "tender": "cash", "business_date": "2026-03-10",
            "expires_on": "2026-06-08", "store_code": "S001", **fields}  # fmt: skip


def _entry(**fields) -> dict:
    return {"id": str(uuid.uuid4()), "card_id": str(uuid.uuid4()), "member_id": MEMBER,
            "business_date": "2026-03-10", "delta": -1, "kind": "use", "left_after": 9,
            "amount": 0, "receipt_no": "S001-01-260310-U0001", "store_code": "S001", **fields}  # fmt: skip


MEMBER = str(uuid.uuid4())


def test_head_office_refuses_count_card_events_that_do_not_hold_together(term, client):
    evs = [member_event(1, MEMBER, 1), event(2, "countcard.sold", _card()),
           event(3, "countcard.entry", _entry())]  # fmt: skip
    bad = [
        _card(counts=0),
        _card(category="美发"),
        _card(item_id=None),
        _card(tender="wallet"),
        _card(expires_on="2026-03-01"),
        _card(price=-1),
    ]
    bad_entries = [_entry(delta=-2), _entry(kind="sold", delta=-1), _entry(kind="gift"),
                   _entry(left_after=-1)]  # fmt: skip
    evs += [event(4 + i, "countcard.sold", p) for i, p in enumerate(bad)]
    evs += [event(4 + len(bad) + i, "countcard.entry", p) for i, p in enumerate(bad_entries)]
    answer = post(client, term.token, batch(term, evs)).json()
    got = {r["seq"]: (r["params"]["field"], r["params"]["problem"]) for r in answer["rejected"]}
    assert answer["accepted"] == 3
    assert got == {
        4: ("counts", "too_small"), 5: ("item_id", "missing"), 6: ("item_id", "missing"),
        7: ("tender", "unknown_kind"), 8: ("expires_on", "time_range"), 9: ("price", "negative"),
        10: ("delta", "type"), 11: ("delta", "type"), 12: ("kind", "unknown_kind"),
        13: ("left_after", "negative"),
    }  # fmt: skip
