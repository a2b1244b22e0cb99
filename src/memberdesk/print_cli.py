"""`memberdesk callsheet | cards | receipt | printer | calls`: printing from the command line.

The commands run as the machine's owner (like `export`), so call sheets carry full
phone numbers and the act is audited. A printer problem is one plain line and exit
code 4; the document stays in the print queue (`memberdesk printer retry`).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from .core.errors import DomainError
from .core.i18n import DEFAULT_LANG, N_, Listing, Message, gettext, translate


def _say(args: argparse.Namespace, msgid: str, **params: object) -> str:
    return translate(msgid, args.lang, **params)


# How a print job's document and state read.
DOCUMENT_NAMES = {
    "sale": N_("receipt"), "refund": N_("refund slip"), "topup": N_("stored-value slip"),
    "adjust": N_("points adjustment slip"), "gift": N_("gift slip"), "shift": N_("shift slip"),
    "test": N_("test page"), "day": N_("day-end report"), "countcard": N_("count card slip"),
}  # fmt: skip
JOB_STATUSES = {"pending": N_("waiting"), "done": N_("printed"), "failed": N_("failed")}


def _store(args: argparse.Namespace) -> Any:
    from .cli import open_store

    return open_store(args)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise DomainError("followup.date_invalid", value=text) from exc


def _period(args: argparse.Namespace) -> Any:
    from .core.followups.lists import Period, month_period

    if args.month:
        return month_period(args.month)
    if args.date_from or args.date_to:
        if not (args.date_from and args.date_to):
            raise DomainError("followup.date_invalid", value=args.date_from or args.date_to)
        return Period(_day(args.date_from), _day(args.date_to))
    return None


def cmd_callsheet(args: argparse.Namespace) -> int:
    from .cli import staff_by_pin
    from .core.followups.calllog import export_list
    from .core.followups.callsheet_pdf import build_callsheet_pdf
    from .core.followups.lists import followup_list
    from .core.followups.sms import sms_for_list
    from .core.shop.staff import SYSTEM

    out = Path(args.output)
    with _store(args) as store:
        fl = followup_list(store, args.kind, _period(args), salesperson=args.staff,
                           dormant_days=args.days or None, lang=args.lang)  # fmt: skip
        # Full numbers only for a manager or the owner who names themselves, as `export`.
        full = args.full_phone
        who = staff_by_pin(args, store, "export_full_phone", name_option="by") if full else SYSTEM
        pages = ""
        if out.suffix.lower() == ".pdf":
            result = build_callsheet_pdf(store, who, fl, out, full_phone=full)
            pages = _say(args, N_(", {n} pages"), n=result.pages)
        else:
            export_list(store, who, fl, out, full_phone=full)
        sms = sms_for_list(store, fl)
    print(_say(args, N_("wrote {path}: {title}, {period}, {rows} members{pages}"), path=out,
               title=fl.title, period=fl.period.text(args.lang), rows=len(fl.rows), pages=pages)
          + _say(args, N_("; {n} can get an SMS ({segments} billed messages)"), n=len(sms),
                 segments=sum(m.segments for m in sms)))  # fmt: skip
    return 0


def cmd_cards(args: argparse.Namespace) -> int:
    from .core.members.cards_pdf import build_cards_pdf, card_faces

    with _store(args) as store:
        since = _day(args.new_since) if args.new_since else None
        faces = card_faces(store, card_nos=args.member, new_since=since, lang=args.lang)
    result = build_cards_pdf(faces, Path(args.output), sheet=not args.single)
    print(_say(args, N_("wrote {path}: {n} member cards, {pages} pages"), path=result.path,
               n=result.cards, pages=result.pages))  # fmt: skip
    return 0


def _port(store: Any, spec: str | None) -> Any:
    from .core.printing.printers import get_printer_settings, open_port

    return open_port(get_printer_settings(store), spec) if spec else None


def _report(args: argparse.Namespace, store: Any, outcome: Any, port: Any) -> int:
    from .core.printing.escpos_out import preview_text
    from .core.printing.printers import DummyPort, get_printer_settings

    if isinstance(port, DummyPort) or (
        port is None and get_printer_settings(store).connection == "dummy"
    ):
        sys.stdout.write(
            preview_text(outcome.data, get_printer_settings(store).encoding, args.lang)
        )
    if outcome.ok:
        print(_say(args, N_("printed (job {job})"), job=outcome.job_id))
        return 0
    print(_say(args, N_("printing failed (job {job}): {message}"), job=outcome.job_id,
               message=outcome.text(args.lang)), file=sys.stderr)  # fmt: skip
    return 4


def cmd_receipt(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from .core.printing import jobs
    from .core.store.models import PrintJob
    from .core.till.receipts import last_sale_id, load_sale

    with _store(args) as store:
        with store.read() as s:
            sale_id = last_sale_id(s) if args.last else load_sale(s, args.sale).sale_id
            if sale_id is None:
                raise DomainError("print.no_sale")
            printed = s.scalar(select(PrintJob.id).where(
                PrintJob.kind == "sale", PrintJob.ref_id == sale_id, PrintJob.status == "done").limit(1))  # fmt: skip
        port = _port(store, args.printer)
        outcome = (jobs.reprint if printed else jobs.print_now)(store, "sale", sale_id, port)
        return _report(args, store, outcome, port)


def cmd_printer(args: argparse.Namespace) -> int:
    from .core.printing import jobs
    from .core.printing.printers import get_printer_settings, save_printer_settings
    from .core.shop.staff import SYSTEM

    with _store(args) as store:
        if args.action in ("test", "drawer"):
            port = _port(store, args.printer)
            if args.action == "drawer":
                outcome = jobs.open_drawer(store, SYSTEM, port)
                if outcome.ok:
                    print(outcome.text(args.lang))
                    return 0
                print(outcome.text(args.lang), file=sys.stderr)
                return 4
            return _report(args, store, jobs.test_print(store, port), port)
        if args.action == "set":
            changes = {k: v for k, v in (("connection", args.connection), ("paper_mm", args.paper),
                       ("encoding", args.encoding), ("profile", args.profile), ("cut", args.cut),
                       ("drawer_on_cash", args.drawer), ("codes", args.codes)) if v is not None}  # fmt: skip
            save_printer_settings(store, SYSTEM, **changes)
        if args.action in ("set", "show"):
            print(_say(args, N_("printer settings:")))
            for key, value in get_printer_settings(store).__dict__.items():
                print(f"  {key} = {dict(value) if key == 'copies' else value}")
            return 0
        if args.action == "jobs":
            unfinished = jobs.unfinished_jobs(store)
            for j in unfinished:
                print(_say(args, N_("job {id}  {kind} {ref}  {status}  tried {attempts} times  {error}"),
                           id=j.id, kind=Message(DOCUMENT_NAMES.get(j.kind, j.kind)), ref=j.ref_id,
                           status=Message(JOB_STATUSES.get(j.status, j.status)),
                           attempts=j.attempts, error=j.error_text(args.lang)))  # fmt: skip
            if not unfinished:
                print(_say(args, N_("no unfinished print jobs")))
            return 0
        # retry: one job, or every unfinished one (oldest first)
        ids = [args.job] if args.job else [j.id for j in reversed(jobs.unfinished_jobs(store))]
        if not ids:
            print(_say(args, N_("no unfinished print jobs")))
            return 0
        port = _port(store, args.printer)
        return max(_report(args, store, jobs.retry(store, i, port), port) for i in ids)


def cmd_calls(args: argparse.Namespace) -> int:
    from .core.clock import shop_date
    from .core.followups.calllog import OUTCOMES, follow_up_counts, import_outcomes
    from .core.followups.lists import Period
    from .core.shop.details import get_shop
    from .core.shop.staff import SYSTEM

    with _store(args) as store:
        if args.action == "import":
            if not args.file:
                raise DomainError("store.missing", path="FILE")
            report = import_outcomes(store, SYSTEM, Path(args.file))
            for row, message in report.messages(args.lang):
                print("  " + _say(args, N_("row {row}: {problem}"), row=row, problem=message))
            print(_say(args, N_("{rows} rows with an outcome: {written} written, {duplicates} "
                                "duplicates skipped, {bad} with problems"),
                       rows=report.rows, written=report.written, duplicates=report.duplicates,
                       bad=len(report.problems)))  # fmt: skip
            return 0 if not report.problems else 3
        today = shop_date(store.clock.now(), get_shop(store).timezone)
        counts = follow_up_counts(store, _period(args) or Period(today.replace(day=1), today))
    for c in counts:
        detail = Listing((Message(N_("{outcome} {n}"), outcome=Message(OUTCOMES.get(k, k)), n=n)
                          for k, n in c.by_outcome.items()), kind="phrases")  # fmt: skip
        print(_say(args, N_("{name}: {total} calls ({detail})"), name=c.staff_name, total=c.total,
                   detail=detail))  # fmt: skip
    if not counts:
        print(_say(args, N_("no calls logged in this period")))
    return 0


def _period_options(p: argparse.ArgumentParser, h: Any) -> None:
    p.add_argument("--from", dest="date_from", metavar="DATE", help=h(N_("first day, YYYY-MM-DD")))
    p.add_argument("--to", dest="date_to", metavar="DATE", help=h(N_("last day, YYYY-MM-DD")))
    p.add_argument("--month", metavar="YYYY-MM", help=h(N_("a whole month")))


def add_print_commands(sub: Any, lang: str = DEFAULT_LANG) -> None:
    """Add callsheet, cards, receipt, printer and calls to the `memberdesk` parser."""
    from .core.followups.lists import LIST_KINDS, LIST_NAMES

    def h(msgid: str) -> str:
        return gettext(msgid, lang)

    s = sub.add_parser("callsheet", help=h(N_("call sheets as PDF, CSV or XLSX")))
    kinds = "; ".join(f"{kind} = {h(LIST_NAMES[kind])}" for kind in LIST_KINDS)
    s.add_argument("kind", choices=LIST_KINDS, help=kinds)  # birthdays = 生日关怀; …
    _period_options(s, h)
    s.add_argument("--staff", help=h(N_("only this salesperson's members")))
    s.add_argument("--days", type=int, action="append",
                   help=h(N_("dormant band in days (90/180/365)")))  # fmt: skip
    s.add_argument("--full-phone", action="store_true", help=h(N_("full phone numbers (audited)")))
    s.add_argument("--by", metavar="NAME",
                   help=h(N_("--full-phone: the manager or owner asking for them")))  # fmt: skip
    s.add_argument("-o", "--output", required=True, help="FILE.pdf | .csv | .xlsx")
    s.set_defaults(handler=cmd_callsheet)

    s = sub.add_parser("cards", help=h(N_("member cards as PDF")))
    s.add_argument("--member", action="append", metavar="CARD",
                   help=h(N_("card number; may be repeated")))  # fmt: skip
    s.add_argument("--new-since", metavar="DATE", help=h(N_("members who joined since this day")))
    s.add_argument("--single", action="store_true", help=h(N_("one CR80 card per page")))
    s.add_argument("-o", "--output", required=True, help="FILE.pdf")
    s.set_defaults(handler=cmd_cards)

    s = sub.add_parser("receipt", help=h(N_("print a receipt")))
    g = s.add_mutually_exclusive_group(required=True)
    g.add_argument("sale", nargs="?", metavar="SALE_NO")
    g.add_argument("--last", action="store_true")
    s.add_argument(
        "--printer", metavar="SPEC", help="file:PATH | net:HOST:PORT | usb:VID:PID | dummy"
    )
    s.set_defaults(handler=cmd_receipt)

    s = sub.add_parser("printer", help=h(N_("the receipt printer")))
    s.add_argument("action", choices=("test", "drawer", "show", "set", "jobs", "retry"))
    s.add_argument("job", nargs="?", type=int, help=h(N_("retry: the job's number")))
    s.add_argument("--printer", metavar="SPEC")
    s.add_argument("--connection", metavar="SPEC")
    s.add_argument("--paper", type=int, choices=(58, 80))
    s.add_argument("--encoding", choices=("GB18030", "GBK", "BIG5"))
    s.add_argument("--profile")
    s.add_argument("--codes", choices=("both", "qr", "barcode", "none"))
    s.add_argument("--cut", action=argparse.BooleanOptionalAction, default=None)
    s.add_argument("--drawer", action=argparse.BooleanOptionalAction, default=None)
    s.set_defaults(handler=cmd_printer)

    s = sub.add_parser("calls", help=h(N_("the call log")))
    s.add_argument("action", choices=("import", "counts"))
    s.add_argument("file", nargs="?", help=h(N_("import: the filled-in sheet, .xlsx or .csv")))
    _period_options(s, h)
    s.set_defaults(handler=cmd_calls)
