"""The till: scan or search, the member, the sale, paying. Keyboard first, F-keys for all.

Sales are rung up inside an open shift only: without one the till asks for the
opening float first. With nothing typed in the search box, ↑/↓ go into the lines: there
↑/↓ choose, Del deletes, Enter (or Ctrl+E) changes the line (quantity, price,
discount), and Esc or anything typed goes back to the search box. Ctrl+D gives a
discount on the whole sale. Shift+F6 goes into the member's coupons: ↑/↓ choose, Enter
puts one on the sale, Esc goes back; Ctrl+F6 (or the button beside the discounts) takes
the coupon off the sale again. Messages have their own room above the sale,
so one appearing never moves a button.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import DomainError
from ...core.i18n import join
from ...core.items.catalogue import ItemView
from ...core.items.scan import ScanAnswer, read_scan
from ...core.loyalty.program_store import current_program
from ...core.members.lookup import find_members, new_member_hint
from ...core.members.member import get_member, member_for_till
from ...core.printing.coupon_slip import coupon_slip
from ...core.printing.documents import load_slip
from ...core.printing.layout import sale_receipt
from ...core.printing.slips import SlipContext, count_card_slip, gift_slip, wallet_slip
from ...core.shop.details import get_shop
from ...core.till.checkout import CheckoutRequest, Computation, checkout, quote, quote_standing
from ...core.till.coupons import exchange_points
from ...core.till.gifts import gift_offers
from ...core.till.open_sale import drop_open_sale, keep_open_sale, recover_open_sale
from ...core.till.paycodes import PAY_APPS, check_payment_code, mask_code, payment_code_app
from ...core.till.receipts import SaleResult
from ..context import COUPONS, HELD, MEMBERS, AppContext, Change
from ..i18n import tr
from ..members.ask_hq import ask_head_office, ask_head_office_about_coupon, recheck_card
from ..members.member_form import MemberFormDialog, nobody_found
from ..members.money_dialogs import TopUpDialog
from ..members.refund_dialog import shop_now
from ..ops import run_op
from ..printing import paper, send_slip
from ..start.opening_float import OpeningFloat
from ..texts import money, tender_name
from ..widgets.fields import MessageBar, keep_place
from ..widgets.overlay import HelpOverlay
from .count_cards_dialog import CountCardsDialog
from .discount_dialog import LineDialog, SaleDiscountDialog
from .held_flow import HeldSales
from .lines_panel import LinesPanel
from .member_panel import MemberPanel
from .payment_panel import PaymentPanel
from .pick_member import gift_pick, member_pick
from .sale_draft import DraftLine, SaleDraft
from .scan_box import ScanBox, ScanCatcher
from .till_keys import TillKeysFirst

NEXT_SALE = object()  # a notice that lasts until the next sale begins, whoever it is for

log = logging.getLogger(__name__)


class TillView(QWidget):
    history_requested = Signal(str)  # member id: show them in the members view

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QWidget | None = None  # the dialog the till opened last (tests look here)
        self.last_sale: SaleResult | None = None
        self._sale_error: str | None = None  # a refusal of the sale, gone once it is put right
        # The cash sale just completed: its change stays in large type until the next begins.
        self._handed_back: SaleResult | None = None
        self._done: str | None = None  # what the bar says of it, until the next sale begins
        # The sale as last written beside the file: at first none (a file left there by a
        # till that stopped is taken at the log-in, not overwritten).
        self._kept: CheckoutRequest | None = CheckoutRequest()
        # (name, phone) of the last search that found no one, for F3's new member.
        self._unmatched: tuple[str, str] = ("", "")
        # Whom the bottom line's notice is about: a member's id (a top-up, a count card: said
        # while they are at the counter), NEXT_SALE (a sale done: until the next one begins),
        # or None. It goes once the till serves someone else.
        self._last_of: object = None
        outer = QVBoxLayout(self)
        self.pages = QStackedWidget(self)
        outer.addWidget(self.pages, 1)
        self.sale_page = QWidget(self)
        sale_outer = QVBoxLayout(self.sale_page)
        sale_outer.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.scan = ScanBox(self.sale_page)
        self.scan.setPlaceholderText(
            tr("Scan goods or a card, or type a price / phone / last 4 digits / name, then Enter")
        )
        font = self.scan.font()
        font.setPointSize(font.pointSize() + 4)
        self.scan.setFont(font)
        self.scan.scanned.connect(self.on_scan)
        self.scan.searched.connect(self.on_search)
        self.scan.installEventFilter(self)  # ↑/↓ and Del reach the lines while it is empty
        top.addWidget(self.scan, 1)
        hint = QLabel(tr("F1 help"), self.sale_page)
        top.addWidget(hint)
        sale_outer.addLayout(top)
        self.bar = MessageBar(self.sale_page)
        keep_place(self.bar)  # a message never pushes the sale down
        sale_outer.addWidget(self.bar)
        self.scan.set_reader(self._read_scan, ctx.core_lang)
        self.scan.item_chosen.connect(self.add_item)
        self.scan.member_chosen.connect(self.attach)
        self.scan.price_entered.connect(self.add_price)
        self.scan.refused.connect(self.bar.error)
        self.scan.coupon_scanned.connect(self.take_coupon)
        self.scan.take_payment_codes(
            lambda text: self.draft.priced and payment_code_app(text) is not None
        )
        self.scan.code_scanned.connect(
            lambda code: self.take_payment_code(payment_code_app(code), code)
        )
        body = QHBoxLayout()
        self.member_panel = MemberPanel(ctx, self.sale_page, coupons=True)
        self.member_panel.coupon_picked.connect(self.take_coupon)
        self.member_panel.exchange_requested.connect(self.exchange_points)
        body.addWidget(self.member_panel, 3)
        sale = QVBoxLayout()
        self.lines = LinesPanel(ctx.core_lang, self.sale_page)
        self.lines.changed.connect(self.refresh)
        self.lines.edit_requested.connect(self.edit_line)
        self.lines.table.typed.connect(self._typed_in_lines)
        self.lines.sale_discount_requested.connect(self.sale_discount)
        self.lines.coupon_dropped.connect(self._in_shift(self.drop_coupon))
        sale.addWidget(self.lines, 3)
        self.payment = PaymentPanel(ctx.core_lang, self.sale_page)
        self.payment.changed.connect(self.refresh)
        self.payment.complete_requested.connect(self.complete)
        self.payment.gift_requested.connect(self.choose_gift)
        self.payment.code_scanned.connect(self.take_payment_code)
        sale.addWidget(self.payment, 2)
        body.addLayout(sale, 7)
        sale_outer.addLayout(body, 1)
        self.last_label = QLabel(self.sale_page)
        self.last_label.setObjectName("last_sale")
        sale_outer.addWidget(self.last_label)
        self.pages.addWidget(self.sale_page)
        self.shift_gate = OpeningFloat(ctx, self._cashier, self)
        self.shift_gate.setObjectName("shift_gate")
        self.shift_gate.opened.connect(self._shift_opened)
        self.pages.addWidget(self.shift_gate)
        self._catch_scans()
        self.help = HelpOverlay(self)
        self.held = HeldSales(self)  # F7 / F8
        self._shortcuts()
        ctx.changed.connect(self._on_change)
        ctx.session_changed.connect(self._show_page)
        ctx.session_changed.connect(self._recover_open_sale)
        QTimer.singleShot(0, self._recover_open_sale)  # the till is made at a log-in
        self._show_page()
        self.refresh()

    # ------------------------------------------------------------------ keys
    def keys(self) -> list[tuple[str, str]]:
        return [
            ("F1", tr("This help")), ("F2", tr("Search / scan box")), ("F3", tr("Issue a member card")),
            ("F4", tr("Type a price")),
            # the box takes a price too, but an item whose code is 35 wins there (core/items/scan.py)
            ("35 / 35.", tr("A price typed in the box is ¥35.00; where 35 is an item's code, type 35. or ¥35")),
            # four digits that are an item's code and end members' phones: a list asks (core/items/scan.py)
            ("5678", tr("The last four digits of a member's phone; where 5678 is also an item's code, a list asks which: Enter takes the item, ↓ a member")),
            ("F5", tr("Redeem points")),
            ("Shift+F5", tr("Redeem points for a gift")), ("F6", tr("Pay from stored value")),
            ("Shift+F6", tr("The member's coupons: ↑/↓ choose, Enter puts one on the sale")),
            ("Ctrl+F6", tr("Take the coupon off the sale")),
            ("F7", tr("Hold this sale")), ("F8", tr("Recall a held sale")), ("F9", tr("Top up stored value")),
            ("Shift+F9", tr("Count cards: use a visit, sell, refund")),
            ("F10", tr("Cash received")), ("F11", tr("Member's history")), ("F12", tr("Complete the sale")),
            ("Shift+F11", tr("Sales journal: any sale by its receipt")),
            ("Esc", tr("Clear the search box, then the member")),
            ("↑ / ↓", tr("Into the lines: choose one; Del deletes it, Enter changes it, Esc goes back")),
            ("Del", tr("Remove the chosen line")),
            ("Ctrl+E", tr("Change the chosen line: quantity, price, discount")),
            ("Ctrl+D", tr("Discount on the whole sale")), ("Ctrl+Del", tr("Void this sale")),
        ]  # fmt: skip

    def _shortcuts(self) -> None:
        actions = {
            "F1": lambda: self.help.show_keys(self.keys()), "F2": self.focus_scan,
            "F3": self.issue_card, "F4": lambda: self._go_to(self.lines.price),
            "F5": lambda: self._go_to(self.payment.redeem), "Shift+F5": self.choose_gift,
            "F6": lambda: self._go_to(self.payment.wallet), "Shift+F6": self.choose_coupon,
            "Ctrl+F6": self.drop_coupon,
            "F7": self.held.hold, "F8": self.held.recall, "F9": self.top_up,
            "Shift+F9": self.count_cards,
            "F10": lambda: self._go_to(self.payment.tenders["cash"]), "F11": self.show_history,
            "F12": self.complete, "Esc": self.escape, "Ctrl+Del": self.void,
            "Ctrl+E": self.lines.edit_chosen, "Ctrl+D": self.sale_discount,
        }  # fmt: skip
        for key, slot in actions.items():
            # Wherever the cursor is in the window while the till is shown (the tab bar, the
            # log-out button a Tab reaches): the till's keys never die with the focus
            # outside its fields. A dialog is a window of its own: they stay the till's.
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot if key == "F1" else self._in_shift(slot))
        fields = [w for w in self.sale_page.findChildren(QWidget)
                  if w.focusPolicy() != Qt.FocusPolicy.NoFocus]  # fmt: skip
        self.keys_first = TillKeysFirst(map(QKeySequence, actions), self)
        self.keys_first.watch(fields)

    @staticmethod
    def _go_to(field) -> None:
        """An F-key's box, its amount selected: what is typed next replaces it (a second
        F10 and 100 is ¥100 received, never 50100)."""
        field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        field.selectAll()

    def _catch_scans(self) -> None:
        """A scan into any other field of the sale goes to the search box (ScanCatcher). The
        lines hand their keys to the box already; WeChat and Alipay take payment codes."""
        own = {self.scan, self.lines.table, *(self.payment.tenders[k] for k in PAY_APPS)}
        fields = [w for w in self.sale_page.findChildren(QWidget)
                  if w.focusPolicy() != Qt.FocusPolicy.NoFocus and w not in own]  # fmt: skip
        self.scan_catcher = ScanCatcher(self.scan, self)
        self.scan_catcher.watch(fields)

    def _in_shift(self, slot):
        """The sale's keys do nothing but point at the float while no shift is open."""

        def guarded() -> None:
            if self.ctx.shift_open:
                slot()
            else:
                self._show_page()

        return guarded

    # ------------------------------------------------------------------ the shift
    def _cashier(self):
        return self.ctx.session.actor if self.ctx.session is not None else None

    def _show_page(self) -> None:
        if self.ctx.shift_open:
            self.pages.setCurrentWidget(self.sale_page)
            return
        self.pages.setCurrentWidget(self.shift_gate)
        actor = self._cashier()
        self.shift_gate.start(
            tr("%1, no shift is open: count the drawer and type the opening float to start selling.")
            .replace("%1", actor.name if actor else "")
        )  # fmt: skip

    def _shift_opened(self, _actor, shift_id: str) -> None:
        self.ctx.set_shift(shift_id)  # the till turns back to the sale (session_changed)
        self.bar.notice(tr("Shift opened"))
        self.scan.setFocus()

    def back_to_scan(self, *_args: object) -> None:
        """After a dialog: the till's window takes the keys again, in the scan box."""
        self.window().activateWindow()
        self._focus_page()

    def _focus_page(self) -> None:
        if self.pages.currentWidget() is self.shift_gate:
            self.shift_gate.setFocus()
        else:
            self.scan.setFocus()

    def focus_scan(self) -> None:
        self.scan.setFocus()
        self.scan.selectAll()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._focus_page()

    # ------------------------------------------------------------------ the member
    @property
    def draft(self) -> SaleDraft:
        return self.lines.draft

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.scan and event.type() == QEvent.Type.KeyPress and not self.scan.text():
            key = event.key()
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.draft.lines:
                self.lines.focus_lines(-1 if key == Qt.Key.Key_Up else 1)
                return True
        return super().eventFilter(watched, event)

    def _typed_in_lines(self, event: QKeyEvent) -> None:
        """A key typed while a line is chosen belongs to the search box (a scan, a name)."""
        self.scan.setFocus()
        copy = QKeyEvent(event.type(), event.key(), event.modifiers(), event.text())
        QApplication.sendEvent(self.scan, copy)

    def on_scan(self, text: str) -> None:
        self._unmatched = ("", "")

        def not_a_card(exc: BaseException) -> bool:
            if isinstance(exc, DomainError) and exc.code == "card.not_found":
                app = payment_code_app(text)
                if app is not None and self.draft.priced:  # the customer's 付款码, at the box
                    self.take_payment_code(app, text)
                else:
                    self.on_search(text)  # a phone number typed fast is not a card
                return True
            return False

        run_op(self.ctx, lambda: member_for_till(self.ctx.store, text), bar=self.bar,
               on_error=not_a_card, success=lambda member: self._taken_by_card(member.id, text))  # fmt: skip

    def _taken_by_card(self, member_id: str, card: str) -> None:
        """A member taken by their card; HQ is asked meanwhile whether another store has
        barred the card since the last pull (chain-wide membership)."""
        self.attach(member_id)
        recheck_card(self.ctx, card, lambda: self._card_barred(member_id, card))

    def _card_barred(self, member_id: str, card: str) -> None:
        """HQ said another store reported the card lost or replaced, or froze or cancelled
        the member: they come off the sale with core's reason, unless the sale has another
        member by now."""
        if self.draft.member is None or self.draft.member.id != member_id:
            return
        try:
            member_for_till(self.ctx.store, card)
        except DomainError as exc:
            self.draft.member = None
            self.refresh()
            self.bar.error(exc.message(self.ctx.core_lang))

    def on_search(self, text: str) -> None:
        result = find_members(self.ctx.store, text, actor=self.ctx.actor)
        if result.refusal is not None:
            self.bar.error(result.refusal.message(self.ctx.core_lang))
        elif result.exact is not None or len(result.hits) == 1:
            self.attach((result.exact or result.hits[0]).member_id)
        elif not result.hits:
            self._unmatched = new_member_hint(text)
            self.bar.error(nobody_found(text, self._unmatched))
            ask_head_office(self.ctx, text, lambda: self._found_at_hq(text))
        else:
            dialog = member_pick(result.hits, self, self.ctx.store)
            dialog.chosen.connect(self.attach)
            dialog.finished.connect(self._back_from_pick)
            self.open_dialog(dialog)

    def _back_from_pick(self, *_args: object) -> None:
        """The list of matches put away: the search box takes the keys with what was typed
        selected, so the next search or scan replaces it (as after a search that found
        nothing) instead of being added to it."""
        self.back_to_scan()
        self.scan.selectAll()

    def _read_scan(self, text: str) -> ScanAnswer:
        answer = read_scan(self.ctx.store, text, actor=self.ctx.actor)
        self._unmatched = ("", "")
        if answer.refusal is not None and answer.refusal.code == "scan.nothing_name":
            self._unmatched = new_member_hint(text)  # F3 signs them up under that name
        if answer.refusal is not None and answer.refusal.code == "scan.unknown":
            # No goods and no card here by that number: a card issued at another store
            # since the last pull, maybe — HQ is asked while the box says what it found.
            ask_head_office(self.ctx, text, lambda: self._found_at_hq(text))
        return answer

    def _found_at_hq(self, text: str) -> None:
        """HQ knew the member the search box missed: take them, unless the sale has one by now."""
        found = find_members(self.ctx.store, text, actor=self.ctx.actor)
        if self.draft.member is None and len(found.hits) == 1:
            self.attach(found.hits[0].member_id)

    def attach(self, member_id: str) -> None:
        self._unmatched = ("", "")
        member = get_member(self.ctx.store, member_id)
        if self.draft.member is None or self.draft.member.id != member.id:
            self.draft.gift_code = None  # the gift was chosen against the previous member's points
        self.draft.member = member
        self.payment.gifts_on_offer = bool(current_program(self.ctx.store).program.redeem.gifts)
        self.scan.clear()
        self.bar.clear_message()
        self.payment.reset()
        self.refresh()
        self.scan.setFocus()

    def escape(self) -> None:
        focused = QApplication.focusWidget()
        if focused is not None and focused is not self.scan and self.isAncestorOf(focused):
            # out of the lines, the cash or any other box: back to the search box, the sale
            # and its member as they were
            self.scan.setFocus()
            return
        if self.scan.text():
            self.scan.clear()
        elif self.draft.member is not None:
            self.draft.member = None
            self.draft.gift_code = None
            self.payment.reset()
            self.refresh()
        self.bar.clear_message()
        self.scan.setFocus()

    # ------------------------------------------------------------------ the sale
    def add_item(self, item: ItemView) -> None:
        """Goods from the scan box: their line (the program prices it), or one more on it."""
        self.draft.add_item(item)
        self._line_added()

    def add_price(self, fen: int) -> None:
        """A price typed into the scan box: a line of goods at that price."""
        self.draft.lines.append(DraftLine(tr("Goods"), fen, 1))
        self._line_added()

    def _line_added(self) -> None:
        self.bar.clear_message()
        self.refresh()
        self.scan.setFocus()

    def refresh(self) -> None:
        """Ask core what the sale comes to now, and show it."""
        self._keep_open_sale()
        self.payment.references = self.draft.references
        member = self.draft.member
        warning = ""
        if member is not None and member.status != "active":
            warning = DomainError(f"member.{member.status}", name=member.name).message(
                self.ctx.core_lang
            )
        self.member_panel.show_member(member, warning)
        serving = None if member is None else member.id
        if self._last_of is not None and not self.draft.empty and serving != self._last_of:
            self.last_label.clear()  # the next customer is being served
            self._last_of = None
        if not self.draft.empty and self._done is not None:  # the next sale has begun
            if self.bar.text() == self._done:  # the last one's message and change go
                self.bar.clear_message()
            self._done, self._handed_back = None, None
        if not self.draft.priced:
            self.lines.show_quote(None)
            self.payment.show_quote(None, member)
            if self._handed_back is not None:
                sold = self._handed_back
                self.payment.show_change_due(sold.cash_tendered, sold.change)
            return
        error = ""
        try:
            self.draft.redeem_points = self.payment.redeem.value()
            self.draft.wallet = self.payment.wallet_fen()
            typed = self.payment.typed_tenders()
        except DomainError as exc:
            self.payment.amount_error(exc)
            return
        c: Computation | None = None
        member_refused = False  # core refuses the sale for its member (frozen, lost, cancelled)
        refused: dict[str, str] = {}  # the parts core refuses (points, a tender …) and why
        try:
            c, refused = self._standing(typed)
            error = join(refused.values(), self.ctx.core_lang, kind="clauses")
        except DomainError as exc:
            error = exc.message(self.ctx.core_lang)
            saved = (self.draft.redeem_points, self.draft.wallet, self.draft.gift_code,
                     self.draft.coupon)  # fmt: skip
            try:  # still show the totals, without the part that was refused
                self.draft.redeem_points, self.draft.wallet, self.draft.gift_code = 0, 0, None
                self.draft.coupon = None
                c = self._quote({}) if self.draft.lines else None
            except DomainError:
                c, member_refused = self._quote_without_member(), True
            finally:
                (self.draft.redeem_points, self.draft.wallet, self.draft.gift_code,
                 self.draft.coupon) = saved  # fmt: skip
            member_refused = member_refused and c is not None
        self.lines.show_quote(c)
        self.payment.show_quote(c, member, error, member_refused=member_refused, refused=refused)
        self.payment.show_codes()
        if not error and self._sale_error is not None:  # put right: the refusal goes
            if self.bar.text() == self._sale_error:
                self.bar.clear_message()
            self._sale_error = None

    def _quote_without_member(self) -> Computation | None:
        """What the sale comes to without its member, when core refuses the sale with them
        and takes it without: that is what is due once they are taken off (Esc)."""
        member = self.draft.member
        if member is None or not self.draft.lines:
            return None
        try:
            self.draft.member = None
            return self._quote({})
        except DomainError:
            return None
        finally:
            self.draft.member = member

    def _standing(self, typed: dict[str, int]) -> tuple[Computation, dict[str, str]]:
        """What the sale comes to with what core takes of what was typed, and the parts it
        refuses with why: those count as none, what the others pay is still said."""
        standing = quote_standing(self.ctx.store, self.draft.request(tenders=typed))
        c = standing.computation
        if not standing.request.tenders:  # as _quote: nothing that pays typed reads as exact cash
            due = c.due_after_points_wallet
            c = quote(self.ctx.store, replace(standing.request, tenders={"cash": due}))
            c = replace(c, cash_tendered=0, change=0, still_due=due)
        return c, {r.part: r.error.message(self.ctx.core_lang) for r in standing.refused}

    def _quote(self, typed: dict[str, int]) -> Computation:
        c = quote(self.ctx.store, self.draft.request(tenders=typed))
        if not typed:  # nothing typed yet reads as exact cash, so points to earn show
            due = c.due_after_points_wallet
            c = quote(self.ctx.store, self.draft.request(tenders={"cash": due}))
            c = replace(c, cash_tendered=0, change=0, still_due=due)
        return c

    def take_coupon(self, code: str) -> None:
        """A coupon scanned or picked: on the sale if core takes it (the lines show what it
        takes off), else said why and left off."""
        self.scan.clear()
        if not self.draft.lines:
            self.bar.error(tr("Scan the goods first, then the coupon"))
            return
        before, self.draft.coupon = self.draft.coupon, code
        try:
            c = self._quote({})
        except DomainError as exc:
            self.draft.coupon = before
            self.member_panel.reload_coupons()  # one past its last day leaves the list
            self.bar.error(exc.message(self.ctx.core_lang))
            self.scan.setFocus()
            return
        off = c.coupon.off if c.coupon is not None else 0
        self.bar.notice(tr("Coupon %1: %2 off").replace("%1", c.coupon.ctype.name if c.coupon else "")
                      .replace("%2", money(off)))  # fmt: skip
        self.refresh()
        self.scan.setFocus()
        ask_head_office_about_coupon(self.ctx, code, lambda: self._used_elsewhere(code))

    def choose_coupon(self) -> None:
        """Shift+F6: into the member's coupons (↑/↓, then Enter takes one, Esc goes back)."""
        if self.draft.member is None:
            self.bar.error(tr("Scan the member's card first"))
        elif not self.member_panel.focus_coupons():
            self.bar.error(tr("The member has no coupons to use"))

    def drop_coupon(self) -> None:
        """Ctrl+F6: the coupon comes off the sale (the customer keeps it for another day, or
        it was the wrong one, or it passed its last day while on the sale); the member's list
        offers it again."""
        if self.draft.coupon is None:
            self.bar.error(tr("There is no coupon on the sale"))
            return
        self.draft.coupon = None
        self.refresh()
        self.member_panel.reload_coupons()
        self.bar.notice(tr("The coupon is off the sale"))
        self.scan.setFocus()

    def _used_elsewhere(self, code: str) -> None:
        """HQ said another till used the coupon on the sale: core now refuses it, and it
        comes off the sale with core's reason."""
        if self.draft.coupon != code:
            return
        try:
            self._quote({})
        except DomainError as exc:
            self.draft.coupon = None
            self.refresh()
            self.bar.error(exc.message(self.ctx.core_lang))

    def exchange_points(self, type_code: str) -> None:
        """积分兑券: the member's points for a coupon, printed on its slip (or shown)."""
        member = self.draft.member
        if member is None or not type_code:
            return
        run_op(self.ctx, lambda: exchange_points(self.ctx.store, self.ctx.actor, member.id, type_code),
               bar=self.bar, success=self._exchanged)  # fmt: skip

    def _exchanged(self, info) -> None:
        self.attach(info.member_id)  # their points and coupons, as they are now
        self.bar.notice(tr("Coupon %1 issued: %2").replace("%1", info.name).replace("%2", info.id))
        with self.ctx.store.read() as s:
            slip = load_slip(s, "coupon", info.id, paper(self.ctx), now=self.ctx.store.now())
        self.dialog = send_slip(self.ctx, self, slip, info.name, result=info, typing_to=self.scan,
                                on_error=lambda why: self.bar.error(why)) or self.dialog  # fmt: skip

    def _refused(self, exc: BaseException) -> bool:
        """A refusal of the sale: said in the bar until the sale is put right."""
        self._sale_error = self.ctx.explain(exc)
        self.bar.error(self._sale_error)
        return True

    def _keep_open_sale(self) -> None:
        """The sale on screen, written beside the shop's file at each change (a crash loses
        none of it: core/till/open_sale.py); the file goes once the sale is empty."""
        session = self.ctx.session
        if session is None or session.preview:
            return
        req = self.draft.held_request()
        if req == self._kept:
            return
        try:
            keep_open_sale(self.ctx.store, session.actor, req)
            self._kept = req
        except OSError as exc:  # a full or read-only disk: the sale goes on, said once
            log.warning("the sale on the till could not be kept: %s", exc)

    def forget_open_sale(self) -> None:
        """Before the sale on screen is written as a sale or a hold: a crash in between never
        brings it back a second time. If that write is refused, `_keep_open_sale` again."""
        drop_open_sale(self.ctx.store)
        self._kept = None

    def _recover_open_sale(self) -> None:
        """At a log-in: a sale the till never finished (the program stopped unasked) is put
        on hold, and the cashier told."""
        session = self.ctx.session
        if session is None or session.preview or not self.draft.empty:
            return
        try:
            found = recover_open_sale(self.ctx.store, session.actor, shift_id=session.shift_id)
        except DomainError as exc:
            self.bar.error(exc.message(self.ctx.core_lang))
            return
        except OSError as exc:
            log.warning("the sale left on the till could not be read: %s", exc)
            return
        self._kept = None
        if found is not None:
            sale = f"{money(found.held.amount)} · {found.held.member_name or tr('Walk-in')}"
            self.bar.notice(
                tr("The sale %1 that %2 was ringing up when the program stopped is on hold: "
                   "F8 takes it back").replace("%1", sale).replace("%2", found.cashier)
            )  # fmt: skip
            self.ctx.changed.emit(Change(frozenset({HELD})))

    def complete(self) -> None:
        if self.ctx.shift_id is None:  # no sale outside a shift (a preview never sells)
            self.bar.error(DomainError("shift.not_open").message(self.ctx.core_lang))
            self._show_page()
            return
        if not self.draft.priced:
            self.bar.error(DomainError("sale.empty").message(self.ctx.core_lang))
            return
        shift_id = self.ctx.shift_id

        def sell() -> SaleResult:
            typed = self.payment.typed_tenders()
            if not typed:
                due = self._quote({}).due_after_points_wallet
                typed = {"cash": due} if due else {}
            # Gone before the sale is written: a crash in between never brings back a sale
            # already paid for. Refused, the sale is still on screen and kept again.
            self.forget_open_sale()
            try:
                return checkout(
                    self.ctx.store, self.ctx.actor, self.draft.request(shift_id, tenders=typed)
                )
            except BaseException:
                self._keep_open_sale()
                raise

        run_op(self.ctx, sell, bar=self.bar, on_error=self._refused, success=self._sold)

    def _sold(self, result: SaleResult) -> None:
        self.last_sale = result
        text = tr("Done: %1 · total %2").replace("%1", result.receipt_no)
        text = text.replace("%2", money(result.total))
        if result.cash_tendered:  # what was handed over, and what goes back: never 实收 ¥1,315
            text += tr(" · cash received %1 · change %2").replace("%1", money(result.cash_tendered))
            text = text.replace("%2", money(result.change))
        if result.gift:
            text += tr(" · gift %1 for %2 points").replace("%1", result.gift.get("name", ""))
            text = text.replace("%2", str(result.gift.get("points", 0)))
        for earned in result.spend_gifts:  # to hand over now, or to say there are none left
            said = (tr(" · gift for spend %1 (none left)") if earned.get("out_of_stock")
                    else tr(" · gift for spend %1"))  # fmt: skip
            text += said.replace("%1", str(earned.get("name", "")))
        if result.member:
            text += tr(" · points +%1, now %2").replace("%1", str(result.points_earned))
            text = text.replace("%2", str(result.member.points))
        self.last_label.setText(text)
        self.bar.notice(text, 0)  # until the next sale begins: the cashier counts the change
        self.new_sale()  # the member leaves with the sale: the next customer starts clean
        self._done, self._handed_back = text, result if result.cash_tendered else None
        self._last_of = NEXT_SALE
        self.refresh()
        receipt_paper = paper(self.ctx)
        slip = sale_receipt(result, receipt_paper)
        handed = result.gift or result.gifts_to_hand_over
        vouchers = [gift_slip(result, receipt_paper)] if handed else []  # signed at hand-over
        member = result.member.name if result.member else ""
        vouchers += [coupon_slip(c, result.shop, result.local_time, receipt_paper, member=member)
                     for c in result.coupons_issued]  # coupons the sale earned, with their codes  # fmt: skip
        preview = send_slip(self.ctx, self, slip, tr("Receipt %1").replace("%1", result.receipt_no),
                            result=result, extra=vouchers, typing_to=self.scan, says_kept=True,
                            on_error=lambda why: self.bar.error(self._print_failed(why)))  # fmt: skip
        if preview is not None:
            preview.finished.connect(self.back_to_scan)
            self.dialog = preview
        self.scan.setFocus()

    @staticmethod
    def _print_failed(why: str) -> str:
        return tr(
            "Not printed: %1. The sale is saved; reprint it from the sales journal (Shift+F11)"
        ).replace("%1", why)

    def new_sale(self) -> None:
        self.lines.draft = SaleDraft()
        self.payment.reset()

    def void(self) -> None:
        self.new_sale()
        self.refresh()
        self.scan.setFocus()

    # ------------------------------------------------------------------ lines and discounts
    def edit_line(self, index: int) -> None:
        """Ctrl+E (or Enter / a double click on a line): its quantity, price and discount."""
        if not 0 <= index < len(self.draft.lines):
            return
        dialog = LineDialog(self.ctx, self.draft.held_request(), index, self)
        dialog.changed.connect(
            lambda row, line: self.lines.replace_line(row, DraftLine.from_input(line))
        )
        dialog.finished.connect(self.back_to_scan)
        self.open_dialog(dialog)

    def sale_discount(self) -> None:
        """Ctrl+D: a discount on the whole sale (折, percent or an amount)."""
        if not self.draft.lines:
            self.bar.error(tr("Add a line first"))
            return
        dialog = SaleDiscountDialog(self.ctx, self.draft.held_request(), self)
        dialog.chosen.connect(self._sale_discount_chosen)
        dialog.finished.connect(self.back_to_scan)
        self.open_dialog(dialog)

    def _sale_discount_chosen(self, discount) -> None:
        self.draft.sale_discount = discount
        self.refresh()

    # ------------------------------------------------------------------ payment codes
    def take_payment_code(self, kind: str, code: str) -> None:
        """The customer's WeChat / Alipay payment code: kept with that tender, whose amount
        becomes what is still due (no payment gateway is called)."""
        edit = self.payment.tenders[kind]
        try:
            code = check_payment_code(kind, code)
            others = self.payment.typed_tenders(but=kind)
            due = quote(self.ctx.store, self.draft.request(tenders=others)).still_due
        except DomainError as exc:
            edit.clear()
            self.payment.references.pop(kind, None)
            self.bar.error(exc.message(self.ctx.core_lang))
            return
        if due <= 0:
            edit.clear()
            self.bar.error(tr("Nothing is left to pay"))
            return
        self.draft.references[kind] = code
        edit.set_fen(due)
        self.refresh()
        self.bar.notice(tr("%1 payment code %2 · %3").replace("%1", tender_name(kind))
                        .replace("%2", mask_code(code)).replace("%3", money(due)))  # fmt: skip

    # ------------------------------------------------------------------ dialogs
    def open_dialog(self, dialog: QWidget) -> None:
        self.dialog = dialog
        dialog.open()

    def issue_card(self) -> None:
        """The new member's form, with the number or name just searched for in vain."""
        hint, self._unmatched = self._unmatched, ("", "")
        dialog = MemberFormDialog(self.ctx, self, hint=hint)
        dialog.saved.connect(lambda view: self.attach(view.id))
        dialog.finished.connect(self.back_to_scan)
        self.open_dialog(dialog)

    def top_up(self) -> None:
        if self.ctx.shift_id is None:  # the money goes into this shift's drawer
            self.bar.error(DomainError("shift.not_open").message(self.ctx.core_lang))
            self._show_page()
            return
        member = self.draft.member
        if member is None:
            self.bar.error(tr("Scan the member's card first"))
            return
        dialog = TopUpDialog(self.ctx, member, self)
        dialog.done.connect(self._topped_up)
        dialog.finished.connect(self.back_to_scan)
        self.open_dialog(dialog)

    def _topped_up(self, result) -> None:
        text = tr("Topped up %1 + bonus %2 · stored value now %3 + %4").replace(
            "%1", money(result.principal_delta)
        )
        text = (text.replace("%2", money(result.bonus_delta)).replace("%3", money(result.principal_after))
                .replace("%4", money(result.bonus_after)))  # fmt: skip
        self.bar.notice(text)
        self.last_label.setText(text)
        self._last_of = result.member_id
        slip = wallet_slip(result, SlipContext(get_shop(self.ctx.store), shop_now(self.ctx), self.ctx.actor.name),
                           paper(self.ctx), self.draft.member.phone_masked if self.draft.member else "")  # fmt: skip
        self.attach(result.member_id)
        preview = send_slip(
            self.ctx,
            self,
            slip,
            tr("Top-up slip"),
            result=result,
            typing_to=self.scan,
            on_error=lambda why: self.bar.error(self._print_failed(why)),
        )
        if preview is not None:
            preview.finished.connect(self.back_to_scan)
            self.dialog = preview

    def count_cards(self) -> None:
        """Shift+F9: the member's count cards (次卡)."""
        member = self.draft.member
        if member is None:
            self.bar.error(tr("Scan the member's card first"))
            return
        dialog = CountCardsDialog(self.ctx, member, self)
        dialog.done.connect(self._count_card_done)
        dialog.finished.connect(self.back_to_scan)
        self.open_dialog(dialog)

    def _count_card_done(self, result) -> None:
        text = (tr("%1: %2 visits left").replace("%1", result.card.name)
                .replace("%2", f"{result.card.left}/{result.card.counts}"))  # fmt: skip
        money_moved = {"sold": tr(" · take %1 (%2)"), "refund": tr(" · give back %1 (%2)")}
        if result.kind in money_moved and result.amount:  # the drawer or the app moves money
            text += (money_moved[result.kind].replace("%1", money(result.amount))
                     .replace("%2", tender_name(result.tender)))  # fmt: skip
        self.bar.notice(text)
        self.last_label.setText(text)
        self._last_of = self.draft.member.id if self.draft.member else NEXT_SALE
        ctx = SlipContext(get_shop(self.ctx.store), shop_now(self.ctx), self.ctx.actor.name)
        slip = count_card_slip(result, ctx, paper(self.ctx))
        preview = send_slip(self.ctx, self, slip, tr("Count card slip"), result=result,
                            typing_to=self.scan, on_error=lambda why: self.bar.error(self._print_failed(why)))  # fmt: skip
        if preview is not None:
            preview.finished.connect(self.back_to_scan)
            self.dialog = preview

    def choose_gift(self) -> None:
        """Shift+F5: the gift catalogue for the member at the counter (points, stock, why not)."""
        member = self.draft.member
        if member is None:
            self.bar.error(tr("Scan the member's card first"))
            return
        run_op(self.ctx, lambda: gift_offers(self.ctx.store, member.id), bar=self.bar,
               success=self._offer_gifts)  # fmt: skip

    def _offer_gifts(self, offers) -> None:
        if not offers:
            self.bar.error(tr("The loyalty program has no gifts to redeem"))
            return
        dialog = gift_pick(offers, self.ctx.core_lang, self)
        dialog.chosen.connect(self.take_gift)
        dialog.finished.connect(self.back_to_scan)
        self.open_dialog(dialog)

    def take_gift(self, code: str) -> None:
        """Put the gift on the sale if core agrees with the points chosen; otherwise say why."""
        before = self.draft.gift_code
        self.draft.gift_code = code

        def check() -> None:
            self.draft.redeem_points = self.payment.redeem.value()
            self._quote({})

        def refused(_exc: BaseException) -> bool:
            self.draft.gift_code = before
            return False  # said in the bar

        def taken(_result: None) -> None:
            self.bar.clear_message()
            self.refresh()

        run_op(self.ctx, check, bar=self.bar, on_error=refused, success=taken)

    def show_history(self) -> None:
        if self.draft.member is not None:
            self.history_requested.emit(self.draft.member.id)

    def _on_change(self, change: Change) -> None:
        """The member on the sale changed elsewhere in the window (their totals, a coupon
        issued to them in the back office): the panel shows them as they are now; the sale's
        lines and what was typed into it stay."""
        member = self.draft.member
        if member is None or not change.touches(member.id):
            return
        if change.topics & {MEMBERS, COUPONS}:
            self.draft.member = get_member(self.ctx.store, member.id)
            self.refresh()
