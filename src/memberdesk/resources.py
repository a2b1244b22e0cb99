"""Locate files under resources/ (fonts, translations, icons) in a checkout or a frozen app."""

from __future__ import annotations

import os
import sys
from pathlib import Path

CJK_FONT_FILE = "fonts/wqy-microhei.ttc"


def resources_dir() -> Path:
    override = os.environ.get("MEMBERDESK_RESOURCES")
    if override:
        return Path(override)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource(relative: str) -> Path:
    path = resources_dir() / relative
    if not path.exists():
        raise FileNotFoundError(f"memberdesk resource missing: {path}")
    return path


def cjk_font_path() -> Path:
    return resource(CJK_FONT_FILE)
