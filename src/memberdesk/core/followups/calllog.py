"""The call log: outcomes of follow-up calls, from the app or from a filled-in sheet.

A list exports to CSV / XLSX with one column per outcome (接通 / 未接 / 预约到店 /
不再联系), a notes column and a date column; the salesperson ticks one box per row and
the file comes back through `import_outcomes`, one transaction, bad rows reported by
number, rows already imported skipped. Entries are append-only and synced to HQ.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from ..clock import shop_date, shop_day_start_utc, to_utc_naive
from ..errors import DomainError
from ..files import atomic_write
from ..i18n import DEFAULT_LANG, LANGS, N_, Listing, Message, gettext
from ..members.import_columns import (
    YES_WORD,
    abandon_sheet,
    cell_text,
    parse_date,
    plain,
    simplified,
)
from ..members.phone import mask_phone
from ..members.sheet_files import check_format, open_rows
from ..money import fen_to_decimal
from ..progress import Progress, counted
from ..shop.details import shop_info
from ..shop.staff import Actor, require
from ..store.database import Store
from ..store.models import CallLogEntry, Card, Member, Staff
from ..store.uow import UnitOfWork
from ..text import safe_cell, xlsx_text
from .lists import (
    LIST_KINDS,
    LIST_NAMES,
    NO_SALESPERSON,
    FollowupList,
    Period,
    check_period,
    followup_settings,
)
from .sms import fill, sms_segments, sms_templates

# How each outcome reads (a tick column of the sheet, a label of the call sheet).
OUTCOMES = {"connected": N_("Talked"), "no_answer": N_("No answer"),
            "appointment": N_("Will visit"), "do_not_contact": N_("Do not contact"),
            "sms": N_("Message sent")}  # fmt: skip


BOXES = ("connected", "no_answer", "appointment", "do_not_contact")  # the sheet's tick columns


# The exported sheet's columns: written in the list's language, read back in any.
COLUMN_NAMES = {
    "list": N_("List"), "salesperson": N_("Salesperson"), "due": N_("Listed on"),
    "reason": N_("Reason"), "card": N_("Card no."), "name": N_("Name"), "phone": N_("Mobile"),
    "tier": N_("Tier"), "last_visit": N_("Last seen in store"), "spend": N_("Total spend (yuan)"),
    "points": N_("Points"), "consent": N_("Marketing consent"), "script": N_("Suggested script"),
    "sms": N_("SMS"), "sms_parts": N_("SMS parts"), **{b: OUTCOMES[b] for b in BOXES},
    "note": N_("Notes"), "called_on": N_("Contacted on"),
}  # fmt: skip


def columns(lang: str = DEFAULT_LANG) -> tuple[str, ...]:
    return tuple(gettext(name, lang) for name in COLUMN_NAMES.values())


COLUMNS = columns(DEFAULT_LANG)


MAX_NOTE = 500


# What a salesperson writes in a box she did not tick: not an outcome. × is a no, as on
# every Chinese form and marked paper (对 √, 错 ×).
UNTICKED = {"否", "不", "无", "無", "没有", "沒有", "未", "no", "n", "0", "false", "f", "-", "—", "/", "\\",
            "×", "✗", "✘", "✕", "✖", "╳", *(gettext(N_("No"), lang).lower() for lang in LANGS)}  # fmt: skip


# Marks that say yes to one person and no to another: a typed x (× to most here, a tick in a
# [x] box to some), a circle (a Japanese-style yes, or a zero), a question mark.
UNCLEAR = {"x", "○", "〇", "o", "◯", "?", "？"}


def ticked_box(value: Any) -> bool:
    """Whether a tick column's cell holds a mark (√, ✓, 是, 1 …), not blank or a no."""
    text = simplified(plain(value).lower())
    return bool(text) and text not in UNTICKED


def unclear_mark(value: Any) -> bool:
    """A mark that could be read either way (UNCLEAR): its row is named, not guessed."""
    return simplified(plain(value).lower()) in UNCLEAR


@dataclass(frozen=True)
class CallRecord:
    id: str
    member_id: str
    member_name: str
    list_kind: str
    outcome: str
    note: str
    called_at: datetime  # naive UTC
    staff_name: str


def _log(uow: UnitOfWork, member: Member, staff: tuple[str | None, str], list_kind: str,
         outcome: str, note: str, called_at: datetime, source: str) -> CallLogEntry:  # fmt: skip
    entry = CallLogEntry(member_id=member.id, staff_id=staff[0], staff_name=staff[1], list_kind=list_kind,
                         outcome=outcome, note=note, called_at=called_at, created_at=uow.now, source=source)  # fmt: skip
    uow.session.add(entry)
    uow.session.flush()
    uow.emit("call.logged", entry.id, {
        "id": entry.id, "member_id": member.id, "staff_id": staff[0], "staff_name": staff[1],
        "list_kind": list_kind, "outcome": outcome, "note": note, "called_at": called_at.isoformat(),
        "source": source,
    })  # fmt: skip
    return entry


