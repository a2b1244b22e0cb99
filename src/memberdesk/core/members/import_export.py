"""Import members from a shop's old sheet (.csv / .xlsx) and export them back.

A dry run checks every row against the file and the store and writes nothing. A real
import writes every good row in ONE transaction through the operations the till uses
(validation, card, search keys, outbox row) and reports the bad ones. A row that
matches a member already here (same card, else same phone) updates that member only
when the row's 更新时间 is newer than the store's; a blank cell keeps what the store
has. A new member must be 正常 (other statuses are set through the card operations, and
an import does not change a member's status). Opening points and balances are not
imported here: the ledgers are the truth and the loyalty module writes them, so those
columns are reported as ignored.
"""

from __future__ import annotations

from collections.abc import Iterator
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
from ..i18n import DEFAULT_LANG, Listing, Message, gettext, text_of
from ..loyalty.program_store import tier_names
from ..progress import STEP, Progress, counted
from ..shop.details import read_setting, shop_info
from ..shop.staff import Actor, require
from ..store.database import Store
from ..store.models import Card, Member, Setting, Staff
from ..store.uow import UnitOfWork
from . import import_columns as sheets
from .birthdays import lunar_of
from .import_columns import RowContext, SheetRow
from .member import (
    GENDER_NAMES,
    STATUS_NAMES,
    LunarDate,
    MemberForm,
    apply_form,
    create_member,
    record_change,
)
from .phone import mask_phone, normalize_mobile

EXPORT_HEADERS = sheets.EXPORT_HEADERS  # what `import_members` reads back


CHUNK = 500  # rows written under one savepoint


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


@dataclass(frozen=True)
class RowSkipped:
    """A row about a member already here whose record in the store is not older: kept."""

    row: int
    member_name: str
    card_no: str
    reason: DomainError

    def message(self, lang: str | None = DEFAULT_LANG) -> str:
        return self.reason.message(lang)


@dataclass
class ImportReport:
    path: str
    dry_run: bool
    total: int = 0  # data rows
    new: int = 0  # good rows that create a member (or would, in a dry run)
    updates: int = 0  # good rows that update a member already here
    written: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    skipped: list[RowSkipped] = field(default_factory=list)
    ignored_columns: list[DomainError] = field(default_factory=list)  # e.g. 积分, 储值

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    @property
    def good(self) -> int:
        return self.total - len(self.bad_rows)


