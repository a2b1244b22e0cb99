"""The files a shop owner hands the member import, as they really come: every encoding a
Chinese Excel or an old POS saves a CSV in, a binary file or a workbook renamed .csv, a
quote left open, a file too large, an XLSX "bomb" and one declaring XML entities. Each is
read right or refused with one sentence naming the file and what to do — never an
internal error, never a merged row, never a member written from a refused file."""

from __future__ import annotations

import codecs
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from memberdesk.cli import main
from memberdesk.core.errors import DomainError
from memberdesk.core.members import sheet_files
from memberdesk.core.members.import_export import import_members
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member

HEADER = "会员姓名,手机号码,备注\r\n"
ROWS = "陈大文,13900001111,喜欢宽松款\r\n林美丽,13900002222,尺码 L\r\n"


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))


def members(store: Store) -> list[str]:
    with store.read() as s:
        return sorted(s.scalars(select(Member.name)))


def count(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(Member))


def refusal(store: Store, owner: Actor, path: Path) -> str:
    with pytest.raises(DomainError) as refused:
        import_members(store, owner, path, dry_run=False)
    assert count(store) == 0
    return refused.value.message("en")


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("UTF-8", (HEADER + ROWS).encode("utf-8")),
        ("UTF-8 with BOM", codecs.BOM_UTF8 + (HEADER + ROWS).encode("utf-8")),
        ("GB18030", (HEADER + ROWS).encode("gb18030")),
        ("GB18030 with BOM", ("\ufeff" + HEADER + ROWS).encode("gb18030")),
        ("UTF-16 LE", (HEADER + ROWS).encode("utf-16")),  # Python writes the BOM, LE here
        ("UTF-16 BE", codecs.BOM_UTF16_BE + (HEADER + ROWS).encode("utf-16-be")),
        # "Unicode text" of some old systems and converters: UTF-16 with no BOM at all
        ("UTF-16 LE without BOM", (HEADER + ROWS).encode("utf-16-le")),
        ("UTF-16 BE without BOM", (HEADER + ROWS).encode("utf-16-be")),
        ("UTF-16 LE without BOM, tabs", (HEADER + ROWS).replace(",", "\t").encode("utf-16-le")),
        # 一 is U+4E00: a NUL on the other side of its pair
        (
            "UTF-16 LE without BOM, 一",
            (HEADER + ROWS.replace("喜欢宽松款", "一" * 20)).encode("utf-16-le"),
        ),
        (
            "Big5",
            "會員姓名,手機號碼,備註\r\n陳大文,13900001111,喜歡寬鬆款\r\n林美麗,13900002222,\r\n".encode(
                "big5"
            ),
        ),
    ],
)
def test_every_encoding_a_shop_saves_a_csv_in(
    store: Store, owner: Actor, tmp_path: Path, encoding: str, data: bytes
) -> None:
    sheet = tmp_path / "old.csv"
    sheet.write_bytes(data)
    report = import_members(store, owner, sheet, dry_run=False)
    assert report.problems == [] and report.written == 2, encoding
    assert members(store) in (["林美丽", "陈大文"], ["林美麗", "陳大文"])


