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


def log_dir() -> Path:
    return Path(user_log_dir(APP, appauthor=False))
