"""A change an operator cannot take back is described first, then made only when asked for."""

from __future__ import annotations

import argparse
import sys

from .core.i18n import N_, translate


def confirmed(args: argparse.Namespace, again: str) -> bool:
    """Whether the operator wants the change just described: `--yes`, or a "y" typed at
    the terminal. Without either (a script, a pipe) nothing changes and the command to
    run is printed."""
    if args.yes:
        return True
    if sys.stdin.isatty():
        try:
            answer = input(translate(N_("Go ahead? [y/N] "), args.lang))
        except EOFError:
            answer = ""
        if answer.strip().lower() in ("y", "yes", "是", "是的"):
            return True
    print(
        translate(
            N_("Nothing was changed. To go ahead, run it again with --yes: {command}"),
            args.lang,
            command=again,
        )
    )
    return False
