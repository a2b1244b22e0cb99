"""Import the catalogue from a sheet (.csv / .xlsx) and export it back.

The same machinery and report as the member import (core/members/import_export): the
file is read safely and streamed (encodings sniffed, limits first, memory bounded by
the rows, not the file), a dry run checks every row against the file and the store and
writes nothing, and a real import checks the same way first, then reads the file again
and writes the good rows in short transactions (core/store/chunks.py; one unit of work
with its outbox rows and one audit row per chunk), so the till waits for one chunk at
most. Stopped part way, it keeps whole chunks and says how many rows they held.

Which item a row is about: its code (编码); a row with no code is about the item one
of its barcodes belongs to, else a new item coded by its first barcode. A row for an
item already here updates it; a cell left blank keeps what the item has; a row that
changes nothing is reported as skipped, so running the same file again writes
nothing. A code or barcode another item holds, or one repeated in the file, makes the
rows bad and names them.

A good row with a code or barcode new to its item that the till's box reads another way
is written all the same, with a warning in the report: a code the box reads as a price
(101, 12.50: the rule the item editor asks about, catalogue.codes_read_as_price), and
four digits that end members' phones (the box then asks which is meant: core/items/scan.py;
the editor asks about them too, catalogue.codes_read_as_last4).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text

from ..errors import DomainError, ValidationFailed
from ..files import atomic_write
from ..i18n import DEFAULT_LANG, gettext
from ..members.import_columns import NO_WORD, YES_WORD
from ..members.import_export import ImportReport, RowProblem
from ..members.sheet_files import check_format
from ..money import format_fen
from ..progress import Progress, counted
from ..shop.staff import Actor, require
from ..store.chunks import ChunkedWriter, Stopped
from ..store.database import Store
from ..store.models import Item
from ..store.statements import raw_connection
from ..store.uow import UnitOfWork
from . import sheet as sheets
from .catalogue import (
    ItemForm,
    add_item,
    change_item,
    codes_read_as_last4,
    codes_read_as_price,
)
from .sheet import ItemRow

# What the first pass decided for each row (a byte per row number).
BLANK, NEW, UPDATE, SKIP, BAD = 0, 1, 2, 3, 4


_BY_CODE = (
    "SELECT id, code, name, category, price, member_price, no_discount, earns_points, active"
    " FROM items WHERE code = ?"
)


_BY_BARCODE = (
    "SELECT i.id, i.code, i.name, i.category, i.price, i.member_price, i.no_discount,"
    " i.earns_points, i.active FROM item_barcodes b JOIN items i ON i.id = b.item_id"
    " WHERE b.barcode = ?"
)


_BARCODES = "SELECT barcode FROM item_barcodes WHERE item_id = ? ORDER BY barcode"


@dataclass(frozen=True)
class Skipped:
    """A row about an item already here that changes nothing."""

    row: int
    name: str
    code: str
    reason: DomainError

    def message(self, lang: str | None = DEFAULT_LANG) -> str:
        return self.reason.message(lang)


@dataclass
class ItemsImportReport(ImportReport):
    """The member import's report, about items: `new` items, `updates` of items here."""

    skipped: list[Skipped] = field(default_factory=list)  # type: ignore[assignment]

    def nothing_written(self) -> DomainError | None:
        reason = super().nothing_written()
        if reason is not None and reason.code == "import.nothing_to_write":
            return DomainError("items_import.nothing_to_write", **reason.params)
        return reason


@dataclass
class Plan:
    total: int = 0
    state: bytearray = field(default_factory=bytearray)
    problems: dict[int, list[tuple[str, DomainError]]] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[tuple[int, str, DomainError]] = field(default_factory=list)  # good rows

    def count(self, state: int) -> int:
        return self.state.count(state)

    def mark(self, row: int, state: int) -> None:
        if row >= len(self.state):
            self.state.extend(bytes(row + 1 - len(self.state)))
        self.state[row] = state

    def problem(self, row: int, name: str, error: DomainError) -> None:
        self.problems.setdefault(row, []).append((name, error))
        self.mark(row, BAD)


@dataclass
class Target:
    """The item here a row is about, as it is now."""

    id: str
    code: str
    name: str
    category: str
    price: int
    member_price: int | None
    no_discount: bool
    earns_points: bool
    active: bool
    barcodes: tuple[str, ...]


