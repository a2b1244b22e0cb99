"""The raw baseline of a lookup: core.lookup's own statements, in stdlib sqlite3.

The same SQL against the same indexes (cards.card_no, members.phone,
members.phone_last4, the member_search key ranges, members by last visit for the
largest name and pinyin matches), on a plain connection of its own, in one read
transaction, with the same page cache; rows stay tuples. What the lookup costs without the pool, the query
parsing and the Hit objects around it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from memberdesk.core.members.lookup import (
    CARD_SQL,
    DEFAULT_LIMIT,
    LAST4_SQL,
    PHONE_SQL,
    _ranges,
    _ranked,
)
from memberdesk.core.store.connect import LOOKUP_CACHE_KIB


class RawLookup:
    def __init__(self, path: Path) -> None:
        self.con = sqlite3.connect(str(path), timeout=10, isolation_level=None)
        self.con.execute("PRAGMA query_only=ON")
        self.con.execute(f"PRAGMA cache_size=-{LOOKUP_CACHE_KIB}")  # as the search box's own

    def close(self) -> None:
        self.con.close()

    def find(self, kind: str, q: str) -> list[tuple]:
        con = self.con
        listed = {"all": 0, "n": DEFAULT_LIMIT}
        con.execute("BEGIN")
        try:
            if kind == "card":
                return con.execute(CARD_SQL, {"q": q}).fetchall()
            if kind == "phone":
                return con.execute(PHONE_SQL, {"q": q}).fetchall()
            if kind == "last4":
                return con.execute(LAST4_SQL, {"q": q, **listed}).fetchall()
            return _ranked(con, {**_ranges(q.lower()), **listed}, DEFAULT_LIMIT)
        finally:
            con.execute("COMMIT")
