"""Figures of the catalogue: a scanned barcode found among N items, and a 10-line sale of
catalogue items, each against what raw SQLite alone costs for the same work.

The catalogue (`--items`, default 100,000) is added to the working copy of the generated
shop through core's own `add_item` (validation, barcodes, pinyin keys, audit and outbox
rows), in transactions of CATALOGUE_CHUNK items; its build time is a figure too. Every
item has a distinct EAN-13 (prefix 69, check digit computed), a code, a category and a
Chinese name; a fifth have a member price, one in twenty is 不打折, one in fifty earns no
points.

Once built, the catalogue's write-ahead log is checkpointed and the build's objects are
frozen out of the garbage collector's way (as a till that imported its catalogue
yesterday has them), so the figures time the scan and the sale, not the build's tail.

- **barcode scan**: `read_scan(store, barcode)` — what the till's box runs for every
  scan (the barcode's item, its barcodes) — for SCANS_PER_SAMPLE × samples random
  barcodes of the catalogue, warm.
  Raw: the same two indexed reads in stdlib sqlite3 on a connection with the search
  box's page cache. Target p99 ≤ 1 ms at 100k items.
- **10-line catalogue sale**: `checkout(store, …)` of ten random items (quantities 1–3)
  for a random member, paid by WeChat, as the till calls it. Raw: the rows it wrote,
  written again with stdlib sqlite3 in one BEGIN IMMEDIATE … COMMIT (baseline.py).
  Target: ≤ 10× the raw transaction.
"""

from __future__ import annotations

import gc
import random
import sqlite3
import time
from datetime import date

from memberdesk.core.clock import shop_date
from memberdesk.core.items.barcodes import gs1_check_digit
from memberdesk.core.items.catalogue import ItemForm, ItemView, add_item
from memberdesk.core.items.lookup import BARCODES, BY_BARCODE, find_items
from memberdesk.core.items.scan import read_scan
from memberdesk.core.shop.staff import Actor, list_staff
from memberdesk.core.store.connect import LOOKUP_CACHE_KIB
from memberdesk.core.store.database import Store
from memberdesk.core.till.checkout import CheckoutRequest, SaleLineInput, checkout, quote

from .baseline import RawWriter
from .figures import _counter, sample_members
from .report import Figure, percentiles

CATALOGUE_CHUNK = 2000  # items per transaction while the catalogue is built
SCAN_TARGET_MS = 1.0
SALE_RATIO_TARGET = 10.0
LINES = 10
SCANS_PER_SAMPLE = 5  # a scan takes microseconds: enough of them for a p99 that means something

_BRANDS = ("康师傅", "统一", "农夫", "伊利", "蒙牛", "旺旺", "达利园", "三只松鼠", "良品", "娃哈哈",
           "百草味", "来伊份", "洽洽", "金龙鱼", "海天", "老干妈", "立白", "蓝月亮", "清风", "心相印")  # fmt: skip
_GOODS = ("矿泉水", "绿茶", "方便面", "牛奶", "酸奶", "饼干", "薯片", "瓜子", "坚果", "面包",
          "酱油", "食用油", "洗衣液", "纸巾", "牙膏", "洗发水", "毛巾", "袜子", "雨伞", "电池")  # fmt: skip
_SIZES = ("250ml", "500ml", "1L", "100g", "200g", "500g", "1kg", "小包", "大包", "家庭装")
_CATEGORIES = ("饮料", "零食", "粮油", "日用", "个护", "冷藏")


def ean13(n: int) -> str:
    body = f"69{n:010d}"
    return body + gs1_check_digit(body)


def catalogue_form(i: int, rng: random.Random) -> ItemForm:
    price = rng.choice((150, 250, 350, 500, 800, 1290, 1990, 2990, 4990, 9900, 19900))
    return ItemForm(
        name=f"{rng.choice(_BRANDS)}{rng.choice(_GOODS)}{rng.choice(_SIZES)}{i % 97}",
        price=price, code=f"I{i:06d}", barcodes=(ean13(i),),
        category=rng.choice(_CATEGORIES),
        member_price=price * 9 // 10 if rng.random() < 0.2 else None,
        no_discount=rng.random() < 0.05, earns_points=rng.random() >= 0.02,
    )  # fmt: skip


def build_catalogue(store: Store, owner: Actor, items: int, rng: random.Random) -> float:
    """`items` items through core's add_item, CATALOGUE_CHUNK per transaction; seconds taken."""
    started = time.perf_counter()
    for start in range(0, items, CATALOGUE_CHUNK):
        with store.write() as uow:
            for i in range(start, min(items, start + CATALOGUE_CHUNK)):
                add_item(uow, owner, catalogue_form(i, rng), via="benchmark")
    return time.perf_counter() - started


