"""`memberdesk coupons issue|list|campaign|report`: coupons from the command line.

Issuing (to members, to the bearer, or to everyone on a follow-up list) is a manager's or
owner's: they name themselves (--staff or MEMBERDESK_STAFF) and type their PIN, as for
the member import. `--slips` prints a coupon slip (with its QR code) for each coupon.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

from .core.i18n import DEFAULT_LANG, N_, gettext, translate
from .core.text import safe_cell


def _say(args: argparse.Namespace, msgid: str, **params: object) -> str:
    return translate(msgid, args.lang, **params)


def _member_ids(store: Any, refs: list[str]) -> list[str]:
    from .core.followups.coupon_campaign import members_by_card_or_phone

    return members_by_card_or_phone(store, refs)


def _print_slips(args: argparse.Namespace, store: Any, issued: list) -> None:
    if not args.slips:
        return
    from .core.printing import jobs
    from .print_cli import _port, _report

    port = _port(store, args.printer)
    for c in issued:
        _report(args, store, jobs.print_now(store, "coupon", c.id, port), port)


def _rules(store: Any) -> Any:
    """The coupon rules of the program in force (each type's cap)."""
    from .core.loyalty.program_store import current_program

    return current_program(store).program.coupons


def _show(args: argparse.Namespace, store: Any, issued: list) -> None:
    rules = _rules(store)
    for c in issued:
        terms = c.terms(rules).text(args.lang)
        print(f"{c.id}  {c.name}  {terms}  {c.valid_from}..{c.valid_until}  {c.code}")
    print(_say(args, N_("{n} coupons issued"), n=len(issued)))


def cmd_issue(args: argparse.Namespace) -> int:
    from .cli import open_store, staff_by_pin
    from .core.coupons.issue import issue_coupons
    from .sync_cli import fetch_chain_key

    with open_store(args) as store:
        fetch_chain_key(args, store)
        members = _member_ids(store, args.member) if args.member else [None] * args.count
        who = staff_by_pin(args, store, "coupon_issue")
        issued = issue_coupons(store, who, args.type, members, campaign=args.campaign or "")
        _show(args, store, issued)
        _print_slips(args, store, issued)
    return 0


def cmd_campaign(args: argparse.Namespace) -> int:
    from .cli import open_store, staff_by_pin
    from .core.followups.coupon_campaign import issue_to_list
    from .core.followups.lists import followup_list
    from .core.followups.sms import sms_for_list
    from .print_cli import _period
    from .sync_cli import fetch_chain_key

    with open_store(args) as store:
        fetch_chain_key(args, store)
        who = staff_by_pin(args, store, "coupon_issue")
        period = _period(args)
        given = issue_to_list(store, who, args.list, args.type, args.name, period=period)
        _show(args, store, list(given.values()))
        if args.sms:
            fl = followup_list(store, args.list, period, lang=args.lang)
            texts = sms_for_list(store, fl, args.template,
                                 coupons={m: c.code for m, c in given.items()})  # fmt: skip
            with Path(args.sms).open("w", encoding="utf-8-sig", newline="") as f:
                out = csv.writer(f)
                out.writerow([gettext(N_("Name"), args.lang), gettext(N_("Phone"), args.lang),
                              gettext(N_("Text"), args.lang)])  # fmt: skip
                out.writerows([safe_cell(m.name), m.phone or "", safe_cell(m.text)] for m in texts)
            print(_say(args, N_("{n} SMS texts written to {path}"), n=len(texts), path=args.sms))
        _print_slips(args, store, list(given.values()))
    return 0


STATUS_NAMES = {"outstanding": N_("Not used"), "redeemed": N_("Used"), "expired": N_("Expired")}


def cmd_list(args: argparse.Namespace) -> int:
    from .cli import open_store
    from .core.coupons.report import list_coupons

    with open_store(args) as store:
        member = _member_ids(store, [args.member])[0] if args.member else None
        found = list_coupons(store, member_id=member, status=args.status, campaign=args.campaign)
        rules = _rules(store)
    for c in found:
        status = gettext(STATUS_NAMES.get(c.status, c.status), args.lang)
        terms = c.terms(rules).text(args.lang)
        print(f"{c.id}  {c.name}  {terms}  {status}  {c.valid_from}..{c.valid_until}  "
              f"{c.campaign or c.source}  {c.code}")  # fmt: skip
    print(_say(args, N_("{n} coupons"), n=len(found)))
    return 0 if found else 1


def cmd_report(args: argparse.Namespace) -> int:
    from .cli import open_store
    from .core.coupons.report import campaign_figures
    from .core.money import format_fen

    with open_store(args) as store:
        figures = campaign_figures(store)
    for f in figures:
        print(_say(args, N_("{campaign} {name}: issued {issued}, redeemed {redeemed}, expired "
                            "{expired}, not used yet {outstanding}; took off {off}, brought "
                            "back {spend}"), campaign=f.title(args.lang), name=f.name or f.type_code,
                   issued=f.issued, redeemed=f.redeemed, expired=f.expired,
                   outstanding=f.outstanding, off=format_fen(f.taken_off),
                   spend=format_fen(f.spend)))  # fmt: skip
    return 0 if figures else 1


def add_coupon_commands(sub: Any, lang: str = DEFAULT_LANG) -> None:
    """Add `coupons issue|list|campaign|report` to the `memberdesk` parser."""
    from .cli import STAFF_HELP
    from .core.followups.lists import LIST_KINDS
    from .print_cli import _period_options

    def h(msgid: str) -> str:
        return gettext(msgid, lang)

    s = sub.add_parser("coupons", help=h(N_("coupons: issue, list, campaigns, report")))
    cmds = s.add_subparsers(dest="coupons_command", required=True)

    def slips(p: argparse.ArgumentParser) -> None:
        p.add_argument("--slips", action="store_true", help=h(N_("print a slip for each coupon")))
        p.add_argument(
            "--printer", help=h(N_("printer: file:/path, net:IP:9100, usb:VID:PID, dummy"))
        )
        p.add_argument("--staff", help=h(STAFF_HELP))

    s = cmds.add_parser("issue", help=h(N_("issue coupons of a type of the program")))
    s.add_argument("type", help=h(N_("the coupon type's code")))
    s.add_argument("--member", action="append", default=[],
                   help=h(N_("a member's card or phone (repeat for several)")))  # fmt: skip
    s.add_argument("--count", type=int, default=1, help=h(N_("coupons for the bearer")))
    s.add_argument("--campaign", help=h(N_("the campaign they belong to")))
    slips(s)
    s.set_defaults(handler=cmd_issue)
    s = cmds.add_parser("campaign", help=h(N_("a coupon to each member of a follow-up list")))
    s.add_argument("list", choices=LIST_KINDS)
    s.add_argument("type", help=h(N_("the coupon type's code")))
    s.add_argument("--name", required=True, help=h(N_("the campaign's name")))
    s.add_argument("--sms", help=h(N_("write the list's SMS texts, with {coupon}, to this .csv")))
    s.add_argument("--template", help=h(N_("the SMS template (default: the list's)")))
    _period_options(s, h)
    slips(s)
    s.set_defaults(handler=cmd_campaign)
    s = cmds.add_parser("list", help=h(N_("list coupons")))
    s.add_argument("--member", help=h(N_("a member's card or phone")))
    s.add_argument("--status", choices=tuple(STATUS_NAMES))
    s.add_argument("--campaign")
    s.set_defaults(handler=cmd_list)
    s = cmds.add_parser("report", help=h(N_("coupons issued and redeemed per campaign")))
    s.set_defaults(handler=cmd_report)
