"""Requests HQ must refuse: each gets the right 4xx and changes nothing."""

from __future__ import annotations

import gzip
import json
import socket
import time

import httpx
import pytest

from memberdesk.hq.app import Limits

from ..sync.support import HQServer, provision
from .conftest import auth, batch, fingerprint, member_event, post, sale_event


def test_wrong_or_missing_token_is_401(hq, term, client):
    before = fingerprint(hq.engine)
    body = batch(term, [sale_event(1)])
    r = post(client, "mdt_not-a-real-token", body)
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    assert r.headers["www-authenticate"] == "Bearer"
    assert client.post("/v1/batches", content=b"{}").status_code == 401
    assert (
        client.post("/v1/handshake", json={}, headers={"Authorization": "Basic abc"}).status_code
        == 401
    )
    assert client.get("/v1/stores/S001/totals?day=2026-03-10").status_code == 401
    assert fingerprint(hq.engine) == before


def test_another_stores_terminal_is_403(hq, term, other, client):
    before = fingerprint(hq.engine)
    # The S002 terminal writing S001's business, under its own id: refused.
    body = batch(other, [sale_event(1)], store="S001")
    r = post(client, other.token, body)
    assert r.status_code == 403 and r.json()["error"] == "wrong_store"
    hello = {"terminal_id": other.id, "store_code": "S001", "protocol_min": 1, "protocol_max": 1}
    r = client.post("/v1/handshake", json=hello, headers={"Authorization": f"Bearer {other.token}"})
    assert r.status_code == 403 and r.json()["store_code"] == "S002"
    r = client.get(
        "/v1/stores/S001/totals?day=2026-03-10", headers={"Authorization": f"Bearer {other.token}"}
    )
    assert r.status_code == 403
    assert fingerprint(hq.engine) == before


def test_a_batch_replayed_by_another_terminal_is_403(hq, term, client):
    from ..sync.support import provision

    second = provision(hq.engine, "S001")
    body = batch(term, [sale_event(1), sale_event(2)])
    assert post(client, term.token, body).status_code == 200
    before = fingerprint(hq.engine)
    r = post(client, second.token, body)  # the very same body, another terminal's token
    assert r.status_code == 403 and r.json()["error"] == "wrong_terminal"
    assert fingerprint(hq.engine) == before


def test_oversized_body_is_413(hq, term, client):
    before = fingerprint(hq.engine)
    noise = gzip.compress(bytes(range(256)) * 400)  # ~100 KB that does not compress
    r = post(client, term.token, None, raw=noise + noise)
    assert r.status_code == 413
    # Within the cap compressed, but a "zip bomb" once inflated.
    bomb = gzip.compress(b'{"a":"' + b"x" * 5_000_000 + b'"}')
    assert len(bomb) < 64 * 1024
    r = post(client, term.token, None, raw=bomb)
    assert r.status_code == 413
    # Too many events for one batch.
    r = post(client, term.token, batch(term, [sale_event(i) for i in range(1, 52)]))
    assert r.status_code == 413 and r.json()["max_events"] == 50
    assert fingerprint(hq.engine) == before


def test_invalid_json_is_400(hq, term, client):
    before = fingerprint(hq.engine)
    assert (
        post(client, term.token, None, raw=gzip.compress(b'{"batch_id": ')).json()["error"]
        == "bad_json"
    )
    assert post(client, term.token, None, raw=b"[1, 2", gz=False).status_code == 400
    assert (
        post(client, term.token, None, raw=gzip.compress("\xff".encode("latin-1"))).status_code
        == 400
    )
    r = post(
        client,
        term.token,
        {"batch_id": "b", "terminal_id": term.id, "store_code": "S001", "events": "x"},
    )
    assert r.status_code == 400 and r.json()["error"] == "bad_batch"
    r = post(client, term.token, batch(term, [sale_event(2), sale_event(1)]))  # seq not increasing
    assert r.status_code == 400
    assert fingerprint(hq.engine) == before


