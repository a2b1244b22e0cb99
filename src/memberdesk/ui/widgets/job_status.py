"""The status-bar strip that shows the running jobs: the latest one begun, its progress and a
Cancel button, and how many more run beside it (jobs of different kinds run side by side)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ..i18n import tr
from ..worker import JobRunner


@dataclass
class _Shown:
    title: str
    done: int = 0
    total: int = 0  # 0: busy, no measure yet
    text: str = ""
    cancelling: bool = False


class JobStatus(QWidget):
    def __init__(self, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.current: int | None = None
        self._running: dict[int, _Shown] = {}  # in the order they began
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.label.setObjectName("job_label")
        row.addWidget(self.label)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("job_progress")
        self.bar.setMaximumWidth(160)
        row.addWidget(self.bar)
        self.more = QLabel(self)
        self.more.setObjectName("job_more")
        row.addWidget(self.more)
        self.cancel = QPushButton(tr("Cancel"), self)
        self.cancel.setObjectName("job_cancel")
        self.cancel.clicked.connect(self._cancel)
        row.addWidget(self.cancel)
        jobs.started.connect(self._started)
        jobs.progress.connect(self._progress)
        jobs.ended.connect(self._ended)
        self.hide()

    def _started(self, job_id: int, title: str) -> None:
        self._running[job_id] = _Shown(title)
        self._show(job_id)

    def _progress(self, job_id: int, done: int, total: int, text: str) -> None:
        shown = self._running.get(job_id)
        if shown is None:
            return
        if total > 0:
            shown.done, shown.total = done, total
        if text:
            shown.text = text
        if job_id == self.current and not shown.cancelling:
            self._show(job_id)

    def _ended(self, job_id: int) -> None:
        self._running.pop(job_id, None)
        if not self._running:
            self.current = None
            self.hide()
        elif job_id == self.current:
            self._show(next(reversed(self._running)))  # the latest one still running
        else:
            self._show_more()

    def _show(self, job_id: int) -> None:
        """Show `job_id`'s title, how far it is, and a Cancel button if it can keep its word."""
        self.current = job_id
        shown = self._running[job_id]
        if shown.cancelling:
            self.label.setText(tr("Cancelling…"))
        elif shown.text:
            self.label.setText(f"{shown.title}：{shown.text}")
        else:
            self.label.setText(shown.title)
        self.bar.setRange(0, shown.total)  # (0, 0): busy until the job reports how far it is
        self.bar.setValue(shown.done)
        self.cancel.setEnabled(not shown.cancelling)
        self.cancel.setVisible(self.jobs.stoppable(job_id))  # no button that cannot keep its word
        self._show_more()
        self.show()

    def _show_more(self) -> None:
        others = len(self._running) - 1
        self.more.setText(f"+{others}" if others > 0 else "")  # more jobs running beside it
        self.more.setVisible(others > 0)

    def _cancel(self) -> None:
        if self.current is not None:
            self.jobs.cancel(self.current)
            self._running[self.current].cancelling = True
            self.cancel.setEnabled(False)
            self.label.setText(tr("Cancelling…"))
