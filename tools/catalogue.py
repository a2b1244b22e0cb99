#!/usr/bin/env python3
"""Keep the message catalogue in step with the code.

    python tools/catalogue.py            extract → memberdesk.pot, merge into the .po files,
                                         fill new 繁體 entries from 简体 (OpenCC), compile .mo
    python tools/catalogue.py --check    only report what is missing (exit 1 if anything is)

Same as `pybabel extract -F babel.cfg -k Message -k translate -o …/memberdesk.pot src`,
`pybabel update` and `pybabel compile`, plus the zh_TW fill. New zh_CN texts are
written by hand in src/memberdesk/locale/zh_CN/LC_MESSAGES/memberdesk.po; the en
catalogue may leave msgstr empty (the English message id is shown). Read every
generated 繁體 text through: OpenCC converts characters and common words, not sense.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from memberdesk.core.i18n import traditional  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "memberdesk" / "locale"
POT = LOCALE / "memberdesk.pot"
LANGS = ("zh_CN", "zh_TW", "en")
KEYWORDS = {"N_": None, "Message": None, "translate": None}
MAPPING = ROOT / "babel.cfg"
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)  # no dates in the files: stable diffs
HEADER = "# memberdesk's messages: English ids with {named} placeholders.\n#"


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "memberdesk.po"


def mo_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "memberdesk.mo"


def extract() -> Catalog:
    """Every marked text of the package, in a template catalogue (no dates: stable diffs)."""
    pot = Catalog(project="memberdesk", header_comment=HEADER, fuzzy=False,
                  creation_date=FIXED_DATE, revision_date=FIXED_DATE)  # fmt: skip
    with MAPPING.open(encoding="utf-8") as fp:
        method_map, options_map = parse_mapping_cfg(fp, str(MAPPING))
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS,
                             directory_filter=lambda d: not Path(d).name.startswith("."))  # fmt: skip
    for filename, lineno, message, _comments, context in found:
        if isinstance(message, tuple):
            raise SystemExit(f"{filename}:{lineno}: plural forms are not used here: {message}")
        pot.add(message, None, [(filename, lineno)], context=context)
    return pot


def compiled(po: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, po)
    return out.getvalue()


def _write_po(path: Path, catalog: Catalog) -> None:
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_output=True, include_lineno=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def _read_po(path: Path, lang: str) -> Catalog:
    if path.exists():
        with path.open("rb") as fp:
            return read_po(fp, locale=lang)
    return Catalog(locale=lang, project="memberdesk", header_comment=HEADER, fuzzy=False,
                   creation_date=FIXED_DATE, revision_date=FIXED_DATE)  # fmt: skip


def update() -> None:
    pot = extract()
    _write_po(POT, pot)
    simplified: dict[str, str] = {}
    for lang in LANGS:
        po = _read_po(po_path(lang), lang)
        po.update(pot, no_fuzzy_matching=True, update_creation_date=False)
        po.obsolete.clear()
        po.fuzzy = False
        if lang == "zh_CN":
            simplified = {m.id: m.string for m in po if m.id and m.string}
        if lang == "zh_TW":
            for m in po:
                if m.id and not m.string and simplified.get(m.id):
                    m.string = traditional(simplified[m.id])  # memberdesk.core.i18n
        _write_po(po_path(lang), po)
        mo_path(lang).write_bytes(compiled(_read_po(po_path(lang), lang)))


def check() -> int:
    pot = extract()
    missing = 0
    for lang in ("zh_CN", "zh_TW"):
        po = _read_po(po_path(lang), lang)
        for m in pot:
            if m.id and not (po.get(m.id, m.context) and po.get(m.id, m.context).string):
                print(f"{lang}: untranslated: {m.id}")
                missing += 1
    return 1 if missing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        return check()
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main())
