"""The window freezes what start-up made before its event loop runs, so a full garbage
collection (tens of ms over ~70,000 start-up objects) never pauses the till."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from memberdesk.core.demo.builder import build_demo
from memberdesk.core.store.database import Store


def test_start_up_objects_are_out_of_the_collectors_reach(tmp_path: Path) -> None:
    db = tmp_path / "memberdesk.sqlite"
    with Store(db) as store:
        build_demo(store, members=30)
    child = textwrap.dedent(
        f"""
        import gc, json, sys
        from PySide6.QtWidgets import QApplication

        def report(app):  # instead of the event loop: what a full collection would walk
            print(json.dumps({{"frozen": gc.get_freeze_count(), "walked": len(gc.get_objects())}}))
            return 0

        QApplication.exec = report
        from memberdesk.cli import main
        sys.exit(main(["--db", {str(db)!r}]))
        """
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    run = subprocess.run(
        [sys.executable, "-c", child], env=env, capture_output=True, text=True, timeout=180
    )
    assert run.returncode == 0, run.stderr
    heap = json.loads(run.stdout.strip().splitlines()[-1])
    assert heap["frozen"] > 20_000, heap  # modules, Qt wrappers, mappings, the window
    assert heap["walked"] < heap["frozen"] / 20, heap
