"""`memberdesk --screenshot`: each view of a demo shop renders at 1366×768 in the CJK font,
and a machine with no display is told how to take one instead of getting a traceback."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QFontInfo, QImage

from memberdesk.core.demo.builder import build_demo
from memberdesk.core.store.database import Store
from memberdesk.ui.screenshot import take_screenshot


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "memberdesk.sqlite"
    with Store(path) as store:
        build_demo(store, members=120)
    return path


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), **extra)
    return env


def _looks_rendered(path: Path) -> None:
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1366, 768)
    colours = {image.pixel(x, y) for x in range(0, 1366, 37) for y in range(0, 768, 23)}
    assert len(colours) > 8  # not a blank window


def test_the_command_renders_the_till_without_a_display(tmp_path, demo_db):
    out = tmp_path / "till.png"
    run = subprocess.run(
        [sys.executable, "-m", "memberdesk.cli", "--db", str(demo_db), "--screenshot", str(out)],
        env=_env(tmp_path), capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    _looks_rendered(out)


@pytest.mark.parametrize(
    "view", ["members", "followups", "settings", "journal", "report", "shift", "items"]
)
def test_each_view_renders(qapp, tmp_path, demo_db, view):
    out = tmp_path / f"{view}.png"
    args = argparse.Namespace(db=demo_db, lang="zh", screenshot=str(out), view=view)
    assert take_screenshot(args) == 0
    _looks_rendered(out)
    family = QFontInfo(qapp.font()).family()
    assert family.startswith("WenQuanYi"), family  # the bundled font, so Chinese has glyphs


def test_no_display_says_so_in_one_line(tmp_path, demo_db):
    run = subprocess.run([sys.executable, "-m", "memberdesk.cli", "--db", str(demo_db)],
                         env=_env(tmp_path), capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 3
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "--screenshot" in lines[0]
