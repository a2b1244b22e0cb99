"""Staff: add someone, reset a PIN, change a role, deactivate (a manager or the owner); the
owner's recovery code (the owner only)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import DomainError
from ...core.shop.staff import (
    ROLES,
    StaffInfo,
    add_staff,
    has_recovery_code,
    list_staff,
    new_recovery_code,
    reset_pin,
    set_role,
)
from ..context import AppContext
from ..i18n import tr
from ..members.authorise import with_authority
from ..ops import run_op
from ..texts import role_name
from ..widgets.fields import InlineForm, MessageBar
from ..widgets.fields import set_role as set_style
from ..widgets.recovery import RecoveryCodeBox
from ..widgets.saved_values import SavedValues, ask_to_leave
from ..widgets.tables import ReadOnlyTable


def _roles() -> QComboBox:
    combo = QComboBox()
    for role in ROLES:
        combo.addItem(role_name(role), role)
    return combo


class StaffPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        self.table = ReadOnlyTable(
            [tr("Name"), tr("Role"), tr("Working here"), tr("Locked")],
            self,
            name="staff_table",
            stretch=0,
        )
        self.table.itemSelectionChanged.connect(self._picked)
        outer.addWidget(self.table, 1)
        row = QHBoxLayout()
        add_box = QGroupBox(tr("Add staff"), self)
        add_col = QVBoxLayout(add_box)
        self.add_form = InlineForm(add_box)
        self.new_name = self.add_form.add("name", tr("Name"), QLineEdit(add_box))
        self.new_name.setObjectName("staff_name")
        self.new_role = self.add_form.add("role", tr("Role"), _roles())
        self.new_pin = self.add_form.add("pin", tr("PIN"), QLineEdit(add_box))
        self.new_pin.setObjectName("staff_pin")
        self.new_pin.setEchoMode(QLineEdit.EchoMode.Password)
        add_col.addWidget(self.add_form)
        add = QPushButton(tr("Add"), add_box)
        add.setObjectName("staff_add")
        add.clicked.connect(lambda: with_authority(ctx, self, "staff_admin", self._add))
        add_col.addWidget(add)
        row.addWidget(add_box)
        edit_box = self.edit_box = QGroupBox(tr("The chosen person"), self)
        edit_col = QVBoxLayout(edit_box)
        self.edit_form = InlineForm(edit_box)
        self.role = self.edit_form.add("role", tr("Role"), _roles())
        self.active = self.edit_form.add("active", tr("Working here"), QCheckBox(edit_box))
        self.pin = self.edit_form.add("pin", tr("New PIN"), QLineEdit(edit_box))
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        edit_col.addWidget(self.edit_form)
        buttons = QHBoxLayout()
        save = QPushButton(tr("Save role and status"), edit_box)
        save.setObjectName("staff_save_role")
        save.clicked.connect(lambda: with_authority(ctx, self, "staff_admin", self._save_role))
        buttons.addWidget(save)
        pin = QPushButton(tr("Reset PIN"), edit_box)
        pin.setObjectName("staff_reset_pin")
        pin.clicked.connect(lambda: with_authority(ctx, self, "staff_admin", self._reset_pin))
        buttons.addWidget(pin)
        # They act on the person chosen in the list: off while nobody is.
        self._for_the_chosen = (save, pin)
        for button in self._for_the_chosen:
            button.setEnabled(False)
        edit_col.addLayout(buttons)
        row.addWidget(edit_box)
        outer.addLayout(row)
        # The owner's recovery code: the one way back if the owner forgets their PIN.
        self.recovery_box = QGroupBox(tr("Owner's recovery code"), self)
        self.recovery_box.setObjectName("recovery_box")
        rec_col = QVBoxLayout(self.recovery_box)
        self.recovery_state = QLabel("", self.recovery_box)
        self.recovery_state.setObjectName("recovery_state")
        self.recovery_state.setWordWrap(True)
        set_style(self.recovery_state, "muted")
        rec_col.addWidget(self.recovery_state)
        self.recovery_button = QPushButton(tr("Make a new recovery code"), self.recovery_box)
        self.recovery_button.setObjectName("recovery_new")
        self.recovery_button.clicked.connect(self._new_code)
        rec_col.addWidget(self.recovery_button)
        self.recovery = RecoveryCodeBox(self.recovery_box)
        rec_col.addWidget(self.recovery)
        outer.addWidget(self.recovery_box)
        self.recovery_box.setVisible(ctx.actor.role == "owner")
        self.shown: StaffInfo | None = None  # whose role and status the box shows
        self.pick_question: QMessageBox | None = None  # another person chosen over changes
        # nothing typed: the add box empty, the chosen person's box as they are
        self.saved_values = SavedValues(self._typed)
        self.saved_values.keep()

    def hideEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt's name)
        self.recovery.forget()  # shown once: gone when the owner leaves the page
        super().hideEvent(event)

    def refresh(self) -> None:
        """The page as saved: what was typed in either box is dropped (the back office
        asks before it comes to that)."""
        for box in (self.new_name, self.new_pin, self.pin):
            box.clear()
        self.new_role.setCurrentIndex(0)
        self.add_form.clear_errors()
        self._show(None)  # the chosen person's box shows them as they are once read
        self._read()

    def _read(self) -> None:
        """The list read again (after a change): what is typed in the boxes stays."""
        owner = self.ctx.actor.role == "owner"
        self.recovery_box.setVisible(owner)
        if owner:
            self.recovery_state.setText(
                tr("A recovery code was made; making a new one stops the old one from working.")
                if has_recovery_code(self.ctx.store)
                else tr("There is no recovery code yet: make one and write it down. Without it, "
                        "a forgotten owner's PIN cannot be set again.")
            )  # fmt: skip
        chosen = self.table.selected_key()
        staff = list_staff(self.ctx.store, include_inactive=True)
        self.table.blockSignals(True)  # the same person chosen again, not another one
        self.table.fill([[s.name, role_name(s.role), tr("Yes") if s.active else tr("No"),
                          tr("Yes") if s.locked else ""] for s in staff], [s for s in staff])  # fmt: skip
        # the list read again: the person chosen stays chosen
        names = [s.name for s in staff]
        if chosen is not None and chosen.name in names:
            self.table.selectRow(names.index(chosen.name))
        self.table.blockSignals(False)
        self._show(self.table.selected_key())

    def _typed(self) -> tuple:
        """What is typed and not saved: a name or PIN in the add box (with the role chosen
        for them), the chosen person's role, status or new PIN as changed."""
        name, pin = self.new_name.text(), self.new_pin.text()
        adding = (name, self.new_role.currentData(), pin) if name or pin else None
        editing = (self.role.currentData(), self.active.isChecked(), self.pin.text())
        return adding, (editing if self._changed_for_shown() or self.pin.text() else None)

    def _changed_for_shown(self) -> bool:
        """Whether the chosen person's box says other than what they are."""
        shown = self.shown
        return shown is not None and (self.role.currentData(), self.active.isChecked()) != (
            shown.role,
            shown.active,
        )

    def _picked(self) -> None:
        info = self.table.selected_key()
        shown = self.shown
        if (
            shown is not None
            and (self._changed_for_shown() or self.pin.text())
            and (info is None or info.id != shown.id)
        ):
            # Another person chosen over the box's changes for this one: asked first; the
            # list stays on this one until answered (once the click is over, too).
            self._choose(shown)
            text = tr("The changes for %1 are not saved. Choose someone else and lose them?")
            box = ask_to_leave(self, lambda: self._left_for(info), text.replace("%1", shown.name))
            self.pick_question = box
            QTimer.singleShot(0, lambda: self._choose(shown) if box.isVisible() else None)
            return
        self._show(info)

    def _choose(self, info: StaffInfo | None) -> None:
        """Mark `info` chosen in the list, the box left as it is."""
        rows = [
            i for i, key in enumerate(self.table.keys) if info is not None and key.id == info.id
        ]
        self.table.blockSignals(True)
        if rows:
            self.table.selectRow(rows[0])
        else:
            self.table.clearSelection()
        self.table.blockSignals(False)

    def _left_for(self, info: StaffInfo | None) -> None:
        """The changes for the person before are dropped: `info` is the one chosen."""
        self.pin.clear()
        self._choose(info)
        self._show(info)

    def _show(self, info: StaffInfo | None) -> None:
        """The box for `info`: their role and status (changes typed for them kept)."""
        same = info is not None and self.shown is not None and info.id == self.shown.id
        kept = same and self._changed_for_shown()
        if not same and self.shown is not None:
            self.pin.clear()  # a PIN typed for one person is never another's
        self.shown = info
        self.edit_form.clear_errors()  # a refused PIN was the person chosen before
        for button in self._for_the_chosen:
            button.setEnabled(info is not None)
        # the box names whom its role, status and PIN are for
        self.edit_box.setTitle(
            tr("The chosen person: %1").replace("%1", info.name)
            if info is not None
            else tr("The chosen person")
        )
        if info is not None and not kept:
            self.role.setCurrentIndex(self.role.findData(info.role))
            self.active.setChecked(info.active)

    def _done(self, text: str) -> None:
        self.bar.notice(text)
        self._read()

    def _add(self, authoriser) -> None:
        def refused(exc: BaseException) -> bool:
            if not isinstance(exc, DomainError):
                return False
            key = "pin" if exc.code.startswith("pin") else "name"
            self.add_form.show_errors({key: exc.message(self.ctx.core_lang)})
            return True

        def added(info) -> None:
            self.add_form.clear_errors()
            self.new_name.clear()
            self.new_pin.clear()
            self._done(tr("%1 added").replace("%1", info.name))

        run_op(
            self.ctx,
            lambda: add_staff(self.ctx.store, self.ctx.actor, self.new_name.text(), self.new_role.currentData(),
                              self.new_pin.text(), authoriser=authoriser),
            bar=self.bar, on_error=refused, success=added,
        )  # fmt: skip

    def _save_role(self, authoriser) -> None:
        info = self.table.selected_key()
        if info is None:
            return
        run_op(
            self.ctx,
            lambda: set_role(self.ctx.store, self.ctx.actor, info.name, self.role.currentData(),
                             active=self.active.isChecked(), authoriser=authoriser),
            bar=self.bar, success=lambda _info: self._done(tr("%1 saved").replace("%1", info.name)),
            on_error=self._refused_role,
        )  # fmt: skip

    def _refused_role(self, _exc: BaseException) -> bool:
        """Refused (the shop's only owner made a cashier or sent away): the role and the
        box go back to what the person still is; the bar says why."""
        shown = self.shown
        self.edit_form.clear_errors()
        if shown is not None:  # nothing changed: the box shows them as they still are
            self.role.setCurrentIndex(self.role.findData(shown.role))
            self.active.setChecked(shown.active)
        return False

    def _reset_pin(self, authoriser) -> None:
        info = self.table.selected_key()
        if info is None:
            return

        def reset(_result) -> None:
            self.edit_form.clear_errors()
            self.pin.clear()
            self._done(tr("PIN of %1 reset").replace("%1", info.name))

        run_op(
            self.ctx,
            lambda: reset_pin(self.ctx.store, self.ctx.actor, info.name, self.pin.text(), authoriser=authoriser),
            show=lambda text: self.edit_form.set_error("pin", text), success=reset,
        )  # fmt: skip

    def _new_code(self) -> None:
        actor = self.ctx.actor

        def made(code: str) -> None:
            self._read()
            self.recovery.show_code(code, actor.name)

        run_op(self.ctx, lambda: new_recovery_code(self.ctx.store, actor), bar=self.bar,
               success=made)  # fmt: skip
