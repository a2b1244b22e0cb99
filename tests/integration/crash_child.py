"""A till that never stops: random member operations in a loop, until the parent kills it.

    python crash_child.py DB_PATH SEED      one till: prints "ready", works until killed
    python crash_child.py --serve DB_PATH   a fork server (POSIX): for each line
                                            "SEED ERRFILE" on stdin it forks a till,
                                            prints "spawned PID"; the till prints
                                            "ready PID" once its store is open

The fork server pays for the imports once, so the parent can kill many tills quickly.

A refusal a person would see (DomainError: a phone already used, a card already lost …)
is part of the game and is skipped; anything else ends the till with a traceback
(in ERRFILE when forked), which the parent reports as a failure.

To exercise more of the shop, add a function `op_xxx(till)` and list it in OPERATIONS
with a weight (checkout, refund, top-up …): each must be one core operation.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from memberdesk.core.demo.names import random_mobile, random_name
from memberdesk.core.errors import DomainError
from memberdesk.core.members.member import (
    MemberForm,
    cancel,
    edit_member,
    freeze,
    get_member,
    issue_card,
    replace_card,
    report_lost,
    unfreeze,
)
from memberdesk.core.shop.staff import SYSTEM
from memberdesk.core.store.database import Store
from memberdesk.core.store.models import Member


@dataclass
class Till:
    store: Store
    rng: random.Random

    def pick(self, *statuses: str) -> str | None:
        """A random member id in one of `statuses`, or None."""
        with self.store.read() as s:
            return s.scalar(
                select(Member.id)
                .where(Member.status.in_(statuses))
                .order_by(func.random())
                .limit(1)
            )

    def form(self) -> MemberForm:
        name, gender = random_name(self.rng)
        born = date(2000, 1, 1) - timedelta(days=self.rng.randrange(50 * 365))
        return MemberForm(
            name=name,
            phone=random_mobile(self.rng) if self.rng.random() < 0.9 else None,
            gender=gender,
            birthday=born if self.rng.random() < 0.8 else None,
            marketing_consent=self.rng.random() < 0.5,
            notes=self.rng.choice(["", "尺码 M", "喜欢宽松款"]),
        )


def op_issue(till: Till) -> None:
    issue_card(till.store, SYSTEM, till.form())


def op_edit(till: Till) -> None:
    member_id = till.pick("active", "lost", "frozen")
    if member_id is None:
        return
    current = get_member(till.store, member_id)
    form = till.form()
    if till.rng.random() < 0.5:  # often only the notes change, keeping the phone
        form = MemberForm(name=current.name, phone=current.phone, notes=f"改 {till.rng.random()}")
    edit_member(till.store, SYSTEM, member_id, form, expected_version=current.version)


def op_report_lost(till: Till) -> None:
    member_id = till.pick("active", "frozen")
    if member_id is not None:
        report_lost(till.store, SYSTEM, member_id, "顾客说丢了")


def op_replace_card(till: Till) -> None:
    member_id = till.pick("active", "lost", "frozen")
    if member_id is not None:
        replace_card(till.store, SYSTEM, member_id, reason="换新卡")


def op_freeze(till: Till) -> None:
    member_id = till.pick("active")
    if member_id is not None:
        freeze(till.store, SYSTEM, member_id, "暂停")


def op_unfreeze(till: Till) -> None:
    member_id = till.pick("frozen")
    if member_id is not None:
        unfreeze(till.store, SYSTEM, member_id)


def op_cancel(till: Till) -> None:
    member_id = till.pick("active", "lost", "frozen")
    if member_id is not None:
        cancel(till.store, SYSTEM, member_id, "不再需要")


OPERATIONS: list[tuple[int, Callable[[Till], None]]] = [
    (6, op_issue),
    (4, op_edit),
    (1, op_report_lost),
    (2, op_replace_card),
    (1, op_freeze),
    (1, op_unfreeze),
    (1, op_cancel),
]


def work(db_path: str, seed: int, announce: str) -> None:
    rng = random.Random(seed)
    till = Till(Store(db_path), rng)
    weights = [w for w, _ in OPERATIONS]
    ops = [op for _, op in OPERATIONS]
    print(announce, flush=True)
    while True:
        op = rng.choices(ops, weights)[0]
        with contextlib.suppress(DomainError):  # a refusal a person would see: go on
            op(till)


def serve(db_path: str, till: Callable[[str, int, str, str], None] | None = None) -> None:
    """Fork `till(db_path, seed, announce, err_file)` (default: `work`) per line read."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed tills are reaped at once
    for line in sys.stdin:
        seed, err_file = line.split(maxsplit=1)
        err_file = err_file.strip()
        pid = os.fork()
        if pid == 0:  # the till: no database handle was open before the fork
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                if till is None:
                    work(db_path, int(seed), f"ready {os.getpid()}")
                else:
                    till(db_path, int(seed), f"ready {os.getpid()}", err_file)
            except BaseException:
                with open(err_file, "w", encoding="utf-8") as fh:
                    fh.write(traceback.format_exc())
                os._exit(1)
            os._exit(0)
        print(f"spawned {pid}", flush=True)


def main(argv: list[str]) -> None:
    if argv[1] == "--serve":
        serve(argv[2])
    else:
        work(argv[1], int(argv[2]), "ready")


if __name__ == "__main__":
    main(sys.argv)
