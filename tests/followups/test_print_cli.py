"""`memberdesk callsheet | cards | receipt | printer | calls` on a copy of the fixture shop."""

from __future__ import annotations

import csv
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from memberdesk.cli import main
from memberdesk.core.printing.escpos_out import preview_text
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import AuditEntry


def run(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


def test_callsheet_commands(shop, tmp_path: Path, capsys) -> None:
    store, _, _ = shop
    db = store.path
    store.close()
    pdf = tmp_path / "b.pdf"
    assert run(db, "callsheet", "birthdays", "--month", "2026-04", "-o", str(pdf)) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"已生成 {pdf}：生日关怀，2026-04-01 至 2026-04-30，")
    assert "可发短信" in out
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "张四月" in text and "何农历" not in text
    xlsx = tmp_path / "d.xlsx"
    assert run(db, "callsheet", "dormant", "--from", "2025-01-01", "--to", "2026-03-10",
               "--staff", "小林", "-o", str(xlsx)) == 0  # fmt: skip
    assert "沉睡会员唤醒" in capsys.readouterr().out and xlsx.stat().st_size > 0
    assert run(db, "callsheet", "dormant", "--month", "2026-13", "-o", str(xlsx)) == 2
    assert "月份“2026-13”无效" in capsys.readouterr().err
    assert run(db, "--lang", "en", "callsheet", "new", "--from", "2026-03-01", "-o", str(pdf)) == 2
    assert "date" in capsys.readouterr().err


def test_cards_command(shop, tmp_path: Path, capsys) -> None:
    store, _, _ = shop
    db = store.path
    store.close()
    out = tmp_path / "c.pdf"
    assert run(db, "cards", "--new-since", "2026-01-01", "-o", str(out)) == 0
    assert capsys.readouterr().out.strip() == f"已生成 {out}：6 张会员卡，1 页"
    assert run(db, "cards", "--member", "8800000013", "--single", "-o", str(out)) == 0
    assert run(db, "cards", "-o", str(out)) == 2
    assert "请选择要打印的会员卡" in capsys.readouterr().err


def test_receipt_and_printer_commands(shop, tmp_path: Path, capsys) -> None:
    store, _, _ = shop
    db = store.path
    store.close()
    assert run(db, "receipt", "--last", "--printer", "dummy") == 0
    first = capsys.readouterr().out
    assert (
        "小票号：S001-01-260302-0003" in first
        and "已打印（任务 1）" in first
        and "重印" not in first
    )
    assert run(db, "receipt", "S001-01-260302-0003", "--printer", "file:/dev/full") == 4
    assert "打印失败（任务 2）：打印中断" in capsys.readouterr().err
    assert run(db, "printer", "jobs") == 0
    assert "任务 2  小票" in capsys.readouterr().out
    out = tmp_path / "printer.bin"
    assert run(db, "printer", "retry", "--printer", f"file:{out}") == 0
    assert preview_text(out.read_bytes()).splitlines()[0].strip() == "** 重印 **"
    assert run(db, "receipt", "NOPE-1", "--printer", "dummy") == 2
    assert "找不到小票 NOPE-1" in capsys.readouterr().err
    assert (
        run(db, "printer", "set", "--connection", f"file:{out}", "--paper", "58", "--no-cut") == 0
    )
    assert "paper_mm = 58" in capsys.readouterr().out
    assert run(db, "printer", "test") == 0
    assert "打印测试" in preview_text(out.read_bytes()) and "[切纸]" not in preview_text(
        out.read_bytes()
    )
    assert run(db, "printer", "drawer") == 0
    assert run(db, "printer", "set", "--connection", "lpt1") == 2


def test_calls_commands(shop, tmp_path: Path, capsys) -> None:
    store, _, _ = shop
    db = store.path
    store.close()
    sheet = tmp_path / "b.csv"
    assert run(db, "callsheet", "birthdays", "--month", "2026-04", "-o", str(sheet)) == 0
    lines = sheet.read_text("utf-8-sig").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("接通")] = "√"
    cells[header.index("联系日期")] = "2026-03-09"
    sheet.write_text("\n".join([lines[0], ",".join(cells)]), encoding="utf-8-sig")
    assert run(db, "calls", "import", str(sheet)) == 0
    assert "写入 1 条" in capsys.readouterr().out
    assert run(db, "calls", "counts", "--month", "2026-03") == 0
    assert "小林：2 次（接通 1，未接 1）" in capsys.readouterr().out


