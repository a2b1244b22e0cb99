"""`pyinstaller build.spec` makes a one-folder app that migrates a database, builds a demo
shop, renders a screenshot and prints a Big5 page on its own (fonts, translations,
migrations, escpos data, OpenCC's dictionaries)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.conftest import missing

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_pyinstaller_builds_a_working_app(tmp_path):
    if importlib.util.find_spec("PyInstaller") is None:
        missing("pyinstaller is not installed (pip install -e '.[test]')")
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "build.spec", "--noconfirm",
         "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=2000,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-3000:]
    exe = tmp_path / "dist" / "memberdesk" / ("memberdesk.exe" if os.name == "nt" else "memberdesk")
    assert exe.exists()
    bundle = exe.parent / "_internal"
    assert (bundle / "resources" / "fonts" / "wqy-microhei.ttc").exists()
    assert (bundle / "resources" / "translations" / "memberdesk_zh_CN.qm").exists()
    assert (bundle / "resources" / "translations" / "qtbase_zh_TW.qm").exists()
    for lang in ("zh_CN", "zh_TW", "en"):
        assert (bundle / "memberdesk" / "locale" / lang / "LC_MESSAGES" / "memberdesk.mo").exists()
    assert (bundle / "memberdesk" / "migrations" / "env.py").exists()
    assert (bundle / "memberdesk" / "migrations" / "script.py.mako").exists()
    assert list((bundle / "memberdesk" / "migrations" / "versions").glob("0001_*.py"))
    assert (bundle / "escpos" / "capabilities.json").exists()
    assert (bundle / "opencc" / "clib" / "share" / "opencc" / "s2t.json").exists()
    assert not (bundle / "opencc" / "clib" / "bin").exists()  # its tools stay out

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    db = tmp_path / "shop" / "memberdesk.sqlite"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(exe), "--db", str(db), *args], env=env, capture_output=True, text=True,
                              timeout=300)  # fmt: skip

    demo = run("demo", "--members", "40")  # creates and migrates the database from the bundle
    assert demo.returncode == 0, demo.stderr
    assert run("check").returncode == 0
    traditional = run("--lang", "zh_TW", "check")  # the catalogue is read from the bundle
    assert traditional.returncode == 0 and "檢查通過" in traditional.stdout, traditional.stderr
    out = tmp_path / "till.png"
    shot = run("--screenshot", str(out), "--view", "till")
    assert shot.returncode == 0, shot.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)
    # Member cards: Code128 and QR through reportlab's barcodes, which it imports by name.
    cards = run("cards", "--new-since", "2000-01-01", "-o", str(tmp_path / "cards.pdf"))
    assert cards.returncode == 0, cards.stderr

    # A Big5 printer gets traditional characters through OpenCC: 悦 → 悅 and 汇 → 匯 are not
    # in the small built-in map, which would print □ in their place.
    assert run("printer", "set", "--encoding", "BIG5", "--connection", "dummy").returncode == 0
    page = run("printer", "test")
    assert page.returncode == 0, page.stderr
    assert "悅己服飾（演示店）" in page.stdout and "徐匯區" in page.stdout, page.stdout
    assert "□" not in page.stdout