def _check(list_kind: str, outcome: str, note: str) -> str:
    if list_kind not in (*LIST_KINDS, "other"):
        raise DomainError("followup.kind_unknown", kind=list_kind, kinds=Listing(LIST_KINDS))
    if outcome not in OUTCOMES:
        known = Listing(Message(name) for name in OUTCOMES.values())
        raise DomainError("call.outcome_unknown", outcome=outcome, known=known)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise DomainError("call.note_too_long", max=MAX_NOTE)
    return note


def _noon(day: date, tz: str) -> datetime:
    """A call known by its day only (a sheet's 联系日期, a paper sheet written up later): noon
    of that shop day, naive UTC; the day is what counts."""
    return shop_day_start_utc(day, tz) + timedelta(hours=12)


def log_call(
    store: Store, actor: Actor, member_id: str, list_kind: str, outcome: str, note: str = "",
    *, called_at: datetime | None = None, called_on: date | None = None, caller: str = "",
) -> CallRecord:  # fmt: skip
    """Record one call (or SMS) and its outcome; the member leaves the lists for the cooldown.

    Written up later from the paper sheet: `called_on`, the shop day the call was made (noon
    of it, as a sheet's 联系日期 is taken; never a day still to come), and `caller`, the
    staff member who made it (the follow-up counts are theirs; the audit log says who
    wrote it up for them). By default: now, by `actor`."""
    note = _check(list_kind, outcome, note)
    with store.write() as uow:
        member = uow.session.get(Member, member_id)
        if member is None:
            raise DomainError("member.not_found")
        at = to_utc_naive(called_at) if called_at else uow.now
        if called_on is not None:
            tz = shop_info(uow.session).timezone
            if called_on > shop_date(uow.clock.now(), tz):
                raise DomainError("call.day_future", day=called_on.isoformat())
            at = min(_noon(called_on, tz), uow.now)  # today's noon still to come: made by now
        by = (actor.staff_id, actor.name)
        caller = caller.strip()
        if caller and caller != actor.name:
            staff_id = uow.session.scalar(
                select(Staff.id).where(Staff.name == caller, Staff.active.is_(True))
            )
            if staff_id is None:
                raise DomainError("call.caller_unknown", name=caller)
            by = (staff_id, caller)
            uow.audit("call.logged_for", staff_id=actor.staff_id, staff_name=actor.name,
                      target=member.card_no, detail={"caller": caller, "outcome": outcome,
                                                     "called_at": at.isoformat()})  # fmt: skip
        e = _log(uow, member, by, list_kind, outcome, note, at, "app")
        return CallRecord(e.id, member.id, member.name, list_kind, outcome, note, at, by[1])


def export_list(
    store: Store, actor: Actor, fl: FollowupList, path: Path, *, full_phone: bool | None = None,
    scripts: dict[str, str] | None = None, progress: Progress | None = None,
) -> int:  # fmt: skip
    """Write the list as .csv (UTF-8 with BOM, opens in Excel) or .xlsx, ready to fill in,
    in the list's language.

    Phones are full when `full_phone` (default: when the actor may see them); writing
    full numbers is audited. `progress` hears the rows written; raising from it leaves
    no file behind."""
    path = Path(path)
    kind = check_format(path)
    full = phone_policy(actor, full_phone)
    with store.read() as s:
        sms_template = sms_templates(s, fl.lang)[fl.kind]
    if scripts is None:
        from .sms import scripts_for

        scripts = scripts_for(store, fl)
    rows = []
    yes, no = gettext(YES_WORD, fl.lang), gettext(N_("No (no SMS)"), fl.lang)
    for r in fl.rows:
        sms = fill(sms_template, r, fl.shop_name, fl.lang) if r.consent else ""
        rows.append([
            fl.title, r.salesperson, r.due, r.reason, r.card_no, r.name,
            (r.phone if full else mask_phone(r.phone)) or "", r.tier, r.last_visit or "",
            fen_to_decimal(r.lifetime_spend), r.points, yes if r.consent else no,
            scripts.get(r.member_id, ""), sms, sms_segments(sms) or "",
            *([""] * len(BOXES)), "", "",
        ])  # fmt: skip
    write = _write_csv if kind == "csv" else _write_xlsx
    with atomic_write(path) as part:
        write(part, counted(rows, progress, len(rows)), fl.lang)
    if full:
        audit_full_phones(store, actor, f"{fl.kind}:{path.name}", len(rows))
    return len(rows)


