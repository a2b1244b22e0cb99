"""`memberdesk demo` builds the demo shop in a file of its own, never in the shop's data."""

from __future__ import annotations

from pathlib import Path

import pytest

from memberdesk.cli import main
from memberdesk.core.shop.details import is_demo
from memberdesk.core.store.database import Store
from memberdesk.paths import default_db_path, demo_db_path


def test_the_demo_command_keeps_the_demo_out_of_the_shops_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.delenv("MEMBERDESK_DB", raising=False)
    monkeypatch.delenv("MEMBERDESK_DEMO_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    shop, demo = default_db_path(), demo_db_path()
    assert demo.parent != shop.parent and tmp_path in demo.parents

    assert main(["demo", "--members", "8"]) == 0
    out = capsys.readouterr().out
    assert str(demo) in out and "memberdesk --demo" in out
    assert demo.exists() and not shop.exists() and not shop.parent.exists()
    with Store(demo) as store:
        assert is_demo(store)

    chosen = tmp_path / "mine" / "memberdesk.sqlite"  # a file named on purpose is used as asked
    assert main(["--db", str(chosen), "demo", "--members", "3"]) == 0
    assert chosen.exists() and not shop.exists()