def test_a_big5_sheet_with_english_headers_still_reads_its_names(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    sheet = tmp_path / "tw.csv"
    sheet.write_bytes("Name,Mobile,Notes\r\n陳大文,13900001111,會員\r\n林美麗,13900002222,\r\n".encode("big5"))  # fmt: skip
    assert import_members(store, owner, sheet, dry_run=False).written == 2
    assert members(store) == ["林美麗", "陳大文"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
         "{path} is not a text (CSV) file; save the sheet from Excel as “CSV UTF-8” or as .xlsx"),
        # 16-bit numbers, as a data file holds them: NULs every other byte, yet no text
        (b"".join(n.to_bytes(2, "little") for n in range(1, 3000)),
         "{path} is not a text (CSV) file; save the sheet from Excel as “CSV UTF-8” or as .xlsx"),
        (b"PK\x03\x04" + bytes(200),
         "{path} is an Excel workbook saved under a .csv name; rename it to .xlsx and import again"),
        (b"\xc8\xfd,\x80\x80\x80\xff\xff\r\n" * 20,
         "cannot tell the text encoding of {path}: it is not UTF-8, UTF-16, GB18030 or Big5; save "
         "it from Excel as “CSV UTF-8”"),
    ],
)  # fmt: skip
def test_a_file_that_is_no_csv_says_what_it_is(
    store: Store, owner: Actor, tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes,
    message: str,
) -> None:  # fmt: skip
    sheet = tmp_path / "members.csv"
    sheet.write_bytes(data)
    db = str(store.path)
    store.close()
    code = main(["--db", db, "--lang", "en", "import", "members", str(sheet), "--dry-run"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.strip() == message.format(path=sheet)


def test_an_unclosed_quote_stops_the_file_at_its_row(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    sheet = tmp_path / "quote.csv"
    sheet.write_text(
        '姓名,手机号,备注\n张三,13800138000,"喜欢宽松款\n李四,13900139000,"VIP"\n王五,13700137000,\n',
        encoding="utf-8",
    )
    assert refusal(store, owner, sheet) == (
        f'cannot read {sheet} past row 2: the quote (") opened on line 2 of the file is not '
        "closed where its cell ends, so the rows after it would run together. Nothing was "
        "imported: close the quote and import again"
    )


def test_a_quote_that_ran_two_rows_together_is_that_rows_problem(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    """Closed at the end of the next line, the quote swallows a whole row without any
    error from the CSV reader: the row is reported, not imported as 张三 with a phone
    "13800138000\\n李四,13900139000,"."""
    sheet = tmp_path / "merged.csv"
    sheet.write_text(
        '姓名,手机号,备注\n张三,"13800138000\n李四,13900139000,"\n王五,13700137000,"两行\n备注"\n',
        encoding="utf-8",
    )
    report = import_members(store, owner, sheet, dry_run=False)
    assert [(p.row, p.message("en")) for p in report.problems if p.code == "import.unclosed_quote"] == [
        (2, "a quote (\") left open ran lines 2–3 of the file together into this row; close the "
            "quote and import again"),
    ]  # fmt: skip
    assert members(store) == ["王五"]  # a note may still hold an ordinary line break
    with store.read() as s:
        assert s.scalar(select(Member.notes)) == "两行\n备注"


def test_a_file_past_the_limits_is_refused_before_anything_is_written(
    store: Store, owner: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = tmp_path / "long.csv"
    sheet.write_text("姓名,手机号\n" + "".join(f"顾客{n},1380000{n:04d}\n" for n in range(101)),
                     encoding="utf-8")  # fmt: skip
    monkeypatch.setattr(sheet_files, "MAX_ROWS", 101)
    assert import_members(store, owner, sheet, dry_run=True).total == 101
    monkeypatch.setattr(sheet_files, "MAX_ROWS", 100)  # one row more than that: refused
    assert refusal(store, owner, sheet) == (
        f"{sheet} has more than 100 rows; an import reads at most that many: split the file. "
        "Nothing was imported"
    )
    monkeypatch.setattr(sheet_files, "MAX_FILE_BYTES", 1000)
    assert refusal(store, owner, sheet) == (
        f"{sheet} is {sheet_files.size_text(sheet.stat().st_size)}; an import reads at most "
        "1000 B (about 100 rows): split the file"
    )


def xlsx_with(path: Path, parts: dict[str, bytes]) -> Path:
    """A real workbook (openpyxl) whose named parts are replaced by `parts`."""
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "手机号"])
    ws.append(["张三", "13800138000"])
    plain = io.BytesIO()
    wb.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, parts.pop(info.filename, src.read(info.filename)))
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def test_an_xlsx_bomb_is_refused_from_the_zip_directory(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    """A few hundred KB that would unpack to far more than any member sheet (openpyxl
    would have read it whole into memory)."""
    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main">' + b"<si><t>a</t></si>" * 4_000_000 + b"</sst>"
    )
    sheet = xlsx_with(tmp_path / "bomb.xlsx", {"xl/sharedStrings.xml": strings})
    assert sheet.stat().st_size < 1_000_000
    message = refusal(store, owner, sheet)
    assert message.startswith(f"{sheet} would unpack from ")
    assert "far more than a member sheet holds; it is refused" in message


def test_an_xlsx_declaring_xml_entities_is_refused(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>&b;</t></si></sst>"
    )
    sheet = xlsx_with(tmp_path / "laughs.xlsx", {"xl/sharedStrings.xml": laughs})
    assert refusal(store, owner, sheet) == (
        f"{sheet} declares XML entities (in xl/sharedStrings.xml), which Excel never writes; it "
        "is refused as unsafe. Save a fresh copy from Excel"
    )


def test_a_damaged_xlsx_is_said_to_be_damaged(store: Store, owner: Actor, tmp_path: Path) -> None:
    sheet = xlsx_with(tmp_path / "cut.xlsx", {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row"})  # fmt: skip
    assert refusal(store, owner, sheet) == (
        f"cannot read {sheet}: the file is damaged or not what its name says"
    )


def test_a_csv_renamed_xlsx_is_said_to_be_no_excel_file_in_the_owners_words(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    sheet = tmp_path / "会员.xlsx"
    sheet.write_text("姓名,手机\n张三,13800138000\n", encoding="utf-8")
    with pytest.raises(DomainError) as e:
        import_members(store, owner, sheet, dry_run=True)
    assert e.value.message("zh_CN") == f"无法读取 {sheet}：文件已损坏，或不是扩展名所示的格式"


def test_a_hidden_sheet_before_the_members_is_not_the_one_read(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    """Excel shows the first visible sheet; a hidden one before it (a list of values for a
    drop-down) is not the member list."""
    wb = Workbook()
    values = wb.active
    values.title = "下拉选项"
    values.append(["等级"])
    values.append(["金卡"])
    values.sheet_state = "hidden"
    sheet = wb.create_sheet("会员")
    sheet.append(["姓名", "手机号"])
    sheet.append(["陈大文", "13900001111"])
    wb.active = 1
    wb.save(tmp_path / "hidden.xlsx")
    report = import_members(store, owner, tmp_path / "hidden.xlsx", dry_run=False)
    assert report.problems == [] and report.written == 1
    assert members(store) == ["陈大文"]


def test_cells_as_excel_and_old_systems_leave_them(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    """A phone kept as text with a leading apostrophe (in a CSV) or stored as a number
    with a decimal point, a card with an apostrophe, and a birthday cell Excel shows as
    its day count (the column formatted 常规) all read as the person meant them."""
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "手机号", "卡号", "生日", "入会日期"])
    ws.append(["陈大文", 13900001111.0, "'8001000000012", 32937, 45356])
    ws.append(["林美丽", "'139 0000 2222", None, "1990年3月5日", None])
    wb.save(tmp_path / "cells.xlsx")
    report = import_members(store, owner, tmp_path / "cells.xlsx", dry_run=False)
    assert [(p.row, p.message("en")) for p in report.problems] == []
    with store.read() as s:
        got = {
            m.name: (m.phone, m.card_no, m.birthday, m.joined_at) for m in s.scalars(select(Member))
        }
    assert got["陈大文"][:3] == ("13900001111", "8001000000012", date(1990, 3, 5))
    assert got["陈大文"][3] == datetime(2024, 3, 4, 16, 0)  # 2024-03-05 in Shanghai, in UTC
    assert got["林美丽"][0] == "13900002222" and got["林美丽"][2] == date(1990, 3, 5)


def test_a_date_column_excel_saved_as_its_day_count_into_a_csv_reads_as_the_date(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    """A sheet whose 生日 / 入会日期 columns were formatted 常规, saved by Excel as CSV,
    holds 32937 and 45356.5: read as the dates they are, as the same cells of an xlsx are."""
    path = tmp_path / "serials.csv"
    path.write_text("姓名,手机号,生日,入会日期\n陈大文,13900001111,32937,45356.5\n", encoding="gbk")
    report = import_members(store, owner, path, dry_run=False)
    assert [(p.row, p.message("en")) for p in report.problems] == []
    with store.read() as s:
        m = s.scalar(select(Member))
    assert (m.name, m.birthday) == ("陈大文", date(1990, 3, 5))
    assert m.joined_at == datetime(2024, 3, 4, 16, 0)  # 2024-03-05 in Shanghai, in UTC


def test_gender_as_old_systems_write_it(store: Store, owner: Actor, tmp_path: Path) -> None:
    """Old member systems head their 性别 column with how they address a member: 先生 / 男士
    are men, 女士 / 小姐 women; a word that says neither is still refused."""
    path = tmp_path / "genders.csv"
    path.write_text("姓名,手机号,性别\n甲,13900001111,先生\n乙,13900002222,女士\n"
                    "丙,13900003333,男士\n丁,13900004444,小姐\n戊,13900005555,老师\n",
                    encoding="utf-8")  # fmt: skip
    report = import_members(store, owner, path, dry_run=False)
    assert [(p.row, p.message("zh_CN")) for p in report.problems] == [
        (6, "性别只能是 男、女 或 未知")
    ]
    with store.read() as s:
        got = dict(s.execute(select(Member.name, Member.gender)).all())
    assert got == {"甲": "M", "乙": "F", "丙": "M", "丁": "F"}


def test_a_year_typed_as_a_number_is_not_taken_for_a_day_count(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    """1990 in a birthday cell is a year someone typed, not Excel's day 1990 (1905-06-12)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "手机号", "生日"])
    ws.append(["陈大文", "13900001111", 1990])
    wb.save(tmp_path / "years.xlsx")
    report = import_members(store, owner, tmp_path / "years.xlsx", dry_run=True)
    assert [(p.row, p.message("zh_CN")) for p in report.problems] == [
        (2, "生日“1990”无法识别（例如 1990-05-20，或 农历1990-04-26）")
    ]
    assert count(store) == 0


def test_a_phone_excel_wrote_in_scientific_notation_is_said_to_have_lost_its_digits(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    sheet = tmp_path / "members.csv"
    sheet.write_text("姓名,手机号\n周星,1.38123E+10\n吴敏,13800138000\n", encoding="utf-8")
    report = import_members(store, owner, sheet, dry_run=True)
    assert [(p.row, p.message("zh_CN")) for p in report.problems] == [
        (2, "手机号 1.38123E+10 被 Excel 存成了科学计数法，后几位数字已经丢失：请在 Excel 中"
            "把这一列设为文本格式，再重新输入号码"),
    ]  # fmt: skip
    assert count(store) == 0  # a dry run writes nothing
