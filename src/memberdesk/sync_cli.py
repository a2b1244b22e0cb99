"""`memberdesk sync …`: set up, push and watch the sync to head office.

    memberdesk sync setup --url URL --terminal ID     token from stdin or a hidden prompt
    memberdesk sync push [--token-stdin]              one full drain; exit 0 when nothing is left
    memberdesk sync status [--problems N]             pending, last success, last error, problems
    memberdesk sync reconcile [--day YYYY-MM-DD]      compare a business day with HQ's

The token goes to the OS keyring; where there is none it lives only in memory,
so `push` also takes it from MEMBERDESK_SYNC_TOKEN or standard input.
Exit codes of push: 0 all sent, 2 refused (token, clock, store …), 3 HQ unreachable
(everything is kept; try again later).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import date, datetime
from typing import Any

from .core.sync.token_store import ENV_TOKEN, TokenStore
from .core.sync.transport import HttpTransport, Refused, Unreachable

TEXT = {
    "zh": {
        "saved": "已保存同步设置：总部 {url}，终端 {terminal}",
        "token_prompt": "请输入总部提供的终端令牌（输入内容不显示）：",
        "no_token_given": "没有输入令牌",
        "check_ok": "已连接总部：门店 {store}，总部已收到第 {seq} 条为止的记录",
        "check_offline": "暂时连不上总部（{what}）；设置已保存，联网后运行 memberdesk sync push",
        "pushed": "已发送 {acked} 条（{batches} 批），总部拒绝 {rejected} 条，剩余待发送 {left} 条",
        "nothing": "没有待发送的记录",
        "rejected_hint": "被拒绝的记录见 memberdesk sync status",
        "status": "待发送 {pending}，发送中 {inflight}，同步问题 {rejected}",
        "not_configured": "尚未设置同步（memberdesk sync setup）",
        "target": "总部 {url}，终端 {terminal}，门店 {store}",
        "last_success": "上次成功同步：{when}",
        "never": "从未",
        "last_error": "上次错误：{message}",
        "online": "网络状态：{state}",
        "online_yes": "在线",
        "online_no": "离线",
        "online_unknown": "未知",
        "mismatch": "与总部对账不符的营业日：{days}",
        "problems": "同步问题（总部拒绝的记录）：",
        "problem": "  #{seq} {kind} {aggregate} {when}：{reason}",
        "reconcile_match": "{day} 与总部一致",
        "reconcile_incomplete": "{day} 还有记录未发送，暂时无法对账（不同项：{fields}）",
        "reconcile_mismatch": "{day} 与总部不一致：{fields}（本机数据未做任何修改）",
    },
    "en": {
        "saved": "sync settings saved: HQ {url}, terminal {terminal}",
        "token_prompt": "Terminal token from HQ (not shown): ",
        "no_token_given": "no token was given",
        "check_ok": "connected to HQ: store {store}; HQ holds records up to number {seq}",
        "check_offline": "HQ cannot be reached now ({what}); settings saved, run memberdesk sync push when online",
        "pushed": "sent {acked} records ({batches} batches), {rejected} rejected by HQ, {left} left to send",
        "nothing": "nothing to send",
        "rejected_hint": "see memberdesk sync status for the rejected records",
        "status": "pending {pending}, in flight {inflight}, sync problems {rejected}",
        "not_configured": "sync is not set up (memberdesk sync setup)",
        "target": "HQ {url}, terminal {terminal}, store {store}",
        "last_success": "last successful sync: {when}",
        "never": "never",
        "last_error": "last error: {message}",
        "online": "network: {state}",
        "online_yes": "online",
        "online_no": "offline",
        "online_unknown": "unknown",
        "mismatch": "business days that differ from HQ's: {days}",
        "problems": "sync problems (records HQ rejected):",
        "problem": "  #{seq} {kind} {aggregate} {when}: {reason}",
        "reconcile_match": "{day} agrees with HQ",
        "reconcile_incomplete": "{day} still has records to send; cannot compare yet (differs: {fields})",
        "reconcile_mismatch": "{day} differs from HQ: {fields} (nothing was changed here)",
    },
}


def _say(args: argparse.Namespace, key: str, **kw: Any) -> str:
    return TEXT[getattr(args, "lang", "zh")][key].format(**kw)


def _open(args: argparse.Namespace):
    from .cli import open_store

    return open_store(args)


def _stdin_token() -> str:
    return sys.stdin.readline().strip()


def _setup_token(args: argparse.Namespace) -> str:
    if args.token_stdin or not sys.stdin.isatty():
        token = _stdin_token()
    else:
        token = getpass.getpass(_say(args, "token_prompt")).strip()
    if not token:
        from .core.errors import DomainError

        raise DomainError(
            "rule.violation", zh=TEXT["zh"]["no_token_given"], en=TEXT["en"]["no_token_given"]
        )
    return token


def _push_token(args: argparse.Namespace, terminal_id: str) -> str | None:
    if args.token_stdin:
        return _stdin_token() or None
    env = os.environ.get(ENV_TOKEN, "").strip()
    if env:
        return env
    return TokenStore().get(terminal_id)


def cmd_setup(args: argparse.Namespace) -> int:
    from .core.sync.config import configure_sync

    token = _setup_token(args)
    with _open(args) as store:
        config = configure_sync(store, args.url, args.terminal, force=args.force)
    saved = TokenStore().set(config.terminal_id, token)
    print(_say(args, "saved", url=config.url, terminal=config.terminal_id))
    print(saved.message(args.lang))
    if args.no_check:
        return 0
    with HttpTransport(config.url, token, timeout=args.timeout) as transport:
        try:
            hello = transport.handshake(
                config.terminal_id, config.store_code, datetime.now().astimezone().isoformat()
            )
        except Unreachable as exc:
            print(_say(args, "check_offline", what=exc.what))
            return 0
        except Refused as exc:
            from .core.sync.errors import SyncError

            if exc.status == 401:
                raise SyncError("sync.token_refused") from None
            if exc.code == "wrong_store":
                raise SyncError("sync.wrong_store", hq_store=exc.answer.get("store_code", "?"),
                                store=config.store_code) from None  # fmt: skip
            raise SyncError("sync.refused", status=exc.status, code=exc.code or "-") from None
    print(_say(args, "check_ok", store=hello.get("store_code"), seq=hello.get("last_seq")))
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    from .core.sync.config import sync_config
    from .core.sync.errors import SyncError
    from .core.sync.pusher import Pusher

    with _open(args) as store:
        config = sync_config(store)
        if config is None:
            raise SyncError("sync.not_configured")
        token = _push_token(args, config.terminal_id)
        if not token:
            raise SyncError("sync.no_token")
        pusher = Pusher.from_settings(store, token, timeout=args.timeout)
        try:
            report = pusher.drain_once(max_seconds=args.max_seconds)
        finally:
            pusher.close()
    if report.batches or report.pending:
        print(_say(args, "pushed", acked=report.acked, batches=report.batches,
                   rejected=report.rejected, left=report.pending))  # fmt: skip
    elif report.error is None:
        print(_say(args, "nothing"))
    if report.rejected:
        print(_say(args, "rejected_hint"))
    if report.reconciliation is not None:
        _print_reconciliation(args, report.reconciliation)
    if report.error is not None:
        print(report.error.message(args.lang), file=sys.stderr)
        return 3 if report.error.code == "sync.offline" else 2
    return 0 if report.ok else 3


def _local_time(value: datetime | str | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def cmd_status(args: argparse.Namespace) -> int:
    from .core.sync.config import sync_config
    from .core.sync.status import sync_problems, sync_status

    with _open(args) as store:
        status = sync_status(store)
        config = sync_config(store)
        problems = sync_problems(store, limit=args.problems) if args.problems else []
    if config is None:
        print(_say(args, "not_configured"))
    else:
        print(
            _say(
                args, "target", url=config.url, terminal=config.terminal_id, store=config.store_code
            )
        )
    print(
        _say(
            args,
            "status",
            pending=status.pending,
            inflight=status.inflight,
            rejected=status.rejected,
        )
    )
    when = _local_time(status.last_success_at) if status.last_success_at else _say(args, "never")
    print(_say(args, "last_success", when=when))
    state = {True: "online_yes", False: "online_no", None: "online_unknown"}[status.online]
    print(_say(args, "online", state=_say(args, state)))
    if status.last_error is not None:
        print(_say(args, "last_error", message=status.last_error.text(args.lang)))
    if status.mismatch_days:
        print(_say(args, "mismatch", days="、".join(status.mismatch_days)))
    if problems:
        print(_say(args, "problems"))
        for p in problems:
            print(_say(args, "problem", seq=p.seq, kind=p.kind, aggregate=p.aggregate_id,
                       when=_local_time(p.created_at), reason=p.reason))  # fmt: skip
    return 0


def _print_reconciliation(args: argparse.Namespace, result: Any) -> None:
    key = {"match": "reconcile_match", "incomplete": "reconcile_incomplete"}.get(
        result.status, "reconcile_mismatch"
    )
    print(_say(args, key, day=result.day.isoformat(), fields=", ".join(result.differences)))


def cmd_reconcile(args: argparse.Namespace) -> int:
    from .core.clock import shop_date
    from .core.shop.details import get_shop
    from .core.sync.config import sync_config
    from .core.sync.errors import SyncError
    from .core.sync.pusher import Pusher

    with _open(args) as store:
        config = sync_config(store)
        if config is None:
            raise SyncError("sync.not_configured")
        token = _push_token(args, config.terminal_id)
        if not token:
            raise SyncError("sync.no_token")
        day = args.day or shop_date(store.clock.now(), get_shop(store).timezone)
        pusher = Pusher.from_settings(store, token, timeout=args.timeout)
        try:
            result = pusher.reconcile(day)
        except Unreachable as exc:
            raise SyncError("sync.offline", what=exc.what) from None
        except Refused as exc:
            raise pusher._refusal(exc, config.store_code) from None
        finally:
            pusher.close()
    _print_reconciliation(args, result)
    return 0 if result.status == "match" else 1


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是日期 / not a date (YYYY-MM-DD): {text}") from None


def add_sync_commands(subparsers: Any) -> None:
    """Register `sync setup|push|status|reconcile` on the main parser's sub-parsers."""
    sync = subparsers.add_parser("sync", help="同步到总部 / sync to head office")
    sub = sync.add_subparsers(dest="sync_command", required=True)

    s = sub.add_parser(
        "setup", help="设置总部地址和终端令牌 / set HQ's address and this terminal's token"
    )
    s.add_argument("--url", required=True, help="总部地址 / HQ URL, e.g. https://hq.example.com")
    s.add_argument("--terminal", required=True, help="总部分配的终端编号 / terminal id from HQ")
    s.add_argument(
        "--token-stdin", action="store_true", help="从标准输入读令牌 / read the token from stdin"
    )
    s.add_argument("--no-check", action="store_true", help="不连接总部验证 / do not contact HQ")
    s.add_argument(
        "--force",
        action="store_true",
        help="确认更换终端编号 / really switch to another terminal id",
    )
    s.add_argument("--timeout", type=float, default=10.0)
    s.set_defaults(handler=cmd_setup)

    s = sub.add_parser("push", help="把待发送的记录全部发给总部 / send everything pending")
    s.add_argument(
        "--token-stdin", action="store_true", help="从标准输入读令牌 / read the token from stdin"
    )
    s.add_argument(
        "--timeout", type=float, default=30.0, help="每次请求的超时秒数 / per-request timeout"
    )
    s.add_argument("--max-seconds", type=float, default=600.0, help="最长运行时间 / time budget")
    s.set_defaults(handler=cmd_push)

    s = sub.add_parser("status", help="同步状态 / sync status")
    s.add_argument("--problems", type=int, default=20, help="列出多少条同步问题 / problems to list")
    s.set_defaults(handler=cmd_status)

    s = sub.add_parser("reconcile", help="与总部对账 / compare a business day with HQ")
    s.add_argument("--day", type=_day, default=None)
    s.add_argument("--token-stdin", action="store_true")
    s.add_argument("--timeout", type=float, default=30.0)
    s.set_defaults(handler=cmd_reconcile)
