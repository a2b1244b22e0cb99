"""The core's packages import one another in one direction only, as core/__init__ says.

Read from the source (every import statement, module-level or inside a function), so
a late import cannot hide a dependency that runs the wrong way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import memberdesk.core

CORE = Path(memberdesk.core.__file__).parent
KERNEL = {"errors", "money", "clock", "progress", "files", "i18n", "pdf_fonts", "text", "vault"}
# A package may import the kernel and the packages of a lower rank, nothing else.
RANK = {
    "kernel": 0, "store": 1, "shop": 2, "loyalty": 3, "coupons": 3.5, "members": 4, "till": 5,
    "items": 5, "printing": 6, "followups": 6, "sync": 6, "check": 6, "daily": 7, "demo": 7,
}  # fmt: skip


def _imports() -> list[tuple[str, str, str]]:
    """(file, importing package, imported module) for every import under core."""
    found = []
    for path in CORE.rglob("*.py"):
        rel = path.relative_to(CORE).with_suffix("").parts
        module = ["memberdesk", "core", *rel]
        is_package = rel[-1] == "__init__"
        if is_package:
            module = module[:-1]
        owner = rel[0] if len(rel) > 1 else "kernel"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = module if is_package else module[:-1]
                base = base[: len(base) - (node.level - 1)]
                targets = [".".join(base + (node.module.split(".") if node.module else []))]
            elif isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            found += [(str(path.relative_to(CORE)), owner, t) for t in targets]
    return found


def _package(target: str) -> str | None:
    parts = target.split(".")
    if parts[:2] != ["memberdesk", "core"] or len(parts) < 3:
        return None
    return "kernel" if parts[2] in KERNEL else parts[2]


def test_every_package_is_ranked() -> None:
    packages = {p.name for p in CORE.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(RANK) - {"kernel"}
    modules = {p.stem for p in CORE.glob("*.py")} - {"__init__"}
    assert modules <= KERNEL, f"a flat module outside the kernel: {modules - KERNEL}"


def test_core_never_imports_the_window_the_server_or_the_command_line() -> None:
    outside = [
        (f, t)
        for f, _, t in _imports()
        if t.split(".")[0] in ("PySide6", "shiboken6")
        or t.startswith(("memberdesk.ui", "memberdesk.hq", "memberdesk.cli"))
        or t in ("memberdesk.sync_cli", "memberdesk.print_cli")
    ]
    assert outside == []


def test_packages_import_only_lower_ranks() -> None:
    wrong = []
    for path, owner, target in _imports():
        used = _package(target)
        if used is None or used == owner:
            continue
        if RANK[used] >= RANK[owner]:
            wrong.append(f"{path}: {owner} imports {target}")
    assert wrong == [], "\n".join(wrong)


def test_members_never_import_the_till() -> None:
    """The direction named in the layout, checked on its own so its failure reads plainly."""
    assert not [t for _, owner, t in _imports() if owner == "members" and _package(t) == "till"]


def test_every_package_says_what_lives_there() -> None:
    for package in set(RANK) - {"kernel"}:
        doc = ast.get_docstring(ast.parse((CORE / package / "__init__.py").read_text("utf-8")))
        assert doc and "import" in doc.lower(), f"{package}/__init__.py: say what it may import"
