"""Where the terminal's HQ token lives: the OS keyring, or memory for this session.

The token is a password: it goes to the OS keyring (Windows Credential Manager,
macOS Keychain, Secret Service on a Linux desktop) through `keyring`, and never
into the settings table, a config file or a log. A machine without a secure
backend (headless Linux: keyring's `fail` or `null` backend, a chainer with no
backends, or a plain-text file keyring) gets a clear message and keeps the
token in memory until the program ends; scripts then pass it in each time
(MEMBERDESK_SYNC_TOKEN or --token-stdin).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass
from typing import Any

from ..i18n import DEFAULT_LANG, N_, gettext

log = logging.getLogger(__name__)


SERVICE = "memberdesk-sync"


ENV_TOKEN = "MEMBERDESK_SYNC_TOKEN"


# The session's tokens where no secure store exists: {terminal id: token}.
_memory: dict[str, str] = {}


_memory_lock = threading.Lock()


INSECURE_MESSAGE = N_(
    "This computer has no secure keyring, so the sync token is kept in memory for this "
    "session only and must be given again after the program closes; scripts can pass it "
    "in MEMBERDESK_SYNC_TOKEN or with --token-stdin."
)


SECURE_MESSAGE = N_("The sync token is saved in the system keyring.")


@dataclass(frozen=True)
class SavedToken:
    secure: bool  # True: in the OS keyring; False: in memory for this session only
    backend: str

    def message(self, lang: str | None = DEFAULT_LANG) -> str:
        return gettext(SECURE_MESSAGE if self.secure else INSECURE_MESSAGE, lang)


def backend_is_secure(backend: Any) -> bool:
    """False for keyring's fail/null backends, an empty chainer, and plain-text file keyrings."""
    module = type(backend).__module__
    name = type(backend).__name__
    if module.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return False
    if module.startswith("keyring.backends.chainer"):
        inner = list(getattr(backend, "backends", []) or [])
        return any(backend_is_secure(b) for b in inner)
    if module.startswith("keyrings.alt"):  # plain text or a file we would have to unlock
        return False
    if "Plaintext" in name:
        return False
    try:
        return float(getattr(backend, "priority", 1)) > 0
    except Exception:  # some backends compute priority lazily and raise when unusable
        return False


class TokenStore:
    """get / set / forget the token of one terminal id."""

    def __init__(self, backend: Any | None = None, *, service: str = SERVICE) -> None:
        self._backend = backend
        self.service = service

    def _keyring(self) -> Any | None:
        if self._backend is not None:
            return self._backend
        try:
            import keyring

            return keyring.get_keyring()
        except Exception:  # a broken keyring install must not stop the till
            log.warning("keyring unavailable", exc_info=True)
            return None

    @property
    def secure(self) -> bool:
        backend = self._keyring()
        return backend is not None and backend_is_secure(backend)

    def backend_name(self) -> str:
        backend = self._keyring()
        return "none" if backend is None else f"{type(backend).__module__}.{type(backend).__name__}"

    def set(self, terminal_id: str, token: str) -> SavedToken:
        token = token.strip()
        if not token:
            raise ValueError("empty token")
        backend = self._keyring()
        if backend is not None and backend_is_secure(backend):
            try:
                backend.set_password(self.service, terminal_id, token)
                with _memory_lock:
                    _memory.pop(terminal_id, None)
                return SavedToken(True, self.backend_name())
            except Exception as exc:  # locked keyring, no D-Bus session …
                log.warning("keyring refused the token: %s", type(exc).__name__)
        with _memory_lock:
            _memory[terminal_id] = token
        return SavedToken(False, self.backend_name())

    def get(self, terminal_id: str) -> str | None:
        with _memory_lock:
            if terminal_id in _memory:
                return _memory[terminal_id]
        backend = self._keyring()
        if backend is None or not backend_is_secure(backend):
            return None
        try:
            return backend.get_password(self.service, terminal_id)
        except Exception as exc:
            log.warning("keyring could not be read: %s", type(exc).__name__)
            return None

    def forget(self, terminal_id: str) -> None:
        with _memory_lock:
            _memory.pop(terminal_id, None)
        backend = self._keyring()
        if backend is not None and backend_is_secure(backend):
            with contextlib.suppress(Exception):  # nothing stored is fine
                backend.delete_password(self.service, terminal_id)
