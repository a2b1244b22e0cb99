#!/usr/bin/env python3
"""Keep the window's Qt catalogues in step with the code.

    python tools/window_texts.py                 lupdate the .ts files, list what is untranslated
    python tools/window_texts.py --add FILE.json add 简体 translations {"source": "译文"}, fill 繁體
                                                 from them (OpenCC), then lrelease the .qm files

Read every generated 繁體 text through: OpenCC converts characters and common words.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from memberdesk.core.i18n import traditional  # noqa: E402

TRANSLATIONS = ROOT / "resources" / "translations"
UI = ROOT / "src" / "memberdesk" / "ui"
LANGS = ("zh_CN", "zh_TW")


def _tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    return found


def lupdate() -> None:
    sources = sorted(str(p) for p in UI.rglob("*.py"))
    for lang in LANGS:
        ts = TRANSLATIONS / f"memberdesk_{lang}.ts"
        subprocess.run([_tool("pyside6-lupdate"), *sources, "-ts", str(ts), "-locations", "none",
                        "-no-obsolete"], check=True, capture_output=True)  # fmt: skip


def fill(texts: dict[str, str]) -> None:
    for lang in LANGS:
        ts = TRANSLATIONS / f"memberdesk_{lang}.ts"
        tree = ET.parse(ts)
        for message in tree.getroot().iter("message"):
            source = message.findtext("source")
            translation = message.find("translation")
            if source in texts and translation is not None:
                text = texts[source]
                translation.text = traditional(text) if lang == "zh_TW" else text
                translation.attrib.pop("type", None)
        tree.write(ts, encoding="utf-8", xml_declaration=True)


def lrelease() -> None:
    for ts in sorted(TRANSLATIONS.glob("*.ts")):
        subprocess.run([_tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))],
                       check=True, capture_output=True)  # fmt: skip


def untranslated() -> list[str]:
    out = []
    for lang in LANGS:
        for message in ET.parse(TRANSLATIONS / f"memberdesk_{lang}.ts").getroot().iter("message"):
            translation = message.find("translation")
            if (
                translation is None
                or translation.get("type") == "unfinished"
                or not translation.text
            ):
                out.append(f"{lang}: {message.findtext('source')}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--add", type=Path, help="JSON file of source → 简体中文")
    args = parser.parse_args()
    lupdate()
    if args.add:
        fill(json.loads(args.add.read_text(encoding="utf-8")))
    lrelease()
    missing = untranslated()
    print("\n".join(missing) or "every window text is translated")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
