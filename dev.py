#!/usr/bin/env python3
"""Set up and run memberdesk with nothing but Python 3.11+ (stdlib only).

    python3 dev.py run     create .venv if needed, then open the app (with no shop yet: the
                           set-up, which also offers the demo shop, kept in a file of its own)
    python3 dev.py test    create .venv if needed, then run the whole test suite

Both keep everything in ./.venv; re-running them only installs what changed. On Linux,
`run` first checks the system libraries the window needs (Qt's xcb platform) and prints
the apt-get command for the missing ones.
"""

from __future__ import annotations

import glob
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
# What Qt's window (the xcb platform plugin, its fonts, OpenGL and D-Bus) loads from the
# system on Linux, by shared library, with the Debian/Ubuntu package that provides it.
# PySide6's wheels carry Qt, not these.
SYSTEM_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}
LIBRARY_DIRS = (
    "/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib", "/lib/*-linux-gnu",
    "/usr/lib/*-linux-gnu",
)  # fmt: skip


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


def _library_dirs() -> list[str]:
    dirs = [d for pattern in LIBRARY_DIRS for d in glob.glob(pattern)]
    extra = os.environ.get("LD_LIBRARY_PATH", "")
    return [d for d in extra.split(os.pathsep) if d] + dirs


def _ldconfig_names() -> set[str]:
    """The shared libraries the dynamic linker's cache knows (empty when it cannot be read)."""
    for ldconfig in ("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"):
        try:
            out = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            continue
        if out.returncode == 0:
            return {line.split()[0] for line in out.stdout.splitlines()[1:] if line.strip()}
    return set()


def missing_system_packages() -> list[str]:
    """The Debian/Ubuntu packages of SYSTEM_LIBRARIES that this Linux machine lacks."""
    if not sys.platform.startswith("linux"):
        return []
    known = _ldconfig_names()
    dirs = _library_dirs()
    missing = []
    for soname, package in SYSTEM_LIBRARIES.items():
        if soname in known or any(os.path.exists(os.path.join(d, soname)) for d in dirs):
            continue
        missing.append(package)
    return missing


def check_system_libraries() -> bool:
    """Say which system libraries the window lacks and the command that installs them."""
    missing = missing_system_packages()
    if not missing:
        return True
    print("The window needs system libraries that are not installed here.", file=sys.stderr)
    print("On Debian or Ubuntu install them with:", file=sys.stderr)
    print(f"    sudo apt-get install {' '.join(missing)}", file=sys.stderr)
    print("then run python3 dev.py run again (the memberdesk commands without the window work "
          "already: .venv/bin/memberdesk --help).", file=sys.stderr)  # fmt: skip
    return False


def run(args: list[str]) -> int:
    ensure_venv(WINDOW)
    if not check_system_libraries():
        return 3
    exe = BIN / "memberdesk"
    return subprocess.call([exe, *args])


def test(args: list[str]) -> int:
    ensure_venv(EVERYTHING)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    # The suite starts hundreds of memberdesk processes (the command line, crash tests):
    # each compiled the project's modules anew where PYTHONDONTWRITEBYTECODE is set (some
    # CI images set it), about half a second a process; compiled once, they are read back.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.call([PY, "-m", "pytest", *spread(args), *args], cwd=ROOT, env=env)


def spread(args: list[str]) -> list[str]:
    """The suite on every core up to four, one test file per worker at a time (files share
    a shop or an HQ among their tests), unless the command names its own workers: alone
    on one core it takes twice its ten minutes."""
    chosen = "no:xdist" in args or any(a.startswith(("-n", "--numprocesses")) for a in args)
    return [] if chosen else ["-n", str(min(os.cpu_count() or 1, 4)), "--dist", "loadfile"]


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    return run(rest) if command == "run" else test(rest)


if __name__ == "__main__":
    sys.exit(main())
