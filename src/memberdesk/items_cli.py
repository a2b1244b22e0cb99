"""`memberdesk items import FILE [--dry-run]` / `memberdesk items export FILE`: the product
catalogue from and to a sheet, as `import members` / `export members` do for members.

An import that writes is a manager's or owner's: they name themselves (--staff or
MEMBERDESK_STAFF) and type their PIN, as for the member import. Exit codes are the
member import's: 0 every row written (dry run: would be), 3 some rows have problems,
4 nothing to write (with the reason), 2 stopped part way, 130 stopped by Ctrl-C.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .core.i18n import DEFAULT_LANG, N_, gettext, translate


def cmd_items_import(args: argparse.Namespace) -> int:
    from .cli import finish_import, open_store, staff_by_pin
    from .core.items.transfer import import_items
    from .core.shop.staff import SYSTEM

    with open_store(args, create=True) as store:
        who = SYSTEM if args.dry_run else staff_by_pin(args, store, "catalogue_change")
        report = import_items(store, who, Path(args.file), dry_run=args.dry_run)
    return finish_import(args, report)


def cmd_items_export(args: argparse.Namespace) -> int:
    from .cli import open_store
    from .core.items.transfer import export_items

    with open_store(args) as store:
        n = export_items(store, Path(args.file), lang=args.lang)
    print(translate(N_("exported {n} items to {path}"), args.lang, n=n, path=args.file))
    return 0


def add_items_commands(sub: Any, lang: str = DEFAULT_LANG) -> None:
    """Add `items import` and `items export` to the `memberdesk` parser."""
    from .cli import STAFF_HELP

    def h(msgid: str) -> str:
        return gettext(msgid, lang)

    s = sub.add_parser("items", help=h(N_("the product catalogue: import or export it")))
    items = s.add_subparsers(dest="items_command", required=True)
    s = items.add_parser("import", help=h(N_("import items from .csv or .xlsx")))
    s.add_argument("file")
    s.add_argument("--dry-run", action="store_true", help=h(N_("check every row, write nothing")))
    s.add_argument("--staff", help=h(STAFF_HELP))
    s.set_defaults(handler=cmd_items_import)
    s = items.add_parser("export", help=h(N_("export every item to .csv or .xlsx")))
    s.add_argument("file")
    s.set_defaults(handler=cmd_items_export)
