"""Item sheets: the columns a shop's sheet gives its goods, a row's cells, and the export.

No database here. Headers are matched as the member import matches them (full-width
characters, spaces, case, units in brackets, 繁體 spellings), in Chinese or English:
编码 / 条码 / 名称 / 分类 / 售价 / 会员价 / 不打折 / 积分 / 状态 and their usual
variants. A cell a row leaves blank keeps what the store has for an item already here
(`None` below); for a new item it takes the default (no member price, discounted, earns
points, active). `parse_row` collects every problem of a row, so the report can say
what is wrong where.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import DomainError
from ..i18n import DEFAULT_LANG, LANGS, N_, Message, gettext, traditional
from ..members.import_columns import (
    abandon_sheet,
    cell_text,
    header_key,
    parse_yes_no,
    plain,
    simplified,
)
from ..members.sheet_files import HEADER_SEARCH_ROWS, open_rows
from ..money import MAX_LINE_FEN, fen_to_decimal, format_fen, parse_yuan, plain_yuan
from ..text import check_text, safe_cell, xlsx_text
from .barcodes import normalize_barcode, normalize_code, split_barcodes
from .catalogue import CATEGORY_FIELD, MAX_BARCODES, MAX_CATEGORY, MAX_NAME, NAME_FIELD

# field -> the names a shop's sheet gives it (normalised with `header_key`)
ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("编码", "商品编码", "货号", "商品货号", "编号", "商品编号", "自编码", "内码", "code",
             "itemcode", "productcode", "itemno", "sku", "plu"),
    "barcodes": ("条码", "条形码", "商品条码", "国际条码", "条码号", "barcode", "barcodes", "ean",
                 "upc", "gtin"),
    "name": ("名称", "商品名称", "品名", "商品名", "商品", "name", "itemname", "productname",
             "item", "product"),
    "category": ("分类", "类别", "商品分类", "品类", "类目", "大类", "category", "type", "group"),
    "price": ("售价", "零售价", "价格", "单价", "销售价", "标价", "price", "retailprice",
              "saleprice", "unitprice"),
    "member_price": ("会员价", "会员价格", "会员售价", "memberprice"),
    "no_discount": ("不打折", "不参与折扣", "禁止折扣", "不可打折", "nodiscount"),
    "earns_points": ("积分", "参与积分", "是否积分", "可积分", "earnspoints", "earnpoints",
                     "points"),
    "active": ("状态", "启用", "是否启用", "商品状态", "state", "active", "status"),
}  # fmt: skip


# How each column is headed: the export writes these in the reader's language, and the
# import reads them back in any of the three.
FIELD_NAMES = {
    "code": N_("Item code"), "barcodes": N_("Barcodes"), "name": N_("Item name"),
    "category": N_("Category"), "price": N_("Price"), "member_price": N_("Member price"),
    "no_discount": N_("No discount"), "earns_points": N_("Earns points"), "active": N_("State"),
    "row": N_("Row"),
}  # fmt: skip


ACTIVE_WORD, INACTIVE_WORD = N_("Enabled"), N_("Disabled")


ACTIVE_WORDS = {"启用", "正常", "在售", "上架", "有效", "active", "on", "enabled", "1", "是", "y",
                "yes", *(gettext(ACTIVE_WORD, lang).lower() for lang in LANGS)}  # fmt: skip


INACTIVE_WORDS = {"停用", "禁用", "停售", "下架", "无效", "inactive", "off", "disabled", "0",
                  "否", "n", "no", *(gettext(INACTIVE_WORD, lang).lower() for lang in LANGS)}  # fmt: skip


EXPORT_FIELDS = (
    "code", "barcodes", "name", "category", "price", "member_price", "no_discount",
    "earns_points", "active",
)  # fmt: skip


MONEY_FIELDS = {"price", "member_price"}


def _names(name: str) -> set[str]:
    return {header_key(gettext(FIELD_NAMES[name], lang)) for lang in LANGS}


_FIELD_OF = {
    **{key: f for f in ALIASES for key in _names(f)},
    **{header_key(a): f for f, names in ALIASES.items() for a in names},
}


_HAS_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _from_traditional() -> dict[str, str]:
    """The 繁體 spelling of every header and state word → its 简体 one (OpenCC, loaded for
    an import only)."""
    out: dict[str, str] = {}
    for word in [*_FIELD_OF, *ACTIVE_WORDS, *INACTIVE_WORDS]:
        if _HAS_CJK.search(word) and (spelled := traditional(word)) != word:
            out.setdefault(spelled, word)
    return out


def _simplified(word: str) -> str:
    if not _HAS_CJK.search(word):
        return word
    return _from_traditional().get(word, simplified(word))


@dataclass
class Columns:
    """Where each field sits in the header row, and the columns that are not read."""

    index: dict[str, int] = field(default_factory=dict)
    header: dict[str, str] = field(default_factory=dict)
    ignored: list[DomainError] = field(default_factory=list)

    def label(self, name: str) -> str | Message:
        return self.header.get(name) or field_name(name)

    def value(self, values: tuple, name: str) -> Any:
        i = self.index.get(name)
        return values[i] if i is not None and i < len(values) else None

    def has(self, name: str) -> bool:
        return name in self.index


def field_name(name: str) -> Message | str:
    return Message(FIELD_NAMES[name]) if name in FIELD_NAMES else name


def map_header(values: tuple) -> Columns:
    cols = Columns()
    for i, raw in enumerate(values):
        title = str(raw).strip() if raw is not None else ""
        key = _simplified(header_key(title))
        if not key:
            continue
        name = _FIELD_OF.get(key)
        if name is not None and name not in cols.index:
            cols.index[name], cols.header[name] = i, title
        elif name is not None:
            cols.ignored.append(
                DomainError("import.column_repeated", column=title, first=cols.header[name])
            )
        else:
            cols.ignored.append(DomainError("import.column_unknown", column=title))
    return cols


def is_header(values: tuple) -> bool:
    return "name" in map_header(values).index


@dataclass
class Sheet:
    columns: Columns
    rows: Iterator[tuple[int, tuple]]


@contextmanager
def open_sheet(path: Path) -> Iterator[Sheet]:
    """Stream the rows under the header (found among the first rows by its name column)."""
    with open_rows(path, is_header) as numbered:
        for number, values in numbered:
            cols = map_header(values)
            if "name" in cols.index:
                numbered.header_row = number
                yield Sheet(cols, _non_blank(numbered))
                return
            if number >= HEADER_SEARCH_ROWS:
                break
        raise DomainError("items_import.no_name_column")


def _non_blank(rows: Iterator[tuple[int, tuple]]) -> Iterator[tuple[int, tuple]]:
    for number, values in rows:
        if any(v is not None and str(v).strip() for v in values):
            yield number, values


@dataclass(slots=True, eq=False)
class ItemRow:
    """One data row, parsed; None: the cell was blank (an item here keeps its value)."""

    row: int
    problems: list[tuple[str, DomainError]] = field(default_factory=list)
    code: str = ""  # the code column, else the first barcode
    code_given: bool = False  # the code was written in the row (not taken from a barcode)
    barcodes: tuple[str, ...] | None = None
    name: str = ""
    category: str | None = None
    price: int | None = None
    member_price: int | None = None
    no_discount: bool | None = None
    earns_points: bool | None = None
    active: bool | None = None

    @property
    def bad(self) -> bool:
        return bool(self.problems)


def parse_money(value: Any, column: str | Message) -> int | None:
    """A price in yuan (3.5, 3.50, ¥1,200.00) → fen; None when blank."""
    text = plain(value)
    if not text:
        return None
    try:
        fen = parse_yuan(text, allow_negative=True)
    except DomainError as exc:
        raise DomainError("import.bad_amount", column=column, value=cell_text(value)) from exc
    if fen < 0:
        raise DomainError("amount.negative")
    if fen > MAX_LINE_FEN:
        raise DomainError("import.balance_too_large", column=column, value=cell_text(value),
                          limit=format_fen(MAX_LINE_FEN))  # fmt: skip
    return fen


def parse_state(value: Any) -> bool | None:
    text = _simplified(plain(value).lower())
    if not text:
        return None
    if text in ACTIVE_WORDS:
        return True
    if text in INACTIVE_WORDS:
        return False
    raise DomainError("items_import.bad_state", value=cell_text(value))


def parse_row(cols: Columns, number: int, values: tuple) -> ItemRow:
    """One row's cells, each checked on its own."""
    r = ItemRow(number)

    def cell(name: str) -> Any:
        return cols.value(values, name)

    def take(name: str, parse: Any) -> Any:
        try:
            return parse(cell(name))
        except DomainError as e:
            r.problems.append((name, e))
            return None

    r.name = cell_text(cell("name"))
    if not r.name:
        r.problems.append(("name", DomainError("item.name_required")))
    elif len(r.name) > MAX_NAME:
        r.problems.append(("name", DomainError("item.name_too_long", max=MAX_NAME)))
    else:
        take("name", lambda _: check_text(r.name, NAME_FIELD))
    if cols.has("barcodes"):
        codes: list[str] = []
        for raw in split_barcodes(cell_text(cell("barcodes"))):
            try:
                code = normalize_barcode(raw)
            except DomainError as e:
                r.problems.append(("barcodes", e))
                continue
            if code not in codes:
                codes.append(code)
        if len(codes) > MAX_BARCODES:
            r.problems.append(("barcodes", DomainError("item.too_many_barcodes", max=MAX_BARCODES)))
        r.barcodes = tuple(codes) if codes else None
    written = plain(cell("code"))
    if written:
        r.code = take("code", lambda _: normalize_code(written)) or ""
        r.code_given = True
    elif r.barcodes:
        r.code = r.barcodes[0]
    elif not any(name == "barcodes" for name, _ in r.problems):
        r.problems.append(("code", DomainError("item.code_required")))
    category = cell_text(cell("category"))
    if len(category) > MAX_CATEGORY:
        r.problems.append(("category", DomainError("item.category_too_long", max=MAX_CATEGORY)))
    elif category:
        take("category", lambda _: check_text(category, CATEGORY_FIELD))
    r.category = category or None
    r.price = take("price", lambda v: parse_money(v, cols.label("price")))
    r.member_price = take("member_price", lambda v: parse_money(v, cols.label("member_price")))
    r.no_discount = take("no_discount", lambda v: parse_yes_no(v, cols.label("no_discount")))
    r.earns_points = take("earns_points", lambda v: parse_yes_no(v, cols.label("earns_points")))
    r.active = take("active", parse_state)
    return r


