"""`memberdesk-hq chain`: the chain's membership scope and its spending policy.

memberdesk-hq chain show --db URL
memberdesk-hq chain set [--scope store|chain] [--offline-after MIN]
                        [--offline-points N] [--offline-wallet YUAN] --db URL
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import func, select

from ..confirm import confirmed
from ..core.i18n import N_, Message, translate
from ..core.money import format_fen, parse_yuan
from .db import open_database
from .directory import ChainSettings, Overdraft, read_chain, set_chain
from .models import stores
from .provision import local_time

SCOPE_NAMES = {
    "store": N_("per store (each store's members are its own)"),
    "chain": N_("chain-wide (every store finds, earns and spends on every member)"),
}
BALANCE_NAMES = {"points": N_("points"), "principal": N_("stored value"),
                 "bonus": N_("stored-value bonus")}  # fmt: skip


def _print_settings(args: argparse.Namespace, chain: ChainSettings) -> None:
    lang, policy = args.lang, chain.policy
    print(translate(N_("membership: {scope}"), lang, scope=Message(SCOPE_NAMES[chain.scope])))
    print(translate(
        N_("spending a balance confirmed by HQ: offline after {minutes} minutes without a pull, "
           "then at most {points} points and {wallet} of stored value per member per day at each till"),
        lang, minutes=policy["offline_after_minutes"], points=policy["offline_points_per_day"],
        wallet=format_fen(policy["offline_wallet_per_day"]),
    ))  # fmt: skip


def cmd_chain_show(args: argparse.Namespace) -> int:
    with open_database(args.db, create=False).connect() as conn:
        _print_settings(args, read_chain(conn))
    return 0


SCOPE_CHANGES = {
    "chain": N_(
        "Membership becomes chain-wide: at their next pull the tills of every store "
        "({stores} now) receive every store's members (names, cards, phones, balances; a phone "
        "is shown whole only to managers and owners, masked to cashiers and on receipts), "
        "and any store can find them and earn and spend their points and stored value."
    ),
    "store": N_(
        "Membership goes back to per store: at their next pull the tills of every store "
        "({stores} now) keep only their own store's members; members of another store can no "
        "longer be found or spend there. What was already earned and spent stays."
    ),
}


def cmd_chain_set(args: argparse.Namespace) -> int:
    engine = open_database(args.db)
    if args.scope is not None:
        with engine.connect() as conn:
            have = read_chain(conn)
            count = conn.scalar(select(func.count()).select_from(stores))
        if args.scope != have.scope:
            print(translate(SCOPE_CHANGES[args.scope], args.lang, stores=count))
            again = f"memberdesk-hq chain set --scope {args.scope} … --yes"
            if not confirmed(args, again):
                return 1
    policy: dict[str, int] = {}
    if args.offline_after is not None:
        policy["offline_after_minutes"] = args.offline_after
    if args.offline_points is not None:
        policy["offline_points_per_day"] = args.offline_points
    if args.offline_wallet is not None:
        policy["offline_wallet_per_day"] = args.offline_wallet
    chain = set_chain(engine, datetime.now(UTC).replace(tzinfo=None),
                      scope=args.scope, policy=policy)  # fmt: skip
    _print_settings(args, chain)
    return 0


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(text) from None
    if not 0 <= value <= 100_000_000:
        raise argparse.ArgumentTypeError(text)
    return value


def _yuan(text: str) -> int:
    try:
        return parse_yuan(text)
    except Exception:
        raise argparse.ArgumentTypeError(text) from None


def add_chain_commands(sub: Any, common: argparse.ArgumentParser, h: Callable[[str], str]) -> None:
    chain = sub.add_parser("chain", help=h(N_("the chain's membership scope and spending policy")))
    csub = chain.add_subparsers(dest="chain_command", required=True)
    s = csub.add_parser(
        "show", parents=[common], help=h(N_("show the membership scope and policy"))
    )
    s.set_defaults(handler=cmd_chain_show)
    s = csub.add_parser("set", parents=[common], help=h(N_("set the membership scope or policy")))
    s.add_argument("--scope", choices=("store", "chain"), default=None,
                   help=h(N_("store: each store's own members; chain: members shared by all stores")))  # fmt: skip
    s.add_argument("--offline-after", type=_count, default=None,
                   help=h(N_("minutes without a pull after which a till spends as offline")))  # fmt: skip
    s.add_argument("--offline-points", type=_count, default=None,
                   help=h(N_("points a member may spend per day at one till while offline")))  # fmt: skip
    s.add_argument("--offline-wallet", type=_yuan, default=None,
                   help=h(N_("stored value (yuan) a member may spend per day at one till while offline")))  # fmt: skip
    s.add_argument("--yes", action="store_true", help=h(N_("go ahead without asking")))
    s.set_defaults(handler=cmd_chain_set)


def overdraft_lines(lang: str, found: list[Overdraft], zones: dict[str, tzinfo]) -> list[str]:
    """The overdrafts, each found-at time on the clock of the member's store."""
    if not found:
        return []
    out = [translate(N_("Overdrafts: balances spent twice while stores were offline ({count})"),
                     lang, count=len(found))]  # fmt: skip
    for o in found:
        amount = str(o.balance) if o.kind == "points" else format_fen(o.balance)
        out.append("  " + translate(
            N_("{store} member {name} ({card}): {balance} {what} after till {terminal}'s spending, found {when}"),
            lang, store=o.store_code, name=o.name, card=o.card_no, balance=amount,
            what=Message(BALANCE_NAMES[o.kind]), terminal=o.till or o.terminal_id,
            when=local_time(o.found_at, zones.get(o.store_code, UTC)),
        ))  # fmt: skip
    return out
