"""The loyalty program settings: start from a preset, change numbers, see problems, save a version."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...core.loyalty.calendar import expiry_in_words
from ...core.loyalty.program import (
    Program,
    ProgramInvalid,
    presets,
    program_name,
    save_problems,
    validate_program,
)
from ...core.loyalty.program_store import current_program, save_program
from ...core.till.history import today
from ..context import AppContext
from ..i18n import tr
from ..members.authorise import with_authority
from ..ops import run_op
from ..widgets.fields import MessageBar, set_role
from ..widgets.saved_values import SavedValues
from .program_form import ProgramForm


class ProgramPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.base: Program | None = None
        self.valid: Program | None = None
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        self.version = QLabel(self)
        self.version.setObjectName("program_version")
        top.addWidget(self.version)
        top.addStretch(1)
        top.addWidget(QLabel(tr("Start from a preset"), self))
        self.preset = QComboBox(self)
        self.preset.setObjectName("program_preset")
        for code, program in presets(ctx.core_lang).items():
            self.preset.addItem(program.name, code)
        top.addWidget(self.preset)
        load = QPushButton(tr("Load preset"), self)
        load.setObjectName("load_preset")
        load.clicked.connect(self._load_preset)
        top.addWidget(load)
        outer.addLayout(top)
        self.bar = MessageBar(self)
        outer.addWidget(self.bar)
        self.form = ProgramForm(self)
        self.form.edited.connect(self.check)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        outer.addWidget(scroll, 1)
        bottom = QHBoxLayout()
        self.problems = QLabel(self)
        self.problems.setObjectName("program_problems")
        self.problems.setWordWrap(True)
        bottom.addWidget(self.problems, 1)
        self.save_button = QPushButton(tr("Save as a new version"), self)
        self.save_button.setObjectName("save_program")
        set_role(self.save_button, "primary")
        self.save_button.clicked.connect(
            lambda: with_authority(ctx, self, "program_change", self._save)
        )
        bottom.addWidget(self.save_button)
        outer.addLayout(bottom)
        # the form as it reads: edited or a preset loaded, it no longer says what is in force
        self.saved_values = SavedValues(
            lambda: None if self.base is None else self.form.document(self.base)
        )

    def refresh(self) -> None:
        current = current_program(self.ctx.store)
        self.base = current.program
        self.version.setText(tr("Program in force: version %1 (%2)").replace("%1", str(current.version))
                             .replace("%2", program_name(current.program, self.ctx.core_lang)))  # fmt: skip
        self.form.load(current.program)
        self.saved_values.keep()
        self.check()

    def _load_preset(self) -> None:
        self.base = presets(self.ctx.core_lang)[self.preset.currentData()]
        self.form.load(self.base)
        self.check()

    def check(self) -> None:
        """Validate what the form says now; every problem shows beside its field."""
        if self.base is None:
            return
        doc, unreadable = self.form.document(self.base)
        problems: dict[str, list[str]] = {path: [text] for path, text in unreadable.items()}
        self.valid = None
        if not unreadable:
            try:
                self.valid = validate_program(doc)
                found = save_problems(self.valid)  # a stored one may have them; a new one not
            except ProgramInvalid as exc:
                found = exc.errors
            for problem in found:
                problems.setdefault(problem.path, []).append(problem.text(self.ctx.core_lang))
            if found:
                self.valid = None
        self.form.show_problems(problems)
        self.form.show_expiry_words(
            expiry_in_words(self.valid, self.ctx.core_lang, today(self.ctx.store))
            if self.valid
            else ""
        )
        count = sum(len(v) for v in problems.values())
        self.problems.setText(
            tr("%1 problem(s) to fix before saving").replace("%1", str(count)) if count else ""
        )
        set_role(self.problems, "error" if count else "ok")
        self.save_button.setEnabled(self.valid is not None)

    def _save(self, authoriser) -> None:
        if self.valid is None:
            return
        program = self.valid
        run_op(self.ctx, lambda: save_program(self.ctx.store, self.ctx.actor, program, authoriser=authoriser),
               bar=self.bar, success=self._saved)  # fmt: skip

    def _saved(self, saved) -> None:
        self.bar.notice(
            tr("Saved as version %1; it applies from the next sale").replace(
                "%1", str(saved.version)
            )
        )
        self.refresh()
