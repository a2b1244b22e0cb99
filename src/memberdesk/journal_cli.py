"""`memberdesk sales find` and `memberdesk report day`: the sales journal and the day-end
report from the command line.

`sales find` prints a table in the reader's language (exit 0; 1 when nothing matches;
2 for a refusal, such as a receipt number no sale has). `report day` writes the A4 PDF
or prints the slip; the report is the owner's, as the other printing commands are.
"""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .core.errors import DomainError
from .core.i18n import DEFAULT_LANG, N_, Listing, gettext, join, name_of, translate


def _say(args: argparse.Namespace, msgid: str, **params: object) -> str:
    return translate(msgid, args.lang, **params)


def _columns(text: str) -> int:
    """How many terminal columns `text` takes (a Hanzi takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """Rows under their headings, columns padded to the widest cell (CJK counted double)."""
    widths = [max(_columns(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - _columns(str(cell)))
            out.append(pad + str(cell) if i in right else str(cell) + pad)
        return "  ".join(out).rstrip()

    return "\n".join([line(headers), *(line(r) for r in rows)])


def _amount(text: str | None) -> int | None:
    from .core.money import parse_yuan

    return None if text is None else parse_yuan(text)


def _query(args: argparse.Namespace) -> Any:
    from .core.till.journal import SaleQuery, parse_day

    if args.date and (args.date_from or args.date_to):
        raise DomainError("journal.date_and_range")
    first = parse_day(args.date or args.date_from)
    last = parse_day(args.date or args.date_to)
    return SaleQuery(
        receipt=args.receipt or "", day_from=first, day_to=last, amount=_amount(args.amount),
        amount_min=_amount(args.min), amount_max=_amount(args.max), member=args.member or "",
        walk_in=args.walk_in, cashier=args.cashier or "",
    )  # fmt: skip


def cmd_sales_find(args: argparse.Namespace) -> int:
    from .core.loyalty.program import TENDER_NAMES
    from .core.money import format_fen
    from .core.till.journal import find_sales
    from .print_cli import _store

    query = _query(args)
    with _store(args) as store:
        page = find_sales(store, query, limit=args.limit)
    lang = args.lang
    if len(page.members) == 1:
        m = page.members[0]
        print(_say(args, N_("member: {name} (card {card})"), name=m.name, card=m.card_no))
    elif page.members:
        print(_say(args, N_("{n} members match: {names}"), n=len(page.members),
                   names=Listing(m.name for m in page.members)))  # fmt: skip
    if not page.rows:
        print(_say(args, N_("no sales found")))
        return 1
    walk_in = gettext(N_("walk-in"), lang)
    headers = [gettext(h, lang) for h in (N_("Receipt"), N_("Time"), N_("Amount"),
               N_("Refunded"), N_("Paid by"), N_("Member"), N_("Cashier"))]  # fmt: skip
    rows = [
        [r.receipt_no, f"{r.local_time:%Y-%m-%d %H:%M}", format_fen(r.total),
         format_fen(r.refunded_total) if r.refunded_total else "",
         join((f"{name_of(TENDER_NAMES, k, lang)} {format_fen(v)}" for k, v in r.tenders.items()),
              lang, kind="phrases"),
         f"{r.member_name} {r.card_no}" if r.member_id else walk_in, r.cashier]
        for r in page.rows
    ]  # fmt: skip
    print(table(headers, rows, right=(2, 3)))
    if page.next is not None:
        print(_say(args, N_("the newest {n} are shown; there are more: narrow the search or "
                            "raise --limit"), n=len(page.rows)))  # fmt: skip
    else:
        print(_say(args, N_("{n} sales"), n=len(page.rows)))
    return 0


def cmd_report_day(args: argparse.Namespace) -> int:
    from .core.printing import jobs
    from .core.printing.day_pdf import build_day_pdf
    from .core.shop.staff import SYSTEM
    from .core.till.day_report import day_report
    from .core.till.journal import parse_day
    from .print_cli import _port, _report, _store

    with _store(args) as store:
        report = day_report(store, SYSTEM, parse_day(args.date))
        if args.output:
            out = build_day_pdf(report, Path(args.output), lang=args.lang)
            print(_say(args, N_("wrote {path}: day-end report of {day}, {pages} pages"),
                       path=out.path, day=report.day.isoformat(), pages=out.pages))  # fmt: skip
            return 0
        port = _port(store, args.printer)
        outcome = jobs.print_now(store, "day", report.day.isoformat(), port)
        return _report(args, store, outcome, port)


def cmd_report_new_members(args: argparse.Namespace) -> int:
    from .core.followups.member_reports import new_members_by_salesperson
    from .print_cli import _store

    with _store(args) as store:
        rows = new_members_by_salesperson(store, args.year, args.lang)
    if not rows:
        print(_say(args, N_("no member joined in {year}"), year=args.year))
        return 1
    headers = [_say(args, N_("Salesperson")), *(str(m) for m in range(1, 13)),
               _say(args, N_("Total"))]  # fmt: skip
    body = [[r.salesperson, *(str(n) for n in r.months), str(r.total)] for r in rows]
    months = [sum(r.months[i] for r in rows) for i in range(12)]
    body.append([_say(args, N_("All")), *(str(n) for n in months), str(sum(months))])
    print(_say(args, N_("New members per salesperson per month, {year}"), year=args.year))
    print(table(headers, body, right=range(1, 14)))
    return 0


def cmd_report_top_spenders(args: argparse.Namespace) -> int:
    from .core.followups.member_reports import top_spenders
    from .core.money import format_fen
    from .print_cli import _store

    with _store(args) as store:
        rows = top_spenders(store, args.year, args.limit, args.lang)
    if not rows:
        print(_say(args, N_("no member bought anything in {year}"), year=args.year))
        return 1
    headers = [_say(args, h) for h in (N_("Rank"), N_("Card"), N_("Name"), N_("Phone"),
                                            N_("Tier"), N_("Salesperson"), N_("Spend"),
                                            N_("Visits"))]  # fmt: skip
    body = [[str(r.rank), r.card_no, r.name, r.phone_masked, r.tier, r.salesperson,
             format_fen(r.spend), str(r.visits)] for r in rows]  # fmt: skip
    print(_say(args, N_("Top spenders of {year}"), year=args.year))
    print(table(headers, body, right=(0, 6, 7)))
    return 0


def add_journal_commands(sub: Any, lang: str = DEFAULT_LANG) -> None:
    """Add `sales find` and `report day` to the `memberdesk` parser."""

    def h(msgid: str) -> str:
        return gettext(msgid, lang)

    s = sub.add_parser("sales", help=h(N_("the sales journal")))
    sales = s.add_subparsers(dest="sales_command", required=True)
    s = sales.add_parser("find", help=h(N_("find sales, newest first")))
    s.add_argument("--receipt", metavar="N",
                   help=h(N_("receipt number, as its barcode reads (a refund slip's number finds "
                             "its sale)")))  # fmt: skip
    s.add_argument("--date", metavar="DATE", help=h(N_("business day, YYYY-MM-DD")))
    s.add_argument("--from", dest="date_from", metavar="DATE", help=h(N_("first day, YYYY-MM-DD")))
    s.add_argument("--to", dest="date_to", metavar="DATE", help=h(N_("last day, YYYY-MM-DD")))
    s.add_argument("--amount", metavar="YUAN", help=h(N_("the sale's total, exactly")))
    s.add_argument("--min", metavar="YUAN", help=h(N_("lowest total")))
    s.add_argument("--max", metavar="YUAN", help=h(N_("highest total")))
    who = s.add_mutually_exclusive_group()
    who.add_argument("--member", metavar="QUERY",
                     help=h(N_("card number, phone, last 4 digits, name or pinyin")))  # fmt: skip
    who.add_argument("--walk-in", action="store_true", help=h(N_("only sales without a member")))
    s.add_argument("--cashier", metavar="NAME", help=h(N_("only this cashier's sales")))
    s.add_argument("--limit", type=int, default=50, help=h(N_("how many to show (newest first)")))
    s.set_defaults(handler=cmd_sales_find)

    s = sub.add_parser("report", help=h(N_("reports")))
    reports = s.add_subparsers(dest="report_command", required=True)
    s = reports.add_parser("day", help=h(N_("the day-end report, as A4 PDF or on the printer")))
    s.add_argument(
        "--date", metavar="DATE", help=h(N_("business day, YYYY-MM-DD (default: today)"))
    )
    out = s.add_mutually_exclusive_group(required=True)
    out.add_argument("-o", "--output", metavar="FILE.pdf")
    out.add_argument("--printer", metavar="SPEC",
                     help="file:PATH | net:HOST:PORT | usb:VID:PID | dummy")  # fmt: skip
    s.set_defaults(handler=cmd_report_day)
    s = reports.add_parser("new-members", help=h(N_("new members per salesperson per month")))
    s.add_argument("--year", type=int, required=True, metavar="YYYY")
    s.set_defaults(handler=cmd_report_new_members)
    s = reports.add_parser("top-spenders", help=h(N_("the year's top spenders")))
    s.add_argument("--year", type=int, required=True, metavar="YYYY")
    s.add_argument("--limit", type=int, default=20, help=h(N_("how many to show")))
    s.set_defaults(handler=cmd_report_top_spenders)