class RowCheck:
    """A row against the store (read on one connection, row by row: memory does not grow
    with the catalogue) and the rows before it."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self.seen: dict[tuple[str, str], int] = {}  # (code | barcode, value) -> first row
        self.flagged: set[tuple[str, str]] = set()

    def _item(self, sql: str, value: str) -> Target | None:
        row = self.con.execute(sql, (value,)).fetchone()
        if row is None:
            return None
        codes = tuple(r[0] for r in self.con.execute(_BARCODES, (row[0],)))
        return Target(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]), bool(row[7]),
                      bool(row[8]), codes)  # fmt: skip

    def holder(self, value: str) -> Target | None:
        """The item whose code or barcode `value` is."""
        return self._item(_BY_CODE, value) or self._item(_BY_BARCODE, value)

    def resolve(self, r: ItemRow) -> Target | None:
        """The item here the row is about: by its code, else by one of its barcodes."""
        if not r.code:
            return None
        if r.code_given:
            return self._item(_BY_CODE, r.code)
        for barcode in r.barcodes or ():
            found = self.holder(barcode)
            if found is not None:
                r.code = found.code
                return found
        return None

    def match(self, r: ItemRow, plan: Plan) -> Target | None:
        known = self.resolve(r)
        own = known.id if known else None
        if r.code_given and r.code and known is None:
            other = self._item(_BY_BARCODE, r.code)
            if other is not None:
                r.problems.append(("code", DomainError("item.code_duplicate", code=r.code,
                                                       name=other.name)))  # fmt: skip
        for barcode in r.barcodes or ():
            other = self.holder(barcode)
            if other is not None and other.id != own:
                r.problems.append(("barcodes", DomainError("item.barcode_duplicate",
                                                           barcode=barcode, name=other.name,
                                                           code=other.code)))  # fmt: skip
                break
        self._once(r, plan, "code", r.code, "items_import.duplicate_code")
        for barcode in r.barcodes or ():
            if barcode != r.code or r.code_given:
                self._once(r, plan, "barcodes", barcode, "items_import.duplicate_barcode")
        if known is None and r.price is None and not any(n == "price" for n, _ in r.problems):
            r.problems.append(("price", DomainError("items_import.price_missing")))
        form = merged(r, known)
        above = form is not None and (form.member_price or 0) > form.price
        if above and not r.bad:
            error = DomainError("item.member_price_above", price=format_fen(form.price),
                                member_price=format_fen(form.member_price))  # fmt: skip
            r.problems.append(("member_price", error))
        for name, error in r.problems:
            plan.problem(r.row, name, error)
        if r.bad:
            return known
        if known is None:
            plan.mark(r.row, NEW)
        elif unchanged(r, known):
            plan.mark(r.row, SKIP)
            reason = DomainError("items_import.unchanged", name=known.name, code=known.code)
            plan.skipped.append(Skipped(r.row, known.name, known.code, reason))
            return known
        else:
            plan.mark(r.row, UPDATE)
        assert form is not None  # a good row
        self.warn(r, form, known, plan)
        return known

    def warn(self, r: ItemRow, form: ItemForm, known: Target | None, plan: Plan) -> None:
        """The row's codes new to its item that the till's box reads another way."""
        held = (known.code, *known.barcodes) if known else ()
        codes = [c for c in dict.fromkeys((form.code, *form.barcodes)) if c and c not in held]

        def column(code: str) -> str:
            return "code" if code == form.code and r.code_given else "barcodes"

        price = codes_read_as_price(codes, code="items_import.code_reads_as_price")
        if price is not None:
            plan.warnings.append((r.row, column(price.params["code"]), price))
        for error in codes_read_as_last4(self.con, codes, code="items_import.code_is_last4"):
            plan.warnings.append((r.row, column(error.params["code"]), error))

    def _once(self, r: ItemRow, plan: Plan, kind: str, key: str, code: str) -> None:
        """A code or barcode seen on an earlier row: both rows name each other."""
        if not key:
            return
        first = self.seen.setdefault((kind, key), r.row)
        if first == r.row:
            return
        r.problems.append((kind, DomainError(code, value=key, other=first)))
        if (kind, key) not in self.flagged:
            self.flagged.add((kind, key))
            plan.problem(first, kind, DomainError(code, value=key, other=r.row))


def merged(r: ItemRow, known: Target | None) -> ItemForm | None:
    """The item as the row leaves it: the row's cells over what the item has."""
    if known is None:
        if r.price is None:
            return None
        return ItemForm(
            name=r.name, price=r.price, code=r.code, barcodes=r.barcodes or (),
            category=r.category or "", member_price=r.member_price,
            no_discount=bool(r.no_discount), earns_points=r.earns_points is not False,
        )  # fmt: skip
    return ItemForm(
        name=r.name or known.name,
        price=known.price if r.price is None else r.price,
        code=known.code,
        barcodes=known.barcodes if r.barcodes is None else r.barcodes,
        category=known.category if r.category is None else r.category,
        member_price=known.member_price if r.member_price is None else r.member_price,
        no_discount=known.no_discount if r.no_discount is None else r.no_discount,
        earns_points=known.earns_points if r.earns_points is None else r.earns_points,
    )  # fmt: skip


