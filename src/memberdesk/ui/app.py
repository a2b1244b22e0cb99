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
        msg = {
            "zh": "没有可用的显示器，无法打开窗口；可用 `memberdesk --screenshot till.png` 生成截图，或用 `memberdesk --help` 查看命令行功能",
            "en": "no display is available to open the window; use `memberdesk --screenshot till.png` for a screenshot, or `memberdesk --help` for the commands",
        }
        print(msg[args.lang], file=sys.stderr)
        return 3
    from .main_window import run_window

    return run_window(args)
