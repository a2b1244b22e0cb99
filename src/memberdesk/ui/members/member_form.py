"""Issue a card or edit a member. Every problem shows beside its field, as you go and on save."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import DomainError, ValidationFailed
from ...core.members.import_columns import date_parts
from ...core.members.member import (
    LunarDate,
    MemberForm,
    MemberView,
    edit_member,
    form_problems,
    needs_guardian,
)
from ...core.members.phone import normalize_mobile
from ...core.shop.staff import list_staff
from ...core.sync.cards import issue_card_checked
from ...core.sync.config import sync_config
from ..context import AppContext
from ..i18n import tr
from ..ops import run_op
from ..texts import gender_name
from ..widgets.fields import InlineForm, MessageBar, set_role
from ..widgets.saved_values import ClosingAsks


def nobody_found(text: str, hint: tuple[str, str]) -> str:
    """What the bar says of a search that found no one; with F3 when what was typed can be
    the new member's phone or name (`hint`, from core's new_member_hint)."""
    if hint[1]:
        said = tr("No member matches “%1”: F3 issues a card for this number")
    elif hint[0]:
        said = tr("No member matches “%1”: F3 issues a card in this name")
    else:
        said = tr("No member matches “%1”")
    return said.replace("%1", text)


class MemberFormDialog(ClosingAsks, QDialog):
    saved = Signal(object)  # MemberView

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 member: MemberView | None = None, hint: tuple[str, str] = ("", "")) -> None:  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        self.member = member
        self.setObjectName("member_form")
        self.setWindowTitle(tr("Edit member") if member else tr("Issue a member card"))
        self.setMinimumWidth(760)
        outer = QVBoxLayout(self)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        self.form = InlineForm(self)
        f = self.form
        self.name = f.add("name", tr("Name"), QLineEdit(self))
        self.phone = f.add("phone", tr("Mobile phone"), QLineEdit(self))
        self.phone.editingFinished.connect(self._check_phone)
        self.gender = f.add("gender", tr("Gender"), QComboBox(self))
        for code in ("U", "F", "M"):
            self.gender.addItem(gender_name(code), code)
        bday = QWidget(self)
        row = QHBoxLayout(bday)
        row.setContentsMargins(0, 0, 0, 0)
        self.birthday = QLineEdit(bday)
        self.birthday.setPlaceholderText(tr("YYYY-MM-DD"))
        row.addWidget(self.birthday, 1)
        self.lunar = QCheckBox(tr("Lunar"), bday)
        row.addWidget(self.lunar)
        self.leap = QCheckBox(tr("Leap month"), bday)
        row.addWidget(self.leap)
        f.add("birthday", tr("Birthday"), bday)
        # Asked only for a member under 14 (core's rule): their personal information is
        # kept only with a parent's or guardian's consent.
        self.guardian = f.add(
            "guardian_consent",
            tr("Guardian consent"),
            QCheckBox(
                tr("A parent or guardian consents to this membership (member under 14)"), self
            ),
        )
        for signal in (self.birthday.textChanged, self.lunar.toggled, self.leap.toggled):
            signal.connect(self._show_guardian)
        self.salesperson = f.add("salesperson", tr("Salesperson"), QComboBox(self))
        self.salesperson.addItem("—", None)
        for info in list_staff(ctx.store):
            self.salesperson.addItem(info.name, info.id)
        self.referrer = f.add("referrer", tr("Referred by (card or phone)"), QLineEdit(self))
        self.card = f.add("card", tr("Pre-printed card number (blank: generate)"), QLineEdit(self))
        self.consent = f.add(
            "consent", tr("Marketing"), QCheckBox(tr("Agrees to receive offers"), self)
        )
        self.notes = f.add("notes", tr("Notes"), QPlainTextEdit(self))
        self.notes.setFixedHeight(64)
        for key, w in (("name", self.name), ("phone", self.phone), ("birthday", self.birthday),
                       ("referrer", self.referrer), ("card", self.card), ("notes", self.notes),
                       ("gender", self.gender), ("salesperson", self.salesperson),
                       ("consent", self.consent), ("guardian", self.guardian)):  # fmt: skip
            w.setObjectName(f"member_{key}_field")
        outer.addWidget(self.form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        cancel = QPushButton(tr("Cancel"), self)
        cancel.clicked.connect(self.reject)
        buttons.addWidget(cancel)
        self.save_button = QPushButton(tr("Save"), self)
        self.save_button.setObjectName("save_member")
        set_role(self.save_button, "primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        if member is not None:
            self._load(member)
        self._show_guardian()
        if member is None:  # a new member for the search that found no one: what the customer gave
            self.name.setText(hint[0])
            self.phone.setText(hint[1])
            if hint[0] and not hint[1]:
                self.phone.setFocus()
        # What the form showed when it opened: Esc, 取消 or the close button ask before
        # typing is lost (a customer's details typed and gone with one key).
        self.keep_typed(self._typed,
                        tr("What was typed for this member is not saved. Close and lose it?"))  # fmt: skip

    def _load(self, m: MemberView) -> None:
        self.name.setText(m.name)
        self.phone.setText(m.phone or "")
        self.gender.setCurrentIndex(max(0, self.gender.findData(m.gender)))
        if m.birthday_lunar and m.lunar_month:
            self.lunar.setChecked(True)
            self.leap.setChecked(m.lunar_leap)
            year = m.birthday.year if m.birthday else 1990
            self.birthday.setText(f"{year:04d}-{m.lunar_month:02d}-{m.lunar_day:02d}")
        elif m.birthday:
            self.birthday.setText(m.birthday.isoformat())
        self.salesperson.setCurrentIndex(max(0, self.salesperson.findData(m.salesperson_id)))
        self.consent.setChecked(m.marketing_consent)
        self.guardian.setChecked(m.guardian_consent)
        self.notes.setPlainText(m.notes)
        self.card.setText(m.card_no)
        self.card.setEnabled(False)  # a new number is a card replacement, not an edit

    def _typed(self) -> tuple:
        return (self.name.text(), self.phone.text(), self.gender.currentIndex(),
                self.birthday.text(), self.lunar.isChecked(), self.leap.isChecked(),
                self.guardian.isChecked(), self.salesperson.currentIndex(),
                self.referrer.text(), self.card.text(), self.consent.isChecked(),
                self.notes.toPlainText())  # fmt: skip

    def _show_guardian(self) -> None:
        """The guardian's consent is asked for once the birthday makes the member a child
        (and stays in sight while it is ticked)."""
        try:
            solar, lunar = self._birthday()
        except ValidationFailed:
            solar = lunar = None
        need = needs_guardian(self.ctx.store, solar, lunar)
        self.form.show_row("guardian_consent", need or self.guardian.isChecked())

    def _check_phone(self) -> None:
        """Said beside the phone as the cashier leaves it; the cursor goes on where they went
        (Save takes it back to the phone if it is still wrong)."""
        text = self.phone.text().strip()
        message = ""
        if text:
            try:
                normalize_mobile(text)
            except DomainError as exc:
                message = exc.message(self.ctx.core_lang)
        self.form.note("phone", message)

    def _birthday(self) -> tuple[date | None, LunarDate | None]:
        text = self.birthday.text().strip()
        if not text:
            return None, None
        try:
            # read as an import reads it: 1990-05-20, 1990/5/20, 19900520, 1990年5月20日
            y, m, d = date_parts(text)
            if self.lunar.isChecked():
                return None, LunarDate(y, m, d, self.leap.isChecked())
            return date(y, m, d), None
        except ValueError:
            raise ValidationFailed(
                {"birthday": DomainError("birthday.impossible", birthday=text)}
            ) from None

    def form_data(self) -> MemberForm:
        """The form as typed; a birthday it cannot read is refused together with every
        other field's problem (core's), never alone while the phone's waits for a retry."""
        try:
            solar, lunar = self._birthday()
        except ValidationFailed as unreadable:
            member_id = self.member.id if self.member is not None else None
            problems = form_problems(self.ctx.store, self._form(None, None), member_id=member_id)
            raise ValidationFailed({**problems, **unreadable.errors}) from None
        return self._form(solar, lunar)

    def _form(self, solar: date | None, lunar: LunarDate | None) -> MemberForm:
        return MemberForm(
            name=self.name.text(), phone=self.phone.text().strip() or None,
            gender=self.gender.currentData(), birthday=solar, lunar_birthday=lunar,
            salesperson_id=self.salesperson.currentData(),
            referrer=self.referrer.text().strip() or None,
            marketing_consent=self.consent.isChecked(), notes=self.notes.toPlainText(),
            guardian_consent=self.guardian.isChecked(),
        )  # fmt: skip

    def save(self) -> None:
        self.bar.clear_message()
        if self.member is None and self.card.text().strip() and sync_config(self.ctx.store):
            # A pre-printed card is asked about at HQ first: off the window's thread.
            run_op(self.ctx, lambda _progress: self._write(), slow=True, title=tr("Issue a member card"),
                   bar=self.bar, on_error=self._refused, success=self._saved)  # fmt: skip
            return
        run_op(self.ctx, self._write, bar=self.bar, on_error=self._refused, success=self._saved)

    def _write(self) -> MemberView:
        form = self.form_data()
        if self.member is None:
            return issue_card_checked(
                self.ctx.store, self.ctx.actor, form, card_no=self.card.text().strip() or None
            )
        return edit_member(self.ctx.store, self.ctx.actor, self.member.id, form,
                           expected_version=self.member.version)  # fmt: skip

    def _refused(self, exc: BaseException) -> bool:
        """Field problems show beside their fields; anything else in the bar."""
        if isinstance(exc, ValidationFailed):
            self.form.show_errors({k: e.message(self.ctx.core_lang) for k, e in exc.errors.items()})
            return True
        self.form.clear_errors()
        return False

    def _saved(self, view: MemberView) -> None:
        self.form.clear_errors()
        self.accept()
        self.saved.emit(view)
