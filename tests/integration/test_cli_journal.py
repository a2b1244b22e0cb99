"""`memberdesk sales find` and `memberdesk report day` on a real file: the table in the
reader's language, refusals as one line, the day-end report as PDF and on the printer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from memberdesk.cli import main
from memberdesk.core.clock import shop_date
from memberdesk.core.printing.escpos_out import preview_text

from .journal_day import build


@pytest.fixture
def db(store, clock, owner, manager, cashier, monkeypatch, tmp_path: Path) -> Path:
    build(store, clock, owner, manager, cashier)
    for var in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    path = store.path
    store.close()
    return path


def run(capsys, db: Path, *argv: str) -> tuple[int, list[str], str]:
    code = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_sales_find_prints_a_table_newest_first(capsys, db: Path) -> None:
    code, out, _ = run(capsys, db, "sales", "find", "--date", "2026-03-10")
    assert code == 0
    assert out[0].split() == ["小票号", "时间", "金额", "已退款", "付款方式", "会员", "收银员"]
    assert [line.split()[0] for line in out[1:5]] == [
        "S001-01-260310-0004", "S001-01-260310-0003", "S001-01-260310-0002", "S001-01-260310-0001",
    ]  # fmt: skip
    s3 = out[2].split()
    assert s3[3:] == ["¥36.00", "¥12.00", "微信", "¥36.00", "散客", "收银员"]
    assert out[-1] == "共 4 笔"


def test_sales_find_by_receipt_member_amount_and_cashier(capsys, db: Path) -> None:
    code, out, _ = run(capsys, db, "sales", "find", "--receipt", "S001-01-260310-R0001")
    assert code == 0 and out[1].startswith("S001-01-260310-0003")  # a refund slip: its sale
    code, out, _ = run(capsys, db, "sales", "find", "--member", "张三")
    assert code == 0 and out[0].startswith("会员：张三（卡号 ")
    assert [line.split()[0] for line in out[2:4]] == ["S001-01-260311-0001", "S001-01-260310-0001"]
    code, out, _ = run(capsys, db, "sales", "find", "--min", "30", "--max", "100", "--walk-in")
    assert code == 0 and [line.split()[0] for line in out[1:-1]] == [
        "S001-01-260310-0004", "S001-01-260310-0003", "S001-01-260309-0001",
    ]  # fmt: skip
    code, out, _ = run(capsys, db, "sales", "find", "--cashier", "店长", "--limit", "1")
    assert code == 0 and out[1].startswith("S001-01-260310-0002")
    code, out, _ = run(capsys, db, "sales", "find", "--amount", "12345")
    assert (code, out) == (1, ["没有找到销售记录"])
    code, out, _ = run(capsys, db, "--lang", "en", "sales", "find", "--limit", "2")
    assert out[0].split()[:3] == ["Receipt", "Time", "Amount"]
    assert "walk-in" in out[1] or "walk-in" in out[2]
    assert out[-1].startswith("the newest 2 are shown; there are more")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--receipt", "S001-01-260310-9999"], "找不到小票 S001-01-260310-9999"),
        (["--from", "2026-03-10", "--to", "2026-03-01"], "2026-03-01"),
        (
            ["--date", "2026-03-10", "--from", "2026-03-01"],
            "请给出一天或一个日期范围，不能两者都给",
        ),
        (["--min", "100", "--max", "10"], "最低金额 ¥100.00 高于最高金额 ¥10.00"),
        (["--amount", "1.234"], "1.234"),
        (["--cashier", "小王"], "没有名叫 小王 的员工"),
        (["--member", "没有这个人"], "没有会员符合“没有这个人”"),
    ],
)
def test_sales_find_refusals_are_one_line(capsys, db: Path, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, db, "sales", "find", *argv)
    assert code == 2 and out == []
    assert len(err.splitlines()) == 1 and message in err, err


def test_report_day_as_pdf_and_on_the_printer(capsys, db: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "日结.pdf"
    code, out, _ = run(capsys, db, "report", "day", "--date", "2026-03-10", "-o", str(pdf))
    assert code == 0 and out == [f"已生成 {pdf}：2026-03-10 日结报表，1 页"]
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "销售 4 笔" in text and "¥661.50" in text and "¥950.00" in text
    bin_file = tmp_path / "printer.bin"
    code, out, _ = run(capsys, db, "report", "day", "--date", "2026-03-10", "--printer",
                       f"file:{bin_file}")  # fmt: skip
    assert code == 0 and out[-1].startswith("已打印")
    slip = preview_text(bin_file.read_bytes())
    assert "日结报表" in slip and "￥661.50" in slip and "散客消费 2 笔" in slip
    code, out, _ = run(
        capsys, db, "report", "day", "--printer", "dummy"
    )  # today, by the computer's clock
    today = shop_date(datetime.now(UTC)).isoformat()
    assert code == 0 and any(line.split() == ["营业日", today] for line in out), out
    code, _, err = run(capsys, db, "report", "day", "--date", "2099-01-01", "-o", str(pdf))
    assert code == 2 and "2099-01-01 还没有到" in err
