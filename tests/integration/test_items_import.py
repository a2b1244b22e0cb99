"""`memberdesk items import / export` on real files: the dry run's report, bad rows, the
encodings a shop's Excel saves, running a file again, and export read back.

What is asserted is what an owner reads: the lines printed, the exit code, and the
items in the database (nothing at all after a dry run or a refusal)."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from memberdesk.cli import main
from memberdesk.core.check.checks import run_checks
from memberdesk.core.items.catalogue import ItemForm, create_item
from memberdesk.core.items.transfer import export_items, import_items
from memberdesk.core.members.member import MemberForm, issue_card
from memberdesk.core.store.models import AuditEntry, Item, OutboxEvent


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def items(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT code, name, category, price, member_price, no_discount, earns_points, active,"
            " (SELECT group_concat(barcode, ' ') FROM item_barcodes b WHERE b.item_id = i.id)"
            " FROM items i ORDER BY code"
        ).fetchall()
    finally:
        con.close()


SHEET = [
    ["商品编码", "条形码", "商品名称", "类别", "零售价", "会员价", "不打折", "积分", "规格"],
    ["A001", "6901234567892", "可口可乐 500ml", "饮料", "3.50", "3", "否", "是", "500ml"],
    ["A002", "6901234567891", "雪碧 500ml", "饮料", "3.5", "", "", "", ""],  # bad check digit
    ["A003", "", "", "饮料", "3", "", "", "", ""],  # no name
    ["A004", "6901234567892", "芬达", "饮料", "3", "", "", "", ""],  # row 2's barcode
    ["", "96385074", "毛巾", "日用", "12.90", "", "", "", ""],  # coded by its barcode
    ["Y001", "", "香烟", "烟", "45", "", "是", "否", ""],
    ["Y002", "", "打火机", "烟", "两元", "", "", "", ""],  # not an amount
    ["Y003", "", "雪茄", "烟", "45", "50", "", "", ""],  # member price above the price
]


def test_dry_run_lists_every_bad_row_and_ignored_column_and_writes_nothing(
    store, owner, db_path, tmp_path, capsys
):
    sheet = write_csv(tmp_path / "goods.csv", SHEET)
    code = main(["--db", str(db_path), "items", "import", str(sheet), "--dry-run"])
    out = capsys.readouterr().out.splitlines()
    assert code == 3
    assert out == [
        "  第 2 行 [条形码]：条码 6901234567892 与第 5 行重复",
        "  第 3 行 [条形码]：条码 6901234567891 校验位不对（EAN / UPC），请重新扫描或输入",
        "  第 4 行 [商品名称]：请填写商品名称",
        "  第 5 行 [条形码]：条码 6901234567892 与第 2 行重复",
        "  第 8 行 [零售价]：零售价“两元”不是以元为单位的金额（例如 350.00）",
        "  第 9 行 [会员价]：会员价 ¥50.00 高于售价 ¥45.00",
        "  已忽略：无法识别“规格”列，已忽略",
        "共 8 行：可导入 2 行，有问题 6 行（试运行，未写入任何数据）",
    ]
    assert items(db_path) == []
    code = main(["--db", str(db_path), "--lang", "en", "items", "import", str(sheet), "--dry-run"])  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert code == 3 and out[2] == "  row 4 [商品名称]: the item's name is required"


def test_import_writes_the_good_rows_then_the_same_file_again_writes_nothing(
    store, owner, db_path, tmp_path, capsys
):
    sheet = write_csv(tmp_path / "goods.csv", SHEET)
    assert main(["--db", str(db_path), "items", "import", str(sheet)]) == 3  # the bad rows are said
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "共 8 行：可导入 2 行，有问题 6 行，已写入 2 行"
    assert items(db_path) == [
        ("96385074", "毛巾", "日用", 1290, None, 0, 1, 1, "96385074"),
        ("Y001", "香烟", "烟", 4500, None, 1, 0, 1, None),
    ]
    with store.read() as s:
        audits = s.scalars(select(AuditEntry).where(AuditEntry.action == "items.import")).all()
        created = s.scalar(select(func.count()).where(OutboxEvent.kind == "item.created"))
    assert [(a.staff_name, a.detail["written"]) for a in audits] == [("老板", 2)] and created == 2
    # Running it again: nothing new, each good row said to be here already; exit 3 (the bad rows).
    assert main(["--db", str(db_path), "items", "import", str(sheet)]) == 3
    out = capsys.readouterr().out.splitlines()
    assert "  第 6 行：已存在：毛巾（96385074）内容相同，无需更改" in out
    assert out[-1] == "共 8 行：可导入 2 行，有问题 6 行，已写入 0 行"
    with store.read() as s:
        assert s.scalar(select(func.count()).where(OutboxEvent.kind.like("item.%"))) == 2
    # A file of only good rows, all here already: exit 4 and the reason.
    good = write_csv(tmp_path / "good.csv", [SHEET[0], SHEET[5], SHEET[6]])
    assert main(["--db", str(db_path), "items", "import", str(good)]) == 4
    err = capsys.readouterr().err.strip()
    assert err == "没有可写入的内容：共 2 行，0 行有问题，2 行与现有商品相同（上面逐行列出）"
    assert run_checks(store).ok


def test_codes_the_till_reads_another_way_are_warned_about_and_imported(
    store, owner, db_path, tmp_path, capsys
):
    """A code the till's box reads as a price (the editor's question), or four digits that
    end members' phones (the box then asks which is meant), is said row by row; the rows
    are not refused."""
    issue_card(store, owner, MemberForm(name="李四", phone="13800005678"))
    issue_card(store, owner, MemberForm(name="王五", phone="13900005678"))
    create_item(store, owner, ItemForm(name="旧面包", price=500, code="B1", barcodes=("12.5",)),
                price_codes_ok=True)  # fmt: skip
    sheet = write_csv(tmp_path / "bakery.csv", [
        ["编码", "条形码", "名称", "售价"],
        ["101", "", "法棍", "8"],  # read as ¥101.00
        ["5678", "", "蛋糕", "28"],  # the last four of two members' phones
        ["4321", "", "面包", "5"],  # four digits nobody's phone ends in: nothing to say
        ["B2", "9.9", "小圆包", "2"],  # a barcode read as ¥9.90
        ["B1", "12.5", "旧面包", "6"],  # already its barcode: the editor asked then
        ["", "", "", "1"],  # a bad row is refused, as ever
    ])  # fmt: skip
    assert main(["--db", str(db_path), "items", "import", str(sheet), "--dry-run"]) == 3
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "  第 7 行 [名称]：请填写商品名称",
        "  第 7 行 [编码]：请填写商品编码或条码",
        "  第 2 行 [编码]，提示：在收银台输入 101 将加入这件商品，而不是按 ¥101.00 收款；"
        "要按 ¥101.00 收款，收银员需输入 101.。此行照常导入",
        "  第 3 行 [编码]，提示：收银台也把 5678 读作手机尾号，目前有 2 位会员的手机尾号是 "
        "5678：在收银台输入 5678 时会询问要这件商品还是会员。此行照常导入",
        "  第 5 行 [条形码]，提示：在收银台输入 9.9 将加入这件商品，而不是按 ¥9.90 收款；"
        "要按 ¥9.90 收款，收银员需输入 ¥9.9。此行照常导入",
        "共 6 行：可导入 5 行，有问题 1 行（试运行，未写入任何数据）",
    ]
    assert main(["--db", str(db_path), "items", "import", str(sheet)]) == 3
    out = capsys.readouterr().out.splitlines()
    assert len([line for line in out if "提示" in line]) == 3
    assert [i[0] for i in items(db_path)] == ["101", "4321", "5678", "B1", "B2"]
    report = import_items(store, owner, sheet, dry_run=True)  # all here now: nothing to say
    assert report.warnings == []


def test_a_changed_row_updates_the_item_and_blank_cells_keep_what_it_has(store, owner, tmp_path):
    create_item(store, owner, ItemForm(name="可乐", price=300, code="A001", barcodes=("6901234567892",),
                                       category="饮料", member_price=280, earns_points=False))  # fmt: skip
    sheet = write_csv(tmp_path / "price.csv", [
        ["编码", "名称", "售价", "状态"],
        ["A001", "可口可乐", "3.80", ""],
        ["A002", "雪碧", "3.50", "停用"],
    ])  # fmt: skip
    report = import_items(store, owner, sheet, dry_run=False)
    assert (report.new, report.updates, report.written, report.problems) == (1, 1, 2, [])
    assert items(store.path) == [
        ("A001", "可口可乐", "饮料", 380, 280, 0, 0, 1, "6901234567892"),  # price and name only
        ("A002", "雪碧", "", 350, None, 0, 1, 0, None),  # imported deactivated
    ]
    with store.read() as s:
        kinds = s.execute(select(OutboxEvent.kind, OutboxEvent.payload["change"]["via"].as_string())
                          .where(OutboxEvent.kind.like("item.%"))).all()  # fmt: skip
    assert [tuple(k) for k in kinds] == [("item.created", "editor"), ("item.edited", "import"),
                                         ("item.created", "import")]  # fmt: skip


def test_a_row_without_a_code_finds_its_item_by_barcode(store, owner, tmp_path):
    create_item(store, owner, ItemForm(name="毛巾", price=1290, code="B01", barcodes=("96385074",)))
    sheet = write_csv(tmp_path / "b.csv", [["条码", "名称", "售价"], ["96385074", "毛巾", "13.90"]])
    report = import_items(store, owner, sheet, dry_run=False)
    assert (report.new, report.updates) == (0, 1)
    assert items(store.path) == [("B01", "毛巾", "", 1390, None, 0, 1, 1, "96385074")]


def test_a_barcode_another_item_holds_is_refused_with_its_holder(store, owner, tmp_path):
    create_item(store, owner, ItemForm(name="毛巾", price=1290, code="B01", barcodes=("96385074",)))
    sheet = write_csv(tmp_path / "b.csv", [["编码", "条码", "名称", "售价"],
                                            ["C01", "96385074", "浴巾", "29"]])  # fmt: skip
    report = import_items(store, owner, sheet, dry_run=True)
    assert [(p.row, p.message("en")) for p in report.problems] == [
        (2, "barcode 96385074 already belongs to 毛巾 (B01)")
    ]


@pytest.mark.parametrize("encoding", ["gb18030", "big5", "utf-16", "utf-8"])
def test_the_encodings_a_shops_excel_saves(store, owner, tmp_path, encoding):
    traditional = encoding == "big5"
    header = ["編碼", "名稱", "分類", "售價", "會員價"] if traditional else ["编码", "名称", "分类", "售价", "会员价"]  # fmt: skip
    name, category = ("雞蛋", "生鮮") if traditional else ("鸡蛋", "生鲜")
    sheet = write_csv(tmp_path / "e.csv", [header, ["E01", name, category, "1.20", "1.00"]],
                      encoding=encoding)  # fmt: skip
    report = import_items(store, owner, sheet, dry_run=False)
    assert report.problems == [] and report.written == 1
    assert items(store.path) == [("E01", name, category, 120, 100, 0, 1, 1, None)]


def test_an_import_that_writes_needs_a_managers_pin(store, owner, cashier, db_path, tmp_path,
                                                    capsys, monkeypatch):  # fmt: skip
    sheet = write_csv(tmp_path / "g.csv", [["编码", "名称", "售价"], ["A1", "可乐", "3"]])
    monkeypatch.delenv("MEMBERDESK_STAFF")
    monkeypatch.delenv("MEMBERDESK_PIN")
    assert main(["--db", str(db_path), "items", "import", str(sheet)]) == 2
    assert "修改商品资料" in capsys.readouterr().err
    assert main(["--db", str(db_path), "items", "import", str(sheet), "--dry-run"]) == 0
    monkeypatch.setenv("MEMBERDESK_PIN", "1111")
    assert main(["--db", str(db_path), "items", "import", str(sheet), "--staff", "收银员"]) == 2
    assert items(db_path) == []


def test_export_escapes_formulas_and_reads_back_in_any_language(store, owner, db_path, tmp_path,
                                                                capsys):  # fmt: skip
    create_item(store, owner, ItemForm(name="=HYPERLINK(\"http://x\")", price=100, code="F1",
                                       barcodes=("96385074", "6901234567892"), category="-杂项",
                                       member_price=90, no_discount=True))  # fmt: skip
    create_item(store, owner, ItemForm(name="可乐", price=350, code="A1", earns_points=False))
    target = tmp_path / "items.csv"
    assert main(["--db", str(db_path), "items", "export", str(target)]) == 0
    assert capsys.readouterr().out.strip() == f"已导出 2 个商品到 {target}"
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines == [
        "编码,条码,名称,分类,售价,会员价,不打折,积分,状态",
        "A1,,可乐,,3.50,,否,否,启用",
        'F1,"6901234567892, 96385074","\'=HYPERLINK(""http://x"")",\'-杂项,1.00,0.90,是,是,启用',
    ]
    xlsx = tmp_path / "items.xlsx"
    assert export_items(store, xlsx, lang="en") == 2
    sheet = load_workbook(xlsx, read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Item code", "Barcodes", "Item name", "Category", "Price", "Member price",
                       "No discount", "Earns points", "State"]  # fmt: skip
    # in the .xlsx a text cell, shown as typed and never run (the .csv carries the apostrophe)
    assert rows[2][2] == '=HYPERLINK("http://x")' and rows[2][3] == "-杂项"
    assert rows[2][4] == 1 and rows[2][5] == 0.9
    cell = load_workbook(xlsx).active.cell(3, 3)
    assert cell.data_type == "s" and cell.number_format == "@"
    for exported in (target, xlsx):  # read back: every item is here already, as it is
        report = import_items(store, owner, exported, dry_run=True)
        assert (report.new, report.updates, report.problems, len(report.skipped)) == (0, 0, [], 2)
    with store.read() as s:
        assert s.scalar(select(Item.name).where(Item.code == "F1")) == '=HYPERLINK("http://x")'


def test_an_exported_catalogue_rebuilds_it_in_another_shop(store, owner, tmp_path):
    from memberdesk.core.shop.details import configure_shop
    from memberdesk.core.store.database import Store

    create_item(store, owner, ItemForm(name="毛巾", price=1290, code="B01", barcodes=("96385074",),
                                       category="日用", member_price=1190))  # fmt: skip
    export_items(store, tmp_path / "x.xlsx")
    with Store(tmp_path / "other" / "shop.sqlite", clock=store.clock) as other:
        configure_shop(other, name="二号店", store_code="S002")
        report = import_items(other, owner, tmp_path / "x.xlsx", dry_run=False)
        assert report.written == 1
    assert items(tmp_path / "other" / "shop.sqlite") == items(store.path)


def test_file_problems_are_one_clear_line(store, owner, db_path, tmp_path, capsys):
    members_sheet = write_xlsx(tmp_path / "m.xlsx", [["姓名", "手机"], ["张三", "13800000001"]])
    assert main(["--db", str(db_path), "items", "import", str(members_sheet), "--dry-run"]) == 2
    assert capsys.readouterr().err.strip() == "文件里没有商品名称列（名称 / 商品名称 / name）"
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    assert (
        main(["--db", str(db_path), "items", "import", str(tmp_path / "x.pdf"), "--dry-run"]) == 2
    )
    assert "只支持 .csv 和 .xlsx" in capsys.readouterr().err
