"""Member work: find, issue, edit, lost / replace / freeze / cancel, tier, top-up, cash-out,
points, history (refund a sale, reverse a top-up).

Money taken in or paid out here is recorded in the logged-in person's open shift, as at
the till; with no shift open the opening float is asked for first.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.followups.personal_copy import personal_copy
from ...core.members.erase import is_erased
from ...core.members.lookup import find_members, new_member_hint
from ...core.members.member import (
    MemberView,
    cancel,
    freeze,
    get_member,
    replace_card,
    report_lost,
    unfreeze,
)
from ...core.members.phone import phone_seen_by
from ...core.printing.layout import sale_receipt
from ...core.printing.slips import SlipContext, count_card_slip, wallet_slip
from ...core.shop.details import get_shop
from ...core.till.count_cards import CountCardSlip
from ...core.till.history import WalletRow, member_facts, sale_detail
from ...core.till.wallet import WalletResult
from ..context import AppContext, Change
from ..i18n import tr
from ..ops import run_op
from ..printing import paper, send_slip
from ..start.opening_float import no_shift_text, within_shift
from ..texts import money, status_name, tender_name, tier_text
from ..till.count_cards_dialog import CountCardsDialog
from ..till.member_panel import MemberPanel
from ..widgets.fields import MessageBar
from ..widgets.file_dialogs import save_file
from ..widgets.tables import ReadOnlyTable
from .ask_hq import ask_head_office
from .authorise import with_authority
from .card_offer import CardOffer
from .erase_dialog import EraseDialog
from .history_tabs import HistoryTabs
from .member_form import MemberFormDialog, nobody_found
from .member_list import MemberList
from .money_dialogs import AdjustPointsDialog, ReasonDialog, TopUpDialog
from .refund_dialog import RefundDialog, shop_now
from .tier_dialog import TierDialog
from .wallet_out import CashOutDialog, ReverseTopUpDialog


class MembersView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.member: MemberView | None = None
        self.dialog: QWidget | None = None
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setObjectName("member_search")
        self.search.setPlaceholderText(
            tr("Card, phone, last 4 digits, name or pinyin initials, then Enter")
        )
        self.search.returnPressed.connect(self.run_search)
        top.addWidget(self.search, 1)
        new = QPushButton(tr("Issue a card (F3)"), self)
        new.setObjectName("issue_card")
        new.clicked.connect(self.issue)
        top.addWidget(new)
        outer.addLayout(top)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.lists = QTabWidget(split)
        self.lists.setObjectName("member_lists")
        self.results = ReadOnlyTable([tr("Name"), tr("Card"), tr("Phone"), tr("Points"), tr("Stored value"),
                                      tr("Status")], self.lists, name="member_results", stretch=0)  # fmt: skip
        self.results.itemSelectionChanged.connect(self._picked)
        self.lists.addTab(self.results, tr("Found"))
        self.member_list = MemberList(ctx, self.lists)
        self.member_list.picked.connect(self.open_member)
        self.lists.addTab(self.member_list, tr("All members"))
        self.lists.currentChanged.connect(self._list_shown)
        split.addWidget(self.lists)
        right = QWidget(split)
        col = QVBoxLayout(right)
        col.setContentsMargins(0, 0, 0, 0)
        self.panel = MemberPanel(ctx, right, empty_text=tr("Search for a member above"), columns=2)
        col.addWidget(self.panel)
        actions = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        specs: list[tuple[str, str, Callable[[], None]]] = [
            ("edit", tr("Edit"), self.edit), ("topup", tr("Top up"), self.top_up),
            ("cashout", tr("Cash out stored value"), self.cash_out),
            ("adjust", tr("Adjust points"), self.adjust), ("cards", tr("Count cards"), self.count_cards),
            ("tier", tr("Set tier"), self.set_tier),
            ("lost", tr("Report lost"), self.lost), ("replace", tr("Replace card"), self.replace),
            ("freeze", tr("Freeze / unfreeze"), self.freeze), ("cancel", tr("Cancel membership"), self.cancel),
            ("print_card", tr("Print card"), self.print_card),
            ("copy", tr("Copy of personal information"), self.copy_personal),
        ]  # fmt: skip
        for i, (key, text, slot) in enumerate(specs):
            button = QPushButton(text, right)
            button.setObjectName(f"member_{key}")
            button.clicked.connect(slot)
            actions.addWidget(button, i // 5, i % 5)
            self.buttons[key] = button
        # Only for a cancelled member whose personal information is still held (erase.py).
        self.erase_button = QPushButton(tr("Erase personal information"), right)
        self.erase_button.setObjectName("member_erase")
        self.erase_button.clicked.connect(self.erase)
        actions.addWidget(self.erase_button, len(specs) // 5, len(specs) % 5)
        col.addLayout(actions)
        self.history = HistoryTabs(ctx, right)
        self.history.refund_requested.connect(self.refund)
        self.history.reprint_requested.connect(self.reprint)
        self.history.reversal_requested.connect(self.reverse_topup)
        col.addWidget(self.history, 3)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 4)
        outer.addWidget(split, 1)
        shortcut = QShortcut(QKeySequence("F3"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.issue)
        ctx.changed.connect(self._on_change)
        self._unmatched: tuple[str, str] = ("", "")  # the search that found no one: F3
        self.show_member(None)

    # ------------------------------------------------------------------ finding
    def _list_shown(self, index: int) -> None:
        if self.lists.widget(index) is self.member_list and self.member_list.page is None:
            self.member_list.show_first()  # the newest members, the first time it is opened

    def run_search(self) -> None:
        self.lists.setCurrentWidget(self.results)
        result = find_members(
            self.ctx.store, self.search.text(), actor=self.ctx.actor, include_cancelled=True
        )
        if result.refusal is not None:
            self.bar.error(result.refusal.message(self.ctx.core_lang))
        hits = result.hits
        self.results.fill([[h.name, h.card_no, h.phone, h.points, money(h.wallet), status_name(h.status)]
                           for h in hits], [h.member_id for h in hits], numeric=(3, 4))  # fmt: skip
        self._unmatched = ("", "")
        if len(hits) >= 1:
            self.results.selectRow(0)
        elif result.refusal is None:
            text = self.search.text()
            self._unmatched = new_member_hint(text)
            self.bar.error(nobody_found(text, self._unmatched))
            ask_head_office(self.ctx, text, lambda: self._found_at_hq(text))

    def _found_at_hq(self, text: str) -> None:
        if self.search.text() == text:  # still what the box asks for
            self.bar.clear_message()
            self.run_search()

    def _picked(self) -> None:
        member_id = self.results.selected_key()
        if member_id is not None:
            self.show_member(get_member(self.ctx.store, member_id))

    def open_member(self, member_id: str) -> None:
        self.show_member(get_member(self.ctx.store, member_id))

    def show_member(self, member: MemberView | None) -> None:
        self.member = member
        self.panel.show_member(member)
        self.history.show_member(member.id if member else None)
        usable = member is not None and member.status != "cancelled"
        for button in self.buttons.values():
            button.setEnabled(usable)
        # a card reported lost is not printed again: a replacement gets a new number
        self.buttons["print_card"].setEnabled(usable and member.status != "lost")
        # a cancelled member may still ask what is held about them, until it is erased
        self.buttons["copy"].setEnabled(
            member is not None and not is_erased(member.name, member.status)
        )
        self.erase_button.setVisible(
            member is not None and member.status == "cancelled"
            and not is_erased(member.name, member.status)
        )  # fmt: skip

    def _on_change(self, change: Change) -> None:
        for row, member_id in enumerate(self.results.keys):
            if change.touches(member_id):  # the found list shows what the member has now
                self._show_result(row, get_member(self.ctx.store, member_id))
        if self.member is not None and change.touches(self.member.id):
            self.show_member(get_member(self.ctx.store, self.member.id))

    def _result_row(self, member: MemberView) -> list:
        """A member as the found list shows one: the phone as find_members gives it."""
        phone = phone_seen_by(self.ctx.actor, member.phone)
        return [member.name, member.card_no, phone, member.points,
                money(member.wallet_principal + member.wallet_bonus), status_name(member.status)]  # fmt: skip

    def _show_result(self, row: int, member: MemberView) -> None:
        for column, value in enumerate(self._result_row(member)):
            item = self.results.item(row, column)
            if item is not None:
                item.setText(str(value))

    # ------------------------------------------------------------------ acts
    def _open(self, dialog: QWidget) -> QWidget:
        self.dialog = dialog
        dialog.open()
        return dialog

    def issue(self) -> None:
        """The new member's form, with the number or name just searched for in vain."""
        hint, self._unmatched = self._unmatched, ("", "")
        if hint != new_member_hint(self.search.text()):  # the box asks for someone else now
            hint = ("", "")
        dialog = MemberFormDialog(self.ctx, self, hint=hint)
        dialog.saved.connect(self._issued)
        self._open(dialog)

    def _issued(self, member: MemberView) -> None:
        """The new member is the one chosen, in the list too; printing the card is offered."""
        self.lists.setCurrentWidget(self.results)
        self.results.fill([self._result_row(member)], [member.id], numeric=(3, 4))
        self.results.selectRow(0)
        self.show_member(member)
        self.bar.notice(tr("Card issued: %1 (%2)").replace("%1", member.name)
                        .replace("%2", member.card_no))  # fmt: skip
        offer = CardOffer(self.ctx, member, self)
        offer.written.connect(lambda result: self.bar.notice(
            tr("Card PDF written: %1").replace("%1", str(result.path))))  # fmt: skip
        self._open(offer)

    def print_card(self) -> None:
        """The member's card printed again (a worn or forgotten one, a card never printed)."""
        if self.member is None:
            return
        offer = CardOffer(self.ctx, self.member, self, again=True)
        offer.written.connect(lambda result: self.bar.notice(
            tr("Card PDF written: %1").replace("%1", str(result.path))))  # fmt: skip
        self._open(offer)

    def edit(self) -> None:
        if self.member:
            dialog = MemberFormDialog(self.ctx, self, member=self.member)
            dialog.saved.connect(self.show_member)
            self._open(dialog)

    def _in_shift(self, what: str, proceed: Callable[[], None]) -> None:
        """Money in or out: inside the open shift, or after the opening float is counted."""
        if self.ctx.shift_id is not None:
            proceed()
            return
        self.bar.error(no_shift_text(what))

        def opened() -> None:
            self.bar.notice(tr("Shift opened"))
            proceed()

        self.dialog = within_shift(self.ctx, self, what, opened)

    def top_up(self) -> None:
        member = self.member
        if member is None:
            return

        def open_dialog() -> None:
            dialog = TopUpDialog(self.ctx, member, self)
            dialog.done.connect(lambda r: self._wallet_done(
                r, tr("Top-up done: %1").replace("%1", r.receipt_no), tr("Top-up slip")))  # fmt: skip
            self._open(dialog)

        self._in_shift(tr("top up"), open_dialog)

    def cash_out(self) -> None:
        member = self.member
        if member is None:
            return

        def open_dialog() -> None:
            dialog = CashOutDialog(self.ctx, member, self)
            dialog.done.connect(lambda r: self._wallet_done(
                r, tr("Paid out %1 in cash (%2)").replace("%1", money(-r.principal_delta))
                .replace("%2", r.receipt_no), tr("Cash-out slip")))  # fmt: skip
            self._open(dialog)

        self._in_shift(tr("cash out stored value"), open_dialog)

    def reverse_topup(self, row: WalletRow) -> None:
        member = self.member
        if member is None:
            return

        def open_dialog() -> None:
            dialog = ReverseTopUpDialog(self.ctx, member, row, self)
            dialog.done.connect(lambda r: self._wallet_done(
                r, tr("Top-up %1 reversed: %2 back by %3").replace("%1", row.receipt_no)
                .replace("%2", money(-r.principal_delta)).replace("%3", tender_name(r.tender)),
                tr("Top-up reversal slip")))  # fmt: skip
            self._open(dialog)

        self._in_shift(tr("reverse a top-up"), open_dialog)

    def _wallet_done(self, result: WalletResult, text: str, title: str) -> None:
        self.bar.notice(text)
        phone = self.member.phone_masked if self.member is not None else ""
        context = SlipContext(get_shop(self.ctx.store), shop_now(self.ctx), self.ctx.actor.name)
        slip = wallet_slip(result, context, paper(self.ctx), phone)
        preview = send_slip(self.ctx, self, slip, title, result=result, on_error=self.bar.error)
        if preview is not None:
            self.dialog = preview

    def count_cards(self) -> None:
        """The member's count cards (次卡): use a visit, sell one (inside a shift), refund."""
        if self.member:
            dialog = CountCardsDialog(self.ctx, self.member, self)
            dialog.done.connect(self._count_card_done)
            self._open(dialog)

    def _count_card_done(self, result: CountCardSlip) -> None:
        self.bar.notice(tr("%1: %2 visits left").replace("%1", result.card.name)
                        .replace("%2", f"{result.card.left}/{result.card.counts}"))  # fmt: skip
        context = SlipContext(get_shop(self.ctx.store), shop_now(self.ctx), self.ctx.actor.name)
        slip = count_card_slip(result, context, paper(self.ctx))
        preview = send_slip(self.ctx, self, slip, tr("Count card slip"), result=result,
                            on_error=self.bar.error)  # fmt: skip
        if preview is not None:
            self.dialog = preview

    def set_tier(self) -> None:
        if self.member:
            dialog = TierDialog(self.ctx, self.member, self)
            dialog.done.connect(self._tier_set)
            self._open(dialog)

    def _tier_set(self, view: MemberView) -> None:
        name = tier_text(member_facts(self.ctx.store, view).tier_name, view.tier_locked)
        self.bar.notice(tr("%1: tier %2").replace("%1", view.name).replace("%2", name))

    def adjust(self) -> None:
        if self.member:
            dialog = AdjustPointsDialog(self.ctx, self.member, self)
            dialog.done.connect(
                lambda r: self.bar.notice(tr("Points now %1").replace("%1", str(r.points_after)))
            )
            self._open(dialog)

    def _status_change(self, title: str, act, *, ask_card: bool = False,
                       done: Callable[[MemberView], None] | None = None) -> None:  # fmt: skip
        member = self.member
        if member is None:
            return
        dialog = ReasonDialog(title, self, ask_card=ask_card)

        def change(reason: str, card: str) -> MemberView:
            if ask_card:
                return act(self.ctx.store, self.ctx.actor, member.id, new_card_no=card or None,
                           reason=reason)  # fmt: skip
            return act(self.ctx.store, self.ctx.actor, member.id, reason)

        def changed(view: MemberView) -> None:
            self.bar.notice(
                tr("%1: %2").replace("%1", view.name).replace("%2", status_name(view.status))
            )

        def run(reason: str, card: str) -> None:
            run_op(self.ctx, lambda: change(reason, card), bar=self.bar, success=done or changed)

        dialog.confirmed.connect(run)
        self._open(dialog)

    def lost(self) -> None:
        self._status_change(tr("Report the card lost"), report_lost)

    def replace(self) -> None:
        old_card = self.member.card_no if self.member is not None else ""

        def replaced(view: MemberView) -> None:
            """The new number is what the owner needs now: said, and the new card offered
            for printing as when a card is issued."""
            self.bar.notice(tr("%1 has a new card: %2 (old card %3 no longer works)")
                            .replace("%1", view.name).replace("%2", view.card_no)
                            .replace("%3", old_card))  # fmt: skip
            offer = CardOffer(self.ctx, view, self, replaced=True)
            offer.written.connect(lambda result: self.bar.notice(
                tr("Card PDF written: %1").replace("%1", str(result.path))))  # fmt: skip
            self._open(offer)

        self._status_change(tr("Replace the card"), replace_card, ask_card=True, done=replaced)

    def freeze(self) -> None:
        if self.member is not None:
            frozen = self.member.status == "frozen"
            self._status_change(
                tr("Unfreeze") if frozen else tr("Freeze"), unfreeze if frozen else freeze
            )

    def cancel(self) -> None:
        self._status_change(tr("Cancel the membership"), cancel)

    def copy_personal(self) -> None:
        """个人信息副本 (PIPL art. 45): everything held about the member, in one .xlsx to hand
        them; a manager's or the owner's act (it holds the whole phone number)."""
        member = self.member
        if member is None:
            return
        path = save_file(self, tr("Copy of personal information"),
                         f"{member.card_no}.xlsx", "Excel (*.xlsx)")  # fmt: skip
        if path is None:
            return
        detail = tr("A copy of the personal information of %1").replace("%1", member.card_no)

        def write(authoriser) -> None:
            run_op(self.ctx, lambda: personal_copy(self.ctx.store, self.ctx.actor, member.id, path,
                                                   authoriser=authoriser, lang=self.ctx.core_lang),
                   bar=self.bar, success=lambda done: self.bar.notice(
                       tr("Copy of personal information written: %1").replace("%1", str(done.path))))  # fmt: skip

        asked = with_authority(self.ctx, self, "member_copy", write, detail=detail)
        if asked is not None:
            self.dialog = asked

    def erase(self) -> None:
        if self.member is not None:
            dialog = EraseDialog(self.ctx, self.member, self)
            dialog.done.connect(self._erased)
            self._open(dialog)

    def _erased(self, view: MemberView) -> None:
        self.show_member(view)
        self.bar.notice(tr("Personal information erased; card %1 and its history are kept")
                        .replace("%1", view.card_no))  # fmt: skip

    def refund(self, sale_id: str) -> None:
        def opened(dialog: RefundDialog) -> None:
            dialog.done.connect(lambda r: self.bar.notice(
                tr("Refunded %1 (%2)").replace("%1", money(r.amount)).replace("%2", r.receipt_no)))  # fmt: skip
            self._open(dialog)

        def open_dialog() -> None:  # the sale is read as the dialog is made
            run_op(
                self.ctx,
                lambda: RefundDialog(self.ctx, sale_id, self),
                bar=self.bar,
                success=opened,
            )

        self._in_shift(tr("refund"), open_dialog)

    def reprint(self, sale_id: str) -> None:
        result = sale_detail(self.ctx.store, sale_id)
        slip = sale_receipt(result, paper(self.ctx), reprint=1,
                            reprinted_at=shop_now(self.ctx))  # fmt: skip
        preview = send_slip(self.ctx, self, slip, tr("Receipt %1").replace("%1", result.receipt_no),
                            reprint_of=("sale", result.sale_id), on_error=self.bar.error)  # fmt: skip
        if preview is not None:
            self.dialog = preview
