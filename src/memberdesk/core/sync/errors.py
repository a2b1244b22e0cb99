"""Why sync stops: the refusals a person reads (their texts are in ``core/errors.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..errors import DomainError
from ..i18n import DEFAULT_LANG, Message, from_data, normalise, to_data


class SyncError(DomainError):
    """Sync cannot go on; ``message(lang)`` says why."""

    def as_setting(self, at: datetime) -> dict[str, Any]:
        """What is kept of the last error: its code and parameters, translated when shown."""
        params = to_data(Message(self.msgid, **self.params))["params"]
        return {"code": self.code, "params": params, "at": at.isoformat()}


@dataclass(frozen=True)
class SyncMessage:
    """The last sync error as stored: shown in the reader's language."""

    code: str
    params: Mapping[str, Any]
    at: str = ""
    # Written by versions that stored the text itself (one copy per language).
    legacy: Mapping[str, str] | None = None

    @classmethod
    def from_setting(cls, stored: Mapping[str, Any]) -> SyncMessage:
        params = stored.get("params")
        legacy = None
        if not isinstance(params, Mapping):
            params = {}
            legacy = {"zh_CN": str(stored.get("zh", "")), "en": str(stored.get("en", ""))}
        return cls(str(stored.get("code", "")), dict(params), str(stored.get("at", "")), legacy)

    def __str__(self) -> str:
        return self.text(DEFAULT_LANG)

    def text(self, lang: str | None = DEFAULT_LANG) -> str:
        if self.legacy is not None:
            error = SyncError(self.code)
            # An old record keeps its parameters only inside its text: a code that needs
            # none reads in any language, otherwise the stored copy nearest the reader's.
            if not error.msgid or "{" not in error.msgid:
                return error.message(lang)
            return self.legacy["en"] if normalise(lang) == "en" else self.legacy["zh_CN"]
        return from_data({"msgid": SyncError(self.code).msgid, "params": self.params}).text(lang)
