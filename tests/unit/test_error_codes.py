"""Each error code is defined once: a dict literal keeps the last of two equal keys
without a word, and the first code's callers would then be shown the other's text
with its placeholders unfilled."""

from __future__ import annotations

import ast
from pathlib import Path

import memberdesk.core


def test_no_dict_literal_in_core_repeats_a_key() -> None:
    repeated = []
    for path in Path(memberdesk.core.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                repeated += [f"{path.name}: {k!r}" for k in set(keys) if keys.count(k) > 1]
    assert repeated == []
