"""The call log: outcomes from the app and from a filled-in sheet; counts per salesperson."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from memberdesk.core.clock import from_utc_naive
from memberdesk.core.errors import DomainError
from memberdesk.core.followups.calllog import (
    COLUMNS,
    export_list,
    follow_up_counts,
    import_outcomes,
    log_call,
)
from memberdesk.core.followups.lists import Period, followup_list
from memberdesk.core.store.models import AuditEntry, CallLogEntry, OutboxEvent
from tests.followups.conftest import SHANGHAI


def _taken_back(store) -> set[tuple[str, str]]:
    """(member, outcome) of every call taken back from a filled-in sheet."""
    with store.read() as s:
        return {(e.member_id, e.outcome)
                for e in s.scalars(select(CallLogEntry).where(CallLogEntry.source == "xlsx"))}  # fmt: skip


def test_logging_a_call_writes_an_entry_and_its_outbox_row(shop) -> None:
    store, fx, _ = shop
    rec = log_call(
        store, fx.mei, fx.ids["周无同意"], "birthdays", "appointment", "  周六下午来店  "
    )
    assert (rec.outcome, rec.note, rec.staff_name) == ("appointment", "周六下午来店", "小美")
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.kind == "call.logged", OutboxEvent.aggregate_id == rec.id)) == 1  # fmt: skip
    for bad in ({"outcome": "maybe"}, {"list_kind": "vip"}, {"note": "长" * 501}):
        args = {"list_kind": "birthdays", "outcome": "connected", "note": ""} | bad
        with pytest.raises(DomainError):
            log_call(
                store, fx.mei, fx.ids["周无同意"], args["list_kind"], args["outcome"], args["note"]
            )


def test_a_call_written_up_later_is_its_callers_on_its_day_and_never_a_day_to_come(shop) -> None:
    """小林 writes up 小美's call of yesterday: the entry is 小美's at noon of that shop day,
    the audit log names 小林; a day still to come or a name not on the staff list writes
    nothing."""
    store, fx, _ = shop
    rec = log_call(store, fx.lin, fx.ids["张四月"], "birthdays", "connected",
                   called_on=date(2026, 3, 9), caller="小美")  # fmt: skip
    assert rec.staff_name == "小美"
    assert (
        from_utc_naive(rec.called_at).astimezone(SHANGHAI).isoformat()
        == "2026-03-09T12:00:00+08:00"
    )
    with store.read() as s:
        entry = s.get(CallLogEntry, rec.id)
        assert (entry.staff_id, entry.staff_name) == (fx.mei.staff_id, "小美")
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "call.logged_for")).one()
        assert (audit.staff_name, audit.detail["caller"]) == ("小林", "小美")
    before = _entries(store)
    with pytest.raises(DomainError) as refused:
        log_call(store, fx.lin, fx.ids["李农历"], "birthdays", "connected",
                 called_on=date(2026, 3, 11))  # fmt: skip
    assert refused.value.message("zh_CN") == "联系日期 2026-03-11 还没到，请填打电话的那天"
    with pytest.raises(DomainError) as refused:
        log_call(store, fx.lin, fx.ids["李农历"], "birthdays", "connected", caller="阿飞")
    assert refused.value.message("zh_CN") == "员工名单里没有“阿飞”（或已离职）"
    assert _entries(store) == before
    # Today's call written up at once: the time it was written, not a noon still to come.
    rec = log_call(store, fx.lin, fx.ids["李农历"], "birthdays", "connected",
                   called_on=date(2026, 3, 10))  # fmt: skip
    assert (
        from_utc_naive(rec.called_at).astimezone(SHANGHAI).isoformat()
        == "2026-03-10T10:00:00+08:00"
    )


def _entries(store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(CallLogEntry))


def test_entries_are_append_only(shop) -> None:
    store, fx, _ = shop
    log_call(store, fx.lin, fx.ids["张四月"], "birthdays", "connected")
    with pytest.raises(Exception, match="append-only"), store.write() as uow:
        uow.session.execute(CallLogEntry.__table__.delete())


def test_csv_export_opens_in_excel_and_leaves_no_consent_out_of_sms(shop, tmp_path: Path) -> None:
    store, fx, _ = shop
    fl = followup_list(store, "birthdays")
    n = export_list(store, fx.owner, fl, tmp_path / "b.csv")
    raw = (tmp_path / "b.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and n == 4
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [r["姓名"] for r in rows] == ["张四月", "李农历", "周无同意", "欧阳<&>娜"]
    no_consent = rows[2]
    assert no_consent["同意营销"] == "否（不发短信）" and no_consent["短信"] == ""
    assert (
        rows[0]["短信"].startswith("【测试小店】张四月您好，4月15日是您的生日")
        and rows[0]["短信条数"] == "1"
    )
    assert rows[0]["手机号"] == fl.rows[0].phone  # the owner may see full numbers
    masked = tmp_path / "cashier.csv"
    export_list(store, fx.mei, fl, masked)
    assert "****" in list(csv.DictReader(masked.read_text("utf-8-sig").splitlines()))[0]["手机号"]
    with pytest.raises(DomainError):
        export_list(store, fx.mei, fl, masked, full_phone=True)


@pytest.mark.parametrize(("lang", "heading"), [
    ("zh_CN", "累计消费（元）"), ("zh_TW", "累計消費（元）"), ("en", "Total spend (yuan)"),
])  # fmt: skip
def test_the_total_spend_column_says_its_unit(
    shop, tmp_path: Path, lang: str, heading: str
) -> None:
    """The column held amounts in yuan (1234.50) under a heading without a unit."""
    store, fx, _ = shop
    fl = followup_list(store, "birthdays", lang=lang)
    sheet = tmp_path / "birthdays.xlsx"
    export_list(store, fx.owner, fl, sheet)
    rows = list(load_workbook(sheet).active.iter_rows(values_only=True))
    at = rows[0].index(heading)
    assert [row[at] for row in rows[1:]] == [r.lifetime_spend / 100 for r in fl.rows]
    export_list(store, fx.owner, fl, tmp_path / "birthdays.csv")
    text = (tmp_path / "birthdays.csv").read_text("utf-8-sig")
    assert heading in next(csv.reader(text.splitlines()))


def tick(path: Path, marks: dict[str, tuple[str, str]], day: str | None = None) -> None:
    """Fill the sheet like a salesperson: one box per called member, a note, the date."""
    wb = load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        name = row[header.index("姓名")].value
        if name in marks:
            box, note = marks[name]
            for b in filter(None, box.split("+")):
                row[header.index(b)].value = "√"
            row[header.index("备注")].value = note
            if day:
                row[header.index("联系日期")].value = day
    wb.save(path)


def marked_sheet(store, fx, tmp_path: Path, marks: dict[str, dict[str, str]]):
    """The birthdays list exported and filled in: `marks` {name: {box: what is written}};
    returns the sheet and the row number of each member marked."""
    sheet = tmp_path / "birthdays.xlsx"
    export_list(store, fx.owner, followup_list(store, "birthdays"), sheet)
    wb = load_workbook(sheet)
    ws = wb.active
    header = [c.value for c in ws[1]]
    rows = {}
    for number, row in enumerate(ws.iter_rows(min_row=2), start=2):
        name = row[header.index("姓名")].value
        for box, mark in marks.get(name, {}).items():
            row[header.index(box)].value = mark
            rows[name] = number
    wb.save(sheet)
    return sheet, rows


def test_the_filled_xlsx_comes_back_as_call_log_entries(shop, tmp_path: Path) -> None:
    store, fx, clock = shop
    sheet = tmp_path / "birthdays.xlsx"
    export_list(store, fx.owner, followup_list(store, "birthdays"), sheet)
    assert [c.value for c in load_workbook(sheet).active[1]] == list(COLUMNS)
    tick(sheet, {"张四月": ("接通", "周六来 <店> & 带朋友"), "李农历": ("未接", ""),
                 "周无同意": ("接通+未接", ""), "欧阳<&>娜": ("不再联系", "")}, day="2026-03-09")  # fmt: skip
    report = import_outcomes(store, fx.owner, sheet)
    assert (report.rows, report.written, report.duplicates) == (4, 3, 0)
    assert report.messages() == [(4, "同一行勾了多个结果（接通、未接），只能勾一个")]
    assert report.messages("en") == [
        (4, "several outcomes ticked (Talked, No answer); tick only one")
    ]
    with store.read() as s:
        got = {(e.member_id, e.outcome, e.note, e.staff_name, e.source)
               for e in s.scalars(select(CallLogEntry).where(CallLogEntry.source == "xlsx"))}  # fmt: skip
    assert got == {
        (fx.ids["张四月"], "connected", "周六来 <店> & 带朋友", "小林", "xlsx"),
        (fx.ids["李农历"], "no_answer", "", "小林", "xlsx"),
        (fx.ids["欧阳<&>娜"], "do_not_contact", "", "老板", "xlsx"),  # no salesperson: the importer
    }
    # importing the same file again adds nothing
    again = import_outcomes(store, fx.owner, sheet)
    assert (again.written, again.duplicates) == (0, 3)
    # called members leave next week's sheet; 不再联系 leaves every sheet
    assert {r.name for r in followup_list(store, "birthdays").rows} == {"周无同意"}
    clock.advance(days=30)
    assert "欧阳<&>娜" not in {r.name for r in followup_list(store, "birthdays").rows}


def test_a_sheet_from_elsewhere_is_refused(shop, tmp_path: Path) -> None:
    store, fx, _ = shop
    other = tmp_path / "other.csv"
    other.write_text("姓名,手机号\n张三,13800000000\n", encoding="utf-8")
    with pytest.raises(DomainError) as e:
        import_outcomes(store, fx.owner, other)
    assert e.value.code == "call.sheet_unrecognised"
    bad = tmp_path / "bad.csv"
    bad.write_text("卡号,名单,接通,未接,预约到店,不再联系,备注,联系日期\n0000,生日关怀,√,,,,,\n"
                   "8800000013,生日关怀,√,,,,,2026-02-30\n", encoding="utf-8")  # fmt: skip
    report = import_outcomes(store, fx.owner, bad)
    assert report.written == 0 and [row for row, _ in report.problems] == [2, 3]


def test_follow_up_counts_per_salesperson(shop) -> None:
    store, fx, _ = shop
    for member, outcome in (
        ("张四月", "connected"),
        ("李农历", "no_answer"),
        ("钱九十", "connected"),
    ):
        log_call(store, fx.lin, fx.ids[member], "birthdays", outcome)
    log_call(store, fx.mei, fx.ids["周无同意"], "birthdays", "sms")
    counts = follow_up_counts(store, Period(date(2026, 3, 1), date(2026, 3, 31)))
    assert [(c.staff_name, c.total, c.by_outcome) for c in counts] == [
        ("小林", 4, {"connected": 2, "no_answer": 2}),  # the fixture's call on 03-07 counts too
        ("小美", 1, {"sms": 1}),
    ]
    assert follow_up_counts(store, Period(date(2026, 4, 1), date(2026, 4, 30))) == []


def test_a_box_filled_with_no_is_not_an_outcome(shop, tmp_path: Path) -> None:
    """A salesperson who writes 否 (or 0, 无, /) in the boxes she did not mean is not
    logged as having talked to the member; her one real tick counts."""
    store, fx, _ = shop
    sheet, _rows = marked_sheet(store, fx, tmp_path, {
        "张四月": {"接通": "否", "未接": "√", "预约到店": "0", "不再联系": "/"},  # not reached
        "李农历": dict.fromkeys(("接通", "未接", "预约到店", "不再联系"), "无"),  # not called
    })  # fmt: skip
    report = import_outcomes(store, fx.owner, sheet)
    assert report.problems == [] and (report.rows, report.written) == (1, 1)
    assert _taken_back(store) == {(fx.ids["张四月"], "no_answer")}


def test_a_cross_is_a_no_and_a_mark_that_could_mean_either_is_named_not_guessed(
    shop, tmp_path: Path
) -> None:
    """× in 接通 is "not reached" on a Chinese form, not a tick: the member is not logged
    as having talked. A typed x, a circle or a question mark could be read either way: the
    row is named with what to write, and nothing is recorded for it."""
    store, fx, _ = shop
    sheet, rows = marked_sheet(store, fx, tmp_path, {
        "张四月": {"接通": "×", "未接": "√"}, "李农历": {"接通": "x"}, "周无同意": {"预约到店": "○"},
    })  # fmt: skip
    report = import_outcomes(store, fx.owner, sheet)
    assert report.messages() == sorted([
        (rows["李农历"], "“x”在“接通”一栏看不出是否选中：发生的那一项请写 √ 或 是，其他留空（或写 否）；未记录"),
        (rows["周无同意"], "“○”在“预约到店”一栏看不出是否选中：发生的那一项请写 √ 或 是，其他留空（或写 否）；未记录"),
    ])  # fmt: skip
    assert report.written == 1
    assert _taken_back(store) == {(fx.ids["张四月"], "no_answer")}


def test_a_contact_date_in_the_future_is_refused(shop, tmp_path: Path) -> None:
    """2062-03-09 typed for 2026-03-09 is said on its row, and that row is not logged:
    a call dated years ahead would keep the member off every sheet till then."""
    store, fx, _ = shop
    sheet = tmp_path / "birthdays.xlsx"
    export_list(store, fx.owner, followup_list(store, "birthdays"), sheet)
    tick(sheet, {"张四月": ("接通", "")}, day="2062-03-09")
    tick(sheet, {"李农历": ("未接", "")}, day="2026-03-10")  # today is fine
    report = import_outcomes(store, fx.owner, sheet)
    assert report.messages() == [(2, "联系日期“2062-03-09”在未来，请检查")]
    assert report.written == 1
    assert _taken_back(store) == {(fx.ids["李农历"], "no_answer")}


def test_a_note_without_an_outcome_is_said_on_its_row(shop, tmp_path: Path) -> None:
    """A note written on a row with no box ticked is not lost without a word: the import
    names the row and says nothing was recorded; the rows with a tick still count."""
    store, fx, _ = shop
    sheet = tmp_path / "birthdays.xlsx"
    export_list(store, fx.owner, followup_list(store, "birthdays"), sheet)
    tick(sheet, {"张四月": ("接通", ""), "李农历": ("", "下周再打，她在外地")})
    report = import_outcomes(store, fx.owner, sheet)
    assert report.messages() == [(3, "写了备注但没有选择结果，未记录")]
    assert report.messages("en") == [
        (3, "a note is written but no outcome is ticked; not recorded")
    ]
    assert report.written == 1
    with store.read() as s:
        got = {(e.member_id, e.outcome, e.note)
               for e in s.scalars(select(CallLogEntry).where(CallLogEntry.source == "xlsx"))}  # fmt: skip
    assert got == {(fx.ids["张四月"], "connected", "")}


def test_a_contact_date_without_an_outcome_is_said_on_its_row(shop, tmp_path: Path) -> None:
    """A row where only the contact date was filled in (no box ticked, no note) is named:
    the outcome is missing and nothing is recorded for it; the ticked rows still count."""
    store, fx, _ = shop
    sheet = tmp_path / "birthdays.xlsx"
    export_list(store, fx.owner, followup_list(store, "birthdays"), sheet)
    tick(sheet, {"张四月": ("接通", "")})
    tick(sheet, {"李农历": ("", "")}, day="2026-03-09")
    report = import_outcomes(store, fx.owner, sheet)
    assert report.messages() == [(3, "填了联系日期但没有选择结果，未记录")]
    assert report.messages("en") == [
        (3, "a contact date is filled in but no outcome is ticked; not recorded")
    ]
    assert (report.rows, report.written) == (1, 1)
    assert _taken_back(store) == {(fx.ids["张四月"], "connected")}


def test_a_sheet_imported_again_the_next_day_does_not_log_its_undated_rows_twice(
    shop, tmp_path: Path
) -> None:
    """The owner imports the half-filled sheet on Monday, the salesperson ticks the rest on
    Tuesday and the same file comes in again: Monday's rows with no contact date were logged a
    second time (dated Tuesday), doubling the calls counted for her."""
    store, fx, clock = shop
    sheet = tmp_path / "birthdays.xlsx"
    export_list(store, fx.owner, followup_list(store, "birthdays"), sheet)
    tick(sheet, {"张四月": ("接通", "周六来"), "李农历": ("未接", "")})
    first = import_outcomes(store, fx.owner, sheet)
    assert (first.written, first.duplicates) == (2, 0)
    clock.advance(days=1)
    tick(sheet, {"周无同意": ("预约到店", "")})
    again = import_outcomes(store, fx.owner, sheet)
    assert (again.rows, again.written, again.duplicates) == (3, 1, 2)
    with store.read() as s:
        got = sorted((e.member_id, e.outcome)
                     for e in s.scalars(select(CallLogEntry).where(CallLogEntry.source == "xlsx")))  # fmt: skip
    assert got == sorted([(fx.ids["张四月"], "connected"), (fx.ids["李农历"], "no_answer"),
                          (fx.ids["周无同意"], "appointment")])  # fmt: skip


def test_a_contact_date_written_without_its_year_is_this_years(shop, tmp_path: Path) -> None:
    """A salesperson writes the day she called as 3月9日, 3/8 or 3.7: each was refused as not a
    date. Such a day is the latest one not in the future (12/25 in March: last December)."""
    store, fx, _ = shop
    sheet = tmp_path / "birthdays.xlsx"
    export_list(store, fx.owner, followup_list(store, "birthdays"), sheet)
    tick(sheet, {"张四月": ("接通", "")}, day="3月9日")
    tick(sheet, {"李农历": ("未接", "")}, day="3/8")
    tick(sheet, {"周无同意": ("预约到店", "")}, day="3.7")
    tick(sheet, {"欧阳<&>娜": ("未接", "")}, day="12/25")
    report = import_outcomes(store, fx.owner, sheet)
    assert report.messages() == [] and report.written == 4
    with store.read() as s:
        got = {(e.member_id, from_utc_naive(e.called_at).astimezone(SHANGHAI).date())
               for e in s.scalars(select(CallLogEntry).where(CallLogEntry.source == "xlsx"))}  # fmt: skip
    assert got == {(fx.ids["张四月"], date(2026, 3, 9)), (fx.ids["李农历"], date(2026, 3, 8)),
                   (fx.ids["周无同意"], date(2026, 3, 7)), (fx.ids["欧阳<&>娜"], date(2025, 12, 25))}  # fmt: skip
    tick(sheet, {"张四月": ("接通", "")}, day="2/30")
    assert import_outcomes(store, fx.owner, sheet).messages() == [
        (2, "联系日期“2/30”不是有效日期（例如 2024-05-20）")
    ]


def test_a_salesperson_not_on_the_staff_list_is_refused_not_credited_to_the_importer(
    shop, tmp_path: Path
) -> None:
    """A name written by hand (小琳 for 小林, a nickname) credited the call to whoever ran the
    import, without a word: now the row is named, nothing recorded, and the rest go in."""
    store, fx, _ = shop
    sheet = tmp_path / "birthdays.xlsx"
    export_list(store, fx.owner, followup_list(store, "birthdays"), sheet)
    tick(sheet, {"张四月": ("接通", ""), "李农历": ("未接", "")}, day="2026-03-09")
    wb = load_workbook(sheet)
    ws = wb.active
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[header.index("姓名")].value == "张四月":
            row[header.index("导购")].value = "小琳"
            wrong = row[0].row
    wb.save(sheet)
    report = import_outcomes(store, fx.owner, sheet)
    assert report.written == 1
    assert report.messages() == [
        (wrong, "导购“小琳”不在员工名单上，未记录：请照员工名单写名字，或留空记在老板名下")
    ]
    with store.read() as s:
        got = {(e.member_id, e.staff_name) for e in s.scalars(select(CallLogEntry).where(CallLogEntry.source == "xlsx"))}  # fmt: skip
    assert got == {(fx.ids["李农历"], "小林")}
