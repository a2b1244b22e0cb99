"""Languages of the window: Qt Linguist catalogues plus Qt's own (so 确定/取消 read right).

Source strings are English; resources/translations/memberdesk_<lang>.ts → .qm holds
the Chinese of the widgets' own words. Every such string goes through `tr` below;
lupdate files a bare ``tr(...)`` call under the empty context, so that is the context we
look up. What core says (refusals, names of codes, lists) comes from core's message
catalogue (core/i18n.py) in `current_language()`. Qt's qtbase_<lang>.qm translates its
dialogs and standard buttons; qtextra_<lang>.qm adds the few QFileDialog labels that
qtbase's catalogue lacks.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from ..core.i18n import DEFAULT_LANG as CORE_DEFAULT
from ..core.i18n import normalise
from ..resources import resources_dir

log = logging.getLogger(__name__)

DEFAULT_LANG = "zh_CN"
LANGS: dict[str, str] = {"zh_CN": "简体中文", "en": "English", "zh_TW": "繁體中文"}
CONTEXT = ""  # lupdate files a bare tr(...) call under the empty context
_installed: list[QTranslator] = []
# The catalogues' bytes, held for as long as their translators are installed: Qt reads a
# catalogue in place without copying it. Read into memory, not mapped from the file, so an
# update of the program that replaces the files while the till runs (or a catalogue
# rebuilt beside a running window) never turns the window's words into English midway.
_catalogues: list[bytes] = []
_current = [CORE_DEFAULT]  # the language installed last


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate(CONTEXT, text, disambiguation, n)


def core_lang(lang: str) -> str:
    """The language core's messages are asked in: the window's own (zh_CN, zh_TW or en)."""
    return normalise(lang)


def current_language() -> str:
    """The window's language (what `install_translators` installed last)."""
    return _current[0]


def translations_dir() -> Path:
    return resources_dir() / "translations"


def qt_translations_dir() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def install_translators(lang: str) -> list[str]:
    """Replace the installed catalogues with `lang`'s; returns the files loaded."""
    app = QCoreApplication.instance()
    assert app is not None, "create the QApplication first"
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    _catalogues.clear()
    loaded: list[str] = []
    if lang not in LANGS:
        lang = DEFAULT_LANG
    _current[0] = lang
    QLocale.setDefault(QLocale(lang))
    if lang == "en":
        return loaded
    candidates = [
        (qt_translations_dir(), f"qtbase_{lang}.qm"),
        (translations_dir(), f"qtbase_{lang}.qm"),  # a frozen app may carry them here
        (translations_dir(), f"qtextra_{lang}.qm"),
        (translations_dir(), f"memberdesk_{lang}.qm"),
    ]
    seen_qtbase = False
    for folder, name in candidates:
        path = folder / name
        if name.startswith("qtbase") and seen_qtbase:
            continue
        translator = QTranslator(app)
        data = path.read_bytes() if path.is_file() else b""
        if data and translator.load(data, str(folder)):
            app.installTranslator(translator)
            _installed.append(translator)
            _catalogues.append(data)
            loaded.append(str(path))
            seen_qtbase = seen_qtbase or name.startswith("qtbase")
        elif not name.startswith("qtbase") or folder == translations_dir():
            log.warning("translation %s not found", path)
    return loaded


def _settings() -> QSettings:
    return QSettings("memberdesk", "memberdesk")


def saved_language(fallback: str = DEFAULT_LANG) -> str:
    value = _settings().value("ui/lang", fallback)
    return value if value in LANGS else fallback


def save_language(lang: str) -> None:
    if lang in LANGS:
        _settings().setValue("ui/lang", lang)
