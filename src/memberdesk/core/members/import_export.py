"""Import members from a shop's old sheet (.csv / .xlsx) and export them back.

A dry run checks every row against the file and the store and writes nothing. A real
import checks the same way first (nothing is written when the file itself is refused),
then reads the file again and writes the good rows in short transactions
(core/store/chunks.py), each one unit of work with its outbox rows and an audit row: the till
waits for one chunk at most, and an import stopped part way (cancelled, a full disk)
leaves whole chunks and says how many rows they held. Running the same file again is
safe: rows already imported (same card, else same phone) are reported, not imported
twice.

Rows are written through the operations the till uses (validation, card, search keys,
outbox row). A row that matches a member already here updates that member only when
the row's 更新时间 is newer than the store's; a blank cell keeps what the store has. A
new member must be 正常 (other statuses are set through the card operations, and an
import does not change a member's status).

Opening balances: the old system's points and stored value (principal and bonus) of a
member the import creates become ledger entries of kind "opening" — the same
points.entry / wallet.entry events head office projects for any entry, each noting the
file and row — and the member's cached balances move with them. A sheet that carries
points gives no sign-up gift on top. A member already here keeps the balances the
ledgers give them; a row whose figures differ is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..clock import from_utc_naive, shop_date, shop_day_start_utc
from ..errors import DomainError, ValidationFailed
from ..files import atomic_write
from ..i18n import DEFAULT_LANG, N_, Message, gettext, text_of, translate
from ..loyalty.ledger import post_points, post_wallet
from ..loyalty.program_store import tier_names
from ..money import format_fen
from ..progress import Progress, counted
from ..shop.details import shop_info
from ..shop.staff import Actor, require
from ..store.chunks import ChunkedWriter, Stopped
from ..store.database import Store
from ..store.models import Member, Setting, Staff
from ..store.uow import UnitOfWork
from . import import_columns as sheets
from .birthdays import lunar_of
from .erase import not_erased
from .import_check import BAD, NEW, UPDATE, Kept, Opening, Plan, SheetCheck, check_sheet
from .import_columns import SheetRow
from .member import (
    GENDER_NAMES,
    STATUS_NAMES,
    LunarDate,
    MemberForm,
    apply_form,
    create_member,
    member_payload,
    record_change,
)
from .phone import mask_phone
from .sheet_files import check_format

EXPORT_HEADERS = sheets.EXPORT_HEADERS  # what `import_members` reads back


RowSkipped = Kept  # a row about a member already here that is kept as it is, and why


@dataclass(frozen=True)
class RowProblem:
    row: int  # as a person sees it in the sheet: the header is row 1
    field: str | Message  # the column's header as written in the file, else the field's name
    error: DomainError

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def params(self) -> dict[str, Any]:
        return self.error.params

    def message(self, lang: str | None = DEFAULT_LANG) -> str:
        return self.error.message(lang)

    def column(self, lang: str | None = DEFAULT_LANG) -> str:
        return str(text_of(self.field, lang))


@dataclass
class ImportReport:
    path: str
    dry_run: bool
    total: int = 0  # data rows
    new: int = 0  # good rows that create a member (or would, in a dry run)
    updates: int = 0  # good rows that update a member already here
    written: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    skipped: list[Kept] = field(default_factory=list)
    balances_kept: list[Kept] = field(default_factory=list)  # rows whose balances are not opened
    ignored_columns: list[DomainError] = field(default_factory=list)  # e.g. 微信号
    openings: list[Opening] = field(default_factory=list)  # opened (or, dry, to be opened)
    warnings: list[RowProblem] = field(default_factory=list)  # good rows, written all the same
    stopped: DomainError | None = None  # why the writing stopped part way (a full disk …)
    cancelled: bool = False  # stopped by the caller part way (progress raised, Ctrl-C)

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    @property
    def good(self) -> int:
        return self.total - len(self.bad_rows)

    @property
    def opening_points(self) -> int:
        return sum(o.points for o in self.openings)

    @property
    def opening_principal(self) -> int:
        return sum(o.principal for o in self.openings)

    @property
    def opening_bonus(self) -> int:
        return sum(o.bonus for o in self.openings)

    def openings_text(self, lang: str | None = DEFAULT_LANG) -> str:
        """ "N members, X points, ¥Y stored value (¥Z bonus) would be opened" (or were)."""
        msgid = (
            N_("{members} members, {points} points, {wallet} stored value ({bonus} bonus) would be opened")
            if self.dry_run
            else N_("{members} members, {points} points, {wallet} stored value ({bonus} bonus) opened")
        )  # fmt: skip
        return translate(msgid, lang, members=len(self.openings), points=self.opening_points,
                         wallet=format_fen(self.opening_principal + self.opening_bonus),
                         bonus=format_fen(self.opening_bonus))  # fmt: skip

    @property
    def finished(self) -> bool:
        return self.stopped is None and not self.cancelled

    def nothing_written(self) -> DomainError | None:
        """Why a run that was to write writes nothing (a dry run: would write nothing);
        None when it writes something."""
        if self.cancelled or self.stopped is not None:
            return None if self.written else self.stopped
        if (self.written if not self.dry_run else self.new + self.updates) > 0:
            return None
        if self.total == 0:
            return DomainError("import.no_rows", path=self.path)
        return DomainError("import.nothing_to_write", total=self.total,
                           bad=len(self.bad_rows), skipped=len(self.skipped))  # fmt: skip


def import_members(
    store: Store, actor: Actor, path: Path, *, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Check (dry run: nothing written) or import a member sheet; bad rows are reported.

    `progress` hears how far the check and then the writing are. Raising from it during
    the check stops with nothing written (the exception goes on); during the writing it
    stops after the chunks already committed, and the report says so (`cancelled`)."""
    path = Path(path)
    report = ImportReport(path=str(path), dry_run=dry_run)
    with store.read() as session:
        check = SheetCheck(session, store.now())
    with sheets.open_sheet(path) as sheet:
        stamp = _stamp(path)
        report.ignored_columns = sheet.columns.ignored
        plan = check_sheet(check, sheet, progress)
        labels = sheet.columns
    _report_plan(report, plan, labels)
    if dry_run or not (report.new or report.updates):
        return report
    if _stamp(path) != stamp:
        raise DomainError("import.file_changed", path=str(path))
    report.openings = []  # from here on: what was opened
    try:
        _write_all(store, actor, check, plan, path, report, progress)
    except Stopped:
        report.cancelled = True
    except KeyboardInterrupt:  # Ctrl-C at the command line: the chunks written stay
        report.cancelled = True
    except DomainError as e:
        if not e.code.startswith("store."):
            raise
        report.stopped = e
    report.problems.sort(key=lambda p: p.row)
    return report


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _report_plan(report: ImportReport, plan: Plan, columns: sheets.Columns) -> None:
    report.total = plan.total
    for row in sorted(plan.problems):
        report.problems += [RowProblem(row, columns.label(f), e) for f, e in plan.problems[row]]
    report.skipped = sorted(plan.kept, key=lambda k: k.row)
    report.balances_kept = plan.balances_kept
    report.openings = plan.openings
    report.new, report.updates = plan.count(NEW), plan.count(UPDATE)


