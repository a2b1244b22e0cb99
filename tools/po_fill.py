#!/usr/bin/env python3
"""Write 简体中文 texts into the zh_CN catalogue: python tools/po_fill.py FILE.json

FILE.json maps English message ids to their 简体中文 text; then run tools/catalogue.py,
which fills 繁體 from them and compiles.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from catalogue import _read_po, _write_po, po_path  # noqa: E402


def main() -> int:
    texts = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    path = po_path("zh_CN")
    catalog = _read_po(path, "zh_CN")
    missing = [msgid for msgid in texts if msgid not in catalog]
    for msgid, text in texts.items():
        if msgid in catalog:
            catalog[msgid].string = text
    _write_po(path, catalog)
    print("\n".join(f"not in the catalogue: {m}" for m in missing) or f"{len(texts)} written")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
