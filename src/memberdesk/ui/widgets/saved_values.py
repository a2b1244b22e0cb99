"""What a page's boxes said when they were last read or saved, to tell whether the owner
has typed something since that is not saved.

A back-office page with boxes to save keeps one as `saved_values`: made with a function
that reads what the boxes show, `keep()` once they show what is saved (read again, or
just saved). The back office asks `changed()` before it leaves the page and drops the
typing (backoffice_view), and so does the window before another tab (workspace), logging
out or closing (main_window); a page can ask it too before something would overwrite it."""

from __future__ import annotations

from collections.abc import Callable


class SavedValues:
    def __init__(self, read: Callable[[], object]) -> None:
        self._read = read
        self._kept: tuple[object] | None = None  # none kept yet: nothing typed over them

    def keep(self) -> None:
        """The boxes now show what is saved."""
        self._kept = (self._read(),)

    def changed(self) -> bool:
        """Something typed since `keep()` that is not saved."""
        return self._kept is not None and (self._read(),) != self._kept
