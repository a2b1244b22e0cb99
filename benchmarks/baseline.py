"""The raw baseline of a write: the same rows, written with stdlib sqlite3.

After a real operation has run, `capture` reads back every row it wrote (new rows,
and the rows it updated, with their new values) and turns them into a script:
the same INSERTs with fresh ids and receipt numbers, the same UPDATEs with the
same values. `run` executes the script in one BEGIN IMMEDIATE … COMMIT on the same
file, with the same pragmas (WAL, synchronous=FULL, foreign keys), the same
indexes and triggers. No reads, no rules, no ORM: what the disk and SQLite alone
cost for that operation.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from memberdesk.core.store.connect import WAL_SAFETY_PAGES

NEW_ROW_TABLES = ("sales", "sale_lines", "sale_tenders", "refunds", "points_ledger",
                  "wallet_ledger", "outbox", "audit_log", "count_card_ledger")  # fmt: skip
REF_COLUMNS = ("sale_id", "refund_id")


@dataclass
class Marks:
    """Where the log tables ended, and the rows an operation may update, before it ran."""

    outbox_seq: int
    audit_id: int
    rows: dict[tuple[str, object], dict] = field(default_factory=dict)


@dataclass
class Script:
    statements: list[tuple[str, tuple]] = field(default_factory=list)

    def rows(self) -> int:
        return len(self.statements)


class RawWriter:
    def __init__(self, path: Path) -> None:
        self.con = sqlite3.connect(str(path), isolation_level=None, timeout=10)
        for pragma in (
            "busy_timeout=10000",
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            f"wal_autocheckpoint={WAL_SAFETY_PAGES}",  # as the till's store (background checkpoints)
        ):
            self.con.execute(f"PRAGMA {pragma}")
        self.columns: dict[str, list[tuple[str, str, bool]]] = {}
        for table in (*NEW_ROW_TABLES, "members", "settings", "count_cards"):
            info = self.con.execute(f"PRAGMA table_info({table})").fetchall()
            self.columns[table] = [(r[1], r[2].upper(), bool(r[5])) for r in info]
        self._n = 0

    def close(self) -> None:
        self.con.close()

    def marks(
        self, member_id: str | None = None, sale_id: str | None = None, card_id: str | None = None
    ) -> Marks:
        seq = self.con.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox").fetchone()[0]
        audit = self.con.execute("SELECT COALESCE(MAX(id), 0) FROM audit_log").fetchone()[0]
        marks = Marks(seq, audit)
        if member_id is not None:
            for row in self._select("members", "id = ?", (member_id,)):
                marks.rows["members", row["id"]] = row
        if card_id is not None:
            for row in self._select("count_cards", "id = ?", (card_id,)):
                marks.rows["count_cards", row["id"]] = row
        if sale_id is not None:
            for row in self._select("sales", "id = ?", (sale_id,)):
                marks.rows["sales", row["id"]] = row
            for row in self._select("sale_lines", "sale_id = ?", (sale_id,)):
                marks.rows["sale_lines", row["id"]] = row
        return marks

    def _select(self, table: str, where: str, params: tuple) -> list[dict]:
        cur = self.con.execute(f"SELECT * FROM {table} WHERE {where}", params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def _insert(self, script: Script, table: str, rows: list[dict], ids: dict[str, str]) -> None:
        for row in rows:
            values = {}
            for name, type_, pk in self.columns[table]:
                value = row[name]
                if pk and type_ == "INTEGER":
                    continue  # autoincrement: SQLite numbers it
                if pk:
                    value = ids.setdefault(value, str(uuid.uuid4()))
                elif name in REF_COLUMNS and value in ids:
                    value = ids[value]
                elif name == "receipt_no":
                    self._n += 1
                    value = f"{value}b{self._n}"
                elif name == "event_id":
                    value = str(uuid.uuid4())
                values[name] = value
            cols = ", ".join(values)
            marks = ", ".join("?" * len(values))
            script.statements.append(
                (f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(values.values()))
            )

    def _update(
        self, script: Script, table: str, key: str, rows: list[dict], before: Marks
    ) -> None:
        """UPDATE of the columns the operation changed (all of them for a row not seen before)."""
        for row in rows:
            old = before.rows.get((table, row[key]))
            cols = [
                n
                for n, _, pk in self.columns[table]
                if not pk and (old is None or old[n] != row[n])
            ]
            if not cols:
                continue
            sets = ", ".join(f"{c} = ?" for c in cols)
            params = (*(row[c] for c in cols), row[key])
            script.statements.append((f"UPDATE {table} SET {sets} WHERE {key} = ?", params))

    def capture_sale(
        self, before: Marks, sale_id: str, member_id: str | None, counter: str
    ) -> Script:
        """The rows a checkout wrote: sale, lines, tenders, ledger entries, outbox; member; counter."""
        script, ids = Script(), {}
        self._insert(script, "sales", self._select("sales", "id = ?", (sale_id,)), ids)
        for table in ("sale_lines", "sale_tenders"):
            self._insert(script, table, self._select(table, "sale_id = ?", (sale_id,)), ids)
        for table in ("points_ledger", "wallet_ledger"):
            rows = self._select(table, "sale_id = ? AND refund_id IS NULL", (sale_id,))
            self._insert(script, table, rows, ids)
        self._common(script, before, member_id, counter, ids)
        return script

    def capture_refund(self, before: Marks, refund_id: str, sale_id: str, member_id: str | None,
                       counter: str) -> Script:  # fmt: skip
        """The rows a refund wrote: refund, ledger entries, the sale and lines it updated, outbox, audit."""
        script, ids = Script(), {}
        self._insert(script, "refunds", self._select("refunds", "id = ?", (refund_id,)), ids)
        for table in ("points_ledger", "wallet_ledger"):
            self._insert(script, table, self._select(table, "refund_id = ?", (refund_id,)), ids)
        self._update(script, "sales", "id", self._select("sales", "id = ?", (sale_id,)), before)
        lines = self._select("sale_lines", "sale_id = ?", (sale_id,))
        self._update(script, "sale_lines", "id", lines, before)
        self._common(script, before, member_id, counter, ids)
        return script

    def capture_count_card_use(self, before: Marks, card_id: str, counter: str) -> Script:
        """The rows a count card visit wrote: its ledger entry, the card's count, outbox."""
        script, ids = Script(), {}
        rows = self._select("count_card_ledger", "card_id = ? AND kind = 'use'", (card_id,))
        self._insert(script, "count_card_ledger", rows[-1:], ids)
        card = self._select("count_cards", "id = ?", (card_id,))
        self._update(script, "count_cards", "id", card, before)
        self._common(script, before, None, counter, ids)
        return script

    def _common(self, script: Script, before: Marks, member_id: str | None, counter: str,
                ids: dict[str, str]) -> None:  # fmt: skip
        self._insert(script, "outbox", self._select("outbox", "seq > ?", (before.outbox_seq,)), ids)
        self._insert(
            script, "audit_log", self._select("audit_log", "id > ?", (before.audit_id,)), ids
        )
        if member_id is not None:
            member = self._select("members", "id = ?", (member_id,))
            self._update(script, "members", "id", member, before)
        self._update(
            script, "settings", "key", self._select("settings", "key = ?", (counter,)), before
        )

    def run(self, script: Script) -> float:
        """Seconds for BEGIN IMMEDIATE, the statements, COMMIT."""
        con = self.con
        t = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in script.statements:
                con.execute(sql, params)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return time.perf_counter() - t
