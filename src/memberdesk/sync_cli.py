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
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from .core.i18n import DEFAULT_LANG, N_, Listing, Message, gettext, translate
from .core.sync.token_store import ENV_TOKEN, TokenStore
from .core.sync.transport import HttpTransport, Refused, Unreachable
from .core.till.totals import DAY_TOTAL_NAMES


def _say(args: argparse.Namespace, msgid: str, **params: Any) -> str:
    return translate(msgid, getattr(args, "lang", DEFAULT_LANG), **params)


def _open(args: argparse.Namespace):
    from .cli import open_store

    return open_store(args)


def _stdin_token() -> str:
    return sys.stdin.readline().strip()


def _setup_token(args: argparse.Namespace) -> str:
    if args.token_stdin or not sys.stdin.isatty():
        token = _stdin_token()
    else:
        token = getpass.getpass(_say(args, N_("Terminal token from HQ (not shown): "))).strip()
    if not token:
        from .core.errors import DomainError

        raise DomainError("sync.no_token_given")
    return token


def _push_token(args: argparse.Namespace, terminal_id: str) -> str | None:
    if args.token_stdin:  # read once: `sync run` asks twice
        if not hasattr(args, "stdin_token"):
            args.stdin_token = _stdin_token() or None
        return args.stdin_token
    env = os.environ.get(ENV_TOKEN, "").strip()
    if env:
        return env
    return TokenStore().get(terminal_id)


def cmd_setup(args: argparse.Namespace) -> int:
    from .core.sync.config import configure_sync
    from .core.sync.pusher import Pusher, RetryPolicy

    token = _setup_token(args)
    with _open(args) as store:
        config = configure_sync(store, args.url, args.terminal, force=args.force)
        saved = TokenStore().set(config.terminal_id, token)
        print(_say(args, N_("sync settings saved: HQ {url}, terminal {terminal}"), url=config.url,
                   terminal=config.terminal_id))  # fmt: skip
        print(saved.message(args.lang))
        if args.no_check:
            return 0
        transport = HttpTransport(config.url, token, timeout=args.timeout)
        pusher = Pusher(store, transport, retry=RetryPolicy(max_attempts=1))
        try:
            hello = pusher.introduce()
        except Unreachable as exc:
            print(_say(args, N_("HQ cannot be reached now ({what}); settings saved, run "
                                "memberdesk sync push when online"), what=exc.what))  # fmt: skip
            return 0
        finally:
            pusher.close()
    print(_say(args, N_("connected to HQ: store {store}, terminal {terminal}, card prefix "
                        "{prefix}; HQ holds records up to number {seq}"),
               store=hello.get("store_code"), terminal=hello.get("terminal_code", "-"),
               prefix=hello.get("card_prefix", "-"), seq=hello.get("last_seq")))  # fmt: skip
    return 0


def fetch_chain_key(args: argparse.Namespace, store: Any) -> None:
    """Before a command signs coupons: where the chain's key is not in this process (no OS
    keyring keeps it between programs), take it from HQ's handshake, as the window does at
    its start. Offline or not set up, nothing happens: issuing then says what to do."""
    from .core.coupons.keys import LOCAL_KEY_ID, known_keys
    from .core.errors import DomainError
    from .core.sync.config import sync_config
    from .core.sync.pusher import Pusher, RetryPolicy
    from .core.sync.transport import TransportError

    config = sync_config(store)
    if config is None or set(known_keys(config.terminal_id)) - {LOCAL_KEY_ID}:
        return
    token = os.environ.get(ENV_TOKEN, "").strip() or TokenStore().get(config.terminal_id)
    if not token:
        return
    pusher = Pusher(store, HttpTransport(config.url, token, timeout=10),
                    retry=RetryPolicy(max_attempts=1))  # fmt: skip
    try:
        pusher.introduce()
    except (TransportError, DomainError):  # offline, refused, the clock: said when issuing
        pass
    finally:
        pusher.close()


@contextmanager
def _configured(args: argparse.Namespace) -> Iterator[tuple[Any, Any, str]]:
    """The store, its sync settings and the terminal's token; refused when sync is not set
    up or the token is missing."""
    from .core.sync.config import sync_config
    from .core.sync.errors import SyncError

    with _open(args) as store:
        config = sync_config(store)
        if config is None:
            raise SyncError("sync.not_configured")
        token = _push_token(args, config.terminal_id)
        if not token:
            raise SyncError("sync.no_token")
        yield store, config, token


