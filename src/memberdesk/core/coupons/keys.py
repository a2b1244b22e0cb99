"""The keys coupons are signed with, kept in the OS keyring as the sync token is.

Head office hands every till of the chain the same key (id 1 and up) at each handshake,
so a coupon issued at one till is verified at any other with no network. A till that
does not sync makes a key of its own (id 0) the first time it issues a coupon; its
coupons are then good at that till only. The keys live in the OS keyring (never the
database: whoever holds the file could sign coupons), or in memory for the session
where no secure keyring exists — a syncing till gets the chain's key again at its next
handshake.
"""

from __future__ import annotations

import json
import secrets
import threading

from ..errors import DomainError
from ..vault import Vault

SERVICE = "memberdesk-coupons"
LOCAL_KEY_ID = 0

_lock = threading.Lock()
_cache: dict[str, dict[int, bytes]] = {}  # terminal id → {key id: secret}
_keyring = Vault(service=SERVICE)


def use_keyring(keyring: Vault) -> None:
    """Keep the keys in another store (tests, a machine's own keyring setup)."""
    global _keyring
    with _lock:
        _keyring = keyring
        _cache.clear()


def known_keys(terminal_id: str) -> dict[int, bytes]:
    with _lock:
        if terminal_id not in _cache:
            _cache[terminal_id] = _load(terminal_id)
        return dict(_cache[terminal_id])


def _load(terminal_id: str) -> dict[int, bytes]:
    text = _keyring.get(terminal_id)
    if not text:
        return {}
    try:
        return {int(k): bytes.fromhex(v) for k, v in json.loads(text).items()}
    except (ValueError, AttributeError):
        return {}


def remember_key(terminal_id: str, key_id: int, secret: bytes) -> bool:
    """Keep a key (HQ's, or the till's own); returns whether it was new."""
    with _lock:
        keys = _cache.get(terminal_id)
        if keys is None:
            keys = _cache[terminal_id] = _load(terminal_id)
        if keys.get(key_id) == secret:
            return False
        keys[key_id] = secret
        _keyring.put(terminal_id, json.dumps({str(k): v.hex() for k, v in keys.items()}))
        return True


def signing_key(terminal_id: str, *, syncs: bool) -> tuple[int, bytes]:
    """The key new coupons are signed with: the chain's newest; a till that does not sync
    makes its own the first time."""
    keys = known_keys(terminal_id)
    chain = [k for k in keys if k != LOCAL_KEY_ID]
    if chain:
        return max(chain), keys[max(chain)]
    if syncs:
        raise DomainError("coupon.no_key")
    if LOCAL_KEY_ID not in keys:
        remember_key(terminal_id, LOCAL_KEY_ID, secrets.token_bytes(32))
    return LOCAL_KEY_ID, known_keys(terminal_id)[LOCAL_KEY_ID]


def take_chain_key(terminal_id: str, hello: dict) -> bool:
    """Keep the chain's key head office sent with its handshake answer; returns whether it
    was new. An answer without one (an older HQ) changes nothing."""
    key = hello.get("coupon_key")
    if not isinstance(key, dict):
        return False
    key_id, secret = key.get("id"), key.get("secret")
    if type(key_id) is not int or not 1 <= key_id <= 255 or not isinstance(secret, str):
        return False
    try:
        raw = bytes.fromhex(secret)
    except ValueError:
        return False
    return len(raw) >= 16 and remember_key(terminal_id, key_id, raw)
