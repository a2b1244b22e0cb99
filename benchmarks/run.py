"""The benchmark: generate (or reuse) a shop, measure every figure, print and save them.

    .venv/bin/python -m benchmarks                      # the default shop (see README)
    .venv/bin/python -m benchmarks --quick              # small shop, under a minute
    .venv/bin/python -m benchmarks --members 100000 --sales-per-member 20   # the full shop
    .venv/bin/python -m benchmarks --members 100000 --sales-per-member 20 --build-only

Prints a table and writes benchmarks/results/latest.json and latest.md (git-ignored;
partial.json and partial.md for a run with --only).
The generated shop is cached in benchmarks/cache/ by its parameters; the figures run
on a throw-away copy of it, so the cached file stays as generated. A build that was
stopped (Ctrl-C, kill, machine stop) continues from its last finished month when the
same command runs again; --build-only builds (or finishes) the shop and exits.
"""

from __future__ import annotations

import argparse
import gc
import random
import shutil
import sys
import time
from datetime import UTC
from pathlib import Path

from memberdesk.core.clock import FixedClock
from memberdesk.core.store.database import Store

from .chain_pull import chain_figures
from .figures import checkout_figures, job_figures, lookup_figures
from .figures_count_cards import count_card_figures
from .figures_coupons import coupon_figures
from .figures_import import import_figures
from .figures_items import items_figures
from .figures_more import (
    app_figures,
    callsheet_figure,
    followup_figures,
    storage_figure,
    sync_figures,
    workdir,
)
from .generate import ShopSpec, cached_shop
from .population import END
from .report import Figure, table, write_results

HERE = Path(__file__).resolve().parent
SECTIONS = (
    "lookup", "checkout", "jobs", "followups", "import", "sync", "app", "storage", "items", "chain",
)  # fmt: skip
# members, sales per member, samples, call-sheet rows, sync events, app runs, list repeats,
# members imported, catalogue items, the chain's members at HQ, of them changed and pulled again
FULL = (100_000, 20.0, 300, 5000, 100_000, 3, 5, 20_000, 100_000, 1_000_000, 100_000)
QUICK = (300, 4.0, 20, 300, 2000, 1, 2, 1000, 2000, 2000, 500)


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    ap.add_argument(
        "--quick", action="store_true", help="small shop and few samples (the test suite runs this)"
    )
    ap.add_argument("--members", type=int, help=f"members (default {FULL[0]:,}; quick {QUICK[0]})")
    ap.add_argument(
        "--sales-per-member",
        type=float,
        help=f"sales per member, walk-ins included (default {FULL[1]:g})",
    )
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--preset", default="accessories", help="loyalty program preset of the shop")
    ap.add_argument("--samples", type=int, help="timed calls per lookup / checkout figure")
    ap.add_argument("--callsheet-rows", type=int)
    ap.add_argument("--sync-events", type=int)
    ap.add_argument("--import-members", type=int,
                    help=f"members in the XLSX the import figure reads (default {FULL[7]:,})")  # fmt: skip
    ap.add_argument("--items", type=int,
                    help=f"catalogue items the items figures search and sell (default {FULL[8]:,})")  # fmt: skip
    ap.add_argument("--chain-members", type=int,
                    help=f"the chain's members at HQ the till pulls (default {FULL[9]:,})")  # fmt: skip
    ap.add_argument("--chain-changes", type=int,
                    help=f"of them changed at HQ and pulled again (default {FULL[10]:,})")  # fmt: skip
    ap.add_argument("--pg", help="PostgreSQL URL for the sync drain (default $MEMBERDESK_TEST_PG)")
    ap.add_argument("--only", help=f"comma-separated sections: {','.join(SECTIONS)}")
    ap.add_argument("--cache-dir", type=Path, default=HERE / "cache")
    ap.add_argument("--results-dir", type=Path, default=HERE / "results")
    ap.add_argument("--build-only", action="store_true",
                    help="build (or finish a stopped build of) the shop, then exit: no figures")  # fmt: skip
    ap.add_argument("--plain-generation", action="store_true",
                    help="generate with a flush before every query (slower; for comparison)")  # fmt: skip
    args = ap.parse_args(argv)
    preset = QUICK if args.quick else FULL
    for i, name in enumerate(
        ("members", "sales_per_member", "samples", "callsheet_rows", "sync_events")
    ):
        if getattr(args, name) is None:
            setattr(args, name, preset[i])
    args.app_runs, args.list_repeat = preset[5], preset[6]
    if args.import_members is None:
        args.import_members = preset[7]
    if args.items is None:
        args.items = preset[8]
    if args.chain_members is None:
        args.chain_members = preset[9]
    if args.chain_changes is None:
        args.chain_changes = min(preset[10], args.chain_members)
    args.sections = set(args.only.split(",")) if args.only else set(SECTIONS)
    unknown = args.sections - set(SECTIONS)
    if unknown:
        ap.error(f"--only: unknown {', '.join(sorted(unknown))}")
    return args


