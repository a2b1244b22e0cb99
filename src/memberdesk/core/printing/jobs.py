"""Print jobs: record, attempt, retry, reprint.

The sale (refund, top-up …) is committed before anything is printed. A job row says
what to print; an attempt lays the document out from the database, renders it, and
sends it with no transaction open; the result is recorded afterwards. A printer that
is off, absent or out of paper makes the attempt return ``ok=False`` with the reason
in plain words — it never raises into the till, and the job can be retried.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..clock import from_utc_naive
from ..errors import DomainError
from ..i18n import DEFAULT_LANG, N_, Message, from_data, gettext, to_data, translate
from ..shop.details import shop_info
from ..shop.staff import Actor
from ..store.database import Store
from ..store.models import PrintJob
from .documents import job_ref, load_slip
from .escpos_out import drawer_kick, render
from .layout import Slip
from .printers import (
    PrinterPort,
    PrinterSettings,
    get_printer_settings,
    open_port,
    parse_spec,
    printer_settings,
)

log = logging.getLogger(__name__)
DRAWER_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class PrintOutcome:
    job_id: int | None
    ok: bool
    message: str  # what the cashier reads: 已打印 or why not (简体; see text)
    attempts: int = 0
    reprint: int = 0
    data: bytes = b""  # what was (or would have been) sent
    error: DomainError | None = None
    msgid: str = ""  # of the message when nothing went wrong

    def text(self, lang: str | None = DEFAULT_LANG) -> str:
        """What the cashier reads, in their language: 已打印, or why not."""
        if self.error is not None:
            return self.error.message(lang)
        return gettext(self.msgid, lang) if self.msgid else self.message


@dataclass(frozen=True)
class JobView:
    id: int
    kind: str
    ref_id: str
    reprint: int
    copies: int
    status: str  # pending | done | failed
    attempts: int
    last_error: str  # the error as stored (see error_text)
    created_at: datetime  # naive UTC
    printed_at: datetime | None

    def error_text(self, lang: str | None = DEFAULT_LANG) -> str:
        """The last error in the reader's language (older jobs kept only its text)."""
        if self.last_error.startswith("{"):
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                return from_data(json.loads(self.last_error)).text(lang)
        return self.last_error


def _view(job: PrintJob) -> JobView:
    return JobView(job.id, job.kind, job.ref_id, job.reprint, job.copies, job.status, job.attempts,
                   job.last_error, job.created_at, job.printed_at)  # fmt: skip


def queue(store: Store, kind: str, ref: str, *, reprint: bool = False) -> int:
    """Record a job. A reprint counts the earlier printed copies: 重印, 重印（第 2 次）…"""
    with store.write() as uow:
        s = uow.session
        settings = printer_settings(s)
        number = 0
        if reprint:
            done = s.scalar(
                select(func.count()).select_from(PrintJob)
                .where(PrintJob.kind == kind, PrintJob.ref_id == ref, PrintJob.status == "done")
            )  # fmt: skip
            number = max(1, int(done or 0))
        job = PrintJob(
            kind=kind, ref_id=ref, reprint=number, copies=1 if reprint else settings.copies_of(kind),
            created_at=uow.now, status="pending", attempts=0, last_error="",
        )  # fmt: skip
        s.add(job)
        s.flush()
        return job.id


def _settings_lines(settings: PrinterSettings, lang: str) -> list[tuple[str, str]]:
    """The test page's settings, (label message id, value in `lang`)."""
    paper = translate(N_("{mm} mm / {columns} columns"), lang, mm=settings.paper_mm,
                      columns=settings.paper.columns)  # fmt: skip
    return [
        (N_("Connection"), parse_spec(settings.connection).describe().text(lang)),
        (N_("Paper width"), paper),
        (N_("Encoding"), settings.encoding),
        (N_("Printer profile"), settings.profile),
        (N_("Cut paper"), gettext(N_("Yes") if settings.cut else N_("No"), lang)),
    ]


def _fresh(session: Session, slip: Slip, store: Store) -> bool:
    """Open the drawer only for a sale just made (a retry after a printer error included),
    never for an old receipt printed from history."""
    if slip.at is None:
        return False
    tz = ZoneInfo(shop_info(session).timezone)
    now = from_utc_naive(store.now()).astimezone(tz).replace(tzinfo=None)
    return timedelta(0) <= now - slip.at <= DRAWER_WINDOW