# ------------------------------------------------------------------ the export


def export_headers(lang: str = DEFAULT_LANG) -> tuple[str, ...]:
    return tuple(gettext(FIELD_NAMES[f], lang) for f in EXPORT_FIELDS)


def write_csv(path: Path, rows: Iterator[list[Any]], lang: str = DEFAULT_LANG) -> int:
    """UTF-8 with a BOM, so Excel opens the Chinese right; money as yuan with two decimals;
    no cell starts a formula (core.text)."""
    money = [i for i, f in enumerate(EXPORT_FIELDS) if f in MONEY_FIELDS]
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(export_headers(lang))
        for row in rows:
            for i in money:
                row[i] = "" if row[i] is None else plain_yuan(row[i])
            out.writerow("" if v is None else safe_cell(v) for v in row)
            count += 1
    return count


def write_xlsx(path: Path, rows: Iterator[list[Any]], lang: str = DEFAULT_LANG) -> int:
    """Streamed (write-only); codes and barcodes stay text, money is a number shown as 0.00;
    no text cell starts a formula (core.text)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(gettext(N_("Items"), lang))
    money = [i for i, f in enumerate(EXPORT_FIELDS) if f in MONEY_FIELDS]
    ws.append(export_headers(lang))
    count = 0
    try:
        for row in rows:
            for i in money:
                if row[i] is None:
                    continue
                cell = WriteOnlyCell(ws, fen_to_decimal(row[i]))
                cell.number_format = "0.00"
                row[i] = cell
            ws.append([xlsx_text(ws, v) for v in row])  # formula-like text: a text cell
            count += 1
    except BaseException:  # stopped or failed partway: nothing is saved
        abandon_sheet(ws)
        raise
    wb.save(path)
    return count
