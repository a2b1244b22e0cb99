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

TEXT = {
    "zh": {
        "sheet_done": "已生成 {path}：{title}，{period}，{rows} 位会员{pages}",
        "pages": "，{n} 页",
        "sms": "；可发短信 {n} 位（共 {segments} 条计费短信）",
        "cards_done": "已生成 {path}：{n} 张会员卡，{pages} 页",
        "printed": "已打印（任务 {job}）",
        "print_failed": "打印失败（任务 {job}）：{message}",
        "drawer": "钱箱已打开",
        "no_jobs": "没有未完成的打印任务",
        "job": "任务 {id}  {kind} {ref}  {status}  已尝试 {attempts} 次  {error}",
        "settings": "打印机设置：",
        "imported": "共 {rows} 行有结果：写入 {written} 条，重复跳过 {dup} 条，有问题 {bad} 行",
        "counts": "{name}：{total} 次（{detail}）",
        "no_calls": "这段时间没有联系记录",
    },
    "en": {
        "sheet_done": "wrote {path}: {title}, {period}, {rows} members{pages}",
        "pages": ", {n} pages",
        "sms": "; {n} can get an SMS ({segments} billed messages)",
        "cards_done": "wrote {path}: {n} member cards, {pages} pages",
        "printed": "printed (job {job})",
        "print_failed": "printing failed (job {job}): {message}",
        "drawer": "cash drawer opened",
        "no_jobs": "no unfinished print jobs",
        "job": "job {id}  {kind} {ref}  {status}  tried {attempts} times  {error}",
        "settings": "printer settings:",
        "imported": "{rows} rows with an outcome: {written} written, {dup} duplicates skipped, {bad} with problems",
        "counts": "{name}: {total} calls ({detail})",
        "no_calls": "no calls logged in this period",
    },
}


def _say(args: argparse.Namespace, key: str, **kw: object) -> str:
    return TEXT[args.lang][key].format(**kw)


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
    from .core.followups.calllog import export_list
    from .core.followups.callsheet_pdf import build_callsheet_pdf
    from .core.followups.lists import followup_list
    from .core.followups.sms import sms_for_list
    from .core.shop.staff import SYSTEM

    out = Path(args.output)
    with _store(args) as store:
        fl = followup_list(store, args.kind, _period(args), salesperson=args.staff,
                           dormant_days=args.days or None)  # fmt: skip
        pages = ""
        if out.suffix.lower() == ".pdf":
            result = build_callsheet_pdf(store, SYSTEM, fl, out)
            pages = _say(args, "pages", n=result.pages)
        else:
            export_list(store, SYSTEM, fl, out)
        sms = sms_for_list(store, fl)
    print(_say(args, "sheet_done", path=out, title=fl.title, period=fl.period.label, rows=len(fl.rows),
               pages=pages) + _say(args, "sms", n=len(sms), segments=sum(m.segments for m in sms)))  # fmt: skip
    return 0


def cmd_cards(args: argparse.Namespace) -> int:
    from .core.members.cards_pdf import build_cards_pdf, card_faces

    with _store(args) as store:
        since = _day(args.new_since) if args.new_since else None
        faces = card_faces(store, card_nos=args.member, new_since=since)
    result = build_cards_pdf(faces, Path(args.output), sheet=not args.single)
    print(_say(args, "cards_done", path=result.path, n=result.cards, pages=result.pages))
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
        sys.stdout.write(preview_text(outcome.data, get_printer_settings(store).encoding))
    if outcome.ok:
        print(_say(args, "printed", job=outcome.job_id))
        return 0
    message = outcome.error.message(args.lang) if outcome.error else outcome.message
    print(_say(args, "print_failed", job=outcome.job_id, message=message), file=sys.stderr)
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
                    print(_say(args, "drawer"))
                    return 0
                print(
                    outcome.error.message(args.lang) if outcome.error else outcome.message,
                    file=sys.stderr,
                )
                return 4
            return _report(args, store, jobs.test_print(store, port), port)
        if args.action == "set":
            changes = {k: v for k, v in (("connection", args.connection), ("paper_mm", args.paper),
                       ("encoding", args.encoding), ("profile", args.profile), ("cut", args.cut),
                       ("drawer_on_cash", args.drawer), ("codes", args.codes)) if v is not None}  # fmt: skip
            save_printer_settings(store, SYSTEM, **changes)
        if args.action in ("set", "show"):
            print(_say(args, "settings"))
            for key, value in get_printer_settings(store).__dict__.items():
                print(f"  {key} = {dict(value) if key == 'copies' else value}")
            return 0
        if args.action == "jobs":
            unfinished = jobs.unfinished_jobs(store)
            for j in unfinished:
                print(_say(args, "job", id=j.id, kind=j.kind, ref=j.ref_id, status=j.status,
                           attempts=j.attempts, error=j.last_error))  # fmt: skip
            if not unfinished:
                print(_say(args, "no_jobs"))
            return 0
        # retry: one job, or every unfinished one (oldest first)
        ids = [args.job] if args.job else [j.id for j in reversed(jobs.unfinished_jobs(store))]
        if not ids:
            print(_say(args, "no_jobs"))
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
            for row, message in report.problems:
                print(
                    f"  第 {row} 行：{message}" if args.lang == "zh" else f"  row {row}: {message}"
                )
            print(_say(args, "imported", rows=report.rows, written=report.written,
                       dup=report.duplicates, bad=len(report.problems)))  # fmt: skip
            return 0 if not report.problems else 3
        today = shop_date(store.clock.now(), get_shop(store).timezone)
        counts = follow_up_counts(store, _period(args) or Period(today.replace(day=1), today))
    for c in counts:
        detail = "，".join(f"{OUTCOMES.get(k, k)} {n}" for k, n in c.by_outcome.items())
        print(_say(args, "counts", name=c.staff_name, total=c.total, detail=detail))
    if not counts:
        print(_say(args, "no_calls"))
    return 0


