"""pyproject.toml says what each machine needs: the terminal's core, CLI and sync by default,
the window with `[app]`, the head-office server with `[hq]` (no Qt there); dev.py installs
the extras its commands need, once."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import sys
import textwrap
from importlib.metadata import packages_distributions
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from .test_core_without_qt import run_child

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "memberdesk"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(requirements: list[str]) -> set[str]:
    return {canonical(re.match(r"[A-Za-z0-9._-]+", r).group(0)) for r in requirements}


def project() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


BASE = requirement_names(project()["dependencies"])
EXTRAS = {k: requirement_names(v) for k, v in project()["optional-dependencies"].items()}

# Declared for what another package or a URL needs; nothing of ours imports them.
INDIRECT = {
    "lxml": "openpyxl writes large XLSX files with it",
    "tzdata": "zoneinfo's time zones where the OS has none (Windows)",
    "psycopg": "SQLAlchemy's postgresql+psycopg driver for HQ",
    "uvloop": "uvicorn's event loop for HQ's workers, taken when installed",
    "httptools": "uvicorn's HTTP parser for HQ's workers, taken when installed",
    "pyusb": "python-escpos' USB printers",
    "pyserial": "python-escpos' serial printers",
    "pywin32": "python-escpos' Windows printers by name",
}
# Imported by name but installed by (and pinned with) the package they belong to.
COMES_WITH = {"pydantic-core": "pydantic", "shiboken6": "pyside6-essentials"}
# Tried, and a missing one is explained: the window's command says how to install Qt.
PROBES = {("cli.py", "pyside6-essentials")}


def imported_distributions(files: list[Path]) -> dict[str, set[str]]:
    """distribution → the files that import it (third-party imports only)."""
    owners = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top == "memberdesk":
                    continue
                assert top in owners, f"{path.name} imports {top}, which nothing installed provides"
                for dist in owners[top]:
                    name = canonical(dist)
                    found.setdefault(COMES_WITH.get(name, name), set()).add(
                        str(path.relative_to(SRC))
                    )
    return found


def part(path: Path) -> str:
    first = path.relative_to(SRC).parts[0]
    return {"hq": "hq", "ui": "app"}.get(first, "base")


def test_every_import_is_declared_for_the_part_that_makes_it() -> None:
    files = sorted(SRC.rglob("*.py"))
    for name in ("base", "hq", "app"):
        allowed = BASE | (EXTRAS[name] if name != "base" else set())
        used = imported_distributions([f for f in files if part(f) == name])
        missing = {
            dist: sorted(where)[:3]
            for dist, where in used.items()
            if dist not in allowed and not {(f, dist) for f in where} <= PROBES
        }
        assert missing == {}, f"imported by the {name} part but not declared for it: {missing}"


def test_every_declared_dependency_is_used() -> None:
    used = set(imported_distributions(sorted(SRC.rglob("*.py"))))
    declared = BASE | EXTRAS["hq"] | EXTRAS["app"]
    unused = declared - used - set(INDIRECT)
    assert unused == set(), f"declared, never imported: {sorted(unused)}"
    assert set(INDIRECT) <= declared  # an entry above that outlived its dependency


def test_the_hq_extra_and_the_core_bring_no_qt() -> None:
    assert "pyside6-essentials" in EXTRAS["app"]  # the name the window's message gives
    for names in (BASE, EXTRAS["hq"]):
        assert not {n for n in names if n.startswith(("pyside", "shiboken"))}


# ------------------------------------------------------------- HQ and the CLI without Qt

HQ_AND_CLI = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys, traceback

    import memberdesk.hq
    failures, imported = {}, []
    for info in pkgutil.walk_packages(memberdesk.hq.__path__, "memberdesk.hq."):
        if info.name == "memberdesk.hq.migrations.env":
            continue  # runs only inside Alembic
        try:
            importlib.import_module(info.name)
            imported.append(info.name)
        except BaseException:
            failures[info.name] = traceback.format_exc(limit=3)
    for name in ("memberdesk.cli", "memberdesk.sync_cli", "memberdesk.print_cli"):
        importlib.import_module(name)
    qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
    ui = sorted(m for m in sys.modules if m.startswith("memberdesk.ui"))
    print(json.dumps({"imported": imported, "failures": failures, "qt": qt, "ui": ui}))
    """
)


def test_hq_and_the_cli_import_no_qt() -> None:
    run = run_child(HQ_AND_CLI)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["failures"] == {}, "\n".join(report["failures"].values())
    assert {"memberdesk.hq.app", "memberdesk.hq.cli"} <= set(report["imported"])
    assert report["qt"] == [] and report["ui"] == []


def test_the_cli_works_without_qt_and_the_window_says_how_to_get_it(tmp_path: Path) -> None:
    db = tmp_path / "memberdesk.sqlite"
    code = textwrap.dedent(
        f"""
        import os
        os.environ["XDG_STATE_HOME"] = {str(tmp_path / "state")!r}
        from memberdesk.cli import main
        assert main(["--db", {str(db)!r}, "demo", "--members", "5"]) == 0
        assert main(["--db", {str(db)!r}, "check"]) == 0
        print("window", main(["--db", {str(db)!r}, "--lang", "en"]))
        """
    )
    run = run_child(code)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().endswith("window 3"), run.stdout
    (line,) = run.stderr.splitlines()
    assert "PySide6" in line and "pip install '.[app]'" in line


