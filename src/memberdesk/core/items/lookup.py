"""Finding items: by a scanned barcode or a typed code (the till), by name, pinyin, code
or barcode start (the editor's list and the till's name search), and the categories.

A scan is on the till's hot path: it runs fixed statements on the search box's own
read-only connection (Store.lookup_read), two primary-key reads at most. The editor's
list ranks what matched — code, then barcode, then name, then pinyin — and pages.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..members.search_keys import INITIALS_KEY, NAME_KEY, PINYIN_KEY
from ..store.database import Store
from .barcodes import scan_forms
from .catalogue import ItemView

_COLUMNS = (
    "i.id, i.code, i.name, i.category, i.price, i.member_price, i.no_discount,"
    " i.earns_points, i.active, i.updated_at, i.version"
)


BY_BARCODE = (
    f"SELECT {_COLUMNS} FROM item_barcodes b JOIN items i ON i.id = b.item_id WHERE b.barcode = ?"
)


BY_CODE = f"SELECT {_COLUMNS} FROM items i WHERE i.code = ?"


BARCODES = "SELECT barcode FROM item_barcodes WHERE item_id = ? ORDER BY barcode"


_TOP = "\U0010ffff"


# Each way an item matches a query, best first: its code starts with it, a barcode does,
# its name holds it, its pinyin starts with it.
_HITS = (
    "SELECT id, 0 AS rank FROM items WHERE code >= :c_lo AND code < :c_hi"
    " UNION ALL SELECT item_id, 1 FROM item_barcodes WHERE barcode >= :c_lo AND barcode < :c_hi"
    " UNION ALL SELECT item_id, 2 FROM item_search WHERE key >= :n_lo AND key < :n_hi"
    " UNION ALL SELECT item_id, 3 FROM item_search WHERE key >= :i_lo AND key < :i_hi"
    " UNION ALL SELECT item_id, 3 FROM item_search WHERE key >= :p_lo AND key < :p_hi"
)


def _filters(category: bool, active: bool) -> str:
    """The list's conditions, only those asked (an `x IS NULL OR …` would keep SQLite from
    the category's index)."""
    terms = ["i.category = :category"] if category else []
    terms += ["i.active = :active"] if active else []
    return " AND ".join(terms) or "1"


def _match_sql(category: bool, active: bool) -> str:
    return (
        f"SELECT {_COLUMNS}, MIN(h.rank) AS rank FROM ({_HITS}) h JOIN items i ON i.id = h.id"
        f" WHERE {_filters(category, active)} GROUP BY i.id ORDER BY rank, i.code"
        " LIMIT :n OFFSET :o"
    )


def _match_count_sql(category: bool, active: bool) -> str:
    return (
        f"SELECT count(DISTINCT i.id) FROM ({_HITS}) h JOIN items i ON i.id = h.id"
        f" WHERE {_filters(category, active)}"
    )


def _all_sql(category: bool, active: bool) -> str:
    where = _filters(category, active)
    return f"SELECT {_COLUMNS} FROM items i WHERE {where} ORDER BY i.code LIMIT :n OFFSET :o"


def _all_count_sql(category: bool, active: bool) -> str:
    return f"SELECT count(*) FROM items i WHERE {_filters(category, active)}"


_SHAPES = [(c, a) for c in (False, True) for a in (False, True)]


MATCH_SQL = {shape: _match_sql(*shape) for shape in _SHAPES}


MATCH_COUNT_SQL = {shape: _match_count_sql(*shape) for shape in _SHAPES}


ALL_SQL = {shape: _all_sql(*shape) for shape in _SHAPES}


ALL_COUNT_SQL = {shape: _all_count_sql(*shape) for shape in _SHAPES}


CATEGORIES_SQL = "SELECT DISTINCT category FROM items WHERE category != '' ORDER BY category"


@dataclass(frozen=True)
class ItemPage:
    """One page of the editor's list, and how many items match in all."""

    items: list[ItemView]
    total: int
    offset: int


def _view(con: sqlite3.Connection, row: Sequence[Any]) -> ItemView:
    item_id, code, name, category, price, member_price, no_discount, earns, active = row[:9]
    updated, version = row[9], row[10]
    barcodes = tuple(r[0] for r in con.execute(BARCODES, (item_id,)))
    return ItemView(
        id=item_id, code=code, name=name, category=category, price=price,
        member_price=member_price, no_discount=bool(no_discount), earns_points=bool(earns),
        active=bool(active), updated_at=datetime.fromisoformat(updated), version=version,
        barcodes=barcodes,
    )  # fmt: skip


def item_for_code(store: Store, text: str) -> ItemView | None:
    """The item whose barcode (first) or code is `text`, active or not; None if none is."""
    forms = scan_forms(text)
    if not forms:
        return None
    with store.lookup_read() as con:
        return code_lookup(con, forms)


def code_lookup(con: sqlite3.Connection, forms: Sequence[str]) -> ItemView | None:
    for sql in (BY_BARCODE, BY_CODE):
        for form in forms:
            row = con.execute(sql, (form,)).fetchone()
            if row is not None:
                return _view(con, row)
    return None


def _params(query: str) -> dict[str, Any]:
    code = query.strip().upper()
    lowered = query.strip().lower()
    name = NAME_KEY + lowered
    params: dict[str, Any] = {
        "c_lo": code, "c_hi": code + _TOP, "n_lo": name, "n_hi": name + _TOP,
        "i_lo": "", "i_hi": "", "p_lo": "", "p_hi": "",
    }  # fmt: skip
    if lowered.isascii() and lowered.isalpha() and len(lowered) >= 2:
        params.update(i_lo=INITIALS_KEY + lowered, i_hi=INITIALS_KEY + lowered + _TOP)
        params.update(p_lo=PINYIN_KEY + lowered, p_hi=PINYIN_KEY + lowered + _TOP)
    return params


def find_items(
    store: Store,
    query: str = "",
    *,
    category: str | None = None,
    active: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> ItemPage:
    """Items matching `query` (code or barcode start, a part of the name, pinyin initials or
    full pinyin; every item when blank) in `category` and of the state asked: the best
    kind of match first, then by code."""
    shape = (category is not None, active is not None)
    filters = {"category": category, "active": None if active is None else int(active)}
    page = {"n": max(limit, 0), "o": max(offset, 0)}
    with store.lookup_read() as con:
        if query.strip():
            params = {**_params(query), **filters}
            rows = con.execute(MATCH_SQL[shape], {**params, **page}).fetchall()
            total = con.execute(MATCH_COUNT_SQL[shape], params).fetchone()[0]
        else:
            rows = con.execute(ALL_SQL[shape], {**filters, **page}).fetchall()
            total = con.execute(ALL_COUNT_SQL[shape], filters).fetchone()[0]
        return ItemPage([_view(con, r) for r in rows], int(total), page["o"])


def item_categories(store: Store) -> list[str]:
    """Every category an item has, in order."""
    with store.lookup_read() as con:
        return [r[0] for r in con.execute(CATEGORIES_SQL)]
