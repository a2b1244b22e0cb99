#!/usr/bin/env python3
"""Set up and run memberdesk with nothing but Python 3.11+ (stdlib only).

    python3 dev.py run     create .venv if needed, then open the app (a demo shop if there is no data yet)
    python3 dev.py test    create .venv if needed, then run the whole test suite

Both keep everything in ./.venv; re-running them only installs what changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
WINDOW = ("app",)  # pyproject.toml's extras: the window
EVERYTHING = ("app", "hq", "test")  # the suite covers the window, HQ and the frozen build


def ensure_venv(extras: tuple[str, ...]) -> None:
    """Install the project with these extras into .venv, unless it already holds them.

    The stamp records pyproject.toml's hash and the extras installed under it, so `run`
    after `test` installs nothing and a changed pyproject.toml installs again.
    """
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under whatever python3 is
        sys.exit(f"memberdesk needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PY.exists():
        print("creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    recorded, _, names = stamp.read_text().partition(" ") if stamp.exists() else ("", "", "")
    had = set(filter(None, names.split(","))) if recorded == digest else None
    if had is not None and had.issuperset(extras):
        return
    print("installing dependencies …", flush=True)
    subprocess.run([PY, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    target = f".[{','.join(extras)}]" if extras else "."
    subprocess.run([PY, "-m", "pip", "install", "-q", "-e", target], check=True, cwd=ROOT)
    stamp.write_text(f"{digest} {','.join(sorted((had or set()).union(extras)))}")


def run(args: list[str]) -> int:
    ensure_venv(WINDOW)
    exe = BIN / "memberdesk"
    return subprocess.call([exe, "--demo-if-empty", *args])


def test(args: list[str]) -> int:
    ensure_venv(EVERYTHING)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.call([PY, "-m", "pytest", *args], cwd=ROOT, env=env)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    return run(rest) if command == "run" else test(rest)


if __name__ == "__main__":
    sys.exit(main())
