"""`memberdesk-hq`: run the head-office server and administer stores and terminals.

    memberdesk-hq serve --db URL [--host 127.0.0.1] [--port 8600] [--workers N] [--pool-size 4]
                      [--pool-overflow 2] [--limit-concurrency 100]   (docs/hq-deploy.md)
    memberdesk-hq add-store CODE [--name NAME] [--tz Asia/Shanghai] --db URL
    memberdesk-hq stores --db URL                         (code, name, time zone, tills)
    memberdesk-hq add-terminal STORE [--code 01] [--card-prefix 8001] [--id ID] [--name NAME] --db URL
                                                          (prints its identity and the token once)
    memberdesk-hq revoke-terminal ID --db URL
    memberdesk-hq new-token ID --db URL                   (a fresh token, shown once)
    memberdesk-hq terminals [--store S] --db URL
    memberdesk-hq rebase-terminal ID --db URL             (a diverged terminal starts a new epoch)
    memberdesk-hq resend-members --db URL                 (after a restore of HQ's database)
    memberdesk-hq problems [--store S] [--terminal T] --db URL
    memberdesk-hq totals --store S --day YYYY-MM-DD [--terminal T] [--json] --db URL
    memberdesk-hq chain show | set [--scope store|chain] [--offline-points N] … --db URL

--db takes a SQLAlchemy URL (postgresql+psycopg://user:pw@host/db) or an SQLite
file path; the default is $MEMBERDESK_HQ_DB, else hq.sqlite in the user data folder.
--lang zh|zh_TW|en picks the language of what the commands print (简体中文 by default).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from ..arguments import Parser
from ..confirm import confirmed
from ..core.coupons.codes import CouponTerms
from ..core.i18n import (
    DEFAULT_LANG,
    LANG_CHOICES,
    N_,
    Listing,
    Message,
    gettext,
    lang_from_argv,
    normalise,
    translate,
)
from ..core.loyalty.coupon_rules import coupon_terms
from ..core.loyalty.ledger import POINTS_KIND_NAMES
from ..core.loyalty.program import TENDER_NAMES
from ..core.money import format_fen
from ..core.till.totals import DAY_TOTAL_NAMES
from . import LOG_FORMAT
from .chain_cli import add_chain_commands, overdraft_lines
from .db import DatabaseRefused, default_url, open_database
from .directory import set_chain
from .models import stores, terminals
from .problems import NEVER_ISSUED, NO_TERMINAL, NOT_SENT, Problems, find_problems
from .provision import (
    NewTerminal,
    ProvisionError,
    TerminalInfo,
    add_store,
    add_terminal,
    list_terminals,
    local_time,
    new_token_for,
    revoke_terminal,
    store_zone,
    till_names,
)
from .rebase import rebase_preview, rebase_terminal
from .rejections import RECORDS, describe
from .totals import day_totals

log = logging.getLogger("memberdesk.hq")


# The commands that may start a new HQ (a trial's SQLite file): the others refuse a file
# that is not there, rather than make one and answer from it.
CREATING = ("serve", "add-store")


def _engine(args: argparse.Namespace):
    return open_database(args.db, create=args.command in CREATING)


def _terminal(engine, named: str | None) -> str | None:
    """The id of the terminal `named`: its id, or the label the listings show (store code,
    a dash, terminal code: S002-01). A name HQ has neither of is passed on as it is, to be
    refused as unknown where it is used."""
    if not named:
        return named
    with engine.connect() as conn:
        if conn.scalar(select(terminals.c.id).where(terminals.c.id == named)) is not None:
            return named
        store, _, code = named.rpartition("-")
        found = conn.scalars(
            select(terminals.c.id).where(terminals.c.store_code == store, terminals.c.code == code)
        ).all()
    return found[0] if len(found) == 1 else named


def _check_scope(engine, store: str | None, terminal: str | None = None) -> None:
    """A store or terminal named to a listing is one HQ has: a typo gets a sentence
    saying so, not an empty listing or a day of zeros that reads like a quiet day."""
    with engine.connect() as conn:
        if store and conn.scalar(select(stores.c.code).where(stores.c.code == store)) is None:
            raise ProvisionError("hq.store_unknown", code=store)
        if terminal:
            owner = conn.scalar(select(terminals.c.store_code).where(terminals.c.id == terminal))
            if owner is None:
                raise ProvisionError("hq.terminal_missing", terminal=terminal)
            if store and owner != store:
                raise ProvisionError("hq.terminal_of_other_store", terminal=terminal,
                                     store=store, owner=owner)  # fmt: skip


def _say(args: argparse.Namespace, msgid: str, **params: object) -> str:
    return translate(msgid, args.lang, **params)


def _address_taken(host: str, port: int) -> Message | str | None:
    """Why `host:port` cannot be listened on now (in use, not this machine's), or None.
    Asked before the workers start, so the operator reads it in their language instead
    of uvicorn's English once per worker."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return Message(N_("no such address on this machine"))
    family, kind, proto, _name, where = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(where)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return Message(N_("the port is in use by another program"))
            if exc.errno == errno.EADDRNOTAVAIL:
                return Message(N_("no such address on this machine"))
            if exc.errno == errno.EACCES:
                return Message(N_("ports below 1024 need the administrator"))
            return exc.strerror or str(exc)
    return None


def cmd_serve(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    from .app import Limits
    from .db import Pool
    from .server import ENV, SUPERVISOR, Settings, connection_budget

    workers = args.workers or os.cpu_count() or 1
    taken = _address_taken(args.host, args.port)
    if taken is not None:
        print(_say(args, N_("cannot listen on {host}:{port}: {why}; stop the program that "
                            "uses it or choose another --port"), host=args.host, port=args.port,
                   why=taken), file=sys.stderr)  # fmt: skip
        return 2
    pool = Pool(size=args.pool_size, overflow=args.pool_overflow)
    engine = _engine(args)  # the schema is brought up to date once, before any worker starts
    try:
        budget = connection_budget(engine, workers, pool)
    finally:
        engine.dispose()
    if budget is not None and budget.impossible:
        print(_say(args, N_("{workers} workers × {per_worker} connections = {wanted}, but "
                            "PostgreSQL allows {allowed}: lower --workers or --pool-size, "
                            "or raise max_connections"), workers=workers, per_worker=pool.most,
                   wanted=budget.wanted, allowed=budget.allowed), file=sys.stderr)  # fmt: skip
        return 2
    if budget is not None and budget.tight:
        log.warning(_say(args, N_("{wanted} connections may be needed but only {free} of "
                                  "PostgreSQL's {allowed} are free now"), wanted=budget.wanted,
                         free=budget.allowed - budget.in_use, allowed=budget.allowed))  # fmt: skip
    settings = Settings(
        args.db,
        Limits(max_events=args.max_events, max_bytes=args.max_bytes, max_body=args.max_bytes,
               body_timeout=args.body_timeout),
        pool,
        args.token_cache,
    )  # fmt: skip
    os.environ[ENV] = settings.to_env()  # each worker builds its app from it
    os.environ[SUPERVISOR] = str(os.getpid())  # … and ends when this process does
    log.info("serving on %s:%d with %d workers, at most %d database connections each",
             args.host, args.port, workers, pool.most)  # fmt: skip
    uvicorn.run(
        "memberdesk.hq.server:app_from_environment", factory=True, workers=workers,
        host=args.host, port=args.port, log_level=args.log_level, access_log=args.access_log,
        limit_concurrency=args.limit_concurrency, timeout_keep_alive=args.keep_alive,
        backlog=args.backlog,
    )  # fmt: skip
    return 0


def cmd_stores(args: argparse.Namespace) -> int:
    """Every store HQ has: its code, name and time zone, and how many tills it has in use."""
    with _engine(args).connect() as conn:
        tills = dict(
            ((store, revoked), count)
            for store, revoked, count in conn.execute(
                select(
                    terminals.c.store_code, terminals.c.revoked_at.is_not(None), func.count()
                ).group_by(terminals.c.store_code, terminals.c.revoked_at.is_not(None))
            )
        )
        found = conn.execute(
            select(stores.c.code, stores.c.name, stores.c.timezone).order_by(stores.c.code)
        ).all()
    if not found:
        print(_say(args, N_("HQ has no store yet: memberdesk-hq add-store CODE --name NAME")))
        return 0
    for code, name, zone in found:
        print(_say(args, N_("{code}  {name}  {tz}  tills: {active} in use, {revoked} revoked"),
                   code=code, name=_plain(name) or "-", tz=zone,
                   active=tills.get((code, False), 0), revoked=tills.get((code, True), 0)))  # fmt: skip
    return 0


def cmd_resend_members(args: argparse.Namespace) -> int:
    """After HQ's database was put back to a backup: the feed numbers member changes again from
    the backup's, and a till that had pulled beyond that would never see the changes given the
    numbers it passed. Every till takes the members from the start at its next pull instead."""
    set_chain(_engine(args), datetime.now(UTC).replace(tzinfo=None), from_start=True)
    print(_say(args, N_("Every till takes the chain's members from the start at its next sync "
                        "(writing only what differs from what it holds).")))  # fmt: skip
    return 0


def cmd_add_store(args: argparse.Namespace) -> int:
    add_store(_engine(args), args.code, args.name, args.tz)
    print(_say(args, N_("store {code} added"), code=args.code))
    return 0


def _print_token(args: argparse.Namespace, new: NewTerminal) -> None:
    # Fixed keys, whatever the language: scripts read the token from this line.
    print(f"terminal:      {new.id}")
    print(f"store:         {new.store_code}")
    print(f"terminal_code: {new.code}")
    print(f"card_prefix:   {new.card_prefix}")
    print(f"epoch:         {new.epoch}")
    print(f"token:         {new.token}")
    print(_say(args, N_("This token is shown once; HQ keeps only its hash.")))


def cmd_add_terminal(args: argparse.Namespace) -> int:
    store = args.store or args.store_option
    if not store:
        args.parser.error(_say(args, N_("name the store: add-terminal STORE")))
    new = add_terminal(_engine(args), store, terminal_id=args.id, name=args.name,
                       code=args.code, card_prefix=args.card_prefix)  # fmt: skip
    _print_token(args, new)
    return 0


def cmd_new_token(args: argparse.Namespace) -> int:
    engine = _engine(args)
    _print_token(args, new_token_for(engine, _terminal(engine, args.terminal)))
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    engine = _engine(args)
    revoke_terminal(engine, _terminal(engine, args.terminal))
    print(_say(args, N_("terminal {terminal} revoked"), terminal=args.terminal))
    return 0


TERMINAL_STATES = {"active": N_("in use"), "revoked": N_("revoked")}
DIVERGED = N_("diverged at record {seq}")


def _state(t: TerminalInfo) -> Message:
    if t.revoked_at:
        return Message(TERMINAL_STATES["revoked"])
    if t.diverged_seq is not None:
        return Message(DIVERGED, seq=t.diverged_seq)
    return Message(TERMINAL_STATES["active"])


def cmd_terminals(args: argparse.Namespace) -> int:
    engine = _engine(args)
    _check_scope(engine, args.store)
    zones = _zones(engine)
    for t in list_terminals(engine, args.store):
        seen = _when(t.last_seen_at, zones[t.store_code]) if t.last_seen_at else "-"
        offset = f"{t.clock_offset_s:+d}s" if t.clock_offset_s is not None else "-"
        print(_say(args, N_("{store}-{code}  {state}  card prefix {prefix}  epoch {epoch}  "
                            "last record {seq}  last seen {seen}  clock {offset}  id {terminal}  {name}"),
                   terminal=t.id, store=t.store_code, state=_state(t), code=t.code,
                   prefix=t.card_prefix, epoch=t.epoch, seq=t.last_seq, seen=seen, offset=offset,
                   name=t.name).rstrip())  # fmt: skip
    return 0


def cmd_rebase(args: argparse.Namespace) -> int:
    engine = _engine(args)
    args.terminal = _terminal(engine, args.terminal)
    plan = rebase_preview(engine, args.terminal)
    print(_say(args, N_("terminal {till} diverged at record {seq}: HQ's records {seq}–{last} of "
                        "it will no longer count ({sales} sales, {total}; they stay listed in "
                        "`problems` as only at HQ), and the till's restored history is taken "
                        "from record {seq} on."),
               till=plan.till, seq=plan.from_seq, last=max(plan.last_seq, plan.from_seq),
               sales=plan.sales, total=format_fen(plan.total)))  # fmt: skip
    if plan.from_seq == 1 and plan.last_seq >= 1:
        print(_say(args, N_("Its very first record differs: the till sending now is most likely not "
                            "this terminal's (a new or replaced till given its token), not an old "
                            "copy of it, and a rebase would stop counting everything this terminal "
                            "sent. A new till needs a terminal of its own: memberdesk-hq "
                            "add-terminal {store}."), store=plan.store_code))  # fmt: skip
    if not confirmed(args, f"memberdesk-hq rebase-terminal {plan.till} … --yes"):
        return 1
    done = rebase_terminal(engine, args.terminal)
    print(_say(args, N_("terminal {terminal}: epoch {epoch} starts at record {seq}; "
                        "{sales} sales of the replaced history are now only at HQ"),
               terminal=done.till, epoch=done.epoch, seq=done.from_seq, sales=done.sales))  # fmt: skip
    return 0


CLOCK_TROUBLE = {
    "ahead": N_("the till's clock was ahead"),
    "back": N_("the till's clock went back"),
    "offset": N_("the till's clock was off at the handshake"),
}


def cmd_problems(args: argparse.Namespace) -> int:
    engine = _engine(args)
    args.terminal = _terminal(engine, args.terminal)
    _check_scope(engine, args.store, args.terminal)
    with engine.connect() as conn:
        found = find_problems(conn, datetime.now(UTC).replace(tzinfo=None), store=args.store,
                              terminal=args.terminal)  # fmt: skip
    if not found:
        print(_say(args, N_("No problems.")))
        return 0
    for line in _problem_lines(args, found, _zones(engine), _tills(engine)):
        print(_plain(line))
    return 0


def _plain(line: str) -> str:
    """A line of what tills sent (event kinds, ids, names) as text, never as terminal control:
    a control or format character (ESC, CR, a newline, a bidi override) is shown escaped,
    so no till can clear the operator's screen or write lines of its own into the listing."""
    if line.isprintable():
        return line
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in ("Cc", "Cf")
        else ch
        for ch in line
    )


def _when(moment: datetime, zone: tzinfo) -> str:
    """A time HQ keeps (naive UTC, as every till's) on the clock of the store it is about,
    as the store's own people and the tills' screens read it."""
    return local_time(moment, zone)


def _tills(engine) -> dict[str, str]:
    """Each terminal's label as the operator knows it (store code, a dash, terminal code:
    S002-01), by terminal id; the commands take it as well as the id."""
    with engine.connect() as conn:
        return till_names(conn)


def _zones(engine) -> dict[str, tzinfo]:
    """Each store's time zone, by store code."""
    with engine.connect() as conn:
        return {code: store_zone(tz) for code, tz in conn.execute(select(stores.c.code,
                                                                          stores.c.timezone))}  # fmt: skip


OLD_COPY = N_(
    "{till}: from record {seq} on, last seen {seen}; if the till was put back to an old copy, "
    "run memberdesk-hq rebase-terminal {till}"
)
# Its very first record differs: the till's file never sent HQ's records (a broken till's
# replacement given the old terminal's token), and a rebase would stop counting all of them.
NOT_ITS_FILE = N_(
    "{till}: its first record already differs from HQ's, last seen {seen}: the till sending now "
    "is not the one whose records HQ holds (a new or replaced till given this terminal's "
    "token). Give it a terminal of its own: memberdesk-hq add-terminal {store}, then memberdesk "
    "sync setup at the till with the new terminal and token; if the old till is gone, "
    "memberdesk-hq revoke-terminal {till}"
)


def _problem_lines(
    args: argparse.Namespace, found: Problems, zones: dict[str, tzinfo],
    labels: dict[str, str] | None = None,
) -> list[str]:  # fmt: skip
    lang, out, labels = args.lang, [], labels or {}

    def when(moment: datetime, store: str) -> str:
        return _when(moment, zones.get(store, UTC))

    def till(store: str, terminal: str | None) -> str:
        """The terminal as S002-01; one HQ does not hold (gone since) by store and id."""
        if terminal and terminal in labels:
            return labels[terminal]
        return f"{store} {terminal or '-'}"

    def heading(msgid: str, items: list) -> bool:
        if items:
            out.append(_say(args, msgid, count=len(items)))
        return bool(items)

    if heading(N_("Terminals HQ takes nothing from: their records part from HQ's ({count})"),
               found.diverged):  # fmt: skip
        # Named as the commands the hints give take them (provision.till_names).
        out.extend("  " + _say(args, NOT_ITS_FILE if r.seq == 1 else OLD_COPY,
                               till=labels.get(r.terminal_id, f"{r.store_code}-{r.code}"),
                               store=r.store_code, seq=r.seq,
                               seen=when(r.last_seen_at, r.store_code) if r.last_seen_at else "-")
                   for r in found.diverged)  # fmt: skip
    if heading(N_("Rejected records ({count})"), found.rejected):
        out.extend(f"  {r.store_code}-{r.terminal_code}  #{r.seq}  {r.kind}  {when(r.received_at, r.store_code)}  "
                   f"{describe(r.code, r.params, lang)}" for r in found.rejected)  # fmt: skip
    if heading(N_("Refunds waiting more than a day for their sale ({count})"), found.parked):
        out.extend("  " + _say(args, N_("refund {refund} of sale {sale}, received {received}"),
                               refund=r.refund_id, sale=r.sale_id, received=when(r.received_at, r.store_code))
                   for r in found.parked)  # fmt: skip
    if heading(N_("Sales with clock trouble ({count})"), found.clock):
        for r in found.clock:
            why = Listing(
                Message(CLOCK_TROUBLE[p]) for p in r.problem.split(",") if p in CLOCK_TROUBLE
            )
            out.append(f"  {till(r.store_code, r.terminal_id)}  {r.receipt_no}  {format_fen(r.total)}  " + _say(
                args, N_("made {made}, received {received}: {why}"), made=when(r.created_at, r.store_code),
                received=when(r.received_at, r.store_code), why=why))  # fmt: skip
    if heading(N_("Only at HQ, replaced by a restored till's history and no longer counted ({count})"),
               found.only_at_hq):  # fmt: skip
        out.extend(f"  {till(r.store_code, r.terminal_id)}  {translate(RECORDS[r.record], lang)}  "
                   f"{r.receipt_no}  {r.business_day}  {format_fen(r.amount)}" for r in found.only_at_hq)  # fmt: skip
    if heading(N_("Journal breaks: records changed at the till after they were written ({count})"),
               found.journal):  # fmt: skip
        out.extend("  " + _say(args, N_("{till} record {seq} ({kind}), found {when}"),
                               till=till(r.store_code, r.terminal_id), seq=r.seq, kind=r.kind,
                               when=when(r.found_at, r.store_code)) for r in found.journal)  # fmt: skip
    if heading(N_("Receipt numbers used by more than one sale ({count})"), found.receipts):
        out.extend("  " + _say(args, N_("{store} {receipt}: {count} sales"), store=r.store_code,
                               receipt=r.receipt_no, count=r.count) for r in found.receipts)  # fmt: skip
    if heading(N_("Sales refunded for more than they took ({count})"), found.over_refunded):
        out.extend("  " + _say(args, N_("{till} {receipt}: sale {total}, {count} refunds "
                                        "together {refunded}, {day}"),
                               till=till(r.store_code, r.terminal_id), receipt=r.receipt_no,
                               total=format_fen(r.total), count=r.refunds,
                               refunded=format_fen(r.refunded), day=str(r.business_date))
                   for r in found.over_refunded)  # fmt: skip
    out += overdraft_lines(args.lang, found.overdrafts, zones)
    if heading(
        N_("Phones held by more than one member of the chain ({count})"), found.shared_phones
    ):
        out.extend(f"  {p.phone}: " + "; ".join(f"{store} {card} {name}" for store, card, name in p.members)
                   for p in found.shared_phones)  # fmt: skip
    if heading(N_("Card numbers carried by members of more than one store ({count}): each store's "
                  "tills find their own member by it; give one of them a new card"), found.shared_cards):  # fmt: skip
        out.extend(f"  {c.card_no}: " + "; ".join(f"{store} {phone} {name}" for store, phone, name in c.members)
                   for c in found.shared_cards)  # fmt: skip
    if heading(N_("Stored value credited with no top-up, refund or opening balance behind it ({count})"),
               found.unbacked):  # fmt: skip
        out.extend("  " + _say(args, N_("{till} member {member}: {kind} principal {principal}, "
                                        "bonus {bonus}, {day}"),
                               till=till(r.store_code, r.terminal_id), member=r.member_id,
                               kind=r.kind, principal=format_fen(r.principal),
                               bonus=format_fen(r.bonus), day=str(r.business_date))
                   for r in found.unbacked)  # fmt: skip
    if heading(
        N_(
            "Points given to another store's members by hand or with no sale of the "
            "giving store behind them ({count})"
        ),
        found.hand_points,
    ):
        out.extend("  " + _say(args, N_("{store}-{code} {terminal}: {kind} {delta} points to member "
                                        "{name} ({card}) of store {owner}, {day}, made {made}: "
                                        "{reason}"),
                               store=r.store_code, code=r.terminal_code, terminal=r.terminal_id,
                               kind=Message(POINTS_KIND_NAMES.get(r.kind, r.kind)),
                               delta=f"{r.delta:+d}", name=r.name, card=r.card_no,
                               owner=r.member_store, day=str(r.business_date),
                               made=when(r.created_at, r.store_code) if r.created_at else "-",
                               reason=r.reason or "-")
                   for r in found.hand_points)  # fmt: skip
    if heading(N_("Coupons used twice while tills were offline ({count})"), found.coupons_twice):
        for c in found.coupons_twice:
            uses = "; ".join(
                f"{till(store, terminal)} {sale or ''} {day}"
                for store, terminal, sale, day in c.uses
            )
            out.append(
                "  " + _say(args, N_("coupon {serial}: {uses}"), serial=c.coupon_id, uses=uses)
            )
    if heading(N_("Coupons used that no till issued ({count})"), found.coupons_unissued):
        for u in found.coupons_unissued:
            owner = f"{u.owner_store}-{u.owner_code} {u.owner_terminal}"
            out.append("  " + _say(args, N_("{store}-{code} {terminal}: coupon {serial} on sale {sale}, "
                                            "{off} off, {day}: {why}"),
                                   store=u.store_code, code=u.terminal_code, terminal=u.terminal_id,
                                   serial=u.coupon_id, sale=u.receipt_no or u.sale_id or "-",
                                   off=format_fen(u.off), day=str(u.business_date),
                                   why=Message(UNISSUED_WHY[u.why], till=owner)))  # fmt: skip
    if heading(N_("Coupons used with other terms than they were issued with ({count})"),
               found.coupons_other_terms):  # fmt: skip
        for c in found.coupons_other_terms:
            out.append("  " + _say(args, N_("{store}-{code} {terminal}: coupon {serial} on sale {sale}, "
                                            "{off} off, {day}: issued as {issued}; used as {used}"),
                                   store=c.store_code, code=c.terminal_code, terminal=c.terminal_id,
                                   serial=c.coupon_id, sale=c.receipt_no or c.sale_id or "-",
                                   off=format_fen(c.off), day=str(c.business_date),
                                   issued=coupon_said(c.issued, c.used),
                                   used=coupon_said(c.used, c.issued)))  # fmt: skip
    if heading(N_("Members under 14 with no parent's or guardian's consent on record ({count}): "
                  "the store asks for it, or the member's personal information goes"),
               found.children):  # fmt: skip
        out.extend("  " + _say(args, N_("{till} card {card} {name}, born {born}"),
                               till=till(c.store_code, c.terminal_id), card=c.card_no,
                               name=c.name, born=c.birthday.isoformat())
                   for c in found.children)  # fmt: skip
    return out


UNISSUED_WHY = {
    NOT_SENT: N_("not yet sent by its till {till}"),
    NEVER_ISSUED: N_("its till {till} has sent later records and none is this coupon's issue"),
    NO_TERMINAL: N_("no terminal has the card prefix of its serial"),
}


def coupon_said(terms: CouponTerms | None, other: CouponTerms | None) -> Message:
    """What a coupon's code states, in words: what it gives, its type and validity, and —
    where `other` states otherwise — its serial and whom it is for."""
    if terms is None:
        return Message(N_("a code that cannot be read"))
    said = Message(N_("{terms}, type {type}, {start} to {end}"),
                   terms=coupon_terms(terms.kind, terms.value, terms.min_spend, terms.max_off or 0),
                   type=terms.type_code, start=terms.valid_from.isoformat(),
                   end=terms.valid_until.isoformat())  # fmt: skip
    if other is not None and other.serial != terms.serial:
        said = Message(N_("{terms}, serial {serial}"), terms=said, serial=terms.serial)
    if other is not None and other.member_tag != terms.member_tag:
        whom = N_("for one member") if terms.member_tag else N_("for anyone")
        said = Message(N_("{terms}, {whom}"), terms=said, whom=Message(whom))
    return said


def cmd_member_copy(args: argparse.Namespace) -> int:
    from ..core.errors import DomainError
    from .member_copy import chain_copy

    engine = _engine(args)
    try:
        with engine.connect() as conn:
            done = chain_copy(conn, args.member, args.output, lang=args.lang)
    except DomainError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 2
    print(_say(args, N_("wrote what head office holds about card {card} to {path}: the profile, "
                        "{sales} sales, {refunds} refunds, {points} points entries and {wallet} "
                        "stored-value entries, at {stores}"),
               card=done.card_no, path=str(done.path), sales=done.sales, refunds=done.refunds,
               points=done.points, wallet=done.wallet,
               stores=", ".join(done.stores) or "—"))  # fmt: skip
    return 0


def cmd_totals(args: argparse.Namespace) -> int:
    engine = _engine(args)
    args.terminal = _terminal(engine, args.terminal)
    _check_scope(engine, args.store, args.terminal)
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


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"≥ 1: {text}")
    return value