def _period_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="date_from", metavar="DATE", help="开始日期 YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="结束日期 YYYY-MM-DD")
    p.add_argument("--month", metavar="YYYY-MM", help="整月 / a whole month")


def add_print_commands(sub: Any) -> None:
    """Add callsheet, cards, receipt, printer and calls to the `memberdesk` parser."""
    from .core.followups.lists import LIST_KINDS

    s = sub.add_parser("callsheet", help="回访名单 PDF/CSV/XLSX / call sheets")
    s.add_argument("kind", choices=LIST_KINDS)
    _period_options(s)
    s.add_argument("--staff", help="只看这位导购的会员 / one salesperson's members")
    s.add_argument(
        "--days", type=int, action="append", help="沉睡天数档（90/180/365）/ dormant band"
    )
    s.add_argument("-o", "--output", required=True, help="FILE.pdf | .csv | .xlsx")
    s.set_defaults(handler=cmd_callsheet)

    s = sub.add_parser("cards", help="会员卡 PDF / member cards")
    s.add_argument("--member", action="append", metavar="CARD", help="卡号，可重复 / card number")
    s.add_argument("--new-since", metavar="DATE", help="此日以后入会的会员 / joined since")
    s.add_argument("--single", action="store_true", help="每页一张 CR80 / one card per page")
    s.add_argument("-o", "--output", required=True, help="FILE.pdf")
    s.set_defaults(handler=cmd_cards)

    s = sub.add_parser("receipt", help="打印小票 / print a receipt")
    g = s.add_mutually_exclusive_group(required=True)
    g.add_argument("sale", nargs="?", metavar="SALE_NO")
    g.add_argument("--last", action="store_true")
    s.add_argument(
        "--printer", metavar="SPEC", help="file:PATH | net:HOST:PORT | usb:VID:PID | dummy"
    )
    s.set_defaults(handler=cmd_receipt)

    s = sub.add_parser("printer", help="小票打印机 / receipt printer")
    s.add_argument("action", choices=("test", "drawer", "show", "set", "jobs", "retry"))
    s.add_argument("job", nargs="?", type=int, help="retry: 任务编号 / job id")
    s.add_argument("--printer", metavar="SPEC")
    s.add_argument("--connection", metavar="SPEC")
    s.add_argument("--paper", type=int, choices=(58, 80))
    s.add_argument("--encoding", choices=("GB18030", "GBK", "BIG5"))
    s.add_argument("--profile")
    s.add_argument("--codes", choices=("both", "qr", "barcode", "none"))
    s.add_argument("--cut", action=argparse.BooleanOptionalAction, default=None)
    s.add_argument("--drawer", action=argparse.BooleanOptionalAction, default=None)
    s.set_defaults(handler=cmd_printer)

    s = sub.add_parser("calls", help="回访记录 / call log")
    s.add_argument("action", choices=("import", "counts"))
    s.add_argument("file", nargs="?", help="import: 填好的名单 .xlsx/.csv")
    _period_options(s)
    s.set_defaults(handler=cmd_calls)