def cmd_push(args: argparse.Namespace) -> int:
    from .core.sync.pusher import Pusher

    with _configured(args) as (store, _config, token):
        pusher = Pusher.from_settings(store, token, timeout=args.timeout)
        try:
            report = pusher.drain_once(max_seconds=args.max_seconds)
        finally:
            pusher.close()
    if report.batches or report.pending:
        print(_say(args, N_("sent {acked} records ({batches} batches), {rejected} rejected by HQ, "
                            "{left} left to send"),
                   acked=report.acked, batches=report.batches, rejected=report.rejected,
                   left=report.pending))  # fmt: skip
    elif report.error is None:
        print(_say(args, N_("nothing to send")))
    if report.rejected:
        print(_say(args, N_("see memberdesk sync status for the rejected records")))
    if report.reconciliation is not None:
        _print_reconciliation(args, report.reconciliation)
    if report.error is not None:
        print(report.error.message(args.lang), file=sys.stderr)
        return 3 if report.error.code == "sync.offline" else 2
    return 0 if report.ok else 3


def _pull(args: argparse.Namespace, store: Any, token: str, url: str) -> int:
    """Pull the chain's member directory; prints what came and returns an exit code."""
    from .core.sync.pull import pull_directory

    with HttpTransport(url, token, timeout=args.timeout) as transport:
        report = pull_directory(store, transport, max_seconds=args.max_seconds)
    if report.error is None or report.members:  # a pull that got nothing says only why
        print(_say(args, N_("received {members} members of the chain ({added} new here) in {seconds} s"),
                   members=report.members, added=report.added, seconds=f"{report.seconds:.1f}"))  # fmt: skip
    if report.error is not None:
        print(report.error.message(args.lang), file=sys.stderr)
        return 3 if report.error.code == "sync.offline" else 2
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    with _configured(args) as (store, config, token):
        return _pull(args, store, token, config.url)


def cmd_run(args: argparse.Namespace) -> int:
    """Push, then pull: one sync round."""
    from .core.sync.config import sync_config

    pushed = cmd_push(args)
    if pushed == 2:
        return pushed
    with _open(args) as store:
        config = sync_config(store)
        token = _push_token(args, config.terminal_id) if config else None
        pulled = _pull(args, store, token or "", config.url) if config else 2
    return max(pushed, pulled)