class _Chunks(ChunkedWriter[SheetRow]):
    """The second pass's writing (core/store/chunks.py): each chunk audited with the rows
    it held and the balances it opened."""

    def __init__(self, store: Store, actor: Actor, plan: Plan, path: Path, report: ImportReport,
                 progress: Progress | None) -> None:  # fmt: skip
        super().__init__(store, report.new + report.updates, progress)
        self.actor, self.plan, self.report = actor, plan, report
        self.file = path.name
        self.signup_bonus = not plan.has_points

    def begin(self, uow: UnitOfWork) -> None:
        session = uow.session
        # The identity map holds objects weakly: keep staff and the shop's settings loaded
        # for every row (not the day counters of receipts: a few thousand after some years).
        self._keep = [
            *session.scalars(select(Staff)),
            *session.scalars(select(Setting).where(Setting.key.not_like("receipt.seq.%"))),
        ]
        self._shop = shop_info(session)

    def write_row(self, uow: UnitOfWork, r: SheetRow) -> None:
        _write_row(uow, self.actor, r, self._shop, self.file, self.signup_bonus)

    def audit(
        self, uow: UnitOfWork, first: SheetRow, last: SheetRow, written: list[SheetRow]
    ) -> None:
        opened = [_opening(r) for r in written if r.member_id is None and r.opening]
        uow.audit("import.members", staff_id=self.actor.staff_id, staff_name=self.actor.name,
                  target=self.file[:80],
                  detail={"rows": [first.row, last.row], "written": len(written),
                          "opening_points": sum(o.points for o in opened),
                          "opening_principal": sum(o.principal for o in opened),
                          "opening_bonus": sum(o.bonus for o in opened)})  # fmt: skip

    def wrote(self, written: list[SheetRow]) -> None:
        self.report.written += len(written)
        self.report.openings += [_opening(r) for r in written if r.member_id is None and r.opening]

    def refused(self, r: SheetRow, e: DomainError) -> None:
        errors = e.errors.items() if isinstance(e, ValidationFailed) else [("row", e)]
        self.report.problems += [RowProblem(r.row, sheets.field_name(f), x) for f, x in errors]
        self.plan.mark(r.row, BAD)
        self.report.new -= r.member_id is None
        self.report.updates -= r.member_id is not None


