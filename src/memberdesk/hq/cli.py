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
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import date

from sqlalchemy.exc import SQLAlchemyError

from ..core.money import format_fen
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
    print(f"门店 {args.code} 已添加 / store {args.code} added")
    return 0


def _print_token(new: NewTerminal) -> None:
    print(f"terminal: {new.id}")
    print(f"store:    {new.store_code}")
    print(f"token:    {new.token}")
    print(
        "这个令牌只显示这一次，总部只保存它的摘要。/ This token is shown once; HQ keeps only its hash."
    )


def cmd_add_terminal(args: argparse.Namespace) -> int:
    _print_token(add_terminal(_engine(args), args.store, terminal_id=args.id, name=args.name))
    return 0


def cmd_new_token(args: argparse.Namespace) -> int:
    _print_token(new_token_for(_engine(args), args.terminal))
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    revoke_terminal(_engine(args), args.terminal)
    print(f"终端 {args.terminal} 的令牌已作废 / terminal {args.terminal} revoked")
    return 0


def cmd_terminals(args: argparse.Namespace) -> int:
    for t in list_terminals(_engine(args), args.store):
        state = "revoked" if t.revoked_at else "active"
        seen = t.last_seen_at.isoformat(timespec="seconds") if t.last_seen_at else "-"
        print(f"{t.id}  {t.store_code}  {state}  last_seq={t.last_seq}  last_seen={seen}  {t.name}")
    return 0


def cmd_totals(args: argparse.Namespace) -> int:
    engine = _engine(args)
    with engine.connect() as conn:
        totals = day_totals(conn, args.store, args.day, args.terminal)
    if args.json:
        print(json.dumps(totals.to_json(), ensure_ascii=False, sort_keys=True))
        return 0
    print(
        f"{args.store} {args.day.isoformat()}"
        + (f" terminal {args.terminal}" if args.terminal else "")
    )
    print(f"  销售 sales        {totals.sales_count} 笔  {format_fen(totals.gross)}")
    print(f"  退款 refunds      {totals.refunds_count} 笔  {format_fen(totals.refunds_amount)}")
    print(f"  净额 net          {format_fen(totals.net)}")
    for kind, amount in totals.tenders.items():
        print(f"  收款 {kind:<12} {format_fen(amount)}")
    for kind, amount in totals.refund_tenders.items():
        print(f"  退回 {kind:<12} {format_fen(amount)}")
    print(
        f"  积分 points       +{totals.points_earned} / -{totals.points_spent} / 其他 {totals.points_other}"
    )
    print(
        f"  储值 wallet       in {format_fen(totals.wallet_in)} / out {format_fen(totals.wallet_out)}"
    )
    print(f"  新会员 new members {totals.new_members}")
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=default_url(), help="SQLAlchemy URL or SQLite file")
    p = argparse.ArgumentParser(
        prog="memberdesk-hq", description="memberdesk 总部服务 / head office"
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", parents=[common], help="run the HQ server")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8600)
    s.add_argument("--max-events", type=int, default=1000)
    s.add_argument("--max-bytes", type=int, default=4 * 1024 * 1024)
    s.add_argument("--log-level", default="info")
    s.add_argument("--no-access-log", dest="access_log", action="store_false")
    s.set_defaults(handler=cmd_serve)
    s = sub.add_parser("add-store", parents=[common], help="add a store")
    s.add_argument("code")
    s.add_argument("--name", default="")
    s.add_argument("--tz", default="Asia/Shanghai")
    s.set_defaults(handler=cmd_add_store)
    s = sub.add_parser(
        "add-terminal", parents=[common], help="add a terminal; prints its token once"
    )
    s.add_argument("--store", required=True)
    s.add_argument("--id", default=None)
    s.add_argument("--name", default="")
    s.set_defaults(handler=cmd_add_terminal)
    s = sub.add_parser("revoke-terminal", parents=[common], help="revoke a terminal's token")
    s.add_argument("terminal")
    s.set_defaults(handler=cmd_revoke)
    s = sub.add_parser("new-token", parents=[common], help="issue a new token for a terminal")
    s.add_argument("terminal")
    s.set_defaults(handler=cmd_new_token)
    s = sub.add_parser("terminals", parents=[common], help="list terminals")
    s.add_argument("--store", default=None)
    s.set_defaults(handler=cmd_terminals)
    s = sub.add_parser("totals", parents=[common], help="a store's business day")
    s.add_argument("--store", required=True)
    s.add_argument("--day", required=True, type=_day)
    s.add_argument("--terminal", default=None)
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=cmd_totals)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.INFO if args.command == "serve" else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.handler(args)
    except ProvisionError as exc:
        print(f"{exc.zh} / {exc.en}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        log.debug("database error", exc_info=True)
        print(
            f"数据库错误 / database error: {type(exc).__name__}: {exc.orig if hasattr(exc, 'orig') else exc}"[
                :500
            ],
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
