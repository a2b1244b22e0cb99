"""A network receipt printer on this computer, for tests that print over TCP."""

from __future__ import annotations

import socket
import threading


def listening_printer() -> tuple[socket.socket, list[bytes]]:
    """A network printer on this computer: takes what it is sent on a free loopback port."""
    server = socket.create_server(("127.0.0.1", 0))
    got: list[bytes] = []

    def take() -> None:
        conn, _ = server.accept()
        with conn:
            while data := conn.recv(65536):
                got.append(data)

    threading.Thread(target=take, daemon=True).start()
    return server, got
