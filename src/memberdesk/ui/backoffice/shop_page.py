"""The shop's name, address, phone, time zone and receipt footer; its language (the
window's, and the receipts' and slips')."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...core.errors import DomainError, ValidationFailed
from ...core.shop.details import configure_shop, get_shop
from ..context import AppContext
from ..i18n import LANGS, install_translators, save_language, tr
from ..members.authorise import with_authority
from ..ops import run_op
from ..start.setup_view import FIELD_OF
from ..widgets.fields import InlineForm, MessageBar, set_role
from ..widgets.saved_values import SavedValues
from ..widgets.timezones import TimezoneBox


class ShopPage(QWidget):
    language_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        outer = QVBoxLayout(self)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        self.form = InlineForm(self)
        self.name = self.form.add("name", tr("Shop name"), QLineEdit(self))
        self.address = self.form.add("address", tr("Address"), QLineEdit(self))
        self.phone = self.form.add("phone", tr("Shop phone"), QLineEdit(self))
        # by name (中国标准时间（北京时间）), the IANA name kept (Asia/Shanghai); one not
        # listed can still be typed by its IANA name
        self.tz = self.form.add("timezone", tr("Time zone"), TimezoneBox(self))
        self.tz.setObjectName("shop_timezone")
        self.footer = self.form.add("footer", tr("Receipt footer"), QLineEdit(self))
        self.store_code = self.form.add("store_code", tr("Store code"), QLineEdit(self))
        self.terminal_code = self.form.add("terminal_code", tr("Till number"), QLineEdit(self))
        self.card_prefix = self.form.add("card_prefix", tr("Card number prefix"), QLineEdit(self))
        for key in ("store_code", "terminal_code", "card_prefix"):
            getattr(self, key).setObjectName(f"shop_{key}")
        self.lang = self.form.add("lang", tr("Language"), QComboBox(self))
        self.lang.setObjectName("language")
        for code, name in LANGS.items():
            self.lang.addItem(name, code)
        outer.addWidget(self.form)
        row = QHBoxLayout()
        save = QPushButton(tr("Save"), self)
        save.setObjectName("shop_save")
        set_role(save, "primary")
        save.clicked.connect(lambda: with_authority(ctx, self, "shop_settings", self._save))
        row.addWidget(save)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.saved_values = SavedValues(self._typed)

    def refresh(self) -> None:
        shop = get_shop(self.ctx.store)
        self.name.setText(shop.name)
        self.address.setText(shop.address)
        self.phone.setText(shop.phone)
        self.tz.set_zone(shop.timezone)
        self.footer.setText(shop.footer)
        self.store_code.setText(shop.store_code)
        self.terminal_code.setText(shop.terminal_code)
        self.card_prefix.setText(shop.card_prefix)
        self.lang.setCurrentIndex(max(0, self.lang.findData(self.ctx.lang)))
        self.saved_values.keep()
        self.form.clear_errors()  # the problems were the values just replaced

    def _typed(self) -> tuple:
        fields = (self.name, self.address, self.phone, self.footer, self.store_code,
                  self.terminal_code, self.card_prefix)  # fmt: skip
        return (*(f.text() for f in fields), self.tz.zone(), self.lang.currentData())

    def _save(self, authoriser=None) -> None:
        run_op(
            self.ctx,
            lambda: configure_shop(
                self.ctx.store, name=self.name.text().strip(), address=self.address.text().strip(),
                phone=self.phone.text().strip(), timezone=self.tz.zone(),
                footer=self.footer.text().strip(), language=self.lang.currentData(),
                store_code=self.store_code.text(), terminal_code=self.terminal_code.text(),
                card_prefix=self.card_prefix.text(), actor=self.ctx.actor, authoriser=authoriser,
            ),
            bar=self.bar,
            on_error=self._refused,
            success=self._saved,
        )  # fmt: skip

    def _refused(self, exc: BaseException) -> bool:
        lang = self.ctx.core_lang
        if isinstance(exc, ValidationFailed):  # every field's problem beside it, at once
            keys = {"language": "lang"}  # core's name for a field, where the form's differs
            self.form.show_errors({keys.get(k, k): e.message(lang) for k, e in exc.errors.items()})
            return True
        field = FIELD_OF.get(exc.code) if isinstance(exc, DomainError) else None
        if field is None:  # e.g. the codes cannot change after the first sync: in the bar
            return False
        self.form.show_errors({field: exc.message(lang)})
        return True

    def _saved(self, _shop) -> None:
        self.saved_values.keep()
        self.form.clear_errors()
        lang = self.lang.currentData()
        if lang != self.ctx.lang:
            self.ctx.lang = lang
            save_language(lang)
            install_translators(lang)
            self.language_changed.emit()
            return
        self.bar.notice(tr("Saved"))
