"""HQ at chain scale: tokens remembered for seconds but revoked promptly, several workers
behind one port applying a batch once, the connection budget checked at start, and a
small load of simulated tills with the exactly-once check."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from benchmarks.hq_load import Options, run
from sqlalchemy import func, select

from memberdesk.hq.apply import Context, apply_batch, parse_batch
from memberdesk.hq.db import Pool, open_database
from memberdesk.hq.models import batches, events
from memberdesk.hq.provision import authenticate, hash_token, new_token_for, revoke_terminal
from memberdesk.hq.server import SUPERVISOR, connection_budget
from memberdesk.hq.tokens import TokenCache

from ..sync.support import HQServer, free_port, fresh_pg_url, pg_base_url, provision
from .conftest import LIMITS, auth, batch, post, sale_event

ROOT = Path(__file__).resolve().parents[2]


def test_a_revoked_token_writes_nothing_at_once_and_reads_nothing_within_seconds(hq_url):
    hq = HQServer(hq_url, limits=LIMITS).start()  # tokens remembered for 2 s, as served
    term = provision(hq.engine, "S001")
    try:
        with httpx.Client(base_url=hq.base_url, timeout=10) as client:
            assert client.get("/v1/cards/8800000013", headers=auth(term)).status_code == 200
            assert post(client, term.token, batch(term, [sale_event(1)])).status_code == 200
            revoke_terminal(hq.engine, term.id)
            revoked_at = time.monotonic()
            # A batch is checked under the terminal's lock: refused at once, nothing written.
            refused = post(client, term.token, batch(term, [sale_event(2)]))
            assert refused.status_code == 401
            # A read may be answered from the cache for a moment, never for long.
            while client.get("/v1/cards/8800000013", headers=auth(term)).status_code == 200:
                assert time.monotonic() - revoked_at < 3.0, "a revoked token still reads after 3 s"
                time.sleep(0.05)
            assert client.get("/v1/cards/8800000013", headers=auth(term)).status_code == 401
            # A new token works at once; the one it replaced writes nothing.
            fresh = new_token_for(hq.engine, term.id)
            assert post(client, term.token, batch(term, [sale_event(2)])).status_code == 401
            assert post(client, fresh.token, batch(term, [sale_event(2)])).status_code == 200
        with hq.engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(events)) == 2
    finally:
        hq.stop()


def test_a_batch_uses_a_terminal_remembered_for_a_minute_and_is_refused_once_revoked(hq_url):
    """Batches take a terminal known for up to a minute (a till sends every ten seconds or
    so), reads for two seconds; a revoked token's batch is refused all the same."""
    engine = open_database(hq_url)
    term = provision(engine, "S001")
    clock = [0.0]
    tokens = TokenCache(engine, 2.0, batch_ttl=60.0, timer=lambda: clock[0])
    try:
        assert tokens.known(term.token, batch=True) is None  # never asked: the database
        assert tokens.fresh(term.token).terminal_id == term.id
        revoke_terminal(engine, term.id)
        clock[0] = 3.0
        assert tokens.known(term.token) is None  # reads ask again after 2 s
        remembered = tokens.known(term.token, batch=True)
        assert remembered is not None and remembered.terminal_id == term.id
        ctx = Context(term.id, remembered.store_code, remembered.timezone)
        sent = parse_batch(batch(term, [sale_event(1)]), 1000)
        outcome = apply_batch(
            engine, ctx, sent, datetime.now(UTC), token_hash=hash_token(term.token)
        )
        assert outcome.status == 401
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(events)) == 0
        clock[0] = 61.0
        assert tokens.known(term.token, batch=True) is None
        assert tokens.fresh(term.token) is None
    finally:
        engine.dispose()


def test_a_token_is_looked_up_as_its_terminal_or_not_at_all(hq_url):
    """The lookup every uncached request makes finds the terminal of a live token, and none
    for a replaced, revoked, unknown or overlong one."""
    engine = open_database(hq_url)
    term = provision(engine, "S001")
    other = provision(engine, "S002")
    try:
        found = authenticate(engine, term.token)
        assert found is not None and (found.terminal_id, found.store_code) == (term.id, "S001")
        assert authenticate(engine, other.token).store_code == "S002"
        replacement = new_token_for(engine, term.id)
        assert authenticate(engine, term.token) is None
        assert authenticate(engine, replacement.token).terminal_id == term.id
        revoke_terminal(engine, term.id)
        for token in (replacement.token, "not-a-token", "x" * 201, "", None):
            assert authenticate(engine, token) is None
    finally:
        engine.dispose()


