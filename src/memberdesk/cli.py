"""`memberdesk`: the window by default, and the owner's admin commands.

Errors are one clear line in the user's language (Chinese by default, --lang en)
and a non-zero exit code; details of unexpected failures go to the log file.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from logging.handlers import RotatingFileHandler
from pathlib import Path

from .core.errors import DomainError
from .paths import default_db_path, log_dir
from .print_cli import add_print_commands
from .sync_cli import add_sync_commands

log = logging.getLogger("memberdesk")

# The log file rotates at 2 MB and keeps five old ones (memberdesk.log.1 … .5): ~12 MB at most.
LOG_BYTES = 2 * 1024 * 1024
LOG_BACKUPS = 5

Handler = Callable[[argparse.Namespace], int]
TEXT = {
    "zh": {
        "check_ok": "检查通过：{n} 项检查全部满足",
        "check_bad": "检查发现 {n} 个问题：",
        "demo_done": "演示店已建好：{members} 位会员，{sales} 笔消费，{topups} 笔充值，{refunds} 笔退货；员工 {staff}（PIN：老板 8888，店长 6666，收银 1111）",
        "backup_done": "已备份到 {path}",
        "jobs_done": "积分到期：{em} 位会员共 {ep} 分；等级调整 {tiers} 位；农历生日更新 {bdays} 位{backup}",
        "jobs_backup": "；已自动备份到 {path}",
        "restore_done": "已恢复；原数据库已另存为 {path}",
        "restore_done_new": "已恢复到 {path}（此前没有数据库）",
        "no_hits": "没有找到会员",
        "internal": "内部错误：{err}（详情见日志 {log}）",
        "no_log": "无法写入日志",
        "import_report": "共 {total} 行：可导入 {good} 行，有问题 {bad} 行{written}",
        "import_written": "，已写入 {n} 行",
        "import_dry": "（试运行，未写入任何数据）",
        "export_done": "已导出 {n} 位会员到 {path}",
        "no_qt": "窗口需要 PySide6，本机没有安装：在源码目录里运行 python3 dev.py run 或 pip install '.[app]'；命令行功能见 memberdesk --help",
    },
    "en": {
        "check_ok": "check passed: all {n} checks hold",
        "check_bad": "check found {n} problems:",
        "demo_done": "demo shop ready: {members} members, {sales} sales, {topups} top-ups, {refunds} refunds; staff {staff} (PINs: owner 8888, manager 6666, cashier 1111)",
        "backup_done": "backed up to {path}",
        "jobs_done": "points expired: {ep} from {em} members; tiers changed: {tiers}; lunar birthdays refreshed: {bdays}{backup}",
        "jobs_backup": "; automatic backup at {path}",
        "restore_done": "restored; the previous database was saved as {path}",
        "restore_done_new": "restored to {path} (there was no database before)",
        "no_hits": "no member found",
        "internal": "internal error: {err} (details in {log})",
        "no_log": "the log could not be written",
        "import_report": "{total} rows: {good} good, {bad} with problems{written}",
        "import_written": ", {n} written",
        "import_dry": " (dry run, nothing written)",
        "export_done": "exported {n} members to {path}",
        "no_qt": "the window needs PySide6, which is not installed here: in the source folder run python3 dev.py run or pip install '.[app]'; memberdesk --help lists the commands that work without it",
    },
}


def say(args: argparse.Namespace, key: str, **kw: object) -> str:
    return TEXT[args.lang][key].format(**kw)


def open_store(args: argparse.Namespace, *, create: bool = False):
    """Open --db; only commands that build data (demo, import) may create a new file,
    so a mistyped path is refused instead of checked, searched or backed up as empty."""
    from .core.store.database import Store

    if not create and not Path(args.db).exists():
        raise DomainError("store.missing", path=str(args.db))
    return Store(args.db)


def cmd_check(args: argparse.Namespace) -> int:
    from .core.check.checks import run_checks

    with open_store(args) as store:
        report = run_checks(store)
    if report.ok:
        print(say(args, "check_ok", n=len(report.checks_run)))
        return 0
    print(say(args, "check_bad", n=len(report.problems)))
    for p in report.problems:
        print(f"  - {p}")
    return 1


def cmd_demo(args: argparse.Namespace) -> int:
    from .core.demo.builder import build_demo

    with open_store(args, create=True) as store:
        result = build_demo(store, members=args.members, seed=args.seed)
    print(say(args, "demo_done", members=result.members, sales=result.sales, topups=result.topups,
              refunds=result.refunds, staff="、".join(result.staff)))  # fmt: skip
    return 0


def cmd_jobs(args: argparse.Namespace) -> int:
    """The daily jobs (also run by the window at start): expiry, tier review, birthdays, backup."""
    from .core.daily.jobs import run_daily_jobs
    from .core.shop.backups import auto_backup

    with open_store(args) as store:
        report = run_daily_jobs(store)
        path = auto_backup(store)
    backup = say(args, "jobs_backup", path=path) if path else ""
    print(say(args, "jobs_done", em=report.expired_members, ep=report.expired_points,
              tiers=report.tiers_changed, bdays=report.birthdays_refreshed, backup=backup))  # fmt: skip
    return 0


def cmd_find(args: argparse.Namespace) -> int:
    from .core.members.lookup import find_members
    from .core.money import format_fen

    with open_store(args) as store:
        result = find_members(store, args.query)
    if result.refusal is not None:
        raise result.refusal
    if not result.hits:
        print(say(args, "no_hits"))
        return 1
    for h in result.hits:
        mark = "★" if result.exact is h else " "
        print(
            f"{mark} {h.card_no}  {h.name}  {h.phone}  {h.tier or '-'}  积分 {h.points}  储值 {format_fen(h.wallet)}"
        )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from .core.shop.backups import backup_now

    with open_store(args) as store:
        path = backup_now(store)
    print(say(args, "backup_done", path=path))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from .core.shop.backups import restore
    from .core.store.database import Store

    safety = restore(Path(args.db), Path(args.file))
    Store(args.db).close()  # upgrade an older schema now, with its own backup
    if safety is None:
        print(say(args, "restore_done_new", path=args.db))
    else:
        print(say(args, "restore_done", path=safety))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .core.members.import_export import import_members
    from .core.shop.staff import SYSTEM

    with open_store(args, create=True) as store:
        report = import_members(store, SYSTEM, Path(args.file), dry_run=args.dry_run)
    for problem in report.problems:
        print(f"  第 {problem.row} 行 [{problem.field}]：{problem.message(args.lang)}" if args.lang == "zh"
              else f"  row {problem.row} [{problem.field}]: {problem.message(args.lang)}")  # fmt: skip
    written = (
        say(args, "import_dry") if args.dry_run else say(args, "import_written", n=report.written)
    )
    print(
        say(
            args,
            "import_report",
            total=report.total,
            good=report.good,
            bad=len(report.bad_rows),
            written=written,
        )
    )
    return 0 if not report.problems else 3


def cmd_export(args: argparse.Namespace) -> int:
    from .core.members.import_export import export_members
    from .core.shop.staff import SYSTEM

    with open_store(args) as store:
        n = export_members(store, SYSTEM, Path(args.file), full_phone=args.full_phone)
    print(say(args, "export_done", n=n, path=args.file))
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    try:  # the window is an extra: a till has it, an HQ or a script box may not
        import PySide6  # noqa: F401
    except ImportError:
        print(say(args, "no_qt"), file=sys.stderr)
        return 3
    from .ui.app import run_app

    if args.demo_if_empty and not Path(args.db).exists():
        args.members, args.seed = 300, 2026
        cmd_demo(args)

    return run_app(args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="memberdesk", description="memberdesk 会员收银台")
    p.add_argument("--db", type=Path, default=default_db_path(), help="数据库文件 / database file")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument(
        "--demo-if-empty",
        action="store_true",
        help="没有数据时先建演示店 / build the demo shop when there is no data",
    )
    p.add_argument(
        "--screenshot",
        metavar="FILE.png",
        help="截取窗口画面后退出 / render a view to a PNG and exit",
    )
    p.add_argument("--view", choices=("till", "members", "followups", "settings"), default="till",
                   help="--screenshot 截取的界面 / the view --screenshot renders")  # fmt: skip
    p.set_defaults(handler=cmd_gui)
    sub = p.add_subparsers(dest="command")

    s = sub.add_parser("check", help="检查数据完整性 / check every invariant")
    s.set_defaults(handler=cmd_check)
    s = sub.add_parser("demo", help="建演示店 / build a demo shop")
    s.add_argument("--members", type=int, default=300)
    s.add_argument("--seed", type=int, default=2026)
    s.set_defaults(handler=cmd_demo)
    s = sub.add_parser("find", help="查找会员 / find a member")
    s.add_argument("query")
    s.set_defaults(handler=cmd_find)
    s = sub.add_parser("jobs", help="每日任务：积分到期、等级评定、自动备份 / daily jobs")
    s.set_defaults(handler=cmd_jobs)
    s = sub.add_parser("backup", help="立即备份 / back up now")
    s.set_defaults(handler=cmd_backup)
    s = sub.add_parser("restore", help="从备份恢复 / restore from a backup")
    s.add_argument("file")
    s.set_defaults(handler=cmd_restore)
    s = sub.add_parser("import", help="导入 / import")
    s.add_argument("what", choices=("members",))
    s.add_argument("file")
    s.add_argument("--dry-run", action="store_true")
    s.set_defaults(handler=cmd_import)
    s = sub.add_parser("export", help="导出 / export")
    s.add_argument("what", choices=("members",))
    s.add_argument("file")
    s.add_argument("--full-phone", action="store_true")
    s.set_defaults(handler=cmd_export)
    add_sync_commands(sub)
    add_print_commands(sub)
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
    args = build_parser().parse_args(argv)
    log_path = _setup_logging()
    try:
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
        log.exception("command failed")
        where = log_path if log_path is not None else say(args, "no_log")
        err = f"{type(e).__name__}: {e}"
        print(_one_line(say(args, "internal", err=err, log=where), 500), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
