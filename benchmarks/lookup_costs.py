"""The unit costs the till's lookup weighs when it picks a plan, measured on a shop.

    .venv/bin/python -m benchmarks.lookup_costs --members 1000000 --sales-per-member 0.2

A name or pinyin query that matches many key rows is ranked one of three ways
(core.lookup._Plan): over its key rows (join), along the last visits checking each
member against the set of key holders (set walk), or along the last visits asking each
member's own key rows (walk). The plan compares their costs from four constants
(JOIN_PER_KEY, SET_PER_KEY, STEP_PER_MEMBER, ASK_PER_MEMBER). This measures them: for
the queries the benchmark times (pinyin initials, whole and given names of random
active members) and every surname, each way of matching with more than JOIN_KEYS key
rows is ranked all three ways, each the best of three runs (warm); the costs per key
row and per member met are fitted by least squares and printed beside core's.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from memberdesk.core.demo.names import SURNAMES
from memberdesk.core.members import lookup
from memberdesk.core.members.search_keys import pinyin_forms
from memberdesk.core.store.connect import LOOKUP_CACHE_KIB

from .generate import ShopSpec, cached_shop

HERE = Path(__file__).resolve().parent
WAYS = ("pinyin_exact", "pinyin_prefix", "name_prefix", "name_substring")
MAX_ASKED = 20_000  # a walk asking more members than this is not timed (seconds each)


@dataclass(frozen=True)
class Timing:
    query: str
    way: str
    keys: int  # key rows of the way of matching
    met: int  # active members a walk meets before its list is full
    join_us: float
    set_walk_us: float
    walk_us: float | None  # None: not timed (MAX_ASKED)


def queries(con: sqlite3.Connection, n: int, rng: random.Random) -> list[str]:
    """Pinyin initials, whole names and given names of random active members; surnames."""
    top = con.execute("SELECT max(rowid) FROM members").fetchone()[0] or 0
    found: set[str] = {surname for surname, _ in SURNAMES}
    while len(found) < n + len(SURNAMES) and top:
        row = con.execute(
            "SELECT name FROM members WHERE rowid = ? AND status = 'active'", (rng.randint(1, top),)
        ).fetchone()
        if row is None:
            continue
        name = row[0]
        initials = sorted(i for i in pinyin_forms(name)[0] if i.isascii() and len(i) >= 2)
        found.update(initials[:1])
        found.add(rng.choice([name, name[1:] if len(name) >= 3 else name]))
    return sorted(found)


def _best_us(con: sqlite3.Connection, sql: str, params: dict) -> tuple[float, list]:
    best, rows = float("inf"), []
    for _ in range(3):
        t = time.perf_counter()
        rows = con.execute(sql, params).fetchall()
        best = min(best, time.perf_counter() - t)
    return best * 1e6, rows


def measure(con: sqlite3.Connection, qs: Iterable[str], limit: int, min_keys: int) -> list[Timing]:
    out = []
    for q in qs:
        params = {**lookup._ranges(q.lower()), "all": 0, "n": limit, "rows": 2 * limit}
        for way in WAYS:
            if way.startswith("pinyin") and params["i_exact"] is None:
                continue
            keys = con.execute(lookup.COUNT_SQL[way], {**params, "cap": -1}).fetchone()[0]
            if keys <= min_keys:
                continue
            set_us, rows = _best_us(con, lookup.SET_WALK_SQL[way], params)
            if len(rows) < limit:
                continue  # a walk that met every member says nothing of its cost per member
            met = con.execute(
                "SELECT count(*) FROM members m INDEXED BY ix_members_last_visit_joined"
                " WHERE m.status = 'active' AND m.last_visit_at >= ?",
                (rows[-1][8],),
            ).fetchone()[0]
            join_us, _ = _best_us(con, lookup.JOIN_SQL[way], params)
            walk_us = _best_us(con, lookup.WALK_SQL[way], params)[0] if met <= MAX_ASKED else None
            out.append(Timing(q, way, keys, met, join_us, set_us, walk_us))
    return out


def _through_origin(xs: list[float], ys: list[float]) -> float:
    """a in y = a·x, least relative squares (a query of 1 ms counts as much as one of 30)."""
    ws = [1 / (y * y) for y in ys]
    num = sum(w * x * y for w, x, y in zip(ws, xs, ys, strict=True))
    return num / sum(w * x * x for w, x in zip(ws, xs, strict=True))


def _two_terms(x1: list[float], x2: list[float], ys: list[float]) -> tuple[float, float]:
    """a, b in y = a·x1 + b·x2, least relative squares."""
    ws = [1 / (y * y) for y in ys]
    rows = list(zip(ws, x1, x2, ys, strict=True))
    s11 = sum(w * a * a for w, a, _, _ in rows)
    s22 = sum(w * b * b for w, _, b, _ in rows)
    s12 = sum(w * a * b for w, a, b, _ in rows)
    s1y = sum(w * a * y for w, a, _, y in rows)
    s2y = sum(w * b * y for w, _, b, y in rows)
    det = s11 * s22 - s12 * s12
    return (s1y * s22 - s2y * s12) / det, (s2y * s11 - s1y * s12) / det


def fit(timings: list[Timing]) -> dict[str, float]:
    """µs per unit: the join per key row, the set walk per key row and per member met,
    the walk per member met."""
    keys = [float(t.keys) for t in timings]
    met = [float(t.met) for t in timings]
    set_key, set_member = _two_terms(keys, met, [t.set_walk_us for t in timings])
    asked = [t for t in timings if t.walk_us is not None]
    return {
        "JOIN_PER_KEY": _through_origin(keys, [t.join_us for t in timings]),
        "SET_PER_KEY": set_key,
        "STEP_PER_MEMBER": set_member,
        "ASK_PER_MEMBER": _through_origin(
            [float(t.met) for t in asked], [t.walk_us or 0.0 for t in asked]
        ),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.lookup_costs", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--sales-per-member", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--preset", default="accessories")
    ap.add_argument("--queries", type=int, default=60, help="member queries besides the surnames")
    ap.add_argument("--cache-dir", type=Path, default=HERE / "cache")
    ap.add_argument("--db", type=Path, help="measure this memberdesk file instead of a built shop")
    ap.add_argument("--limit", type=int, default=lookup.DEFAULT_LIMIT, help="rows a list holds")
    ap.add_argument("--min-keys", type=int, default=lookup.JOIN_KEYS,
                    help="time the ways of matching with more key rows than this")  # fmt: skip
    args = ap.parse_args(argv)
    if args.db is None:
        spec = ShopSpec(args.members, args.sales_per_member, args.seed, args.preset)
        path = cached_shop(spec, args.cache_dir)[0]
    else:
        path = args.db
    # immutable: read as it is, no lock or shared-memory file beside the cached shop
    con = sqlite3.connect(f"file:{path}?immutable=1", uri=True, isolation_level=None)
    con.execute(f"PRAGMA cache_size=-{LOOKUP_CACHE_KIB}")  # as the search box's own
    try:
        qs = queries(con, args.queries, random.Random(args.seed))
        timings = measure(con, qs, args.limit, args.min_keys)
    finally:
        con.close()
    if not timings:
        print(f"no way of matching has more than {args.min_keys} key rows and {args.limit} members")
        return 1
    print(
        f"{'query':10} {'way':15} {'keys':>7} {'met':>7} {'join':>9} {'set walk':>9} {'walk':>9}  (µs)"
    )
    for t in timings:
        walk = f"{t.walk_us:9.0f}" if t.walk_us is not None else f"{'—':>9}"
        print(
            f"{t.query:10} {t.way:15} {t.keys:7,} {t.met:7,} {t.join_us:9.0f} {t.set_walk_us:9.0f} {walk}"
        )
    print(f"\n{path.name}: {len(timings)} ways of matching timed")
    for name, value in fit(timings).items():
        print(f"{name:16} {value:6.2f} µs   (core.lookup: {getattr(lookup, name)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