def _opening(r: SheetRow) -> Opening:
    return Opening(r.row, r.name, r.points or 0, r.principal or 0, r.bonus or 0)


def _write_all(store: Store, actor: Actor, check: SheetCheck, plan: Plan, path: Path,
               report: ImportReport, progress: Progress | None) -> None:  # fmt: skip
    """The second pass: the file read again, the rows the plan marks written in chunks,
    each row after the new member in the file who referred it."""
    chunks = _Chunks(store, actor, plan, path, report, progress)
    referenced = set(plan.depends.values())
    queued: set[int] = set()
    waiting: dict[int, list[SheetRow]] = {}

    def queue(r: SheetRow) -> None:
        chunks.add(r)
        if r.row in referenced:
            queued.add(r.row)
            for w in waiting.pop(r.row, []):
                queue(w)

    with sheets.open_sheet(path) as sheet:
        for number, values in sheet.rows:
            if number >= len(plan.state) or plan.state[number] not in (NEW, UPDATE):
                continue
            r = sheets.parse_row(sheet.columns, number, values, check.ctx)
            check.resolve(r)
            r.referrer_key = plan.referrers.get(number)
            first = plan.depends.get(number)
            if first is not None and first not in queued:
                waiting.setdefault(first, []).append(r)
            else:
                queue(r)
    for rows in waiting.values():  # a referrer the store refused: these fail on their own
        for r in rows:
            chunks.add(r)
    chunks.flush()
    with suppress(Stopped):  # everything is written: a stop asked for now stops nothing
        chunks.tell(chunks.done)


def _write_row(uow: UnitOfWork, actor: Actor, r: SheetRow, shop: Any, file: str,
               signup_bonus: bool) -> None:  # fmt: skip
    session = uow.session
    if r.member_id is not None:
        form = _update_form(r, session.get(Member, r.member_id))
        apply_member_form(uow, actor, r.member_id, form, joined=r.joined)
        return
    joined = shop_day_start_utc(r.joined, shop.timezone) if r.joined else None
    m = create_member(uow, _new_form(r), card_no=r.card, joined_at=joined,
                      signup_bonus=signup_bonus)  # fmt: skip
    if not r.opening:
        return
    today = uow.today(shop.timezone)
    note = translate(N_("opening balance from {file}, row {row}"), shop.language, file=file,
                     row=r.row)  # fmt: skip
    if r.points:
        post_points(uow, m, r.points, "opening", today, note=note)
    if r.principal or r.bonus:
        post_wallet(uow, m, r.principal or 0, r.bonus or 0, "opening", today, note=note)


def _new_form(r: SheetRow) -> MemberForm:
    return MemberForm(
        name=r.name, phone=r.phone, gender=r.gender or "U", birthday=r.birthday,
        lunar_birthday=r.lunar, salesperson_id=r.salesperson_id, referrer=r.referrer_key,
        marketing_consent=bool(r.consent), guardian_consent=bool(r.guardian),
        notes=r.notes or "", tier=r.tier,
    )  # fmt: skip


def _update_form(r: SheetRow, m: Member) -> MemberForm:
    """The row over the member: a cell left blank keeps what the store has."""
    birthday, lunar = r.birthday, r.lunar
    if birthday is None and lunar is None and m.birthday is not None:
        if m.birthday_lunar and m.lunar_month and m.lunar_day:
            lunar = LunarDate(lunar_of(m.birthday)[0], m.lunar_month, m.lunar_day, m.lunar_leap)
        else:
            birthday = m.birthday
    return MemberForm(
        name=r.name or m.name, phone=r.phone or m.phone, gender=r.gender or m.gender,
        birthday=birthday, lunar_birthday=lunar,
        salesperson_id=r.salesperson_id or m.salesperson_id, referrer=r.referrer_key,
        marketing_consent=m.marketing_consent if r.consent is None else r.consent,
        guardian_consent=m.guardian_consent if r.guardian is None else r.guardian,
        notes=m.notes if r.notes is None else r.notes, tier=r.tier,
    )  # fmt: skip


