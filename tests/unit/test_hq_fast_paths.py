"""HQ's shortcuts over a payload's text and an event's time give what the long way gives."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

from memberdesk.core.store.journal import STORED_TIME, canonical_time
from memberdesk.core.text import NOT_IN_A_LINE, NOT_IN_TEXT
from memberdesk.hq.apply import encode_payload
from memberdesk.hq.projections import may_hold_control

# What the walk of a payload (check_texts) refuses: every character it looks for.
REFUSED = [
    chr(c) for c in range(0x30000) if NOT_IN_TEXT.match(chr(c)) or NOT_IN_A_LINE.match(chr(c))
]


def test_every_character_a_till_refuses_makes_the_payload_walked() -> None:
    assert len(REFUSED) > 60
    for ch in REFUSED:
        for text in (f"张三{ch}丰", ch, f"a{ch}"):
            encoded = encode_payload({"name": text, "lines": [{"note": "备注"}]})
            assert may_hold_control(encoded), repr(ch)
            assert may_hold_control(encode_payload({f"k{ch}": 1})), repr(ch)


def test_a_payload_is_walked_whenever_it_holds_what_a_till_refuses() -> None:
    rng = random.Random(5)
    pool = [*REFUSED, *'张三丰李四王五abc\\"/ 0189uU', "\u4e00", "\u00e9", "\u2060", "\u2070"]
    flagged = 0
    for _ in range(20_000):
        value = {"name": "".join(rng.choice(pool) for _ in range(rng.randrange(0, 6))),
                 "n": rng.randrange(100)}  # fmt: skip
        text = encode_payload(value)
        assert text == json.dumps(value)
        holds = any(NOT_IN_A_LINE.search(t) for t in (value["name"], *value))
        if holds:
            assert may_hold_control(text), text
        flagged += may_hold_control(text)
    assert 2_000 < flagged < 18_000  # both kinds of text were met


def test_plain_chinese_payloads_are_not_walked() -> None:
    text = encode_payload(
        {"name": "张三丰", "items": [{"name": "可口可乐", "qty": 2}], "note": "u00"}
    )
    assert not may_hold_control(text)


def test_a_time_as_a_till_sends_it_reads_as_the_long_way_reads_it() -> None:
    rng = random.Random(3)
    span = (datetime(9999, 12, 31) - datetime(1, 1, 1)) // timedelta(microseconds=1)
    for _ in range(100_000):
        moment = datetime(1, 1, 1) + timedelta(microseconds=rng.randrange(span))
        sent = moment.isoformat(timespec="microseconds")
        assert canonical_time(sent) == moment.strftime(STORED_TIME) == canonical_time(moment)


def test_a_time_no_calendar_has_is_still_refused() -> None:
    for sent in ("2026-02-30T10:00:00.000000", "2025-02-29T10:00:00.000000",
                 "2026-13-01T00:00:00.000000", "2026-01-01T24:00:00.000000"):  # fmt: skip
        try:
            canonical_time(sent)
        except ValueError:
            continue
        raise AssertionError(f"{sent} was taken")
    assert canonical_time("2024-02-29T10:00:00.000000") == "2024-02-29 10:00:00.000000"