def phone_policy(actor: Actor, full_phone: bool | None) -> bool:
    """Full numbers only for roles allowed to see them; asking for them otherwise is refused."""
    if full_phone is None:
        return actor.privileged
    if full_phone:
        require(actor, "view_full_phone")
    return full_phone


def audit_full_phones(store: Store, actor: Actor, target: str, rows: int) -> None:
    with store.write() as uow:
        uow.audit("callsheet.full_phone", staff_id=actor.staff_id, staff_name=actor.name,
                  target=target[:80], detail={"rows": rows})  # fmt: skip


def _write_csv(path: Path, rows: list[list[Any]], lang: str = DEFAULT_LANG) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(columns(lang))
        for row in rows:
            out.writerow(v.isoformat() if isinstance(v, date) else safe_cell(v) for v in row)


def _write_xlsx(path: Path, rows: list[list[Any]], lang: str = DEFAULT_LANG) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(gettext(COLUMN_NAMES["list"], lang))
    for letter, w in zip("ABCDEFGHIJKLMNOPQRSTU", (12, 10, 11, 30, 13, 10, 13, 6, 11, 10, 7, 12, 30, 40, 6, 6, 6, 9, 9, 24, 11), strict=True):  # fmt: skip
        ws.column_dimensions[letter].width = w
    ws.freeze_panes = "A2"
    ws.append(columns(lang))
    try:
        for row in rows:
            cells = []
            for i, v in enumerate(row):
                made = xlsx_text(ws, v)  # formula-like text: a text cell, shown as typed
                cell = made if made is not v else WriteOnlyCell(ws, v)
                if i == 9:
                    cell.number_format = "0.00"
                elif isinstance(v, date):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            ws.append(cells)
    except BaseException:
        abandon_sheet(ws)
        raise
    wb.save(path)


@dataclass
class OutcomeImport:
    rows: int = 0  # rows with a ticked outcome
    written: int = 0
    duplicates: int = 0  # already imported from an earlier copy of the sheet
    problems: list[tuple[int, DomainError]] = field(default_factory=list)  # (row number, why)

    def messages(self, lang: str | None = DEFAULT_LANG) -> list[tuple[int, str]]:
        return [(row, error.message(lang)) for row, error in self.problems]


def _sheet_rows(path: Path) -> list[tuple[int, tuple]]:
    """The filled-in sheet's rows (a call list: small), read as the member import reads a
    sheet: its encoding sniffed, an XLSX checked before it is opened."""
    cards = _names("card")

    def has_cards(values: tuple) -> bool:
        return bool(cards & {cell_text(v).strip() for v in values})

    with open_rows(path, has_cards) as rows:
        return list(rows)


def import_outcomes(
    store: Store, actor: Actor, path: Path, *, progress: Progress | None = None
) -> OutcomeImport:
    """Take the ticked outcomes of a filled-in sheet back as call-log entries (one
    transaction: raising from `progress` takes none of them). The sheet may be in any of
    the languages the export writes."""
    rows = _sheet_rows(Path(path))
    cards = _names("card")
    header_at = next((n for n, r in rows[:10] if cards & {cell_text(v).strip() for v in r}), None)
    if header_at is None:
        raise DomainError("call.sheet_unrecognised", path=str(path))
    header = {cell_text(v).strip(): i for i, v in enumerate(rows[header_at - 1][1])}
    index = {key: next((header[n] for n in _names(key) if n in header), None)
             for key in COLUMN_NAMES}  # fmt: skip
    kinds = {gettext(name, lang): kind for kind, name in LIST_NAMES.items() for lang in LANGS}
    report = OutcomeImport()
    with store.write() as uow:
        s = uow.session
        tz = shop_info(s).timezone
        staff = {name: sid for name, sid in s.execute(select(Staff.name, Staff.id))}
        unassigned = {gettext(NO_SALESPERSON, lang) for lang in LANGS} | {"—", "-"}  # as exported
        settings = followup_settings(s)
        for number, values in counted(rows[header_at:], progress, len(rows) - header_at):

            def col(key: str, values: tuple = values) -> str:
                i = index[key]
                return cell_text(values[i]).strip() if i is not None and i < len(values) else ""

            unclear = [b for b in BOXES if index[b] is not None and unclear_mark(col(b))]
            if unclear:
                box = unclear[0]
                report.problems.append((number, DomainError(
                    "call.mark_unclear", mark=col(box), box=Message(OUTCOMES[box]))))  # fmt: skip
                continue
            ticked = [b for b in BOXES if index[b] is not None and ticked_box(col(b))]
            if not ticked:
                # What she wrote is not dropped without a word: a note, or only the day she
                # made the call, with no outcome to record.
                if col("note"):
                    report.problems.append((number, DomainError("call.note_without_outcome")))
                elif col("called_on"):
                    report.problems.append((number, DomainError("call.date_without_outcome")))
                continue
            report.rows += 1
            try:
                if len(ticked) > 1:
                    boxes = Listing(Message(OUTCOMES[b]) for b in ticked)
                    raise DomainError("call.several_outcomes", boxes=boxes)
                card = s.scalar(select(Card).where(Card.card_no == col("card").upper()))
                member = s.get(Member, card.member_id) if card else None
                if member is None:
                    raise DomainError("card.not_found", card=col("card"))
                kind = kinds.get(col("list"), "other")
                note = _check(kind, ticked[0], col("note"))
                label = Message(COLUMN_NAMES["called_on"])
                today = shop_date(uow.clock.now(), tz)
                day = (
                    _called_on(values[index["called_on"]], label, today)
                    if col("called_on")
                    else None
                )
                if day is not None and day > today:
                    raise DomainError("import.date_future", column=label, value=col("called_on"))
                day = day or today
                at = _noon(day, tz)
                # A row with no date is dated the day it comes in: the same sheet imported
                # again days later finds it within the list's cooldown, when no other sheet
                # could have listed the member.
                since = (
                    at
                    if col("called_on")
                    else at - timedelta(days=max(settings.cooldown(kind), 1) - 1)
                )
                if _already(uow, member.id, kind, ticked[0], note, since, at):
                    report.duplicates += 1
                    continue
                who = col("salesperson")
                who = "" if who in unassigned else who
                if who and who not in staff:  # never credited to someone else without a word
                    raise DomainError("call.salesperson_unknown", name=who, by=actor.name)
                by = (staff[who], who) if who else (actor.staff_id, actor.name)
                _log(uow, member, by, kind, ticked[0], note, at, "xlsx")
                report.written += 1
            except DomainError as e:
                report.problems.append((number, e))
        uow.audit("call.import", staff_id=actor.staff_id, staff_name=actor.name, target=Path(path).name[:80],
                  detail={"written": report.written, "duplicates": report.duplicates,
                          "problems": len(report.problems)})  # fmt: skip
    return report


