"""Run one drain in a separate process (the test SIGKILLs it mid-batch).

python pusher_child.py DB_PATH HQ_URL   (token on stdin)
"""

from __future__ import annotations

import sys

from memberdesk.core.store.database import Store
from memberdesk.core.sync.pusher import Pusher, RetryPolicy
from memberdesk.core.sync.transport import HttpTransport


def main() -> int:
    db_path, url = sys.argv[1], sys.argv[2]
    token = sys.stdin.readline().strip()
    with Store(db_path) as store:
        pusher = Pusher(
            store, HttpTransport(url, token, timeout=60), retry=RetryPolicy(max_attempts=1),
            reconcile_daily=False,
        )  # fmt: skip
        report = pusher.drain_once(max_seconds=60)
    print(report.ok)
    return 0


if __name__ == "__main__":
    sys.exit(main())
