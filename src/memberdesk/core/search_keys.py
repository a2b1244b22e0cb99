"""Lookup keys computed when a member is saved, so the till never scans.

- 'n:' + every suffix of the lower-cased name: a substring of the name is a prefix
  of one of its suffixes, so a prefix range over an index finds it.
- 'i:' + pinyin initials (张三 → zs) and 'p:' + full pinyin (zhangsan), one key per
  combination of readings, so a polyphonic surname (曾 → zeng / ceng) is found by
  either. Combinations are capped: the first readings are the common ones.
"""

from __future__ import annotations

import itertools

from pypinyin import Style, pinyin

MAX_READING_COMBINATIONS = 16
NAME_KEY = "n:"
INITIALS_KEY = "i:"
PINYIN_KEY = "p:"


def _readings(name: str) -> list[list[str]]:
    chunks = pinyin(name, style=Style.NORMAL, heteronym=True, errors="default")
    readings: list[list[str]] = []
    for options in chunks:
        cleaned = ["".join(ch for ch in o.lower() if ch.isalnum()) for o in options]
        cleaned = list(dict.fromkeys(c for c in cleaned if c))
        if cleaned:
            readings.append(cleaned)
    return readings


def pinyin_forms(name: str) -> tuple[set[str], set[str]]:
    """(initials, full pinyin) strings for every reading combination, capped."""
    readings = _readings(name)
    initials: set[str] = set()
    full: set[str] = set()
    for combo in itertools.islice(itertools.product(*readings), MAX_READING_COMBINATIONS):
        if not combo:
            continue
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
