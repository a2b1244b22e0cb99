"""Start the window. Until a display is available, explain how to proceed instead of crashing."""

from __future__ import annotations

import argparse
import os
import sys


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM") in ("offscreen", "minimal"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def run_app(args: argparse.Namespace) -> int:
    if getattr(args, "screenshot", None):
        from .screenshot import take_screenshot

        return take_screenshot(args)
    if not has_display():
        from ..core.i18n import N_, translate

        msg = N_(
            "no display is available to open the window; use `memberdesk --screenshot till.png` "
            "for a screenshot, or `memberdesk --help` for the commands"
        )
        print(translate(msg, getattr(args, "lang", None)), file=sys.stderr)
        return 3
    from .main_window import run_window

    return run_window(args)