def _serve(url: str, port: int, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "memberdesk.hq.cli", "serve", "--db", url, "--port", str(port),
         "--log-level", "warning", "--no-access-log", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip


def _up(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("HQ did not come up")


@pytest.mark.postgres
def test_two_workers_behind_one_port_apply_a_batch_once(tmp_path):
    with fresh_pg_url() as url:
        engine = open_database(url)
        term = provision(engine, "S001")
        port = free_port()
        proc = _serve(url, port, "--workers", "2")
        try:
            base = f"http://127.0.0.1:{port}"
            _up(base, proc)
            workers = [int(p) for p in subprocess.run(["pgrep", "-P", str(proc.pid), "-f", "spawn"],
                                                      capture_output=True, text=True).stdout.split()]  # fmt: skip
            assert len(workers) == 2, workers
            body = batch(term, [sale_event(seq) for seq in range(1, 21)])
            clients = [httpx.Client(base_url=base, timeout=10) for _ in range(4)]
            with ThreadPoolExecutor(4) as pool:  # the same batch four times at once
                answers = list(pool.map(lambda c: post(c, term.token, body), clients))
            for c in clients:
                c.close()
            assert [r.status_code for r in answers] == [200] * 4
            applied = [r.json() for r in answers if not r.json().get("replayed")]
            assert len(applied) == 1 and applied[0]["accepted"] == 20, answers
            with engine.connect() as conn:
                assert conn.scalar(select(func.count()).select_from(events)) == 20
                assert conn.scalar(select(func.count()).select_from(batches)) == 1
        finally:
            proc.terminate()
            proc.wait(20)
            engine.dispose()
        # Stopping the server stopped its workers too.
        assert all(not Path(f"/proc/{pid}").exists() or _zombie(pid) for pid in workers)


def test_one_worker_serves_in_the_supervisors_process_and_stays_up(tmp_path):
    """`--workers 1` (the default on a one-CPU machine): uvicorn serves in the process that
    started it, which is its own supervisor and must not stop for having another parent."""
    port = free_port()
    proc = _serve(f"sqlite:///{tmp_path / 'hq.sqlite'}", port, "--workers", "1")
    try:
        base = f"http://127.0.0.1:{port}"
        _up(base, proc)
        time.sleep(1.5)  # what a worker that took its parent for gone would have stopped by
        assert proc.poll() is None, proc.stdout.read()
        assert httpx.get(base + "/health", timeout=5).status_code == 200
    finally:
        proc.terminate()
        proc.wait(20)


def test_a_worker_whose_supervisor_died_before_it_started_stops_at_once():
    """A worker still starting when its supervisor is killed has been given another parent;
    it must not take that one for its supervisor and serve on, orphaned."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(10)  # a supervisor that has died
    worker = subprocess.Popen(
        [sys.executable, "-c", "import time; from memberdesk.hq.server import _end_with_parent; "
         "_end_with_parent(); time.sleep(20)"],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), SUPERVISOR: str(gone.pid)},
    )  # fmt: skip
    try:
        assert worker.wait(10) == -signal.SIGTERM
    finally:
        if worker.poll() is None:
            worker.kill()


def test_a_worker_logs_with_the_time_and_level_as_its_supervisor_does(tmp_path):
    """A worker is a process of its own: what HQ logs there (a database that cannot be
    reached, a failed batch) carries its time and level, not the bare message."""
    from memberdesk.hq.server import ENV, Settings

    settings = Settings(f"sqlite:///{tmp_path / 'hq.sqlite'}")
    worker = subprocess.run(
        [sys.executable, "-c", "import logging; from memberdesk.hq.server import "
         "app_from_environment as a; a(); logging.getLogger('memberdesk.hq').warning('held')"],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), ENV: settings.to_env()},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert worker.returncode == 0, worker.stderr
    line = worker.stderr.strip().splitlines()[-1]
    assert line.endswith(" WARNING memberdesk.hq: held"), line
    assert datetime.strptime(line[:19], "%Y-%m-%d %H:%M:%S"), line


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@pytest.mark.postgres
def test_serve_refuses_more_connections_than_postgresql_allows():
    with fresh_pg_url() as url:
        engine = open_database(url)
        budget = connection_budget(engine, 2, Pool(4, 2))
        assert budget is not None and budget.wanted == 12 and not budget.impossible
        too_many = budget.allowed // 6 + 1  # workers that would need more than the server has
        engine.dispose()
        proc = _serve(url, free_port(), "--workers", str(too_many), "--lang", "en")
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert f"{too_many} workers × 6 connections = {too_many * 6}" in out
    assert f"PostgreSQL allows {budget.allowed}" in out


@pytest.mark.postgres
def test_a_small_load_of_tills_is_held_exactly_once():
    """benchmarks/hq_load.py at a small K: every till's events held once, by SQL."""
    pg_base_url()
    with fresh_pg_url() as url:
        opts = Options(terminals=6, shape="catchup", workers=2, pg=pg_base_url(), backlog=120,
                       batch=25, seed_ops=60, connections=8, limit=25)  # fmt: skip
        started = time.monotonic()
        result = run(opts, url)
        assert time.monotonic() - started < 30
        engine = open_database(url)
        with engine.connect() as conn:
            held = dict(conn.execute(
                select(events.c.terminal_id, func.count()).where(events.c.status == "accepted")
                .group_by(events.c.terminal_id)
            ).all())  # fmt: skip
            distinct = conn.scalar(select(func.count(func.distinct(events.c.event_id))))
        engine.dispose()
    once = result["exactly_once"]
    assert once["ok"], once
    assert result["unfinished"] == 0
    assert len(held) == 6 and set(held.values()) == {120}
    assert distinct == sum(held.values()) == result["events"] == 720
    assert result["raw"]["events"] == 720 and result["ratio_to_raw"] > 0


def test_the_access_log_masks_the_phone_a_till_asked_for(tmp_path):
    """A till asks HQ for a member by phone; the access log, read by whoever runs HQ, keeps
    the request but not the member's number."""
    url = f"sqlite:///{tmp_path / 'hq.sqlite'}"
    engine = open_database(url)
    term = provision(engine, "S001")
    engine.dispose()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "memberdesk.hq.cli", "serve", "--db", url, "--port", str(port),
         "--workers", "1", "--log-level", "info"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _up(base, proc)
        asked = httpx.get(base + "/v1/directory/find", params={"phone": "13800138000"},
                          headers=auth(term), timeout=10)  # fmt: skip
        assert asked.status_code == 404  # no such member: asked all the same
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert "/v1/directory/find?phone=138****8000" in out, out
    assert "13800138000" not in out
