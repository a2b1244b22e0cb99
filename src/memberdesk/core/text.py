"""Text people type, and text other programs open.

A name is one line of visible characters. Control characters (NUL, escape codes, a
line break pasted into a name) break receipts, lists and the files HQ receives, and
the bidirectional overrides (U+202A–U+202E, U+2066–U+2069) make a name read
differently from what is stored — 张三‮9871 shows as 张三1789. They are refused where a
member or a staff member is saved; notes may hold ordinary line breaks, nothing else
of the kind.

A cell written to a file a spreadsheet opens never starts like a formula (=, +, -, @,
a tab or a carriage return): Excel would run it. Such a cell gets a leading apostrophe,
which the member import takes off again.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from .errors import DomainError
from .i18n import Message

BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


LINE_BREAKS = frozenset("\n\r\u2028\u2029\x0b\x0c\x85")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def check_text(text: str, what: str | Message, *, line_breaks: bool = False) -> None:
    """Refuse `text` if it holds a control character or a bidi override; `line_breaks`
    lets ordinary ones (\\n, \\r\\n) through. `what` names the field in the refusal."""
    name = what if isinstance(what, Message) else Message(what)
    for ch in text:
        if ch in "\n\r" and line_breaks:
            continue
        if ch in LINE_BREAKS:
            raise DomainError("text.line_break", what=name)
        if ch in BIDI_CONTROLS:
            raise DomainError("text.bidi", what=name, char=f"U+{ord(ch):04X}")
        if unicodedata.category(ch) == "Cc":
            raise DomainError("text.control", what=name, char=f"U+{ord(ch):04X}")


def safe_cell(value: Any) -> Any:
    """A cell for a file other programs open: text never starts a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
