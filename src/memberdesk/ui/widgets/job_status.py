"""The status-bar strip that shows the worker's current job, its progress and a Cancel button."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ..i18n import tr
from ..worker import JobRunner


class JobStatus(QWidget):
    def __init__(self, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.current: int | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.label.setObjectName("job_label")
        row.addWidget(self.label)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("job_progress")
        self.bar.setMaximumWidth(160)
        row.addWidget(self.bar)
        self.cancel = QPushButton(tr("Cancel"), self)
        self.cancel.setObjectName("job_cancel")
        self.cancel.clicked.connect(self._cancel)
        row.addWidget(self.cancel)
        jobs.started.connect(self._started)
        jobs.progress.connect(self._progress)
        jobs.ended.connect(self._ended)
        self.hide()

    def _started(self, job_id: int, title: str) -> None:
        self.current = job_id
        self.label.setText(title)
        self.bar.setRange(0, 0)  # busy until the job reports how far it is
        self.cancel.setEnabled(True)
        self.cancel.setVisible(self.jobs.stoppable(job_id))  # no button that cannot keep its word
        self.show()

    def _progress(self, job_id: int, done: int, total: int, text: str) -> None:
        if job_id != self.current:
            return
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        if text:
            self.label.setText(f"{self.jobs.title(job_id)}：{text}")

    def _ended(self, job_id: int) -> None:
        if job_id == self.current:
            self.current = None
            self.hide()

    def _cancel(self) -> None:
        if self.current is not None:
            self.jobs.cancel(self.current)
            self.cancel.setEnabled(False)
            self.label.setText(tr("Cancelling…"))
