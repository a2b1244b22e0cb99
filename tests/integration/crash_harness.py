"""The parent's side of the crash tests: a fork server of tills, and the kill.

A crash child script (crash_child.py, crash_money_child.py) run with --serve imports
once and forks one till per line "SEED ERRFILE" it reads; the parent kills that till
with SIGKILL at a moment of its choosing.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path


class ForkServer:
    """`child --serve DB`: imports once, forks one till per round for us to kill."""

    def __init__(self, child: Path, db: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(child), "--serve", str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        self.pending = b""

    def _line(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            while b"\n" not in self.pending:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    raise AssertionError("the crash child went silent")
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    raise AssertionError(f"the fork server died ({self.proc.wait()})")
                self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line.decode()

    def spawn(self, seed: int, err_file: Path) -> int:
        self.proc.stdin.write(f"{seed} {err_file}\n".encode())
        while True:
            word, pid = self._line(60).split()
            if word == "spawned":  # (a "ready" of a till killed last round is stale)
                return int(pid)

    def wait_ready(self, pid: int) -> None:
        while self._line(60) != f"ready {pid}":
            pass

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)
        self.proc.stdout.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def kill(pid: int, err_file: Path) -> None:
    if not alive(pid) or err_file.exists():  # it died on its own: that is a bug to show
        time.sleep(0.2)
        raise AssertionError(f"the till died before the kill:\n{err_file.read_text()}")
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while alive(pid):  # the server ignores SIGCHLD, so the dead till vanishes at once
        assert time.monotonic() < deadline, "SIGKILL did not take"
        time.sleep(0.005)
