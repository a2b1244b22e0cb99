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

from dataclasses import dataclass
from typing import Any

from ..i18n import DEFAULT_LANG, N_, gettext
from ..vault import Vault, backend_is_secure, memory_of

SERVICE = "memberdesk-sync"


ENV_TOKEN = "MEMBERDESK_SYNC_TOKEN"


# The session's tokens where no secure store exists: {terminal id: token}.
_memory: dict[str, str] = memory_of(SERVICE)


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


class TokenStore(Vault):
    """get / set / forget the token of one terminal id."""

    def __init__(self, backend: Any | None = None, *, service: str = SERVICE) -> None:
        super().__init__(backend, service=service)

    def set(self, terminal_id: str, token: str) -> SavedToken:
        token = token.strip()
        if not token:
            raise ValueError("empty token")
        return SavedToken(self.put(terminal_id, token), self.backend_name())


__all__ = ["ENV_TOKEN", "SERVICE", "SavedToken", "TokenStore", "backend_is_secure"]
