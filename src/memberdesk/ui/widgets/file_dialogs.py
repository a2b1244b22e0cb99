"""Where the owner's files are saved and opened from.

A file dialog given only a file name starts in the folder the program was started
from — on a shop's computer the program's own folder, where nobody looks for a call
sheet. The dialogs here start in the folder last used for a file, at first the
user's Documents folder (their home folder when there is none). A file written for the
owner to print opens in the system's viewer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

_last: list[Path] = []  # the folder of the last file chosen, while the program runs


def start_folder() -> Path:
    if _last and _last[0].is_dir():
        return _last[0]
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def _chosen(path: str) -> Path | None:
    if not path:
        return None
    _last[:] = [Path(path).parent]
    return Path(path)


def save_file(parent: QWidget, title: str, name: str, filters: str) -> Path | None:
    """The file to write, `name` offered in the start folder; None when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(start_folder() / name), filters)
    return _chosen(path)


def open_file(parent: QWidget, title: str, filters: str) -> Path | None:
    """The file to read, looked for from the start folder; None when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, title, str(start_folder()), filters)
    return _chosen(path)


@contextmanager
def _machine_library_path() -> Iterator[None]:
    """The frozen app's loader puts its own folder first in LD_LIBRARY_PATH (keeping what
    was there in LD_LIBRARY_PATH_ORIG) and every program started from it inherits that:
    a PDF viewer would load the app's GLib, fontconfig and libstdc++ instead of the
    machine's and may not start. Programs started inside this block get the machine's."""
    ours = os.environ.get("LD_LIBRARY_PATH")
    if not getattr(sys, "frozen", False) or ours is None:
        yield
        return
    original = os.environ.get("LD_LIBRARY_PATH_ORIG")
    if original is None:
        del os.environ["LD_LIBRARY_PATH"]
    else:
        os.environ["LD_LIBRARY_PATH"] = original
    try:
        yield
    finally:
        os.environ["LD_LIBRARY_PATH"] = ours


def open_in_viewer(path: Path) -> bool:
    """Open `path` in the system's viewer (which prints it); False when none opened it."""
    with _machine_library_path():
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