def apply_member_form(
    uow: UnitOfWork,
    actor: Actor,
    member_id: str,
    form: MemberForm,
    *,
    joined: date | None = None,
    via: str = "import",
) -> Member:
    """Edit a member inside the caller's transaction, as `member.edit_member` does.

    Same validation and outbox row; `form.tier` None keeps the tier, `form.referrer`
    None keeps the referrer, `joined` (a shop-local date) moves the join date.
    """
    m = uow.session.get(Member, member_id)
    if m is None:
        raise DomainError("member.not_found")
    if m.status == "cancelled":
        raise DomainError("member.cancelled", name=m.name)
    before = member_payload(m)
    apply_form(uow, m, form)
    if form.tier is not None:
        m.tier = form.tier
    tz = shop_info(uow.session).timezone
    if joined is not None and shop_date(from_utc_naive(m.joined_at), tz) != joined:
        m.joined_at = shop_day_start_utc(joined, tz)
    record_change(uow, m, "member.edited", {"by": actor.name, "via": via}, before=before)
    return m


def export_members(
    store: Store, actor: Actor, path: Path, *, full_phone: bool = False,
    authoriser: Actor | None = None, progress: Progress | None = None, lang: str = DEFAULT_LANG,
) -> int:  # fmt: skip
    """Every member (cancelled ones too, erased ones not) and their balances, as .csv (UTF-8 BOM) or .xlsx.

    Phones are masked unless `full_phone`, which needs a manager or owner and is audited.
    Headings, statuses and genders are in `lang`, tiers by the program's names; the import
    reads the file back whatever its language.
    `progress` hears how many rows are written; raising from it leaves no file behind.
    """
    path = Path(path)
    kind = check_format(path)
    allowed = require(actor, "export_full_phone", authoriser) if full_phone else None
    with atomic_write(path) as part:
        with store.read() as session:
            total = session.scalar(select(func.count()).select_from(Member)) if progress else 0
            rows = counted(_export_rows(session, full_phone=full_phone, lang=lang), progress,
                           total or 0)  # fmt: skip
            count = (sheets.write_csv if kind == "csv" else sheets.write_xlsx)(part, rows, lang)
        if allowed is not None:  # recorded before the file appears under its name
            with store.write() as uow:
                uow.audit("export.full_phone", staff_id=actor.staff_id, staff_name=actor.name,
                          authorised_by=None if allowed is actor else allowed.name,
                          target=path.name[:80], detail={"rows": count, "path": str(path)})  # fmt: skip
    return count


def _export_rows(
    session: Session, *, full_phone: bool, lang: str = DEFAULT_LANG
) -> Iterator[list[Any]]:
    tz = ZoneInfo(shop_info(session).timezone)
    staff = dict(session.execute(select(Staff.id, Staff.name)).all())
    cards = dict(session.execute(select(Member.id, Member.card_no)).all())
    tiers = tier_names(session)
    statuses = {code: gettext(name, lang) for code, name in STATUS_NAMES.items()}
    genders = {code: gettext(GENDER_NAMES[code], lang) for code in ("M", "F")}
    yes, no = gettext(sheets.YES_WORD, lang), gettext(sheets.NO_WORD, lang)

    def local(t: datetime | None) -> datetime | None:
        return from_utc_naive(t).astimezone(tz).replace(tzinfo=None, microsecond=0) if t else None

    # An erased member (erase.py) is left out: nothing of theirs is personal any more, and
    # a file imported again would issue the placeholder as a member.
    q = select(Member.__table__).where(not_erased()).order_by(Member.joined_at, Member.card_no)
    for m in session.execute(q.execution_options(yield_per=2000)):
        joined, lunar = local(m.joined_at), ""
        if m.birthday_lunar and m.birthday:
            lunar = sheets.lunar_text(lunar_of(m.birthday)[0], m.lunar_month, m.lunar_day,
                                      m.lunar_leap, lang)  # fmt: skip
        yield [
            m.card_no, m.name, m.phone if full_phone else mask_phone(m.phone),
            genders.get(m.gender, ""), m.birthday, lunar,
            tiers.get(m.tier, m.tier or ""),
            statuses.get(m.status, m.status), staff.get(m.salesperson_id, ""),
            cards.get(m.referrer_id, ""), joined.date() if joined else None,
            yes if m.marketing_consent else no, yes if m.guardian_consent else no, m.points, m.wallet_principal, m.wallet_bonus,
            m.lifetime_spend, m.visit_count, local(m.last_visit_at), m.notes or "",
            local(m.updated_at),
        ]  # fmt: skip