def generation_figure(shop: dict) -> Figure:
    counts, sec = shop["counts"], shop["seconds"]
    sales, members = max(counts.get("sales", 0), 1), max(counts.get("members", 0), 1)
    per = 100_000 / sales
    return Figure(
        "generation", "build time per 100k sales", "s", value=sec["wall"] * per, samples=1,
        note=(f"whole build incl. members and monthly jobs; CPU {sec['cpu'] * per:,.0f} s;"
              f" checkout_in {sec.get('sale', 0) / sales * 1000:.1f} ms CPU per sale,"
              f" create_member {sec.get('join', 0) / members * 1000:.1f} ms; built {shop.get('built', '?')}"),
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)

    def log(msg: str) -> None:
        print(msg, flush=True)

    spec = ShopSpec(args.members, args.sales_per_member, args.seed, args.preset)
    t0 = time.perf_counter()
    cached, shop = cached_shop(spec, args.cache_dir, log=log, plain=args.plain_generation)
    log(f"shop: {shop['counts']} — check passed ({len(shop['check']['checks'])} checks)")
    if args.build_only:
        log(f"built {cached} ({time.perf_counter() - t0:.0f} s)")
        return 0
    work = workdir()
    db = work / "shop.sqlite"
    shutil.copyfile(cached, db)
    rng = random.Random(args.seed)
    figures: list[Figure] = [generation_figure(shop)]
    want = args.sections
    try:
        with Store(
            db, clock=FixedClock(END.replace(tzinfo=UTC)), background_checkpoint=True
        ) as store:
            gc.freeze()  # start-up's objects, as the window freezes its own (run_window)
            if "lookup" in want:
                log("lookup …")
                figures += lookup_figures(store, args.samples, rng)
            if "checkout" in want:
                log("checkout …")
                figures += checkout_figures(store, args.samples, rng)
                figures += count_card_figures(store, args.samples, rng)
                figures += coupon_figures(store, args.samples, rng)
            if "jobs" in want:
                log("jobs …")
                figures += job_figures(store)
            if "followups" in want:
                log("follow-up lists and call sheet …")
                lists, longest = followup_figures(store, args.list_repeat)
                figures += lists
                figures.append(callsheet_figure(store, longest, args.callsheet_rows, work))
            if "import" in want:
                log(f"import of {args.import_members:,} members from XLSX, selling meanwhile …")
                figures += import_figures(store, args.import_members, work, rng)
            if "items" in want:
                log(f"catalogue of {args.items:,} items: barcode scans, 10-line sales …")
                figures += items_figures(store, args.items, args.samples, rng)
            if "chain" in want:  # last: it adds the chain's members to the shop
                log(f"the chain's {args.chain_members:,} members pulled, selling meanwhile …")
                figures += chain_figures(store, args.chain_members, args.chain_changes, args.pg,
                                         args.samples, rng, log=log)  # fmt: skip
        if "sync" in want:
            log("sync drain …")
            figures += sync_figures(args.sync_events, args.pg)
        if "app" in want:
            log("app start …")
            figures += app_figures(db, args.app_runs)
        if "storage" in want:
            figures.append(storage_figure(cached, shop))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(table(figures))
    scale = (
        f"{shop['counts'].get('members', 0):,} members, {shop['counts'].get('sales', 0):,} sales"
    )
    print(f"\nshop: {scale}; targets apply at 100,000 members / 2M sales"
          f"{' (quick run: targets are for information only)' if args.quick else ''}")  # fmt: skip
    path = write_results(args.results_dir, figures, shop, {
        k: (sorted(v) if isinstance(v, set) else str(v) if isinstance(v, Path) else v)
        for k, v in vars(args).items()
    }, "partial" if args.only else "latest")  # fmt: skip
    print(f"written {path} ({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