def unchanged(r: ItemRow, known: Target) -> bool:
    form = merged(r, known)
    assert form is not None
    same_state = r.active is None or r.active == known.active
    return same_state and (
        form.name == known.name and form.price == known.price
        and set(form.barcodes) == set(known.barcodes) and form.category == known.category
        and form.member_price == known.member_price and form.no_discount == known.no_discount
        and form.earns_points == known.earns_points
    )  # fmt: skip


def check_sheet(con: sqlite3.Connection, sheet: sheets.Sheet,
                progress: Progress | None = None) -> Plan:  # fmt: skip
    """The first pass: every row read once, checked, and let go."""
    plan = Plan()
    check = RowCheck(con)
    for number, values in counted(sheet.rows, progress):
        check.match(sheets.parse_row(sheet.columns, number, values), plan)
        plan.total += 1
    return plan


def import_items(
    store: Store, actor: Actor, path: Path, *, dry_run: bool, progress: Progress | None = None,
    authoriser: Actor | None = None,
) -> ItemsImportReport:  # fmt: skip
    """Check (dry run: nothing written) or import a catalogue sheet; bad rows are reported.

    A real import is a manager's or owner's (``catalogue_change``). `progress` hears how
    far the check and then the writing are; raising from it during the check stops with
    nothing written, during the writing after the chunks already committed
    (`cancelled`)."""
    path = Path(path)
    allowed = None if dry_run else require(actor, "catalogue_change", authoriser)
    report = ItemsImportReport(path=str(path), dry_run=dry_run)
    with sheets.open_sheet(path) as sheet, store.read() as session:
        stamp = _stamp(path)
        report.ignored_columns = sheet.columns.ignored
        plan = check_sheet(raw_connection(session), sheet, progress)
        labels = sheet.columns
    _report_plan(report, plan, labels)
    if dry_run or not (report.new or report.updates):
        return report
    if _stamp(path) != stamp:
        raise DomainError("import.file_changed", path=str(path))
    try:
        _write_all(store, actor, allowed, plan, path, report, progress)
    except (Stopped, KeyboardInterrupt):
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


def _report_plan(report: ItemsImportReport, plan: Plan, columns: sheets.Columns) -> None:
    report.total = plan.total
    for row in sorted(plan.problems):
        report.problems += [RowProblem(row, columns.label(f), e) for f, e in plan.problems[row]]
    report.skipped = sorted(plan.skipped, key=lambda k: k.row)
    report.warnings = [RowProblem(row, columns.label(f), e) for row, f, e in plan.warnings
                       if plan.state[row] != BAD]  # fmt: skip
    report.new, report.updates = plan.count(NEW), plan.count(UPDATE)


