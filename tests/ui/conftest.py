"""Window tests: offscreen Qt, a fresh database per test, settings kept in tmp_path.

Helpers here act like a person: they click list items and buttons and type into
fields with qtbot; nothing calls a view's private methods.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEvent, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QInputMethodEvent  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QApplication, QListWidget, QWidget  # noqa: E402

from memberdesk.core.store.database import Store
from memberdesk.ui.bootstrap import prepare_application
from memberdesk.ui.context import AppContext
from memberdesk.ui.i18n import install_translators
from memberdesk.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def ui_settings(tmp_path: Path) -> None:
    """Language choice and other QSettings go to the test's own folder."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    # QSettings("memberdesk", "memberdesk") takes the native format's path (on Linux the
    # user's ~/.config), not the default format's: both point at the test's folder.
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


@pytest.fixture(autouse=True)
def demo_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo shop's own file, in the test's folder (never the user's data)."""
    path = tmp_path / "demo-shop" / "memberdesk-demo.sqlite"
    monkeypatch.setenv("MEMBERDESK_DEMO_DB", str(path))
    return path


@pytest.fixture(autouse=True)
def no_windows_left(qapp: QApplication) -> None:
    """Every window and dialog a test opened is deleted when it ends. Left alive, each later
    test's style sheet and translators were applied to all of them again: setting up a
    window took 2-6 s instead of 0.3 s after a hundred tests in one process."""
    before = set(QApplication.topLevelWidgets())
    yield
    for widget in QApplication.topLevelWidgets():
        if widget not in before:
            widget.close()
            widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def app(qapp: QApplication) -> QApplication:
    prepare_application(qapp, "zh_CN")
    yield qapp
    install_translators("zh_CN")


@pytest.fixture
def empty_window(qtbot, app, tmp_path, clock):
    """The window over a file with no shop yet: the set-up."""
    store = Store(tmp_path / "new" / "memberdesk.sqlite", clock=clock)
    ctx = AppContext(store, "zh_CN")
    w = MainWindow(ctx, startup_jobs=False)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    yield w
    ctx.shutdown()
    store.close()


@pytest.fixture
def window(qtbot, app, store, owner, manager, cashier) -> MainWindow:
    ctx = AppContext(store, "zh_CN")
    w = MainWindow(ctx, startup_jobs=False)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    yield w
    ctx.shutdown()


# ---------------------------------------------------------------- acting like a person


def click(qtbot, button: QAbstractButton) -> None:
    assert button.isEnabled(), f"{button.objectName() or button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_item(qtbot, widget: QListWidget, text_start: str) -> None:
    qtbot.waitUntil(widget.isVisible)  # a view just built is shown on the next event loop turn
    for row in range(widget.count()):
        item = widget.item(row)
        if item.text().startswith(text_start):
            rect = widget.visualItemRect(item)
            qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return
    raise AssertionError(f"no item starting with {text_start!r}")


def click_row(qtbot, table, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def child(parent: QWidget, cls: type, name: str):
    found = parent.findChild(cls, name)
    assert found is not None, f"no {cls.__name__} named {name!r}"
    return found


def ime_commit(field: QWidget, text: str) -> None:
    """Chinese arrives as the input method's committed text, not as key presses."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(field, event)


def wheel(widget: QWidget, steps: int = -1) -> None:
    """One notch of the mouse wheel (down for a negative step) with the pointer on `widget`."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
    QApplication.sendEvent(widget, event)


def type_into(qtbot, field: QWidget, text: str, *, enter: bool = False) -> None:
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    if text.isascii():
        qtbot.keyClicks(field, text)
    else:
        ime_commit(field, text)
    if enter:
        qtbot.keyClick(field, Qt.Key.Key_Return)


def log_in(qtbot, w: MainWindow, name: str, pin: str, opening_float: str = "500") -> None:
    login = w.login
    qtbot.waitUntil(login.staff.isVisible)
    click_item(qtbot, login.staff, name)
    qtbot.keyClicks(login.pad.edit, pin)
    qtbot.keyClick(login.pad.edit, Qt.Key.Key_Return)
    if opening_float is not None:
        qtbot.waitUntil(login.float_edit.isVisible)
        qtbot.keyClicks(login.float_edit, opening_float)
        qtbot.keyClick(login.float_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.workspace is not None and w.workspace.till.isVisible())
