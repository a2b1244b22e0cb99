"""`memberdesk`: the window by default, and the owner's admin commands.

Errors are one clear line in the user's language (简体中文 by default, --lang zh_TW
for 繁體中文, --lang en for English) and a non-zero exit code; details of unexpected
failures go to the log file.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable, Sequence
from logging.handlers import RotatingFileHandler
from pathlib import Path

from .arguments import Parser
from .core.errors import DomainError
from .core.i18n import (
    DEFAULT_LANG,
    LANG_CHOICES,
    N_,
    Listing,
    Message,
    gettext,
    lang_from_argv,
    lang_given,
    normalise,
    text_of,
    translate,
)
from .coupons_cli import add_coupon_commands
from .items_cli import add_items_commands
from .journal_cli import add_journal_commands
from .member_cli import add_member_commands
from .paths import default_db_path, demo_db_path, log_dir
from .print_cli import add_print_commands
from .sync_cli import add_sync_commands

log = logging.getLogger("memberdesk")

# The log file rotates at 2 MB and keeps five old ones (memberdesk.log.1 … .5): ~12 MB at most.
LOG_BYTES = 2 * 1024 * 1024
LOG_BACKUPS = 5

Handler = Callable[[argparse.Namespace], int]


def say(args: argparse.Namespace, msgid: str, **params: object) -> str:
    """A line for the person at the command line, in --lang."""
    return translate(msgid, getattr(args, "lang", DEFAULT_LANG), **params)


def open_store(args: argparse.Namespace, *, create: bool = False):
    """Open --db; only commands that build data (demo, import) may create a new file,
    so a mistyped path is refused instead of checked, searched or backed up as empty."""
    from .core.store.database import Store

    if not create and not Path(args.db).exists():
        raise DomainError("store.missing", path=str(args.db))
    if not create and Path(args.db).is_file() and Path(args.db).stat().st_size == 0:
        # What a copy cut short leaves: opened, it would become a new, empty shop.
        raise DomainError("store.empty", path=str(args.db))
    return Store(args.db)


def cmd_check(args: argparse.Namespace) -> int:
    from .core.check.checks import run_checks

    with open_store(args) as store:
        report = run_checks(store, full=args.full)
    if report.ok:
        print(say(args, N_("check passed: all {n} checks hold"), n=len(report.checks_run)))
        return 0
    print(say(args, N_("check found {n} problems:"), n=report.found))
    for p in report.problems:
        print(f"  - {text_of(p, args.lang)}")
    return 1


def cmd_demo(args: argparse.Namespace) -> int:
    from .core.demo.builder import build_demo

    if not getattr(args, "db_given", True):  # the demo has a file of its own, not the shop's
        args.db = demo_db_path()
    with open_store(args, create=True) as store:
        result = build_demo(store, members=args.members, seed=args.seed, lang=args.lang)
    print(say(args, N_("demo shop ready: {members} members, {sales} sales, {topups} top-ups, "
                       "{refunds} refunds; staff {staff} (PINs: owner 8888, manager 6666, "
                       "cashier 1111)"),
              members=result.members, sales=result.sales, topups=result.topups,
              refunds=result.refunds, staff=Listing(result.staff)))  # fmt: skip
    if not getattr(args, "db_given", True):
        print(say(args, N_("the demo shop is kept in {path}, apart from your shop's data; "
                           "open it with memberdesk --demo"), path=args.db))  # fmt: skip
    return 0


def cmd_shop_show(args: argparse.Namespace) -> int:
    from .core.shop.details import get_shop
    from .core.shop.identity import current_identity

    with open_store(args) as store:
        shop = get_shop(store)
        _, synced = current_identity(store)
    print(say(args, N_("shop {name}: store {store}, terminal {terminal}, card prefix {prefix}"),
              name=shop.name, store=shop.store_code, terminal=shop.terminal_code,
              prefix=shop.card_prefix))  # fmt: skip
    print(say(args, N_("receipt numbers {example}; generated card numbers {card}"),
              example=f"{shop.store_code}-{shop.terminal_code}-yymmdd-0001",
              card=f"{shop.card_prefix}{'0' * 7}…"))  # fmt: skip
    print(say(args, N_("synced with HQ: yes (the codes can only be changed with --force)")) if synced
          else say(args, N_("synced with HQ: not yet (sync setup takes the codes HQ gives)")))  # fmt: skip
    return 0


def cmd_shop_set(args: argparse.Namespace) -> int:
    from .core.shop.identity import set_identity
    from .core.shop.staff import SYSTEM

    if args.store is None and args.terminal is None and args.card_prefix is None:
        print(say(args, N_("nothing to set: give --store, --terminal or --card-prefix")),
              file=sys.stderr)  # fmt: skip
        return 2
    with open_store(args, create=True) as store:
        who = set_identity(store, SYSTEM, store_code=args.store, terminal_code=args.terminal,
                           card_prefix=args.card_prefix, force=args.force)  # fmt: skip
    print(say(args, N_("this till is now store {store}, terminal {terminal}, card prefix {prefix}"),
              store=who.store_code, terminal=who.terminal_code, prefix=who.card_prefix))  # fmt: skip
    return 0


def cmd_jobs(args: argparse.Namespace) -> int:
    """The daily jobs (also run by the window at start): expiry, tier review, birthdays, backup."""
    from .core.daily.jobs import run_daily_jobs
    from .core.shop.backups import auto_backup

    with open_store(args) as store:
        report = run_daily_jobs(store)
        path = auto_backup(store)
    backup = say(args, N_("; automatic backup at {path}"), path=path) if path else ""
    print(say(args, N_("points expired: {points} from {members} members; tiers changed: {tiers}; "
                       "lunar birthdays refreshed: {birthdays}{backup}"),
              members=report.expired_members, points=report.expired_points,
              tiers=report.tiers_changed, birthdays=report.birthdays_refreshed, backup=backup))  # fmt: skip
    if report.expired_count_cards:
        print(say(args, N_("count cards expired: {visits} unused visits on {cards} cards"),
                  cards=report.expired_count_cards, visits=report.expired_visits))  # fmt: skip
    print(say(args, N_("coupons expired: {expired}; birthday coupons issued: {given}"),
              expired=report.coupons_expired, given=report.birthday_coupons))  # fmt: skip
    return 0


def cmd_find(args: argparse.Namespace) -> int:
    from .core.loyalty.program_store import tier_names
    from .core.members.lookup import find_members
    from .core.money import format_fen

    with open_store(args) as store:
        result = find_members(store, args.query)
        if not result.hits and result.refusal is None:
            # Not here: a member who joined a minute ago at another store, when HQ answers.
            from .core.sync.pull import ask_hq_for
            from .core.sync.token_store import ENV_TOKEN

            if ask_hq_for(store, args.query, os.environ.get(ENV_TOKEN, "").strip() or None):
                result = find_members(store, args.query)
        with store.read() as session:
            tiers = tier_names(session)
    if result.refusal is not None:
        raise result.refusal
    if not result.hits:
        print(say(args, N_("no member found")))
        return 1
    for h in result.hits:
        mark = "★" if result.exact is h else " "
        print(say(args, N_("{mark} {card}  {name}  {phone}  {tier}  points {points}  stored value {wallet}"),
                  mark=mark, card=h.card_no, name=h.name, phone=h.phone,
                  tier=tiers.get(h.tier, h.tier) if h.tier else "-",
                  points=h.points, wallet=format_fen(h.wallet)))  # fmt: skip
    return 0


ENV_STAFF, ENV_PIN = "MEMBERDESK_STAFF", "MEMBERDESK_PIN"


def staff_by_pin(args: argparse.Namespace, store, act: str, *, name_option: str = "staff"):
    """Who runs a privileged command: a manager or owner, by name and PIN (checked and
    counted as at the till's log-in, and audited by the command itself).

    The name comes from --staff (or the command's `name_option`) or MEMBERDESK_STAFF, the
    PIN from MEMBERDESK_PIN (for scripts) or a hidden prompt. A new shop (no staff in the
    file nor in its journal) has no one to ask; one whose staff list was changed outside
    memberdesk (the rows deleted, or none left active) is refused."""
    from .core.shop.staff import PRIVILEGED, SYSTEM, authorise, require_staff_as_sealed

    if require_staff_as_sealed(store).new:
        return SYSTEM
    name = (getattr(args, name_option, None) or os.environ.get(ENV_STAFF, "")).strip()
    pin = os.environ.get(ENV_PIN, "")
    if not name or (not pin and not sys.stdin.isatty()):
        raise DomainError("cli.pin_needed", action=Message(PRIVILEGED[act]))
    if not pin:
        pin = getpass.getpass(say(args, N_("{name}'s PIN (not shown): "), name=name))
    return authorise(store, name, pin.strip(), act)


def cmd_backup(args: argparse.Namespace) -> int:
    from .core.shop.backups import backup_now

    with open_store(args) as store:
        path = backup_now(store)
    print(say(args, N_("backed up to {path}"), path=path))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from .core.shop.backups import (
        check_restore_source,
        readable_database,
        restore,
        restore_preview,
        unsent_records,
    )
    from .core.store.database import Store
    from .core.sync.pusher import push_what_is_left

    db = Path(args.db)
    check_restore_source(db, Path(args.file))
    lost = restore_preview(db, Path(args.file))
    if lost.records:  # said before the PIN is asked: the last moment to stop (Ctrl-C)
        print(say(args, N_("made after this backup, and no longer on this till after the restore: "
                           "{sales} sales, {refunds} refunds, {topups} top-ups, {members} new "
                           "members ({records} records in all)"),
                  sales=lost.sales, refunds=lost.refunds, topups=lost.topups, members=lost.members,
                  records=lost.records))  # fmt: skip
        if lost.syncs:
            print(
                say(args, N_("head office keeps them ({unsent} still to send)"), unsent=lost.unsent)
            )
            print(say(args, N_("members' points and stored value come back from head office with "
                               "the next sync, and so do the members issued since (their birthday "
                               "and notes stay in the copy the restore keeps)")))  # fmt: skip
        else:
            print(say(args, N_("members' points and stored value on this till go back to what "
                               "they were at the backup")))  # fmt: skip
            print(say(args, N_("this till has no head office: they stay only in the copy the "
                               "restore keeps of the current data")))  # fmt: skip
    if db.exists() and readable_database(db):
        # The data about to be replaced is the shop's: its manager or owner says so (a file
        # that no longer opens, the usual reason to restore, has no one left to ask, and
        # nor has one whose staff list was changed outside memberdesk).
        from .core.shop.staff import staff_standing

        with Store(db) as current:
            if not staff_standing(current).changed:
                staff_by_pin(args, current, "restore_backup")
    if unsent_records(db):  # what HQ has not got goes first, when it can
        push_what_is_left(db)
    done = restore(db, Path(args.file), carry_unsent=args.carry_unsent, other_shop=args.other_shop)
    Store(args.db).close()  # upgrade an older schema now, with its own backup
    if done.safety is None:
        print(say(args, N_("restored to {path} (there was no database before)"), path=args.db))
        return 0
    print(say(args, N_("restored; the previous database was saved as {path}"), path=done.safety))
    if done.carried and done.syncs:
        print(say(args, N_("{n} records made after the backup are kept for head office ({unsent} "
                           "of them still to send); receipt and card numbers go on from where "
                           "they were"), n=done.carried, unsent=done.unsent))  # fmt: skip
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Exit 0: every row written (dry run: would be); 3: some rows have problems; 4: nothing
    written and no row has problems (each row is skipped, or there are none), with the
    reason; 2: stopped part way (a full disk …); 130: stopped by Ctrl-C."""
    from .core.members.import_export import import_members
    from .core.shop.staff import SYSTEM

    with open_store(args, create=True) as store:
        who = SYSTEM if args.dry_run else staff_by_pin(args, store, "import_members")
        report = import_members(store, who, Path(args.file), dry_run=args.dry_run)
    return finish_import(args, report)


def finish_import(args: argparse.Namespace, report) -> int:  # noqa: ANN001 (an ImportReport)
    """Print an import's report; its exit code (see cmd_import)."""
    print_import(args, report)
    reason = report.nothing_written()
    if report.cancelled:
        return 130
    if report.stopped is not None:
        return 2
    if reason is not None:
        print(_one_line(reason.message(args.lang), 2000), file=sys.stderr)
    if report.problems:
        return 3
    return 4 if reason is not None else 0


def print_import(args: argparse.Namespace, report) -> None:  # noqa: ANN001 (an ImportReport)
    def line(msgid: str, **params: object) -> None:
        print("  " + say(args, msgid, **params))

    for problem in report.problems:
        line(N_("row {row} [{column}]: {problem}"), row=problem.row,
             column=problem.column(args.lang), problem=problem.message(args.lang))  # fmt: skip
    for kept in [*report.skipped, *report.balances_kept]:
        line(N_("row {row}: {reason}"), row=kept.row, reason=kept.message(args.lang))
    for warning in report.warnings:  # good rows, written all the same
        line(N_("row {row} [{column}], a warning: {warning}"), row=warning.row,
             column=warning.column(args.lang), warning=warning.message(args.lang))  # fmt: skip
    for column in report.ignored_columns:
        line(N_("ignored: {reason}"), reason=column.message(args.lang))
    if report.dry_run:
        for o in report.openings:
            line(N_("row {row}: {reason}"), row=o.row, reason=o.message(args.lang))
    if report.openings:
        print(report.openings_text(args.lang))
    written = (
        say(args, N_(" (dry run, nothing written)"))
        if report.dry_run
        else say(args, N_(", {n} written"), n=report.written)
    )
    print(say(args, N_("{total} rows: {good} good, {bad} with problems{written}"),
              total=report.total, good=report.good, bad=len(report.bad_rows), written=written))  # fmt: skip
    if report.cancelled:
        print(say(args, N_("the import was stopped after {n} rows were written; run the same file "
                           "again to import the rest (rows already imported are recognised)"),
                  n=report.written), file=sys.stderr)  # fmt: skip
    elif report.stopped is not None:
        print(_one_line(say(args, N_("the import stopped after {n} rows were written: {reason} "
                                     "Run the same file again to import the rest (rows already "
                                     "imported are recognised)"),
                            n=report.written, reason=report.stopped.message(args.lang)), 2000),
              file=sys.stderr)  # fmt: skip


def cmd_export(args: argparse.Namespace) -> int:
    from .core.members.import_export import export_members
    from .core.shop.staff import SYSTEM

    with open_store(args) as store:
        who = staff_by_pin(args, store, "export_full_phone") if args.full_phone else SYSTEM
        n = export_members(store, who, Path(args.file), full_phone=args.full_phone,
                           lang=args.lang)  # fmt: skip
    print(say(args, N_("exported {n} members to {path}"), n=n, path=args.file))
    return 0


def cmd_staff_recover_owner(args: argparse.Namespace) -> int:
    """The owner forgot their PIN: their recovery code sets a new one (nobody else may)."""
    from .core.shop.staff import recover_owner_pin

    with open_store(args) as store:
        code = getpass.getpass(say(args, N_("{name}'s recovery code (not shown): "),
                                   name=args.name))  # fmt: skip
        pin = getpass.getpass(say(args, N_("the new PIN, 4–8 digits (not shown): ")))
        again = getpass.getpass(say(args, N_("the new PIN again: ")))
        if pin != again:
            print(say(args, N_("the two PINs differ: nothing was changed; try again")),
                  file=sys.stderr)  # fmt: skip
            return 2
        new_code = recover_owner_pin(store, args.name, code.strip(), pin.strip())
    print(say(args, N_("{name}'s PIN is set. That recovery code is now used up; the new one is:"),
              name=args.name))  # fmt: skip
    print(f"    {new_code}")
    print(say(args, N_("write it down now and keep it away from the till: it is shown only once")))
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    try:  # the window is an extra: a till has it, an HQ or a script box may not
        import PySide6  # noqa: F401
    except ImportError:
        text = N_(
            "the window needs PySide6, which is not installed here: in the source folder run "
            "python3 dev.py run or pip install '.[app]'; memberdesk --help lists the commands "
            "that work without it"
        )
        print(say(args, text), file=sys.stderr)
        return 3
    from .ui.app import run_app

    if args.demo:  # the demo shop, from its own file (built the first time)
        args.db = demo_db_path()
        if not Path(args.db).exists():
            args.members, args.seed = 300, 2026
            cmd_demo(args)

    return run_app(args)


def _on_the_demo(args: argparse.Namespace) -> None:
    """`memberdesk --demo COMMAND`: the command works on the demo shop's file, as the window
    does (before, it worked on the shop's own file, saying nothing)."""
    if args.db_given:
        raise DomainError("cli.demo_and_db")
    args.db = demo_db_path()
    if not Path(args.db).exists():
        raise DomainError("cli.no_demo_yet")


STAFF_HELP = N_(
    "the manager or owner running it (their PIN from MEMBERDESK_PIN or a prompt); "
    "also MEMBERDESK_STAFF"
)


class _ChosenPath(argparse.Action):
    """--db, remembering that it was chosen (`memberdesk demo` otherwise builds its own file)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # noqa: ANN001
        setattr(namespace, self.dest, values)
        namespace.db_given = True


def build_parser(lang: str = DEFAULT_LANG) -> argparse.ArgumentParser:
    def h(msgid: str) -> str:
        return gettext(msgid, lang)

    p = Parser(prog="memberdesk", description=h(N_("memberdesk member till")), lang=lang)
    p.add_argument("--db", type=Path, default=default_db_path(), action=_ChosenPath,
                   help=h(N_("database file")))  # fmt: skip
    p.set_defaults(db_given=bool(os.environ.get("MEMBERDESK_DB", "").strip()))
    p.add_argument("--lang", choices=LANG_CHOICES, default="zh",
                   help=h(N_("language: zh (Simplified Chinese), zh_TW (Traditional Chinese), en")))  # fmt: skip
    p.add_argument("--demo", action="store_true",
                   help=h(N_("open the demo shop, kept in a file of its own (built the first time)")))  # fmt: skip
    p.add_argument("--screenshot", metavar="FILE.png",
                   help=h(N_("render a view to a PNG and exit")))  # fmt: skip
    p.add_argument("--view", choices=("till", "members", "followups", "settings", "journal", "report",
                                      "shift", "items"), default="till",
                   help=h(N_("the view --screenshot renders")))  # fmt: skip
    p.set_defaults(handler=cmd_gui)
    sub = p.add_subparsers(dest="command")

    s = sub.add_parser("check", help=h(N_("check every invariant of the data")))
    s.add_argument("--full", action="store_true",
                   help=h(N_("also compare every index with its table (slow on a large shop)")))  # fmt: skip
    s.set_defaults(handler=cmd_check)
    s = sub.add_parser("demo", help=h(N_("build a demo shop")))
    s.add_argument("--members", type=int, default=300)
    s.add_argument("--seed", type=int, default=2026)
    s.set_defaults(handler=cmd_demo)
    s = sub.add_parser("find", help=h(N_("find a member")))
    s.add_argument("query")
    s.set_defaults(handler=cmd_find)
    s = sub.add_parser("shop", help=h(N_("this till's store code, terminal code and card prefix")))
    shop = s.add_subparsers(dest="shop_command", required=True)
    s = shop.add_parser("show", help=h(N_("show the shop's identity in the chain")))
    s.set_defaults(handler=cmd_shop_show)
    s = shop.add_parser("set", help=h(N_("set the store code, terminal code or card prefix")))
    s.add_argument("--store", help=h(N_("store code, e.g. S002")))
    s.add_argument("--terminal", help=h(N_("terminal code: two digits, one per till of the store")))
    s.add_argument("--card-prefix", help=h(N_("the digits this till's card numbers begin with")))
    s.add_argument("--force", action="store_true",
                   help=h(N_("change them even though the till has synced")))  # fmt: skip
    s.set_defaults(handler=cmd_shop_set)
    s = sub.add_parser("jobs", help=h(N_("daily jobs: points expiry, tier review, backup")))
    s.set_defaults(handler=cmd_jobs)
    s = sub.add_parser("backup", help=h(N_("back up now")))
    s.set_defaults(handler=cmd_backup)
    s = sub.add_parser("restore", help=h(N_("restore from a backup")))
    s.add_argument("file")
    s.add_argument("--carry-unsent", action="store_true",
                   help=h(N_("keep records head office has not received and send them later")))  # fmt: skip
    s.add_argument("--other-shop", action="store_true",
                   help=h(N_("restore a backup of another till")))  # fmt: skip
    s.add_argument("--staff", help=h(STAFF_HELP))
    s.set_defaults(handler=cmd_restore)
    s = sub.add_parser("import", help=h(N_("import members from .csv or .xlsx")))
    s.add_argument("what", choices=("members",))
    s.add_argument("file")
    s.add_argument("--dry-run", action="store_true", help=h(N_("check every row, write nothing")))
    s.add_argument("--staff", help=h(STAFF_HELP))
    s.set_defaults(handler=cmd_import)
    s = sub.add_parser("export", help=h(N_("export members to .csv or .xlsx")))
    s.add_argument("what", choices=("members",))
    s.add_argument("file")
    s.add_argument("--full-phone", action="store_true", help=h(N_("full phone numbers (audited)")))
    s.add_argument("--staff", help=h(STAFF_HELP))
    s.set_defaults(handler=cmd_export)
    s = sub.add_parser("staff", help=h(N_("the shop's staff")))
    staff = s.add_subparsers(dest="staff_command", required=True)
    s = staff.add_parser("recover-owner",
                         help=h(N_("set an owner's forgotten PIN with the owner's recovery code")))  # fmt: skip
    s.add_argument("name", metavar="NAME", help=h(N_("the owner's name")))
    s.set_defaults(handler=cmd_staff_recover_owner)
    add_sync_commands(sub, lang)
    add_print_commands(sub, lang)
    add_journal_commands(sub, lang)
    add_items_commands(sub, lang)
    add_coupon_commands(sub, lang)
    add_member_commands(sub, lang)
    return p


def _setup_logging() -> Path | None:
    """Log to the user's log folder, rotated by size (the window runs for months); a folder
    we cannot write must not stop the command."""
    try:
        directory = log_dir()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "memberdesk.log"
        if not logging.getLogger().handlers:  # once per process, as basicConfig would
            handler = RotatingFileHandler(
                path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
            )
            logging.basicConfig(
                handlers=[handler],
                level=logging.INFO,
                format="%(asctime)s %(levelname)s %(name)s: %(message)s",
            )
    except OSError:
        return None
    return path


def _one_line(text: object, limit: int = 300) -> str:
    """Messages on stderr are one line: SQL errors and paths can carry newlines."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _tolerant_streams() -> None:
    # A console that cannot show Chinese gets '?' rather than a UnicodeEncodeError traceback.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_streams()
    given = sys.argv[1:] if argv is None else argv
    args = build_parser(lang_from_argv(given)).parse_args(argv)
    args.lang_given = lang_given(given)  # the window takes it over the language saved in it
    args.lang = normalise(args.lang)
    log_path = _setup_logging()
    try:
        if args.demo and args.command not in (None, "demo"):
            _on_the_demo(args)
        return args.handler(args)
    except DomainError as e:
        print(_one_line(e.message(args.lang), 2000), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `memberdesk find … | head`
        # Point stdout at /dev/null so the interpreter's final flush does not complain.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:  # one line for the person, the trace for the log
        from .core.store.failures import store_failure

        failure = store_failure(e, getattr(args, "db", ""))  # SQLite met outside a Store
        if failure is not None:
            log.warning("command stopped: %s", e)
            print(_one_line(failure.message(args.lang), 2000), file=sys.stderr)
            return 2
        log.exception("command failed")
        where = log_path if log_path is not None else say(args, N_("the log could not be written"))
        err = f"{type(e).__name__}: {e}"
        print(_one_line(say(args, N_("internal error: {error} (details in {log})"), error=err,
                            log=where), 500), file=sys.stderr)  # fmt: skip
        return 1


if __name__ == "__main__":
    sys.exit(main())
