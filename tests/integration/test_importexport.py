"""Importing a shop's old member sheet and exporting members, on real SQLite files.

Fixture sheets are written by the tests themselves (csv / openpyxl), the way a shop's
Excel would have them: Chinese or English headers, phone numbers as numbers, date cells.
What is asserted is what a shop owner reads: the row number, the column, the reason,
and that a dry run (or an import of nothing but bad rows) leaves every table as it was.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, select, text, update

from memberdesk.cli import main
from memberdesk.core.check.checks import run_checks
from memberdesk.core.clock import FixedClock
from memberdesk.core.errors import DomainError
from memberdesk.core.members.import_export import (
    EXPORT_HEADERS,
    ImportReport,
    export_members,
    import_members,
)
from memberdesk.core.members.lookup import find_members
from memberdesk.core.members.member import LunarDate, MemberForm, cancel, issue_card
from memberdesk.core.shop.details import configure_shop, write_setting
from memberdesk.core.shop.staff import SYSTEM, Actor, add_staff
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import AuditEntry, Member, OutboxEvent, Staff

TABLES = ("members", "cards", "outbox", "audit_log", "member_search", "settings")


# ------------------------------------------------------------------ helpers


def write_sheet(path: Path, rows: list[list[Any]], *, encoding: str = "utf-8-sig") -> Path:
    """The first row is the header. .csv as Excel saves it; .xlsx with real cell types."""
    if path.suffix == ".csv":
        with path.open("w", encoding=encoding, newline="") as f:
            csv.writer(f).writerows(rows)
    else:
        wb = Workbook()
        ws = wb.active
        for row in rows:
            ws.append(row)
        wb.save(path)
    return path


def snapshot(store: Store) -> dict[str, Any]:
    with store.read() as s:
        counts = {t: s.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in TABLES}
        members = s.execute(text("SELECT * FROM members ORDER BY id")).all()
    return {"counts": counts, "members": members}


def member(store: Store, name: str) -> Member:
    with store.read() as s:
        found = s.scalar(select(Member).where(Member.name == name))
    assert found is not None, f"no member {name}"
    return found


def messages(report: ImportReport, lang: str = "zh") -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for p in report.problems:
        out.setdefault(p.row, []).append(p.message(lang))
    return out


def issue(store: Store, actor: Actor, name: str, phone: str, card: str, **kw: Any) -> str:
    return issue_card(store, actor, MemberForm(name=name, phone=phone, **kw), card_no=card).id


@pytest.fixture
def known(store: Store, owner: Actor) -> dict[str, str]:
    """Two members already at the till."""
    return {
        "张三": issue(store, owner, "张三", "13800138000", "A0000001"),
        "李四": issue(store, owner, "李四", "13900139000", "B0000002"),
    }


# ------------------------------------------------------------------ good sheets


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_chinese_headers_dry_run_writes_nothing_then_import_writes_every_field(
    store: Store, owner: Actor, tmp_path: Path, suffix: str
) -> None:
    sheet = write_sheet(tmp_path / f"会员{suffix}", [
        ["姓名", "手机号", "会员卡号", "性别", "出生日期", "导购", "备注", "入会日期", "同意营销"],
        ["张三", "138 0013 8000", "", "男", "1990-05-20", "老板", "喜欢宽松款", "2020-01-15", "是"],
        ["李四", "+86 139-0013-9000", "A100200", "女", "1988/7/9", "", "", "20190301", "否"],
    ])  # fmt: skip
    before = snapshot(store)

    dry = import_members(store, owner, sheet, dry_run=True)
    assert (dry.total, dry.good, dry.new, dry.updates, dry.written) == (2, 2, 2, 0, 0)
    assert dry.problems == [] and dry.bad_rows == []
    assert snapshot(store) == before

    report = import_members(store, owner, sheet, dry_run=False)
    assert (report.total, report.good, report.written) == (2, 2, 2)
    zhang, li = member(store, "张三"), member(store, "李四")
    assert (zhang.phone, zhang.gender, zhang.birthday) == ("13800138000", "M", date(1990, 5, 20))
    assert zhang.salesperson_id == owner.staff_id and zhang.notes == "喜欢宽松款"
    assert zhang.marketing_consent is True and zhang.card_no.startswith("88")
    assert zhang.joined_at == datetime(2020, 1, 14, 16, 0)  # 2020-01-15 00:00 in Shanghai
    assert (li.card_no, li.phone, li.gender, li.birthday) == ("A100200", "13900139000", "F", date(1988, 7, 9))  # fmt: skip
    assert li.marketing_consent is False and li.joined_at == datetime(2019, 2, 28, 16, 0)
    assert run_checks(store).ok
    with store.read() as s:
        kinds = s.scalars(select(OutboxEvent.kind)).all()
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "import.members")).all()
    assert kinds.count("member.issued") == 2
    assert {a.staff_name for a in audit} == {"老板"} and sum(
        a.detail["written"] for a in audit
    ) == 2


def test_english_headers_are_matched_forgivingly_and_excel_cells_are_read(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    sheet = write_sheet(tmp_path / "members.xlsx", [
        [" Name ", "ＭＯＢＩＬＥ", "Card_No.", "GENDER", "Birthday (solar)", "Consent", "Joined", "Remarks"],
        ["Amy Wu", 13800138000, 100200300, "F", datetime(1990, 5, 20), 1, datetime(2021, 6, 1), "VIP"],
        ["王芳", "13900139000", "C-77", "m", "1991年3月8日", "yes", "2021.6.2", None],
    ])  # fmt: skip
    report = import_members(store, owner, sheet, dry_run=False)
    assert messages(report) == {3: ["卡号 C-77 无效：只能是 6–20 位数字或字母"]}
    assert report.written == 1 and report.bad_rows == [3]
    amy = member(store, "Amy Wu")
    assert (amy.phone, amy.card_no, amy.gender) == ("13800138000", "100200300", "F")
    assert amy.birthday == date(1990, 5, 20) and amy.marketing_consent and amy.notes == "VIP"
    assert report.ignored_columns == []


def test_gbk_csv_from_chinese_excel_and_a_title_line_above_the_header(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    sheet = write_sheet(tmp_path / "old.csv", [
        ["悦己服饰会员名单（2019）"],
        ["会员姓名", "电话", "生日"],
        ["陈小红", "13700137000", "19850101"],
        ["", "13600136000", ""],
    ], encoding="gb18030")  # fmt: skip
    report = import_members(store, owner, sheet, dry_run=True)
    assert report.total == 2
    assert messages(report) == {4: ["请填写会员姓名"]}  # row numbers count the title line


def test_blank_rows_are_not_counted_but_keep_the_row_numbers(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    sheet = write_sheet(tmp_path / "gaps.xlsx", [
        ["姓名", "手机"], ["甲", "13700137000"], [None, None], ["乙", "123"], [], [" ", ""],
    ])  # fmt: skip
    report = import_members(store, owner, sheet, dry_run=True)
    assert report.total == 2 and report.bad_rows == [4]


# ------------------------------------------------------------------ bad rows


BAD_SHEET = [
    ["姓名", "手机", "卡号", "生日", "等级", "导购"],
    ["好人", "13700137000", "", "1990-01-01", "", "老板"],
    ["坏手机", "12345", "", "", "", ""],
    ["没这天", "", "", "1990-02-30", "", ""],
    ["未来人", "", "", "2030-01-01", "", ""],
    ["", "13600136000", "", "", "", ""],
    ["有等级", "", "", "", "至尊卡", ""],
    ["有导购", "", "", "", "", "王五"],
    ["重复甲", "13500135000", "", "", "", ""],
    ["重复乙", "135 0013 5000", "", "", "", ""],
    ["卡甲", "", "C0000011", "", "", ""],
    ["卡乙", "", "c0000011", "", "", ""],
    ["冒名", "13800138000", "D0000013", "", "", ""],
    ["撞号", "13900139000", "A0000001", "", "", ""],
]
BAD_REASONS = {
    3: ["手机号 12345 不是有效的中国大陆手机号"],
    4: ["生日 1990-02-30 不是有效日期"],
    5: ["生日 2030-01-01 在未来，请检查"],
    6: ["请填写会员姓名"],
    7: ["没有这个会员等级：至尊卡（现有：普通、银卡、金卡、钻石）"],
    8: ["找不到导购 王五，请先在员工管理中添加"],
    9: ["手机号 13500135000 与第 10 行重复"],
    10: ["手机号 13500135000 与第 9 行重复"],
    11: ["卡号 C0000011 与第 12 行重复"],
    12: ["卡号 C0000011 与第 11 行重复"],
    13: ["手机号 13800138000 属于会员 张三（卡号 A0000001），与本行卡号 D0000013 不一致"],
    14: ["该手机号已被会员 李四（卡号 B0000002）使用"],
}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_dry_run_names_every_bad_row_and_its_reason_and_writes_nothing(
    store: Store, owner: Actor, known: dict[str, str], tmp_path: Path, suffix: str
) -> None:
    sheet = write_sheet(tmp_path / f"bad{suffix}", BAD_SHEET)
    before = snapshot(store)

    report = import_members(store, owner, sheet, dry_run=True)

    assert messages(report) == BAD_REASONS
    assert report.bad_rows == list(range(3, 15))
    assert (report.total, report.good, report.new, report.written) == (13, 1, 1, 0)
    assert {p.row: p.field for p in report.problems}[3] == "手机"
    assert {p.row: p.field for p in report.problems}[6] == "姓名"
    assert snapshot(store) == before

    real = import_members(store, owner, sheet, dry_run=False)
    assert messages(real) == BAD_REASONS and real.written == 1
    after = snapshot(store)
    assert after["counts"]["members"] == before["counts"]["members"] + 1
    assert member(store, "好人").salesperson_id == owner.staff_id
    assert run_checks(store).ok


def test_english_reasons(store: Store, owner: Actor, known: dict[str, str], tmp_path: Path) -> None:
    report = import_members(store, owner, write_sheet(tmp_path / "bad.csv", BAD_SHEET), dry_run=True)  # fmt: skip
    english = messages(report, "en")
    assert english[4] == ["the birthday 1990-02-30 is not a valid date"]
    assert english[9] == ["phone 13500135000 repeats row 10"]
    assert english[7] == [
        "no such tier: 至尊卡 (known: 普通, 银卡, 金卡, 钻石)"
    ]  # the shop's names


def test_real_import_of_only_bad_rows_changes_nothing(
    store: Store, owner: Actor, known: dict[str, str], tmp_path: Path
) -> None:
    rows = [BAD_SHEET[0], *BAD_SHEET[2:]]
    before = snapshot(store)
    report = import_members(store, owner, write_sheet(tmp_path / "bad.xlsx", rows), dry_run=False)
    assert report.written == 0 and report.good == 0 and len(report.bad_rows) == 12
    assert snapshot(store) == before  # not even an audit row


def test_the_same_member_twice_in_a_file(
    store: Store, owner: Actor, known: dict[str, str], tmp_path: Path
) -> None:
    sheet = write_sheet(tmp_path / "twice.csv", [
        ["姓名", "手机", "卡号", "更新时间"],
        ["张三", "", "A0000001", "2026-03-01 10:30"],
        ["张三", "13800138000", "", "2026-03-01 10:40"],
    ])  # fmt: skip
    report = import_members(store, owner, sheet, dry_run=True)
    assert messages(report) == {
        2: ["与第 3 行是同一位会员 张三"],
        3: ["与第 2 行是同一位会员 张三"],
    }


def test_tiers_are_accepted_only_when_the_program_has_them(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    with store.write() as uow:
        write_setting(uow.session, "program.tier_codes", {"silver": "银卡", "gold": "金卡"})
    sheet = write_sheet(tmp_path / "tiers.csv", [
        ["姓名", "会员等级"], ["甲", "银卡"], ["乙", "GOLD"], ["丙", "钻石"],
    ])  # fmt: skip
    report = import_members(store, owner, sheet, dry_run=False)
    assert messages(report) == {4: ["没有这个会员等级：钻石（现有：银卡、金卡）"]}
    assert member(store, "甲").tier == "silver" and member(store, "乙").tier == "gold"


def test_a_balance_column_and_an_unknown_one(store: Store, owner: Actor, tmp_path: Path) -> None:
    """积分 and 储值余额 are opening balances now (tests/integration/test_import_balances.py);
    a column nobody knows is still named as ignored."""
    sheet = write_sheet(tmp_path / "balances.csv", [
        ["姓名", "积分", "储值余额（元）", "微信号"], ["甲", "1200", "350.00", "wx_1"],
    ])  # fmt: skip
    report = import_members(store, owner, sheet, dry_run=False)
    assert [e.message() for e in report.ignored_columns] == ["无法识别“微信号”列，已忽略"]
    jia = member(store, "甲")
    assert (jia.points, jia.wallet_principal, jia.wallet_bonus) == (1200, 35000, 0)
    assert run_checks(store).ok


# ------------------------------------------------------------------ members already here


def test_a_newer_row_updates_the_member_an_older_one_is_skipped(
    store: Store, owner: Actor, known: dict[str, str], clock: FixedClock, tmp_path: Path
) -> None:
    wang = issue(store, owner, "王五", "13700137000", "C0000003", notes="老顾客")
    clock.advance(days=2)  # now 2026-03-12 10:00 in Shanghai; the members date from 03-10 10:00
    sheet = write_sheet(tmp_path / "update.csv", [
        ["姓名", "手机", "卡号", "备注", "更新时间"],
        ["张三丰", "", "A0000001", "新备注", "2026-03-11 09:00:00"],
        ["李四四", "13900139000", "", "", "2026-03-01 08:00"],
        ["王五五", "13700137000", "", "", ""],
        ["新人", "13600136000", "", "", "2026-03-11"],
    ])  # fmt: skip
    before = snapshot(store)

    dry = import_members(store, owner, sheet, dry_run=True)
    assert dry.problems == [] and (dry.new, dry.updates, dry.good) == (1, 1, 4)
    assert [(s.row, s.member_name, s.message()) for s in dry.skipped] == [
        (3, "李四", "已跳过：本店会员 李四 的记录较新（2026-03-10 10:00:00 更新），保留本店记录"),
        (4, "王五", "已跳过：本行没有更新时间，无法判断新旧，保留本店会员 王五 的记录"),
    ]
    assert dry.skipped[0].message("en") == (
        "skipped: the store's record of 李四 is newer (updated 2026-03-10 10:00:00)"
    )
    assert snapshot(store) == before

    report = import_members(store, owner, sheet, dry_run=False)
    assert report.written == 2 and len(report.skipped) == 2
    zhang = member(store, "张三丰")
    assert zhang.id == known["张三"] and zhang.notes == "新备注" and zhang.version == 2
    assert zhang.phone == "13800138000"  # a blank cell keeps what the store has
    assert member(store, "李四").version == 1 and member(store, "王五").notes == "老顾客"
    assert member(store, "王五").id == wang
    assert [h.member_id for h in find_members(store, "张三丰").hits] == [zhang.id]
    with store.read() as s:
        edited = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "member.edited")).all()
    assert [e.payload["name"] for e in edited] == ["张三丰"]
    assert edited[0].payload["change"] == {"by": "老板", "via": "import"}
    assert run_checks(store).ok

    again = import_members(store, owner, sheet, dry_run=True)  # the store's copy is newer now
    assert again.updates == 0 and [s.row for s in again.skipped] == [2, 3, 4, 5]


# ------------------------------------------------------------------ lunar birthdays


def test_lunar_birthdays_by_prefix_flag_column_and_chinese_numerals(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    sheet = write_sheet(tmp_path / "lunar.csv", [
        ["姓名", "生日", "农历"],
        ["农历甲", "农历1990-04-26", ""],
        ["农历乙", "1985-08-15", "是"],
        ["闰月丙", "农历2001年闰4月10日", ""],
        ["汉字丁", "农历1990年四月廿六", ""],
        ["公历戊", "1990-05-20", "否"],
        ["坏闰己", "农历1990年闰4月1日", ""],
        ["坏月庚", "农历1990-13-01", ""],
        ["乱写辛", "去年夏天", ""],
    ])  # fmt: skip
    report = import_members(store, owner, sheet, dry_run=False)
    assert messages(report) == {
        7: ["农历 闰4 月 1 日不存在"],
        8: ["农历 13 月 1 日不存在"],
        9: ["生日“去年夏天”无法识别（例如 1990-05-20，或 农历1990-04-26）"],
    }
    jia = member(store, "农历甲")
    assert (jia.birthday_lunar, jia.lunar_month, jia.lunar_day, jia.lunar_leap) == (True, 4, 26, False)  # fmt: skip
    assert jia.birthday == date(1990, 5, 20)  # the solar date of birth
    yi = member(store, "农历乙")
    assert (yi.birthday_lunar, yi.lunar_month, yi.lunar_day) == (True, 8, 15)
    bing = member(store, "闰月丙")
    assert (bing.lunar_month, bing.lunar_day, bing.lunar_leap) == (4, 10, True)
    assert bing.birthday == date(2001, 6, 1)
    ding = member(store, "汉字丁")
    assert (ding.birthday, ding.lunar_month, ding.lunar_day) == (date(1990, 5, 20), 4, 26)
    wu = member(store, "公历戊")
    assert wu.birthday == date(1990, 5, 20) and not wu.birthday_lunar


def test_a_lunar_birthday_column_holding_the_date(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    sheet = write_sheet(tmp_path / "lunar.xlsx", [
        ["姓名", "生日", "农历生日"],
        ["甲", "1990-05-20", "1990-04-26"],
        ["乙", None, datetime(1990, 4, 26)],  # typed into a date cell
        ["丙", None, "1990-闰05-01"],
    ])  # fmt: skip
    report = import_members(store, owner, sheet, dry_run=False)
    assert report.problems == []
    for name in ("甲", "乙"):
        m = member(store, name)
        assert (m.birthday, m.birthday_lunar, m.lunar_month, m.lunar_day) == (date(1990, 5, 20), True, 4, 26)  # fmt: skip
    assert member(store, "丙").lunar_leap is True


# ------------------------------------------------------------------ referrers


def test_referrers_in_the_store_or_anywhere_in_the_same_file(
    store: Store, owner: Actor, known: dict[str, str], tmp_path: Path
) -> None:
    sheet = write_sheet(tmp_path / "refs.csv", [
        ["姓名", "手机", "卡号", "推荐人"],
        ["甲", "13700137001", "", "13700137002"],  # referred by the next row
        ["乙", "13700137002", "", ""],
        ["丙", "", "", "A0000001"],  # 张三's card
        ["丁", "", "", "13000000000"],
        ["戊", "", "", "E0000007"],
        ["", "", "E0000007", ""],  # the referrer's own row is bad
        ["己", "", "F0000008", "F0000009"],
        ["庚", "", "F0000009", "F0000008"],
    ])  # fmt: skip
    report = import_members(store, owner, sheet, dry_run=False)
    assert messages(report) == {
        5: ["找不到推荐人 13000000000"],
        6: ["推荐人 E0000007 在第 7 行，该行有问题未导入"],
        7: ["请填写会员姓名"],
        8: ["第 8、9 行互相推荐，无法导入"],
        9: ["第 8、9 行互相推荐，无法导入"],
    }
    assert member(store, "甲").referrer_id == member(store, "乙").id
    assert member(store, "丙").referrer_id == known["张三"]
    assert run_checks(store).ok


# ------------------------------------------------------------------ export


@pytest.fixture
def shop_members(store: Store, owner: Actor, manager: Actor) -> dict[str, str]:
    ids = {
        "张三": issue(store, owner, "张三", "13800138000", "A0000001", gender="M",
                      birthday=date(1990, 5, 20), salesperson_id=manager.staff_id,
                      marketing_consent=True, notes="=HYPERLINK(\"http://x\")"),
        "李四": issue(store, owner, "李四", "13900139000", "B0000002", gender="F",
                      lunar_birthday=LunarDate(2001, 4, 10, True)),
        "王五": issue(store, owner, "王五", "13700137000", "C0000003", referrer="A0000001"),
        "赵六": issue(store, owner, "赵六", "13600136000", "D0000004"),
    }  # fmt: skip
    cancel(store, owner, ids["赵六"], "搬家")
    ids["钱七"] = issue(store, owner, "钱七", "13600136000", "E0000005")  # 赵六's old number
    return ids


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("full_phone", [False, True])
def test_export_then_import_dry_run_finds_every_member_already_here(
    store: Store, manager: Actor, shop_members: dict[str, str], tmp_path: Path, suffix: str,
    full_phone: bool,
) -> None:  # fmt: skip
    path = tmp_path / f"export{suffix}"
    assert export_members(store, manager, path, full_phone=full_phone) == 5

    report = import_members(store, manager, path, dry_run=True)

    assert report.problems == [] and (report.total, report.new, report.updates) == (5, 0, 0)
    assert [s.reason.code for s in report.skipped] == ["import.skip_same"] * 5
    assert {s.member_name for s in report.skipped} == set(shop_members)
    # the balance columns are read, and agree with the members' own: nothing to say
    assert report.balances_kept == [] and report.openings == []
    assert {e.code for e in report.ignored_columns} == {"import.column_ignored"}


def test_exported_file_rebuilds_the_members_in_another_shop(
    store: Store, owner: Actor, manager: Actor, shop_members: dict[str, str], clock: FixedClock,
    tmp_path: Path,
) -> None:  # fmt: skip
    path = tmp_path / "all.csv"
    export_members(store, owner, path, full_phone=True)
    other = Store(tmp_path / "other" / "memberdesk.sqlite", clock=clock)
    try:
        configure_shop(other, name="分店")
        boss = add_staff(other, SYSTEM, "老板", "owner", "8888")
        add_staff(other, Actor(boss.id, boss.name, boss.role), "店长", "manager", "6666")
        report = import_members(other, SYSTEM, path, dry_run=False)
        assert messages(report) == {5: ["状态为“注销”的新会员不能导入，请导入后在系统中办理"]}
        assert report.written == 4
        with store.read() as s, other.read() as o:
            columns = (Member.card_no, Member.name, Member.phone, Member.gender, Member.birthday,
                       Member.birthday_lunar, Member.lunar_month, Member.lunar_day,
                       Member.lunar_leap, Member.marketing_consent, Member.notes, Staff.name)  # fmt: skip
            q = (select(*columns).outerjoin(Staff, Staff.id == Member.salesperson_id)
                 .where(Member.status == "active").order_by(Member.card_no))  # fmt: skip
            assert o.execute(q).all() == s.execute(q).all()
            ref = o.scalar(select(Member.referrer_id).where(Member.name == "王五"))
            assert ref == o.scalar(select(Member.id).where(Member.card_no == "A0000001"))
        assert run_checks(other).ok
    finally:
        other.close()


def test_export_csv_opens_in_excel_with_masked_phones_and_yuan(
    store: Store, owner: Actor, shop_members: dict[str, str], tmp_path: Path
) -> None:
    with store.write() as uow:  # a balance as the loyalty module would leave it cached
        uow.session.execute(update(Member).where(Member.name == "张三").values(wallet_principal=1234, points=88))  # fmt: skip
    path = tmp_path / "masked.csv"
    export_members(store, owner, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8 Chinese
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == EXPORT_HEADERS
    zhang = next(r for r in rows if r["姓名"] == "张三")
    assert (
        zhang["手机号"] == "138****8000" and zhang["储值本金"] == "12.34" and zhang["积分"] == "88"
    )
    assert zhang["导购"] == "店长" and zhang["同意营销"] == "是" and zhang["生日"] == "1990-05-20"
    assert zhang["备注"] == '\'=HYPERLINK("http://x")'  # never a live formula in Excel
    assert zhang["更新时间"] == "2026-03-10 10:00:00"
    li = next(r for r in rows if r["姓名"] == "李四")
    assert li["农历生日"] == "2001-闰04-10" and li["生日"] == "2001-06-01"
    assert next(r for r in rows if r["姓名"] == "王五")["推荐人"] == "A0000001"
    assert next(r for r in rows if r["姓名"] == "赵六")["状态"] == "注销"
    with store.read() as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "export.full_phone")) is None


def test_export_xlsx_keeps_numbers_as_text_and_money_as_numbers(
    store: Store, owner: Actor, shop_members: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "members.xlsx"
    export_members(store, owner, path, full_phone=True)
    ws = load_workbook(path).worksheets[0]
    header = [c.value for c in ws[1]]
    assert tuple(header) == EXPORT_HEADERS
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert row["手机号"].value == "13800138000" and row["卡号"].data_type == "s"
    assert row["储值本金"].value == 0 and row["储值本金"].number_format == "0.00"
    assert row["备注"].data_type == "s"  # not a formula


def test_an_xlsx_export_shows_a_note_starting_with_equals_as_typed_and_reads_back(
    store: Store, owner: Actor, clock: FixedClock, tmp_path: Path
) -> None:
    """A note such as =少糖 or -去冰, or a name such as @小美, was written into the .xlsx as
    '=少糖: Excel showed the apostrophe as part of the note. In an .xlsx the cell is typed
    as text, which Excel never runs as a formula and shows as it was typed; the .csv keeps
    the apostrophe (its known defence), and both read back unchanged into another shop."""
    typed = {
        "@小美": '=HYPERLINK("http://x","点我")',
        "孙八": "-去冰 少糖",
        "周九": "+86 微信同号",
        "吴十": "@前台 留言",
    }
    for n, (name, notes) in enumerate(typed.items()):
        issue(store, owner, name, f"1350013500{n}", f"F000000{n}", notes=notes)
    path = tmp_path / "members.xlsx"
    export_members(store, owner, path, full_phone=True)

    ws = load_workbook(path).worksheets[0]
    header = [c.value for c in ws[1]]
    rows = [{h: c for h, c in zip(header, r, strict=True)} for r in ws.iter_rows(min_row=2)]
    shown = {r["姓名"].value: r["备注"].value for r in rows}
    assert shown == typed  # no apostrophe in front
    for r in rows:
        for cell in (r["姓名"], r["备注"]):
            assert cell.data_type == "s", cell.value  # text: never a formula
        assert r["备注"].number_format == "@"  # and stays text when edited in Excel
    raw = tmp_path / "members.csv"
    export_members(store, owner, raw, full_phone=True)
    kept = {r["姓名"]: r["备注"] for r in csv.DictReader(raw.read_text("utf-8-sig").splitlines())}
    assert kept["'@小美"] == "'" + typed["@小美"] and kept["孙八"] == "'-去冰 少糖"

    for sheet in (path, raw):
        other = Store(tmp_path / sheet.suffix[1:] / "memberdesk.sqlite", clock=clock)
        try:
            configure_shop(other, name="分店")
            report = import_members(other, SYSTEM, sheet, dry_run=False)
            assert report.problems == [] and report.written == len(typed)
            with store.read() as s, other.read() as o:
                q = select(Member.card_no, Member.name, Member.phone, Member.notes).order_by(
                    Member.card_no
                )
                assert o.execute(q).all() == s.execute(q).all()
            assert import_members(other, SYSTEM, sheet, dry_run=True).new == 0
        finally:
            other.close()


@pytest.mark.parametrize("lang", ["zh_TW", "en"])
def test_an_export_in_another_language_names_tiers_and_statuses_and_reads_back(
    store: Store, owner: Actor, shop_members: dict[str, str], tmp_path: Path, lang: str
) -> None:
    path = tmp_path / f"members-{lang}.csv"
    export_members(store, owner, path, full_phone=True, lang=lang)
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    header = rows[0]
    assert (
        header[:3]
        == {"zh_TW": ["卡號", "姓名", "手機號"], "en": ["Card no.", "Name", "Mobile"]}[lang]
    )
    status = {"zh_TW": "註銷", "en": "Cancelled"}[lang]
    assert any(status in row for row in rows[1:])
    assert not any(code in row for row in rows[1:] for code in ("active", "cancelled", "normal"))
    again = import_members(store, owner, path, dry_run=True)
    assert again.problems == [] and again.ignored_columns  # the export-only figures, by name
    assert again.new == 0 and len(again.skipped) == again.total  # nothing newer: all kept


def test_a_taiwanese_sheet_in_traditional_characters(
    store: Store, owner: Actor, tmp_path: Path
) -> None:
    sheet = write_sheet(tmp_path / "tw.csv", [
        ["會員姓名", "手機號碼", "性別", "生日", "是否農曆", "會員狀態", "同意營銷"],
        ["陳大文", "13900001111", "男", "1990年四月廿六", "是", "正常", "否"],
    ])  # fmt: skip
    report = import_members(store, owner, sheet, dry_run=False)
    assert report.problems == [] and report.ignored_columns == [] and report.written == 1
    chan = member(store, "陳大文")
    assert chan.birthday_lunar and chan.lunar_month == 4 and chan.lunar_day == 26
    assert chan.gender == "M" and chan.marketing_consent is False


def test_full_phone_export_is_refused_for_a_cashier(
    store: Store, cashier: Actor, shop_members: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "phones.csv"
    before = snapshot(store)
    with pytest.raises(DomainError) as refused:
        export_members(store, cashier, path, full_phone=True)
    assert refused.value.message() == "收银员（收银员）无权导出完整手机号，需要店长或老板授权"
    assert "may not" in refused.value.message("en")
    assert not path.exists() and not list(tmp_path.glob("*.part"))
    assert snapshot(store) == before


def test_full_phone_export_by_a_manager_is_audited(
    store: Store, manager: Actor, cashier: Actor, shop_members: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "phones.xlsx"
    assert export_members(store, manager, path, full_phone=True) == 5
    phones = [r[2] for r in load_workbook(path, read_only=True).worksheets[0].iter_rows(min_row=2, values_only=True)]  # fmt: skip
    assert "13800138000" in phones
    export_members(store, cashier, tmp_path / "b.csv", full_phone=True, authoriser=manager)
    with store.read() as s:
        audits = s.scalars(select(AuditEntry).where(AuditEntry.action == "export.full_phone")).all()
    assert [(a.staff_name, a.authorised_by, a.detail["rows"]) for a in audits] == [
        ("店长", None, 5),
        ("收银员", "店长", 5),
    ]
    assert audits[0].at == store.now() and audits[0].target == "phones.xlsx"


# ------------------------------------------------------------------ files we cannot read


def test_file_errors_are_clear(store: Store, owner: Actor, tmp_path: Path) -> None:
    def refusal(path: Path) -> DomainError:
        with pytest.raises(DomainError) as e:
            import_members(store, owner, path, dry_run=True)
        return e.value

    missing = refusal(tmp_path / "nothere.csv")
    assert missing.code == "store.missing" and "找不到文件" in missing.message()
    old = tmp_path / "members.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert refusal(old).message() == f"无法识别文件 {old}：只支持 .csv 和 .xlsx"
    no_name = write_sheet(tmp_path / "phones.csv", [["手机", "生日"], ["13800138000", ""]])
    assert refusal(no_name).message() == "文件中找不到“姓名”列"
    assert refusal(no_name).message("en") == "the file has no name column"
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not a zip")
    assert refusal(broken).code == "import.unreadable"


# ------------------------------------------------------------------ the command line


@pytest.fixture
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))


@pytest.mark.usefixtures("_private_dirs")
def test_cli_dry_run_prints_one_line_per_bad_row_and_exits_3(
    store: Store, owner: Actor, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_sheet(tmp_path / "m.csv", [
        ["姓名", "手机", "生日"],
        ["甲", "13700137000", ""],
        ["乙", "12345", ""],
        ["丙", "", "1990-02-30"],
    ])  # fmt: skip
    before = snapshot(store)
    code = main(["--db", str(db_path), "import", "members", str(sheet), "--dry-run"])
    out = capsys.readouterr().out.splitlines()
    assert code == 3
    assert out == [
        "  第 3 行 [手机]：手机号 12345 不是有效的中国大陆手机号",
        "  第 4 行 [生日]：生日 1990-02-30 不是有效日期",
        "共 3 行：可导入 1 行，有问题 2 行（试运行，未写入任何数据）",
    ]
    assert snapshot(store) == before

    code = main(["--db", str(db_path), "--lang", "en", "import", "members", str(sheet), "--dry-run"])  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert (
        code == 3 and out[0] == "  row 3 [手机]: 12345 is not a valid mainland China mobile number"
    )


@pytest.mark.usefixtures("_private_dirs")
def test_cli_import_and_export_of_a_good_file_exit_0(
    store: Store, owner: Actor, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_sheet(tmp_path / "m.xlsx", [["姓名", "手机"], ["甲", "13700137000"]])
    assert main(["--db", str(db_path), "import", "members", str(sheet), "--dry-run"]) == 0
    assert main(["--db", str(db_path), "import", "members", str(sheet)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "共 1 行：可导入 1 行，有问题 0 行（试运行，未写入任何数据）",
        "共 1 行：可导入 1 行，有问题 0 行，已写入 1 行",
    ]
    target = tmp_path / "out.csv"
    assert main(["--db", str(db_path), "export", "members", str(target), "--full-phone"]) == 0
    assert "13700137000" in target.read_text(encoding="utf-8-sig")
    assert main(["--db", str(db_path), "import", "members", str(tmp_path / "none.csv")]) == 2
    assert capsys.readouterr().err.strip() == f"找不到文件 {tmp_path / 'none.csv'}"


# ------------------------------------------------------------------ size


def test_a_dry_run_checks_rows_against_what_it_read_once_not_a_query_a_row(
    store: Store, owner: Actor, known: dict[str, str], tmp_path: Path
) -> None:
    """A file of 100,000 rows is checked in one pass: the shop's phones, cards and staff are
    read once, whatever the file's length (the time it takes is the benchmark's). Counted
    here as the statements SQLite runs: as many for 6,000 rows as for 600."""
    store.engine.dispose()
    ran: list[str] = []

    @event.listens_for(store.engine, "connect")
    def trace(dbapi, _record) -> None:
        dbapi.set_trace_callback(ran.append)

    statements = {}
    for rows in (600, 6_000):
        path = tmp_path / f"{rows}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f)
            out.writerow(["姓名", "手机", "卡号", "生日", "更新时间"])
            for i in range(rows):
                phone = "13900139000" if i == 345 else f"137{i:08d}"  # one is 李四's
                out.writerow([f"会员{i}", phone, f"V{i:07d}", "1990-05-20", "2026-03-01 10:00"])
        ran.clear()
        report = import_members(store, owner, path, dry_run=True)
        statements[rows] = len(ran)
        assert report.total == rows and report.new == rows - 1
        assert report.bad_rows == [345 + 2]
    assert statements[6_000] == statements[600], statements
