"""Secrets kept in the OS keyring, or in memory for this session where none is secure.

A secret is a password: it goes to the OS keyring (Windows Credential Manager, macOS
Keychain, Secret Service on a Linux desktop) through `keyring`, and never into the
settings table, a config file or a log. A machine without a secure backend (headless
Linux: keyring's `fail` or `null` backend, a chainer with no backends, or a plain-text
file keyring) keeps it in memory until the program ends. Used for the sync token
(sync/token_store.py) and the coupon keys (coupons/keys.py), each under its service.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any

log = logging.getLogger(__name__)


# Each service's secrets where no secure store exists: {service: {name: secret}}.
_memories: dict[str, dict[str, str]] = {}


_memory_lock = threading.Lock()


def memory_of(service: str) -> dict[str, str]:
    """The session's own secrets of `service` (the dict itself: clearing it forgets them)."""
    with _memory_lock:
        return _memories.setdefault(service, {})


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


class Vault:
    """get / set / forget the secrets of one service, each under a name."""

    def __init__(self, backend: Any | None = None, *, service: str) -> None:
        self._backend = backend
        self.service = service
        self._memory = memory_of(service)

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

    def put(self, name: str, secret: str) -> bool:
        """Keep `secret`; True when it went to the OS keyring, False: memory only."""
        backend = self._keyring()
        if backend is not None and backend_is_secure(backend):
            try:
                backend.set_password(self.service, name, secret)
                with _memory_lock:
                    self._memory.pop(name, None)
                return True
            except Exception as exc:  # locked keyring, no D-Bus session …
                log.warning("keyring refused the secret: %s", type(exc).__name__)
        with _memory_lock:
            self._memory[name] = secret
        return False

    def get(self, name: str) -> str | None:
        with _memory_lock:
            if name in self._memory:
                return self._memory[name]
        backend = self._keyring()
        if backend is None or not backend_is_secure(backend):
            return None
        try:
            return backend.get_password(self.service, name)
        except Exception as exc:
            log.warning("keyring could not be read: %s", type(exc).__name__)
            return None

    def forget(self, name: str) -> None:
        with _memory_lock:
            self._memory.pop(name, None)
        backend = self._keyring()
        if backend is not None and backend_is_secure(backend):
            with contextlib.suppress(Exception):  # nothing stored is fine
                backend.delete_password(self.service, name)
