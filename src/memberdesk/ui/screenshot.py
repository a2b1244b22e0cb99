"""`memberdesk --screenshot FILE.png [--view …]`: render a view of the current shop offscreen.

Nothing is written to the shop's data: the first owner (else the first staff member)
is shown as logged in without a PIN; the till shows the latest customer with a sample
line that is never sold, the members view shows that customer and their history.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QSize

from ..core.errors import DomainError
from ..core.shop.staff import Actor, list_staff
from ..core.store.database import Store
from ..core.till.history import recent_sales
from .i18n import core_lang, tr

SIZE = QSize(1366, 768)
WAIT_S = 20


def _pump(until_idle_of=None) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if until_idle_of is None or not until_idle_of.busy:
            break
    for _ in range(5):
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def _viewer(store: Store) -> Actor | None:
    staff = list_staff(store)
    if not staff:
        return None
    chosen = next((s for s in staff if s.role == "owner"), staff[0])
    return Actor(chosen.id, chosen.name, chosen.role)


def take_screenshot(args: argparse.Namespace) -> int:
    if "QT_QPA_PLATFORM" not in os.environ and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from .bootstrap import make_application
    from .context import AppContext
    from .main_window import MainWindow, window_language
    from .workspace import VIEWS

    lang = window_language(args)
    view = args.view or "till"
    page = ""
    if view in ("report", "shift", "items"):  # a page of the back office
        view, page = "settings", view
    if view not in VIEWS:
        print(f"--view: {' | '.join((*VIEWS, 'report', 'shift', 'items'))}", file=sys.stderr)
        return 2
    app = make_application(lang)
    try:
        store = Store(args.db)
    except DomainError as exc:
        print(exc.message(core_lang(lang)), file=sys.stderr)
        return 2
    ctx = AppContext(store, lang)
    window = MainWindow(ctx, startup_jobs=False)
    actor = _viewer(store)
    if actor is not None:
        window.enter(actor, None, view, preview=True)
        if view == "till":
            _sample_sale(window, store)
        elif view == "members":
            members = window.workspace.members
            members.lists.setCurrentWidget(members.member_list)  # the browsable list, newest first
            latest = _latest_member(store)
            if latest is not None:
                members.open_member(latest)
        elif view == "journal":
            _latest_sale(window, store)
        if page == "report":
            _day_report(window, store)
        elif page == "items":
            office = window.workspace.backoffice
            office.open_page(office.items)
        elif page == "shift":
            _shift_close(window, store)
    window.resize(SIZE)
    window.show()
    _pump(ctx.jobs)
    _pump(ctx.jobs)
    out = Path(args.screenshot)
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(out))
    ctx.shutdown()
    window.close()
    store.close()
    app.processEvents()
    if not ok:
        print(f"could not write {out}", file=sys.stderr)
        return 1
    print(out)
    return 0


def _shift_close(window, store: Store) -> None:
    """The shift close page with the latest close on it (the demo shop's is ¥20 short)."""
    from ..core.till.shifts import last_close

    office = window.workspace.backoffice
    office.open_page(office.shift)
    closed = last_close(store)
    if closed is not None:
        office.shift.show_close(closed)


def _latest_member(store: Store) -> str | None:
    """The member of the latest member sale: someone with a history to show."""
    return next((s.member_id for s in recent_sales(store, limit=50) if s.member_id), None)


def _sample_sale(window, store: Store) -> None:
    """Show the till as it looks mid-sale: the latest customer, a few of the catalogue's
    items (or, with none, one typed line), never sold."""
    from ..core.items.lookup import find_items
    from .till.sale_draft import DraftLine

    till = window.workspace.till
    latest = _latest_member(store)
    items = find_items(store, active=True, limit=3).items
    for item in items:
        till.draft.add_item(item)
    if not items:
        till.draft.lines.append(DraftLine(tr("Sample item"), 29900, 1))
    if latest is not None:
        till.attach(latest)
    else:
        till.refresh()


def _latest_sale(window, store: Store) -> None:
    """The journal with a recent sale open (a refunded one if there is one in sight)."""
    sales = recent_sales(store, limit=200)
    chosen = next((s for s in sales if s.refunded_total), sales[0] if sales else None)
    if chosen is not None:
        window.workspace.journal.open_sale(chosen.sale_id)


def _day_report(window, store: Store) -> None:
    """The day-end report of the latest day with sales."""
    from PySide6.QtCore import QDate

    office = window.workspace.backoffice
    if office.report is None:
        return
    office.open_page(office.report)
    sales = recent_sales(store, limit=1)
    if sales:
        day = sales[0].business_date
        office.report.day.setDate(QDate(day.year, day.month, day.day))
