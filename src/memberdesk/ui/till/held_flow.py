"""F7 / F8 at the till: putting the sale on screen aside and taking a held one back.

Held sales live in the database (core/till/held.py), so they survive logging out and a
restart; the list says when each was held, by whom, for whom and for how much.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from ...core.errors import DomainError
from ...core.loyalty.program_store import current_program
from ...core.members.member import get_member
from ...core.shop.staff import Actor
from ...core.till.held import (
    HeldDraft,
    HeldSummary,
    count_held,
    discard_held,
    held_sales,
    hold_sale,
    recall_held,
)
from ..i18n import tr
from ..members.authorise import with_authority
from ..ops import run_op
from ..texts import money, when
from .pick_member import PickDialog
from .sale_draft import DraftLine, SaleDraft

if TYPE_CHECKING:
    from .till_view import TillView


class HeldSales:
    def __init__(self, till: TillView) -> None:
        self.till = till
        self.altered_box: QMessageBox | None = None  # a held sale changed in the file
        self.authorise: QWidget | None = None  # the manager's PIN, asked to remove it

    def hold(self) -> None:
        """F7: the sale on screen is put aside in the database (it survives logging out)."""
        till = self.till
        if till.draft.empty or till.ctx.session is None:
            return
        request = till.draft.held_request()

        def hold() -> HeldSummary:
            till.forget_open_sale()
            try:
                return hold_sale(
                    till.ctx.store, till.ctx.actor, request, shift_id=till.ctx.shift_id
                )
            except BaseException:
                till.refresh()  # still on screen: kept beside the file again
                raise

        run_op(till.ctx, hold, bar=till.bar, success=self._held)

    def _held(self, _summary: HeldSummary) -> None:
        till = self.till
        till.new_sale()
        till.refresh()
        count = count_held(till.ctx.store)
        till.bar.notice(
            tr("Sale put aside (%1 on hold); F8 brings it back").replace("%1", str(count))
        )
        till.scan.setFocus()

    def recall(self) -> None:
        """F8: the held sales (when, who, for whom, how much); one alone comes back at once."""
        till = self.till
        held = held_sales(till.ctx.store)
        if not held:
            till.bar.error(tr("No sale is on hold"))
            return
        if len(held) == 1:
            self.take(held[0].id)
            return
        headers = [tr("Held at"), tr("Cashier"), tr("Member"), tr("Lines"), tr("Amount")]
        rows = [[when(h.held_at), h.staff_name, h.member_name or tr("Walk-in customer"),
                 h.line_count, money(h.amount)] for h in held]  # fmt: skip
        dialog = PickDialog(tr("Held sales"), headers, rows, [h.id for h in held], till)
        dialog.setObjectName("held_dialog")
        dialog.chosen.connect(self.take)
        dialog.finished.connect(till.back_to_scan)
        till.open_dialog(dialog)

    def take(self, held_id: str) -> None:
        """Take a held sale back; the sale on screen, if any, is put aside in the same step."""
        till = self.till
        swap = None if till.draft.empty else till.draft.held_request()
        run_op(till.ctx, lambda: recall_held(till.ctx.store, till.ctx.actor, held_id, swap=swap,
                                             shift_id=till.ctx.shift_id),
               bar=till.bar, success=lambda draft: self._recalled(draft, swap is not None),
               on_error=lambda exc: self._altered(held_id, exc))  # fmt: skip

    def _altered(self, held_id: str, exc: BaseException) -> bool:
        """A held sale changed outside memberdesk is not taken back: say so, and offer to
        remove it from the list (a cashier needs a manager's PIN for that)."""
        if not isinstance(exc, DomainError) or exc.code != "held.altered":
            return False
        till = self.till
        text = till.ctx.explain(exc)
        till.bar.error(text)
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Held sales"), text, parent=till)
        box.setObjectName("held_altered")
        remove = box.addButton(tr("Remove it"), QMessageBox.ButtonRole.DestructiveRole)
        remove.setObjectName("remove")
        keep = box.addButton(tr("Keep it"), QMessageBox.ButtonRole.RejectRole)
        keep.setObjectName("keep")
        box.setDefaultButton(keep)
        box.finished.connect(lambda _r: self._answered(held_id, box.clickedButton() is remove))
        self.altered_box = box
        box.open()
        return True

    def _answered(self, held_id: str, remove: bool) -> None:
        till = self.till
        if not remove:
            till.back_to_scan()
            return

        def proceed(authoriser: Actor | None) -> None:
            run_op(till.ctx, lambda: discard_held(till.ctx.store, till.ctx.actor, held_id,
                                                  authoriser=authoriser),
                   bar=till.bar, success=lambda _none: self._removed())  # fmt: skip

        self.authorise = with_authority(till.ctx, till, "held_discard", proceed)

    def _removed(self) -> None:
        till = self.till
        till.refresh()
        till.bar.notice(tr("The held sale was removed"))
        till.back_to_scan()

    def _recalled(self, held: HeldDraft, swapped: bool) -> None:
        till = self.till
        req = held.request
        draft = SaleDraft(lines=[DraftLine.from_input(ln) for ln in req.lines],
                          gift_code=req.gift_code, sale_discount=req.sale_discount,
                          coupon=req.coupon)  # fmt: skip
        till.lines.draft = draft
        till.payment.reset()
        problem = ""
        if req.member_id is not None:
            try:
                draft.member = get_member(till.ctx.store, req.member_id)
            except DomainError as exc:
                problem = exc.message(till.ctx.core_lang)
            till.payment.gifts_on_offer = bool(current_program(till.ctx.store).program.redeem.gifts)
        till.refresh()
        text = tr("Held sale taken back (put aside by %1)").replace("%1", held.staff_name)
        if swapped:
            text += tr("; the sale that was on screen is on hold now")
        if held.lapsed_approvals:
            problem = tr("%1 discount(s) must be approved again: the one who approved is no "
                         "longer a manager").replace("%1", str(held.lapsed_approvals))  # fmt: skip
        if problem:
            till.bar.error(f"{text}. {problem}")
        else:
            till.bar.notice(text)
        till.scan.setFocus()
