"""Lookup keys computed when a member is saved, so the till never scans.

- 'n:' + every suffix of the lower-cased name: a substring of the name is a prefix
  of one of its suffixes, so a prefix range over an index finds it.
- 'i:' + pinyin initials (张三 → zs) and 'p:' + full pinyin (zhangsan), one key per
  combination of readings, so a polyphonic surname (曾 → zeng / ceng) is found by
  either. Combinations are capped, but every reading of every character is kept.
"""

from __future__ import annotations

import itertools
import os
import re
from functools import cache, lru_cache
from typing import Any

# Names are read character by character, so pypinyin's phrase dictionary is never
# used; not loading it saves about 40 MB and a second at start.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")


MAX_READING_COMBINATIONS = 16


NAME_KEY = "n:"


INITIALS_KEY = "i:"


PINYIN_KEY = "p:"


# One Han character (basic block or extension A); anything else runs together.
_SEGMENT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]|[^\u3400-\u4dbf\u4e00-\u9fff]+")


@cache
def _pinyin() -> tuple[Any, Any]:
    """pypinyin, loaded when a name is first read (the till's start does not need it)."""
    from pypinyin import Style, pinyin

    return pinyin, Style.NORMAL


def _readings(name: str) -> list[list[str]]:
    # Each character on its own: a name is not a phrase, and pypinyin's phrase table
    # would keep one reading of a polyphonic surname (单行长 read as 单行 "dan xing").
    readings: list[list[str]] = []
    for segment in _SEGMENT.findall(name):
        readings.extend(_segment_readings(segment))
    return readings


@lru_cache(maxsize=65536)
def _segment_readings(segment: str) -> tuple[list[str], ...]:
    """The readings of one character (or one run of other text), kept: a directory pull
    or an import reads the same few thousand characters over and over, and pypinyin
    costs most of a member's save."""
    pinyin, normal = _pinyin()
    out = []
    for options in pinyin([segment], style=normal, heteronym=True, errors="default"):
        cleaned = ["".join(ch for ch in o.lower() if ch.isalnum()) for o in options]
        cleaned = list(dict.fromkeys(c for c in cleaned if c))
        if cleaned:
            out.append(cleaned)
    return tuple(out)


def _combinations(readings: list[list[str]]) -> list[tuple[str, ...]]:
    """Every reading of every character at least once, then other mixes up to the cap.

    A plain capped product would vary the last character first and could drop the
    surname's other readings (曾 c/z, 单 d/s/c) for a name with many polyphonic characters.
    """
    if not readings:
        return []
    first = tuple(options[0] for options in readings)
    combos = dict.fromkeys([first])
    for i, options in enumerate(readings):
        for other in options[1:]:
            combos[first[:i] + (other,) + first[i + 1 :]] = None
    for combo in itertools.product(*readings):
        if len(combos) >= MAX_READING_COMBINATIONS:
            break
        combos[combo] = None
    return list(combos)


def pinyin_forms(name: str) -> tuple[set[str], set[str]]:
    """(initials, full pinyin) strings for every reading combination, capped."""
    initials: set[str] = set()
    full: set[str] = set()
    for combo in _combinations(_readings(name)):
        initials.add("".join(part[0] for part in combo))
        full.add("".join(combo))
    return initials, full


def search_keys(name: str) -> set[str]:
    lowered = name.strip().lower()
    keys = {NAME_KEY + lowered[i:] for i in range(len(lowered)) if not lowered[i].isspace()}
    initials, full = pinyin_forms(lowered)
    keys |= {INITIALS_KEY + k for k in initials}
    keys |= {PINYIN_KEY + k for k in full}
    return {k[:80] for k in keys}
