"""`memberdesk-hq`: run the head-office server and administer stores and terminals.

    memberdesk-hq serve --db URL [--host 127.0.0.1] [--port 8600]
    memberdesk-hq add-store CODE [--name NAME] [--tz Asia/Shanghai] --db URL
    memberdesk-hq add-terminal --store S [--id ID] [--name NAME] --db URL   (prints the token once)
    memberdesk-hq revoke-terminal ID --db URL
    memberdesk-hq new-token ID --db URL                                     (a fresh token, shown once)
    memberdesk-hq terminals [--store S] --db URL
    memberdesk-hq totals --store S --day YYYY-MM-DD [--terminal T] [--json] --db URL

--db takes a SQLAlchemy URL (postgresql+psycopg://user:pw@host/db) or an SQLite
file path; the default is $MEMBERDESK_HQ_DB, else hq.sqlite in the user data folder.
--lang zh|zh_TW|en picks the language of what the commands print (简体中文 by default).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import date

from sqlalchemy.exc import SQLAlchemyError

from ..core.i18n import (
    DEFAULT_LANG,
    LANG_CHOICES,
    N_,
    Message,
    gettext,
    lang_from_argv,
    normalise,
    translate,
)
from ..core.loyalty.program import TENDER_NAMES
from ..core.money import format_fen
from ..core.till.totals import DAY_TOTAL_NAMES
from .db import default_url, open_database
from .provision import (
    NewTerminal,
    ProvisionError,
    add_store,
    add_terminal,
    list_terminals,
    new_token_for,
    revoke_terminal,
)
from .totals import day_totals

log = logging.getLogger("memberdesk.hq")


def _engine(args: argparse.Namespace):
    return open_database(args.db)


def _say(args: argparse.Namespace, msgid: str, **params: object) -> str:
    return translate(msgid, args.lang, **params)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import Limits, create_app

    engine = _engine(args)
    app = create_app(
        engine,
        limits=Limits(
            max_events=args.max_events, max_bytes=args.max_bytes, max_body=args.max_bytes
        ),
    )
    uvicorn.run(
        app, host=args.host, port=args.port, log_level=args.log_level, access_log=args.access_log
    )
    engine.dispose()
    return 0


def cmd_add_store(args: argparse.Namespace) -> int:
    add_store(_engine(args), args.code, args.name, args.tz)
    print(_say(args, N_("store {code} added"), code=args.code))
    return 0


def _print_token(args: argparse.Namespace, new: NewTerminal) -> None:
    # Fixed keys, whatever the language: scripts read the token from this line.
    print(f"terminal: {new.id}")
    print(f"store:    {new.store_code}")
    print(f"token:    {new.token}")
    print(_say(args, N_("This token is shown once; HQ keeps only its hash.")))


def cmd_add_terminal(args: argparse.Namespace) -> int:
    new = add_terminal(_engine(args), args.store, terminal_id=args.id, name=args.name)
    _print_token(args, new)
    return 0


def cmd_new_token(args: argparse.Namespace) -> int:
    _print_token(args, new_token_for(_engine(args), args.terminal))
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    revoke_terminal(_engine(args), args.terminal)
    print(_say(args, N_("terminal {terminal} revoked"), terminal=args.terminal))
    return 0


TERMINAL_STATES = {"active": N_("in use"), "revoked": N_("revoked")}


def cmd_terminals(args: argparse.Namespace) -> int:
    for t in list_terminals(_engine(args), args.store):
        state = TERMINAL_STATES["revoked" if t.revoked_at else "active"]
        seen = t.last_seen_at.isoformat(timespec="seconds") if t.last_seen_at else "-"
        print(_say(args, N_("{terminal}  {store}  {state}  last record {seq}  last seen {seen}  {name}"),
                   terminal=t.id, store=t.store_code, state=Message(state), seq=t.last_seq,
                   seen=seen, name=t.name))  # fmt: skip
    return 0


def cmd_totals(args: argparse.Namespace) -> int:
    engine = _engine(args)
    with engine.connect() as conn:
        totals = day_totals(conn, args.store, args.day, args.terminal)
    if args.json:
        print(json.dumps(totals.to_json(), ensure_ascii=False, sort_keys=True))
        return 0
    if args.terminal:
        print(_say(args, N_("{store} {day}, terminal {terminal}"), store=args.store,
                   day=args.day.isoformat(), terminal=args.terminal))  # fmt: skip
    else:
        print(_say(args, N_("{store} {day}"), store=args.store, day=args.day.isoformat()))
    lines = [
        (N_("Sales"), _say(args, N_("{count}, {amount}"), count=totals.sales_count,
                           amount=format_fen(totals.gross))),
        (N_("Refunds"), _say(args, N_("{count}, {amount}"), count=totals.refunds_count,
                             amount=format_fen(totals.refunds_amount))),
        (N_("Net"), format_fen(totals.net)),
        *((_tender_line(N_("Taken by {tender}"), kind), format_fen(amount))
          for kind, amount in totals.tenders.items()),
        *((_tender_line(N_("Refunded by {tender}"), kind), format_fen(amount))
          for kind, amount in totals.refund_tenders.items()),
        (N_("Points"), _say(args, N_("+{earned} / -{spent} / other {other}"),
                            earned=totals.points_earned, spent=totals.points_spent,
                            other=totals.points_other)),
        (N_("Stored value"), _say(args, N_("in {amount_in} / out {amount_out}"),
                                  amount_in=format_fen(totals.wallet_in),
                                  amount_out=format_fen(totals.wallet_out))),
        (DAY_TOTAL_NAMES["new_members"], str(totals.new_members)),
    ]  # fmt: skip
    for label, value in lines:
        print(f"  {translate(label, args.lang) if isinstance(label, str) else label.text(args.lang)}"
              f"  {value}")  # fmt: skip
    return 0


def _tender_line(msgid: str, kind: str) -> Message:
    return Message(msgid, tender=Message(TENDER_NAMES[kind]) if kind in TENDER_NAMES else kind)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"YYYY-MM-DD: {text}") from None


def build_parser(lang: str = DEFAULT_LANG) -> argparse.ArgumentParser:
    def h(msgid: str) -> str:
        return gettext(msgid, lang)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=default_url(), help=h(N_("SQLAlchemy URL or SQLite file")))
    p = argparse.ArgumentParser(prog="memberdesk-hq", description=h(N_("memberdesk head office")))
    p.add_argument("--lang", choices=LANG_CHOICES, default="zh",
                   help=h(N_("language: zh (Simplified Chinese), zh_TW (Traditional Chinese), en")))  # fmt: skip
    # Also after the command (memberdesk-hq add-store S001 --lang en); given only there, it wins.
    common.add_argument("--lang", choices=LANG_CHOICES, default=argparse.SUPPRESS,
                        help=argparse.SUPPRESS)  # fmt: skip
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", parents=[common], help=h(N_("run the HQ server")))
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8600)
    s.add_argument("--max-events", type=int, default=1000)
    s.add_argument("--max-bytes", type=int, default=4 * 1024 * 1024)
    s.add_argument("--log-level", default="info")
    s.add_argument("--no-access-log", dest="access_log", action="store_false")
    s.set_defaults(handler=cmd_serve)
    s = sub.add_parser("add-store", parents=[common], help=h(N_("add a store")))
    s.add_argument("code")
    s.add_argument("--name", default="")
    s.add_argument("--tz", default="Asia/Shanghai")
    s.set_defaults(handler=cmd_add_store)
    s = sub.add_parser(
        "add-terminal", parents=[common], help=h(N_("add a terminal; prints its token once"))
    )
    s.add_argument("--store", required=True)
    s.add_argument("--id", default=None)
    s.add_argument("--name", default="")
    s.set_defaults(handler=cmd_add_terminal)
    s = sub.add_parser("revoke-terminal", parents=[common], help=h(N_("revoke a terminal's token")))
    s.add_argument("terminal")
    s.set_defaults(handler=cmd_revoke)
    s = sub.add_parser(
        "new-token", parents=[common], help=h(N_("issue a new token for a terminal"))
    )
    s.add_argument("terminal")
    s.set_defaults(handler=cmd_new_token)
    s = sub.add_parser("terminals", parents=[common], help=h(N_("list terminals")))
    s.add_argument("--store", default=None)
    s.set_defaults(handler=cmd_terminals)
    s = sub.add_parser("totals", parents=[common], help=h(N_("a store's business day")))
    s.add_argument("--store", required=True)
    s.add_argument("--day", required=True, type=_day)
    s.add_argument("--terminal", default=None)
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=cmd_totals)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(lang_from_argv(sys.argv[1:] if argv is None else argv)).parse_args(argv)
    args.lang = normalise(args.lang)
    level = logging.INFO if args.command == "serve" else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.handler(args)
    except ProvisionError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        log.debug("database error", exc_info=True)
        detail = f"{type(exc).__name__}: {exc.orig if hasattr(exc, 'orig') else exc}"
        print(_say(args, N_("database error: {detail}"), detail=detail)[:500], file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