# ------------------------------------------------------------------------- build.spec


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """build.spec run as PyInstaller runs it, its build steps recorded instead of taken."""
    steps: dict[str, dict] = {}

    def step(name: str):
        def record(*args: object, **kwargs: object) -> SimpleNamespace:
            steps[name] = {"args": args, **kwargs}
            return SimpleNamespace(datas=[], binaries=[], pure=[], scripts=[])

        return record

    names = {name: step(name) for name in ("Analysis", "PYZ", "EXE", "COLLECT")}
    workpath = str(tmp_path_factory.mktemp("spec-work"))
    source = (ROOT / "build.spec").read_text(encoding="utf-8")
    exec(
        compile(source, "build.spec", "exec"),
        {"SPECPATH": str(ROOT), "workpath": workpath, **names},
    )
    return steps


def test_the_frozen_app_carries_every_barcode_module_reportlab_loads(spec: dict) -> None:
    """reportlab.graphics.barcode imports its symbologies from strings (widgets.py), which
    PyInstaller cannot follow: frozen without them, `memberdesk cards` (Code128 and QR)
    stopped with "No module named 'reportlab.graphics.barcode.code93'"."""
    run = run_child(
        "import json, sys\nimport reportlab.graphics.barcode\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('reportlab.graphics.barcode.'))))\n"
    )
    assert run.returncode == 0, run.stderr
    loaded = set(json.loads(run.stdout.strip().splitlines()[-1]))
    assert "reportlab.graphics.barcode.code93" in loaded  # what the string imports bring
    missing = loaded - set(spec["Analysis"]["hiddenimports"])
    assert missing == set(), f"build.spec does not collect {sorted(missing)}"


def requirement_closure(names: set[str]) -> set[str]:
    """These distributions and everything they require (extras left out), as installed."""
    from importlib.metadata import PackageNotFoundError, requires

    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = canonical(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            needs = requires(name) or []
        except PackageNotFoundError:  # another platform's or Python's requirement
            continue
        todo += [re.match(r"[A-Za-z0-9._-]+", r).group(0) for r in needs if "extra ==" not in r]
    return seen


def test_the_frozen_till_leaves_out_what_only_hq_needs(spec: dict) -> None:
    """The app is built where HQ's extra may be installed too (`dev.py test`): a package
    only HQ needs stays out even when a library of the till's tries it (anyio imports
    uvloop, 13 MB, when it finds it)."""
    till = requirement_closure(BASE | EXTRAS["app"])
    only_hq = EXTRAS["hq"] - till
    assert {"starlette", "uvicorn", "uvloop"} <= only_hq
    modules: dict[str, set[str]] = {}
    for module, dists in packages_distributions().items():
        for dist in dists:
            modules.setdefault(canonical(dist), set()).add(module)
    wanted = {m for dist in only_hq for m in modules.get(dist, set())}
    missing = wanted - set(spec["Analysis"]["excludes"])
    assert missing == set(), f"build.spec's excludes lack {sorted(missing)}"


# ------------------------------------------------------------------------------ dev.py


@pytest.fixture
def dev(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, list[str]]:
    """dev.py with its .venv in tmp_path and pip replaced by a list of what it installed."""
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    venv = tmp_path / ".venv"
    venv.mkdir()
    (venv / "python").touch()
    installed: list[str] = []

    def pip(cmd: list[object], **_: object) -> None:
        if "-e" in cmd:
            installed.append(str(cmd[-1]))

    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "VENV", venv)
    monkeypatch.setattr(module, "PY", venv / "python")
    monkeypatch.setattr(module, "subprocess", SimpleNamespace(run=pip))
    return module, installed


def test_dev_installs_each_set_of_extras_once(dev: tuple[ModuleType, list[str]]) -> None:
    module, installed = dev
    module.ensure_venv(module.WINDOW)
    module.ensure_venv(module.WINDOW)
    assert installed == [".[app]"]
    module.ensure_venv(module.EVERYTHING)
    module.ensure_venv(module.WINDOW)  # `run` after `test`: already there
    module.ensure_venv(module.EVERYTHING)
    assert installed == [".[app]", ".[app,hq,test]"]
    (module.ROOT / "pyproject.toml").write_text("[project]\nname = 'y'\n")
    module.ensure_venv(module.WINDOW)
    module.ensure_venv(module.EVERYTHING)
    assert installed == [".[app]", ".[app,hq,test]", ".[app]", ".[app,hq,test]"]


def test_dev_test_installs_every_extra(dev: tuple[ModuleType, list[str]]) -> None:
    module, _ = dev
    assert set(module.EVERYTHING) == set(EXTRAS)
    assert set(module.WINDOW) == {"app"}


def test_dev_run_names_the_missing_system_libraries_and_the_apt_command(
    dev: tuple[ModuleType, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    module, _ = dev
    present = set(module.SYSTEM_LIBRARIES) - {"libxcb-cursor.so.0", "libEGL.so.1"}
    monkeypatch.setattr(module.sys, "platform", "linux")
    monkeypatch.setattr(module, "_ldconfig_names", lambda: present)
    monkeypatch.setattr(module, "_library_dirs", lambda: [])
    calls: list[list[object]] = []
    monkeypatch.setattr(
        module.subprocess, "call", lambda cmd: calls.append(cmd) or 0, raising=False
    )
    assert module.run([]) == 3 and calls == []  # the window is not started
    err = capsys.readouterr().err
    assert "sudo apt-get install libxcb-cursor0 libegl1" in err

    monkeypatch.setattr(module, "_ldconfig_names", lambda: set(module.SYSTEM_LIBRARIES))
    assert module.run(["--lang", "en"]) == 0
    # no flag that builds the demo into the shop's data: the set-up offers it instead
    assert calls == [[module.BIN / "memberdesk", "--lang", "en"]]