# A day written by hand without its year: 3月9日, 3/9, 3.9, 3-9.
_MONTH_DAY = re.compile(r"(\d{1,2})\s*(?:月|/|\.|-)\s*(\d{1,2})\s*[日号]?")


def _called_on(value: Any, label: Message, today: date) -> date | None:
    """The contact date of a row: a full date, or a month and day, taken as the latest such
    day not after today (12/25 written in March is last December's)."""
    m = _MONTH_DAY.fullmatch(plain(value)) if isinstance(value, str) else None
    if m is None:
        return parse_date(value, label)
    for year in (today.year, today.year - 1):
        try:
            day = date(year, int(m.group(1)), int(m.group(2)))
        except ValueError:
            continue
        if day <= today:
            return day
    raise DomainError("import.bad_date", column=label, value=cell_text(value))


def _names(key: str) -> set[str]:
    """A column's heading in every language the export writes."""
    return {gettext(COLUMN_NAMES[key], lang) for lang in LANGS}


def _already(
    uow: UnitOfWork, member_id: str, kind: str, outcome: str, note: str, since: datetime,
    at: datetime,
) -> bool:  # fmt: skip
    """Whether the row was imported before, dated from `since` to `at`."""
    return uow.session.scalar(
        select(CallLogEntry.id).where(
            CallLogEntry.member_id == member_id, CallLogEntry.list_kind == kind,
            CallLogEntry.outcome == outcome, CallLogEntry.note == note,
            CallLogEntry.called_at >= since, CallLogEntry.called_at <= at,
            CallLogEntry.source == "xlsx",
        ).limit(1)
    ) is not None  # fmt: skip


@dataclass(frozen=True)
class StaffCount:
    staff_name: str
    total: int
    by_outcome: dict[str, int]


def follow_up_counts(store: Store, period: Period) -> list[StaffCount]:
    """Calls logged per staff member in the period (shop days), by outcome; busiest first."""
    check_period(period)
    with store.read() as s:
        tz = shop_info(s).timezone
        start = shop_day_start_utc(period.start, tz)
        end = shop_day_start_utc(period.end + timedelta(days=1), tz)
        rows = s.execute(
            select(CallLogEntry.staff_name, CallLogEntry.outcome, func.count())
            .where(CallLogEntry.called_at >= start, CallLogEntry.called_at < end)
            .group_by(CallLogEntry.staff_name, CallLogEntry.outcome)
        ).all()
    counts: dict[str, dict[str, int]] = {}
    for name, outcome, n in rows:
        counts.setdefault(name or "—", {})[outcome] = int(n)
    order = list(OUTCOMES)
    result = [StaffCount(name, sum(c.values()), dict(sorted(c.items(), key=lambda kv: order.index(kv[0]))))
              for name, c in counts.items()]  # fmt: skip
    return sorted(result, key=lambda c: (-c.total, c.staff_name))
