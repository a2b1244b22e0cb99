"""The till's store copies its write-ahead log back on a thread of its own, not in a sale's commit."""

from __future__ import annotations

import time
from pathlib import Path

from memberdesk.core.store.checkpoint import Checkpointer
from memberdesk.core.store.connect import WAL_SAFETY_PAGES
from memberdesk.core.store.database import Store


def write_some(store: Store, n: int) -> None:
    for i in range(n):
        with store.write() as uow:
            uow.audit("test", staff_id=None, staff_name="测试", target=str(i))


def wait_for(predicate, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def autocheckpoint(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()


def test_the_tills_store_checkpoints_when_idle_not_inside_a_commit(tmp_path: Path) -> None:
    store = Store(tmp_path / "shop.sqlite", background_checkpoint=True)
    try:
        assert autocheckpoint(store) == WAL_SAFETY_PAGES  # commits leave the log alone
        checkpointer = store.checkpointer
        assert checkpointer is not None
        runs = checkpointer.runs
        write_some(store, 20)
        assert wait_for(lambda: checkpointer.runs > runs)
        busy, log_pages, done = checkpointer.last
        # the whole log is back in the file
        assert busy == 0 and log_pages > 0 and done == log_pages
        with store.read() as s:
            assert s.connection().exec_driver_sql("SELECT count(*) FROM audit_log").scalar() >= 20
    finally:
        store.close()
    assert store.checkpointer is None
    assert not checkpointer._thread.is_alive()


def test_a_busy_till_is_checkpointed_after_so_many_writes(tmp_path: Path) -> None:
    store = Store(tmp_path / "shop.sqlite")
    checkpointer = Checkpointer(store.path, idle=3600, every=5)  # never idle long enough
    try:
        write_some(store, 4)
        for _ in range(4):
            checkpointer.wrote()
        time.sleep(0.3)
        assert checkpointer.runs == 0  # neither idle nor enough writes yet
        write_some(store, 1)
        checkpointer.wrote()
        assert wait_for(lambda: checkpointer.runs == 1)
        assert checkpointer.last[0] == 0 and checkpointer.last[2] == checkpointer.last[1] > 0
    finally:
        checkpointer.close()
        store.close()


def test_other_stores_keep_sqlites_own_checkpoint(tmp_path: Path) -> None:
    with Store(tmp_path / "shop.sqlite") as store:
        assert store.checkpointer is None
        assert autocheckpoint(store) == 1000
