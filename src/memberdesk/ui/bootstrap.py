"""Prepare the QApplication: the bundled CJK font, readable type, the language."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from platformdirs import user_cache_dir
from PySide6.QtCore import QByteArray
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ..resources import cjk_font_path
from .i18n import install_translators

log = logging.getLogger(__name__)

BASE_POINT_SIZE = 12  # large enough to read at arm's length on a 1366×768 counter screen
STYLE = """
QPushButton { padding: 6px 12px; }
QPushButton[role="primary"] { font-weight: bold; background: #1f6feb; color: white;
                              border-radius: 4px; padding: 8px 16px; }
QPushButton[role="primary"]:disabled { background: #9db7e0; }
QLabel[role="error"] { color: #c62828; }
QLabel[role="ok"] { color: #2e7d32; }
QLabel[role="warning"] { color: #ffffff; background: #c62828; padding: 4px 8px; border-radius: 4px; }
QLabel[role="badge"] { color: #ffffff; background: #d81b60; padding: 2px 8px; border-radius: 8px; }
QLabel[role="big"] { font-size: 22pt; font-weight: bold; }
QLabel[role="change_due"] { font-size: 22pt; font-weight: bold; color: #ffffff; background: #2e7d32;
                            border-radius: 4px; }
QLabel[role="muted"] { color: #666666; }
QLabel[role="short"] { color: #c62828; font-size: 18pt; font-weight: bold; }
QLabel[role="over"] { color: #b26a00; font-size: 18pt; font-weight: bold; }
QLabel[role="even"] { color: #2e7d32; font-size: 18pt; font-weight: bold; }
QFrame[role="panel"] { background: #f7f9fc; border: 1px solid #d0d7de; border-radius: 6px; }
QLineEdit[refused="true"] { border: 2px solid #c62828; border-radius: 3px; padding: 1px 2px; }
"""


def register_font() -> str | None:
    """Register the bundled font (only possible once the QApplication exists); returns its family."""
    try:
        path = cjk_font_path()
    except FileNotFoundError:
        log.warning("bundled CJK font missing; Chinese may render as boxes")
        return None
    # Read into memory, not opened by path: Qt would map the file and read glyphs from it
    # as they are first drawn, so an update rewriting the file while the till runs would
    # draw the rest of the day's text from whatever the file then held.
    try:
        data = path.read_bytes()
    except OSError as exc:
        log.warning("could not read %s: %s", path, exc)
        return None
    font_id = QFontDatabase.addApplicationFontFromData(QByteArray(data))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("could not load %s", path)
        return None
    return families[0]


def cache_escpos_capabilities() -> None:
    """python-escpos parses a 2 MB YAML file on import (seconds) and caches the result in a
    fresh temporary folder each time, i.e. never; point its cache at ours instead."""
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ:
        return
    folder = Path(user_cache_dir("memberdesk", appauthor=False)) / "escpos"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(folder)


def prepare_application(app: QApplication, lang: str) -> None:
    cache_escpos_capabilities()
    app.setApplicationName("memberdesk")
    app.setOrganizationName("memberdesk")
    family = register_font()
    font = QFont(family) if family else app.font()
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(STYLE)
    install_translators(lang)


def make_application(lang: str) -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    prepare_application(app, lang)
    return app
