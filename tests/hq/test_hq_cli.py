"""`memberdesk-hq` admin commands and HQ's schema."""

from __future__ import annotations

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from memberdesk.hq.cli import main
from memberdesk.hq.db import VERSION_TABLE, open_database
from memberdesk.hq.models import metadata, terminals
from memberdesk.hq.provision import hash_token


def test_add_store_terminal_revoke_totals(hq_url, capsys):
    db = ["--db", hq_url]
    assert main(["add-store", "S001", "--name", "一号店", *db]) == 0
    assert main(["add-store", "S001", *db]) == 2
    assert "已存在" in capsys.readouterr().err
    assert main(["add-terminal", "--store", "S404", *db]) == 2
    assert main(["add-terminal", "--store", "S001", "--id", "T-01", *db]) == 0
    out = capsys.readouterr().out
    token = next(line.split()[-1] for line in out.splitlines() if line.startswith("token:"))
    assert token.startswith("mdt_") and "T-01" in out
    engine = open_database(hq_url)
    with engine.connect() as conn:
        stored = conn.execute(select(terminals.c.token_hash, terminals.c.revoked_at)).one()
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    assert main(["revoke-terminal", "T-01", *db]) == 0
    with engine.connect() as conn:
        assert conn.scalar(select(terminals.c.revoked_at)) is not None
    assert main(["new-token", "T-01", *db]) == 0
    assert main(["terminals", *db]) == 0
    assert "T-01  S001  使用中" in capsys.readouterr().out
    assert main(["totals", "--store", "S001", "--day", "2026-03-10", "--json", *db]) == 0
    assert json.loads(capsys.readouterr().out)["sales_count"] == 0
    assert main(["totals", "--store", "S001", "--day", "2026-03-10", *db]) == 0
    assert "新会员" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["totals", "--store", "S001", "--day", "yesterday", *db])
    engine.dispose()


def test_migrations_build_exactly_the_models(hq_url):
    engine = open_database(hq_url)
    open_database(hq_url).dispose()  # a second upgrade finds nothing to do
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == []
