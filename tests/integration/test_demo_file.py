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


def test_a_command_given_demo_works_on_the_demo_shop_not_the_shops_own_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """`memberdesk --demo items export FILE` opened the shop's own file (not there: 找不到
    文件), as if --demo were not given."""
    from openpyxl import load_workbook

    monkeypatch.delenv("MEMBERDESK_DB", raising=False)
    monkeypatch.delenv("MEMBERDESK_DEMO_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    shop, demo = default_db_path(), demo_db_path()
    out = tmp_path / "items.xlsx"

    assert main(["--demo", "items", "export", str(out)]) == 2  # no demo yet: said, nothing made
    assert "还没有演示店" in capsys.readouterr().err
    assert not demo.exists() and not shop.exists() and not out.exists()

    assert main(["demo", "--members", "8"]) == 0
    capsys.readouterr()
    assert main(["--demo", "items", "export", str(out)]) == 0
    names = {
        cell
        for row in load_workbook(out).active.iter_rows(min_row=2, values_only=True)
        for cell in row
    }
    assert "牛仔裤" in names  # the demo's catalogue
    assert not shop.exists()  # the shop's own file untouched

    chosen = tmp_path / "mine.sqlite"
    assert main(["--demo", "--db", str(chosen), "check"]) == 2
    assert "--demo 和 --db" in capsys.readouterr().err
    assert not chosen.exists()