class _Check:
    """The store's members, cards, staff and tiers loaded once: a dict lookup per row."""

    def __init__(self, session: Session, now: datetime):
        shop = shop_info(session)
        today = shop_date(from_utc_naive(now), shop.timezone)
        self.ctx = RowContext(shop.card_prefix, ZoneInfo(shop.timezone), now, today)
        q = select(Member.id, Member.name, Member.card_no, Member.phone, Member.status,
                   Member.updated_at, Member.tier)  # fmt: skip
        self.members = {m.id: m for m in session.execute(q)}
        self.by_card = dict(session.execute(select(Card.card_no, Card.member_id)).all())
        self.by_phone = {m.phone: i for i, m in self.members.items()
                         if m.phone and m.status != "cancelled"}  # fmt: skip
        self.staff = dict(session.execute(select(Staff.name, Staff.id)).all())
        # A shop that never saved its program gets the default preset on its first member.
        self.names = tier_names(session)
        self.tiers = _tier_codes(read_setting(session, "program.tier_codes", None) or self.names)
        self.seen: dict[tuple[str, str], SheetRow] = {}  # (kind, key) -> first row with it
        self.flagged: set[tuple[str, str]] = set()

    def match(self, r: SheetRow) -> None:
        """The row against the store (same card, else same phone) and the rows before it."""
        by_card = self.by_card.get(r.card) if r.card else None
        by_phone = self.by_phone.get(r.phone) if r.phone else None
        r.member_id = target = by_card or by_phone
        known = self.members.get(target) if target else None
        live = (known.status if known else r.status or "active") != "cancelled"
        if by_card and by_phone and by_card != by_phone and live:
            other = self.members[by_phone]
            r.problems.append(("phone", DomainError("phone.duplicate", name=other.name, card=other.card_no)))  # fmt: skip
        elif known and by_phone and r.card and not by_card:
            r.problems.append(("card", DomainError("import.card_mismatch", card=r.card, phone=r.phone,
                                                   name=known.name, member_card=known.card_no)))  # fmt: skip
        if r.masked and (known is None or mask_phone(known.phone) != r.masked):
            r.problems.append(("phone", DomainError("import.phone_masked", phone=r.masked)))
        if known is None and r.status not in (None, "active"):
            status = Message(STATUS_NAMES[r.status])
            r.problems.append(("status", DomainError("import.status_new", status=status)))
        if r.salesperson:
            r.salesperson_id = self.staff.get(r.salesperson)
            if r.salesperson_id is None:
                r.problems.append(("salesperson", DomainError("import.salesperson_unknown", name=r.salesperson)))  # fmt: skip
        if r.tier and not (known and known.tier == r.tier):
            r.tier = self._tier(r, r.tier)
        self._once(r, "card", r.card, "import.duplicate_card")
        if live:
            self._once(r, "phone", r.phone, "import.duplicate_phone")
        if target and not r.bad:
            self._once(r, "row", target, "import.same_member", known.name)
        if known is not None and not r.bad:
            self._decide(r, known)

    def _tier(self, r: SheetRow, tier: str) -> str:
        code = (self.tiers or {}).get(tier.lower())
        if code is None and self.tiers:
            known = Listing(dict.fromkeys(self.names.get(c, c) for c in self.tiers.values()))
            r.problems.append(("tier", DomainError("import.tier_unknown", tier=tier, known=known)))
        elif code is None:  # no tiers until the loyalty program sets them up
            r.problems.append(("tier", DomainError("import.tier_unconfigured", tier=tier)))
        return code or tier

    def _once(self, r: SheetRow, kind: str, key: str | None, code: str, shown: str = "") -> None:
        """A card, phone or member seen on an earlier row: both rows name each other."""
        first = self.seen.setdefault((kind, key), r) if key else r
        if first is r:
            return
        r.problems.append((kind, DomainError(code, value=shown or key, other=first.row)))
        if (kind, key) not in self.flagged:
            self.flagged.add((kind, key))
            first.problems.append((kind, DomainError(code, value=shown or key, other=r.row)))

    def _decide(self, r: SheetRow, known: Any) -> None:
        """Update the member only when the row's 更新时间 is newer than the store's."""
        stored = known.updated_at.replace(microsecond=0)
        when = from_utc_naive(stored).astimezone(self.ctx.tz).strftime("%Y-%m-%d %H:%M:%S")
        if r.updated is None:
            r.skip = DomainError("import.skip_no_time", name=known.name, when=when)
        elif r.updated == stored:
            r.skip = DomainError("import.skip_same", name=known.name, when=when)
        elif r.updated < stored:
            r.skip = DomainError("import.skip_newer", name=known.name, when=when)
        elif known.status == "cancelled":
            r.problems.append(("row", DomainError("member.cancelled", name=known.name)))

    def referrers(self, rows: list[SheetRow]) -> None:
        """推荐人 is a card or phone of a member here, or of a new member in the same file."""
        for r in rows:
            if not r.referrer:
                continue
            key = r.referrer.upper()
            try:
                phone = normalize_mobile(key)
            except DomainError:
                phone = ""
            target = self.by_card.get(key) or self.by_phone.get(phone)
            ref = self.seen.get(("card", key)) or self.seen.get(("phone", phone))
            if target is None and ref is not None and ref.member_id:
                target = ref.member_id
            if (target is not None and target == r.member_id) or (target is None and ref is r):
                r.problems.append(("referrer", DomainError("referrer.self")))
            elif target is not None:
                r.referrer_key = self.members[target].card_no
            elif ref is None:
                r.problems.append(("referrer", DomainError("referrer.not_found", ref=r.referrer)))
            else:
                r.depends_on, r.referrer_key = ref, ref.card or ref.phone

    def write_order(self, rows: list[SheetRow]) -> list[SheetRow]:
        """Good rows to write, each after the new member who referred it; broken chains reported."""
        state = {r.row: "bad" for r in rows if r.bad}
        order: list[SheetRow] = []
        for r in rows:
            path: list[SheetRow] = []
            cur: SheetRow | None = r
            while cur is not None and cur.row not in state and cur not in path:
                path.append(cur)
                cur = cur.depends_on
            if cur is not None and cur in path:  # a circle of referrers
                cycle, path = path[path.index(cur) :], path[: path.index(cur)]
                text = Listing(x.row for x in cycle)
                for x in cycle:
                    x.problems.append(("referrer", DomainError("import.referrer_cycle", rows=text)))
                    state[x.row] = "bad"
            broken = cur is not None and state.get(cur.row) == "bad"
            for x in reversed(path):
                if broken and x.depends_on is not None:
                    error = DomainError("import.referrer_bad_row", ref=x.referrer, row=x.depends_on.row)  # fmt: skip
                    x.problems.append(("referrer", error))
                state[x.row] = "bad" if broken else "done"
                if not broken and x.skip is None:
                    order.append(x)
        return order


def _tier_codes(setting: Any) -> dict[str, str] | None:
    """program.tier_codes (codes or names, or {code: name}) → {spelling: code}; None if unset."""
    if not setting:
        return None
    pairs = setting.items() if isinstance(setting, dict) else ((str(t), str(t)) for t in setting)
    spellings: dict[str, str] = {}
    for code, name in pairs:
        spellings.setdefault(sheets.plain(code).lower(), code)
        spellings.setdefault(sheets.plain(name).lower(), code)
    return spellings