def _not_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"≥ 0: {text}")
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"YYYY-MM-DD: {text}") from None


def build_parser(lang: str = DEFAULT_LANG) -> argparse.ArgumentParser:
    def h(msgid: str) -> str:
        return gettext(msgid, lang)

    common = Parser(add_help=False, lang=lang)
    common.add_argument("--db", default=default_url(), help=h(N_("SQLAlchemy URL or SQLite file")))
    p = Parser(prog="memberdesk-hq", description=h(N_("memberdesk head office")), lang=lang)
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
    s.add_argument("--limit-concurrency", type=int, default=100,
                   help=h(N_("connections held at once; more are answered 503 at once")))  # fmt: skip
    s.add_argument("--keep-alive", type=int, default=5,
                   help=h(N_("seconds an idle connection is kept open")))  # fmt: skip
    s.add_argument("--body-timeout", type=float, default=30.0,
                   help=h(N_("seconds to receive a whole request body (408 after)")))  # fmt: skip
    s.add_argument("--workers", type=_positive, default=0,
                   help=h(N_("worker processes behind the port (default: one per CPU)")))  # fmt: skip
    s.add_argument("--pool-size", type=_positive, default=4,
                   help=h(N_("database connections each worker keeps open")))  # fmt: skip
    # Not negative: SQLAlchemy takes a negative overflow for "no limit" at all.
    s.add_argument("--pool-overflow", type=_not_negative, default=2,
                   help=h(N_("connections a worker may open beyond those at a peak")))  # fmt: skip
    s.add_argument("--token-cache", type=float, default=2.0,
                   help=h(N_("seconds a terminal's token is remembered for reads; a batch keeps its "
                             "terminal for a minute and is checked again under its lock "
                             "(0: ask every time)")))  # fmt: skip
    s.add_argument("--backlog", type=int, default=2048,
                   help=h(N_("connections waiting to be accepted")))  # fmt: skip
    s.add_argument("--log-level", default="info")
    s.add_argument("--no-access-log", dest="access_log", action="store_false")
    s.set_defaults(handler=cmd_serve)
    s = sub.add_parser("stores", parents=[common], help=h(N_("list the stores")))
    s.set_defaults(handler=cmd_stores)
    s = sub.add_parser("add-store", parents=[common], help=h(N_("add a store")))
    s.add_argument("code")
    s.add_argument("--name", default="")
    s.add_argument("--tz", default="Asia/Shanghai")
    s.set_defaults(handler=cmd_add_store)
    s = sub.add_parser(
        "add-terminal", parents=[common], help=h(N_("add a terminal; prints its token once"))
    )
    s.add_argument("store", nargs="?")
    s.add_argument("--store", dest="store_option", default=None, help=argparse.SUPPRESS)
    s.add_argument("--code", default=None,
                   help=h(N_("two-digit terminal code, unique in the store (default: next free)")))  # fmt: skip
    s.add_argument("--card-prefix", default=None,
                   help=h(N_("digits every generated card number begins with (default: next free 8NNN)")))  # fmt: skip
    s.add_argument("--id", default=None)
    s.add_argument("--name", default="")
    s.set_defaults(handler=cmd_add_terminal, parser=s)
    s = sub.add_parser("revoke-terminal", parents=[common], help=h(N_("revoke a terminal's token")))
    s.add_argument("terminal")
    s.set_defaults(handler=cmd_revoke)
    s = sub.add_parser(
        "new-token", parents=[common], help=h(N_("issue a new token for a terminal"))
    )
    s.add_argument("terminal")
    s.set_defaults(handler=cmd_new_token)
    s = sub.add_parser(
        "resend-members", parents=[common],
        help=h(N_("every till pulls the members from the start (after HQ's database was restored)")),
    )  # fmt: skip
    s.set_defaults(handler=cmd_resend_members)
    s = sub.add_parser("terminals", parents=[common], help=h(N_("list terminals")))
    s.add_argument("--store", default=None)
    s.set_defaults(handler=cmd_terminals)
    s = sub.add_parser(
        "rebase-terminal", parents=[common],
        help=h(N_("start a new epoch for a diverged terminal (its restored history is accepted)")),
    )  # fmt: skip
    s.add_argument("terminal")
    s.add_argument("--yes", action="store_true", help=h(N_("go ahead without asking")))
    s.set_defaults(handler=cmd_rebase)
    s = sub.add_parser(
        "problems", parents=[common],
        help=h(N_("list rejected records, waiting refunds, clock trouble and records only at HQ")),
    )  # fmt: skip
    s.add_argument("--store", default=None)
    s.add_argument("--terminal", default=None)
    s.set_defaults(handler=cmd_problems)
    s = sub.add_parser("totals", parents=[common], help=h(N_("a store's business day")))
    s.add_argument("--store", required=True)
    s.add_argument("--day", required=True, type=_day)
    s.add_argument("--terminal", default=None)
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=cmd_totals)
    s = sub.add_parser(
        "member-copy", parents=[common],
        help=h(N_("write a member's copy of what the chain holds about them (PIPL art. 45)")),
    )  # fmt: skip
    s.add_argument("member", metavar="CARD_OR_ID", help=h(N_("card number or member id")))
    s.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.xlsx",
                   help=h(N_("the .xlsx file to write")))  # fmt: skip
    s.set_defaults(handler=cmd_member_copy)
    add_chain_commands(sub, common, h)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(lang_from_argv(sys.argv[1:] if argv is None else argv)).parse_args(argv)
    args.lang = normalise(args.lang)
    level = logging.INFO if args.command == "serve" else logging.WARNING
    logging.basicConfig(level=level, format=LOG_FORMAT)
    try:
        return args.handler(args)
    except (ProvisionError, DatabaseRefused) as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        log.debug("database error", exc_info=True)
        detail = f"{type(exc).__name__}: {exc.orig if hasattr(exc, 'orig') else exc}"
        print(_say(args, N_("database error: {detail}"), detail=detail)[:500], file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`memberdesk-hq problems | head`): stop quietly, as other
        # commands do, instead of a traceback; nothing was being changed by then.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
