"""`memberdesk member erase CARD_OR_ID [--yes]`: erase a cancelled member's personal
information (清除个人信息, PIPL art. 47), as the member page's button does; `memberdesk
member copy CARD_OR_ID -o FILE.xlsx`: the member's copy of what the shop holds about them
(个人信息副本, PIPL art. 45), as the member page's 个人信息副本 writes it.

It says first what goes and what stays, asks before going ahead (--yes: without asking;
from a script without it nothing changes), and then a manager or owner names themselves
(--staff or MEMBERDESK_STAFF) and types their PIN, as the window asks for it. A member
that is not cancelled is refused with the window's words. core/members/erase.py does it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .core.i18n import DEFAULT_LANG, N_, Listing, Message, gettext, translate


def _cleared(plan: Any) -> Listing:
    """What the erasure clears, in words: the fields the row holds, and the call notes."""
    from .core.members.erase import PERSONAL

    parts: list[Message] = [Message(PERSONAL[key]) for key in plan.held]
    if plan.call_notes:
        parts.append(Message(N_("the notes of follow-up calls ({n})"), n=plan.call_notes))
    return Listing(parts)


def cmd_member_erase(args: argparse.Namespace) -> int:
    from .cli import open_store, staff_by_pin
    from .confirm import confirmed
    from .core.members.erase import erase_member, erase_plan

    with open_store(args) as store:
        plan = erase_plan(store, args.member)
        m = plan.member
        print(translate(N_("member {name} (card {card}), cancelled: erasing clears for good "
                           "their {cleared}; no one finds them by name or phone any more. The "
                           "card number and the sales, refunds, points and stored-value history "
                           "stay: accounting records the law requires the shop to keep."),
                        args.lang, name=m.name, card=m.card_no, cleared=_cleared(plan)))  # fmt: skip
        if not confirmed(args, f"memberdesk member erase {m.card_no} --yes"):
            return 1
        who = staff_by_pin(args, store, "member_erase")
        done = erase_member(store, who, m.id)
    print(translate(N_("erased the personal information of card {card}: {cleared}; the card "
                       "and its history are kept"),
                    args.lang, card=done.card_no, cleared=_cleared(plan)))  # fmt: skip
    return 0


def cmd_member_copy(args: argparse.Namespace) -> int:
    from .cli import open_store, staff_by_pin
    from .core.followups.personal_copy import personal_copy

    with open_store(args) as store:
        who = staff_by_pin(args, store, "member_copy")
        done = personal_copy(store, who, args.member, args.output, lang=args.lang)
    print(translate(N_("wrote the personal information of card {card} to {path}: the profile, "
                       "{sales} sales, {points} points entries, {wallet} stored-value entries "
                       "and {calls} follow-up calls"), args.lang, card=done.card_no,
                    path=str(done.path), sales=done.sales, points=done.points,
                    wallet=done.wallet, calls=done.calls))  # fmt: skip
    return 0


def add_member_commands(sub: Any, lang: str = DEFAULT_LANG) -> None:
    """Add `member erase` and `member copy` to the `memberdesk` parser."""
    from .cli import STAFF_HELP

    def h(msgid: str) -> str:
        return gettext(msgid, lang)

    s = sub.add_parser("member", help=h(N_("a member's record")))
    member = s.add_subparsers(dest="member_command", required=True)
    s = member.add_parser(
        "erase", help=h(N_("erase a cancelled member's personal information (PIPL art. 47)"))
    )
    s.add_argument("member", metavar="CARD_OR_ID", help=h(N_("card number or member id")))
    s.add_argument("--yes", action="store_true", help=h(N_("go ahead without asking")))
    s.add_argument("--staff", help=h(STAFF_HELP))
    s.set_defaults(handler=cmd_member_erase)
    s = member.add_parser(
        "copy",
        help=h(N_("write a member's copy of their personal information (PIPL art. 45)")),
    )
    s.add_argument("member", metavar="CARD_OR_ID", help=h(N_("card number or member id")))
    s.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.xlsx",
                   help=h(N_("the .xlsx file to write")))  # fmt: skip
    s.add_argument("--staff", help=h(STAFF_HELP))
    s.set_defaults(handler=cmd_member_copy)
