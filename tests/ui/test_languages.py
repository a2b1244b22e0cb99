"""The window in 繁體中文 and in English: core's refusals, the status bar, the shift page
and Qt's own file dialog follow the language chosen on the shop page."""

from __future__ import annotations

import os
import re

import opencc
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QLineEdit, QPushButton

from memberdesk.core.shop.details import get_shop
from memberdesk.ui.main_window import MainWindow

from .conftest import child, click, click_item, log_in, type_into

S2T = opencc.OpenCC("s2t")
CJK = re.compile(r"[\u3400-\u9fff]")


def switch_language(qtbot, window: MainWindow, lang: str, first_tab: str) -> None:
    office = window.workspace.backoffice
    window.workspace.setCurrentWidget(office)
    click_item(qtbot, office.menu, {"zh_CN": "店铺与语言", "zh_TW": "店鋪與語言"}.get(
        window.ctx.lang, "Shop & language"))  # fmt: skip
    combo = child(office.shop, QComboBox, "language")
    combo.setFocus()
    while combo.currentData() != lang:
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    click(qtbot, child(office.shop, QPushButton, "shop_save"))
    qtbot.waitUntil(lambda: window.workspace.tabText(0) == first_tab)


def file_dialog_words(qtbot) -> tuple[list[str], list[str]]:
    dialog = QFileDialog(None, "", "", "Excel (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    buttons = [b.text() for b in dialog.findChildren(QPushButton) if b.text()]
    labels = [lb.text() for lb in dialog.findChildren(QLabel) if lb.text()]
    return buttons, labels


def test_traditional_chinese_window(qtbot, window, store):
    log_in(qtbot, window, "老板", "8888")
    switch_language(qtbot, window, "zh_TW", "收銀")
    assert get_shop(store).language == "zh_TW"  # the receipts follow the shop page too

    till = window.workspace.till
    window.workspace.setCurrentWidget(till)
    qtbot.keyClick(till.scan, Qt.Key.Key_F3)
    form = till.dialog
    type_into(qtbot, child(form, QLineEdit, "member_name_field"), "陳大文")
    type_into(qtbot, child(form, QLineEdit, "member_phone_field"), "12345")
    click(qtbot, child(form, QPushButton, "save_member"))
    error = child(form, QLabel, "phone_error").text()
    assert error == "手機號 12345 不是有效的中國大陸手機號"
    assert S2T.convert(error) == error
    form.reject()

    # the status bar: the role and the shift read in 繁體 (the names are data)
    who = window.who.text()
    assert "老闆" in who and "班次" in who
    words = who.replace(get_shop(store).name, "").replace("老板", "")
    assert S2T.convert(words) == words

    office = window.workspace.backoffice
    window.workspace.setCurrentWidget(office)
    office.open_page(office.shift)
    shift = office.shift.shift_text.text()
    assert "開班時間" in shift and "新會員" in shift and "Opened" not in shift
    shift = shift.replace("老板", "")  # the staff member's name is data
    assert S2T.convert(shift) == shift

    buttons, labels = file_dialog_words(qtbot)
    assert "開啟(&O)" in buttons and "尋找於(&L)：" in labels and "檔案型態(&T)：" in labels
    assert all(CJK.search(text) for text in labels), labels  # no English label left


def test_english_window_status_bar_and_file_dialog(qtbot, window):
    log_in(qtbot, window, "老板", "8888")
    buttons, labels = file_dialog_words(qtbot)
    assert "打开(&O)" in buttons and "查找范围(&L)：" in labels  # 简体 first, whole

    switch_language(qtbot, window, "en", "Till")
    assert window.logout_button.text() == "Log out"
    assert "(Owner)" in window.who.text() and "shift open" in window.who.text()
    assert window.sync_label.text() == "Sync: not set up"
    buttons, labels = file_dialog_words(qtbot)
    assert "&Open" in buttons and "&Look in:" in labels
    assert not any(CJK.search(text) for text in buttons + labels)
    shift_page = window.workspace.backoffice.shift
    window.workspace.backoffice.open_page(shift_page)
    assert "Opened at" in shift_page.shift_text.text()


def test_a_language_named_on_the_command_line_wins_over_the_one_saved_in_the_window() -> None:
    """An English-reading helper starts `memberdesk --lang en` at a till whose window was
    set to 简体中文: the window is in English for that run; without --lang it opens in the
    language chosen in it; the choice saved stays."""
    from memberdesk.cli import build_parser
    from memberdesk.ui.i18n import save_language, saved_language
    from memberdesk.ui.main_window import window_language

    def args(*argv: str):
        parsed = build_parser("zh").parse_args(list(argv))
        parsed.lang_given = any(a.startswith("--lang") for a in argv)
        return parsed

    assert window_language(args()) == "zh_CN"
    save_language("zh_TW")
    assert window_language(args()) == "zh_TW"
    assert window_language(args("--lang", "en")) == "en"
    assert window_language(args("--lang=zh")) == "zh_CN"
    assert saved_language() == "zh_TW"


def test_the_command_line_says_whether_it_named_a_language() -> None:
    from memberdesk.core.i18n import lang_given

    assert lang_given(["--lang", "en", "demo"]) and lang_given(["--db", "x", "--lang=zh_TW"])
    assert not lang_given(["--db", "x", "demo"]) and not lang_given(["members", "find", "lang"])


def test_the_windows_words_stay_chinese_when_their_catalogue_file_is_replaced(
    qtbot, app, tmp_path, monkeypatch
):
    """An update that puts new catalogue files in place while the till runs: the running
    window keeps its words (the catalogue it read, not the file as it now is)."""
    import shutil

    from memberdesk.ui import i18n

    folder = tmp_path / "translations"
    shutil.copytree(i18n.translations_dir(), folder)
    monkeypatch.setattr(i18n, "translations_dir", lambda: folder)
    try:
        i18n.install_translators("zh_CN")
        assert i18n.tr("Log out") == "退出登录"
        catalogue = folder / "memberdesk_zh_CN.qm"
        size = catalogue.stat().st_size
        with catalogue.open("r+b") as f:  # rewritten in place, as an installer may
            f.write(b"\0" * size)
        assert i18n.tr("Log out") == "退出登录"
        assert i18n.tr("Complete sale (F12)") == "完成收款 (F12)"
    finally:
        monkeypatch.undo()
        i18n.install_translators("zh_CN")


_DRAW_AFTER_FONT_REWRITE = """
import hashlib, os, sys
from pathlib import Path
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QApplication
from memberdesk.ui.bootstrap import prepare_application

app = QApplication([])
prepare_application(app, "zh_CN")
font = Path(os.environ["MEMBERDESK_RESOURCES"]) / "fonts" / "wqy-microhei.ttc"
if sys.argv[1] == "rewrite":
    size = font.stat().st_size
    with font.open("r+b") as f:  # rewritten in place, as an installer may
        f.write(b"\\0" * size)
image = QImage(600, 80, QImage.Format.Format_RGB32)
image.fill(QColor("white"))
painter = QPainter(image)
painter.setFont(QFont(app.font().family(), 28))
painter.drawText(10, 60, "储值余额积分兑换顾客")  # characters the window had not drawn yet
painter.end()
dark = sum(1 for y in range(80) for x in range(600) if image.pixelColor(x, y).lightness() < 128)
print(app.font().family(), dark, hashlib.sha256(bytes(image.constBits())).hexdigest(), sep="|")
"""


def test_the_window_draws_chinese_the_same_when_its_font_file_is_rewritten(tmp_path):
    """An update rewriting the bundled font while the till runs: text drawn afterwards is
    drawn as before (the font as it was read), not from the file as it now is."""
    import shutil
    import subprocess
    import sys

    from memberdesk.resources import resources_dir

    def draw(mode: str) -> list[str]:
        resources = tmp_path / mode
        shutil.copytree(resources_dir() / "fonts", resources / "fonts")
        env = dict(os.environ, MEMBERDESK_RESOURCES=str(resources), QT_QPA_PLATFORM="offscreen")
        done = subprocess.run([sys.executable, "-c", _DRAW_AFTER_FONT_REWRITE, mode], env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().split("|")

    family, dark, picture = draw("keep")
    assert "WenQuanYi" in family and int(dark) > 500  # the characters were drawn
    assert draw("rewrite") == [family, dark, picture]
