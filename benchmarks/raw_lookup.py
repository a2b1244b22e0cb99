"""The raw baseline of a lookup: core.lookup's index queries, in stdlib sqlite3.

The same statements against the same indexes (cards.card_no, members.phone,
members.phone_last4, the member_search prefix ranges), then the same columns of
the matching members; no ranking, no objects. What the lookup costs without Python
around it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from memberdesk.core.lookup import MAX_CANDIDATES
from memberdesk.core.search_keys import INITIALS_KEY, NAME_KEY, PINYIN_KEY

TOP = "\U0010ffff"
COLUMNS = ("id, card_no, name, phone, tier, status, points, wallet_principal, wallet_bonus,"
           " last_visit_at")  # fmt: skip


class RawLookup:
    def __init__(self, path: Path) -> None:
        self.con = sqlite3.connect(str(path), timeout=10, isolation_level=None)
        self.con.execute("PRAGMA query_only=ON")

    def close(self) -> None:
        self.con.close()

    def _members(self, ids: list[str]) -> list[tuple]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return self.con.execute(
            f"SELECT {COLUMNS} FROM members WHERE id IN ({marks})", ids
        ).fetchall()

    def _prefix(self, prefix: str) -> list[str]:
        rows = self.con.execute(
            "SELECT member_id FROM member_search WHERE key >= ? AND key < ? LIMIT ?",
            (prefix, prefix + TOP, MAX_CANDIDATES),
        )
        return [r[0] for r in rows]

    def find(self, kind: str, q: str) -> list[tuple]:
        con = self.con
        con.execute("BEGIN")
        try:
            if kind == "card":
                row = con.execute(
                    "SELECT member_id, status FROM cards WHERE card_no = ?", (q,)
                ).fetchone()
                ids = [row[0]] if row else []
            elif kind == "phone":
                ids = [r[0] for r in con.execute(
                    "SELECT id FROM members WHERE phone = ? AND status != 'cancelled'", (q,))]  # fmt: skip
            elif kind == "last4":
                ids = [r[0] for r in con.execute(
                    "SELECT id FROM members WHERE phone_last4 = ? LIMIT ?", (q, MAX_CANDIDATES))]  # fmt: skip
            else:
                ids = self._prefix(NAME_KEY + q.lower())
                if kind == "pinyin":
                    ids += self._prefix(INITIALS_KEY + q) + self._prefix(PINYIN_KEY + q)
            return self._members(list(dict.fromkeys(ids)))
        finally:
            con.execute("COMMIT")
