"""Text people type, and text other programs open.

A name is one line of visible characters. Control characters (NUL, escape codes, a
line break pasted into a name) break receipts, lists and the files HQ receives, and
the bidirectional overrides (U+202A–U+202E, U+2066–U+2069) make a name read
differently from what is stored — 张三‮9871 shows as 张三1789. They are refused where a
member or a staff member is saved; notes may hold ordinary line breaks, nothing else
of the kind.

A cell written to a file a spreadsheet opens never starts like a formula (=, +, -, @,
a tab or a carriage return): Excel would run it. In a .csv such a cell gets a leading
apostrophe, which the member import takes off again. In an .xlsx a cell can say it holds
text, which Excel never runs and shows as typed: there the text goes in as it is
(``xlsx_text``), with no apostrophe for Excel to show.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import DomainError
from .i18n import Message

_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls but tab, LF and CR


_BIDI = "\u202a-\u202e\u2066-\u2069"


LINE_BREAKS = frozenset("\n\r\u2028\u2029\x0b\x0c\x85")


# What a single line may not hold, and what notes may not (one search, at C speed: notes
# can be long and an import checks thousands of them).
_NOT_IN_A_LINE = re.compile(f"[{_CONTROL}\t\n\r\u2028\u2029{_BIDI}]")


_NOT_IN_NOTES = re.compile(f"[{_CONTROL}\t\u2028\u2029{_BIDI}]")


# What head office refuses in any text a terminal sends (hq/projections.py): what no text
# the till takes may hold, tabs and line breaks aside; one-line fields as `check_text` does.
NOT_IN_TEXT = re.compile(f"[{_CONTROL}{_BIDI}]")
NOT_IN_A_LINE = _NOT_IN_A_LINE


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def check_text(text: str, what: str | Message, *, line_breaks: bool = False) -> None:
    """Refuse `text` if it holds a control character or a bidi override; `line_breaks`
    lets ordinary ones (\\n, \\r\\n) through. `what` names the field in the refusal."""
    found = (_NOT_IN_NOTES if line_breaks else _NOT_IN_A_LINE).search(text)
    if found is None:
        return
    ch, name = found.group(), what if isinstance(what, Message) else Message(what)
    if ch in LINE_BREAKS and not line_breaks:
        raise DomainError("text.line_break", what=name)
    code = (
        "text.bidi" if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" else "text.control"
    )
    raise DomainError(code, what=name, char=f"U+{ord(ch):04X}")


def safe_cell(value: Any) -> Any:
    """A cell for a file other programs open: text never starts a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def xlsx_text(ws: Any, value: Any) -> Any:
    """A cell for an .xlsx sheet (openpyxl, write-only): text that starts like a formula
    is typed as text, shown as typed and kept as text when edited; anything else as is."""
    if not (isinstance(value, str) and value.startswith(FORMULA_START)):
        return value
    from openpyxl.cell import WriteOnlyCell  # only a sheet export pays for openpyxl

    cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"  # openpyxl takes a leading = for a formula
    cell.number_format = "@"
    return cell
