"""A till reaching HQ over HTTPS whose certificate is the chain's own (self-signed here)."""

from __future__ import annotations

import http.server
import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from memberdesk.core.i18n import Message
from memberdesk.core.sync.errors import SyncError
from memberdesk.core.sync.transport import HttpTransport, Unreachable

DATA = Path(__file__).resolve().parents[1] / "data"
CERT, KEY = DATA / "hq-test.pem", DATA / "hq-test.key"  # self-signed, for 127.0.0.1


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"status": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def https_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(CERT, KEY)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_untrusted_certificate_is_named_with_what_to_do(https_url, monkeypatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with (
        HttpTransport(https_url, "mdt_token", timeout=5) as transport,
        pytest.raises(Unreachable) as refused,
    ):
        transport.health()
    what = refused.value.what
    assert isinstance(what, Message), what  # not a bare "network (ConnectError)"
    said = SyncError("sync.offline", what=what).message("zh_CN")
    assert "SSL_CERT_FILE" in said and "证书" in said, said
    assert "SSL_CERT_FILE" in SyncError("sync.offline", what=what).message("en")


def test_ssl_cert_file_makes_the_till_trust_hqs_own_certificate(https_url, monkeypatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(CERT))
    with HttpTransport(https_url, "mdt_token", timeout=5) as transport:
        assert transport.health() == {"status": "ok"}