def import_members(
    store: Store, actor: Actor, path: Path, *, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Check (dry run: nothing written) or import a member sheet; bad rows are reported.

    `progress` is told how far the check and then the writing are; raising from it stops
    the import with nothing written."""
    path = Path(path)
    report = ImportReport(path=str(path), dry_run=dry_run)
    with sheets.open_sheet(path) as sheet:
        report.ignored_columns = sheet.columns.ignored
        if dry_run:
            with store.read() as session:
                _check_all(session, sheet, report, store.now(), progress)
            return report
        with store.write() as uow:
            order = _check_all(uow.session, sheet, report, uow.now, progress)
            _write(uow, actor, order, report, progress)
            if report.written:
                uow.audit("import.members", staff_id=actor.staff_id, staff_name=actor.name,
                          target=path.name[:80], detail={"rows": report.total,
                          "written": report.written, "bad_rows": len(report.bad_rows)})  # fmt: skip
    return report


def _check_all(session: Session, sheet: Any, report: ImportReport, now: datetime,
               progress: Progress | None = None) -> list[SheetRow]:  # fmt: skip
    check = _Check(session, now)
    rows = []
    for number, values in counted(sheet.rows, progress):
        r = sheets.parse_row(sheet.columns, number, values, check.ctx)
        check.match(r)
        rows.append(r)
    check.referrers(rows)
    order = check.write_order(rows)
    report.total = len(rows)
    for r in rows:
        report.problems += [RowProblem(r.row, sheet.columns.label(f), e) for f, e in r.problems]
        if r.skip is not None and not r.bad:
            known = check.members[r.member_id]
            report.skipped.append(RowSkipped(r.row, known.name, known.card_no, r.skip))
    report.new = sum(1 for r in order if r.member_id is None)
    report.updates = len(order) - report.new
    return order


def _write(uow: UnitOfWork, actor: Actor, order: list[SheetRow], report: ImportReport,
           progress: Progress | None = None) -> None:  # fmt: skip
    """Write in savepoints of CHUNK rows; a chunk the store refuses is redone row by row.

    The check above makes a refusal rare (only if members/member.py validates something more),
    and a savepoint per row would double the cost of a large import.
    """
    session, tz = uow.session, shop_info(uow.session).timezone
    # The identity map holds objects weakly: keep staff and settings loaded for every row.
    keep = [*session.scalars(select(Staff)), *session.scalars(select(Setting))]  # noqa: F841

    def write(r: SheetRow) -> None:
        if r.member_id is None:
            joined = shop_day_start_utc(r.joined, tz) if r.joined else None
            create_member(uow, _new_form(r), card_no=r.card, joined_at=joined)
        else:
            form = _update_form(r, session.get(Member, r.member_id))
            apply_member_form(uow, actor, r.member_id, form, joined=r.joined)

    for start in range(0, len(order), CHUNK):
        chunk = order[start : start + CHUNK]
        try:
            with session.begin_nested():
                for i, r in enumerate(chunk, start):
                    if progress is not None and i % STEP == 0:
                        progress(i, len(order))
                    write(r)
            report.written += len(chunk)
            continue
        except DomainError:
            pass
        for r in chunk:
            try:
                with session.begin_nested():
                    write(r)
                report.written += 1
            except DomainError as e:
                errors = e.errors.items() if isinstance(e, ValidationFailed) else [("row", e)]
                report.problems += [RowProblem(r.row, sheets.field_name(f), x) for f, x in errors]  # fmt: skip
                report.new -= r.member_id is None
                report.updates -= r.member_id is not None
    report.problems.sort(key=lambda p: p.row)


def _new_form(r: SheetRow) -> MemberForm:
    return MemberForm(
        name=r.name, phone=r.phone, gender=r.gender or "U", birthday=r.birthday,
        lunar_birthday=r.lunar, salesperson_id=r.salesperson_id, referrer=r.referrer_key,
        marketing_consent=bool(r.consent), notes=r.notes or "", tier=r.tier,
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
    apply_form(uow, m, form)
    if form.tier is not None:
        m.tier = form.tier
    tz = shop_info(uow.session).timezone
    if joined is not None and shop_date(from_utc_naive(m.joined_at), tz) != joined:
        m.joined_at = shop_day_start_utc(joined, tz)
    record_change(uow, m, "member.edited", {"by": actor.name, "via": via})
    return m


def export_members(
    store: Store, actor: Actor, path: Path, *, full_phone: bool = False,
    authoriser: Actor | None = None, progress: Progress | None = None, lang: str = DEFAULT_LANG,
) -> int:  # fmt: skip
    """Every member (cancelled ones too) and their balances, as .csv (UTF-8 BOM) or .xlsx.

    Phones are masked unless `full_phone`, which needs a manager or owner and is audited.
    Headings, statuses and genders are in `lang`, tiers by the program's names; the import
    reads the file back whatever its language.
    `progress` hears how many rows are written; raising from it leaves no file behind.
    """
    path = Path(path)
    kind = sheets.check_format(path)
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

    q = select(Member.__table__).order_by(Member.joined_at, Member.card_no)
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
            yes if m.marketing_consent else no, m.points, m.wallet_principal, m.wallet_bonus,
            m.lifetime_spend, m.visit_count, local(m.last_visit_at), m.notes or "",
            local(m.updated_at),
        ]  # fmt: skip
