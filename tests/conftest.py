"""Shared fixtures: a fresh real SQLite file per test, a clock that moves only when told."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from keyring.backends import null

from memberdesk.core.clock import FixedClock
from memberdesk.core.loyalty.program_store import current_program
from memberdesk.core.shop import staff as staff_module
from memberdesk.core.shop.details import configure_shop
from memberdesk.core.shop.staff import SYSTEM, Actor, add_staff, login
from memberdesk.core.store import anchor
from memberdesk.core.store.database import Store
from memberdesk.core.vault import Vault

# A PIN hash costs about a fifth of a second by design (core/shop/staff.py); the tests
# make hundreds of staff, so theirs are cheap. Each hash records its own cost, and
# tests/unit/test_staff_pins.py checks the shop's real one.
PRODUCTION_SCRYPT_N = staff_module.SCRYPT_N
staff_module.SCRYPT_N = 2**10

# 2026-03-10 10:00 in Shanghai.
START = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)

# The ends of the journal each test's till notes (core/store/anchor.py) stay in this
# process's memory, not in the machine's keyring or state folder; the tests of the
# anchor itself choose where (tests/integration/test_journal_anchor.py).
anchor.use_vault(Vault(null.Keyring(), service=anchor.SERVICE))


def missing(what: str) -> None:
    """A tool a test needs is not installed: skipped on a developer's machine, a failure in
    CI (CI=true), where .ci/run installs everything and a skip would hide a test not run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {what}: .ci/run must install it")
    pytest.skip(what)


@pytest.fixture(autouse=True)
def cli_staff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's privileged commands ask for a manager's or owner's PIN; the shops
    the tests make have the owner 老板 with PIN 8888 (tests of the asking unset these)."""
    monkeypatch.setenv("MEMBERDESK_STAFF", "老板")
    monkeypatch.setenv("MEMBERDESK_PIN", "8888")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "shop" / "memberdesk.sqlite"


@pytest.fixture(scope="session")
def new_shop_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new shop file as the till makes it (every migration run, nothing else written),
    made once per worker: running the migrations costs about a fifth of a second a file,
    and hundreds of tests start from a new shop. tests/integration/test_migrations.py and
    the tests that open a path of their own run them on every new file."""
    path = tmp_path_factory.mktemp("new-shop") / "memberdesk.sqlite"
    Store(path).close()
    return path


@pytest.fixture
def store(db_path: Path, clock: FixedClock, new_shop_file: Path):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(new_shop_file, db_path)
    s = Store(db_path, clock=clock)
    configure_shop(s, name="测试小店", store_code="S001")
    current_program(s)  # a configured shop has a program in force (the default preset)
    yield s
    s.close()


@pytest.fixture
def owner(store: Store) -> Actor:
    add_staff(store, SYSTEM, "老板", "owner", "8888")
    return login(store, "老板", "8888")


@pytest.fixture
def manager(store: Store, owner: Actor) -> Actor:
    """Logged in by PIN: core believes an authoriser only as `login` made it."""
    add_staff(store, owner, "店长", "manager", "6666")
    return login(store, "店长", "6666")


@pytest.fixture
def cashier(store: Store, owner: Actor) -> Actor:
    info = add_staff(store, owner, "收银员", "cashier", "1111")
    return Actor(info.id, info.name, info.role)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # type: ignore[type-arg]
    """Under CI a skipped test is a failure: a missing PostgreSQL, pyinstaller or
    poppler must never pass silently."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which must not happen: {report.longrepr}"


# The longest files start first, so that on two workers none of them is the last to run
# alone (the frozen app's build alone takes a minute and a half).
LONGEST_FIRST = (
    "tests/ui/test_frozen_app.py",
    "tests/benchmarks/test_quick.py",
    "tests/integration/test_crash_money.py",
    "tests/integration/test_money_state_machine.py",
    "tests/integration/test_crash_import.py",
    "tests/integration/test_member_state_machine.py",
    "tests/benchmarks/test_resume.py",
    "tests/integration/test_crash.py",
)


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist would otherwise hand out the files with the most tests first, which
    # puts the one-test build last, alone on one worker.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the rest keep their order