class _Chunks(ChunkedWriter[ItemRow]):
    """The second pass's writing (core/store/chunks.py), each chunk audited."""

    def __init__(self, store: Store, actor: Actor, plan: Plan, path: Path,
                 report: ItemsImportReport, progress: Progress | None) -> None:  # fmt: skip
        super().__init__(store, report.new + report.updates, progress)
        self.actor, self.plan, self.report = actor, plan, report
        self.file = path.name
        self.authorised_by: str | None = None

    def write_row(self, uow: UnitOfWork, r: ItemRow) -> None:
        _write_row(uow, self.actor, r)

    def audit(self, uow: UnitOfWork, first: ItemRow, last: ItemRow, written: list[ItemRow]) -> None:
        uow.audit("items.import", staff_id=self.actor.staff_id, staff_name=self.actor.name,
                  authorised_by=self.authorised_by, target=self.file[:80],
                  detail={"rows": [first.row, last.row], "written": len(written)})  # fmt: skip

    def wrote(self, written: list[ItemRow]) -> None:
        self.report.written += len(written)

    def refused(self, r: ItemRow, e: DomainError) -> None:
        errors = e.errors.items() if isinstance(e, ValidationFailed) else [("row", e)]
        self.report.problems += [RowProblem(r.row, sheets.field_name(f), x) for f, x in errors]
        self.report.warnings = [w for w in self.report.warnings if w.row != r.row]
        was_new = self.plan.state[r.row] == NEW
        self.plan.mark(r.row, BAD)
        self.report.new -= was_new
        self.report.updates -= not was_new


def _write_row(uow: UnitOfWork, actor: Actor, r: ItemRow) -> None:
    """The row as the check saw it, looked up again in this transaction."""
    session = uow.session
    con = raw_connection(session)
    check = RowCheck(con)
    known = check.resolve(r)
    form = merged(r, known)
    if form is None:
        raise DomainError("items_import.price_missing")
    if known is None:
        add_item(uow, actor, form, active=r.active is not False, via="import", audit=False)
        return
    item = session.get(Item, known.id)
    change_item(uow, actor, item, form, active=r.active, via="import", audit=False)


def _write_all(store: Store, actor: Actor, allowed: Actor | None, plan: Plan, path: Path,
               report: ItemsImportReport, progress: Progress | None) -> None:  # fmt: skip
    chunks = _Chunks(store, actor, plan, path, report, progress)
    chunks.authorised_by = None if allowed is None or allowed is actor else allowed.name
    with sheets.open_sheet(path) as sheet:
        for number, values in sheet.rows:
            if number >= len(plan.state) or plan.state[number] not in (NEW, UPDATE):
                continue
            chunks.add(sheets.parse_row(sheet.columns, number, values))
    chunks.flush()
    with suppress(Stopped):  # everything is written: a stop asked for now stops nothing
        chunks.tell(chunks.done)


# ------------------------------------------------------------------ export


_EXPORT = text(
    "SELECT i.code, (SELECT group_concat(barcode, ', ') FROM"
    " (SELECT barcode FROM item_barcodes b WHERE b.item_id = i.id ORDER BY barcode)),"
    " i.name, i.category, i.price, i.member_price, i.no_discount, i.earns_points, i.active"
    " FROM items i ORDER BY i.code"
)


def export_items(store: Store, path: Path, *, progress: Progress | None = None,
                 lang: str = DEFAULT_LANG) -> int:  # fmt: skip
    """Every item (inactive ones too) as .csv (UTF-8 BOM) or .xlsx, headed in `lang`; the
    import reads the file back whatever its language. No cell starts a formula. Raising
    from `progress` leaves no file behind."""
    path = Path(path)
    kind = check_format(path)
    with atomic_write(path) as part, store.read() as session:
        total = session.scalar(text("SELECT count(*) FROM items")) if progress else 0
        rows = counted(_export_rows(session, lang), progress, total or 0)
        return (sheets.write_csv if kind == "csv" else sheets.write_xlsx)(part, rows, lang)


def _export_rows(session: Any, lang: str) -> Iterator[list[Any]]:
    yes, no = gettext(YES_WORD, lang), gettext(NO_WORD, lang)
    active, inactive = gettext(sheets.ACTIVE_WORD, lang), gettext(sheets.INACTIVE_WORD, lang)
    for row in session.execute(_EXPORT.execution_options(yield_per=2000)):
        code, barcodes, name, category, price, member_price, no_discount, earns, on = row
        yield [
            code, barcodes or "", name, category, price, member_price, yes if no_discount else no,
            yes if earns else no, active if on else inactive,
        ]  # fmt: skip
