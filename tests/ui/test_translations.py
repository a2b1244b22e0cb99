"""The catalogues match the code: every string the window shows is in memberdesk_<lang>.ts,
translated, and the shipped .qm files are what lrelease makes of them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import missing

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "src" / "memberdesk" / "ui"
TRANSLATIONS = ROOT / "resources" / "translations"
BIN = Path(sys.executable).parent
LANGS = ("zh_CN", "zh_TW")


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        missing(f"{name} is not installed")
    return found


def _messages(ts: Path) -> dict[str, str | None]:
    out = {}
    for context in ET.parse(ts).getroot().iter("context"):
        assert (context.findtext("name") or "") == "", (
            "every string is looked up in the empty context"
        )
        for message in context.iter("message"):
            translation = message.find("translation")
            done = translation.get("type") not in ("unfinished", "vanished", "obsolete")
            out[message.findtext("source")] = translation.text if done else None
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_every_string_is_translated(tmp_path, lang):
    fresh = tmp_path / f"{lang}.ts"
    sources = sorted(str(p) for p in UI.rglob("*.py"))
    subprocess.run([_tool("pyside6-lupdate"), *sources, "-ts", str(fresh), "-locations", "none"],
                   check=True, capture_output=True)  # fmt: skip
    wanted = set(_messages(fresh))
    shipped = _messages(TRANSLATIONS / f"memberdesk_{lang}.ts")
    assert wanted - set(shipped) == set(), "run lupdate and translate the new strings"
    untranslated = sorted(s for s in wanted if not shipped.get(s))
    assert untranslated == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_qm_files_are_current(tmp_path, lang):
    out = tmp_path / f"{lang}.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(TRANSLATIONS / f"memberdesk_{lang}.ts"), "-qm", str(out)],
                   check=True, capture_output=True)  # fmt: skip
    assert out.read_bytes() == (TRANSLATIONS / f"memberdesk_{lang}.qm").read_bytes()


@pytest.mark.parametrize("lang", LANGS)
def test_the_qt_supplements_are_current(tmp_path, lang):
    """qtextra_<lang>: the QFileDialog labels Qt's own catalogue lacks."""
    out = tmp_path / f"qtextra_{lang}.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(TRANSLATIONS / f"qtextra_{lang}.ts"), "-qm", str(out)],
                   check=True, capture_output=True)  # fmt: skip
    assert out.read_bytes() == (TRANSLATIONS / f"qtextra_{lang}.qm").read_bytes()


def test_the_window_in_traditional_chinese_is_traditional():
    import opencc

    s2t = opencc.OpenCC("s2t")
    for name in ("memberdesk_zh_TW.ts", "qtextra_zh_TW.ts"):
        root = ET.parse(TRANSLATIONS / name).getroot()
        texts = [m.findtext("translation") or "" for m in root.iter("message")]
        assert texts and [t for t in texts if s2t.convert(t) != t] == []


@pytest.mark.parametrize(("lang", "folder"), [("zh_CN", "文件夹"), ("zh_TW", "資料夾")])
def test_a_file_dialog_names_a_folder_in_the_windows_language(qtbot, qapp, tmp_path, lang, folder):
    """The 类型 column of a save or open dialog: Qt's catalogue leaves "Folder" in English."""
    from PySide6.QtWidgets import QFileSystemModel

    from memberdesk.ui.i18n import install_translators

    (tmp_path / "报表").mkdir()
    install_translators(lang)
    try:
        model = QFileSystemModel()
        model.setRootPath(str(tmp_path))
        where = model.index(str(tmp_path))
        qtbot.waitUntil(lambda: model.rowCount(where) == 1)
        assert model.data(model.index(0, 2, where)) == folder
    finally:
        install_translators("zh_CN")
