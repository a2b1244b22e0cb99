"""The token store: the OS keyring when it is secure, else memory for the session."""

from __future__ import annotations

import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.backend import KeyringBackend

from memberdesk.core.sync import token_store
from memberdesk.core.sync.token_store import TokenStore, backend_is_secure


class DictKeyring(KeyringBackend):
    priority = 5

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.data.get((service, username))

    def set_password(self, service, username, password):
        self.data[(service, username)] = password

    def delete_password(self, service, username):
        self.data.pop((service, username), None)


class PlaintextKeyring(DictKeyring):
    pass


PlaintextKeyring.__module__ = "keyrings.alt.file"


@pytest.fixture(autouse=True)
def empty_memory():
    token_store._memory.clear()
    yield
    token_store._memory.clear()


def test_secure_backend_keeps_the_token():
    backend = DictKeyring()
    tokens = TokenStore(backend)
    saved = tokens.set("T1", " secret ")
    assert saved.secure and saved.message("zh") == "接入码已保存到本机的安全存储。"
    assert "keyring" in saved.message("en")
    assert backend.data == {("memberdesk-sync", "T1"): "secret"}
    assert token_store._memory == {}
    assert tokens.get("T1") == "secret"
    tokens.forget("T1")
    assert tokens.get("T1") is None


@pytest.mark.parametrize(
    "backend",
    [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring(), PlaintextKeyring()],
    ids=["fail", "null", "plaintext-file"],
)
def test_no_secure_backend_means_memory_only_with_a_clear_message(backend):
    tokens = TokenStore(backend)
    saved = tokens.set("T1", "secret")
    assert not saved.secure
    zh = saved.message("zh")
    assert zh.startswith("这台电脑没有安全存储，接入码只保留到本软件关闭为止") and "令牌" not in zh
    assert "in memory" in saved.message("en")
    assert "MEMBERDESK_SYNC_TOKEN" in saved.message("en")
    assert tokens.get("T1") == "secret"
    if isinstance(backend, DictKeyring):
        assert backend.data == {}  # never handed to a plain-text store
    token_store._memory.clear()  # the program ends
    assert TokenStore(backend).get("T1") is None


def test_chainer_without_backends_is_not_secure(monkeypatch):
    chainer = keyring.backends.chainer.ChainerBackend()
    monkeypatch.setattr(type(chainer), "backends", property(lambda self: []))
    assert not backend_is_secure(chainer)
    monkeypatch.setattr(type(chainer), "backends", property(lambda self: [DictKeyring()]))
    assert backend_is_secure(chainer)


def test_empty_token_is_refused():
    with pytest.raises(ValueError):
        TokenStore(DictKeyring()).set("T1", "  ")
