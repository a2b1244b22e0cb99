"""Where the terminal keeps its files (platformdirs), unless --db says otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir, user_log_dir

APP = "memberdesk"


def default_db_path() -> Path:
    override = os.environ.get("MEMBERDESK_DB", "").strip()
    if override:
        return Path(override).expanduser()
    return Path(user_data_dir(APP, appauthor=False)) / "memberdesk.sqlite"


def demo_db_path() -> Path:
    """The demo shop's own file: beside, never inside, the shop's data folder, so that a
    shop that tried the demo still starts with the set-up the first time it is its own."""
    override = os.environ.get("MEMBERDESK_DEMO_DB", "").strip()
    if override:
        return Path(override).expanduser()
    return Path(user_data_dir(APP + "-demo", appauthor=False)) / "memberdesk-demo.sqlite"


def log_dir() -> Path:
    return Path(user_log_dir(APP, appauthor=False))