class RawScan:
    """The scan's two indexed reads in stdlib sqlite3, with the search box's page cache."""

    def __init__(self, store: Store) -> None:
        self.con = sqlite3.connect(str(store.path), isolation_level=None)
        self.con.execute(f"PRAGMA cache_size=-{LOOKUP_CACHE_KIB}")

    def find(self, barcode: str) -> tuple:
        self.con.execute("BEGIN")
        try:
            row = self.con.execute(BY_BARCODE, (barcode,)).fetchone()
            codes = self.con.execute(BARCODES, (row[0],)).fetchall()
        finally:
            self.con.execute("COMMIT")
        return row, codes

    def close(self) -> None:
        self.con.close()


def settle(store: Store) -> None:
    """The build's write-ahead log copied back and truncated, its garbage collected and the
    rest frozen: what a till is like the day after its catalogue was imported."""
    con = sqlite3.connect(str(store.path), timeout=60)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    gc.collect()
    gc.freeze()


def scan_figure(store: Store, items: int, samples: int, rng: random.Random) -> Figure:
    barcodes = [ean13(rng.randrange(items)) for _ in range(SCANS_PER_SAMPLE * samples + 50)]
    raw = RawScan(store)
    real, base, found = [], [], 0
    try:
        for code in barcodes[:50]:  # warm: statements compiled, pages cached
            read_scan(store, code)
            raw.find(code)
        for code in barcodes[50:]:
            t = time.perf_counter()
            answer = read_scan(store, code)
            real.append(time.perf_counter() - t)
            found += answer.kind == "item"
            t = time.perf_counter()
            raw.find(code)
            base.append(time.perf_counter() - t)
    finally:
        raw.close()
    p50, p99 = percentiles(real)
    b50, b99 = percentiles(base)
    return Figure(
        "items", "barcode scan", "ms", p50, p99, baseline_p50=b50, baseline_p99=b99,
        target=f"p99 ≤ {SCAN_TARGET_MS:g} ms", meets=p99 <= SCAN_TARGET_MS, samples=len(real),
        note=f"read_scan among {items:,} items; {found}/{len(real)} found their item",
    )  # fmt: skip


def _line(item: ItemView, rng: random.Random) -> SaleLineInput:
    return SaleLineInput(item.name, item.price, rng.choice((1, 1, 2, 3)), item.category,
                         item.no_discount, item_id=item.id, item_code=item.code,
                         member_price=item.member_price, earns_points=item.earns_points)  # fmt: skip


def sale_figure(store: Store, items: int, samples: int, rng: random.Random) -> Figure:
    staff = list_staff(store)
    cashier = next(Actor(s.id, s.name, s.role) for s in staff if s.role == "cashier")
    today: date = shop_date(store.clock.now())
    raw = RawWriter(store.path)
    members = sample_members(store, samples, rng)
    real, base, rows = [], [], 0
    try:
        for member_id, *_ in members:
            picked = [find_items(store, f"I{rng.randrange(items):06d}", limit=1).items[0]
                      for _ in range(LINES)]  # fmt: skip
            lines = tuple(_line(item, rng) for item in picked)
            due = quote(store, CheckoutRequest(lines, member_id)).due_after_points_wallet
            req = CheckoutRequest(lines, member_id, tenders={"wechat": due})
            marks = raw.marks(member_id)
            t = time.perf_counter()
            result = checkout(store, cashier, req)
            real.append(time.perf_counter() - t)
            script = raw.capture_sale(marks, result.sale_id, member_id, _counter("", today))
            rows = script.rows()
            base.append(raw.run(script))
    finally:
        raw.close()
    p50, p99 = percentiles(real)
    b50, b99 = percentiles(base)
    return Figure(
        "items", "10-line catalogue sale", "ms", p50, p99, baseline_p50=b50, baseline_p99=b99,
        target=f"≤ {SALE_RATIO_TARGET:g}× raw", meets=p50 <= SALE_RATIO_TARGET * b50,
        samples=len(real),
        note=f"member sale of {LINES} of {items:,} items, wechat; raw writes {rows} rows",
    )  # fmt: skip


def items_figures(store: Store, items: int, samples: int, rng: random.Random) -> list[Figure]:
    staff = list_staff(store)
    owner = next(Actor(s.id, s.name, s.role) for s in staff if s.role == "owner")
    seconds = build_catalogue(store, owner, items, rng)
    settle(store)
    built = Figure(
        "items", "catalogue build", "s", value=seconds, samples=1,
        note=f"{items:,} items by core add_item, {CATALOGUE_CHUNK:,} per transaction; "
             f"{seconds / max(items, 1) * 1000:.2f} ms per item",
    )  # fmt: skip
    return [built, scan_figure(store, items, samples, rng), sale_figure(store, items, samples, rng)]