def run(
    store: Store, job_id: int, port: PrinterPort | None = None, *, connection: str | None = None
) -> PrintOutcome:
    """Attempt a job once. Never raises for a printer problem: see PrintOutcome.ok.
    `connection`: a spec to print through instead of the saved one (a test page of a
    printer not saved yet)."""
    with store.read() as s:
        job = s.get(PrintJob, job_id)
        if job is None:
            raise DomainError("print.job_not_found", job=job_id)
        if job.status == "done":
            raise DomainError("print.already_done")
        settings = printer_settings(s)
        if connection is not None:
            settings = replace(settings, connection=connection)
        kind, ref, reprint, copies = job.kind, job.ref_id, job.reprint, job.copies
        error: DomainError | None = None
        data = b""
        try:
            slip = load_slip(s, kind, ref, settings.paper, now=store.now(), reprint=reprint,
                             settings_lines=_settings_lines(settings, shop_info(s).language)
                             if kind == "test" else None)  # fmt: skip
            kick = (
                settings.drawer_on_cash
                and slip.opens_drawer
                and reprint == 0
                and _fresh(s, slip, store)
            )
            data = render(slip, profile=settings.profile, copies=copies, cut=settings.cut,
                          codes=settings.codes, drawer_pin=settings.drawer_pin if kick else None)  # fmt: skip
        except DomainError as exc:
            error = exc
        except Exception as exc:  # a layout bug must not take the till down with it
            log.exception("laying out print job %s (%s %s) failed", job_id, kind, ref)
            error = DomainError("print.layout_failed", why=f"{type(exc).__name__}: {exc}")
    if error is None:
        try:
            (port or open_port(settings)).send(data)
        except DomainError as exc:
            error = exc
        except Exception as exc:
            log.exception("sending print job %s failed", job_id)
            error = DomainError("printer.write_failed", where=settings.connection, why=str(exc))
    if error is not None and kind == "test":
        error = nothing_kept(error)
    attempts = _record(store, job_id, error)
    if error is not None:
        log.warning("print job %s (%s %s) failed: %s", job_id, kind, ref, error)
        return PrintOutcome(job_id, False, error.message(), attempts, reprint, data, error)
    done = N_("Printed")
    return PrintOutcome(job_id, True, gettext(done), attempts, reprint, data, msgid=done)


# A printer's refusals end with "the document is saved": true of a receipt, which can be
# printed again from history, but not of a test page or the drawer's kick.
_KEPT = {
    "printer.offline": "printer.offline_check",
    "printer.usb_library_missing": "printer.usb_library_missing_check",
    "printer.paper_out": "printer.paper_out_check",
    "printer.write_failed": "printer.write_failed_check",
    "print.layout_failed": "print.layout_failed_check",
}


def nothing_kept(error: DomainError) -> DomainError:
    """`error` as said where no document is kept: what failed and what to check only."""
    code = _KEPT.get(error.code)
    return error if code is None else DomainError(code, **error.params)


def _record(store: Store, job_id: int, error: DomainError | None) -> int:
    """Note the attempt; a database too busy to take the note must not undo the print."""
    try:
        with store.write() as uow:
            job = uow.session.get(PrintJob, job_id)
            job.attempts += 1
            if error is None:
                job.status, job.last_error, job.printed_at = "done", "", uow.now
            else:
                stored = json.dumps(
                    to_data(Message(error.msgid, **error.params)), ensure_ascii=False
                )
                job.status, job.last_error = "failed", stored
            return job.attempts
    except Exception:
        log.exception("recording print job %s failed", job_id)
        return 0


def print_now(store: Store, kind: str, ref: str, port: PrinterPort | None = None) -> PrintOutcome:
    """Print a document that was just completed (copies as configured, drawer if cash)."""
    return run(store, queue(store, kind, ref), port)


def print_result(store: Store, result: object, port: PrinterPort | None = None) -> PrintOutcome:
    """Print what an operation returned: a SaleResult, RefundResult, WalletResult …"""
    kind, ref = job_ref(result)
    return print_now(store, kind, ref, port)


def reprint(store: Store, kind: str, ref: str, port: PrinterPort | None = None) -> PrintOutcome:
    """Print a document again from history, marked 重印; one copy, no drawer."""
    return run(store, queue(store, kind, ref, reprint=True), port)


def retry(store: Store, job_id: int, port: PrinterPort | None = None) -> PrintOutcome:
    return run(store, job_id, port)


def unfinished_jobs(store: Store, limit: int = 50) -> list[JobView]:
    """Jobs that did not print (newest first): what the till offers to print again."""
    with store.read() as s:
        rows = s.scalars(
            select(PrintJob)
            .where(PrintJob.status != "done")
            .order_by(PrintJob.id.desc())
            .limit(limit)
        )
        return [_view(j) for j in rows]


def job(store: Store, job_id: int) -> JobView:
    with store.read() as s:
        row = s.get(PrintJob, job_id)
        if row is None:
            raise DomainError("print.job_not_found", job=job_id)
        return _view(row)


def test_print(
    store: Store, port: PrinterPort | None = None, *, connection: str | None = None
) -> PrintOutcome:
    """The test page, through `connection` (a spec) if given, else the saved printer; the
    page names the connection it went through."""
    if connection is not None:
        parse_spec(connection)  # a spec that cannot be read is refused before anything is queued
    return run(store, queue(store, "test", ""), port, connection=connection)


def open_drawer(store: Store, actor: Actor, port: PrinterPort | None = None) -> PrintOutcome:
    """Kick the cash drawer without a sale (the till's button); audited either way."""
    settings = get_printer_settings(store)
    error: DomainError | None = None
    data = drawer_kick(settings.drawer_pin)
    try:
        (port or open_port(settings)).send(data)
    except DomainError as exc:
        error = nothing_kept(exc)
    with store.write() as uow:
        uow.audit("drawer.open", staff_id=actor.staff_id, staff_name=actor.name,
                  detail={"ok": error is None, "error": error.message() if error else ""})  # fmt: skip
    if error is not None:
        return PrintOutcome(None, False, error.message(), data=data, error=error)
    opened = N_("Cash drawer opened")
    return PrintOutcome(None, True, gettext(opened), data=data, msgid=opened)