def _local_time(value: datetime | str | None, timezone: str) -> str:
    """A stored moment (UTC) on the shop's clock, as its receipts give it (not this
    computer's, which may be set to another zone)."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    if value is None:
        return "-"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M:%S")


def cmd_status(args: argparse.Namespace) -> int:
    from .core.shop.details import get_shop
    from .core.sync.config import sync_config
    from .core.sync.status import sync_problems, sync_status

    with _open(args) as store:
        status = sync_status(store)
        config = sync_config(store)
        timezone = get_shop(store).timezone
        problems = sync_problems(store, limit=args.problems) if args.problems else []
    if config is None:
        print(_say(args, N_("sync is not set up (memberdesk sync setup)")))
    else:
        print(_say(args, N_("HQ {url}, terminal {terminal}, store {store}"), url=config.url,
                   terminal=config.terminal_id, store=config.store_code))  # fmt: skip
    print(_say(args, N_("pending {pending}, in flight {inflight}, sync problems {rejected}"),
               pending=status.pending, inflight=status.inflight, rejected=status.rejected))  # fmt: skip
    when = (
        _local_time(status.last_success_at, timezone)
        if status.last_success_at
        else _say(args, N_("never"))
    )
    print(_say(args, N_("last successful sync: {when}"), when=when))
    state = {True: N_("online"), False: N_("offline"), None: N_("unknown")}[status.online]
    print(_say(args, N_("network: {state}"), state=Message(state)))
    if status.last_error is not None:
        print(_say(args, N_("last error: {message}"), message=status.last_error.text(args.lang)))
    if status.mismatch_days:
        print(_say(args, N_("business days that differ from HQ's: {days}"),
                   days=Listing(status.mismatch_days)))  # fmt: skip
    if problems:
        print(_say(args, N_("sync problems (records HQ rejected):")))
        for p in problems:
            print(_say(args, N_("  #{seq} {kind} {aggregate} {when}: {reason}"), seq=p.seq,
                       kind=p.what(args.lang), aggregate=p.aggregate_id,
                       when=_local_time(p.created_at, timezone), reason=p.why(args.lang)))  # fmt: skip
    return 0


def _print_reconciliation(args: argparse.Namespace, result: Any) -> None:
    text = {
        "match": N_("{day} agrees with HQ"),
        "incomplete": N_("{day} still has records to send; cannot compare yet (differs: {fields})"),
    }.get(result.status, N_("{day} differs from HQ: {fields} (nothing was changed here)"))
    fields = Listing(Message(DAY_TOTAL_NAMES[f]) if f in DAY_TOTAL_NAMES else f
                     for f in result.differences)  # fmt: skip
    print(_say(args, text, day=result.day.isoformat(), fields=fields))


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
        raise argparse.ArgumentTypeError(f"YYYY-MM-DD: {text}") from None


def add_sync_commands(subparsers: Any, lang: str = DEFAULT_LANG) -> None:
    """Register `sync setup|push|pull|run|status|reconcile` on the main parser's sub-parsers."""

    def h(msgid: str) -> str:
        return gettext(msgid, lang)

    sync = subparsers.add_parser("sync", help=h(N_("sync to head office")))
    sub = sync.add_subparsers(dest="sync_command", required=True)

    s = sub.add_parser("setup", help=h(N_("set HQ's address and this terminal's token")))
    s.add_argument("--url", required=True, help=h(N_("HQ's address, e.g. https://hq.example.com")))
    s.add_argument("--terminal", required=True, help=h(N_("the terminal id HQ gave")))
    s.add_argument("--token-stdin", action="store_true", help=h(N_("read the token from stdin")))
    s.add_argument("--no-check", action="store_true", help=h(N_("do not contact HQ to check")))
    s.add_argument(
        "--force", action="store_true", help=h(N_("really switch to another terminal id"))
    )
    s.add_argument("--timeout", type=float, default=10.0)
    s.set_defaults(handler=cmd_setup)

    s = sub.add_parser("push", help=h(N_("send everything pending to HQ")))
    s.add_argument("--token-stdin", action="store_true", help=h(N_("read the token from stdin")))
    s.add_argument(
        "--timeout", type=float, default=30.0, help=h(N_("per-request timeout, seconds"))
    )
    s.add_argument("--max-seconds", type=float, default=600.0, help=h(N_("time budget, seconds")))
    s.set_defaults(handler=cmd_push)

    s = sub.add_parser("pull", help=h(N_("fetch the chain's members changed since the last pull")))
    s.add_argument("--token-stdin", action="store_true", help=h(N_("read the token from stdin")))
    s.add_argument(
        "--timeout", type=float, default=30.0, help=h(N_("per-request timeout, seconds"))
    )
    s.add_argument("--max-seconds", type=float, default=600.0, help=h(N_("time budget, seconds")))
    s.set_defaults(handler=cmd_pull)

    s = sub.add_parser("run", help=h(N_("send everything pending, then fetch the chain's members")))
    s.add_argument("--token-stdin", action="store_true", help=h(N_("read the token from stdin")))
    s.add_argument(
        "--timeout", type=float, default=30.0, help=h(N_("per-request timeout, seconds"))
    )
    s.add_argument("--max-seconds", type=float, default=600.0, help=h(N_("time budget, seconds")))
    s.set_defaults(handler=cmd_run)

    s = sub.add_parser("status", help=h(N_("sync status")))
    s.add_argument("--problems", type=int, default=20, help=h(N_("how many sync problems to list")))
    s.set_defaults(handler=cmd_status)

    s = sub.add_parser("reconcile", help=h(N_("compare a business day with HQ")))
    s.add_argument("--day", type=_day, default=None)
    s.add_argument("--token-stdin", action="store_true")
    s.add_argument("--timeout", type=float, default=30.0)
    s.set_defaults(handler=cmd_reconcile)