def test_corrupt_gzip_is_400(hq, term, client):
    before = fingerprint(hq.engine)
    good = gzip.compress(json.dumps(batch(term, [sale_event(1)])).encode())
    broken = good[:10] + bytes(b ^ 0x5A for b in good[10:40]) + good[40:]
    assert post(client, term.token, None, raw=broken).json()["error"] == "bad_gzip"
    assert post(client, term.token, None, raw=good[: len(good) // 2]).json()["error"] == "bad_gzip"
    assert post(client, term.token, None, raw=b"not gzip at all").status_code == 400
    assert post(client, term.token, None, raw=good + b"trailing").status_code == 400
    assert fingerprint(hq.engine) == before


def test_health_needs_no_token_and_says_nothing_private(client):
    r = client.get("/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    assert set(r.json()) == {"status", "server_time", "protocol_min", "protocol_max"}


def _nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_json_nested_too_deep_is_400(hq, term, client):
    before = fingerprint(hq.engine)
    body = batch(term, [sale_event(1)])
    text = json.dumps(body)
    # Body, events, event and payload are 4 levels; 29 more inside the payload make 33.
    deep = text.replace('"tenders": {', f'"deep": {_nested(29)}, "tenders": {{', 1)
    r = post(client, term.token, None, raw=gzip.compress(deep.encode()))
    assert r.status_code == 400 and r.json() == {"error": "too_deep", "max_depth": 32}
    hopeless = _nested(20_000)  # would blow the parser's stack
    r = post(client, term.token, None, raw=gzip.compress(hopeless.encode()))
    assert r.status_code == 400 and r.json()["error"] == "too_deep"
    headers = {"Authorization": f"Bearer {term.token}", "Content-Type": "application/json"}
    r = client.post("/v1/handshake", content=hopeless.encode(), headers=headers)
    assert r.status_code == 400 and r.json()["error"] == "too_deep"
    assert fingerprint(hq.engine) == before
    fits = text.replace('"tenders": {', f'"deep": {_nested(28)}, "tenders": {{', 1)
    assert post(client, term.token, None, raw=gzip.compress(fits.encode())).status_code == 200


def _slow(port: int, token: str) -> socket.socket:
    """A request whose body never finishes arriving."""
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.sendall(
        b"POST /v1/batches HTTP/1.1\r\nHost: hq\r\nAuthorization: Bearer " + token.encode()
        + b"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"batch_id\": "
    )  # fmt: skip
    return s


@pytest.fixture
def tight_hq(hq_url: str):
    """HQ holding at most 4 connections, waiting 2 s for a body."""
    server = HQServer(
        hq_url, limits=Limits(body_timeout=2.0), limit_concurrency=4, timeout_keep_alive=1
    ).start()
    yield server
    server.stop()


def test_a_body_sent_too_slowly_is_408(tight_hq):
    term = provision(tight_hq.engine)
    started = time.monotonic()
    s = _slow(tight_hq.port, term.token)
    answer = b""
    try:
        s.settimeout(30)
        while chunk := s.recv(4096):  # the answer may come in more than one packet
            answer += chunk
    finally:
        s.close()
    assert answer.startswith(b"HTTP/1.1 408") and b"too_slow" in answer
    assert 1.9 < time.monotonic() - started < 15  # 2 s, and a loaded machine


def _answered(s: socket.socket, within: float) -> bytes:
    s.settimeout(within)
    try:
        return s.recv(4096)
    except TimeoutError:
        return b""


def test_connections_beyond_the_limit_are_turned_away_at_once(tight_hq):
    term = provision(tight_hq.engine)
    url = f"http://127.0.0.1:{tight_hq.port}/health"
    held = []
    try:
        for _ in range(6):  # one after another, each waiting for its body
            held.append(_slow(tight_hq.port, term.token))
            time.sleep(0.1)
        answers = [_answered(s, 0.05) for s in held]
        waiting = [a for a in answers if not a]
        assert 1 <= len(waiting) <= 3  # 4 connections at most, this test's included
        assert all(a.startswith(b"HTTP/1.1 503") for a in answers if a)
        started = time.monotonic()
        r = httpx.get(url, timeout=3)
        assert r.status_code == 503 and time.monotonic() - started < 1
    finally:
        for s in held:
            s.close()
    deadline = time.monotonic() + 10
    while httpx.get(url, timeout=3).status_code != 200:
        assert time.monotonic() < deadline, "HQ never took connections again"
        time.sleep(0.1)


def test_a_member_or_terminal_id_no_database_takes_is_400_not_a_500(hq, term, client):
    """NUL (%00) in a path or query id reached PostgreSQL, which refuses it in a query."""
    h = auth(term)
    for url, code in (("/v1/stores/S001/members/%00", "bad_member"),
                      ("/v1/stores/S001/members/" + "m" * 65, "bad_member"),
                      ("/v1/stores/S001/totals?day=2026-03-10&terminal=%00", "bad_terminal"),
                      ("/v1/stores/S001/totals?day=2026-03-10&terminal=" + "t" * 65, "bad_terminal")):  # fmt: skip
        r = client.get(url, headers=h)
        assert (r.status_code, r.json()) == (400, {"error": code}), url
    ok = client.get(f"/v1/stores/S001/totals?day=2026-03-10&terminal={term.id}", headers=h)
    assert ok.status_code == 200 and ok.json()["sales_count"] == 0


def test_every_call_is_503_while_the_database_cannot_be_reached():
    """PostgreSQL stopped (nothing listens on its port): a token's lookup and every read fail
    in the database, and each call is a 503 the till retries, not a 500 with a traceback."""
    import anyio
    from sqlalchemy import create_engine

    from memberdesk.hq.app import create_app

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    engine = create_engine(f"postgresql+psycopg://hq:pw@127.0.0.1:{port}/hq?connect_timeout=2")
    h = {"Authorization": "Bearer mdt_" + "x" * 43}
    app = httpx.ASGITransport(create_app(engine), raise_app_exceptions=False)

    async def calls() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=app, base_url="http://hq") as c:
            return [
                await c.get("/health"),
                await c.post("/v1/handshake", headers=h, json={"terminal_id": "t"}),
                await c.post("/v1/batches", headers=h, content=gzip.compress(b"{}")),
                await c.get("/v1/stores/S001/totals?day=2026-03-10", headers=h),
                await c.get("/v1/stores/S001/members/m1", headers=h),
                await c.get("/v1/cards/8001000000017", headers=h),
                await c.get("/v1/coupons/C1", headers=h),
                await c.get("/v1/directory?after=", headers=h),
                await c.get("/v1/directory/find?card=8001000000017", headers=h),
            ]

    try:
        answers = anyio.run(calls)
    finally:
        engine.dispose()
    assert [r.status_code for r in answers] == [503] * len(answers)
    assert all("error" in r.json() for r in answers)


def test_a_lookup_takes_its_number_in_the_body_and_refuses_a_malformed_one(hq, term, client):
    h = auth(term)
    for asked in ({"phone": "13911112222"}, {"card": "8001000000017"}):
        assert client.post("/v1/directory/find", headers=h, json=asked).status_code == 404
    assert client.get("/v1/directory/find?phone=13911112222", headers=h).status_code == 404
    for body, code in ((b"[]", "card_or_phone"), (b'{"phone": 13911112222}', "card_or_phone"),
                       (b"{}", "card_or_phone"), (b"{", "bad_json"),
                       (b'{"phone": "139"}', "bad_phone")):  # fmt: skip
        r = client.post("/v1/directory/find", headers=h, content=body)
        assert (r.status_code, r.json()) == (400, {"error": code}), body


def test_a_directory_cursor_no_pull_ever_gave_is_400_and_a_real_one_still_pulls(hq, term, client):
    """A cursor is what HQ answered to an earlier pull (generation.sequence.member): one with
    digits that are no number, a sequence past any HQ counts or a NUL in its member is
    refused as bad_cursor, not a 500 (or a 503 the till would retry for ever)."""
    member = "8d2c0b6e-0000-4000-8000-000000000001"
    assert (
        post(client, term.token, batch(term, [member_event(1, member, 1)])).json()["accepted"] == 1
    )
    h = auth(term)
    absurd = ("².0.x", "1.²0.x", "9" * 5000 + ".0.x", "1." + "9" * 30 + ".x",
              "1.9223372036854775808.x", "1.0.a%00b", "1.0.%00")  # fmt: skip
    for after in absurd:
        r = client.get(f"/v1/directory?after={after}", headers=h)
        assert r.status_code == 400, (after[:30], r.text)
        assert r.json() == {"error": "bad_cursor"}
    first = client.get("/v1/directory", headers=h).json()
    assert [m["id"] for m in first["members"]] == [member]
    again = client.get("/v1/directory", params={"after": first["cursor"]}, headers=h)
    assert again.status_code == 200 and again.json()["members"] == []


def test_a_protocol_that_is_no_number_is_426(hq, term, client):
    """JSON's true is no protocol version (Python counts it as 1): a handshake or a batch
    naming one is answered with the versions HQ speaks, and the batch writes nothing."""
    h = auth(term)
    for field in ("protocol_min", "protocol_max"):
        r = client.post("/v1/handshake", headers=h, json={"terminal_id": term.id, field: True})
        assert r.status_code == 426 and r.json()["error"] == "protocol", r.text
    before = fingerprint(hq.engine)
    r = post(client, term.token, {**batch(term, [sale_event(1)]), "protocol": True})
    assert r.status_code == 426 and r.json()["error"] == "protocol", r.text
    assert fingerprint(hq.engine) == before


def test_spans_of_own_records_that_are_no_spans_are_400(hq, term, client):
    """A till restored from a backup names its records the restore took off its file
    (`own`: "first-last,…"): anything else is refused as bad_own, on a page and a find."""
    h = auth(term)
    absurd = ("x", "1", "1-", "-1", "2-1", "1-2,", "1-²", "1-" + "9" * 30,
              ",".join(["1-1"] * 65), "1-2;3-4")  # fmt: skip
    for own in absurd:
        r = client.get("/v1/directory", params={"own": own}, headers=h)
        assert (r.status_code, r.json()) == (400, {"error": "bad_own"}), own[:30]
        asked = {"phone": "13911112222", "own": own}
        r = client.post("/v1/directory/find", headers=h, json=asked)
        assert (r.status_code, r.json()) == (400, {"error": "bad_own"}), own[:30]
    r = client.post("/v1/directory/find", headers=h, json={"phone": "13911112222", "own": 5})
    assert (r.status_code, r.json()) == (400, {"error": "bad_own"})
    fine = ",".join(["1-1"] * 64)
    assert client.get("/v1/directory", params={"own": fine}, headers=h).status_code == 200
    asked = {"phone": "13911112222", "own": "3-9"}
    assert client.post("/v1/directory/find", headers=h, json=asked).status_code == 404
