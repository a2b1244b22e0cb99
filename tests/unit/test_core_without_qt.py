"""`memberdesk.core` imports on a machine without PySide6 (the HQ server, the CLI, CI)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# Runs before anything else in the child: PySide6 and shiboken6 behave as if not installed.
NO_QT = textwrap.dedent(
    """
    import sys
    from importlib.abc import MetaPathFinder

    class NoQt(MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6"):
                raise ImportError(f"No module named {name!r} (blocked by the test)")
            return None

    sys.meta_path.insert(0, NoQt())
    """
)

IMPORT_EACH = textwrap.dedent(
    """
    import importlib, json, pkgutil, traceback

    try:
        import PySide6  # noqa: F401
    except ImportError:
        blocked = True
    else:
        blocked = False

    import memberdesk.core
    failures, imported = {}, []
    for info in pkgutil.walk_packages(memberdesk.core.__path__, "memberdesk.core."):
        try:
            importlib.import_module(info.name)
            imported.append(info.name)
        except BaseException:
            failures[info.name] = traceback.format_exc(limit=3)
    qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
    ui = sorted(m for m in sys.modules if m.startswith("memberdesk.ui"))
    print(json.dumps({"blocked": blocked, "imported": imported, "failures": failures,
                      "qt": qt, "ui": ui}))
    """
)


def run_child(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", NO_QT + code],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_core_package_imports_without_pyside6() -> None:
    run = run_child("import memberdesk.core\nprint('ok')\n")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"


def test_every_core_module_imports_without_pyside6() -> None:
    run = run_child(IMPORT_EACH)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["blocked"], "the prelude did not hide PySide6"
    assert report["failures"] == {}, "\n".join(report["failures"].values())
    for expected in (
        "memberdesk.core.store.database",
        "memberdesk.core.members.member",
        "memberdesk.core.shop.backups",
    ):
        assert expected in report["imported"]
    assert report["qt"] == [] and report["ui"] == []


def test_the_guard_really_blocks_qt() -> None:
    """The prelude must make a Qt import fail, or the tests above prove nothing."""
    run = run_child("import PySide6.QtCore\n")
    assert run.returncode != 0
    assert "blocked by the test" in run.stderr