def test_a_period_beyond_the_calendar_is_refused_with_its_limits(
    shop, tmp_path: Path, capsys
) -> None:
    """0001-01-01 to 9999-12-31 once ended in an internal error (a date overflow)."""
    store, _, _ = shop
    db = store.path
    store.close()
    out = tmp_path / "all.csv"
    for kind in ("birthdays", "dormant", "new", "bigspend", "dropping"):
        code = run(db, "--lang", "en", "callsheet", kind, "--from", "0001-01-01", "--to",
                   "9999-12-31", "-o", str(out))  # fmt: skip
        assert code == 2
        assert capsys.readouterr().err.strip() == (
            "a list's dates must lie between 1900-01-01 and 2100-12-31; 0001-01-01 to "
            "9999-12-31 goes beyond them"
        )
    assert run(db, "calls", "counts", "--from", "1899-12-31", "--to", "2026-03-10") == 2
    assert capsys.readouterr().err.strip() == (
        "名单日期必须在 1900-01-01 至 2100-12-31 之间；1899-12-31 至 2026-03-10 超出了这个范围"
    )
    assert not out.exists()
    assert (
        run(db, "callsheet", "new", "--from", "1900-01-01", "--to", "2100-12-31", "-o", str(out))
        == 0
    )


def test_a_call_sheet_from_the_command_line_shows_full_phones_only_to_a_manager(
    shop, tmp_path: Path, capsys, monkeypatch
) -> None:
    """As `export members`: without --full-phone the numbers are masked; with it a manager
    or the owner names themselves (--by, or MEMBERDESK_STAFF) and gives their PIN, and a
    cashier's PIN is refused."""
    store, fx, _ = shop
    db = store.path
    store.close()
    sheet = tmp_path / "b.csv"
    pdf = tmp_path / "b.pdf"

    def phones() -> list[str]:
        return [r["手机号"] for r in csv.DictReader(sheet.read_text("utf-8-sig").splitlines())]

    assert run(db, "callsheet", "birthdays", "--month", "2026-04", "-o", str(sheet)) == 0
    assert phones() and all("****" in p for p in phones())
    assert run(db, "callsheet", "birthdays", "--month", "2026-04", "-o", str(pdf)) == 0
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "****" in text and phones()[0] in text
    capsys.readouterr()
    monkeypatch.setenv("MEMBERDESK_PIN", "1111")
    assert run(db, "callsheet", "birthdays", "--month", "2026-04", "--full-phone",
               "--by", fx.mei.name, "-o", str(sheet)) == 2  # fmt: skip
    assert "****" in phones()[0]
    capsys.readouterr()
    monkeypatch.setenv("MEMBERDESK_PIN", "8888")
    monkeypatch.setenv("MEMBERDESK_STAFF", fx.owner.name)
    assert run(db, "callsheet", "birthdays", "--month", "2026-04", "--staff", "小林",
               "--full-phone", "-o", str(sheet)) == 0  # fmt: skip
    assert phones() and not any("*" in p for p in phones())
    with Store(db) as s, s.read() as session:
        who = session.scalars(select(AuditEntry.staff_name)
                              .where(AuditEntry.action == "callsheet.full_phone")).all()  # fmt: skip
    assert who == [fx.owner.name]


def test_the_callsheet_help_says_what_each_list_is(capsys) -> None:
    """`callsheet --help` listed birthdays, dormant, new, bigspend, dropping and said nothing
    of what they are."""
    import pytest

    with pytest.raises(SystemExit):
        main(["--lang", "zh_CN", "callsheet", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for kind, name in (("birthdays", "生日关怀"), ("dormant", "沉睡会员唤醒"), ("new", "新会员关怀"),
                       ("bigspend", "大额消费回访"), ("dropping", "常客流失预警")):  # fmt: skip
        assert f"{kind} = {name}" in out
